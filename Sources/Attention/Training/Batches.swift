/// nanoGPT's `get_batch`: `count` windows of `length` consecutive tokens
/// from `data` (a vector of token ids), each starting at a uniform random
/// position in `0 ..< data.count − length` drawn from ``SplitMix64`` seeded
/// with `seed`; the targets `y` are the same windows moved one token on.
///
/// - Returns: inputs and targets, both `[count, length]`.
/// - Throws: ``TensorError`` when `data` is not a vector longer than
///   `length`, or `count` or `length` is below 1.
public func sampleBatch(from data: Tensor, count: Int, length: Int, seed: UInt64) throws -> (x: Tensor, y: Tensor) {
  let operation = "batch"
  guard data.rank == 1 else {
    throw TensorError(operation, "data must be a vector of token ids, got \(Tensor.describe(data.shape))")
  }
  guard count >= 1, length >= 1 else {
    throw TensorError(operation, "needs at least one window of at least one token, got \(count) of \(length)")
  }
  guard data.count > length else {
    throw TensorError(
      operation, "windows of \(length) tokens and their targets need more than \(length) tokens, data has \(data.count)"
    )
  }
  let shape: Shape = [count, length]
  var x = try Tensor.uninitializedStorage(shape, operation: operation)
  var y = try Tensor.uninitializedStorage(shape, operation: operation)
  var generator = SplitMix64(seed: seed)
  let starts = data.count - length
  data.scalars.withUnsafeBufferPointer { tokens in
    for row in 0..<count {
      let start = min(Int(generator.nextUniform() * Double(starts)), starts - 1)
      for t in 0..<length {
        x[row * length + t] = tokens[start + t]
        y[row * length + t] = tokens[start + t + 1]
      }
    }
  }
  return (Tensor(unchecked: shape, x), Tensor(unchecked: shape, y))
}
