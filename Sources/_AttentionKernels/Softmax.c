#include "AttentionKernels.h"
#include "VectorExp.h"

typedef float v4f __attribute__((vector_size(16)));

// Softmax along contiguous rows, every row in one call: the rows' vector
// exps follow one another with nothing between them, so the processor
// overlaps one row's long polynomial with the next (a call per row left
// short rows, 8 at the prompt, waiting on its latency).
//
// A row holding NaN becomes NaN; a row that is all −inf becomes zeros (as
// PyTorch's scaled_dot_product_attention); otherwise each entry is
// exp((x − max)·scale) over their sum, the exponentials and the sum in double.

/// The largest entry of a row, or NaN when it holds one; four lanes at a
/// time, so that a row's maximum is not one long chain of comparisons.
#define ROW_MAXIMUM(LOAD, x, cols)                                          \
  ({                                                                        \
    double largest_ = -INFINITY;                                            \
    int nan_ = 0;                                                           \
    ptrdiff_t i_ = 0;                                                       \
    if ((cols) >= 4) {                                                      \
      v4d m_ = LOAD(x);                                                     \
      v4i n_ = m_ != m_;                                                    \
      for (i_ = 4; i_ + 4 <= (cols); i_ += 4) {                             \
        v4d v_ = LOAD((x) + i_);                                            \
        n_ |= v_ != v_;                                                     \
        m_ = select4(v_ > m_, v_, m_);                                      \
      }                                                                     \
      nan_ = (n_[0] | n_[1] | n_[2] | n_[3]) != 0;                          \
      double a_ = m_[0] > m_[1] ? m_[0] : m_[1];                            \
      double b_ = m_[2] > m_[3] ? m_[2] : m_[3];                            \
      largest_ = a_ > b_ ? a_ : b_;                                         \
    }                                                                       \
    for (; i_ < (cols); i_++) {                                             \
      double v_ = (x)[i_];                                                  \
      nan_ |= v_ != v_;                                                     \
      largest_ = v_ > largest_ ? v_ : largest_;                             \
    }                                                                       \
    nan_ ? (double)NAN : largest_;                                          \
  })

/// One body for both types: rows of TYPE from x into y (which may be x),
/// four lanes of doubles at a time, loaded and stored by LOAD and STORE.
#define SOFTMAX_ROWS(TYPE, LOAD, STORE)                                                     \
  for (ptrdiff_t row = 0; row < rows; row++) {                                              \
    const TYPE *r = x + row * cols;                                                         \
    TYPE *out = y + row * cols;                                                             \
    double largest = ROW_MAXIMUM(LOAD, r, cols);                                            \
    if (largest != largest || largest == -INFINITY) {                                       \
      TYPE fill = largest == -INFINITY ? 0 : NAN;                                           \
      for (ptrdiff_t i = 0; i < cols; i++) out[i] = fill;                                   \
      continue;                                                                             \
    }                                                                                       \
    v4d sums = splat4(0);                                                                   \
    ptrdiff_t i = 0;                                                                        \
    for (; i + 4 <= cols; i += 4) {                                                         \
      v4d e = vector_exp((LOAD(r + i) - largest) * scale, fused);                           \
      STORE(out + i, e);                                                                    \
      sums += e;                                                                            \
    }                                                                                       \
    if (i < cols) {                                                                         \
      v4d tail = splat4(-INFINITY);                                                         \
      for (ptrdiff_t lane = 0; lane < cols - i; lane++)                                     \
        tail[lane] = ((double)r[i + lane] - largest) * scale;                               \
      v4d e = vector_exp(tail, fused);                                                      \
      for (ptrdiff_t lane = 0; lane < cols - i; lane++) out[i + lane] = (TYPE)e[lane];      \
      sums += e;                                                                            \
    }                                                                                       \
    double inverse = 1 / ((sums[0] + sums[1]) + (sums[2] + sums[3]));                       \
    for (i = 0; i < cols; i++) out[i] = (TYPE)(out[i] * inverse);                           \
  }

ATTN_INLINE v4d load4_floats(const float *p) {
  v4f v;
  memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, v4d);
}

ATTN_INLINE void store4_floats(float *p, v4d v) {
  v4f narrow = __builtin_convertvector(v, v4f);
  memcpy(p, &narrow, sizeof narrow);
}

ATTN_INLINE void softmax_rows_float64(const double *x, double *y, ptrdiff_t rows, ptrdiff_t cols, double scale,
                                      int fused) {
  SOFTMAX_ROWS(double, load4, store4)
}

// The float32 exponentials go out rounded to floats; their sum stays in double.
ATTN_INLINE void softmax_rows_float32(const float *x, float *y, ptrdiff_t rows, ptrdiff_t cols, double scale,
                                      int fused) {
  SOFTMAX_ROWS(float, load4_floats, store4_floats)
}

ATTN_FMA_TARGET void attn_softmax_rows_float64_fma(
    const double *x, double *y, ptrdiff_t rows, ptrdiff_t cols, double scale) {
  softmax_rows_float64(x, y, rows, cols, scale, 1);
}

void attn_softmax_rows_float64_portable(const double *x, double *y, ptrdiff_t rows, ptrdiff_t cols, double scale) {
  softmax_rows_float64(x, y, rows, cols, scale, 0);
}

ATTN_FMA_TARGET void attn_softmax_rows_float32_fma(
    const float *x, float *y, ptrdiff_t rows, ptrdiff_t cols, double scale) {
  softmax_rows_float32(x, y, rows, cols, scale, 1);
}

void attn_softmax_rows_float32_portable(const float *x, float *y, ptrdiff_t rows, ptrdiff_t cols, double scale) {
  softmax_rows_float32(x, y, rows, cols, scale, 0);
}
