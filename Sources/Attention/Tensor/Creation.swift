/// A tensor of `shape` whose every element is 0.
@_specialize(exported:true,where S == [Int])
public func zeros<S: Collection<Int>>(_ shape: S) throws -> Tensor { try Tensor(repeating: 0, shape: shape) }

/// A tensor of `shape` whose every element is 1.
@_specialize(exported:true,where S == [Int])
public func ones<S: Collection<Int>>(_ shape: S) throws -> Tensor { try Tensor(repeating: 1, shape: shape) }

/// The `n`×`n` identity matrix: `I[i, j] = 1` when `i = j`, else 0.
public func eye(_ n: Int) throws -> Tensor {
  var result = try zeros([n, n])
  result.scalars.withUnsafeMutableBufferPointer { values in
    for i in 0..<n { values[i * n + i] = 1 }
  }
  return result
}

/// The rank-1 tensor `[0, 1, …, n − 1]`.
public func arange(_ n: Int) throws -> Tensor {
  guard n >= 0 else { throw TensorError("arange", "size must be non-negative, got \(n)") }
  try ExecutionContext.current.reserve([n], operation: "arange")
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
  var result = try Tensor.storage(shape, operation: "onehot")
  for (row, value) in indices.scalars.enumerated() {
    guard value.rounded() == value, value >= 0, value < Double(n) else {
      throw TensorError("onehot", "index \(value) is not a whole number in 0..<\(n)")
    }
    result[row * n + Int(value)] = 1
  }
  return Tensor(unchecked: shape, result)
}

/// For a vector `v`, the square matrix with `v` on its diagonal
/// (`D[i, i] = vᵢ`, else 0); for a matrix, its diagonal as a vector
/// (NumPy's `np.diag`). `diag(p) − outer(p, p)` is the Jacobian of softmax at `p`.
/// The gradient is the diagonal of the result's gradient (or that diagonal
/// placed back in a zero matrix).
///
/// - Throws: ``TensorError`` for other ranks.
public func diag(_ v: Tensor) throws -> Tensor {
  let result = try diagValue(v)
  guard let tape = Tape.recording(v) else { return result }
  let shape = v.shape
  return tape.record(result, "diag", inputs: [v]) { gradient, gradients in
    var back = try diagValue(gradient)
    if shape.count == 2, back.shape != shape {
      // A non-square matrix: its diagonal goes back into a zero matrix of its shape.
      var full = try Tensor(repeating: 0, shape: shape)
      let values = gradient.scalars
      full.scalars.withUnsafeMutableBufferPointer { full in
        for i in 0..<gradient.count { full[i * shape[1] + i] = values[i] }
      }
      back = full
    }
    gradients.add(back, to: v)
  }
}

/// The diagonal matrix or the diagonal, not recorded for gradients.
func diagValue(_ v: Tensor) throws -> Tensor {
  switch v.rank {
  case 1:
    let n = v.shape[0]
    var scalars = try Tensor.storage([n, n], operation: "diag")
    let values = v.scalars
    for i in 0..<n { scalars[i * n + i] = values[i] }
    return Tensor(unchecked: [n, n], scalars)
  case 2:
    let n = min(v.shape[0], v.shape[1])
    let values = v.scalars
    return Tensor((0..<n).map { values[$0 * v.shape[1] + $0] })
  default:
    throw TensorError("diag", "expects a vector or a matrix, got \(Tensor.describe(v.shape))")
  }
}

/// The outer product of two vectors: `M[i, j] = aᵢ · bⱼ`, shape `[a.count, b.count]`.
///
/// - Throws: ``TensorError`` unless both are vectors.
public func outer(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  guard a.rank == 1, b.rank == 1 else {
    throw TensorError("outer", "expects two vectors, got \(Tensor.describe(a.shape)) and \(Tensor.describe(b.shape))")
  }
  return try a.reshaped([a.count, 1]) * b
}
