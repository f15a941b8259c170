/// The four projections of multi-head attention, in the row-vector
/// convention (`Q = x·wq`): `wq`, `wk` are `[d_in, d_model]`, `wv` is
/// `[d_in, d_v]` and `wo` is `[d_v, d_out]`.
public struct MultiHeadWeights: Equatable, Sendable {
  public var wq: Tensor
  public var wk: Tensor
  public var wv: Tensor
  public var wo: Tensor

  public init(wq: Tensor, wk: Tensor, wv: Tensor, wo: Tensor) {
    self.wq = wq
    self.wk = wk
    self.wv = wv
    self.wo = wo
  }

  /// Square `[dModel, dModel]` Xavier-uniform weights drawn from one
  /// ``SplitMix64`` stream seeded with `seed`, in the order wq, wk, wv, wo.
  public static func xavier(dModel: Int, seed: UInt64) throws -> MultiHeadWeights {
    var generator = SplitMix64(seed: seed)
    let wq = try xavierUniform(fanIn: dModel, fanOut: dModel, using: &generator)
    let wk = try xavierUniform(fanIn: dModel, fanOut: dModel, using: &generator)
    let wv = try xavierUniform(fanIn: dModel, fanOut: dModel, using: &generator)
    let wo = try xavierUniform(fanIn: dModel, fanOut: dModel, using: &generator)
    return MultiHeadWeights(wq: wq, wk: wk, wv: wv, wo: wo)
  }
}

/// What multi-head attention computed.
public struct MultiHeadResult: Equatable, Sendable {
  /// `concat(head₁, …, head_h) · wo`: `[n, d_out]`.
  public var output: Tensor
  /// Each head's attention weights: `[heads, n, m]`.
  public var weights: Tensor

  public init(output: Tensor, weights: Tensor) {
    self.output = output
    self.weights = weights
  }
}

/// Multi-head attention (Vaswani et al., "Attention Is All You Need", 2017):
///
///     Q = xq·wq,  K = xkv·wk,  V = xkv·wv
///     headᵢ = softmax(Qᵢ Kᵢᵀ / √d_k) Vᵢ   (Qᵢ = columns i·d_k ..< (i+1)·d_k)
///     output = concat(head₁, …, head_h) · wo
///
/// with `d_k = d_model / heads`. It equals
/// `torch.nn.MultiheadAttention(d_model, heads, bias=False)` with
/// `in_proj_weight = [wqᵀ; wkᵀ; wvᵀ]`, `out_proj.weight = woᵀ` and
/// `average_attn_weights=False`. Pass the same tensor as `query` and
/// `keyValue` for self-attention; different ones give cross-attention.
///
/// - Parameters:
///   - query: `[n, d_in]`, the sequence that asks.
///   - keyValue: `[m, d_kv]`, the sequence attended to.
///   - heads: the number of heads; must divide the widths of Q and V.
///   - mask: 1 = may attend, 0 = blocked; broadcast to `[n, m]`.
///   - causal: block key `j` for query `i` when `j > i`.
/// - Complexity: O(n·m·d_model + (n + m)·d_model²).
/// - Throws: ``TensorError`` naming the shapes when they do not fit.
public func multiHeadAttention(
  _ query: Tensor, _ keyValue: Tensor, heads: Int, weights: MultiHeadWeights,
  mask: Tensor? = nil, causal: Bool = false
) throws -> MultiHeadResult {
  let operation = "multihead"
  guard query.rank == 2, keyValue.rank == 2 else {
    throw TensorError(
      operation,
      "inputs must be [n, d], got \(describe(shape: query.shape)) and \(describe(shape: keyValue.shape))")
  }
  guard heads > 0 else { throw TensorError(operation, "heads must be positive, got \(heads)") }
  let q = try project(query, weights.wq, name: "wq", operation: operation)
  let k = try project(keyValue, weights.wk, name: "wk", operation: operation)
  let v = try project(keyValue, weights.wv, name: "wv", operation: operation)
  let dModel = q.shape[1]
  guard k.shape[1] == dModel else {
    throw TensorError(
      operation,
      "queries and keys differ in width: Q \(describe(shape: q.shape)) vs K \(describe(shape: k.shape))")
  }
  guard dModel % heads == 0, v.shape[1] % heads == 0 else {
    throw TensorError(
      operation,
      "\(heads) heads do not divide the model width: Q \(describe(shape: q.shape)), V \(describe(shape: v.shape))")
  }
  guard weights.wo.rank == 2, weights.wo.shape[0] == v.shape[1] else {
    throw TensorError(
      operation,
      "wo must be [\(v.shape[1]), d_out] to follow V \(describe(shape: v.shape)), got \(describe(shape: weights.wo.shape))")
  }
  let n = q.shape[0]
  let m = k.shape[0]
  let dk = dModel / heads
  let dv = v.shape[1] / heads
  let scale = 1 / Double(Swift.max(dk, 1)).squareRoot()
  var concatenated = [Double](repeating: 0, count: n * v.shape[1])
  var allWeights: [Double] = []
  allWeights.reserveCapacity(heads * n * m)
  for head in 0..<heads {
    let qh = try q.subscripted([.all, .slice(start: head * dk, end: (head + 1) * dk, step: 1)])
    let kh = try k.subscripted([.all, .slice(start: head * dk, end: (head + 1) * dk, step: 1)])
    let vh = try v.subscripted([.all, .slice(start: head * dv, end: (head + 1) * dv, step: 1)])
    let result = try attention(qh, keys: kh, values: vh, scale: scale, mask: mask, causal: causal)
    allWeights.append(contentsOf: result.weights.scalars)
    for row in 0..<n {
      for column in 0..<dv {
        concatenated[row * v.shape[1] + head * dv + column] = result.output.scalars[row * dv + column]
      }
    }
  }
  let output = try matmul(Tensor(unchecked: [n, v.shape[1]], concatenated), weights.wo)
  return MultiHeadResult(output: output, weights: Tensor(unchecked: [heads, n, m], allWeights))
}
