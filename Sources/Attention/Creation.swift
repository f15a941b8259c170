/// A tensor of `shape` whose every element is 0.
public func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 0, shape: shape) }

/// A tensor of `shape` whose every element is 1.
public func ones(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 1, shape: shape) }

/// The `n`×`n` identity matrix: `I[i, j] = 1` when `i = j`, else 0.
public func eye(_ n: Int) throws -> Tensor {
  var result = try zeros([n, n])
  for i in 0..<n { result.scalars[i * n + i] = 1 }
  return result
}

/// The rank-1 tensor `[0, 1, …, n − 1]`.
public func arange(_ n: Int) throws -> Tensor {
  guard n >= 0 else { throw TensorError("arange", "size must be non-negative, got \(n)") }
  return Tensor((0..<n).map(Double.init))
}

/// One-hot rows: for indices of shape `s`, a tensor of shape `s + [n]` with
/// `result[…, j] = 1` where `j = index[…]`, else 0.
///
/// - Throws: ``TensorError`` when an index is not a whole number in `0..<n`.
public func onehot(_ indices: Tensor, _ n: Int) throws -> Tensor {
  guard n > 0 else { throw TensorError("onehot", "number of classes must be positive, got \(n)") }
  let shape = indices.shape + [n]
  try Tensor.validate(shape: shape, operation: "onehot")
  var result = [Double](repeating: 0, count: try Tensor.elementCount(of: shape, operation: "onehot"))
  for (row, value) in indices.scalars.enumerated() {
    guard value.rounded() == value, value >= 0, value < Double(n) else {
      throw TensorError("onehot", "index \(value) is not a whole number in 0..<\(n)")
    }
    result[row * n + Int(value)] = 1
  }
  return Tensor(unchecked: shape, result)
}
