import Dispatch

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
  guard query.rank == 2, keyValue.rank == 2 else {
    throw TensorError(
      operation,
      "inputs must be [n, d], got \(Tensor.describe(query.shape)) and \(Tensor.describe(keyValue.shape))")
  }
  guard heads > 0 else { throw TensorError(operation, "heads must be positive, got \(heads)") }
  if let mask { try checkMask(mask, operation: operation) }
  let q = try project(query, weights.wq, bias: weights.bq, name: "q", operation: operation)
  let k = try project(keyValue, weights.wk, bias: weights.bk, name: "k", operation: operation)
  let v = try project(keyValue, weights.wv, bias: weights.bv, name: "v", operation: operation)
  let result = try attendHeads(
    q, k, v, heads: heads, kvHeads: kvHeads, wo: weights.wo, mask: mask, causal: causal, bias: bias,
    needWeights: needWeights)
  guard let bo = weights.bo else { return result }
  try checkBias(bo, name: "bo", width: result.output.shape[1], operation: operation)
  return MultiHeadResult(output: try result.output + bo, weights: result.weights)
}

/// The output of ``multiHeadAttention(_:_:heads:kvHeads:weights:mask:causal:bias:)``
/// alone (PyTorch's `need_weights=False`): the same numbers to rounding,
/// computed block by block with an online softmax so that the
/// `[heads, n, m]` weights are never held — memory O((n + m)·d) instead of
/// O(heads·n·m), and the tiles stay in cache, which makes it the fast way
/// to run large attention. Under a gradient, or with `bias:`, it takes the
/// plain path (whose gradient it shares).
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
  try checkBias(bias, name: "b" + name, width: projected.shape[1], operation: operation)
  return try projected + bias
}

private func checkBias(_ bias: Tensor, name: String, width: Int, operation: String) throws {
  guard bias.shape == [width] else {
    throw TensorError(
      operation, "\(name) must be a vector [\(width)] to follow its projection, got \(Tensor.describe(bias.shape))")
  }
}

/// The heads of multi-head attention from the projections `q`, `k`, `v`:
/// each head's weights, and their outputs joined and projected by `wo`.
private func attendHeads(
  _ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, kvHeads: Int?, wo: Tensor, mask: Tensor?, causal: Bool,
  bias: Tensor?, needWeights: Bool
) throws -> MultiHeadResult {
  let operation = "multihead"
  if !needWeights, bias == nil, Tape.recording([q, k, v, wo]) == nil,
    let joined = try fusedHeads(q, k, v, heads: heads, kvHeads: kvHeads ?? heads, wo: wo, mask: mask, causal: causal)
  {
    return MultiHeadResult(output: try matmul(joined, wo), weights: Tensor(unchecked: [heads, q.shape[0], 0], []))
  }
  if let kvHeads, kvHeads != heads {
    return try groupedAttention(q, k, v, heads: heads, kvHeads: kvHeads, wo: wo, mask: mask, causal: causal, bias: bias)
  }
  if bias != nil {
    return try groupedAttention(q, k, v, heads: heads, kvHeads: heads, wo: wo, mask: mask, causal: causal, bias: bias)
  }
  let dModel = q.shape[1]
  guard k.shape[1] == dModel else {
    throw TensorError(
      operation,
      "queries and keys differ in width: Q \(Tensor.describe(q.shape)) vs K \(Tensor.describe(k.shape))")
  }
  guard dModel % heads == 0, v.shape[1] % heads == 0 else {
    throw TensorError(
      operation,
      "\(heads) heads do not divide the model width: Q \(Tensor.describe(q.shape)), V \(Tensor.describe(v.shape))")
  }
  guard wo.rank == 2, wo.shape[0] == v.shape[1] else {
    throw TensorError(
      operation,
      "wo must be [\(v.shape[1]), d_out] to follow V \(Tensor.describe(v.shape)), got \(Tensor.describe(wo.shape))"
    )
  }
  let n = q.shape[0]
  let m = k.shape[0]
  let dk = dModel / heads
  let dv = v.shape[1] / heads
  let scale = 1 / Double(Swift.max(dk, 1)).squareRoot()
  let width = v.shape[1]
  if Tape.recording([q, k, v, wo]) != nil {
    let shape = HeadShape(heads: heads, n: n, m: m, dk: dk, dv: dv)
    let attention = try headWeights(q, k, shape: shape, scale: scale, mask: mask, causal: causal)
    let joined = try headOutputs(attention, v, shape: shape)
    return MultiHeadResult(output: try matmul(joined, wo), weights: attention)
  }
  let maskValues = try mask.map { try $0.broadcast(to: [n, m], operation: "multihead mask").scalars }
  // Both are written whole below (every head fills its weights and its
  // columns of the output), so they start uninitialized.
  var concatenated = try Tensor.uninitializedStorage([n, width], operation: operation)
  var allWeights = try Tensor.uninitializedStorage([heads, n, m], operation: operation)
  let stop = ExecutionContext.current.stop
  // Heads are independent: with several cores each head runs whole on one
  // core (single-threaded products), which beats splitting every product.
  let parallelHeads = heads > 1 && n * m * dk >= 1 << 15
  concatenated.withUnsafeMutableBufferPointer { outputBuffer in
    allWeights.withUnsafeMutableBufferPointer { weightBuffer in
      guard let outputBase = outputBuffer.baseAddress, let weightBase = weightBuffer.baseAddress else { return }
      let output = SharedBuffer(base: outputBase)
      let weightsOut = SharedBuffer(base: weightBase)
      let run: @Sendable (Int) -> Void = { head in
        let qh = q.columns(head * dk..<(head + 1) * dk)
        let kh = transposeMatrix(k.columns(head * dk..<(head + 1) * dk))
        let vh = v.columns(head * dv..<(head + 1) * dv)
        let headWeights = weightsOut.base + head * n * m
        let threads = parallelHeads ? 1 : MatrixKernel.activeProcessorCount
        qh.scalars.withUnsafeBufferPointer { a in
          kh.scalars.withUnsafeBufferPointer { b in
            MatrixKernel.multiply(
              a.baseAddress!, b.baseAddress!, headWeights, m: n, k: dk, n: m, maxThreads: threads, stop: stop)
          }
        }
        for row in 0..<n {
          scaleMaskAndNormalize(
            scores: nil, weights: headWeights + row * m, row: row, columns: m, scale: scale,
            mask: maskValues.map { $0[(row * m)..<((row + 1) * m)] }, causal: causal, hard: false)
        }
        var headOutput = [Double](repeating: 0, count: n * dv)
        vh.scalars.withUnsafeBufferPointer { b in
          headOutput.withUnsafeMutableBufferPointer { c in
            MatrixKernel.multiply(
              headWeights, b.baseAddress!, c.baseAddress!, m: n, k: m, n: dv, maxThreads: threads, stop: stop)
          }
        }
        for row in 0..<n {
          for column in 0..<dv { output.base[row * width + head * dv + column] = headOutput[row * dv + column] }
        }
      }
      if parallelHeads {
        DispatchQueue.concurrentPerform(iterations: heads, execute: run)
      } else {
        for head in 0..<heads { run(head) }
      }
    }
  }
  try ExecutionContext.current.checkStop()
  let output = try matmul(Tensor(unchecked: [n, v.shape[1]], concatenated), wo)
  return MultiHeadResult(output: output, weights: Tensor(unchecked: [heads, n, m], allWeights))
}

/// The heads' outputs by ``FusedAttention`` when the shapes fit it (else
/// `nil`, and the plain path reports what is wrong).
private func fusedHeads(
  _ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, kvHeads: Int, wo: Tensor, mask: Tensor?, causal: Bool
) throws -> Tensor? {
  guard heads > 0, kvHeads > 0, heads % kvHeads == 0, q.shape[1] % heads == 0, v.shape[1] % kvHeads == 0,
    k.shape[1] == kvHeads * (q.shape[1] / heads), wo.rank == 2, wo.shape[0] == heads * (v.shape[1] / kvHeads)
  else { return nil }
  if let mask {
    guard (try? mask.broadcast(to: [q.shape[0], k.shape[0]], operation: "multihead mask")) != nil else { return nil }
  }
  return try FusedAttention.headOutputs(q, k, v, heads: heads, kvHeads: kvHeads, mask: mask, causal: causal)
}

// MARK: Recorded for gradients: the heads' weights, then their outputs

/// The sizes of multi-head attention: `heads` heads of `n` queries over `m`
/// keys, `dk` wide for queries and keys and `dv` for values.
struct HeadShape: Sendable {
  var heads: Int
  var n: Int
  var m: Int
  var dk: Int
  var dv: Int

  /// Runs `body` for each head: on one core each when there is enough work
  /// (then `threads` is 1), else one after the other with every core.
  func forEachHead(_ body: @Sendable (_ head: Int, _ threads: Int) -> Void) {
    if heads > 1 && n * m * Swift.max(dk, dv) >= 1 << 15 {
      DispatchQueue.concurrentPerform(iterations: heads) { body($0, 1) }
    } else {
      for head in 0..<heads { body(head, MatrixKernel.activeProcessorCount) }
    }
  }
}

/// `C = op(A) · op(B)` for row-major matrices held in arrays (`op(A)` `m×k`
/// starting at `offset` in `a`, `op(B)` `k×n`; a transposed operand is stored
/// as its transpose), on `threads` cores.
func multiply(
  _ a: [Double], offset: Int = 0, _ b: [Double], into c: UnsafeMutablePointer<Double>, m: Int, k: Int, n: Int,
  transposeA: Bool = false, transposeB: Bool = false, threads: Int, stop: StopRequest
) {
  a.withUnsafeBufferPointer { x in
    b.withUnsafeBufferPointer { y in
      guard let x = x.baseAddress, let y = y.baseAddress, m > 0, n > 0, k > 0 else {
        c.update(repeating: 0, count: m * n)
        return
      }
      MatrixKernel.multiply(
        x + offset, y, c, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB, maxThreads: threads,
        stop: stop)
    }
  }
}

/// Each head's attention weights `[heads, n, m]`: `softmax(Qᵢ Kᵢᵀ · scale)`
/// with blocked positions 0, from the projections `q` `[n, heads·dk]` and
/// `k` `[m, heads·dk]`, recorded as one node.
///
/// Backward, per head (in parallel): `∂S = W ⊙ (∂W − Σⱼ ∂W ⊙ W) · scale`,
/// `∂Qᵢ = ∂S Kᵢ`, `∂Kᵢ = ∂Sᵀ Qᵢ`; blocked positions, whose weight is 0, get 0.
func headWeights(
  _ q: Tensor, _ k: Tensor, shape: HeadShape, scale: Double, mask: Tensor?, causal: Bool
) throws -> Tensor {
  let (heads, n, m, dk) = (shape.heads, shape.n, shape.m, shape.dk)
  let maskValues = try mask.map { try $0.broadcast(to: [n, m], operation: "multihead mask").scalars }
  var weights = try Tensor.uninitializedStorage([heads, n, m], operation: "multihead")
  let stop = ExecutionContext.current.stop
  weights.withUnsafeMutableBufferPointer { buffer in
    guard let base = buffer.baseAddress else { return }
    let out = SharedBuffer(base: base)
    shape.forEachHead { head, threads in
      let columns = head * dk..<(head + 1) * dk
      let headWeights = out.base + head * n * m
      multiply(
        q.columns(columns).scalars, k.columns(columns).scalars, into: headWeights, m: n, k: dk, n: m,
        transposeB: true, threads: threads, stop: stop)
      for row in 0..<n {
        scaleMaskAndNormalize(
          scores: nil, weights: headWeights + row * m, row: row, columns: m, scale: scale,
          mask: maskValues.map { $0[(row * m)..<((row + 1) * m)] }, causal: causal, hard: false)
      }
    }
  }
  try ExecutionContext.current.checkStop()
  let result = Tensor(unchecked: [heads, n, m], weights)
  guard let tape = Tape.recording(q, k) else { return result }
  return tape.record(result) { gradient, gradients in
    // Every element is written below: the gradients start uninitialized.
    var dq = try Tensor.uninitializedStorage([n, heads * dk], operation: "multihead")
    var dk_ = try Tensor.uninitializedStorage([m, heads * dk], operation: "multihead")
    let stop = ExecutionContext.current.stop
    dq.withUnsafeMutableBufferPointer { dqBuffer in
      dk_.withUnsafeMutableBufferPointer { dkBuffer in
        guard let dqBase = dqBuffer.baseAddress, let dkBase = dkBuffer.baseAddress else { return }
        let (dqOut, dkOut) = (SharedBuffer(base: dqBase), SharedBuffer(base: dkBase))
        shape.forEachHead { head, threads in
          let columns = head * dk..<(head + 1) * dk
          // ∂S for this head, from W and ∂W.
          let offset = head * n * m
          let scores = [Double](unsafeUninitializedCapacity: n * m) { buffer, initialized in
            gradient.scalars.withUnsafeBufferPointer { g in
              result.scalars.withUnsafeBufferPointer { w in
                for row in 0..<n {
                  let start = offset + row * m
                  var total = 0.0
                  for j in 0..<m { total += g[start + j] * w[start + j] }
                  for j in 0..<m { buffer[row * m + j] = w[start + j] * (g[start + j] - total) * scale }
                }
              }
            }
            initialized = n * m
          }
          var dqHead = [Double](repeating: 0, count: n * dk)
          var dkHead = [Double](repeating: 0, count: m * dk)
          dqHead.withUnsafeMutableBufferPointer {
            guard let target = $0.baseAddress else { return }
            multiply(scores, k.columns(columns).scalars, into: target, m: n, k: m, n: dk, threads: threads, stop: stop)
          }
          dkHead.withUnsafeMutableBufferPointer {
            guard let target = $0.baseAddress else { return }
            multiply(
              scores, q.columns(columns).scalars, into: target, m: m, k: n, n: dk, transposeA: true, threads: threads,
              stop: stop)
          }
          for row in 0..<n { for c in 0..<dk { dqOut.base[row * heads * dk + head * dk + c] = dqHead[row * dk + c] } }
          for row in 0..<m { for c in 0..<dk { dkOut.base[row * heads * dk + head * dk + c] = dkHead[row * dk + c] } }
        }
      }
    }
    try ExecutionContext.current.checkStop()
    gradients.add(Tensor(unchecked: [n, heads * dk], dq), to: q)
    gradients.add(Tensor(unchecked: [m, heads * dk], dk_), to: k)
  }
}

/// The heads' outputs side by side, `[n, heads·dv]`: `Wᵢ Vᵢ` for each head's
/// weights `Wᵢ` and value columns `Vᵢ`, recorded as one node.
///
/// Backward, per head: `∂Wᵢ = ∂Oᵢ Vᵢᵀ` and `∂Vᵢ = Wᵢᵀ ∂Oᵢ`.
func headOutputs(_ weights: Tensor, _ v: Tensor, shape: HeadShape) throws -> Tensor {
  let (heads, n, m, dv) = (shape.heads, shape.n, shape.m, shape.dv)
  let width = heads * dv
  var joined = try Tensor.uninitializedStorage([n, width], operation: "multihead")
  let stop = ExecutionContext.current.stop
  joined.withUnsafeMutableBufferPointer { buffer in
    guard let base = buffer.baseAddress else { return }
    let out = SharedBuffer(base: base)
    shape.forEachHead { head, threads in
      var headOutput = [Double](repeating: 0, count: n * dv)
      headOutput.withUnsafeMutableBufferPointer {
        guard let target = $0.baseAddress else { return }
        multiply(
          weights.scalars, offset: head * n * m, v.columns(head * dv..<(head + 1) * dv).scalars, into: target, m: n,
          k: m, n: dv, threads: threads, stop: stop)
      }
      for row in 0..<n { for c in 0..<dv { out.base[row * width + head * dv + c] = headOutput[row * dv + c] } }
    }
  }
  try ExecutionContext.current.checkStop()
  let result = Tensor(unchecked: [n, width], joined)
  guard let tape = Tape.recording(weights, v) else { return result }
  return tape.record(result) { gradient, gradients in
    // Every element is written below: the gradients start uninitialized.
    var dWeights = try Tensor.uninitializedStorage([heads, n, m], operation: "multihead")
    var dValues = try Tensor.uninitializedStorage([m, width], operation: "multihead")
    let stop = ExecutionContext.current.stop
    dWeights.withUnsafeMutableBufferPointer { dwBuffer in
      dValues.withUnsafeMutableBufferPointer { dvBuffer in
        guard let dwBase = dwBuffer.baseAddress, let dvBase = dvBuffer.baseAddress else { return }
        let (dwOut, dvOut) = (SharedBuffer(base: dwBase), SharedBuffer(base: dvBase))
        shape.forEachHead { head, threads in
          let columns = head * dv..<(head + 1) * dv
          let dHead = gradient.columns(columns)
          multiply(
            dHead.scalars, v.columns(columns).scalars, into: dwOut.base + head * n * m, m: n, k: dv, n: m,
            transposeB: true, threads: threads, stop: stop)
          var dvHead = [Double](repeating: 0, count: m * dv)
          dvHead.withUnsafeMutableBufferPointer {
            guard let target = $0.baseAddress else { return }
            multiply(
              weights.scalars, offset: head * n * m, dHead.scalars, into: target, m: m, k: n, n: dv, transposeA: true,
              threads: threads, stop: stop)
          }
          for row in 0..<m { for c in 0..<dv { dvOut.base[row * width + head * dv + c] = dvHead[row * dv + c] } }
        }
      }
    }
    try ExecutionContext.current.checkStop()
    gradients.add(Tensor(unchecked: [heads, n, m], dWeights), to: weights)
    gradients.add(Tensor(unchecked: [m, width], dValues), to: v)
  }
}

extension Tensor {
  /// The columns `range` of a matrix, as a new contiguous matrix.
  func columns(_ range: Range<Int>) -> Tensor {
    let rows = shape[0]
    let width = shape[1]
    var result = [Double](repeating: 0, count: rows * range.count)
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

/// Multi-head attention head by head, from differentiable steps: for
/// grouped-query attention (`kvHeads` key/value heads, each shared by
/// `heads / kvHeads` query heads) and for a bias added to the scores. The
/// same numbers as the fused path when `kvHeads == heads` and there is no bias.
func groupedAttention(
  _ q: Tensor, _ k: Tensor, _ v: Tensor, heads: Int, kvHeads: Int, wo: Tensor, mask: Tensor?, causal: Bool,
  bias: Tensor?
) throws -> MultiHeadResult {
  let operation = "multihead"
  guard kvHeads >= 1, heads % kvHeads == 0 else {
    throw TensorError(operation, "kvheads must divide heads: \(heads) heads, \(kvHeads) key/value heads")
  }
  guard q.shape[1] % heads == 0 else {
    throw TensorError(operation, "\(heads) heads do not divide the model width: Q \(Tensor.describe(q.shape))")
  }
  let dk = q.shape[1] / heads
  guard k.shape[1] == kvHeads * dk else {
    throw TensorError(
      operation,
      "K must have \(kvHeads) heads of width \(dk) (\(kvHeads * dk) columns), got \(Tensor.describe(k.shape))")
  }
  guard v.shape[1] % kvHeads == 0 else {
    throw TensorError(operation, "\(kvHeads) key/value heads do not divide V \(Tensor.describe(v.shape))")
  }
  let dv = v.shape[1] / kvHeads
  guard wo.rank == 2, wo.shape[0] == heads * dv else {
    throw TensorError(
      operation, "wo must be [\(heads * dv), d_out] for \(heads) heads of width \(dv), got \(Tensor.describe(wo.shape))"
    )
  }
  let n = q.shape[0]
  let m = k.shape[0]
  let headBias = try bias.map { try $0.untracked.broadcast(to: [heads, n, m], operation: "multihead bias") }
  let group = heads / kvHeads
  var outputs: [Tensor] = []
  var weights: [Tensor] = []
  func columns(_ x: Tensor, _ index: Int, _ width: Int) throws -> Tensor {
    try x.subscripted([.all, .slice(start: index * width, end: (index + 1) * width, step: 1)])
  }
  for head in 0..<heads {
    let shared = head / group
    let result = try attention(
      try columns(q, head, dk), keys: try columns(k, shared, dk), values: try columns(v, shared, dv),
      scale: 1 / Double(Swift.max(dk, 1)).squareRoot(), mask: mask, causal: causal,
      bias: try headBias?.subscripted([.at(head)]))
    outputs.append(result.output)
    weights.append(result.weights)
  }
  return MultiHeadResult(output: try matmul(try concat(outputs, axis: 1), wo), weights: try stack(weights))
}
