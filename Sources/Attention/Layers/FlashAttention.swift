/// What the online softmax did with one block of keys, for the first query:
/// what ``flashAttention(_:keys:values:scale:causal:blockSize:observe:)``
/// hands its observer.
public struct FlashStep: Equatable, Sendable {
  /// The keys of the block.
  public var keys: Range<Int>
  /// The largest score in the block (−inf when all of it is blocked).
  public var blockMax: Double
  /// The largest score so far, after this block.
  public var runningMax: Double
  /// `exp(old max − new max)`: what the sum and output so far are multiplied by.
  public var rescale: Double
  /// `Σ exp(sⱼ − running max)` over the keys so far.
  public var runningSum: Double
}

/// Softmax attention computed block by block with an online softmax (Milakov
/// & Gimelshein, 2018; the idea of FlashAttention, Dao et al., 2022): the keys
/// are read `blockSize` at a time and each query keeps only a running maximum
/// `m`, a running sum `l` and a running output `o`:
///
///     m' = max(m, max over the block of sⱼ)
///     l' = l · exp(m − m') + Σ exp(sⱼ − m')
///     o' = o · exp(m − m') + Σ exp(sⱼ − m') vⱼ           output = o / l
///
/// The `[m, n]` matrix of scores and weights is never made: memory is O(n·d)
/// instead of O(n²), and the result equals ``attention(_:keys:values:scale:mask:causal:hard:bias:)``'s
/// output to rounding (a fully blocked row gives zeros, as there).
///
/// Under a gradient it is computed by tiles, as multi-head attention's
/// output, with FlashAttention-2's backward: the weights are never made,
/// forward or backward.
///
/// - Parameters:
///   - query: `[d]` or `[m, d]`.
///   - keys: `[n, d]`.
///   - values: `[n, dv]`.
///   - scale: multiplies every score.
///   - causal: block key `j` for query `i` when `j > i`.
///   - blockSize: how many keys each step reads.
///   - observe: called with each step of the first query, in order — how
///     `explain` shows the tiling without the result carrying it.
/// - Throws: ``TensorError`` naming the shapes when they do not fit.
public func flashAttention(
  _ query: Tensor, keys: Tensor, values: Tensor, scale: Double = 1, causal: Bool = false, blockSize: Int = 64,
  observe: ((FlashStep) -> Void)? = nil
) throws -> Tensor {
  let operation = "flashattend"
  guard blockSize >= 1 else { throw TensorError(operation, "block must be at least 1, got \(blockSize)") }
  let problem = try AttentionProblem(
    queries: query, keys: keys, values: values, scale: scale, causal: causal, operation: operation)
  guard values.rank == 2 else {
    throw TensorError(operation, "values must be [n, dv], got \(Tensor.describe(values.shape))")
  }
  let (rows, n, d, dv) = (problem.n, problem.m, problem.dk, problem.dv)
  let outputShape: Shape = query.rank == 1 ? [dv] : [rows, dv]
  if Tape.recording([query, keys, values]) != nil {
    return try problem.solve(weights: false).output
  }
  var output = try Tensor.storage(outputShape, operation: operation)
  // Values of width 0 (or no queries) leave nothing to compute, however many keys there are.
  guard !output.isEmpty else { return Tensor(unchecked: outputShape, output) }
  let stop = ExecutionContext.current.stop
  let q = query.scalars
  let k = keys.scalars
  let v = values.scalars
  var scores = [Double](repeating: 0, count: blockSize)
  for row in 0..<rows {
    if stop.isRequested { throw ExecutionContext.Stopped() }
    var runningMax = -Double.infinity
    var runningSum = 0.0
    var accumulated = [Double](repeating: 0, count: dv)
    for start in stride(from: 0, to: n, by: blockSize) {
      let end = min(start + blockSize, n)
      var blockMax = -Double.infinity
      for j in start..<end {
        var score = -Double.infinity
        if !(causal && j > row) {
          var product = 0.0
          for c in 0..<d { product += q[row * d + c] * k[j * d + c] }
          score = product * scale
        }
        scores[j - start] = score
        blockMax = max(blockMax, score)
      }
      let newMax = max(runningMax, blockMax)
      guard newMax > -Double.infinity else {
        if row == 0 {
          observe?(FlashStep(keys: start..<end, blockMax: blockMax, runningMax: newMax, rescale: 1, runningSum: 0))
        }
        continue
      }
      let rescale = runningMax == -Double.infinity ? 0 : cExp(runningMax - newMax)
      runningSum *= rescale
      for c in 0..<dv { accumulated[c] *= rescale }
      for j in start..<end where scores[j - start] > -Double.infinity {
        let weight = cExp(scores[j - start] - newMax)
        runningSum += weight
        for c in 0..<dv { accumulated[c] += weight * v[j * dv + c] }
      }
      runningMax = newMax
      if row == 0 {
        observe?(
          FlashStep(
            keys: start..<end, blockMax: blockMax, runningMax: runningMax, rescale: rescale, runningSum: runningSum))
      }
    }
    for c in 0..<dv { output[row * dv + c] = runningSum > 0 ? accumulated[c] / runningSum : 0 }
  }
  return Tensor(unchecked: outputShape, output)
}
