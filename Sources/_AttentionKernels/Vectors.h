#ifndef ATTN_VECTORS_H
#define ATTN_VECTORS_H

#include <stdint.h>
#include <string.h>

// Four doubles as one value (clang's vector extension): the kernels are
// written once in these types and compiled for each instruction set by the
// functions that inline them.
typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));

#if defined(__x86_64__) || defined(__i386__)
#define ATTN_FMA_TARGET __attribute__((target("avx2,fma")))
#define ATTN_FMA_AVAILABLE 1
#elif defined(__aarch64__)
// NEON and fused multiply-add are part of every arm64 processor.
#define ATTN_FMA_TARGET
#define ATTN_FMA_AVAILABLE 1
#else
#define ATTN_FMA_TARGET
#define ATTN_FMA_AVAILABLE 0
#endif

#define ATTN_INLINE static inline __attribute__((always_inline))

// The helpers below pass 32-byte vectors by value; without AVX that would
// change the calling convention, but every one is inlined, so no call ever
// crosses it.
#pragma clang diagnostic ignored "-Wpsabi"

ATTN_INLINE v4d load4(const double *p) {
  v4d v;
  memcpy(&v, p, sizeof v);
  return v;
}

ATTN_INLINE void store4(double *p, v4d v) { memcpy(p, &v, sizeof v); }

ATTN_INLINE v4d splat4(double x) { return (v4d){x, x, x, x}; }

/// c + a·b: one fused operation per lane when `fused` (a constant once inlined).
ATTN_INLINE v4d multiply_add(v4d a, v4d b, v4d c, int fused) {
  if (fused && ATTN_FMA_AVAILABLE) return __builtin_elementwise_fma(a, b, c);
  return c + a * b;
}

/// a·b + c for vectors of any width and type: one fused operation per lane
/// when `fused` (a constant once inlined).
#define ATTN_MULTIPLY_ADD(a, b, c, fused) ((fused) ? __builtin_elementwise_fma((a), (b), (c)) : (a) * (b) + (c))

/// Lanes of `yes` where `mask` is set (all ones), else lanes of `no`.
ATTN_INLINE v4d select4(v4i mask, v4d yes, v4d no) {
  return (v4d)((mask & (v4i)yes) | (~mask & (v4i)no));
}

// Eight floats (the float32 kernels' vector), and its lanes as integers.
typedef float f32x8 __attribute__((vector_size(32)));
typedef int32_t i32x8 __attribute__((vector_size(32)));

ATTN_INLINE f32x8 load8f(const float *p) {
  f32x8 v;
  memcpy(&v, p, sizeof v);
  return v;
}

ATTN_INLINE void store8f(float *p, f32x8 v) { memcpy(p, &v, sizeof v); }

ATTN_INLINE f32x8 splat8f(float x) { return (f32x8){x, x, x, x, x, x, x, x}; }

// Sixteen floats (one AVX-512 register), for the AVX-512 builds of the
// float32 kernels. Functions taking them by value are inlined into those
// builds' entry points (`target("avx512f")`) and carry no target of their
// own: a call passing 64-byte vectors between functions of different
// targets would change the calling convention.
typedef float f32x16 __attribute__((vector_size(64)));
typedef int32_t i32x16 __attribute__((vector_size(64)));

ATTN_INLINE f32x16 load16f(const float *p) {
  f32x16 v;
  memcpy(&v, p, sizeof v);
  return v;
}

ATTN_INLINE void store16f(float *p, f32x16 v) { memcpy(p, &v, sizeof v); }

ATTN_INLINE f32x16 splat16f(float x) { return (f32x16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

/// c + a·b: one fused operation per lane when `fused` (a constant once inlined).
ATTN_INLINE f32x8 multiply_add8f(f32x8 a, f32x8 b, f32x8 c, int fused) {
  if (fused && ATTN_FMA_AVAILABLE) return __builtin_elementwise_fma(a, b, c);
  return c + a * b;
}

#endif
