/// One entry of a subscript: a single position (which removes the axis) or
/// a Python-style slice `start:end:step` (which keeps it).
public enum TensorIndex: Equatable, Sendable {
  /// Position `i` along the axis; negative counts from the end.
  case at(Int)
  /// Positions `start, start+step, …` before `end`, each clamped like Python's
  /// slices; `nil` bounds mean "from the beginning"/"to the end".
  case slice(start: Int?, end: Int?, step: Int)

  /// Every position along the axis (`:`).
  public static let all = TensorIndex.slice(start: nil, end: nil, step: 1)
}

extension Tensor {
  /// Selects elements with NumPy's basic indexing: `x[1]`, `x[:, 0]`,
  /// `x[0, 1:3]`, `x[-1, -1]`. Axes not mentioned are taken whole. The
  /// gradient goes back to the selected places (zeros elsewhere).
  ///
  /// - Throws: ``TensorError`` for too many indices, a zero step, or a
  ///   position outside its axis (naming the axis size).
  public func subscripted(_ indices: [TensorIndex]) throws -> Tensor {
    let result = try subscriptedValue(indices)
    guard let tape = Tape.recording(self) else { return result }
    let (input, shape) = (self, self.shape)
    return tape.record(result, "[]", inputs: [self]) { gradient, gradients in
      var spread = try Tensor(repeating: 0, shape: shape)
      try spread.assign(gradient, at: indices)
      gradients.add(spread, to: input)
    }
  }

  /// The selected elements, not recorded for gradients.
  func subscriptedValue(_ indices: [TensorIndex]) throws -> Tensor {
    let (offset, resultShape, resultStrides) = try selection(indices)
    if resultShape.elementCount == 0 { return Tensor(unchecked: resultShape, []).converted(to: dtype) }
    return gather(shape: resultShape, strides: resultStrides, offset: offset)
  }

  /// Where `indices` select, as reading and writing both need it: the first
  /// element's position, and the selected part's shape and strides (in
  /// elements of `scalars`).
  ///
  /// - Throws: ``TensorError`` for too many indices, a zero step, or a
  ///   position outside its axis (naming the axis size).
  func selection(_ indices: [TensorIndex]) throws -> (offset: Int, shape: Shape, strides: [Int]) {
    guard indices.count <= rank else {
      throw TensorError(
        "index", "too many indices (\(indices.count)) for tensor of shape \(Tensor.describe(shape))")
    }
    let strides = Tensor.strides(of: shape)
    var offset = 0
    var selectedShape = Shape()
    var selectedStrides: [Int] = []
    for axis in 0..<rank {
      let size = shape[axis]
      switch axis < indices.count ? indices[axis] : .all {
      case .at(let position):
        let resolved = position < 0 ? position + size : position
        guard resolved >= 0, resolved < size else {
          throw TensorError(
            "index",
            "index \(position) is out of range for axis \(axis) with size \(size) in \(Tensor.describe(shape))")
        }
        offset += resolved * strides[axis]
      case .slice(let start, let end, let step):
        guard step != 0 else { throw TensorError("index", "slice step cannot be zero") }
        let (first, length) = sliceBounds(start: start, end: end, step: step, size: size)
        offset += first * strides[axis]
        selectedShape.append(length)
        // Wrapping: with a huge step only one position is taken, so the
        // (possibly overflowing) stride is never used to read.
        selectedStrides.append(strides[axis] &* step)
      }
    }
    return (offset, selectedShape, selectedStrides)
  }
}

/// Python's slice clamping: the first position and the number of positions.
public func sliceBounds(start: Int?, end: Int?, step: Int, size: Int) -> (first: Int, count: Int) {
  func clamp(_ value: Int?, _ defaultValue: Int, lower: Int, upper: Int) -> Int {
    guard let value else { return defaultValue }
    let resolved = value < 0 ? value + size : value
    return min(max(resolved, lower), upper)
  }
  if step > 0 {
    let first = clamp(start, 0, lower: 0, upper: size)
    let last = clamp(end, size, lower: 0, upper: size)
    let count = last > first ? (last - first + step - 1) / step : 0
    return (first, count)
  } else {
    let first = clamp(start, size - 1, lower: -1, upper: size - 1)
    let last = clamp(end, -1, lower: -1, upper: size - 1)
    let count = first > last ? (first - last - step - 1) / -step : 0
    return (first, count)
  }
}

extension Tensor {
  /// The rows of `self` picked by a tensor of whole numbers (NumPy's
  /// integer-array indexing on the first axis, an embedding lookup):
  /// `result[i, …] = self[indices[i], …]`, of shape `indices.shape + shape[1...]`.
  /// The gradient of a row picked several times is the sum of its pieces
  /// (scatter-add, as PyTorch's embedding backward); `indices` gets none.
  ///
  /// - Throws: ``TensorError`` for a scalar table, an index that is not a
  ///   whole number, or one outside the first axis.
  public func gatheringRows(_ indices: Tensor) throws -> Tensor {
    guard rank >= 1 else { throw TensorError("index", "cannot pick rows of a scalar") }
    let rows = try Tensor.rowIndices(indices, count: shape[0], shape: shape)
    let width = count / max(shape[0], 1)
    let resultShape = Array(indices.shape) + shape.dropFirst()
    try Tensor.validate(shape: resultShape, operation: "index")
    try ExecutionContext.current.reserve(resultShape, operation: "index")
    struct Move: ElementMove {
      let rows: [Int]
      let width: Int
      func callAsFunction<Element: BitwiseCopyable>(_ values: TensorBuffer<Element>) -> TensorBuffer<Element> {
        TensorBuffer(unsafeUninitializedCount: rows.count * width) { target in
          values.withUnsafeBufferPointer { source in
            for (position, row) in rows.enumerated() {
              for column in 0..<width {
                target.initializeElement(at: position * width + column, to: source[row * width + column])
              }
            }
          }
        }
      }
    }
    let picked = Tensor(unchecked: Shape(resultShape), elements: elements.applying(Move(rows: rows, width: width)))
    guard let tape = Tape.recording(self) else { return picked }
    let (input, shape) = (self, self.shape)
    return tape.record(picked, "[]", inputs: [self]) { gradient, gradients in
      var table = try Tensor(repeating: 0, shape: shape)
      table.scalars.withUnsafeMutableBufferPointer { target in
        gradient.scalars.withUnsafeBufferPointer { source in
          for (position, row) in rows.enumerated() {
            for column in 0..<width { target[row * width + column] += source[position * width + column] }
          }
        }
      }
      gradients.add(table, to: input)
    }
  }

  /// Checks that `indices` holds whole numbers in `-count..<count` and
  /// resolves negative ones from the end.
  static func rowIndices(_ indices: Tensor, count: Int, shape: Shape) throws -> [Int] {
    var rows: [Int] = []
    rows.reserveCapacity(indices.count)
    for value in indices.scalars {
      guard value.isFinite, value.rounded() == value, abs(value) < 9e15 else {
        throw TensorError("index", "row indices must be whole numbers, got \(value)")
      }
      let position = Int(value)
      let resolved = position < 0 ? position + count : position
      guard resolved >= 0, resolved < count else {
        throw TensorError(
          "index", "row index \(position) is out of range for axis 0 with size \(count) in \(Tensor.describe(shape))")
      }
      rows.append(resolved)
    }
    return rows
  }

  /// A copy of `self` with `value` (broadcast to the selected part) written
  /// into the elements `indices` select. Differentiable: the gradient of the
  /// elements written goes to `value` (summed over broadcast axes), the rest
  /// to `self`.
  public func assigning(_ value: Tensor, at indices: [TensorIndex]) throws -> Tensor {
    var result = self.untracked
    try result.assign(value.untracked, at: indices)
    guard let tape = Tape.recording(self, value) else { return result }
    let (base, part) = (self, value)
    return tape.record(result, "[]=", inputs: [self, value]) { gradient, gradients in
      if gradients.needs(base) {
        var kept = gradient
        try kept.assign(Tensor(0), at: indices)
        gradients.add(kept, to: base)
      }
      if gradients.needs(part) {
        let written = try gradient.subscriptedValue(indices)
        gradients.add(try written.summed(toShape: part.shape), to: part)
      }
    }
  }

  /// Writes `value` (broadcast to the selected part) into the elements that
  /// `indices` select, as NumPy's `x[indices] = value`. Not recorded for
  /// gradients: see ``assigning(_:at:)``.
  ///
  /// - Throws: ``TensorError`` for bad indices or a value that does not
  ///   broadcast to the selected shape.
  public mutating func assign(_ value: Tensor, at indices: [TensorIndex]) throws {
    let (offset, selectedShape, selectedStrides) = try selection(indices)
    let source = try value.broadcast(to: selectedShape, operation: "index assignment").scalars
    guard !source.isEmpty else { return }
    var index = [Int](repeating: 0, count: selectedShape.count)
    var position = offset
    scalars.withUnsafeMutableBufferPointer { target in
      for element in source {
        target[position] = element
        var axis = selectedShape.count - 1
        while axis >= 0 {
          index[axis] += 1
          position &+= selectedStrides[axis]
          if index[axis] < selectedShape[axis] { break }
          position &-= selectedStrides[axis] &* selectedShape[axis]
          index[axis] = 0
          axis -= 1
        }
      }
    }
  }
}
