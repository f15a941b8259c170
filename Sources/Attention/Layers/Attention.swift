/// What softmax attention computed: the scores it compared, the weights it
/// chose and the output it read.
public struct AttentionResult: Equatable, Sendable {
  /// `scale · q Kᵀ`, with blocked positions set to −inf: `[n]` for one
  /// query, `[m, n]` for `m` queries.
  public var scores: Tensor
  /// The attention weights: the softmax of each row of `scores` (one-hot at
  /// its maximum for hard attention); a fully blocked row is all zeros.
  public var weights: Tensor
  /// The weighted sum of the values, `weights · V`: `[dv]` or `[m, dv]`.
  public var output: Tensor

  /// A result from its three parts.
  public init(scores: Tensor, weights: Tensor, output: Tensor) {
    self.scores = scores
    self.weights = weights
    self.output = output
  }
}

/// Softmax attention of one query or a set of queries over keys and values:
///
///     scores  = scale · q Kᵀ          (blocked positions → −inf)
///     weights = softmax(scores)       (row by row)
///     output  = weights · V
///
/// With `scale: 1` this is the lecture's plain inner product; the Transformer
/// uses `1/√d` (see ``selfAttention(_:wq:wk:wv:scale:mask:causal:)``).
///
/// - Parameters:
///   - query: `[d]` (one query) or `[m, d]` (one per row).
///   - keys: `[n, d]`, the vectors compared with the query.
///   - values: `[n, dv]` or `[n]`, the vectors (or numbers) read out.
///   - scale: multiplies every score; default 1.
///   - mask: 1 = may attend, 0 = blocked; broadcast to the scores' shape.
///   - causal: block key `j` for query `i` when `j > i` (upper-left aligned
///     when `m ≠ n`, as PyTorch's `is_causal=True`).
///   - hard: replace the softmax by a one-hot vector at the row's largest
///     score (hard attention; ties go to the first).
///   - bias: added to the scaled scores before masking and softmax (ALiBi's
///     ``alibiBias(_:heads:)``); broadcast to the scores' shape; no gradient flows to it.
/// - Returns: scores, weights and output; a fully blocked row gets zero
///   weights and a zero output.
///
/// Gradients flow from any of the three results to the query, keys and
/// values (PyTorch's `scaled_dot_product_attention` gives the same):
/// blocked positions get exactly zero, and a fully blocked row gives zeros,
/// not NaN. With `hard`, the one-hot choice is a step: no gradient reaches
/// the query or the keys, while the values still get the gradient of the row
/// they hand over.
/// - Complexity: O(m·n·(d + dv)).
/// - Throws: ``TensorError`` naming the shapes when they do not fit.
public func attention(
  _ query: Tensor, keys: Tensor, values: Tensor, scale: Double = 1, mask: Tensor? = nil,
  causal: Bool = false, hard: Bool = false, bias: Tensor? = nil
) throws -> AttentionResult {
  let operation = "attention"
  if let mask { try checkMask(mask, operation: operation) }
  guard (1...2).contains(query.rank) else {
    throw TensorError(operation, "query must be [d] or [m, d], got \(Tensor.describe(query.shape))")
  }
  guard keys.rank == 2 else {
    throw TensorError(operation, "keys must be [n, d], got \(Tensor.describe(keys.shape))")
  }
  guard query.shape.last == keys.shape[1] else {
    throw TensorError(
      operation,
      "query and keys differ in their last axis: \(Tensor.describe(query.shape)) vs \(Tensor.describe(keys.shape))")
  }
  guard (1...2).contains(values.rank), values.shape[0] == keys.shape[0] else {
    throw TensorError(
      operation,
      "values must have one row per key: keys \(Tensor.describe(keys.shape)) vs values \(Tensor.describe(values.shape))"
    )
  }
  if Tape.recording([query, keys, values]) != nil || bias != nil {
    return try recordedAttention(
      query, keys: keys, values: values, scale: scale, mask: mask, causal: causal, hard: hard, bias: bias)
  }
  let (scores, weights) = try attentionWeights(
    query, keys: keys, scale: scale, mask: mask, causal: causal, hard: hard, keepScores: true)
  let output = try matmul(weights, values)
  return AttentionResult(scores: scores ?? weights, weights: weights, output: output)
}

/// Attention as differentiable steps — scores, blocking, softmax, weighted
/// sum — for a gradient: the same numbers as the fused path.
func recordedAttention(
  _ query: Tensor, keys: Tensor, values: Tensor, scale: Double, mask: Tensor?, causal: Bool, hard: Bool,
  bias: Tensor? = nil
) throws -> AttentionResult {
  let products = try dot(query, keys)
  var scores = try products * Tensor(scale)
  if let bias {
    // A constant added to the scores (ALiBi); it must broadcast to them.
    guard try broadcastShape(scores.shape, bias.shape, operation: "attention bias") == scores.shape else {
      throw TensorError(
        "attention",
        "bias \(Tensor.describe(bias.shape)) must broadcast to the scores \(Tensor.describe(scores.shape))")
    }
    scores = try scores + bias.untracked
  }
  if mask != nil || causal {
    scores = try blocking(scores, keep: try visibility(scores.shape, mask: mask, causal: causal))
  }
  let weights: Tensor
  if hard {
    var picked = scores.untracked
    let columns = picked.shape.last ?? 0
    picked.scalars.withUnsafeMutableBufferPointer { buffer in
      for row in 0..<(columns == 0 ? 0 : buffer.count / columns) {
        hardmaxLane(buffer, start: row * columns, count: columns)
      }
    }
    weights = picked
  } else {
    weights = try softmax(scores, axis: -1)
  }
  return AttentionResult(scores: scores, weights: weights, output: try matmul(weights, values))
}

/// 1 where query `i` may see key `j` (the mask is 1 and, if causal, `j ≤ i`), else 0.
func visibility(_ shape: [Int], mask: Tensor?, causal: Bool) throws -> Tensor {
  var keep = try mask?.untracked.broadcast(to: shape, operation: "attention mask") ?? Tensor(repeating: 1, shape: shape)
  let columns = shape.last ?? 0
  let rows = columns == 0 ? 0 : keep.count / columns
  keep.scalars.withUnsafeMutableBufferPointer { buffer in
    for row in 0..<rows {
      for column in 0..<columns where buffer[row * columns + column] != 0 {
        buffer[row * columns + column] =
          causal && column > row % Swift.max(shape.count == 3 ? shape[1] : rows, 1) ? 0 : 1
      }
    }
  }
  return keep
}

/// `scores` with −inf where `keep` is 0 (a blocked position); the gradient
/// passes where `keep` is 1 and is exactly 0 where it is blocked.
func blocking(_ scores: Tensor, keep: Tensor) throws -> Tensor {
  let result = Tensor.combine(scores, keep, shape: scores.shape) { value, visible in visible == 0 ? -.infinity : value }
  guard let tape = Tape.recording(scores) else { return result }
  return tape.record(result) { gradient, gradients in
    gradients.add(Tensor.combine(gradient, keep, shape: keep.shape) { g, visible in visible == 0 ? 0 : g }, to: scores)
  }
}

/// The masked, scaled scores (only when `keepScores`; multi-head attention
/// does not need them and saves their memory) and the weights, computed row
/// by row in place, on every core for large inputs. Shapes are checked by the caller.
func attentionWeights(
  _ query: Tensor, keys: Tensor, scale: Double, mask: Tensor?, causal: Bool, hard: Bool, keepScores: Bool
) throws -> (scores: Tensor?, weights: Tensor) {
  var weights = try dot(query, keys)
  let rows = query.rank == 1 ? 1 : query.shape[0]
  let columns = keys.shape[0]
  let maskValues = try mask.map { try $0.broadcast(to: weights.shape, operation: "attention mask").scalars }
  var scores: Tensor? = keepScores ? weights : nil
  weights.scalars.withUnsafeMutableBufferPointer { weightBuffer in
    guard let weightBase = weightBuffer.baseAddress else { return }
    let shared = SharedBuffer(base: weightBase)
    func run(_ scoreBase: UnsafeMutablePointer<Double>?) {
      let sharedScores = scoreBase.map(SharedBuffer.init)
      forEachChunk(rows, work: rows * columns * 8) { range in
        for row in range {
          scaleMaskAndNormalize(
            scores: sharedScores.map { $0.base + row * columns }, weights: shared.base + row * columns, row: row,
            columns: columns, scale: scale, mask: maskValues.map { $0[(row * columns)..<((row + 1) * columns)] },
            causal: causal, hard: hard)
        }
      }
    }
    if scores != nil {
      scores?.scalars.withUnsafeMutableBufferPointer { run($0.baseAddress) }
    } else {
      run(nil)
    }
  }
  return (scores, weights)
}

/// One row of attention, in place: scale the raw products in `weights`, set blocked ones to −inf, and
/// turn them into weights (softmax, or one-hot for hard attention).
@inline(__always)
func scaleMaskAndNormalize(
  scores: UnsafeMutablePointer<Double>?, weights: UnsafeMutablePointer<Double>, row: Int, columns: Int,
  scale: Double, mask: ArraySlice<Double>?, causal: Bool, hard: Bool
) {
  // The common case — softmax, no scores kept, no mask, positive scale —
  // folds the scale into the exponentials; causal rows just cut off early.
  if scores == nil, mask == nil, !hard, scale > 0 {
    let visible = causal ? Swift.min(row + 1, columns) : columns
    contiguousSoftmax(weights, count: visible, scale: scale)
    if visible < columns { (weights + visible).update(repeating: 0, count: columns - visible) }
    return
  }
  for column in 0..<columns {
    var value = weights[column] * scale
    if causal && column > row { value = -.infinity }
    if let mask, mask[mask.startIndex + column] == 0 { value = -.infinity }
    scores?[column] = value
    weights[column] = value
  }
  let lane = UnsafeMutableBufferPointer(start: weights, count: columns)
  if hard {
    hardmaxLane(lane, start: 0, count: columns)
  } else {
    softmaxLane(lane, start: 0, count: columns, stride: 1)
  }
}

/// One-hot at the largest value of a lane; all zeros when every entry is −inf.
func hardmaxLane(_ buffer: UnsafeMutableBufferPointer<Double>, start: Int, count: Int) {
  let allBlocked = (0..<count).allSatisfy { buffer[start + $0] == -.infinity }
  let winner = argmaxIndex(UnsafeBufferPointer(buffer), start: start, count: count, stride: 1)
  for k in 0..<count { buffer[start + k] = (!allBlocked && k == winner) ? 1 : 0 }
}
