#include <math.h>

#include "AttentionKernels.h"
#include "FloatLanes.h"

// Softmax attention of float32 queries, keys and values, one key/value head
// (and the `group` query heads that share it) per call, four queries at a
// time: their scores against every key they may see, their softmax and
// their outputs. Each product is register-blocked over the four queries
// (every key or value loaded once for all four) and vectorized across 16
// keys or columns; exponentials run in double lanes (FloatLanes.h). Scores,
// sums and outputs are float32, as PyTorch's.
//
// Layout (row-major, rows `ld` apart): query i of head g at q + i·ldq + g·dk,
// key j at k + j·ldk, value j at v + j·ldv, output i of head g at
// out + i·ldo + g·dv; lse[g·n + i] is the row's log-sum-exp of its scaled
// scores, kept for the backward pass. Causal: query i sees keys 0…i.

#define ROWS 4
#define BLOCK 16

static ptrdiff_t padded(ptrdiff_t m) { return (m + BLOCK - 1) / BLOCK * BLOCK; }

ptrdiff_t attn_attention_workspace_float32(ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, int backward) {
  ptrdiff_t mp = padded(m), d = dk > dv ? dk : dv;
  if (!backward) return dk * mp + ROWS * mp + 2 * d;
  return (dk + dv) * mp + m * (dk + dv) + 2 * ROWS * mp + 2 * d;
}

/// out[r·mp + j] = Σ_c x[r][c] · yt[c·mp + j] for j < count (rounded up to a
/// whole block; yt's rows are mp ≥ that long and zero-padded).
ATTN_INLINE void rows_times_transposed(
    const float *const x[ROWS], const float *yt, ptrdiff_t mp, ptrdiff_t d, ptrdiff_t count, float *out) {
  for (ptrdiff_t j0 = 0; j0 < count; j0 += BLOCK) {
    float acc[ROWS][BLOCK] = {{0}};
    for (ptrdiff_t c = 0; c < d; c++) {
      const float *y = yt + c * mp + j0;
      for (int r = 0; r < ROWS; r++) {
        float s = x[r][c];
        for (int q = 0; q < BLOCK; q++) acc[r][q] += s * y[q];
      }
    }
    for (int r = 0; r < ROWS; r++)
      for (int q = 0; q < BLOCK; q++) out[r * mp + j0 + q] = acc[r][q];
  }
}

/// out[r][c] = Σ_{j < count} w[r·mp + j] · y[j·ldy + c] for c < d.
ATTN_INLINE void weights_times_rows(
    const float *w, ptrdiff_t mp, ptrdiff_t count, const float *y, ptrdiff_t ldy, ptrdiff_t d, float *const out[ROWS]) {
  ptrdiff_t c0 = 0;
  for (; c0 + BLOCK <= d; c0 += BLOCK) {
    float acc[ROWS][BLOCK] = {{0}};
    for (ptrdiff_t j = 0; j < count; j++) {
      const float *row = y + j * ldy + c0;
      for (int r = 0; r < ROWS; r++) {
        float s = w[r * mp + j];
        for (int q = 0; q < BLOCK; q++) acc[r][q] += s * row[q];
      }
    }
    for (int r = 0; r < ROWS; r++)
      for (int q = 0; q < BLOCK; q++) out[r][c0 + q] = acc[r][q];
  }
  for (ptrdiff_t c = c0; c < d; c++) {
    float acc[ROWS] = {0};
    for (ptrdiff_t j = 0; j < count; j++)
      for (int r = 0; r < ROWS; r++) acc[r] += w[r * mp + j] * y[j * ldy + c];
    for (int r = 0; r < ROWS; r++) out[r][c] = acc[r];
  }
}

/// target[j·d + c] += Σ_r w[r·mp + j] · x[r][c] for j < count, c < d.
ATTN_INLINE void accumulate_outer(
    float *target, ptrdiff_t d, const float *w, ptrdiff_t mp, const float *const x[ROWS], ptrdiff_t count) {
  for (ptrdiff_t j = 0; j < count; j++) {
    float w0 = w[j], w1 = w[mp + j], w2 = w[2 * mp + j], w3 = w[3 * mp + j];
    float *row = target + j * d;
    for (ptrdiff_t c = 0; c < d; c++) row[c] += w0 * x[0][c] + w1 * x[1][c] + w2 * x[2][c] + w3 * x[3][c];
  }
}

/// yt (d × mp) = the transpose of `rows` rows of `d` (ld apart), zero past them.
ATTN_INLINE void transpose_padded(const float *y, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t d, ptrdiff_t mp, float *yt) {
  for (ptrdiff_t c = 0; c < d; c++) {
    for (ptrdiff_t j = 0; j < rows; j++) yt[c * mp + j] = y[j * ld + c];
    for (ptrdiff_t j = rows; j < mp; j++) yt[c * mp + j] = 0;
  }
}

/// s[j] ← exp(s[j] − shift) for j < count; returns their sum (in double).
ATTN_INLINE double exponentiate_row(float *s, ptrdiff_t count, double shift, int fused) {
  double total = 0;
  for (ptrdiff_t j = 0; j < count; j += LANES) {
    ptrdiff_t lanes = count - j < LANES ? count - j : LANES;
    v16d e = vector_exp16(load_floats(s + j, lanes) - shift, fused);
    for (ptrdiff_t lane = lanes; lane < LANES; lane++) e[lane] = 0;
    store_floats(s + j, e, lanes);
    for (int lane = 0; lane < LANES; lane++) total += e[lane];
  }
  return total;
}

/// The keys query i may see.
static ptrdiff_t visible_keys(ptrdiff_t i, ptrdiff_t m, int causal) { return causal ? (i + 1 < m ? i + 1 : m) : m; }

ATTN_INLINE int attention_forward(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace, int fused) {
  ptrdiff_t mp = padded(m), d = dk > dv ? dk : dv;
  float *kt = workspace, *scores = kt + dk * mp, *zeros = scores + ROWS * mp, *scratch = zeros + d;
  for (ptrdiff_t c = 0; c < d; c++) zeros[c] = 0;
  transpose_padded(k, ldk, m, dk, mp, kt);
  for (ptrdiff_t g = 0; g < group; g++) {
    for (ptrdiff_t i0 = 0; i0 < n; i0 += ROWS) {
      ptrdiff_t rows = n - i0 < ROWS ? n - i0 : ROWS;
      const float *x[ROWS];
      float *o[ROWS];
      double totals[ROWS] = {0};
      for (int r = 0; r < ROWS; r++) {
        x[r] = r < rows ? q + (i0 + r) * ldq + g * dk : zeros;
        o[r] = r < rows ? out + (i0 + r) * ldo + g * dv : scratch;
      }
      ptrdiff_t count = visible_keys(i0 + rows - 1, m, causal);
      rows_times_transposed(x, kt, mp, dk, count, scores);
      for (int r = 0; r < ROWS; r++) {
        float *s = scores + r * mp;
        ptrdiff_t visible = r < rows ? visible_keys(i0 + r, m, causal) : 0;
        float largest = -INFINITY;
        for (ptrdiff_t j = 0; j < visible; j++) {
          float value = s[j] * scale;
          if (!(value > -INFINITY && value < INFINITY)) return 1;
          s[j] = value;
          largest = value > largest ? value : largest;
        }
        if (visible > 0) totals[r] = exponentiate_row(s, visible, largest, fused);
        for (ptrdiff_t j = visible; j < count; j++) s[j] = 0;
        if (r < rows) lse[g * n + i0 + r] = visible > 0 ? (float)(largest + log(totals[r])) : -INFINITY;
      }
      weights_times_rows(scores, mp, count, v, ldv, dv, o);
      for (int r = 0; r < rows; r++) {
        float inverse = totals[r] > 0 ? (float)(1 / totals[r]) : 0;
        for (ptrdiff_t c = 0; c < dv; c++) o[r][c] *= inverse;
      }
    }
  }
  return 0;
}

// The backward pass (FlashAttention-2's formulas, four queries at a time):
// with the saved log-sum-exp L and D = ∂O·O per query,
//   P = exp(S − L),  ∂V += Pᵀ∂O,  ∂P = ∂O Vᵀ,  ∂S = P ⊙ (∂P − D)·scale,  ∂Q = ∂S K,  ∂K += ∂Sᵀ Q.
// ∂K and ∂V of this key/value head are summed over its query heads in the
// workspace and stored at the end; ∂Q rows are written as they are made.
ATTN_INLINE void attention_backward(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk_out, float *dv_out, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale, int causal, float *workspace, int fused) {
  ptrdiff_t mp = padded(m), d = dk > dv ? dk : dv;
  float *kt = workspace, *vt = kt + dk * mp, *dkeys = vt + dv * mp, *dvalues = dkeys + m * dk;
  float *weights = dvalues + m * dv, *dscores = weights + ROWS * mp, *zeros = dscores + ROWS * mp;
  float *scratch = zeros + d;
  for (ptrdiff_t c = 0; c < d; c++) zeros[c] = 0;
  transpose_padded(k, ldk, m, dk, mp, kt);
  transpose_padded(v, ldv, m, dv, mp, vt);
  for (ptrdiff_t index = 0; index < m * dk; index++) dkeys[index] = 0;
  for (ptrdiff_t index = 0; index < m * dv; index++) dvalues[index] = 0;
  for (ptrdiff_t g = 0; g < group; g++) {
    for (ptrdiff_t i0 = 0; i0 < n; i0 += ROWS) {
      ptrdiff_t rows = n - i0 < ROWS ? n - i0 : ROWS;
      const float *x[ROWS], *gradient[ROWS];
      float *dquery[ROWS], totals[ROWS] = {0};
      for (int r = 0; r < ROWS; r++) {
        x[r] = r < rows ? q + (i0 + r) * ldq + g * dk : zeros;
        gradient[r] = r < rows ? dout + (i0 + r) * ldo + g * dv : zeros;
        dquery[r] = r < rows ? dq + (i0 + r) * ldq + g * dk : scratch;
        if (r < rows) {
          const float *output = out + (i0 + r) * ldo + g * dv;
          for (ptrdiff_t c = 0; c < dv; c++) totals[r] += gradient[r][c] * output[c];
        }
      }
      ptrdiff_t count = visible_keys(i0 + rows - 1, m, causal);
      rows_times_transposed(x, kt, mp, dk, count, weights);
      rows_times_transposed(gradient, vt, mp, dv, count, dscores);
      for (int r = 0; r < ROWS; r++) {
        float *p = weights + r * mp, *ds = dscores + r * mp;
        float logsum = r < rows ? lse[g * n + i0 + r] : -INFINITY;
        ptrdiff_t visible = logsum > -INFINITY ? visible_keys(i0 + r, m, causal) : 0;
        for (ptrdiff_t j = 0; j < visible; j++) p[j] *= scale;
        if (visible > 0) exponentiate_row(p, visible, logsum, fused);
        for (ptrdiff_t j = visible; j < count; j++) p[j] = 0;
        for (ptrdiff_t j = 0; j < count; j++) ds[j] = p[j] * (ds[j] - totals[r]) * scale;
      }
      weights_times_rows(dscores, mp, count, k, ldk, dk, dquery);
      accumulate_outer(dkeys, dk, dscores, mp, x, count);
      accumulate_outer(dvalues, dv, weights, mp, gradient, count);
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
  return attention_forward(q, ldq, k, ldk, v, ldv, out, ldo, lse, group, n, m, dk, dv, scale, causal, workspace, 1);
}

int attn_attention_forward_float32_portable(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace) {
  return attention_forward(q, ldq, k, ldk, v, ldv, out, ldo, lse, group, n, m, dk, dv, scale, causal, workspace, 0);
}

ATTN_FMA_TARGET void attn_attention_backward_float32_fma(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace) {
  attention_backward(
      q, ldq, k, ldk, v, ldv, out, dout, ldo, lse, dq, dk, dv, group, n, m, key_width, value_width, scale, causal,
      workspace, 1);
}

void attn_attention_backward_float32_portable(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk, float *dv, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t key_width, ptrdiff_t value_width, float scale, int causal, float *workspace) {
  attention_backward(
      q, ldq, k, ldk, v, ldv, out, dout, ldo, lse, dq, dk, dv, group, n, m, key_width, value_width, scale, causal,
      workspace, 0);
}
