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
  /// `x[0, 1:3]`, `x[-1, -1]`. Axes not mentioned are taken whole.
  ///
  /// - Throws: ``TensorError`` for too many indices, a zero step, or a
  ///   position outside its axis (naming the axis size).
  public func subscripted(_ indices: [TensorIndex]) throws -> Tensor {
    guard indices.count <= rank else {
      throw TensorError(
        "index", "too many indices (\(indices.count)) for tensor of shape \(Tensor.describe(shape))")
    }
    let strides = Tensor.strides(of: shape)
    var offset = 0
    var resultShape: [Int] = []
    var resultStrides: [Int] = []
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
        resultShape.append(length)
        // Wrapping: with a huge step only one position is taken, so the
        // (possibly overflowing) stride is never used to read.
        resultStrides.append(strides[axis] &* step)
      }
    }
    if resultShape.reduce(1, *) == 0 { return Tensor(unchecked: resultShape, []) }
    return gather(shape: resultShape, strides: resultStrides, offset: offset)
  }
}

/// Python's slice clamping: the first position and the number of positions.
func sliceBounds(start: Int?, end: Int?, step: Int, size: Int) -> (first: Int, count: Int) {
  func clamp(_ value: Int?, _ defaultValue: Int, lower: Int, upper: Int) -> Int {
    guard let value else { return defaultValue }
    let resolved = value < 0 ? value + size : value
    return Swift.min(Swift.max(resolved, lower), upper)
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
