/// How a tensor splits around one axis: `outer` blocks, each holding `size`
/// lanes of `inner` contiguous elements. Element `(o, k, i)` lives at
/// `o * size * inner + k * inner + i`.
struct AxisLayout {
  var outer: Int
  var size: Int
  var inner: Int

  init(outer: Int, size: Int, inner: Int) {
    self.outer = outer
    self.size = size
    self.inner = inner
  }

  init(shape: Shape, axis: Int) {
    (outer, size, inner) = (1, shape[axis], 1)
    for before in 0..<axis { outer &*= shape[before] }
    for after in (axis + 1)..<shape.count { inner &*= shape[after] }
  }
}

extension Tensor {
  /// Reduces along `axis` (removing it) or over every element when `axis` is
  /// nil (giving a scalar), folding each lane with `body`.
  func reduce(
    axis: Int?, operation: String, emptyValue: Double? = nil,
    _ body: (UnsafeBufferPointer<Double>, _ start: Int, _ count: Int, _ stride: Int) -> Double
  ) throws -> Tensor {
    guard let axis else {
      if count == 0, emptyValue == nil {
        throw TensorError(operation, "cannot reduce an empty tensor \(Tensor.describe(shape))")
      }
      let value = scalars.withUnsafeBufferPointer { body($0, 0, count, 1) }
      return Tensor(value)
    }
    let resolved = try Tensor.normalize(axis: axis, rank: rank, operation: operation)
    let layout = AxisLayout(shape: shape, axis: resolved)
    if layout.size == 0, emptyValue == nil {
      throw TensorError(operation, "cannot reduce along empty axis \(axis) of \(Tensor.describe(shape))")
    }
    var resultShape = shape
    resultShape.remove(at: resolved)
    var result = TensorBuffer<Double>(repeating: 0, count: layout.outer * layout.inner)
    scalars.withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { result in
        for o in 0..<layout.outer {
          for i in 0..<layout.inner {
            result[o * layout.inner + i] = body(x, o * layout.size * layout.inner + i, layout.size, layout.inner)
          }
        }
      }
    }
    return Tensor(unchecked: resultShape, result)
  }
}

extension Tensor {
  /// A reduction's gradient spread back over the shape it reduced: `self`
  /// has `shape` without `axis` (or is one number when `axis` is nil).
  func expanded(removedAxis axis: Int?, to shape: Shape) throws -> Tensor {
    guard let axis else { return try Tensor(repeating: scalars[0], shape: shape) }
    let resolved = try Tensor.normalize(axis: axis, rank: shape.count, operation: "gradient")
    var kept = shape
    kept[resolved] = 1
    return try reshaped(kept).broadcast(to: shape, operation: "gradient")
  }
}

/// Records a reduction of `x` along `axis`: `local(x, y)` gives, for each
/// element of `x`, the derivative of its lane's result `y` (`y` read with
/// the reduced axis stretched back).
func recordReduction(
  _ result: Tensor, of x: Tensor, axis: Int?, name: String,
  local: @escaping @Sendable (_ input: Tensor, _ output: Tensor) throws -> Tensor
) -> Tensor {
  guard let tape = Tape.recording(x) else { return result }
  let input = x.untracked
  return tape.record(result, name, inputs: [x]) { gradient, gradients in
    let spread = try gradient.expanded(removedAxis: axis, to: input.shape)
    let output = try result.untracked.expanded(removedAxis: axis, to: input.shape)
    gradients.add(try spread * (try local(input, output)), to: x)
  }
}

/// The sum `Σ xᵢ` along `axis` (removing it), or of every element when `axis` is nil.
/// The sum of nothing is 0. Each element's gradient is the gradient of its sum.
public func sum(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  let result = try x.reduce(axis: axis, operation: "sum", emptyValue: 0) { buffer, start, count, stride in
    var total = 0.0
    for k in 0..<count { total += buffer[start + k * stride] }
    return total
  }
  return recordReduction(result, of: x, axis: axis, name: "sum") { input, _ in
    try Tensor(repeating: 1, shape: input.shape)
  }
}

/// The arithmetic mean `(1/n) Σ xᵢ` along `axis`, or of every element when
/// `axis` is nil. Each element's gradient is `1/n` of its mean's.
public func mean(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  let result = try x.reduce(axis: axis, operation: "mean") { buffer, start, count, stride in
    var total = 0.0
    for k in 0..<count { total += buffer[start + k * stride] }
    return total / Double(count)
  }
  let n = Double(
    axis.map { x.shape[(try? Tensor.normalize(axis: $0, rank: x.rank, operation: "mean")) ?? 0] } ?? x.count)
  return recordReduction(result, of: x, axis: axis, name: "mean") { input, _ in
    try Tensor(repeating: 1 / n, shape: input.shape)
  }
}

/// The largest element along `axis`, or of every element when `axis` is nil.
/// NaN propagates, as in NumPy's `amax`. The gradient goes to the first
/// largest element of each lane (PyTorch's `max(dim)`; its `max()` of a
/// whole tensor would split it among ties). Named as NumPy's and PyTorch's
/// `amax`, so that the standard library's `max(a, b)` stays unshadowed.
public func amax(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  let result = try x.reduce(axis: axis, operation: "max") { buffer, start, count, stride in
    var best = -Double.infinity
    for k in 0..<count {
      let value = buffer[start + k * stride]
      if value.isNaN { return value }
      if value > best { best = value }
    }
    return best
  }
  return recordReduction(result, of: x, axis: axis, name: "max") { input, _ in
    try firstExtremes(of: input, axis: axis, largest: true)
  }
}

/// The smallest element along `axis`, or of every element when `axis` is nil.
/// NaN propagates, as in NumPy's `amin`. The gradient goes to the first
/// smallest element of each lane. Named as NumPy's and PyTorch's `amin`.
public func amin(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  let result = try x.reduce(axis: axis, operation: "min") { buffer, start, count, stride in
    var best = Double.infinity
    for k in 0..<count {
      let value = buffer[start + k * stride]
      if value.isNaN { return value }
      if value < best { best = value }
    }
    return best
  }
  return recordReduction(result, of: x, axis: axis, name: "min") { input, _ in
    try firstExtremes(of: input, axis: axis, largest: false)
  }
}

/// 1 at the first largest (or smallest) element of each lane along `axis`
/// (of every element when nil), 0 elsewhere: where max's gradient goes.
func firstExtremes(of x: Tensor, axis: Int?, largest: Bool) throws -> Tensor {
  var marks = try Tensor(repeating: 0, shape: x.shape)
  let negated = largest ? x : x.map { -$0 }
  let layout =
    try axis.map { AxisLayout(shape: x.shape, axis: try Tensor.normalize(axis: $0, rank: x.rank, operation: "max")) }
    ?? AxisLayout(outer: 1, size: x.count, inner: 1)
  negated.scalars.withUnsafeBufferPointer { buffer in
    marks.scalars.withUnsafeMutableBufferPointer { marks in
      for o in 0..<layout.outer {
        for i in 0..<layout.inner {
          let start = o * layout.size * layout.inner + i
          let k = argmaxIndex(buffer, start: start, count: layout.size, stride: layout.inner)
          marks[start + k * layout.inner] = 1
        }
      }
    }
  }
  return marks
}

/// The index of the largest element along `axis` (the first one on ties;
/// the first NaN if there is one, as NumPy does), or the flat index over
/// every element when `axis` is nil. Indices are whole numbers stored as
/// `Double`; no gradient passes through them.
public func argmax(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  try x.untracked.reduce(axis: axis, operation: "argmax") { buffer, start, count, stride in
    Double(argmaxIndex(buffer, start: start, count: count, stride: stride))
  }
}

/// The position of the largest of `count` values read at `start + k·stride`.
func argmaxIndex(_ buffer: UnsafeBufferPointer<Double>, start: Int, count: Int, stride: Int) -> Int {
  var bestIndex = 0
  var best = -Double.infinity
  for k in 0..<count {
    let value = buffer[start + k * stride]
    if value.isNaN { return k }
    if value > best || k == 0 {
      best = value
      bestIndex = k
    }
  }
  return bestIndex
}

/// The Euclidean length `√(Σ xᵢ²)` along `axis` (removing it), or of every
/// element when `axis` is nil. Gradient `g · x / ‖x‖`, and 0 where the norm
/// is 0 (PyTorch's choice).
///
/// - Throws: ``TensorError`` for a bad axis.
public func norm(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  let result = sqrt(try sum(x.untracked.map { $0 * $0 }, axis: axis))
  return recordReduction(result, of: x, axis: axis, name: "norm") { input, output in
    Tensor.combine(input, output, shape: input.shape) { x, length in length == 0 ? 0 : x / length }
  }
}

/// The Shannon entropy `−Σ pᵢ log pᵢ` (in nats) of the distributions along
/// `axis`, with `0 · log 0 = 0`: 0 for a one-hot row, `log n` for a uniform one.
/// Gradient `−g (1 + log pᵢ)` (as `torch.special.entr`; +inf at `pᵢ = 0`).
///
/// - Throws: ``TensorError`` for a bad axis.
public func entropy(_ p: Tensor, axis: Int = -1) throws -> Tensor {
  let result = try sum(p.untracked.map { $0 > 0 ? -$0 * cLog($0) : ($0.isNaN ? .nan : 0) }, axis: axis)
  return recordReduction(result, of: p, axis: axis, name: "entropy") { input, _ in input.map { -(1 + cLog($0)) } }
}
