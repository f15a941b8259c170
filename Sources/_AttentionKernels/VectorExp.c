#include <math.h>

#include "AttentionKernels.h"
#include "Vectors.h"

// exp for four doubles at once, accurate to about 1 ulp, for softmax's inner
// loop (a call to the C library's exp per element would cost more than the
// rest of attention).
//
// Range reduction: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split into a high and
// a low part so r is exact), then e^r by its Taylor series to degree 13
// (error below 2⁻⁵⁴ on that interval), and 2^k built in the exponent bits.
// Arguments outside [−708, 709], where 2^k would not be a normal number, go
// to the C library's exp; NaN stays NaN.
// One body for both widths: VD is the vector of doubles, VI the same lanes
// as 64-bit integers. Scalars broadcast across lanes in the arithmetic.
#define ATTN_DEFINE_VECTOR_EXP(NAME, VD, VI, LANES, TARGET)                                              \
  TARGET ATTN_INLINE VD NAME(VD x, int fused) {                                                          \
    const VD zero = {0};                                                                                 \
    const VI below = (VI)(x < -708.0), above = (VI)(x > 709.0);                                          \
    VD clamped = (VD)((below & (VI)(zero - 708.0)) | (~below & (VI)x));                                  \
    clamped = (VD)((above & (VI)(zero + 709.0)) | (~above & (VI)clamped));                               \
    /* Adding 1.5·2⁵² rounds to the nearest integer k and leaves k in the low                         \
       bits of the sum (a vector-friendly rounding and conversion). */                                  \
    const VD magic = zero + 6755399441055744.0;                                                          \
    VD shifted = fused ? __builtin_elementwise_fma(clamped, zero + 1.4426950408889634, magic)            \
                       : clamped * 1.4426950408889634 + magic;                                           \
    VD k = shifted - magic;                                                                              \
    VD r = fused ? __builtin_elementwise_fma(k, zero - 0.693147180369123816490, clamped)                  \
                 : k * -0.693147180369123816490 + clamped;                                               \
    r = fused ? __builtin_elementwise_fma(k, zero - 1.90821492927058770002e-10, r)                        \
              : k * -1.90821492927058770002e-10 + r;                                                     \
    static const double coefficients[] = {                                                               \
        1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, \
        1.0 / 120,       1.0 / 24,       1.0 / 6,       0.5,          1,           1,                   \
    };                                                                                                   \
    VD p = zero + 1.0 / 6227020800;                                                                      \
    for (int i = 0; i < 13; i++)                                                                         \
      p = fused ? __builtin_elementwise_fma(p, r, zero + coefficients[i]) : p * r + coefficients[i];     \
    /* 2^k: the exponent field holds k + 1023. */                                                        \
    VI exponent = (((VI)shifted - (VI)magic) + 1023) << 52;                                              \
    VD result = p * (VD)exponent;                                                                        \
    VI outside = below | above;                                                                          \
    int any = 0;                                                                                         \
    for (int lane = 0; lane < LANES; lane++) any |= outside[lane] != 0;                                  \
    if (any) {                                                                                           \
      for (int lane = 0; lane < LANES; lane++)                                                           \
        if (outside[lane]) result[lane] = exp(x[lane]);                                                  \
    }                                                                                                    \
    const VI isNaN = (VI)(x != x);                                                                       \
    return (VD)((isNaN & (VI)x) | (~isNaN & (VI)result));                                                \
  }

ATTN_DEFINE_VECTOR_EXP(vector_exp, v4d, v4i, 4, )

ATTN_INLINE double exponentiate(double *buffer, ptrdiff_t count, double shift, double scale, int fused) {
  v4d total = splat4(0);
  ptrdiff_t index = 0;
  for (; index + 4 <= count; index += 4) {
    v4d e = vector_exp((load4(buffer + index) - splat4(shift)) * splat4(scale), fused);
    store4(buffer + index, e);
    total += e;
  }
  double sum = (total[0] + total[1]) + (total[2] + total[3]);
  if (index < count) {
    v4d tail = splat4(-INFINITY);
    for (ptrdiff_t lane = 0; lane < count - index; lane++) tail[lane] = (buffer[index + lane] - shift) * scale;
    v4d e = vector_exp(tail, fused);
    for (ptrdiff_t lane = 0; lane < count - index; lane++) {
      buffer[index + lane] = e[lane];
      sum += e[lane];
    }
  }
  return sum;
}

ATTN_FMA_TARGET double attn_exponentiate_fma(double *buffer, ptrdiff_t count, double shift, double scale) {
  return exponentiate(buffer, count, shift, scale, 1);
}

double attn_exponentiate_portable(double *buffer, ptrdiff_t count, double shift, double scale) {
  return exponentiate(buffer, count, shift, scale, 0);
}

// Softmax along the columns of a tile kept rows × cols (ld apart), keys ×
// queries: each column i's entries become exp((x − shift[i])·scale) and
// their sum is added to sums[i]. Vectorized across the columns.
ATTN_INLINE void exponentiate_columns(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums,
    int fused) {
  for (ptrdiff_t j = 0; j < rows; j++) {
    double *row = tile + j * ld;
    ptrdiff_t i = 0;
    for (; i + 4 <= cols; i += 4) {
      v4d e = vector_exp((load4(row + i) - load4(shift + i)) * splat4(scale), fused);
      store4(row + i, e);
      store4(sums + i, load4(sums + i) + e);
    }
    for (; i < cols; i++) {
      double e = exp((row[i] - shift[i]) * scale);
      row[i] = e;
      sums[i] += e;
    }
  }
}

ATTN_FMA_TARGET void attn_exponentiate_columns_fma(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums) {
  exponentiate_columns(tile, rows, cols, ld, shift, scale, sums, 1);
}

void attn_exponentiate_columns_portable(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums) {
  exponentiate_columns(tile, rows, cols, ld, shift, scale, sums, 0);
}

// out[i] = the largest entry of column i over `rows` rows; returns 1 when an
// entry is NaN.
ATTN_INLINE int column_maximum(const double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, double *out) {
  int nan = 0;
  for (ptrdiff_t i = 0; i < cols; i++) out[i] = -INFINITY;
  for (ptrdiff_t j = 0; j < rows; j++) {
    const double *row = tile + j * ld;
    for (ptrdiff_t i = 0; i < cols; i++) {
      double x = row[i];
      nan |= x != x;
      out[i] = x > out[i] ? x : out[i];
    }
  }
  return nan;
}

ATTN_FMA_TARGET int attn_column_maximum_fma(
    const double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, double *out) {
  return column_maximum(tile, rows, cols, ld, out);
}

int attn_column_maximum_portable(const double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, double *out) {
  return column_maximum(tile, rows, cols, ld, out);
}


#if defined(__x86_64__)
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));
#define ATTN_AVX512_TARGET __attribute__((target("avx512f")))

ATTN_DEFINE_VECTOR_EXP(vector_exp8, v8d, v8i, 8, ATTN_AVX512_TARGET)

ATTN_AVX512_TARGET double attn_exponentiate_avx512(double *buffer, ptrdiff_t count, double shift, double scale) {
  v8d total = {0};
  ptrdiff_t index = 0;
  for (; index + 8 <= count; index += 8) {
    v8d chunk;
    memcpy(&chunk, buffer + index, sizeof chunk);
    v8d e = vector_exp8((chunk - shift) * scale, 1);
    memcpy(buffer + index, &e, sizeof e);
    total += e;
  }
  double sum = ((total[0] + total[1]) + (total[2] + total[3])) + ((total[4] + total[5]) + (total[6] + total[7]));
  return sum + exponentiate(buffer + index, count - index, shift, scale, 1);
}
ATTN_AVX512_TARGET void attn_exponentiate_columns_avx512(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums) {
  ptrdiff_t wide = cols / 8 * 8;
  for (ptrdiff_t j = 0; j < rows; j++) {
    double *row = tile + j * ld;
    for (ptrdiff_t i = 0; i < wide; i += 8) {
      v8d x, s, total;
      memcpy(&x, row + i, sizeof x);
      memcpy(&s, shift + i, sizeof s);
      memcpy(&total, sums + i, sizeof total);
      v8d e = vector_exp8((x - s) * scale, 1);
      memcpy(row + i, &e, sizeof e);
      total += e;
      memcpy(sums + i, &total, sizeof total);
    }
  }
  if (wide < cols) exponentiate_columns(tile + wide, rows, cols - wide, ld, shift + wide, scale, sums + wide, 1);
}
#else
void attn_exponentiate_columns_avx512(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums) {
  attn_exponentiate_columns_portable(tile, rows, cols, ld, shift, scale, sums);
}

double attn_exponentiate_avx512(double *buffer, ptrdiff_t count, double shift, double scale) {
  return attn_exponentiate_portable(buffer, count, shift, scale);
}
#endif
