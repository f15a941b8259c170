import Dispatch

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
/// Gradients flow to both inputs and all four weights, as through
/// PyTorch's module; blocked positions get exactly zero.
///
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
      "inputs must be [n, d], got \(Tensor.describe(query.shape)) and \(Tensor.describe(keyValue.shape))")
  }
  guard heads > 0 else { throw TensorError(operation, "heads must be positive, got \(heads)") }
  let q = try project(query, weights.wq, name: "wq", operation: operation)
  let k = try project(keyValue, weights.wk, name: "wk", operation: operation)
  let v = try project(keyValue, weights.wv, name: "wv", operation: operation)
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
  guard weights.wo.rank == 2, weights.wo.shape[0] == v.shape[1] else {
    throw TensorError(
      operation,
      "wo must be [\(v.shape[1]), d_out] to follow V \(Tensor.describe(v.shape)), got \(Tensor.describe(weights.wo.shape))"
    )
  }
  let n = q.shape[0]
  let m = k.shape[0]
  let dk = dModel / heads
  let dv = v.shape[1] / heads
  let scale = 1 / Double(Swift.max(dk, 1)).squareRoot()
  let width = v.shape[1]
  if q.isTracked || k.isTracked || v.isTracked || weights.wo.isTracked,
    Tape.recording([q, k, v, weights.wo]) != nil
  {
    // Heads as a batch of matrices, every step recorded for the gradient.
    let qh = try transpose(q.reshaped([n, heads, dk]), axes: [1, 0, 2])
    let kh = try transpose(k.reshaped([m, heads, dk]), axes: [1, 2, 0])
    let vh = try transpose(v.reshaped([m, heads, dv]), axes: [1, 0, 2])
    var scores = try matmul(qh, kh) * Tensor(scale)
    if mask != nil || causal {
      let shape = [heads, n, m]
      let keep = try visibility(
        shape, mask: try mask.map { try $0.untracked.broadcast(to: [n, m], operation: "multihead mask") },
        causal: causal)
      scores = try blocking(scores, keep: keep)
    }
    let attention = try softmax(scores, axis: -1)
    let joined = try transpose(try matmul(attention, vh), axes: [1, 0, 2]).reshaped([n, width])
    return MultiHeadResult(output: try matmul(joined, weights.wo), weights: attention)
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
  let output = try matmul(Tensor(unchecked: [n, v.shape[1]], concatenated), weights.wo)
  return MultiHeadResult(output: output, weights: Tensor(unchecked: [heads, n, m], allWeights))
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
