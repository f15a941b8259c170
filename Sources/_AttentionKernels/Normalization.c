#include <math.h>

#include "AttentionKernels.h"
#include "LaneSums.h"
#include "Vectors.h"

// LayerNorm of float32 rows: each row's mean and variance are summed in
// double (the results are then float32 roundings of nearly exact values),
// the normalized rows x̂ and each row's 1/√(σ² + ε) are kept for the
// backward pass.

ATTN_INLINE void layer_norm(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps) {
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *source = x + row * d;
    double mean = lane_sum(source, d) / (double)d;
    double variance = lane_squares(source, d, mean) / (double)d;
    double inverse = 1 / sqrt(variance + eps);
    inverses[row] = inverse;
    float *hat = normalized + row * d, *out = y + row * d;
    for (ptrdiff_t i = 0; i < d; i++) hat[i] = (float)((source[i] - mean) * inverse);
    // One loop per case: a test inside the loop became masked loads from a
    // NULL weight or bias, dozens of times slower than the arithmetic.
    if (weight && bias)
      for (ptrdiff_t i = 0; i < d; i++) out[i] = (float)(((source[i] - mean) * inverse) * weight[i] + bias[i]);
    else if (weight)
      for (ptrdiff_t i = 0; i < d; i++) out[i] = (float)(((source[i] - mean) * inverse) * weight[i]);
    else if (bias)
      for (ptrdiff_t i = 0; i < d; i++) out[i] = (float)((source[i] - mean) * inverse + bias[i]);
    else
      for (ptrdiff_t i = 0; i < d; i++) out[i] = hat[i];
  }
}

ATTN_INLINE void layer_norm_backward(
    const float *gradient, const float *normalized, const double *inverses, const float *weight, float *dx,
    ptrdiff_t rows, ptrdiff_t d) {
  // ∂x = (1/σ)(g' − mean(g') − x̂ · mean(g' ⊙ x̂)), with g' = g ⊙ weight.
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *g = gradient + row * d, *hat = normalized + row * d;
    double sums[SUM_LANES] = {0}, dots[SUM_LANES] = {0}, sum = 0, dotted = 0;
    ptrdiff_t i = 0;
    if (weight) {
      for (; i + SUM_LANES <= d; i += SUM_LANES)
        for (int q = 0; q < SUM_LANES; q++) {
          double scaled = (double)g[i + q] * weight[i + q];
          sums[q] += scaled;
          dots[q] += scaled * hat[i + q];
        }
    } else {
      for (; i + SUM_LANES <= d; i += SUM_LANES)
        for (int q = 0; q < SUM_LANES; q++) {
          sums[q] += g[i + q];
          dots[q] += (double)g[i + q] * hat[i + q];
        }
    }
    for (; i < d; i++) {
      double scaled = weight ? (double)g[i] * weight[i] : g[i];
      sum += scaled;
      dotted += scaled * hat[i];
    }
    for (int q = 0; q < SUM_LANES; q++) {
      sum += sums[q];
      dotted += dots[q];
    }
    double meanScaled = sum / (double)d, meanDotted = dotted / (double)d, inverse = inverses[row];
    float *out = dx + row * d;
    if (weight)
      for (ptrdiff_t i = 0; i < d; i++)
        out[i] = (float)(inverse * ((double)g[i] * weight[i] - meanScaled - hat[i] * meanDotted));
    else
      for (ptrdiff_t i = 0; i < d; i++) out[i] = (float)(inverse * (g[i] - meanScaled - hat[i] * meanDotted));
  }
}

// Each compiled for AVX2 (x86-64) or NEON (arm64), and portably; chosen at run time.
ATTN_FMA_TARGET void attn_layer_norm_float32_fma(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps) {
  layer_norm(x, weight, bias, y, normalized, inverses, rows, d, eps);
}

void attn_layer_norm_float32_portable(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps) {
  layer_norm(x, weight, bias, y, normalized, inverses, rows, d, eps);
}

ATTN_FMA_TARGET void attn_layer_norm_backward_float32_fma(
    const float *gradient, const float *normalized, const double *inverses, const float *weight, float *dx,
    ptrdiff_t rows, ptrdiff_t d) {
  layer_norm_backward(gradient, normalized, inverses, weight, dx, rows, d);
}

void attn_layer_norm_backward_float32_portable(
    const float *gradient, const float *normalized, const double *inverses, const float *weight, float *dx,
    ptrdiff_t rows, ptrdiff_t d) {
  layer_norm_backward(gradient, normalized, inverses, weight, dx, rows, d);
}

void attn_column_sums_float32(
    const float *gradient, const float *normalized, double *weighted, double *plain, ptrdiff_t rows, ptrdiff_t d) {
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *g = gradient + row * d, *hat = normalized + row * d;
    if (weighted)
      for (ptrdiff_t i = 0; i < d; i++) weighted[i] += (double)g[i] * hat[i];
    if (plain)
      for (ptrdiff_t i = 0; i < d; i++) plain[i] += g[i];
  }
}
