/// Self-attention: every row of `x` is a query over the rows of `x`.
///
///     Q = x·wq,  K = x·wk,  V = x·wv
///     result = attention(Q, keys: K, values: V, scale: 1/√d_k)
///
/// A projection that is not given is the identity (so with none, each row of
/// `x` is its own query, key and value). The default scale `1/√d_k` (d_k =
/// the width of Q) keeps the scores' variance near 1 however wide the keys,
/// as in the Transformer (Vaswani et al., 2017).
///
/// With a batch `x: [B, n, d]` each sequence attends within itself, and the
/// results are `[B, …]`; a mask without the batch axis is shared by all.
///
/// - Parameters:
///   - x: `[n, d]`, one token per row (or `[B, n, d]`).
///   - wq: `[d, d_k]` projection for queries.
///   - wk: `[d, d_k]` projection for keys.
///   - wv: `[d, d_v]` projection for values.
///   - scale: overrides `1/√d_k`.
///   - mask: 1 = may attend, 0 = blocked, as in ``attention(_:keys:values:scale:mask:causal:hard:bias:)``.
///   - causal: block key `j` for query `i` when `j > i`.
/// - Throws: ``TensorError`` naming the shapes when they do not chain.
public func selfAttention(
  _ x: Tensor, wq: Tensor? = nil, wk: Tensor? = nil, wv: Tensor? = nil, scale: Double? = nil,
  mask: Tensor? = nil, causal: Bool = false
) throws -> AttentionResult {
  guard x.rank == 2 || x.rank == 3 else {
    throw TensorError("selfattention", "input must be [n, d] or a batch [B, n, d], got \(Tensor.describe(x.shape))")
  }
  let queries = try project(x, wq, name: "wq", operation: "selfattention")
  let keys = try project(x, wk, name: "wk", operation: "selfattention")
  let values = try project(x, wv, name: "wv", operation: "selfattention")
  if x.rank == 3 {
    let width = queries.shape[2]
    return try batchedAttention(
      queries, keys: keys, values: values, scale: scale ?? 1 / Double(max(width, 1)).squareRoot(), mask: mask,
      causal: causal, hard: false, bias: nil)
  }
  let problem = try AttentionProblem(
    queries: queries, keys: keys, values: values, scale: scale, mask: mask, causal: causal,
    operation: "selfattention")
  return AttentionResult(try problem.solve(weights: true))
}

/// `x·w`, or `x` itself when there is no projection.
func project(_ x: Tensor, _ weight: Tensor?, name: String, operation: String) throws -> Tensor {
  guard let weight else { return x }
  let width = x.shape[x.rank - 1]
  guard weight.rank == 2, weight.shape[0] == width else {
    throw TensorError(
      operation,
      "\(name) must be [\(width), k] to project \(Tensor.describe(x.shape)), got \(Tensor.describe(weight.shape))")
  }
  return try matmul(x, weight)
}
