#ifndef ATTN_KERNELS_H
#define ATTN_KERNELS_H

#include <stddef.h>

// The innermost loops of the Attention library, in C so that each can be
// compiled for more than one instruction set without build flags: the
// `_fma` functions carry `__attribute__((target("avx2,fma")))` on x86-64 and
// use NEON with fused multiply-add on arm64; the `_portable` ones run on
// any processor. attn_kernels_have_fma() says whether the `_fma` ones may
// be called on this processor.

/// 1 when this processor runs the `_fma` kernels (x86-64 with AVX2 and
/// FMA, or arm64), else 0.
int attn_kernels_have_fma(void);

/// C[0..<6, 0..<8] (+)= Σₚ a[p·6 + r] · b[p·8 + q] for packed panels `a`
/// (6 values per step) and `b` (8 values per step), C's rows `ldc` apart.
/// With `overwrite` the tile is stored rather than added.
void attn_microkernel_6x8_fma(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite);
void attn_microkernel_6x8_portable(
    ptrdiff_t k, const double *a, const double *b, double *c, ptrdiff_t ldc, int overwrite);

/// buffer[i] = exp((buffer[i] − shift) · scale) for `count` values; returns their sum.
double attn_exponentiate_fma(double *buffer, ptrdiff_t count, double shift, double scale);
double attn_exponentiate_portable(double *buffer, ptrdiff_t count, double shift, double scale);

#endif
