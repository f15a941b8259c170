#include <math.h>

#include "AttentionKernels.h"
#include "VectorExp.h"

// Softmax attention of float32 queries, keys and values, one key/value head
// (and the `group` query heads that share it) per call: FlashAttention's
// scheme in blocks of 64 queries by 256 keys — each query's running maximum,
// sum and output rescaled as the key blocks pass (the online softmax), so
// nothing grows with n·m — and within a block six queries at a time. Each
// product is register-blocked over the six queries and 16 keys or columns
// (twelve 8-float accumulators, as the 6×16 product micro-kernel; every key
// or value loaded once for all six, every query element broadcast once for
// sixteen), the keys packed in panels of 16 read front to back;
// exponentials run in float lanes (vector_expf8, VectorExp.h). The AVX-512
// build (`wide`) takes two panels of keys, or 32 columns of values, per
// product in 16-float vectors, and sixteen exponentials at a time: the same
// operations on each element, in half the instructions. Scores and outputs
// are float32, as PyTorch's; the running sums are doubles.
//
// Layout (row-major, rows `ld` apart): query i of head g at q + i·ldq + g·dk,
// key j at k + j·ldk, value j at v + j·ldv, output i of head g at
// out + i·ldo + g·dv; lse[g·n + i] is the row's log-sum-exp of its scaled
// scores, kept for the backward pass. Causal: query i sees keys 0…i.

#define ROWS 6
#define BLOCK 16
// Queries and keys per block: a block of keys (64 KB of packed keys at
// dk = 64) serves every query of a block of queries from the cache.
#define QUERY_BLOCK 64
#define KEY_BLOCK 256

typedef f32x8 v8f;
typedef i32x8 v8i;
// Sixteen floats: with AVX-512 (`wide`), the products take two panels of
// keys, or 32 columns of values, at once in 16-float accumulators: twelve
// of them per step as before, for half the instructions per multiply-add.
typedef f32x16 v16f;

static ptrdiff_t padded(ptrdiff_t m) { return (m + BLOCK - 1) / BLOCK * BLOCK; }

ptrdiff_t attn_attention_workspace_float32(ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, int backward) {
  ptrdiff_t mp = padded(m), d = dk > dv ? dk : dv;
  if (!backward) return dk * mp + ROWS * KEY_BLOCK + 2 * d + 4 * QUERY_BLOCK;
  return (dk + dv) * mp + m * (dk + dv) + 2 * ROWS * KEY_BLOCK + 2 * d + QUERY_BLOCK;
}

/// out[r·ldo + j] = Σ_c x[r][c] · y[j][c] for j < count (rounded up to a
/// whole block), y packed in panels by ``pack_panels``: each step of the sum
/// reads the next 64 bytes of a panel.
ATTN_INLINE void rows_times_transposed(
    const float *const x[ROWS], const float *panels, ptrdiff_t d, ptrdiff_t count, float *out, ptrdiff_t ldo,
    int fused, int wide) {
  ptrdiff_t j0 = 0;
  if (wide) {
    // Two panels side by side, one 16-float load from each per step (the
    // second may be the zero padding past m, or keys past `count`: those
    // scores are written and not used).
    for (; j0 + BLOCK < count; j0 += 2 * BLOCK) {
      v16f acc[ROWS][2] = {{0}};
      const float *first = panels + j0 * d, *second = first + BLOCK * d;
      for (ptrdiff_t c = 0; c < d; c++) {
        v16f a = load16f(first + c * BLOCK), b = load16f(second + c * BLOCK);
        for (int r = 0; r < ROWS; r++) {
          v16f s = splat16f(x[r][c]);
          acc[r][0] = ATTN_MULTIPLY_ADD(s, a, acc[r][0], fused);
          acc[r][1] = ATTN_MULTIPLY_ADD(s, b, acc[r][1], fused);
        }
      }
      for (int r = 0; r < ROWS; r++) {
        store16f(out + r * ldo + j0, acc[r][0]);
        store16f(out + r * ldo + j0 + BLOCK, acc[r][1]);
      }
    }
  }
  // Both halves of a panel row in one pass: each broadcast serves two products.
  for (; j0 < count; j0 += BLOCK) {
    v8f acc[ROWS][2] = {{0}};
    const float *panel = panels + j0 * d;
    for (ptrdiff_t c = 0; c < d; c++) {
      v8f a = load8f(panel + c * BLOCK), b = load8f(panel + c * BLOCK + 8);
      for (int r = 0; r < ROWS; r++) {
        v8f s = splat8f(x[r][c]);
        acc[r][0] = multiply_add8f(s, a, acc[r][0], fused);
        acc[r][1] = multiply_add8f(s, b, acc[r][1], fused);
      }
    }
    for (int r = 0; r < ROWS; r++) {
      store8f(out + r * ldo + j0, acc[r][0]);
      store8f(out + r * ldo + j0 + 8, acc[r][1]);
    }
  }
}

/// out[r][c] (+)= Σ_{j < count} w[r·mp + j] · y[j·ldy + c] for c < d: added
/// to what out holds with `accumulate`, else stored.
ATTN_INLINE void weights_times_rows(
    const float *w, ptrdiff_t mp, ptrdiff_t count, const float *y, ptrdiff_t ldy, ptrdiff_t d, float *const out[ROWS],
    int accumulate, int fused, int wide) {
  ptrdiff_t c0 = 0;
  for (; wide && c0 + 2 * BLOCK <= d; c0 += 2 * BLOCK) {
    v16f acc[ROWS][2] = {{0}};
    for (ptrdiff_t j = 0; j < count; j++) {
      v16f a = load16f(y + j * ldy + c0), b = load16f(y + j * ldy + c0 + BLOCK);
      for (int r = 0; r < ROWS; r++) {
        v16f s = splat16f(w[r * mp + j]);
        acc[r][0] = ATTN_MULTIPLY_ADD(s, a, acc[r][0], fused);
        acc[r][1] = ATTN_MULTIPLY_ADD(s, b, acc[r][1], fused);
      }
    }
    for (int r = 0; r < ROWS; r++) {
      if (accumulate) {
        acc[r][0] += load16f(out[r] + c0);
        acc[r][1] += load16f(out[r] + c0 + BLOCK);
      }
      store16f(out[r] + c0, acc[r][0]);
      store16f(out[r] + c0 + BLOCK, acc[r][1]);
    }
  }
  for (; c0 + BLOCK <= d; c0 += BLOCK) {
    v8f acc[ROWS][2] = {{0}};
    for (ptrdiff_t j = 0; j < count; j++) {
      v8f a = load8f(y + j * ldy + c0), b = load8f(y + j * ldy + c0 + 8);
      for (int r = 0; r < ROWS; r++) {
        v8f s = splat8f(w[r * mp + j]);
        acc[r][0] = multiply_add8f(s, a, acc[r][0], fused);
        acc[r][1] = multiply_add8f(s, b, acc[r][1], fused);
      }
    }
    for (int r = 0; r < ROWS; r++) {
      if (accumulate) {
        acc[r][0] += load8f(out[r] + c0);
        acc[r][1] += load8f(out[r] + c0 + 8);
      }
      store8f(out[r] + c0, acc[r][0]);
      store8f(out[r] + c0 + 8, acc[r][1]);
    }
  }
  for (ptrdiff_t c = c0; c < d; c++) {
    float acc[ROWS] = {0};
    for (ptrdiff_t j = 0; j < count; j++)
      for (int r = 0; r < ROWS; r++) acc[r] += w[r * mp + j] * y[j * ldy + c];
    for (int r = 0; r < ROWS; r++) out[r][c] = (accumulate ? out[r][c] : 0) + acc[r];
  }
}

/// target[j·d + c] += Σ_r w[r·mp + j] · x[r][c] for j < count, c < d.
ATTN_INLINE void accumulate_outer(
    float *target, ptrdiff_t d, const float *w, ptrdiff_t mp, const float *const x[ROWS], ptrdiff_t count) {
  for (ptrdiff_t j = 0; j < count; j++) {
    float weight[ROWS];
    for (int r = 0; r < ROWS; r++) weight[r] = w[r * mp + j];
    float *row = target + j * d;
    for (ptrdiff_t c = 0; c < d; c++) {
      float sum = row[c];
      for (int r = 0; r < ROWS; r++) sum += weight[r] * x[r][c];
      row[c] = sum;
    }
  }
}

/// `rows` rows of `d` (ld apart), zero-padded to mp rows, transposed in
/// panels of BLOCK rows: element c of row j at panels[(j / BLOCK)·BLOCK·d +
/// c·BLOCK + j % BLOCK]. A product reads a panel from start to end (the plain
/// transpose put successive c an m-row stride apart, the same cache set for
/// every c at m = 4096).
ATTN_INLINE void pack_panels(const float *y, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t d, ptrdiff_t mp, float *panels) {
  for (ptrdiff_t j = 0; j < mp; j++) {
    float *target = panels + (j / BLOCK) * BLOCK * d + j % BLOCK;
    for (ptrdiff_t c = 0; c < d; c++) target[c * BLOCK] = j < rows ? y[j * ld + c] : 0;
  }
}

typedef double v8d __attribute__((vector_size(64)));

/// s[j] ← exp(s[j] − shift) for j < count, in float32 as PyTorch's kernels
/// (x − shift and the exp in float lanes, eight at a time); returns their
/// sum in double, lane by lane, the lanes added once at the end. `wide`
/// takes sixteen at a time first (AVX-512).
ATTN_INLINE double exponentiate_row(float *s, ptrdiff_t count, float shift, int fused, int wide) {
  v8d totals = {0};
  ptrdiff_t j = 0;
  if (wide) {
    v8d upper = {0};
    for (; j + 16 <= count; j += 16) {
      v16f e = vector_expf16(load16f(s + j) - shift, fused);
      store16f(s + j, e);
      totals += __builtin_convertvector(__builtin_shufflevector(e, e, 0, 1, 2, 3, 4, 5, 6, 7), v8d);
      upper += __builtin_convertvector(__builtin_shufflevector(e, e, 8, 9, 10, 11, 12, 13, 14, 15), v8d);
    }
    totals += upper;
  }
  for (; j + 8 <= count; j += 8) {
    v8f e = vector_expf8(load8f(s + j) - shift, fused);
    store8f(s + j, e);
    totals += __builtin_convertvector(e, v8d);
  }
  if (j < count) {
    v8f tail = splat8f(-INFINITY);
    for (ptrdiff_t lane = 0; lane < count - j; lane++) tail[lane] = s[j + lane] - shift;
    v8f e = vector_expf8(tail, fused);
    for (ptrdiff_t lane = 0; lane < count - j; lane++) s[j + lane] = e[lane];
    totals += __builtin_convertvector(e, v8d);
  }
  double total = 0;
  for (int lane = 0; lane < 8; lane++) total += totals[lane];
  return total;
}

/// s[j] ← s[j]·scale for j < count, eight at a time; returns their largest,
/// or NaN when one is not finite (the caller then leaves for the general path).
ATTN_INLINE float scale_row(float *s, ptrdiff_t count, float scale) {
  v8f largest = splat8f(-INFINITY);
  v8i bad = {0};
  ptrdiff_t j = 0;
  for (; j + 8 <= count; j += 8) {
    v8f value = load8f(s + j) * scale;
    bad |= (v8i)(value - value != 0);  // inf − inf and NaN − NaN are NaN
    v8i greater = (v8i)(value > largest);
    largest = (v8f)((greater & (v8i)value) | (~greater & (v8i)largest));
    store8f(s + j, value);
  }
  float result = -INFINITY;
  int failed = 0;
  for (int lane = 0; lane < 8; lane++) {
    failed |= bad[lane] != 0;
    result = largest[lane] > result ? largest[lane] : result;
  }
  for (; j < count; j++) {
    float value = s[j] * scale;
    failed |= !(value > -INFINITY && value < INFINITY);
    s[j] = value;
    result = value > result ? value : result;
  }
  return failed ? NAN : result;
}

/// The keys query i may see.
static ptrdiff_t visible_keys(ptrdiff_t i, ptrdiff_t m, int causal) { return causal ? (i + 1 < m ? i + 1 : m) : m; }

/// Of the `count` keys from k0 on, how many query i sees (a prefix: 0 when none).
static ptrdiff_t visible_in_block(ptrdiff_t i, ptrdiff_t k0, ptrdiff_t count, ptrdiff_t m, int causal) {
  ptrdiff_t seen = visible_keys(i, m, causal) - k0;
  return seen < 0 ? 0 : (seen < count ? seen : count);
}

ATTN_INLINE int attention_forward(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace, int fused, int wide) {
  ptrdiff_t mp = padded(m), d = dk > dv ? dk : dv;
  float *kt = workspace, *scores = kt + dk * mp, *zeros = scores + ROWS * KEY_BLOCK, *scratch = zeros + d;
  // The running maxima and sums of a block's queries (8-byte aligned: an even number of floats precede).
  double *running = (double *)(scratch + d);
  for (ptrdiff_t c = 0; c < d; c++) zeros[c] = 0;
  pack_panels(k, ldk, m, dk, mp, kt);
  for (ptrdiff_t g = 0; g < group; g++) {
    for (ptrdiff_t b0 = 0; b0 < n; b0 += QUERY_BLOCK) {
      ptrdiff_t block = n - b0 < QUERY_BLOCK ? n - b0 : QUERY_BLOCK;
      double *maxima = running, *sums = running + QUERY_BLOCK;
      for (ptrdiff_t i = 0; i < block; i++) {
        maxima[i] = -INFINITY;
        sums[i] = 0;
        float *row = out + (b0 + i) * ldo + g * dv;
        for (ptrdiff_t c = 0; c < dv; c++) row[c] = 0;
      }
      ptrdiff_t key_end = visible_keys(b0 + block - 1, m, causal);
      // Keys in blocks (with their transposed slice of kt) that stay in cache for all the block's queries.
      for (ptrdiff_t k0 = 0; k0 < key_end; k0 += KEY_BLOCK) {
        for (ptrdiff_t i0 = b0; i0 < b0 + block; i0 += ROWS) {
          ptrdiff_t rows = b0 + block - i0 < ROWS ? b0 + block - i0 : ROWS;
          // The keys of this block the group's last (widest-seeing) query sees.
          ptrdiff_t count = visible_in_block(i0 + rows - 1, k0, KEY_BLOCK, m, causal);
          if (count == 0) continue;
          const float *x[ROWS];
          float *o[ROWS];
          for (int r = 0; r < ROWS; r++) {
            x[r] = r < rows ? q + (i0 + r) * ldq + g * dk : zeros;
            o[r] = r < rows ? out + (i0 + r) * ldo + g * dv : scratch;
          }
          rows_times_transposed(x, kt + k0 * dk, dk, count, scores, KEY_BLOCK, fused, wide);
          for (int r = 0; r < ROWS; r++) {
            float *s = scores + r * KEY_BLOCK;
            ptrdiff_t visible = r < rows ? visible_in_block(i0 + r, k0, count, m, causal) : 0;
            float largest = scale_row(s, visible, scale);
            if (largest != largest) return 1;
            for (ptrdiff_t j = visible; j < count; j++) s[j] = 0;
            if (visible == 0) continue;
            // The online softmax: earlier sums and outputs rescaled to the new maximum.
            ptrdiff_t i = i0 + r - b0;
            double shift = maxima[i] > largest ? maxima[i] : largest;
            double rescale = maxima[i] == -INFINITY ? 0 : exp(maxima[i] - shift);
            maxima[i] = shift;
            sums[i] = sums[i] * rescale + exponentiate_row(s, visible, (float)shift, fused, wide);
            if (rescale != 1)
              for (ptrdiff_t c = 0; c < dv; c++) o[r][c] *= (float)rescale;
          }
          weights_times_rows(scores, KEY_BLOCK, count, v + k0 * ldv, ldv, dv, o, 1, fused, wide);
        }
      }
      for (ptrdiff_t i = 0; i < block; i++) {
        float *row = out + (b0 + i) * ldo + g * dv;
        float inverse = sums[i] > 0 ? (float)(1 / sums[i]) : 0;
        for (ptrdiff_t c = 0; c < dv; c++) row[c] *= inverse;
        lse[g * n + b0 + i] = sums[i] > 0 ? (float)(maxima[i] + log(sums[i])) : -INFINITY;
      }
    }
  }
  return 0;
}

// The backward pass (FlashAttention-2's formulas, in the same blocks):
// with the saved log-sum-exp L and D = ∂O·O per query,
//   P = exp(S − L),  ∂V += Pᵀ∂O,  ∂P = ∂O Vᵀ,  ∂S = P ⊙ (∂P − D)·scale,  ∂Q = ∂S K,  ∂K += ∂Sᵀ Q.
// ∂K and ∂V of this key/value head are summed over its query heads in the
// workspace and stored at the end; ∂Q rows are written as they are made.
ATTN_INLINE void attention_backward(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk_out, float *dv_out, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale, int causal, float *workspace, int fused, int wide) {
  ptrdiff_t mp = padded(m), d = dk > dv ? dk : dv;
  float *kt = workspace, *vt = kt + dk * mp, *dkeys = vt + dv * mp, *dvalues = dkeys + m * dk;
  float *weights = dvalues + m * dv, *dscores = weights + ROWS * KEY_BLOCK, *zeros = dscores + ROWS * KEY_BLOCK;
  float *scratch = zeros + d, *totals = scratch + d;
  for (ptrdiff_t c = 0; c < d; c++) zeros[c] = 0;
  pack_panels(k, ldk, m, dk, mp, kt);
  pack_panels(v, ldv, m, dv, mp, vt);
  for (ptrdiff_t index = 0; index < m * dk; index++) dkeys[index] = 0;
  for (ptrdiff_t index = 0; index < m * dv; index++) dvalues[index] = 0;
  for (ptrdiff_t g = 0; g < group; g++) {
    for (ptrdiff_t b0 = 0; b0 < n; b0 += QUERY_BLOCK) {
      ptrdiff_t block = n - b0 < QUERY_BLOCK ? n - b0 : QUERY_BLOCK;
      for (ptrdiff_t i = 0; i < block; i++) {
        const float *gradient = dout + (b0 + i) * ldo + g * dv, *output = out + (b0 + i) * ldo + g * dv;
        float total = 0;
        for (ptrdiff_t c = 0; c < dv; c++) total += gradient[c] * output[c];
        totals[i] = total;
        float *dquery = dq + (b0 + i) * ldq + g * dk;
        for (ptrdiff_t c = 0; c < dk; c++) dquery[c] = 0;
      }
      ptrdiff_t key_end = visible_keys(b0 + block - 1, m, causal);
      for (ptrdiff_t k0 = 0; k0 < key_end; k0 += KEY_BLOCK) {
        for (ptrdiff_t i0 = b0; i0 < b0 + block; i0 += ROWS) {
          ptrdiff_t rows = b0 + block - i0 < ROWS ? b0 + block - i0 : ROWS;
          // The keys of this block the group's last (widest-seeing) query sees.
          ptrdiff_t count = visible_in_block(i0 + rows - 1, k0, KEY_BLOCK, m, causal);
          if (count == 0) continue;
          const float *x[ROWS], *gradient[ROWS];
          float *dquery[ROWS];
          for (int r = 0; r < ROWS; r++) {
            x[r] = r < rows ? q + (i0 + r) * ldq + g * dk : zeros;
            gradient[r] = r < rows ? dout + (i0 + r) * ldo + g * dv : zeros;
            dquery[r] = r < rows ? dq + (i0 + r) * ldq + g * dk : scratch;
          }
          rows_times_transposed(x, kt + k0 * dk, dk, count, weights, KEY_BLOCK, fused, wide);
          rows_times_transposed(gradient, vt + k0 * dv, dv, count, dscores, KEY_BLOCK, fused, wide);
          for (int r = 0; r < ROWS; r++) {
            float *p = weights + r * KEY_BLOCK, *ds = dscores + r * KEY_BLOCK;
            float logsum = r < rows ? lse[g * n + i0 + r] : -INFINITY;
            ptrdiff_t visible = logsum > -INFINITY ? visible_in_block(i0 + r, k0, count, m, causal) : 0;
            for (ptrdiff_t j = 0; j < visible; j++) p[j] *= scale;
            if (visible > 0) exponentiate_row(p, visible, logsum, fused, wide);
            for (ptrdiff_t j = visible; j < count; j++) p[j] = 0;
            float total = r < rows ? totals[i0 + r - b0] : 0;
            for (ptrdiff_t j = 0; j < count; j++) ds[j] = p[j] * (ds[j] - total) * scale;
          }
          weights_times_rows(dscores, KEY_BLOCK, count, k + k0 * ldk, ldk, dk, dquery, 1, fused, wide);
          accumulate_outer(dkeys + k0 * dk, dk, dscores, KEY_BLOCK, x, count);
          accumulate_outer(dvalues + k0 * dv, dv, weights, KEY_BLOCK, gradient, count);
        }
      }
    }
  }
  for (ptrdiff_t j = 0; j < m; j++) {
    for (ptrdiff_t c = 0; c < dk; c++) dk_out[j * ldk + c] = dkeys[j * dk + c];
    for (ptrdiff_t c = 0; c < dv; c++) dv_out[j * ldv + c] = dvalues[j * dv + c];
  }
}

ATTN_FMA_TARGET int attn_attention_forward_float32_fma(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace) {
  return attention_forward(q, ldq, k, ldk, v, ldv, out, ldo, lse, group, n, m, dk, dv, scale, causal, workspace, 1, 0);
}

int attn_attention_forward_float32_portable(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace) {
  return attention_forward(q, ldq, k, ldk, v, ldv, out, ldo, lse, group, n, m, dk, dv, scale, causal, workspace, 0, 0);
}

ATTN_FMA_TARGET void attn_attention_backward_float32_fma(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace) {
  attention_backward(
      q, ldq, k, ldk, v, ldv, out, dout, ldo, lse, dq, dk, dv, group, n, m, key_width, value_width, scale, causal,
      workspace, 1, 0);
}

void attn_attention_backward_float32_portable(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace) {
  attention_backward(
      q, ldq, k, ldk, v, ldv, out, dout, ldo, lse, dq, dk, dv, group, n, m, key_width, value_width, scale, causal,
      workspace, 0, 0);
}

#if defined(__x86_64__)
#define ATTN_AVX512_TARGET __attribute__((target("avx512f,avx2,fma")))

ATTN_AVX512_TARGET int attn_attention_forward_float32_avx512(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace) {
  return attention_forward(q, ldq, k, ldk, v, ldv, out, ldo, lse, group, n, m, dk, dv, scale, causal, workspace, 1, 1);
}

ATTN_AVX512_TARGET void attn_attention_backward_float32_avx512(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace) {
  attention_backward(
      q, ldq, k, ldk, v, ldv, out, dout, ldo, lse, dq, dk, dv, group, n, m, key_width, value_width, scale, causal,
      workspace, 1, 1);
}
#else
int attn_attention_forward_float32_avx512(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace) {
  // Never called: attn_kernels_have_avx512() is 0 here.
  return attn_attention_forward_float32_portable(
      q, ldq, k, ldk, v, ldv, out, ldo, lse, group, n, m, dk, dv, scale, causal, workspace);
}

void attn_attention_backward_float32_avx512(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace) {
  // Never called: attn_kernels_have_avx512() is 0 here.
  attn_attention_backward_float32_portable(
      q, ldq, k, ldk, v, ldv, out, dout, ldo, lse, dq, dk, dv, group, n, m, key_width, value_width, scale, causal,
      workspace);
}
#endif
