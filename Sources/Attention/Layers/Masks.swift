/// The causal mask of `n` positions: `M[i, j] = 1` when `j ≤ i` (query `i`
/// may attend to key `j`), else 0 — lower-triangular ones.
public func causalMask(_ n: Int) throws -> Tensor {
  try causalMask(queries: n, keys: n)
}

/// The causal mask for `queries` × `keys`, aligned at the upper left as
/// PyTorch's `scaled_dot_product_attention(is_causal=True)` does:
/// `M[i, j] = 1` when `j ≤ i`.
public func causalMask(queries: Int, keys: Int) throws -> Tensor {
  var mask = try zeros([queries, keys])
  // Written through one buffer: `mask.scalars[…] = 1` per element would
  // take the buffer out of the tensor and put it back each time.
  mask.scalars.withUnsafeMutableBufferPointer { m in
    for i in 0..<queries {
      for j in 0..<min(i + 1, keys) { m[i * keys + j] = 1 }
    }
  }
  return mask
}

/// Checks that `mask` holds only 1 (may attend) and 0 (blocked).
///
/// Any other value is an error rather than "nonzero means attend": an
/// additive float mask as PyTorch's `attn_mask` takes (0 to attend, −∞ to
/// block) would otherwise be read inverted without a word. When the mask
/// looks additive, the message says how to convert it.
///
/// - Throws: ``TensorError`` naming the first value that is neither 0 nor 1.
public func checkMask(_ mask: Tensor, operation: String) throws {
  let values = mask.scalars
  guard let index = values.firstIndex(where: { $0 != 0 && $0 != 1 }) else { return }
  let value = values[index]
  // The element's position, outermost axis first.
  var position: [Int] = []
  var rest = index
  for size in mask.shape.reversed() {
    position.insert(rest % max(size, 1), at: 0)
    rest /= max(size, 1)
  }
  let where_ = position.isEmpty ? "" : "[" + position.map(String.init).joined(separator: ", ") + "]"
  let shown =
    value.isNaN
    ? "nan"
    : value.isInfinite
      ? (value < 0 ? "-inf" : "inf")
      : value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
  var message = "a mask holds 1 (may attend) or 0 (blocked), but mask\(where_) is \(shown)"
  if mask.scalars.contains(-.infinity) {
    message +=
      "; this looks like an additive mask (0 to attend, -inf to block, as PyTorch's attn_mask): convert it with mask: m == 0"
  }
  throw TensorError(operation, message)
}

/// The sliding-window causal mask of `n` positions (Longformer, Mistral):
/// `M[i, j] = 1` when `i − window < j ≤ i` — each query sees itself and the
/// `window − 1` positions before it — else 0. A window of `n` or more is
/// ``causalMask(_:)``.
///
/// - Throws: ``TensorError`` for a negative size or a window below 1.
public func slidingWindowMask(_ n: Int, window: Int) throws -> Tensor {
  guard window >= 1 else { throw TensorError("window", "the window must be at least 1, got \(window)") }
  var mask = try zeros([n, n])
  mask.scalars.withUnsafeMutableBufferPointer { m in
    for i in 0..<n {
      for j in max(0, i - window + 1)...i { m[i * n + j] = 1 }
    }
  }
  return mask
}

/// ALiBi's attention biases (Press, Smith & Lewis, "Train Short, Test Long",
/// 2022): head `h` subtracts `mₕ · |i − j|` from the score of query `i` and
/// key `j`, so attention fades with distance at a rate of its own, instead
/// of positions being added to the tokens. The slopes are the paper's: a
/// geometric sequence `mₕ = 2^(−8(h+1)/heads)` for a power-of-two number of
/// heads, else those of the nearest power of two below, completed with every
/// other slope of the next one.
///
/// Pass the result as `bias:` to attention (with `causal: true` for a
/// language model; the paper's bias is the same below the diagonal).
///
/// - Returns: `[heads, n, n]`.
/// - Throws: ``TensorError`` for a negative size or no heads.
public func alibiBias(_ n: Int, heads: Int) throws -> Tensor {
  guard heads >= 1 else { throw TensorError("alibi", "heads must be at least 1, got \(heads)") }
  // The result is checked against the element limit before the slopes (one per head) are made.
  var bias = try zeros([heads, n, n])
  let slopes = alibiSlopes(heads)
  bias.scalars.withUnsafeMutableBufferPointer { b in
    for h in 0..<heads {
      for i in 0..<n {
        for j in 0..<n { b[(h * n + i) * n + j] = -slopes[h] * Double(abs(i - j)) }
      }
    }
  }
  return bias
}

/// The ALiBi slope of each head.
public func alibiSlopes(_ heads: Int) -> [Double] {
  func powerOfTwo(_ count: Int) -> [Double] {
    let start = cPow(2, -8 / Double(count))
    return (0..<count).map { cPow(start, Double($0 + 1)) }
  }
  var closest = 1
  while closest * 2 <= heads { closest *= 2 }
  if closest == heads { return powerOfTwo(heads) }
  let extra = powerOfTwo(2 * closest).enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
  return powerOfTwo(closest) + extra.prefix(heads - closest)
}
