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

ATTN_FMA_TARGET void attn_microkernel_6x8_fma(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite) {
  microkernel(k, a, b, c, ldc, overwrite, 1);
}

void attn_microkernel_6x8_portable(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite) {
  microkernel(k, a, b, c, ldc, overwrite, 0);
}
