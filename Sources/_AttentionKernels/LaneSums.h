#ifndef ATTN_LANE_SUMS_H
#define ATTN_LANE_SUMS_H

#include "Vectors.h"

// Sums of float32 values in double, in eight independent lanes: a single
// running sum is a chain of dependent additions (one every four cycles) the
// compiler may not reorder.

#define SUM_LANES 8

/// Σ a[i], in double, over eight lanes.
ATTN_INLINE double lane_sum(const float *a, ptrdiff_t count) {
  double lanes[SUM_LANES] = {0};
  ptrdiff_t i = 0;
  for (; i + SUM_LANES <= count; i += SUM_LANES)
    for (int q = 0; q < SUM_LANES; q++) lanes[q] += a[i + q];
  double total = 0;
  for (; i < count; i++) total += a[i];
  for (int q = 0; q < SUM_LANES; q++) total += lanes[q];
  return total;
}

/// Σ (a[i] − center)², in double, over eight lanes.
ATTN_INLINE double lane_squares(const float *a, ptrdiff_t count, double center) {
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

#endif
