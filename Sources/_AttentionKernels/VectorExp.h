#ifndef ATTN_VECTOR_EXP_H
#define ATTN_VECTOR_EXP_H

#include <math.h>

#include "Vectors.h"

// exp for four doubles at once, accurate to about 1 ulp, for softmax's inner
// loop (a call to the C library's exp per element would cost more than the
// rest of attention).
//
// Range reduction: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split into a high and
// a low part so r is exact), then e^r by its Taylor series to degree 13
// (error below 2⁻⁵⁴ on that interval; evaluated by Estrin's scheme), and 2^k
// built in the exponent bits.
// Arguments outside [−708, 709], where 2^k would not be a normal number, go
// to the C library's exp; NaN stays NaN.
// One body for both widths: VD is the vector of doubles, VI the same lanes
// as 64-bit integers. Scalars broadcast across lanes in the arithmetic.
#define ATTN_DEFINE_VECTOR_EXP(NAME, VD, VI, LANES, TARGET)                                             \
  TARGET ATTN_INLINE VD NAME(VD x, int fused) {                                                         \
    const VD zero = {0};                                                                                \
    const VI below = (VI)(x < -708.0), above = (VI)(x > 709.0);                                         \
    VD clamped = (VD)((below & (VI)(zero - 708.0)) | (~below & (VI)x));                                 \
    clamped = (VD)((above & (VI)(zero + 709.0)) | (~above & (VI)clamped));                              \
    /* Adding 1.5·2⁵² rounds to the nearest integer k and leaves k in the low                           \
       bits of the sum (a vector-friendly rounding and conversion). */                                  \
    const VD magic = zero + 6755399441055744.0;                                                         \
    VD shifted = fused ? __builtin_elementwise_fma(clamped, zero + 1.4426950408889634, magic)           \
                       : clamped * 1.4426950408889634 + magic;                                          \
    VD k = shifted - magic;                                                                             \
    VD r = fused ? __builtin_elementwise_fma(k, zero - 0.693147180369123816490, clamped)                \
                 : k * -0.693147180369123816490 + clamped;                                              \
    r = fused ? __builtin_elementwise_fma(k, zero - 1.90821492927058770002e-10, r)                      \
              : k * -1.90821492927058770002e-10 + r;                                                    \
    /* e^r = 1 + (r + r²·T(r)), T = Σ rⁱ⁻²/i! for 2 ≤ i ≤ 13 by Estrin's                                \
       scheme (pairs, then pairs of pairs with r², r⁴, r⁸): six multiply-adds                           \
       deep instead of Horner's thirteen, so that a short softmax row's few                             \
       exps do not each wait on one long chain (the processor holds only a                              \
       few in flight). T's rounding is scaled by r² ≤ 0.12, and 1 is added                              \
       last, so the result stays within about 1 ulp. */                                                 \
    VD r2 = r * r;                                                                                      \
    VD r4 = r2 * r2;                                                                                    \
    VD r8 = r4 * r4;                                                                                    \
    VD q0 = ATTN_MULTIPLY_ADD(r, zero + 1.0 / 6, zero + 0.5, fused);                                    \
    VD q1 = ATTN_MULTIPLY_ADD(r, zero + 1.0 / 120, zero + 1.0 / 24, fused);                             \
    VD q2 = ATTN_MULTIPLY_ADD(r, zero + 1.0 / 5040, zero + 1.0 / 720, fused);                           \
    VD q3 = ATTN_MULTIPLY_ADD(r, zero + 1.0 / 362880, zero + 1.0 / 40320, fused);                       \
    VD q4 = ATTN_MULTIPLY_ADD(r, zero + 1.0 / 39916800, zero + 1.0 / 3628800, fused);                   \
    VD q5 = ATTN_MULTIPLY_ADD(r, zero + 1.0 / 6227020800, zero + 1.0 / 479001600, fused);               \
    VD s0 = ATTN_MULTIPLY_ADD(r2, q1, q0, fused);                                                       \
    VD s1 = ATTN_MULTIPLY_ADD(r2, q3, q2, fused);                                                       \
    VD s2 = ATTN_MULTIPLY_ADD(r2, q5, q4, fused);                                                       \
    VD tail = ATTN_MULTIPLY_ADD(r8, s2, ATTN_MULTIPLY_ADD(r4, s1, s0, fused), fused);                   \
    VD p = ATTN_MULTIPLY_ADD(r2, tail, r, fused) + 1.0;                                                 \
    /* 2^k: the exponent field holds k + 1023. */                                                       \
    VI exponent = (((VI)shifted - (VI)magic) + 1023) << 52;                                             \
    VD result = p * (VD)exponent;                                                                       \
    VI outside = below | above;                                                                         \
    int any = 0;                                                                                        \
    for (int lane = 0; lane < LANES; lane++) any |= outside[lane] != 0;                                 \
    if (any) {                                                                                          \
      for (int lane = 0; lane < LANES; lane++)                                                          \
        if (outside[lane]) result[lane] = exp(x[lane]);                                                 \
    }                                                                                                   \
    const VI isNaN = (VI)(x != x);                                                                      \
    return (VD)((isNaN & (VI)x) | (~isNaN & (VI)result));                                               \
  }

ATTN_DEFINE_VECTOR_EXP(vector_exp, v4d, v4i, 4, )

// exp for eight floats at once, within two float32 units of the exact value
// (the float exp of PyTorch's CPU kernels is as close): x = k·ln2 + r with |r| ≤ ln2/2
// (ln2 in two parts), e^r by Cephes's degree-6 fit (as expf), 2^k in the
// exponent bits. Below −87.3 (where 2^k leaves the normal floats) the
// result is 0, above 88.7 infinity; NaN stays NaN. Twice the lanes of
// vector_exp, for the float32 attention kernel (written once for eight and
// for sixteen lanes).
#define ATTN_DEFINE_VECTOR_EXPF(NAME, VF, VI)                                                          \
  ATTN_INLINE VF NAME(VF x, int fused) {                                                                 \
    const VF zero = {0};                                                                                 \
    const VI below = (VI)(x < -87.33654f), above = (VI)(x > 88.72283f);                                  \
    VF clamped = (VF)((below & (VI)(zero - 87.33654f)) | (~below & (VI)x));                              \
    clamped = (VF)((above & (VI)(zero + 88.72283f)) | (~above & (VI)clamped));                           \
    /* Adding 1.5·2²³ rounds to the nearest integer k, left in the low bits. */                         \
    const VF magic = zero + 12582912.0f;                                                                 \
    VF shifted = fused ? __builtin_elementwise_fma(clamped, zero + 1.44269504088896341f, magic)          \
                       : clamped * 1.44269504088896341f + magic;                                         \
    VF k = shifted - magic;                                                                              \
    VF r = fused ? __builtin_elementwise_fma(k, zero - 0.693359375f, clamped) : k * -0.693359375f + clamped; \
    r = fused ? __builtin_elementwise_fma(k, zero + 2.12194440e-4f, r) : k * 2.12194440e-4f + r;         \
    static const float coefficients[] = {1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,           \
                                         1.6666665459e-1f, 5.0000001201e-1f};                            \
    VF p = zero + 1.9875691500e-4f;                                                                      \
    for (int i = 0; i < 5; i++)                                                                          \
      p = fused ? __builtin_elementwise_fma(p, r, zero + coefficients[i]) : p * r + coefficients[i];     \
    VF r2 = r * r;                                                                                       \
    p = fused ? __builtin_elementwise_fma(p, r2, r + 1) : p * r2 + (r + 1);                              \
    /* 2^k: the exponent field holds k + 127; for k > 0 it is built as 2^(k−1)                          \
       and the product doubled, since 2^128 (k for x in 88.03…88.72) is not a float. */                 \
    VI ki = (VI)shifted - (VI)magic;                                                                     \
    VI positive = ki > 0;                                                                                \
    VF result = p * (VF)(((ki + positive) + 127) << 23);                                                 \
    result = (VF)((positive & (VI)(result + result)) | (~positive & (VI)result));                        \
    result = (VF)(~below & (VI)result);                                                                  \
    result = (VF)((above & (VI)(zero + INFINITY)) | (~above & (VI)result));                              \
    const VI isNaN = (VI)(x != x);                                                                       \
    return (VF)((isNaN & (VI)x) | (~isNaN & (VI)result));                                                \
  }

ATTN_DEFINE_VECTOR_EXPF(vector_expf8, f32x8, i32x8)

// The same for sixteen floats (the float32 attention kernel's AVX-512 build).
ATTN_DEFINE_VECTOR_EXPF(vector_expf16, f32x16, i32x16)

#endif
