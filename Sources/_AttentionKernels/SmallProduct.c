#include "AttentionKernels.h"

#pragma STDC FP_CONTRACT OFF

// The textbook triple loop for products too small to pack (m·n·k ≤ 32³), without fused multiply-adds (the same bits on every processor),
// written once for both element types. C = A·B, overwriting C; with
// `transposed_b`, B is stored n × k and each element is a dot product of two
// contiguous rows; with `transposed_a`, A is stored k × m and read with its
// strides swapped (at most one of the two).
#define ATTN_SMALL_PRODUCT(NAME, T)                                                                  \
  void NAME(ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const T *a, const T *b, T *c, int transposed_a,  \
            int transposed_b) {                                                                      \
    if (transposed_b) {                                                                              \
      for (ptrdiff_t i = 0; i < m; i++) {                                                            \
        const T *left = a + i * k;                                                                   \
        for (ptrdiff_t j = 0; j < n; j++) {                                                          \
          const T *right = b + j * k;                                                                \
          T total = 0;                                                                               \
          for (ptrdiff_t p = 0; p < k; p++) total += left[p] * right[p];                             \
          c[i * n + j] = total;                                                                      \
        }                                                                                            \
      }                                                                                              \
      return;                                                                                        \
    }                                                                                                \
    ptrdiff_t row_stride = transposed_a ? 1 : k, column_stride = transposed_a ? m : 1;               \
    for (ptrdiff_t i = 0; i < m * n; i++) c[i] = 0;                                                  \
    for (ptrdiff_t i = 0; i < m; i++) {                                                              \
      T *row = c + i * n;                                                                            \
      for (ptrdiff_t p = 0; p < k; p++) {                                                            \
        T scale = a[i * row_stride + p * column_stride];                                             \
        const T *source = b + p * n;                                                                 \
        for (ptrdiff_t j = 0; j < n; j++) row[j] += scale * source[j];                               \
      }                                                                                              \
    }                                                                                                \
  }

ATTN_SMALL_PRODUCT(attn_small_product_float64, double)
ATTN_SMALL_PRODUCT(attn_small_product_float32, float)
