#ifndef ATTN_KERNELS_H
#define ATTN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

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

/// The float32 tile C[0..<6, 0..<16] (+)= Σₚ a[p·6 + r] · b[p·16 + q], for
/// panels packed as for the 6×8 kernel with 16 values of B per step.
void attn_single_microkernel_6x16_fma(
    ptrdiff_t k, const float *a, const float *b, float *c, ptrdiff_t ldc, int overwrite);
void attn_single_microkernel_6x16_portable(
    ptrdiff_t k, const float *a, const float *b, float *c, ptrdiff_t ldc, int overwrite);

/// The float32 6×16 tile with A read in place: A[r, p] at
/// a[r·row_stride + p·step] (all six rows must be readable), B packed.
void attn_single_microkernel_6x16_strided_fma(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b, float *c, ptrdiff_t ldc,
    int overwrite);
void attn_single_microkernel_6x16_strided_portable(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b, float *c, ptrdiff_t ldc,
    int overwrite);

/// AVX-512 only (x86-64; call it only when attn_kernels_have_avx512() is 1):
/// the float32 tile C[0..<12, 0..<32] (+)= A·B from two packed 6-row panels
/// of A (`a0` rows 0–5, `a1` rows 6–11) and two packed 16-column panels of
/// B (`b0` columns 0–15, `b1` 16–31), packed as for the 6×16 kernel.
void attn_single_microkernel_12x32_avx512(
    ptrdiff_t k, const float *a0, const float *a1, const float *b0, const float *b1, float *c, ptrdiff_t ldc,
    int overwrite);

/// The same with A read in place: A[r, p] at a[r·row_stride + p·step] (all
/// twelve rows must be readable), B in two packed 16-column panels.
void attn_single_microkernel_12x32_strided_avx512(
    ptrdiff_t k, const float *a, ptrdiff_t step, ptrdiff_t row_stride, const float *b0, const float *b1, float *c,
    ptrdiff_t ldc, int overwrite);

/// C = A·B for small products (no packing), overwriting C (m × n): A is
/// m × k (stored k × m with `transposed_a`), B is k × n (stored n × k with
/// `transposed_b`); at most one of the two flags.
void attn_small_product_float64(
    ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const double *a, const double *b, double *c, int transposed_a,
    int transposed_b);
void attn_small_product_float32(
    ptrdiff_t m, ptrdiff_t k, ptrdiff_t n, const float *a, const float *b, float *c, int transposed_a,
    int transposed_b);

/// Element conversions for `count` values: widening is exact; narrowing
/// rounds to nearest, ties to even (bfloat16 from a double goes through
/// float32, as PyTorch converts); NaN stays NaN.
void attn_widen_float32(const float *source, double *target, ptrdiff_t count);
void attn_narrow_float64(const double *source, float *target, ptrdiff_t count);
void attn_float32_to_bfloat16(const float *source, uint16_t *target, ptrdiff_t count);
void attn_float64_to_bfloat16(const double *source, uint16_t *target, ptrdiff_t count);
void attn_bfloat16_to_float32(const uint16_t *source, float *target, ptrdiff_t count);
void attn_bfloat16_to_float64(const uint16_t *source, double *target, ptrdiff_t count);

/// 1 when this processor (and its operating system) runs AVX-512 code, else 0.
int attn_kernels_have_avx512(void);

/// The 12×16 tile C (+)= A·B from two 6-row panels of A (`a0`, `a1`) and two
/// 8-column panels of B (`b0`, `b1`), packed as for the 6×8 kernel; AVX-512
/// only (x86-64): call it only when attn_kernels_have_avx512() is 1.
void attn_microkernel_12x16_avx512(
    ptrdiff_t k, const double *a0, const double *a1, const double *b0, const double *b1, double *c,
    ptrdiff_t ldc, int overwrite);

/// As the 6×8 and 12×16 kernels, with A stored transposed in place: step p's
/// 6 or 12 values contiguous at a + p·lda (all of them must be readable).
void attn_microkernel_columns_6x8_fma(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b, double *c, ptrdiff_t ldc, int overwrite);
void attn_microkernel_columns_6x8_portable(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b, double *c, ptrdiff_t ldc, int overwrite);
void attn_microkernel_columns_12x16_avx512(
    ptrdiff_t k, const double *a, ptrdiff_t lda, const double *b0, const double *b1, double *c, ptrdiff_t ldc,
    int overwrite);

/// Softmax's exponentials down the columns of a rows × cols tile (rows ld
/// apart): x → exp((x − shift[i])·scale) in column i, whose new entries are
/// added to sums[i].
void attn_exponentiate_columns_fma(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums);
void attn_exponentiate_columns_portable(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums);
void attn_exponentiate_columns_avx512(
    double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const double *shift, double scale, double *sums);

/// out[i] = the largest entry of column i of a rows × cols tile (−inf for no
/// rows); returns 1 when an entry is NaN, else 0.
int attn_column_maximum_fma(const double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, double *out);
int attn_column_maximum_portable(const double *tile, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, double *out);

/// buffer[i] = exp((buffer[i] − shift) · scale) for `count` values; returns their sum.
double attn_exponentiate_fma(double *buffer, ptrdiff_t count, double shift, double scale);
double attn_exponentiate_portable(double *buffer, ptrdiff_t count, double shift, double scale);
/// The same, eight at a time: only when attn_kernels_have_avx512() is 1.
double attn_exponentiate_avx512(double *buffer, ptrdiff_t count, double shift, double scale);

/// GELU of float32 values (Activations.c): y = x·Φ(x), keeping Φ(x) in
/// `cdf` for the backward pass, which turns `gradient` into
/// gradient·(Φ(x) + x·φ(x)) in place.
void attn_gelu_float32_fma(const float *x, float *y, float *cdf, ptrdiff_t count);
void attn_gelu_float32_portable(const float *x, float *y, float *cdf, ptrdiff_t count);
void attn_gelu_backward_float32_fma(float *gradient, const float *x, const float *cdf, ptrdiff_t count);
void attn_gelu_backward_float32_portable(float *gradient, const float *x, const float *cdf, ptrdiff_t count);

/// LayerNorm of `rows` float32 rows of `d` (Normalization.c): y = x̂·weight
/// + bias (either may be NULL), keeping x̂ in `normalized` and each row's
/// 1/√(σ² + ε) in `inverses`; statistics are summed in double.
void attn_layer_norm_float32_fma(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps);
void attn_layer_norm_float32_portable(
    const float *x, const float *weight, const float *bias, float *y, float *normalized, double *inverses,
    ptrdiff_t rows, ptrdiff_t d, double eps);
/// LayerNorm's input gradient from the forward pass's x̂ and inverses.
void attn_layer_norm_backward_float32_fma(
    const float *gradient, const float *normalized, const double *inverses, const float *weight, float *dx,
    ptrdiff_t rows, ptrdiff_t d);
void attn_layer_norm_backward_float32_portable(
    const float *gradient, const float *normalized, const double *inverses, const float *weight, float *dx,
    ptrdiff_t rows, ptrdiff_t d);
/// weighted[i] += Σ_rows gradient·normalized, plain[i] += Σ_rows gradient
/// (either may be NULL): LayerNorm's weight and bias gradients.
void attn_column_sums_float32(
    const float *gradient, const float *normalized, double *weighted, double *plain, ptrdiff_t rows, ptrdiff_t d);

/// One AdamW step on float32 values (Optimizer.c), in PyTorch's order of
/// operations; `weight` is 1 − β₁. Reads the parameters, moments and
/// gradients p, m, v, g and writes the new ones to new_p, new_m, new_v
/// (which may be p, m, v: in place).
void attn_adam_float32_fma(
    const float *p, const float *m, const float *v, const float *g, float *new_p, float *new_m, float *new_v,
    ptrdiff_t count, float shrink, float weight, float beta2, float step_size, float correction2, float epsilon);
void attn_adam_float32_portable(
    const float *p, const float *m, const float *v, const float *g, float *new_p, float *new_m, float *new_v,
    ptrdiff_t count, float shrink, float weight, float beta2, float step_size, float correction2, float epsilon);

/// Σ g[i]² in double (gradient clipping's norms), and target[i] = g[i]·factor
/// in float32 (target may be g).
double attn_sum_squares_float32_fma(const float *g, ptrdiff_t count);
double attn_sum_squares_float32_portable(const float *g, ptrdiff_t count);
void attn_scale_float32_fma(const float *g, float *target, ptrdiff_t count, float factor);
void attn_scale_float32_portable(const float *g, float *target, ptrdiff_t count, float factor);

/// Cross-entropy of float32 logits (rows × classes) against one class per row
/// (Losses.c): returns Σ_rows (log Σ exp(row) − row[target]), summed in
/// double, and keeps each row's log Σ exp in `lse` for the backward, which
/// writes gradient = (softmax(row) − one-hot(target))·scale in float32.
double attn_cross_entropy_float32_fma(
    const float *logits, const ptrdiff_t *targets, ptrdiff_t rows, ptrdiff_t classes, double *lse);
double attn_cross_entropy_float32_portable(
    const float *logits, const ptrdiff_t *targets, ptrdiff_t rows, ptrdiff_t classes, double *lse);
void attn_cross_entropy_backward_float32_fma(
    const float *logits, const ptrdiff_t *targets, const double *lse, ptrdiff_t rows, ptrdiff_t classes, float scale,
    float *gradient);
void attn_cross_entropy_backward_float32_portable(
    const float *logits, const ptrdiff_t *targets, const double *lse, ptrdiff_t rows, ptrdiff_t classes, float scale,
    float *gradient);

/// values[i] = exp(values[i]) in float lanes: the float32 attention kernel's
/// exp (vector_expf8 in VectorExp.h; VectorExp.c), exposed for its tests.
void attn_exp_float32_fma(float *values, ptrdiff_t count);
void attn_exp_float32_portable(float *values, ptrdiff_t count);
/// The same sixteen lanes at a time (vector_expf16): only when
/// attn_kernels_have_avx512() is 1.
void attn_exp_float32_avx512(float *values, ptrdiff_t count);

/// Softmax along each of `rows` contiguous rows of `cols` (Softmax.c):
/// exp((x − max)·scale) over the row's sum, exponentials and sums in double;
/// a row holding NaN becomes NaN, a row that is all −inf becomes zeros.
/// From x into y (which may be x).
void attn_softmax_rows_float64_fma(const double *x, double *y, ptrdiff_t rows, ptrdiff_t cols, double scale);
void attn_softmax_rows_float64_portable(const double *x, double *y, ptrdiff_t rows, ptrdiff_t cols, double scale);
void attn_softmax_rows_float32_fma(const float *x, float *y, ptrdiff_t rows, ptrdiff_t cols, double scale);
void attn_softmax_rows_float32_portable(const float *x, float *y, ptrdiff_t rows, ptrdiff_t cols, double scale);

/// The floats of workspace the float32 attention's forward (backward = 0) or backward pass needs.
ptrdiff_t attn_attention_workspace_float32(ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, int backward);
/// Softmax attention of float32 values for one key/value head and the `group`
/// query heads sharing it (SingleAttention.c): query i of head g at
/// q + i·ldq + g·dk, key j at k + j·ldk, value j at v + j·ldv, output i of
/// head g at out + i·ldo + g·dv, scaled scores, causal (query i sees keys
/// 0…i) or not; lse[g·n + i] receives each row's log-sum-exp. `workspace`
/// holds attn_attention_workspace_float32(m, dk, dv, 0) floats. Returns 1
/// (output incomplete) when a score is not finite, else 0.
int attn_attention_forward_float32_fma(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace);
int attn_attention_forward_float32_portable(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace);
/// The same with AVX-512 (x86-64; only when attn_kernels_have_avx512() is 1):
/// products on 16-float vectors, two panels of keys or 32 columns of values
/// at a time.
int attn_attention_forward_float32_avx512(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace);
/// Its backward pass: from the output, its gradient `dout` (both ldo apart)
/// and `lse`, the gradients of the queries (`dq`, laid out as q), keys and
/// values (`dk`, `dv`, as k and v) of this key/value head. `workspace` holds
/// attn_attention_workspace_float32(m, dk, dv, 1) floats.
void attn_attention_backward_float32_fma(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace);
void attn_attention_backward_float32_portable(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace);
void attn_attention_backward_float32_avx512(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace);

/// Packing for the blocked product (Packing.c): a rows × columns block
/// (rows `ld` apart) into panels of `height` rows (A's layout: each column's
/// `height` values together) or of `width` columns (B's layout: each row's
/// `width` values together), zero-padded to whole panels.
void attn_pack_row_panels_float64(
    const double *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t height, double *dst);
void attn_pack_column_panels_float64(
    const double *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t width, double *dst);
void attn_pack_row_panels_float32(
    const float *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t height, float *dst);
void attn_pack_column_panels_float32(
    const float *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t width, float *dst);

/// One index of a parallel section: called with the section's `context`.
typedef void (*attn_task)(void *context, ptrdiff_t index);

/// Calls task(context, i) for every i in 0..<count, on the calling thread and
/// up to `threads − 1` of the pool's workers, and returns when every call
/// has returned. Indices go to whichever thread is free. A section posted
/// inside a task, or while another thread's section runs, runs on its
/// caller alone. Workers spin briefly between sections before they sleep.
void attn_parallel_for(ptrdiff_t count, int threads, attn_task task, void *context);

#endif
