/// Rotary position embeddings (Su et al., "RoFormer", 2021): each row of
/// `x` — a position — is rotated pair by pair by angles that grow with the
/// position, so that the inner product of a rotated query and a rotated key
/// depends on their positions only through their distance.
///
/// The layout is *rotate-half*, that of GPT-NeoX and of Hugging Face's LLaMA
/// (`rotate_half`): entry `i` pairs with entry `i + d/2`, not with `i + 1`.
/// For position `p = offset + row` and `i < d/2`, with `θᵢ = base^(−2i/d)`:
///
///     y[i]       = x[i] · cos(p θᵢ) − x[i + d/2] · sin(p θᵢ)
///     y[i + d/2] = x[i + d/2] · cos(p θᵢ) + x[i] · sin(p θᵢ)
///
/// - Parameters:
///   - x: `[n, d]` (one row per position) or `[heads, n, d]`; `d` even.
///   - base: the base of the frequencies (10 000 in most models).
///   - offset: the position of the first row (when decoding with a cache).
/// - Returns: `x` rotated, of the same shape. The gradient rotates back.
/// - Throws: ``TensorError`` when the rank is not 2 or 3 or `d` is odd.
public func rotaryEmbedding(_ x: Tensor, base: Double = 10000, offset: Int = 0) throws -> Tensor {
  let operation = "rope"
  guard x.rank == 2 || x.rank == 3 else {
    throw TensorError(operation, "x must be [n, d] or [heads, n, d], got \(Tensor.describe(x.shape))")
  }
  let d = x.shape[x.rank - 1]
  guard d % 2 == 0 else { throw TensorError(operation, "the width must be even to pair entries, got \(d)") }
  guard base > 0 else { throw TensorError(operation, "base must be positive, got \(base)") }
  let result = try rotated(x.untracked, base: base, offset: offset, direction: 1)
  guard let tape = Tape.recording(x) else { return result }
  return tape.record(result, "rope", inputs: [x]) { gradient, gradients in
    gradients.add(try rotated(gradient.untracked, base: base, offset: offset, direction: -1), to: x)
  }
}

/// `x` rotated by the rotary angles (`direction` 1), or back (−1): the
/// rotation's transpose is its inverse.
func rotated(_ x: Tensor, base: Double, offset: Int, direction: Double) throws -> Tensor {
  let d = x.shape[x.rank - 1]
  let n = x.shape[x.rank - 2]
  let half = d / 2
  var result = try Tensor.uninitializedStorage(x.shape, operation: "rope")
  let frequencies = (0..<half).map { 1 / cPow(base, Double(2 * $0) / Double(d)) }
  x.scalars.withUnsafeBufferPointer { input in
    result.withUnsafeMutableBufferPointer { output in
      // An empty x has nothing to rotate (and a step of 0 would not end).
      for start in stride(from: 0, to: input.count, by: max(n * d, 1)) {
        for row in 0..<n {
          let position = Double(offset + row)
          let base = start + row * d
          for i in 0..<half {
            let angle = position * frequencies[i]
            let cosine = cCos(angle)
            let sine = direction * cSin(angle)
            let a = input[base + i]
            let b = input[base + i + half]
            output[base + i] = a * cosine - b * sine
            output[base + i + half] = b * cosine + a * sine
          }
        }
      }
    }
  }
  return Tensor(unchecked: x.shape, result)
}
