import _AttentionKernels

/// The fast kernels this processor can run, chosen once: the AVX2/FMA
/// (x86-64) or NEON/FMA (arm64) builds where the processor has them, the
/// portable builds everywhere else.
enum Processor {
  static let hasFusedMultiplyAdd = attn_kernels_have_fma() != 0

  typealias Exponentiate = @convention(c) (UnsafeMutablePointer<Double>?, Int, Double, Double) -> Double

  /// `buffer[i] = exp((buffer[i] − shift) · scale)` over `count` values, returning their sum.
  static let exponentiate: Exponentiate = hasFusedMultiplyAdd ? attn_exponentiate_fma : attn_exponentiate_portable
}
