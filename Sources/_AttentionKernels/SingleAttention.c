#include <math.h>

#include "AttentionKernels.h"
#include "FloatLanes.h"

// Softmax attention of float32 queries, keys and values, one key/value head
// (and the `group` query heads that share it) per call, one query at a time:
// a row's scores against every key it may see, its softmax, and its output.
// The keys are copied transposed once per call, so each score row is a sum
// of scaled key rows, vectorized across the keys; exponentials run in double
// lanes (FloatLanes.h). Scores, sums and outputs are float32, as PyTorch's.
//
// Layout (row-major, rows `ld` apart): query i of head g at q + i·ldq + g·dk,
// key j at k + j·ldk, value j at v + j·ldv, output i of head g at
// out + i·ldo + g·dv; lse[g·n + i] is the row's log-sum-exp of its scaled
// scores, kept for the backward pass. Causal: query i sees keys 0…i.

/// scores[j] = scale · q·key j for j < visible, from keys transposed (dk × m).
ATTN_INLINE void score_row(
    const float *query, const float *transposed, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t visible, float scale,
    float *scores) {
  for (ptrdiff_t j = 0; j < visible; j++) scores[j] = 0;
  for (ptrdiff_t c = 0; c < dk; c++) {
    float x = query[c];
    const float *keys = transposed + c * m;
    for (ptrdiff_t j = 0; j < visible; j++) scores[j] += x * keys[j];
  }
  for (ptrdiff_t j = 0; j < visible; j++) scores[j] *= scale;
}

/// scores[j] ← exp(scores[j] − shift) for j < count; returns their sum (in double).
ATTN_INLINE double exponentiate_row(float *scores, ptrdiff_t count, double shift, int fused) {
  double total = 0;
  for (ptrdiff_t j = 0; j < count; j += LANES) {
    ptrdiff_t lanes = count - j < LANES ? count - j : LANES;
    v16d e = vector_exp16(load_floats(scores + j, lanes) - shift, fused);
    for (ptrdiff_t lane = lanes; lane < LANES; lane++) e[lane] = 0;
    store_floats(scores + j, e, lanes);
    for (int lane = 0; lane < LANES; lane++) total += e[lane];
  }
  return total;
}

ATTN_INLINE void transpose_into(const float *source, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, float *target) {
  for (ptrdiff_t j = 0; j < rows; j++)
    for (ptrdiff_t c = 0; c < columns; c++) target[c * rows + j] = source[j * ld + c];
}

ATTN_INLINE int attention_forward(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, float *out,
    ptrdiff_t ldo, float *lse, ptrdiff_t group, ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale,
    int causal, float *workspace, int fused) {
  float *transposed = workspace, *scores = workspace + dk * m;
  transpose_into(k, ldk, m, dk, transposed);
  for (ptrdiff_t g = 0; g < group; g++) {
    for (ptrdiff_t i = 0; i < n; i++) {
      ptrdiff_t visible = causal ? (i + 1 < m ? i + 1 : m) : m;
      score_row(q + i * ldq + g * dk, transposed, m, dk, visible, scale, scores);
      float largest = -INFINITY;
      for (ptrdiff_t j = 0; j < visible; j++) {
        float s = scores[j];
        if (!(s > -INFINITY && s < INFINITY)) return 1;
        largest = s > largest ? s : largest;
      }
      float *row = out + i * ldo + g * dv;
      for (ptrdiff_t c = 0; c < dv; c++) row[c] = 0;
      if (visible == 0) {
        lse[g * n + i] = -INFINITY;
        continue;
      }
      double total = exponentiate_row(scores, visible, largest, fused);
      lse[g * n + i] = (float)(largest + log(total));
      for (ptrdiff_t j = 0; j < visible; j++) {
        float weight = scores[j];
        const float *value = v + j * ldv;
        for (ptrdiff_t c = 0; c < dv; c++) row[c] += weight * value[c];
      }
      float inverse = (float)(1 / total);
      for (ptrdiff_t c = 0; c < dv; c++) row[c] *= inverse;
    }
  }
  return 0;
}

// The backward pass (FlashAttention-2's formulas, row by row): with the
// saved log-sum-exp L and D = ∂O·O per query,
//   P = exp(S − L),  ∂V += Pᵀ∂O,  ∂P = ∂O Vᵀ,  ∂S = P ⊙ (∂P − D)·scale,  ∂Q = ∂S K,  ∂K += ∂Sᵀ Q.
// ∂K and ∂V of this key/value head are summed over its query heads in the
// workspace and stored at the end; ∂Q rows are written as they are made.
ATTN_INLINE void attention_backward(
    const float *q, ptrdiff_t ldq, const float *k, ptrdiff_t ldk, const float *v, ptrdiff_t ldv, const float *out,
    const float *dout, ptrdiff_t ldo, const float *lse, float *dq, float *dk_out, float *dv_out, ptrdiff_t group,
    ptrdiff_t n, ptrdiff_t m, ptrdiff_t dk, ptrdiff_t dv, float scale, int causal, float *workspace, int fused) {
  float *keys_t = workspace, *values_t = keys_t + dk * m, *dkeys = values_t + dv * m, *dvalues = dkeys + m * dk;
  float *weights = dvalues + m * dv, *dscores = weights + m;
  transpose_into(k, ldk, m, dk, keys_t);
  transpose_into(v, ldv, m, dv, values_t);
  for (ptrdiff_t index = 0; index < m * dk; index++) dkeys[index] = 0;
  for (ptrdiff_t index = 0; index < m * dv; index++) dvalues[index] = 0;
  for (ptrdiff_t g = 0; g < group; g++) {
    for (ptrdiff_t i = 0; i < n; i++) {
      const float *query = q + i * ldq + g * dk, *gradient = dout + i * ldo + g * dv;
      float *dquery = dq + i * ldq + g * dk;
      for (ptrdiff_t c = 0; c < dk; c++) dquery[c] = 0;
      float logsum = lse[g * n + i];
      ptrdiff_t visible = causal ? (i + 1 < m ? i + 1 : m) : m;
      if (!(logsum > -INFINITY) || visible == 0) continue;
      const float *output = out + i * ldo + g * dv;
      float total = 0;
      for (ptrdiff_t c = 0; c < dv; c++) total += gradient[c] * output[c];
      score_row(query, keys_t, m, dk, visible, scale, weights);
      exponentiate_row(weights, visible, logsum, fused);
      // ∂P_j = ∂O_i · V_j, vectorized across the keys like the scores.
      for (ptrdiff_t j = 0; j < visible; j++) dscores[j] = 0;
      for (ptrdiff_t c = 0; c < dv; c++) {
        float x = gradient[c];
        const float *values = values_t + c * m;
        for (ptrdiff_t j = 0; j < visible; j++) dscores[j] += x * values[j];
      }
      for (ptrdiff_t j = 0; j < visible; j++) dscores[j] = weights[j] * (dscores[j] - total) * scale;
      for (ptrdiff_t j = 0; j < visible; j++) {
        float ds = dscores[j], p = weights[j];
        const float *key = k + j * ldk;
        float *dkey = dkeys + j * dk, *dvalue = dvalues + j * dv;
        for (ptrdiff_t c = 0; c < dk; c++) {
          dquery[c] += ds * key[c];
          dkey[c] += ds * query[c];
        }
        for (ptrdiff_t c = 0; c < dv; c++) dvalue[c] += p * gradient[c];
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
