/// The cross-entropy loss of rows of scores (logits) against the classes
/// they should predict, averaged over the rows, as PyTorch's
/// `F.cross_entropy(logits, targets)`:
///
///     loss = −(1/n) Σᵢ log softmax(logitsᵢ)[targetsᵢ]
///
/// computed through a stable log-softmax (the row maximum is subtracted).
/// Gradient: `∂logits = (softmax(logits) − onehot(targets)) · g / n`; none
/// for the targets.
///
/// A batch of sequences — logits `[B, T, classes]`, targets `[B, T]` — is
/// averaged over all `B·T` positions, as PyTorch on the flattened view
/// (`F.cross_entropy(logits.view(-1, classes), targets.view(-1))`).
///
/// - Parameters:
///   - logits: `[n, classes]`, or one row `[classes]`, or `[B, T, classes]`.
///   - targets: `[n]` whole numbers in `0..<classes` (a number for one row; `[B, T]` for a batch).
/// - Throws: ``TensorError`` naming the shapes when they do not match, or a
///   target that is not a class.
public func crossEntropy(_ logits: Tensor, _ targets: Tensor) throws -> Tensor {
  let operation = "crossentropy"
  if logits.rank == 3 {
    guard targets.shape == Array(logits.shape.prefix(2)) else {
      throw TensorError(
        operation,
        "needs one target per position: logits \(Tensor.describe(logits.shape)) vs targets \(Tensor.describe(targets.shape))"
      )
    }
    let positions = logits.shape[0] * logits.shape[1]
    return try crossEntropy(
      try logits.reshaped([positions, logits.shape[2]]), try targets.untracked.reshaped([positions]))
  }
  guard (1...2).contains(logits.rank) else {
    throw TensorError(
      operation, "logits must be [n, classes], [classes] or [B, T, classes], got \(Tensor.describe(logits.shape))")
  }
  let classes = logits.shape[logits.rank - 1]
  let rows = logits.rank == 2 ? logits.shape[0] : 1
  guard targets.count == rows, targets.rank == logits.rank - 1 else {
    throw TensorError(
      operation,
      "needs one target per row: logits \(Tensor.describe(logits.shape)) vs targets \(Tensor.describe(targets.shape))")
  }
  guard rows > 0, classes > 0 else {
    throw TensorError(operation, "needs at least one row and one class, got \(Tensor.describe(logits.shape))")
  }
  var picked = [Int](repeating: 0, count: rows)
  for (row, value) in targets.scalars.enumerated() {
    guard value.isFinite, value.rounded() == value, value >= 0, value < Double(classes) else {
      throw TensorError(operation, "target \(value) of row \(row) is not a class in 0..<\(classes)")
    }
    picked[row] = Int(value)
  }
  if logits.dtype == .float32 { return float32CrossEntropy(logits, picked, classes: classes) }
  let logProbabilities = try logSoftmax(logits.untracked)
  let values = logProbabilities.scalars
  var total = 0.0
  for row in 0..<rows { total -= values[row * classes + picked[row]] }
  let loss = Tensor(total / Double(rows))
  guard let tape = Tape.recording(logits) else { return loss }
  return tape.record(loss, "crossentropy", inputs: [logits]) { [picked] gradient, gradients in
    var delta = logProbabilities.scalars.map(cExp)
    for row in 0..<rows { delta[row * classes + picked[row]] -= 1 }
    let scale = gradient.scalars[0] / Double(rows)
    gradients.add(Tensor(unchecked: logits.shape, delta.map { $0 * scale }), to: logits)
  }
}

/// Cross-entropy of float32 logits: each row's log Σ exp in double over the
/// float32 values (`Losses.c`), the gradient written in float32 — no widened
/// copy of the logits, their log-probabilities or the gradient.
private func float32CrossEntropy(_ logits: Tensor, _ picked: [Int], classes: Int) -> Tensor {
  let rows = picked.count
  let values = logits.untracked.floats
  var lse = [Double](repeating: 0, count: rows)
  // Rows in chunks on several threads (an exp is some twenty operations);
  // each chunk's sum in its own slot, added in order.
  var sums = [Double](repeating: 0, count: rows)
  values.withUnsafeBufferPointer { x in
    picked.withUnsafeBufferPointer { targets in
      lse.withUnsafeMutableBufferPointer { lse in
        sums.withUnsafeMutableBufferPointer { sums in
          guard let x = x.baseAddress, let targets = targets.baseAddress, let lse = lse.baseAddress else { return }
          forEachChunk(rows, work: 32 * rows * classes) { range in
            let first = range.lowerBound
            sums[first] = Processor.crossEntropy(
              x + first * classes, targets + first, range.count, classes, lse + first)
          }
        }
      }
    }
  }
  let total = sums.reduce(0, +)
  let loss = Tensor(total / Double(rows))
  guard let tape = Tape.recording(logits) else { return loss }
  return tape.record(loss, "crossentropy", inputs: [logits]) { [picked, lse] gradient, gradients in
    var delta = Tensor.uninitializedFloats(values.count)
    values.withUnsafeBufferPointer { x in
      picked.withUnsafeBufferPointer { targets in
        lse.withUnsafeBufferPointer { lse in
          delta.withUnsafeMutableBufferPointer { delta in
            guard let x = x.baseAddress, let targets = targets.baseAddress, let lse = lse.baseAddress,
              let delta = delta.baseAddress
            else { return }
            let scale = Float(gradient.scalars[0] / Double(rows))
            forEachChunk(rows, work: 32 * rows * classes) { range in
              let first = range.lowerBound
              Processor.crossEntropyBackward(
                x + first * classes, targets + first, lse + first, range.count, classes, scale,
                delta + first * classes)
            }
          }
        }
      }
    }
    gradients.add(Tensor(unchecked: logits.shape, floats: delta, dtype: .float32), to: logits)
  }
}

/// The mean squared difference `(1/n) Σ (aᵢ − bᵢ)²` (with broadcasting), as
/// PyTorch's `F.mse_loss`. Gradients `2 (a − b) g / n` and its negative.
///
/// - Throws: ``TensorError`` when the shapes cannot be broadcast together.
public func meanSquaredError(_ a: Tensor, _ b: Tensor) throws -> Tensor {
  let difference = try a - b
  return try mean(difference * difference)
}
