#include <math.h>

#include "AttentionKernels.h"
#include "VectorExp.h"

// Softmax's exponentials, four (or eight, with AVX-512) at a time: vector_exp is in VectorExp.h.

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

// The float32 attention kernel's exp over an array, for its tests.
ATTN_INLINE void exp_float32(float *values, ptrdiff_t count, int fused) {
  ptrdiff_t i = 0;
  for (; i + 8 <= count; i += 8) {
    store8f(values + i, vector_expf8(load8f(values + i), fused));
  }
  for (; i < count; i++) {
    f32x8 v = {values[i]};
    values[i] = vector_expf8(v, fused)[0];
  }
}

ATTN_FMA_TARGET void attn_exp_float32_fma(float *values, ptrdiff_t count) { exp_float32(values, count, 1); }

void attn_exp_float32_portable(float *values, ptrdiff_t count) { exp_float32(values, count, 0); }

#if defined(__x86_64__)
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));
#define ATTN_AVX512_TARGET __attribute__((target("avx512f")))

ATTN_DEFINE_VECTOR_EXP(vector_exp8, v8d, v8i, 8, ATTN_AVX512_TARGET)

// The sixteen-lane float exp (the float32 attention kernel's AVX-512 build),
// for its tests. The loop has no target of its own (see f32x16 in Vectors.h).
ATTN_INLINE void exp_float32_sixteen(float *values, ptrdiff_t count) {
  ptrdiff_t i = 0;
  for (; i + 16 <= count; i += 16) store16f(values + i, vector_expf16(load16f(values + i), 1));
  for (; i < count; i++) {
    f32x16 v = {values[i]};
    values[i] = vector_expf16(v, 1)[0];
  }
}

ATTN_AVX512_TARGET void attn_exp_float32_avx512(float *values, ptrdiff_t count) {
  exp_float32_sixteen(values, count);
}

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
void attn_exp_float32_avx512(float *values, ptrdiff_t count) { attn_exp_float32_portable(values, count); }

void attn_exponentiate_columns_avx512(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums) {
  attn_exponentiate_columns_portable(tile, rows, cols, ld, shift, scale, sums);
}

double attn_exponentiate_avx512(double *buffer, ptrdiff_t count, double shift, double scale) {
  return attn_exponentiate_portable(buffer, count, shift, scale);
}
#endif
