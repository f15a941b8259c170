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
  for i in 0..<queries {
    for j in 0..<Swift.min(i + 1, keys) { mask.scalars[i * keys + j] = 1 }
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
  guard let index = mask.scalars.firstIndex(where: { $0 != 0 && $0 != 1 }) else { return }
  let value = mask.scalars[index]
  // The element's position, outermost axis first.
  var position: [Int] = []
  var rest = index
  for size in mask.shape.reversed() {
    position.insert(rest % Swift.max(size, 1), at: 0)
    rest /= Swift.max(size, 1)
  }
  let where_ = position.isEmpty ? "" : "[" + position.map(String.init).joined(separator: ", ") + "]"
  let shown =
    value.isNaN
    ? "nan" : value.isInfinite ? (value < 0 ? "-inf" : "inf")
    : value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
  var message = "a mask holds 1 (may attend) or 0 (blocked), but mask\(where_) is \(shown)"
  if mask.scalars.contains(-.infinity) {
    message +=
      "; this looks like an additive mask (0 to attend, -inf to block, as PyTorch's attn_mask): convert it with mask: m == 0"
  }
  throw TensorError(operation, message)
}
