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
/// - Parameters:
///   - x: `[n, d]`, one token per row.
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
  guard x.rank == 2 else {
    throw TensorError("selfattention", "input must be [n, d], got \(Tensor.describe(x.shape))")
  }
  let queries = try project(x, wq, name: "wq", operation: "selfattention")
  let keys = try project(x, wk, name: "wk", operation: "selfattention")
  let values = try project(x, wv, name: "wv", operation: "selfattention")
  let problem = try AttentionProblem(
    queries: queries, keys: keys, values: values, scale: scale, mask: mask, causal: causal,
    operation: "selfattention")
  return AttentionResult(try problem.solve(weights: true))
}

/// `x·w`, or `x` itself when there is no projection.
func project(_ x: Tensor, _ weight: Tensor?, name: String, operation: String) throws -> Tensor {
  guard let weight else { return x }
  guard weight.rank == 2, weight.shape[0] == x.shape[1] else {
    throw TensorError(
      operation,
      "\(name) must be [\(x.shape[1]), k] to project \(Tensor.describe(x.shape)), got \(Tensor.describe(weight.shape))")
  }
  return try matmul(x, weight)
}
