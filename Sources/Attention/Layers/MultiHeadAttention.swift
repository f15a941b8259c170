/// The four projections of multi-head attention, in the row-vector
/// convention (`Q = x·wq + bq`): `wq`, `wk` are `[d_in, d_model]`, `wv` is
/// `[d_in, d_v]` and `wo` is `[d_v, d_out]`; the biases, when present, are
/// vectors as wide as their projection's output.
///
/// PyTorch's `nn.MultiheadAttention` keeps the same numbers transposed and
/// stacked: `in_proj_weight = [wqᵀ; wkᵀ; wvᵀ]`, `in_proj_bias = [bq; bk; bv]`,
/// `out_proj.weight = woᵀ`, `out_proj.bias = bo`.
public struct MultiHeadWeights: Equatable, Sendable {
  /// The query projection `[d_model, d_model]`.
  public var wq: Tensor
  /// The key projection.
  public var wk: Tensor
  /// The value projection.
  public var wv: Tensor
  /// The output projection, applied to the concatenated heads.
  public var wo: Tensor
  /// The query bias `[d_model]`, added to `x·wq`; `nil` for none.
  public var bq: Tensor?
  /// The key bias, added to `x·wk`.
  public var bk: Tensor?
  /// The value bias, added to `x·wv`.
  public var bv: Tensor?
  /// The output bias `[d_out]`, added after the output projection.
  public var bo: Tensor?

  /// Weights from the four projections and, optionally, their biases.
  public init(
    wq: Tensor, wk: Tensor, wv: Tensor, wo: Tensor, bq: Tensor? = nil, bk: Tensor? = nil, bv: Tensor? = nil,
    bo: Tensor? = nil
  ) {
    self.wq = wq
    self.wk = wk
    self.wv = wv
    self.wo = wo
    self.bq = bq
    self.bk = bk
    self.bv = bv
    self.bo = bo
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

  /// A result from its output and its heads' weights.
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
/// with `d_k = d_model / heads`, plus the biases of ``MultiHeadWeights``
/// when given (`Q = xq·wq + bq`, …, `output = … · wo + bo`). It equals
/// `torch.nn.MultiheadAttention(d_model, heads)` with
/// `in_proj_weight = [wqᵀ; wkᵀ; wvᵀ]`, `in_proj_bias = [bq; bk; bv]`,
/// `out_proj.weight = woᵀ`, `out_proj.bias = bo` and
/// `average_attn_weights=False` (`bias=False` when there are no biases). Pass the same tensor as `query` and
/// `keyValue` for self-attention; different ones give cross-attention.
///
/// - Parameters:
///   - query: `[n, d_in]`, the sequence that asks.
///   - keyValue: `[m, d_kv]`, the sequence attended to.
///   - heads: the number of heads; must divide the widths of Q and V.
///   - kvHeads: grouped-query attention (Ainslie et al., 2023): only this
///     many key and value heads, each shared by `heads / kvHeads` query
///     heads (1 is multi-query attention); `wk` and `wv` are then
///     `[d_kv, kvHeads · d_k]`. Default: `heads`.
///   - weights: the four projections (``MultiHeadWeights``).
///   - mask: 1 = may attend, 0 = blocked; broadcast to `[n, m]`.
///   - causal: block key `j` for query `i` when `j > i`.
///   - bias: added to every head's scaled scores (`[heads, n, m]`, or
///     broadcast to it), such as ALiBi's ``alibiBias(_:heads:)``.
/// Gradients flow to both inputs, all four weights and the biases, as
/// through PyTorch's module; blocked positions get exactly zero.
///
/// - Complexity: O(n·m·d_model + (n + m)·d_model²).
/// - Throws: ``TensorError`` naming the shapes when they do not fit.
public func multiHeadAttention(
  _ query: Tensor, _ keyValue: Tensor, heads: Int, kvHeads: Int? = nil, weights: MultiHeadWeights,
  mask: Tensor? = nil, causal: Bool = false, bias: Tensor? = nil
) throws -> MultiHeadResult {
  try multiHeadAttention(
    query, keyValue, heads: heads, kvHeads: kvHeads, weights: weights, mask: mask, causal: causal, bias: bias,
    needWeights: true)
}

/// Both public entry points: with `needWeights` false the result's weights
/// are an empty `[heads, n, 0]` tensor.
func multiHeadAttention(
  _ query: Tensor, _ keyValue: Tensor, heads: Int, kvHeads: Int?, weights: MultiHeadWeights,
  mask: Tensor?, causal: Bool, bias: Tensor?, needWeights: Bool
) throws -> MultiHeadResult {
  let operation = "multihead"
  let batched = query.rank == 3 || keyValue.rank == 3
  guard (query.rank == 2 && keyValue.rank == 2) || batched else {
    throw TensorError(
      operation,
      "inputs must be [n, d] or batches [B, n, d], got \(Tensor.describe(query.shape)) and \(Tensor.describe(keyValue.shape))"
    )
  }
  let batch = batched ? try batchSize([("query", query), ("key/value", keyValue)], operation: operation) : 1
  // The projections see the whole batch at once: one product each.
  let (q, k, v) = (
    try project(query, weights.wq, bias: weights.bq, name: "q", operation: operation),
    try project(keyValue, weights.wk, bias: weights.bk, name: "k", operation: operation),
    try project(keyValue, weights.wv, bias: weights.bv, name: "v", operation: operation)
  )
  if batch == 0 {
    let problem = try AttentionProblem(
      queries: emptyElement(q), keys: emptyElement(k), values: emptyElement(v), heads: heads, kvHeads: kvHeads,
      operation: operation)
    guard weights.wo.rank == 2, weights.wo.shape[0] == problem.heads * problem.dv else {
      throw TensorError(
        operation, "wo must be [\(problem.heads * problem.dv), d_out], got \(Tensor.describe(weights.wo.shape))")
    }
    let (n, m) = (query.shape[1], keyValue.shape[1])
    return MultiHeadResult(
      output: try Tensor(shape: [0, n, weights.wo.shape[1]], scalars: []),
      weights: try Tensor(shape: [0, heads, n, needWeights ? m : 0], scalars: []))
  }
  if !needWeights, mask == nil, bias == nil,
    let concatenated = try SingleAttention.heads(
      q, k, v, heads: heads, kvHeads: kvHeads, causal: causal, operation: operation)
  {
    return MultiHeadResult(
      output: try outputProjection(concatenated, weights, operation: operation),
      weights: try Tensor(
        shape: batched ? [batch, heads, query.shape[1], 0] : [heads, query.shape[0], 0], scalars: []))
  }
  let (queries, keys, values) = batched ? (q.batchElements(), k.batchElements(), v.batchElements()) : ([q], [k], [v])
  var outputs: [Tensor] = []
  var headWeights: [Tensor] = []
  for b in 0..<batch {
    let problem = try AttentionProblem(
      queries: queries[b], keys: keys[b], values: values[b], heads: heads, kvHeads: kvHeads,
      mask: batched ? try batchPart(mask, b, batch: batch, batchedRank: 3, name: "mask", operation: operation) : mask,
      causal: causal,
      bias: batched ? try batchPart(bias, b, batch: batch, batchedRank: 4, name: "bias", operation: operation) : bias,
      operation: operation)
    let width = problem.heads * problem.dv
    guard weights.wo.rank == 2, weights.wo.shape[0] == width else {
      throw TensorError(
        operation,
        "wo must be [\(width), d_out] for \(heads) heads of width \(problem.dv), got \(Tensor.describe(weights.wo.shape))"
      )
    }
    let solved = try problem.solve(weights: needWeights)
    outputs.append(solved.output)
    // The weights are [heads, n, m] even for one head (a problem's own shape for one head is [n, m]).
    headWeights.append(
      try solved.weights?.reshaped([problem.heads, problem.n, problem.m])
        ?? Tensor(unchecked: [problem.heads, problem.n, 0], []))
  }
  return MultiHeadResult(
    output: try outputProjection(batched ? try stack(outputs) : outputs[0], weights, operation: operation),
    weights: batched ? try stack(headWeights) : headWeights[0])
}

/// The heads side by side times `wo`, plus `bo` when there is one.
private func outputProjection(_ heads: Tensor, _ weights: MultiHeadWeights, operation: String) throws -> Tensor {
  let width = heads.shape[heads.rank - 1]
  guard weights.wo.rank == 2, weights.wo.shape[0] == width else {
    throw TensorError(operation, "wo must be [\(width), d_out], got \(Tensor.describe(weights.wo.shape))")
  }
  var output = try matmul(heads, weights.wo)
  if let bo = weights.bo {
    try checkBias(bo, name: "bo", width: output.shape[output.rank - 1], operation: operation)
    output = try output + bo
  }
  return output
}

/// The output of ``multiHeadAttention(_:_:heads:kvHeads:weights:mask:causal:bias:)``
/// alone (PyTorch's `need_weights=False`): the same numbers to rounding,
/// computed block by block with an online softmax so that the
/// `[heads, n, m]` weights are never held — memory O((n + m)·d) instead of
/// O(heads·n·m), and the tiles stay in cache, which makes it the fast way
/// to run large attention. Under a gradient its backward is fused too
/// (FlashAttention-2's: each tile's weights recomputed from saved row
/// statistics), so training needs O((n + m)·d) memory, not O(heads·n·m).
/// With `bias:` it takes the reference steps, whose gradient it shares.
///
/// - Throws: ``TensorError`` naming the shapes when they do not fit.
public func multiHeadAttentionOutput(
  _ query: Tensor, _ keyValue: Tensor, heads: Int, kvHeads: Int? = nil, weights: MultiHeadWeights,
  mask: Tensor? = nil, causal: Bool = false, bias: Tensor? = nil
) throws -> Tensor {
  try multiHeadAttention(
    query, keyValue, heads: heads, kvHeads: kvHeads, weights: weights, mask: mask, causal: causal, bias: bias,
    needWeights: false
  ).output
}

/// `x·w + b`, with a bias that must be a vector as wide as the projection.
private func project(_ x: Tensor, _ w: Tensor, bias: Tensor?, name: String, operation: String) throws -> Tensor {
  let projected = try project(x, w, name: "w" + name, operation: operation)
  guard let bias else { return projected }
  try checkBias(bias, name: "b" + name, width: projected.shape[projected.rank - 1], operation: operation)
  return try projected + bias
}

private func checkBias(_ bias: Tensor, name: String, width: Int, operation: String) throws {
  guard bias.shape == [width] else {
    throw TensorError(
      operation, "\(name) must be a vector [\(width)] to follow its projection, got \(Tensor.describe(bias.shape))")
  }
}

/// The ``AttentionSchedule/heads`` schedule: the heads side by side —
/// with several cores each whole on one core (single-threaded products
/// beat splitting every product) — giving their outputs `[n, heads·dv]`
/// and weights `[heads, n, m]`. Not recorded for gradients.
func parallelHeads(_ problem: AttentionProblem) throws -> (output: Tensor, weights: Tensor) {
  if problem.isSmall {
    let solution = try problem.smallSolution(keepScores: false)
    return (solution.output, solution.weights ?? Tensor(0))
  }
  let (heads, n, m, dk, dv) = (problem.heads, problem.n, problem.m, problem.dk, problem.dv)
  let width = heads * dv
  let maskValues = try problem.maskValues()
  // Both are written whole below (every head fills its weights and its
  // columns of the output), so they start uninitialized.
  var concatenated = try Tensor.uninitializedStorage([n, width], operation: problem.operation)
  var allWeights = try Tensor.uninitializedStorage([heads, n, m], operation: problem.operation)
  let stop = ExecutionContext.current.stop
  let parallel = heads > 1 && n * m * dk >= 1 << 15
  let (q, k, v) = (problem.queries, problem.keys, problem.values)
  concatenated.withUnsafeMutableBufferPointer { outputBuffer in
    allWeights.withUnsafeMutableBufferPointer { weightBuffer in
      guard let outputBase = outputBuffer.baseAddress, let weightBase = weightBuffer.baseAddress else { return }
      let output = SharedBuffer(base: outputBase)
      let weightsOut = SharedBuffer(base: weightBase)
      let run: @Sendable (Int) -> Void = { head in
        let shared = head / problem.group
        let qh = q.columns(head * dk..<(head + 1) * dk)
        // Kᵢᵀ copied once: the product then reads both operands in order.
        let kh = transposeMatrix(k.columns(shared * dk..<(shared + 1) * dk))
        let vh = v.columns(shared * dv..<(shared + 1) * dv)
        let headWeights = weightsOut.base + head * n * m
        let threads = parallel ? 1 : MatrixKernel.activeProcessorCount
        var headOutput = [Double](repeating: 0, count: n * dv)
        qh.scalars.withUnsafeBufferPointer { a in
          kh.scalars.withUnsafeBufferPointer { b in
            guard let a = a.baseAddress, let b = b.baseAddress else {
              headWeights.update(repeating: 0, count: n * m)
              return
            }
            MatrixKernel.multiply(
              a, b, headWeights, m: n, k: dk, n: m, maxThreads: threads, stop: stop)
          }
        }
        for row in 0..<n {
          scaleMaskAndNormalize(
            scores: nil, weights: headWeights + row * m, row: row, columns: m, scale: problem.scale,
            mask: maskValues.map { $0[(row * m)..<((row + 1) * m)] }, causal: problem.causal, hard: false)
        }
        vh.scalars.withUnsafeBufferPointer { b in
          headOutput.withUnsafeMutableBufferPointer { c in
            guard let b = b.baseAddress, let c = c.baseAddress else { return }
            MatrixKernel.multiply(headWeights, b, c, m: n, k: m, n: dv, maxThreads: threads, stop: stop)
          }
        }
        for row in 0..<n {
          for column in 0..<dv { output.base[row * width + head * dv + column] = headOutput[row * dv + column] }
        }
      }
      if parallel {
        parallelPerform(iterations: heads, execute: run)
      } else {
        for head in 0..<heads { run(head) }
      }
    }
  }
  try ExecutionContext.current.checkStop()
  return (Tensor(unchecked: [n, width], concatenated), Tensor(unchecked: problem.scoreShape, allWeights))
}

extension Tensor {
  /// The columns `range` of a matrix, as a new contiguous matrix.
  func columns(_ range: Range<Int>) -> Tensor {
    let rows = shape[0]
    let width = shape[1]
    var result = TensorBuffer<Double>(repeating: 0, count: rows * range.count)
    scalars.withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { target in
        for row in 0..<rows {
          for (offset, column) in range.enumerated() {
            target[row * range.count + offset] = source[row * width + column]
          }
        }
      }
    }
    return Tensor(unchecked: [rows, range.count], result)
  }
}
