/// One attention problem, checked once: queries, keys and values split into
/// heads, the scale, and what each query may see (mask, causal, bias). Every
/// entry point — ``attention(_:keys:values:scale:mask:causal:hard:bias:)``,
/// ``selfAttention(_:wq:wk:wv:scale:mask:causal:)``, the multi-head functions
/// and ``flashAttention(_:keys:values:scale:causal:blockSize:observe:)`` — builds
/// one, so each rule is checked here alone, with one message, and
/// ``solve(weights:by:)`` picks how to compute it (``AttentionSchedule``).
///
/// Query head `h` reads columns `h·dk ..< (h+1)·dk` of the queries and the
/// key/value head `h / (heads / kvHeads)` (grouped-query attention shares
/// each key/value head among `heads / kvHeads` query heads).
struct AttentionProblem {
  /// `[n, heads·dk]`, or one query `[dk]` (``singleQuery``, one head).
  var queries: Tensor
  /// `[m, kvHeads·dk]`.
  var keys: Tensor
  /// `[m, kvHeads·dv]`, or `[m]` (one number per key, one head).
  var values: Tensor
  var heads: Int
  var kvHeads: Int
  /// Queries, keys, and each head's key and value widths.
  var n: Int
  var m: Int
  var dk: Int
  var dv: Int
  var scale: Double
  /// 1 = may attend, 0 = blocked; broadcasts to `[n, m]`.
  var mask: Tensor?
  var causal: Bool
  /// Added to the scaled scores; broadcasts to ``scoreShape`` (per head,
  /// `[heads, n, m]`). No gradient flows to it.
  var bias: Tensor?
  /// One-hot at the largest score instead of softmax.
  var hard: Bool
  /// The entry point's name, for messages.
  var operation: String

  /// Whether the query is a vector `[d]`: the scores and output lose the query axis.
  var singleQuery: Bool { queries.rank == 1 }
  /// Query heads per key/value head.
  var group: Int { heads / kvHeads }
  /// One head's scores: `[n, m]`, or `[m]` for a single query.
  var headScoreShape: Shape { singleQuery ? [m] : [n, m] }
  /// The scores of all heads: one head's, or `[heads, n, m]`.
  var scoreShape: Shape { heads == 1 ? headScoreShape : [heads, n, m] }

  /// Checks that the parts fit, with one message per rule.
  ///
  /// - Throws: ``TensorError`` naming the shapes that do not fit.
  init(
    queries: Tensor, keys: Tensor, values: Tensor, heads: Int = 1, kvHeads: Int? = nil, scale: Double? = nil,
    mask: Tensor? = nil, causal: Bool = false, bias: Tensor? = nil, hard: Bool = false, operation: String
  ) throws {
    let kvHeads = kvHeads ?? heads
    // Described only for a message: building it each call costs a microsecond.
    func shapes() -> String {
      "Q \(Tensor.describe(queries.shape)), K \(Tensor.describe(keys.shape)), V \(Tensor.describe(values.shape))"
    }
    guard heads >= 1 else { throw TensorError(operation, "heads must be positive, got \(heads)") }
    guard kvHeads >= 1, heads % kvHeads == 0 else {
      throw TensorError(operation, "kvheads must divide heads: \(heads) heads, \(kvHeads) key/value heads")
    }
    guard queries.rank == 2 || (queries.rank == 1 && heads == 1), keys.rank == 2,
      values.rank == 2 || (values.rank == 1 && heads == 1)
    else {
      throw TensorError(operation, "needs queries [n, d] (or one [d]), keys [m, d] and values [m, dv]: \(shapes())")
    }
    let (queryWidth, keyWidth) = (queries.shape[queries.rank - 1], keys.shape[1])
    guard queryWidth % heads == 0 else {
      throw TensorError(operation, "\(heads) heads do not divide the model width: \(shapes())")
    }
    guard keyWidth == queryWidth / heads * kvHeads else {
      throw TensorError(
        operation,
        heads == 1
          ? "queries and keys differ in their last axis: \(shapes())"
          : "K must hold \(kvHeads) heads as wide as Q's (\(queryWidth / heads)): \(shapes())")
    }
    let valueWidth = values.rank == 1 ? 1 : values.shape[1]
    guard values.shape[0] == keys.shape[0], valueWidth % kvHeads == 0 else {
      throw TensorError(
        operation,
        "values must have one row per key\(kvHeads == 1 ? "" : " and split into \(kvHeads) heads"): \(shapes())")
    }
    (self.queries, self.keys, self.values) = (queries, keys, values)
    (self.heads, self.kvHeads) = (heads, kvHeads)
    (n, m) = (queries.rank == 1 ? 1 : queries.shape[0], keys.shape[0])
    (dk, dv) = (queryWidth / heads, valueWidth / kvHeads)
    self.scale = scale ?? 1 / Double(max(queryWidth / heads, 1)).squareRoot()
    (self.mask, self.causal, self.hard, self.operation) = (mask, causal, hard, operation)
    self.bias = bias?.untracked
    if let mask {
      try checkMask(mask, operation: operation)
      guard (try? broadcastShape(mask.shape, [n, m], operation: operation)) == [n, m] else {
        throw TensorError(
          operation,
          "mask \(Tensor.describe(mask.shape)) must broadcast to the scores \(Tensor.describe(headScoreShape))")
      }
    }
    if let bias, (try? broadcastShape(bias.shape, scoreShape, operation: operation)) != scoreShape {
      throw TensorError(
        operation, "bias \(Tensor.describe(bias.shape)) must broadcast to the scores \(Tensor.describe(scoreShape))")
    }
  }

  /// Query head `head`'s columns of the queries (all of them for one head).
  func queries(ofHead head: Int) throws -> Tensor {
    heads == 1 ? queries : try queries.columns(differentiable: head * dk..<(head + 1) * dk)
  }

  /// The keys and values query head `head` reads.
  func keysAndValues(ofHead head: Int) throws -> (keys: Tensor, values: Tensor) {
    guard kvHeads > 1 else { return (keys, values) }
    let shared = head / group
    return (
      try keys.columns(differentiable: shared * dk..<(shared + 1) * dk),
      try values.columns(differentiable: shared * dv..<(shared + 1) * dv)
    )
  }

  /// The mask as `[n, m]` values (`nil` for none).
  func maskValues() throws -> TensorBuffer<Double>? {
    try mask.map { try $0.untracked.broadcast(to: [n, m], operation: operation + " mask").scalars }
  }
}

extension Tensor {
  /// The columns `range` of a matrix, recorded when under a gradient.
  func columns(differentiable range: Range<Int>) throws -> Tensor {
    try subscripted([.all, .slice(start: range.lowerBound, end: range.upperBound, step: 1)])
  }
}
