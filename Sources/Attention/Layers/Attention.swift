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

  /// The result of a problem solved with its weights (and scores).
  init(_ solved: AttentionSolution) {
    let weights = solved.weights ?? solved.output
    self.init(scores: solved.scores ?? weights, weights: weights, output: solved.output)
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
/// With a leading batch axis — queries `[B, m, d]`, keys `[B, n, d]`,
/// values `[B, n, dv]` — each element is attended on its own and the results
/// are `[B, …]`; a mask or bias without the batch axis is shared by all.
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
  if keys.rank == 3 {
    return try batchedAttention(
      query, keys: keys, values: values, scale: scale, mask: mask, causal: causal, hard: hard, bias: bias)
  }
  let problem = try AttentionProblem(
    queries: query, keys: keys, values: values, scale: scale, mask: mask, causal: causal, bias: bias, hard: hard,
    operation: "attention")
  return AttentionResult(try problem.solve(weights: true))
}

/// What an attention problem computed: the heads' outputs side by side
/// (`[n, heads·dv]`, or one head's own shape), and — when asked for — the
/// weights and the scores (``AttentionProblem/scoreShape``).
struct AttentionSolution {
  var output: Tensor
  var weights: Tensor?
  var scores: Tensor?
}

/// The ways to compute an attention problem. ``reference`` is the
/// specification; the others are faster schedules of the same numbers.
enum AttentionSchedule: CaseIterable, Sendable {
  /// Differentiable steps, head by head — scores, bias, blocking, softmax,
  /// weighted sum: what gradients use when no fused backward exists.
  case reference
  /// One head, row by row in place, on every core: scores, weights and output.
  case rows
  /// Heads side by side, each whole on one core: weights and output.
  case heads
  /// Tiles of queries and keys with an online softmax (FlashAttention-2):
  /// the output alone, and under a gradient its fused backward; no
  /// `[heads, n, m]` tensor, memory O((n + m)·d).
  case tiled
}

extension AttentionProblem {
  /// Whether `schedule` computes this problem — the weights too when
  /// `weights`, recorded for a gradient when `gradient`.
  func supports(_ schedule: AttentionSchedule, weights: Bool, gradient: Bool) -> Bool {
    switch schedule {
    case .reference: return true
    case .rows: return heads == 1 && bias == nil && !gradient
    case .heads: return bias == nil && !hard && !singleQuery && values.rank == 2 && !gradient
    case .tiled: return !weights && bias == nil && !hard && values.rank == 2 && scale > 0 && scale.isFinite
    }
  }

  /// The fastest schedule that computes what is asked: the weights too
  /// (`weights`), or the output alone; recorded when the inputs are.
  func schedule(weights: Bool) -> AttentionSchedule {
    let gradient = isRecorded
    // In order of preference (checked without making a list: small calls count).
    if supports(.tiled, weights: weights, gradient: gradient) { return .tiled }
    let direct: AttentionSchedule = heads == 1 ? .rows : .heads
    return supports(direct, weights: weights, gradient: gradient) ? direct : .reference
  }

  /// Whether the queries, keys or values are being differentiated (the
  /// problem must then be computed by steps a gradient can follow).
  var isRecorded: Bool {
    let tracked = queries.mark.tape != 0 || keys.mark.tape != 0 || values.mark.tape != 0
    return tracked && Tape.recording([queries, keys, values]) != nil
  }

  /// Computes the problem by `schedule` (by default the one
  /// ``schedule(weights:)`` picks). With `weights` false only the output is
  /// sure to be there.
  func solve(weights: Bool, by schedule: AttentionSchedule? = nil) throws -> AttentionSolution {
    if schedule == nil, dtype != .float64 { return try singlePrecisionSolution(weights: weights) }
    switch schedule ?? self.schedule(weights: weights) {
    case .reference: return try reference()
    case .rows:
      if isSmall { return try smallSolution(keepScores: true) }
      let (scores, weights) = try attentionWeights(
        queries, keys: keys, scale: scale, mask: try maskValues(), causal: causal, hard: hard, keepScores: true)
      return AttentionSolution(output: try matmul(weights, values), weights: weights, scores: scores)
    case .heads:
      let (output, weights) = try parallelHeads(self)
      return AttentionSolution(output: output, weights: weights)
    case .tiled:
      guard let output = try FusedAttention.output(self) else { return try reference() }
      return AttentionSolution(output: output)
    }
  }

  /// The type the problem computes in: its tensors' promotion (as PyTorch's).
  var dtype: DType {
    // Without building a list: attention at the prompt takes a few microseconds.
    var promotion = DType.Promotion()
    promotion.add(queries)
    promotion.add(keys)
    promotion.add(values)
    return promotion.type
  }

  /// A float32 or bfloat16 problem, computed in float32 as PyTorch computes
  /// it on a CPU: the output alone by the float32 FlashAttention kernel
  /// (``SingleAttention``) when it applies — rank-2 inputs, no mask or bias
  /// — and otherwise by the reference steps, each a
  /// float32 operation (PyTorch's math path: scores, bias, blocking,
  /// softmax, weighted sum). bfloat16 inputs are widened and the results
  /// rounded back once, as PyTorch's bfloat16 attention keeps its sums in
  /// float32. The float64 schedules would compute in double.
  func singlePrecisionSolution(weights: Bool) throws -> AttentionSolution {
    let dtype = self.dtype
    if queries.dtype == .float32, keys.dtype == .float32, values.dtype == .float32 {
      return try float32Solution(weights: weights)
    }
    var wide = self
    (wide.queries, wide.keys, wide.values) = (
      queries.converted(to: .float32), keys.converted(to: .float32), values.converted(to: .float32)
    )
    let solution = try wide.float32Solution(weights: weights)
    guard dtype == .bfloat16 else { return solution }
    return AttentionSolution(
      output: solution.output.converted(to: .bfloat16), weights: solution.weights?.converted(to: .bfloat16),
      scores: solution.scores?.converted(to: .bfloat16))
  }

  /// ``singlePrecisionSolution(weights:)`` of float32 queries, keys and values:
  /// lesson sizes in place (``smallSolution(_:keepScores:)``) when not
  /// under a gradient, the output alone by the float32 kernel, else the
  /// reference steps.
  private func float32Solution(weights: Bool) throws -> AttentionSolution {
    // What the rows and heads schedules hand to the small solution in float64.
    if isSmall, supports(.rows, weights: true, gradient: false) || supports(.heads, weights: true, gradient: false),
      !isRecorded
    {
      return try smallSolution(Float.self, keepScores: true)
    }
    if !weights, supports(.tiled, weights: false, gradient: false), mask == nil, !singleQuery,
      let output = try SingleAttention.heads(
        queries, keys, values, heads: heads, kvHeads: kvHeads, scale: scale, causal: causal, operation: operation)
    {
      return AttentionSolution(output: output)
    }
    return try reference()
  }

  /// Attention as differentiable steps, head by head: the specification
  /// every other schedule is checked against.
  func reference() throws -> AttentionSolution {
    let keep = mask != nil || causal ? try visibility() : nil
    // A bias is added in the scores' type, as PyTorch requires of attn_mask.
    let headBias = try bias.map {
      try $0.converted(to: dtype).broadcast(to: scoreShape, operation: operation + " bias")
    }
    var (outputs, weights, scores) = ([Tensor](), [Tensor](), [Tensor]())
    for head in 0..<heads {
      let (headKeys, headValues) = try keysAndValues(ofHead: head)
      var score = try dot(try queries(ofHead: head), headKeys) * Tensor(scale)
      if let headBias { score = try score + (heads == 1 ? headBias : try headBias.subscripted([.at(head)])) }
      if let keep { score = try blocking(score, keep: keep) }
      let weight = hard ? hardmax(score) : try softmax(score, axis: -1)
      outputs.append(try matmul(weight, headValues))
      weights.append(weight)
      scores.append(score)
    }
    guard heads > 1 else { return AttentionSolution(output: outputs[0], weights: weights[0], scores: scores[0]) }
    return AttentionSolution(
      output: try concat(outputs, axis: 1), weights: try stack(weights), scores: try stack(scores))
  }
}

/// One-hot at the largest score of each row (all zeros for a fully blocked
/// row): a step, through which no gradient flows.
func hardmax(_ scores: Tensor) -> Tensor {
  var picked = scores.untracked
  let columns = picked.shape.last ?? 0
  picked.scalars.withUnsafeMutableBufferPointer { buffer in
    for row in 0..<(columns == 0 ? 0 : buffer.count / columns) {
      hardmaxLane(buffer, start: row * columns, count: columns)
    }
  }
  return picked
}

extension AttentionProblem {
  /// 1 where query `i` may see key `j` (the mask is 1 and, if causal,
  /// `j ≤ i`), else 0: one head's ``headScoreShape``.
  func visibility() throws -> Tensor {
    var keep = try maskValues() ?? Tensor.storage([n, m], repeating: 1, operation: operation)
    for row in 0..<n {
      for column in 0..<m where keep[row * m + column] != 0 {
        keep[row * m + column] = causal && column > row ? 0 : 1
      }
    }
    return Tensor(unchecked: headScoreShape, keep)
  }
}

/// `scores` with −inf where `keep` is 0 (a blocked position); the gradient
/// passes where `keep` is 1 and is exactly 0 where it is blocked.
func blocking(_ scores: Tensor, keep: Tensor) throws -> Tensor {
  // 0 and 1 are exact in every type: the blocked scores keep the scores' type.
  let keep = keep.converted(to: scores.dtype)
  let result = Tensor.combine(scores, keep, shape: scores.shape) { value, visible in visible == 0 ? -.infinity : value }
  guard let tape = Tape.recording(scores) else { return result }
  return tape.record(result, "mask", inputs: [scores]) { gradient, gradients in
    gradients.add(Tensor.combine(gradient, keep, shape: keep.shape) { g, visible in visible == 0 ? 0 : g }, to: scores)
  }
}

/// The masked, scaled scores (only when `keepScores`; multi-head attention
/// does not need them and saves their memory) and the weights, computed row
/// by row in place, on every core for large inputs. Shapes are checked by the caller.
func attentionWeights(
  _ query: Tensor, keys: Tensor, scale: Double, mask maskValues: TensorBuffer<Double>?, causal: Bool, hard: Bool,
  keepScores: Bool
) throws -> (scores: Tensor?, weights: Tensor) {
  var weights = try dot(query, keys)
  let rows = query.rank == 1 ? 1 : query.shape[0]
  let columns = keys.shape[0]
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
  scale: Double, mask: Slice<TensorBuffer<Double>>?, causal: Bool, hard: Bool
) {
  // The common case — softmax, no scores kept, no mask, positive scale —
  // folds the scale into the exponentials; causal rows just cut off early.
  if scores == nil, mask == nil, !hard, scale > 0 {
    let visible = causal ? min(row + 1, columns) : columns
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
