/// How a tensor splits around one axis: `outer` blocks, each holding `size`
/// lanes of `inner` contiguous elements. Element `(o, k, i)` lives at
/// `o * size * inner + k * inner + i`.
struct AxisLayout {
  var outer: Int
  var size: Int
  var inner: Int

  init(shape: [Int], axis: Int) {
    outer = shape[..<axis].reduce(1, *)
    size = shape[axis]
    inner = shape[(axis + 1)...].reduce(1, *)
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
    var result = [Double](repeating: 0, count: layout.outer * layout.inner)
    scalars.withUnsafeBufferPointer { x in
      for o in 0..<layout.outer {
        for i in 0..<layout.inner {
          result[o * layout.inner + i] = body(x, o * layout.size * layout.inner + i, layout.size, layout.inner)
        }
      }
    }
    return Tensor(unchecked: resultShape, result)
  }
}

/// The sum `Σ xᵢ` along `axis` (removing it), or of every element when `axis` is nil.
/// The sum of nothing is 0.
public func sum(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  try x.reduce(axis: axis, operation: "sum", emptyValue: 0) { buffer, start, count, stride in
    var total = 0.0
    for k in 0..<count { total += buffer[start + k * stride] }
    return total
  }
}

/// The arithmetic mean `(1/n) Σ xᵢ` along `axis`, or of every element when `axis` is nil.
public func mean(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  try x.reduce(axis: axis, operation: "mean") { buffer, start, count, stride in
    var total = 0.0
    for k in 0..<count { total += buffer[start + k * stride] }
    return total / Double(count)
  }
}

/// The largest element along `axis`, or of every element when `axis` is nil.
/// NaN propagates, as in NumPy's `max`.
public func max(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  try x.reduce(axis: axis, operation: "max") { buffer, start, count, stride in
    var best = -Double.infinity
    for k in 0..<count {
      let value = buffer[start + k * stride]
      if value.isNaN { return value }
      if value > best { best = value }
    }
    return best
  }
}

/// The smallest element along `axis`, or of every element when `axis` is nil.
/// NaN propagates, as in NumPy's `min`.
public func min(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  try x.reduce(axis: axis, operation: "min") { buffer, start, count, stride in
    var best = Double.infinity
    for k in 0..<count {
      let value = buffer[start + k * stride]
      if value.isNaN { return value }
      if value < best { best = value }
    }
    return best
  }
}

/// The index of the largest element along `axis` (the first one on ties;
/// the first NaN if there is one, as NumPy does), or the flat index over
/// every element when `axis` is nil. Indices are whole numbers stored as `Double`.
public func argmax(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  try x.reduce(axis: axis, operation: "argmax") { buffer, start, count, stride in
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
/// element when `axis` is nil.
///
/// - Throws: ``TensorError`` for a bad axis.
public func norm(_ x: Tensor, axis: Int? = nil) throws -> Tensor {
  sqrt(try sum(x.map { $0 * $0 }, axis: axis))
}

/// The Shannon entropy `−Σ pᵢ log pᵢ` (in nats) of the distributions along
/// `axis`, with `0 · log 0 = 0`: 0 for a one-hot row, `log n` for a uniform one.
///
/// - Throws: ``TensorError`` for a bad axis.
public func entropy(_ p: Tensor, axis: Int = -1) throws -> Tensor {
  try sum(p.map { $0 > 0 ? -$0 * cLog($0) : ($0.isNaN ? .nan : 0) }, axis: axis)
}
