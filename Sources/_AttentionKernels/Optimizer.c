#include "AttentionKernels.h"
#include "Vectors.h"

#pragma STDC FP_CONTRACT OFF

// One AdamW step on float32 parameters, in float32 and in the order of
// PyTorch's torch.optim.AdamW (single-tensor): p ← p·shrink (decoupled weight
// decay), m ← lerp(m, g, 1 − β₁), v ← v·β₂ + (1 − β₂)·g·g,
// p ← p − step·m / (√v / correction2 + ε). No fused multiply-adds, so each
// operation rounds as PyTorch's does.
ATTN_INLINE void adam(
    float *p, float *m, float *v, const float *g, ptrdiff_t count, float shrink, float weight, float beta2,
    float step_size, float correction2, float epsilon) {
  float keep = 1 - weight, fresh = 1 - beta2;
  for (ptrdiff_t i = 0; i < count; i++) {
    float gradient = g[i];
    if (shrink != 1) p[i] *= shrink;
    m[i] = weight < 0.5f ? m[i] + weight * (gradient - m[i]) : gradient - (gradient - m[i]) * keep;
    v[i] = v[i] * beta2 + fresh * gradient * gradient;
    p[i] += -step_size * (m[i] / (__builtin_sqrtf(v[i]) / correction2 + epsilon));
  }
}

// Compiled for AVX2 (x86-64) or NEON (arm64), and portably; chosen at run
// time. Without contraction both round every operation alike.
ATTN_FMA_TARGET void attn_adam_float32_fma(
    float *p, float *m, float *v, const float *g, ptrdiff_t count, float shrink, float weight, float beta2,
    float step_size, float correction2, float epsilon) {
  adam(p, m, v, g, count, shrink, weight, beta2, step_size, correction2, epsilon);
}

void attn_adam_float32_portable(
    float *p, float *m, float *v, const float *g, ptrdiff_t count, float shrink, float weight, float beta2,
    float step_size, float correction2, float epsilon) {
  adam(p, m, v, g, count, shrink, weight, beta2, step_size, correction2, epsilon);
}
