#include <math.h>

#include "AttentionKernels.h"

// LayerNorm of float32 rows: each row's mean and variance are summed in
// double (the results are then float32 roundings of nearly exact values),
// the normalized rows x̂ and each row's 1/√(σ² + ε) are kept for the
// backward pass. Sums run in eight independent lanes (a single running sum
// is a chain of dependent additions the compiler may not reorder).

#define SUM_LANES 8

/// Σ (a[i] − center)·(b ? b[i] : 1), in double, over eight lanes.
static inline double lane_sum(const float *a, const float *b, ptrdiff_t count, double center) {
  double lanes[SUM_LANES] = {0};
  ptrdiff_t i = 0;
  for (; i + SUM_LANES <= count; i += SUM_LANES)
    for (int q = 0; q < SUM_LANES; q++) {
      double x = (double)a[i + q] - center;
      lanes[q] += b ? x * (double)b[i + q] : x;
    }
  double total = 0;
  for (; i < count; i++) total += b ? ((double)a[i] - center) * (double)b[i] : (double)a[i] - center;
  for (int q = 0; q < SUM_LANES; q++) total += lanes[q];
  return total;
}

/// Σ (a[i] − center)², in double, over eight lanes.
static inline double lane_squares(const float *a, ptrdiff_t count, double center) {
  double lanes[SUM_LANES] = {0};
  ptrdiff_t i = 0;
  for (; i + SUM_LANES <= count; i += SUM_LANES)
    for (int q = 0; q < SUM_LANES; q++) {
      double x = (double)a[i + q] - center;
      lanes[q] += x * x;
    }
  double total = 0;
  for (; i < count; i++) total += ((double)a[i] - center) * ((double)a[i] - center);
  for (int q = 0; q < SUM_LANES; q++) total += lanes[q];
  return total;
}

void attn_layer_norm_float32(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps) {
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *source = x + row * d;
    double mean = lane_sum(source, NULL, d, 0) / (double)d;
    double variance = lane_squares(source, d, mean) / (double)d;
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
