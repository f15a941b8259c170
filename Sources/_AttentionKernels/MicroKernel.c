#include "AttentionKernels.h"
#include "Vectors.h"

// The register-blocked 6×8 tile of the matrix product (GotoBLAS/BLIS):
// twelve 4-wide accumulators stay in registers for the whole k loop, each
// step one broadcast of a[r] times two 4-wide loads of b.
ATTN_INLINE void microkernel(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite, int fused) {
  v4d acc[6][2] = {{0}};
  for (ptrdiff_t p = 0; p < k; p++) {
    v4d b0 = load4(b), b1 = load4(b + 4);
    for (int r = 0; r < 6; r++) {
      v4d broadcast = splat4(a[r]);
      acc[r][0] = multiply_add(broadcast, b0, acc[r][0], fused);
      acc[r][1] = multiply_add(broadcast, b1, acc[r][1], fused);
    }
    a += 6;
    b += 8;
  }
  for (int r = 0; r < 6; r++) {
    double *row = c + r * ldc;
    if (overwrite) {
      store4(row, acc[r][0]);
      store4(row + 4, acc[r][1]);
    } else {
      store4(row, load4(row) + acc[r][0]);
      store4(row + 4, load4(row + 4) + acc[r][1]);
    }
  }
}

// The same tile with A stored transposed in place: step p's six values are
// contiguous at a + p·lda (for attention's weights kept keys × queries).
ATTN_INLINE void microkernel_columns(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b, double *c, ptrdiff_t ldc, int overwrite,
    int fused) {
  v4d acc[6][2] = {{0}};
  for (ptrdiff_t p = 0; p < k; p++) {
    v4d b0 = load4(b), b1 = load4(b + 4);
    for (int r = 0; r < 6; r++) {
      v4d broadcast = splat4(a[r]);
      acc[r][0] = multiply_add(broadcast, b0, acc[r][0], fused);
      acc[r][1] = multiply_add(broadcast, b1, acc[r][1], fused);
    }
    a += lda;
    b += 8;
  }
  for (int r = 0; r < 6; r++) {
    double *row = c + r * ldc;
    if (overwrite) {
      store4(row, acc[r][0]);
      store4(row + 4, acc[r][1]);
    } else {
      store4(row, load4(row) + acc[r][0]);
      store4(row + 4, load4(row + 4) + acc[r][1]);
    }
  }
}

ATTN_FMA_TARGET void attn_microkernel_columns_6x8_fma(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b, double *c, ptrdiff_t ldc, int overwrite) {
  microkernel_columns(k, a, lda, b, c, ldc, overwrite, 1);
}

void attn_microkernel_columns_6x8_portable(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b, double *c, ptrdiff_t ldc, int overwrite) {
  microkernel_columns(k, a, lda, b, c, ldc, overwrite, 0);
}

ATTN_FMA_TARGET void attn_microkernel_6x8_fma(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite) {
  microkernel(k, a, b, c, ldc, overwrite, 1);
}

void attn_microkernel_6x8_portable(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite) {
  microkernel(k, a, b, c, ldc, overwrite, 0);
}

#if defined(__x86_64__)
// AVX-512: a 12×16 tile from two packed 6-row panels of A and two 8-column
// panels of B (the same packing as the 6×8 kernel), so the 32 vector
// registers hold 24 eight-wide accumulators: each step loads two vectors of
// B and broadcasts twelve values of A for 24 fused multiply-adds. On
// processors with full-width 512-bit units this doubles the 6×8 kernel's rate.
typedef double v8d __attribute__((vector_size(64)));

#define ATTN_AVX512_TARGET __attribute__((target("avx512f")))

ATTN_AVX512_TARGET ATTN_INLINE v8d load8(const double *p) {
  v8d v;
  memcpy(&v, p, sizeof v);
  return v;
}

ATTN_AVX512_TARGET ATTN_INLINE void store8(double *p, v8d v) { memcpy(p, &v, sizeof v); }

ATTN_AVX512_TARGET void attn_microkernel_12x16_avx512(
    ptrdiff_t k, const double *a0, const double *a1, const double *b0, const double *b1, double *c,
    ptrdiff_t ldc, int overwrite) {
  v8d left[12] = {0}, right[12] = {0};
  for (ptrdiff_t p = 0; p < k; p++) {
    v8d x0 = load8(b0), x1 = load8(b1);
    for (int r = 0; r < 6; r++) {
      v8d s = (v8d){a0[r], a0[r], a0[r], a0[r], a0[r], a0[r], a0[r], a0[r]};
      left[r] = __builtin_elementwise_fma(s, x0, left[r]);
      right[r] = __builtin_elementwise_fma(s, x1, right[r]);
    }
    for (int r = 0; r < 6; r++) {
      v8d s = (v8d){a1[r], a1[r], a1[r], a1[r], a1[r], a1[r], a1[r], a1[r]};
      left[6 + r] = __builtin_elementwise_fma(s, x0, left[6 + r]);
      right[6 + r] = __builtin_elementwise_fma(s, x1, right[6 + r]);
    }
    a0 += 6;
    a1 += 6;
    b0 += 8;
    b1 += 8;
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < 12; r++) {
    double *row = c + r * ldc;
    if (overwrite) {
      store8(row, left[r]);
      store8(row + 8, right[r]);
    } else {
      store8(row, load8(row) + left[r]);
      store8(row + 8, load8(row + 8) + right[r]);
    }
  }
}

// The 12×16 tile with A stored transposed in place (step p's twelve values
// contiguous at a + p·lda), as microkernel_columns.
ATTN_AVX512_TARGET void attn_microkernel_columns_12x16_avx512(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b0, const double *b1, double *c, ptrdiff_t ldc,
    int overwrite) {
  v8d left[12] = {0}, right[12] = {0};
  for (ptrdiff_t p = 0; p < k; p++) {
    v8d x0 = load8(b0), x1 = load8(b1);
    // Unrolled, so the 24 accumulators stay in registers.
#pragma clang loop unroll(full)
    for (int r = 0; r < 12; r++) {
      v8d s = (v8d){a[r], a[r], a[r], a[r], a[r], a[r], a[r], a[r]};
      left[r] = __builtin_elementwise_fma(s, x0, left[r]);
      right[r] = __builtin_elementwise_fma(s, x1, right[r]);
    }
    a += lda;
    b0 += 8;
    b1 += 8;
  }
#pragma clang loop unroll(full)
  for (int r = 0; r < 12; r++) {
    double *row = c + r * ldc;
    if (overwrite) {
      store8(row, left[r]);
      store8(row + 8, right[r]);
    } else {
      store8(row, load8(row) + left[r]);
      store8(row + 8, load8(row + 8) + right[r]);
    }
  }
}

int attn_kernels_have_avx512(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
#else
void attn_microkernel_12x16_avx512(
    ptrdiff_t k, const double *a0, const double *a1, const double *b0, const double *b1, double *c,
    ptrdiff_t ldc, int overwrite) {
  // Never called: attn_kernels_have_avx512() is 0 here.
  (void)k, (void)a0, (void)a1, (void)b0, (void)b1, (void)c, (void)ldc, (void)overwrite;
}

void attn_microkernel_columns_12x16_avx512(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b0, const double *b1, double *c, ptrdiff_t ldc,
    int overwrite) {
  (void)k, (void)a, (void)lda, (void)b0, (void)b1, (void)c, (void)ldc, (void)overwrite;
}

int attn_kernels_have_avx512(void) { return 0; }
#endif
