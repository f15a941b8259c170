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
