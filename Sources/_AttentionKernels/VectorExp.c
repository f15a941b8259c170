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
ATTN_INLINE v4d vector_exp(v4d x, int fused) {
  const v4i below = (v4i)(x < splat4(-708)), above = (v4i)(x > splat4(709));
  v4d clamped = select4(below, splat4(-708), select4(above, splat4(709), x));
  // Adding 1.5·2⁵² rounds to the nearest integer k and leaves k in the low
  // bits of the sum (a vector-friendly rounding and conversion).
  const v4d magic = splat4(6755399441055744.0);
  v4d shifted = multiply_add(clamped, splat4(1.4426950408889634), magic, fused);
  v4d k = shifted - magic;
  v4d r = multiply_add(k, splat4(-0.693147180369123816490), clamped, fused);
  r = multiply_add(k, splat4(-1.90821492927058770002e-10), r, fused);
  static const double coefficients[] = {
      1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720,
      1.0 / 120,       1.0 / 24,       1.0 / 6,       0.5,          1,           1,
  };
  v4d p = splat4(1.0 / 6227020800);
  for (int i = 0; i < 13; i++) p = multiply_add(p, r, splat4(coefficients[i]), fused);
  // 2^k: the exponent field holds k + 1023.
  v4i exponent = (((v4i)shifted - (v4i)magic) + 1023) << 52;
  v4d result = p * (v4d)exponent;
  v4i outside = below | above;
  if (outside[0] | outside[1] | outside[2] | outside[3]) {
    for (int lane = 0; lane < 4; lane++)
      if (outside[lane]) result[lane] = exp(x[lane]);
  }
  return select4((v4i)(x != x), x, result);
}

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
