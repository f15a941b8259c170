#ifndef ATTN_CPU_FEATURES_H
#define ATTN_CPU_FEATURES_H

/// Whether this processor runs AVX2 and FMA instructions, so the kernels
/// compiled for them (the AttentionKernels module) are safe to call.
int attn_cpu_has_avx2_fma(void);

#endif
