/// Draws `n` class indices from the categorical distribution `p` by inverse
/// transform sampling: with `u` uniform in `[0, 1)` from ``SplitMix64``
/// seeded with `seed`, the sample is the first `i` whose cumulative
/// probability `Σ_{j≤i} pⱼ / Σ pⱼ` exceeds `u`.
///
/// `p` is a rank-1 tensor of non-negative weights (they need not sum to 1,
/// as with `torch.multinomial`) and gives `[n]`, or a rank-2 tensor of such
/// rows and gives `[rows, n]`, with each row sampled in turn.
///
/// - Throws: ``TensorError`` for negative, NaN or all-zero weights.
public func sample(_ p: Tensor, n: Int = 1, seed: UInt64 = 0) throws -> Tensor {
  guard (1...2).contains(p.rank) else {
    throw TensorError("sample", "expects probabilities of rank 1 or 2, got \(Tensor.describe(p.shape))")
  }
  guard n >= 0 else { throw TensorError("sample", "number of samples must be non-negative, got \(n)") }
  let classes = p.shape[p.rank - 1]
  let rows = p.rank == 1 ? 1 : p.shape[0]
  try ExecutionContext.current.reserve([rows, n], operation: "sample")
  var generator = SplitMix64(seed: seed)
  var result: [Double] = []
  result.reserveCapacity(rows * n)
  let probabilities = p.scalars
  for row in 0..<rows {
    let weights = probabilities[(row * classes)..<((row + 1) * classes)]
    guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
      throw TensorError("sample", "probabilities must be finite and non-negative in \(Tensor.describe(p.shape))")
    }
    let total = weights.reduce(0, +)
    guard total > 0 else {
      throw TensorError("sample", "probabilities of row \(row) sum to zero in \(Tensor.describe(p.shape))")
    }
    for _ in 0..<n { result.append(Double(drawIndex(from: weights, total: total, using: &generator))) }
  }
  return Tensor(unchecked: p.rank == 1 ? [n] : [rows, n], result)
}

/// One index drawn from `weights` (non-negative, summing to `total` > 0) by
/// inverse transform sampling with one uniform `u` from `generator`: the
/// first position whose running sum exceeds `u · total`, among those with
/// weight. Rounding can leave the target past the last sum; then the last
/// position that has any weight.
///
/// - Returns: a position counted from the slice's start (0 for its first element).
public func drawIndex(
  from weights: some BidirectionalCollection<Double>, total: Double, using generator: inout SplitMix64
) -> Int {
  let target = generator.nextUniform() * total
  var cumulative = 0.0
  for (position, weight) in weights.enumerated() where weight > 0 {
    cumulative += weight
    if target < cumulative { return position }
  }
  return weights.lastIndex { $0 > 0 }.map { weights.distance(from: weights.startIndex, to: $0) } ?? weights.count - 1
}
