#include "AttentionKernels.h"
#include "FloatLanes.h"

// Cross-entropy of float32 logits, a row of `classes` per position: each
// row's log Σ exp is summed in double, sixteen lanes at a time with the
// vector exp, after subtracting the row's largest logit (so no exp
// overflows); the loss and the gradient are then roundings of nearly exact
// values.

/// exp(x[i] − shift) for the `count` (at most 16) values at x; lanes past
/// them are 0.
ATTN_INLINE v16d shifted_exp(const float *x, ptrdiff_t count, double shift, int fused) {
  v16d e = vector_exp16(load_floats(x, count) - shift, fused);
  for (ptrdiff_t lane = count; lane < LANES; lane++) e[lane] = 0;
  return e;
}

ATTN_INLINE double cross_entropy(
    const float *logits, const ptrdiff_t *targets, ptrdiff_t rows, ptrdiff_t classes, double *lse, int fused) {
  double total = 0;
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *x = logits + row * classes;
    float largest = x[0];
    for (ptrdiff_t i = 1; i < classes; i++) largest = x[i] > largest || x[i] != x[i] ? x[i] : largest;
    v16d sums = {0};
    for (ptrdiff_t i = 0; i < classes; i += LANES) {
      ptrdiff_t lanes = classes - i < LANES ? classes - i : LANES;
      sums += shifted_exp(x + i, lanes, largest, fused);
    }
    double sum = 0;
    for (int lane = 0; lane < LANES; lane++) sum += sums[lane];
    lse[row] = (double)largest + log(sum);
    total += lse[row] - (double)x[targets[row]];
  }
  return total;
}

ATTN_INLINE void cross_entropy_backward(
    const float *logits, const ptrdiff_t *targets, const double *lse, ptrdiff_t rows, ptrdiff_t classes, float scale,
    float *gradient, int fused) {
  for (ptrdiff_t row = 0; row < rows; row++) {
    const float *x = logits + row * classes;
    float *g = gradient + row * classes;
    for (ptrdiff_t i = 0; i < classes; i += LANES) {
      ptrdiff_t lanes = classes - i < LANES ? classes - i : LANES;
      // softmax − one-hot, rounded to float32, times the scale in float32.
      v16d p = shifted_exp(x + i, lanes, lse[row], fused);
      if (targets[row] >= i && targets[row] < i + lanes) p[targets[row] - i] -= 1;
      v16f narrow = __builtin_convertvector(p, v16f) * scale;
      for (ptrdiff_t lane = 0; lane < lanes; lane++) g[i + lane] = narrow[lane];
    }
  }
}

ATTN_FMA_TARGET double attn_cross_entropy_float32_fma(
    const float *logits, const ptrdiff_t *targets, ptrdiff_t rows, ptrdiff_t classes, double *lse) {
  return cross_entropy(logits, targets, rows, classes, lse, 1);
}

double attn_cross_entropy_float32_portable(
    const float *logits, const ptrdiff_t *targets, ptrdiff_t rows, ptrdiff_t classes, double *lse) {
  return cross_entropy(logits, targets, rows, classes, lse, 0);
}

ATTN_FMA_TARGET void attn_cross_entropy_backward_float32_fma(
    const float *logits, const ptrdiff_t *targets, const double *lse, ptrdiff_t rows, ptrdiff_t classes, float scale,
    float *gradient) {
  cross_entropy_backward(logits, targets, lse, rows, classes, scale, gradient, 1);
}

void attn_cross_entropy_backward_float32_portable(
    const float *logits, const ptrdiff_t *targets, const double *lse, ptrdiff_t rows, ptrdiff_t classes, float scale,
    float *gradient) {
  cross_entropy_backward(logits, targets, lse, rows, classes, scale, gradient, 0);
}
