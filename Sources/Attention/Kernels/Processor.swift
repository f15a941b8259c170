import AttentionKernels
import AttentionPortable
import CPUFeatures

/// The fast kernels this processor can run, chosen once: the AVX2/FMA builds
/// in AttentionKernels where the processor has them, the portable builds
/// (AttentionPortable, and the portable micro-kernel) everywhere else.
enum Processor {
  static let hasFusedMultiplyAdd = attn_cpu_has_avx2_fma() != 0

  typealias Exponentiate = @Sendable (UnsafeMutablePointer<Double>, Int, Double, Double) -> Double

  /// `buffer[i] = exp((buffer[i] − shift) · scale)` over `count` values, returning their sum.
  static let exponentiate: Exponentiate = {
    if hasFusedMultiplyAdd {
      return { AttentionKernels.exponentiate($0, count: $1, shift: $2, scale: $3) }
    }
    return { AttentionPortable.exponentiate($0, count: $1, shift: $2, scale: $3) }
  }()
}
