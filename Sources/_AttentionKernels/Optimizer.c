#include "AttentionKernels.h"
#include "LaneSums.h"
#include "Vectors.h"

#pragma STDC FP_CONTRACT OFF

// One AdamW step on float32 parameters, in float32 and in the order of
// PyTorch's torch.optim.AdamW (single-tensor): p ← p·shrink (decoupled weight
// decay), m ← lerp(m, g, 1 − β₁), v ← v·β₂ + (1 − β₂)·g·g,
// p ← p − step·m / (√v / correction2 + ε). No fused multiply-adds, so each
// operation rounds as PyTorch's does. The new values go to new_p, new_m and
// new_v: parameters and moments shared with the language's values are not
// copied first.
ATTN_INLINE void adam(
    const float *p, const float *m, const float *v, const float *g, float *new_p, float *new_m, float *new_v,
    ptrdiff_t count, float shrink, float weight, float beta2, float step_size, float correction2, float epsilon) {
  float keep = 1 - weight, fresh = 1 - beta2;
  for (ptrdiff_t i = 0; i < count; i++) {
    float gradient = g[i], parameter = p[i], moment = m[i];
    if (shrink != 1) parameter *= shrink;
    moment = weight < 0.5f ? moment + weight * (gradient - moment) : gradient - (gradient - moment) * keep;
    float second = v[i] * beta2 + fresh * gradient * gradient;
    new_m[i] = moment;
    new_v[i] = second;
    new_p[i] = parameter + -step_size * (moment / (__builtin_sqrtf(second) / correction2 + epsilon));
  }
}

// Compiled for AVX2 (x86-64) or NEON (arm64), and portably; chosen at run
// time. Without contraction both round every operation alike.
ATTN_FMA_TARGET void attn_adam_float32_fma(
    const float *p, const float *m, const float *v, const float *g, float *new_p, float *new_m, float *new_v,
    ptrdiff_t count, float shrink, float weight, float beta2, float step_size, float correction2, float epsilon) {
  adam(p, m, v, g, new_p, new_m, new_v, count, shrink, weight, beta2, step_size, correction2, epsilon);
}

void attn_adam_float32_portable(
    const float *p, const float *m, const float *v, const float *g, float *new_p, float *new_m, float *new_v,
    ptrdiff_t count, float shrink, float weight, float beta2, float step_size, float correction2, float epsilon) {
  adam(p, m, v, g, new_p, new_m, new_v, count, shrink, weight, beta2, step_size, correction2, epsilon);
}

// Gradient clipping: Σ g² of a float32 gradient in double, and the scaled
// gradient g·factor (float32 products, as PyTorch's in-place mul_).
ATTN_FMA_TARGET double attn_sum_squares_float32_fma(const float *g, ptrdiff_t count) {
  return lane_squares(g, count, 0);
}

double attn_sum_squares_float32_portable(const float *g, ptrdiff_t count) { return lane_squares(g, count, 0); }

ATTN_INLINE void scale(const float *g, float *target, ptrdiff_t count, float factor) {
  for (ptrdiff_t i = 0; i < count; i++) target[i] = g[i] * factor;
}

ATTN_FMA_TARGET void attn_scale_float32_fma(const float *g, float *target, ptrdiff_t count, float factor) {
  scale(g, target, count, factor);
}

void attn_scale_float32_portable(const float *g, float *target, ptrdiff_t count, float factor) {
  scale(g, target, count, factor);
}
