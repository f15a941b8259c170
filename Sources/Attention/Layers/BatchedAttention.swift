/// Attention over a batch: inputs with a leading batch axis `[B, …]` are
/// solved element by element as the unbatched problem, and the results
/// stacked. Masks and biases without the batch axis are shared by every
/// element; with it (`[B, …]`, or `[1, …]`) each element gets its own.
/// Gradients flow as through the unbatched functions; taking an element's
/// gradient back costs that element, not the batch.

extension Tensor {
  /// The elements of the outermost axis, each recorded (under a gradient)
  /// with a backward that writes only its own part of the whole's gradient.
  func batchElements() -> [Tensor] {
    guard let batch = shape.first else { return [self] }
    let elementShape = Shape(shape.dropFirst())
    let size = elementShape.reduce(1, *)
    let tape = Tape.recording(self)
    let whole = self
    return (0..<batch).map { b in
      let element = Tensor(unchecked: elementShape, TensorBuffer(scalars[b * size..<(b + 1) * size]))
      guard let tape else { return element }
      return tape.record(element, "batch element", inputs: [whole]) { gradient, gradients in
        gradients.add(gradient, to: whole, atOffset: b * size)
      }
    }
  }
}

/// The part of a mask or bias for batch element `b`: itself when it has no
/// batch axis (rank below `batchedRank`), else its slice `b` (or 0 when its
/// batch axis is 1).
func batchPart(_ tensor: Tensor?, _ b: Int, batch: Int, batchedRank: Int, name: String, operation: String) throws
  -> Tensor?
{
  guard let tensor, tensor.rank >= batchedRank else { return tensor }
  guard tensor.rank == batchedRank, tensor.shape[0] == batch || tensor.shape[0] == 1 else {
    throw TensorError(
      operation,
      "\(name) \(Tensor.describe(tensor.shape)) must have \(batchedRank - 1) axes, or \(batchedRank) with a batch of \(batch) first"
    )
  }
  return try tensor.untracked.subscripted([.at(tensor.shape[0] == 1 ? 0 : b)])
}

/// Checks that batched inputs are all `[B, n, d]` with one `B` and returns it
/// (the caller saw at least one of rank 3; any other rank is refused here).
func batchSize(_ tensors: [(name: String, tensor: Tensor)], operation: String) throws -> Int {
  let batch = tensors.first { $0.tensor.rank == 3 }?.tensor.shape[0] ?? -1
  for (name, tensor) in tensors where tensor.rank != 3 || tensor.shape[0] != batch {
    let shapes = tensors.map { "\($0.name) \(Tensor.describe($0.tensor.shape))" }.joined(separator: ", ")
    throw TensorError(
      operation,
      "a batch needs every input as [B, n, d] with the same B (\(name) differs): \(shapes)")
  }
  return batch
}

/// An empty stand-in `[0, width]` for one element of a batch `[B, n, width]`:
/// an empty batch still has its widths checked by ``AttentionProblem``, with
/// no element to build (a huge `n` costs nothing).
func emptyElement(_ batch: Tensor) -> Tensor { Tensor(unchecked: [0, batch.shape[2]], []) }

/// ``attention(_:keys:values:scale:mask:causal:hard:bias:)`` over `[B, n, d]`
/// queries, `[B, m, d]` keys and `[B, m, dv]` values.
func batchedAttention(
  _ query: Tensor, keys: Tensor, values: Tensor, scale: Double, mask: Tensor?, causal: Bool, hard: Bool,
  bias: Tensor?
) throws -> AttentionResult {
  let operation = "attention"
  let batch = try batchSize([("Q", query), ("K", keys), ("V", values)], operation: operation)
  if batch == 0 {
    _ = try AttentionProblem(
      queries: emptyElement(query), keys: emptyElement(keys), values: emptyElement(values), operation: operation)
    guard keys.shape[1] == values.shape[1] else {
      throw TensorError(
        operation,
        "values must have one row per key: K \(Tensor.describe(keys.shape)), V \(Tensor.describe(values.shape))")
    }
    let (n, m) = (query.shape[1], keys.shape[1])
    let weights = try Tensor(shape: [0, n, m], scalars: [])
    return AttentionResult(
      scores: weights, weights: weights, output: try Tensor(shape: [0, n, values.shape[2]], scalars: []))
  }
  let (queries, keyRows, valueRows) = (query.batchElements(), keys.batchElements(), values.batchElements())
  var results: [AttentionResult] = []
  for b in 0..<batch {
    let problem = try AttentionProblem(
      queries: queries[b], keys: keyRows[b], values: valueRows[b], scale: scale,
      mask: try batchPart(mask, b, batch: batch, batchedRank: 3, name: "mask", operation: operation),
      causal: causal,
      bias: try batchPart(bias, b, batch: batch, batchedRank: 3, name: "bias", operation: operation), hard: hard,
      operation: operation)
    results.append(AttentionResult(try problem.solve(weights: true)))
  }
  return AttentionResult(
    scores: try stack(results.map(\.scores)), weights: try stack(results.map(\.weights)),
    output: try stack(results.map(\.output)))
}
