extension Tensor {
  /// The same scalars viewed with another shape of equal element count.
  ///
  /// One size may be −1, meaning "whatever makes the count match" (NumPy).
  /// The gradient is reshaped back.
  /// - Throws: ``TensorError`` naming both shapes when the counts differ.
  @_specialize(exported:true,where S == [Int])
  public func reshaped<S: Collection<Int>>(_ newShape: S) throws -> Tensor {
    let newShape = Array(newShape)
    var resolved = newShape
    let inferred = newShape.indices.filter { newShape[$0] == -1 }
    if inferred.count > 1 {
      throw TensorError("reshape", "only one size may be -1, got \(Tensor.describe(newShape))")
    }
    if let axis = inferred.first {
      let known = try Tensor.elementCount(
        of: newShape.filter { $0 != -1 }, operation: "reshape")
      guard known > 0, count % known == 0 else {
        throw TensorError(
          "reshape", "cannot reshape \(Tensor.describe(shape)) into \(Tensor.describe(newShape))")
      }
      resolved[axis] = count / known
    }
    try Tensor.validate(shape: resolved, operation: "reshape")
    let newCount = try Tensor.elementCount(of: resolved, operation: "reshape")
    guard newCount == count else {
      throw TensorError(
        "reshape",
        "cannot reshape \(Tensor.describe(shape)) (\(count) elements) into \(Tensor.describe(resolved)) (\(newCount) elements)"
      )
    }
    let result = Tensor(unchecked: Shape(resolved), elements: elements)
    guard let tape = Tape.recording(self) else { return result }
    let (input, shape) = (self, self.shape)
    return tape.record(result, "reshape", inputs: [input]) { gradient, gradients in
      gradients.add(try gradient.reshaped(shape), to: input)
    }
  }
}

/// Permutes the axes of `x`: `result[i₀, i₁, …] = x[i_{p⁻¹…}]` so that result
/// axis `k` is input axis `axes[k]`. Without `axes`, reverses them (NumPy's
/// `x.T`; for a matrix, rows become columns). The gradient is permuted back.
///
/// - Throws: ``TensorError`` when `axes` is not a permutation of the axes.
public func transpose(_ x: Tensor, axes: [Int]? = nil) throws -> Tensor {
  let (result, permutation) = try transposeValue(x, axes: axes)
  guard let tape = Tape.recording(x) else { return result }
  var inverse = permutation
  for (position, axis) in permutation.enumerated() { inverse[axis] = position }
  return tape.record(result, "transpose", inputs: [x]) { [inverse] gradient, gradients in
    gradients.add(try transposeValue(gradient, axes: inverse).result, to: x)
  }
}

/// The permuted tensor and the permutation, not recorded for gradients.
func transposeValue(_ x: Tensor, axes: [Int]?) throws -> (result: Tensor, permutation: [Int]) {
  let permutation = try (axes ?? Array((0..<x.rank).reversed())).map {
    try Tensor.normalize(axis: $0, rank: x.rank, operation: "transpose")
  }
  guard permutation.count == x.rank, Set(permutation).count == x.rank else {
    throw TensorError(
      "transpose", "axes \(Tensor.describe(axes ?? [])) are not a permutation for rank \(x.rank)")
  }
  if x.rank == 2, permutation == [1, 0] { return (transposeMatrix(x), permutation) }
  let shape = Shape(permutation.map { x.shape[$0] })
  let sourceStrides = Tensor.strides(of: x.shape)
  let strides = permutation.map { sourceStrides[$0] }
  return (x.gather(shape: shape, strides: strides, offset: 0), permutation)
}

/// The transpose of a rank-2 tensor, copied in tiles so both sides stay in cache.
func transposeMatrix(_ x: Tensor) -> Tensor {
  struct Move: ElementMove {
    let rows: Int
    let columns: Int
    func callAsFunction<Element: BitwiseCopyable>(_ values: TensorBuffer<Element>) -> TensorBuffer<Element> {
      let tile = 32
      return TensorBuffer(unsafeUninitializedCount: values.count) { target in
        values.withUnsafeBufferPointer { source in
          for rowStart in Swift.stride(from: 0, to: rows, by: tile) {
            for columnStart in Swift.stride(from: 0, to: columns, by: tile) {
              for i in rowStart..<min(rowStart + tile, rows) {
                for j in columnStart..<min(columnStart + tile, columns) {
                  target.initializeElement(at: j * rows + i, to: source[i * columns + j])
                }
              }
            }
          }
        }
      }
    }
  }
  let (rows, columns) = (x.shape[0], x.shape[1])
  return Tensor(unchecked: [columns, rows], elements: x.elements.applying(Move(rows: rows, columns: columns)))
}

extension Tensor {
  /// Copies the elements found at `offset + Σ index[k]·strides[k]` into a new
  /// contiguous tensor of `shape`.
  func gather(shape: Shape, strides: [Int], offset: Int) -> Tensor {
    struct Move: ElementMove {
      let shape: Shape
      let strides: [Int]
      let offset: Int
      func callAsFunction<Element: BitwiseCopyable>(_ values: TensorBuffer<Element>) -> TensorBuffer<Element> {
        let count = shape.reduce(1, *)
        var index = [Int](repeating: 0, count: shape.count)
        var position = offset
        return TensorBuffer(unsafeUninitializedCount: count) { result in
          values.withUnsafeBufferPointer { source in
            for i in 0..<count {
              result.initializeElement(at: i, to: source[position])
              var axis = shape.count - 1
              while axis >= 0 {
                index[axis] += 1
                position &+= strides[axis]
                if index[axis] < shape[axis] { break }
                position &-= strides[axis] &* shape[axis]
                index[axis] = 0
                axis -= 1
              }
            }
          }
        }
      }
    }
    return Tensor(unchecked: shape, elements: elements.applying(Move(shape: shape, strides: strides, offset: offset)))
  }
}

/// Joins tensors end to end along an existing `axis`. Every other size must
/// agree. Each input's gradient is its slice of the result's gradient.
///
/// - Throws: ``TensorError`` naming the shapes when ranks or sizes differ.
public func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
  guard let first = tensors.first else { throw TensorError("concat", "needs at least one tensor") }
  guard first.rank > 0 else { throw TensorError("concat", "cannot concatenate scalars; use stack") }
  let resolved = try Tensor.normalize(axis: axis, rank: first.rank, operation: "concat")
  for tensor in tensors.dropFirst() {
    var a = first.shape
    var b = tensor.shape
    guard a.count == b.count else {
      throw TensorError(
        "concat", "ranks differ: \(Tensor.describe(first.shape)) vs \(Tensor.describe(tensor.shape))")
    }
    a.remove(at: resolved)
    b.remove(at: resolved)
    guard a == b else {
      throw TensorError(
        "concat",
        "sizes off axis \(axis) differ: \(Tensor.describe(first.shape)) vs \(Tensor.describe(tensor.shape))")
    }
  }
  var shape = first.shape
  shape[resolved] = tensors.reduce(0) { $0 + $1.shape[resolved] }
  let outer = first.shape[..<resolved].reduce(1, *)
  try Tensor.validate(shape: shape, operation: "concat")
  try ExecutionContext.current.reserve(shape, operation: "concat")
  var result: [Double] = []
  result.reserveCapacity(shape.reduce(1, *))
  let values = tensors.map(\.scalars)
  for o in 0..<outer {
    for (tensor, scalars) in zip(tensors, values) {
      let block = tensor.count / max(outer, 1)
      result.append(contentsOf: scalars[(o * block)..<((o + 1) * block)])
    }
  }
  let joined = Tensor(unchecked: shape, result).converted(to: DType.promoted(tensors))
  guard let tape = Tape.recording(tensors) else { return joined }
  return tape.record(joined, "concat", inputs: tensors) { gradient, gradients in
    var start = 0
    for tensor in tensors {
      let size = tensor.shape[resolved]
      if gradients.needs(tensor) {
        let indices =
          [TensorIndex](repeating: .all, count: resolved) + [.slice(start: start, end: start + size, step: 1)]
        gradients.add(try gradient.subscripted(indices), to: tensor)
      }
      start += size
    }
  }
}

/// Stacks tensors of one shape along a new `axis` (0 = outermost), so `n`
/// tensors of shape `s` give shape `[n] + s`. Each input's gradient is its
/// slice of the result's gradient.
///
/// - Throws: ``TensorError`` when the shapes differ.
public func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
  guard let first = tensors.first else { throw TensorError("stack", "needs at least one tensor") }
  for tensor in tensors where tensor.shape != first.shape {
    throw TensorError(
      "stack", "shapes differ: \(Tensor.describe(first.shape)) vs \(Tensor.describe(tensor.shape))")
  }
  let resolved = try Tensor.normalize(axis: axis, rank: first.rank + 1, operation: "stack")
  var expanded = Array(first.shape)
  expanded.insert(1, at: resolved)
  try Tensor.validate(shape: expanded, operation: "stack")
  return try concat(tensors.map { try $0.reshaped(expanded) }, axis: resolved)
}
