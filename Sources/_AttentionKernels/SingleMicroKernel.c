#include "AttentionKernels.h"
#include "Vectors.h"

// The float32 tile of the matrix product: 6 rows × 16 columns, twelve
// 8-wide accumulators (two per row) in registers for the whole k loop —
// twice the columns of the float64 6×8 tile in the same registers.

typedef f32x8 v8f;

ATTN_INLINE void store_tile(float *c, ptrdiff_t ldc, v8f acc[6][2], int overwrite) {
  for (int r = 0; r < 6; r++) {
    float *row = c + r * ldc;
    if (overwrite) {
      store8f(row, acc[r][0]);
      store8f(row + 8, acc[r][1]);
    } else {
      store8f(row, load8f(row) + acc[r][0]);
      store8f(row + 8, load8f(row + 8) + acc[r][1]);
    }
  }
}

ATTN_INLINE void single_microkernel(
    ptrdiff_t k, const float *a, const float *b, float *c, ptrdiff_t ldc, int overwrite, int fused) {
  v8f acc[6][2] = {{0}};
  for (ptrdiff_t p = 0; p < k; p++) {
    v8f b0 = load8f(b), b1 = load8f(b + 8);
    for (int r = 0; r < 6; r++) {
      float x = a[r];
      v8f broadcast = {x, x, x, x, x, x, x, x};
      acc[r][0] = multiply_add8f(broadcast, b0, acc[r][0], fused);
      acc[r][1] = multiply_add8f(broadcast, b1, acc[r][1], fused);
    }
    a += 6;
    b += 16;
  }
  store_tile(c, ldc, acc, overwrite);
}

// The same tile with A read where it is stored rather than from a packed
// panel: row r's value at step p is a[r·row_stride + p·step] (row_stride = lda,
// step = 1 for A as stored; row_stride = 1, step = lda for A stored
// transposed). The six broadcasts per step are loads either way, so packing
// A saves nothing when k is short and costs a pass over it.
ATTN_INLINE void single_microkernel_strided(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b, float *c, ptrdiff_t ldc,
    int overwrite, int fused) {
  v8f acc[6][2] = {{0}};
  const float *rows[6];
  for (int r = 0; r < 6; r++) rows[r] = a + r * row_stride;
  for (ptrdiff_t p = 0; p < k; p++) {
    v8f b0 = load8f(b), b1 = load8f(b + 8);
    for (int r = 0; r < 6; r++) {
      float x = *rows[r];
      rows[r] += step;
      v8f broadcast = {x, x, x, x, x, x, x, x};
      acc[r][0] = multiply_add8f(broadcast, b0, acc[r][0], fused);
      acc[r][1] = multiply_add8f(broadcast, b1, acc[r][1], fused);
    }
    b += 16;
  }
  store_tile(c, ldc, acc, overwrite);
}

ATTN_FMA_TARGET void attn_single_microkernel_6x16_fma(
    ptrdiff_t k, const float *a, const float *b, float *c, ptrdiff_t ldc, int overwrite) {
  single_microkernel(k, a, b, c, ldc, overwrite, 1);
}

void attn_single_microkernel_6x16_portable(
    ptrdiff_t k, const float *a, const float *b, float *c, ptrdiff_t ldc, int overwrite) {
  single_microkernel(k, a, b, c, ldc, overwrite, 0);
}

ATTN_FMA_TARGET void attn_single_microkernel_6x16_strided_fma(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b, float *c, ptrdiff_t ldc,
    int overwrite) {
  single_microkernel_strided(k, a, step, row_stride, b, c, ldc, overwrite, 1);
}

void attn_single_microkernel_6x16_strided_portable(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b, float *c, ptrdiff_t ldc,
    int overwrite) {
  single_microkernel_strided(k, a, step, row_stride, b, c, ldc, overwrite, 0);
}

#if defined(__x86_64__)
// AVX-512: a 12×32 float32 tile from two packed 6-row panels of A and two
// 16-column panels of B (the packing of the 6×16 kernel, so the rows and
// columns left over go to that kernel). The 32 vector registers hold 24
// sixteen-wide accumulators: each step loads two vectors of B and broadcasts
// twelve values of A for 24 fused multiply-adds — four times the 6×16
// kernel's work for the same two loads of B. The product reads A in place
// (the strided version below) unless twelve of its rows would crowd one set
// of the L1 cache; then A is packed for this one.
typedef f32x16 v16f;

#define ATTN_AVX512_TARGET __attribute__((target("avx512f")))

/// Stores (or adds to C, unless `overwrite`) the 12×32 tile held in `left`
/// (columns 0–15) and `right` (16–31).
ATTN_INLINE void store_wide_tile(float *c, ptrdiff_t ldc, const v16f left[12], const v16f right[12], int overwrite) {
#pragma clang loop unroll(full)
  for (int r = 0; r < 12; r++) {
    float *row = c + r * ldc;
    if (overwrite) {
      store16f(row, left[r]);
      store16f(row + 16, right[r]);
    } else {
      store16f(row, load16f(row) + left[r]);
      store16f(row + 16, load16f(row + 16) + right[r]);
    }
  }
}

// The kernels' bodies have no target of their own (they pass 64-byte
// vectors to the helpers); the entry points below compile them for AVX-512.
ATTN_INLINE void wide_microkernel(
    ptrdiff_t k, const float *a0, const float *a1, const float *b0, const float *b1, float *c, ptrdiff_t ldc,
    int overwrite) {
  v16f left[12] = {0}, right[12] = {0};
  for (ptrdiff_t p = 0; p < k; p++) {
    v16f x0 = load16f(b0), x1 = load16f(b1);
    // Unrolled, so the 24 accumulators stay in registers.
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) {
      v16f s = splat16f(r < 6 ? a0[r] : a1[r - 6]);
      left[r] = __builtin_elementwise_fma(s, x0, left[r]);
      right[r] = __builtin_elementwise_fma(s, x1, right[r]);
    }
    a0 += 6;
    a1 += 6;
    b0 += 16;
    b1 += 16;
  }
  store_wide_tile(c, ldc, left, right, overwrite);
}

// The 12×32 tile with A read where it is stored, as the strided 6×16 kernel:
// row r's value at step p is a[r·row_stride + p·step].
ATTN_INLINE void wide_microkernel_strided(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b0, const float *b1, float *c,
    ptrdiff_t ldc, int overwrite) {
  v16f left[12] = {0}, right[12] = {0};
  for (ptrdiff_t p = 0; p < k; p++) {
    v16f x0 = load16f(b0), x1 = load16f(b1);
    const float *column = a + p * step;
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) {
      v16f s = splat16f(column[r * row_stride]);
      left[r] = __builtin_elementwise_fma(s, x0, left[r]);
      right[r] = __builtin_elementwise_fma(s, x1, right[r]);
    }
    b0 += 16;
    b1 += 16;
  }
  store_wide_tile(c, ldc, left, right, overwrite);
}

ATTN_AVX512_TARGET void attn_single_microkernel_12x32_avx512(
    ptrdiff_t k, const float *a0, const float *a1, const float *b0, const float *b1, float *c, ptrdiff_t ldc,
    int overwrite) {
  wide_microkernel(k, a0, a1, b0, b1, c, ldc, overwrite);
}

ATTN_AVX512_TARGET void attn_single_microkernel_12x32_strided_avx512(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b0, const float *b1, float *c,
    ptrdiff_t ldc, int overwrite) {
  wide_microkernel_strided(k, a, step, row_stride, b0, b1, c, ldc, overwrite);
}
#else
void attn_single_microkernel_12x32_strided_avx512(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b0, const float *b1, float *c,
    ptrdiff_t ldc, int overwrite) {
  // Never called: attn_kernels_have_avx512() is 0 here.
  (void)k, (void)a, (void)step, (void)row_stride, (void)b0, (void)b1, (void)c, (void)ldc, (void)overwrite;
}

void attn_single_microkernel_12x32_avx512(
    ptrdiff_t k, const float *a0, const float *a1, const float *b0, const float *b1, float *c, ptrdiff_t ldc,
    int overwrite) {
  // Never called: attn_kernels_have_avx512() is 0 here.
  (void)k, (void)a0, (void)a1, (void)b0, (void)b1, (void)c, (void)ldc, (void)overwrite;
}
#endif
