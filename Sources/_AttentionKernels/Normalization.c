#include <math.h>

#include "AttentionKernels.h"

// LayerNorm of float32 rows: each row's mean and variance are summed in
// double (the results are then float32 roundings of nearly exact values),
// the normalized rows x̂ and each row's 1/√(σ² + ε) are kept for the
// backward pass. Plain loops the compiler vectorizes.

void attn_layer_norm_float32(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps) {
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *source = x + row * d;
    double mean = 0;
    for (ptrdiff_t i = 0; i < d; i++) mean += source[i];
    mean /= (double)d;
    double variance = 0;
    for (ptrdiff_t i = 0; i < d; i++) {
      double centered = source[i] - mean;
      variance += centered * centered;
    }
    variance /= (double)d;
    double inverse = 1 / sqrt(variance + eps);
    inverses[row] = inverse;
    float *hat = normalized + row * d, *out = y + row * d;
    for (ptrdiff_t i = 0; i < d; i++) {
      double value = (source[i] - mean) * inverse;
      hat[i] = (float)value;
      if (weight) value *= weight[i];
      if (bias) value += bias[i];
      out[i] = (float)value;
    }
  }
}

void attn_layer_norm_backward_float32(
    const float *gradient, const float *normalized, const double *inverses, const float *weight, float *dx,
    ptrdiff_t rows, ptrdiff_t d) {
  // ∂x = (1/σ)(g' − mean(g') − x̂ · mean(g' ⊙ x̂)), with g' = g ⊙ weight.
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *g = gradient + row * d, *hat = normalized + row * d;
    double sum = 0, dotted = 0;
    for (ptrdiff_t i = 0; i < d; i++) {
      double scaled = weight ? (double)g[i] * weight[i] : g[i];
      sum += scaled;
      dotted += scaled * hat[i];
    }
    double meanScaled = sum / (double)d, meanDotted = dotted / (double)d, inverse = inverses[row];
    float *out = dx + row * d;
    for (ptrdiff_t i = 0; i < d; i++) {
      double scaled = weight ? (double)g[i] * weight[i] : g[i];
      out[i] = (float)(inverse * (scaled - meanScaled - hat[i] * meanDotted));
    }
  }
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
