import _AttentionKernels

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fast kernels this processor can run, chosen once: the AVX2/FMA
/// (x86-64) or NEON/FMA (arm64) builds where the processor has them, the
/// portable builds everywhere else.
enum Processor {
  static let hasFusedMultiplyAdd = attn_kernels_have_fma() != 0

  /// Whether the AVX-512 matrix kernel may run (x86-64 processors and
  /// systems with AVX-512F), unless ``ComputeSettings/allowsAVX512`` turns
  /// it off.
  static let hasAVX512: Bool = ComputeSettings.allowsAVX512 && attn_kernels_have_avx512() != 0

  typealias Exponentiate = @convention(c) (UnsafeMutablePointer<Double>?, Int, Double, Double) -> Double

  /// `buffer[i] = exp((buffer[i] − shift) · scale)` over `count` values, returning their sum.
  static let exponentiate: Exponentiate =
    hasAVX512 ? attn_exponentiate_avx512 : hasFusedMultiplyAdd ? attn_exponentiate_fma : attn_exponentiate_portable

  typealias ExponentiateColumns =
    @convention(c) (
      UnsafeMutablePointer<Double>?, Int, Int, Int, UnsafePointer<Double>?, Double, UnsafeMutablePointer<Double>?
    ) -> Void

  /// Down the columns of a `rows × cols` tile (rows `ld` apart):
  /// `x → exp((x − shift[i])·scale)` in column `i`, adding the new entries to `sums[i]`.
  static let exponentiateColumns: ExponentiateColumns =
    hasAVX512
    ? attn_exponentiate_columns_avx512
    : hasFusedMultiplyAdd ? attn_exponentiate_columns_fma : attn_exponentiate_columns_portable

  typealias ColumnMaximum =
    @convention(c) (UnsafePointer<Double>?, Int, Int, Int, UnsafeMutablePointer<Double>?) -> Int32

  /// `out[i]` = the largest entry of column `i` (−inf for no rows); 1 when an entry is NaN.
  static let columnMaximum: ColumnMaximum =
    hasFusedMultiplyAdd ? attn_column_maximum_fma : attn_column_maximum_portable

  typealias Gelu =
    @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

  /// GELU of float32 values, `y = x·Φ(x)`, keeping `Φ(x)` for the backward pass.
  static let gelu: Gelu = hasFusedMultiplyAdd ? attn_gelu_float32_fma : attn_gelu_float32_portable

  typealias GeluBackward =
    @convention(c) (UnsafeMutablePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?, Int) -> Void

  /// `gradient ← gradient·(Φ(x) + x·φ(x))` in place, from the forward pass's `Φ(x)`.
  static let geluBackward: GeluBackward =
    hasFusedMultiplyAdd ? attn_gelu_backward_float32_fma : attn_gelu_backward_float32_portable

  /// Softmax attention of one float32 key/value head and its query heads
  /// (`SingleAttention.c`): its products on 16-float vectors with AVX-512.
  static let singleAttentionForward =
    hasAVX512
    ? attn_attention_forward_float32_avx512
    : hasFusedMultiplyAdd ? attn_attention_forward_float32_fma : attn_attention_forward_float32_portable

  /// Its backward pass.
  static let singleAttentionBackward =
    hasAVX512
    ? attn_attention_backward_float32_avx512
    : hasFusedMultiplyAdd ? attn_attention_backward_float32_fma : attn_attention_backward_float32_portable

  /// LayerNorm of float32 rows, keeping x̂ and each row's 1/σ (`Normalization.c`).
  static let layerNorm = hasFusedMultiplyAdd ? attn_layer_norm_float32_fma : attn_layer_norm_float32_portable

  /// LayerNorm's input gradient.
  static let layerNormBackward =
    hasFusedMultiplyAdd ? attn_layer_norm_backward_float32_fma : attn_layer_norm_backward_float32_portable

  /// One AdamW step on float32 values, into new arrays or in place (`Optimizer.c`).
  static let adam = hasFusedMultiplyAdd ? attn_adam_float32_fma : attn_adam_float32_portable

  /// Σ g² of float32 values in double, for gradient clipping.
  static let sumOfSquares = hasFusedMultiplyAdd ? attn_sum_squares_float32_fma : attn_sum_squares_float32_portable

  /// float32 values times a float32 factor.
  static let scale = hasFusedMultiplyAdd ? attn_scale_float32_fma : attn_scale_float32_portable

  /// Softmax along contiguous rows of doubles, from one buffer into another (`Softmax.c`).
  static let softmaxRows = hasFusedMultiplyAdd ? attn_softmax_rows_float64_fma : attn_softmax_rows_float64_portable

  /// Softmax along contiguous rows of floats, into a second buffer.
  static let softmaxRowsFloat32 =
    hasFusedMultiplyAdd ? attn_softmax_rows_float32_fma : attn_softmax_rows_float32_portable

  /// Cross-entropy of float32 logits, keeping each row's log Σ exp (`Losses.c`).
  static let crossEntropy = hasFusedMultiplyAdd ? attn_cross_entropy_float32_fma : attn_cross_entropy_float32_portable

  /// Its gradient with respect to the logits.
  static let crossEntropyBackward =
    hasFusedMultiplyAdd ? attn_cross_entropy_backward_float32_fma : attn_cross_entropy_backward_float32_portable
}
