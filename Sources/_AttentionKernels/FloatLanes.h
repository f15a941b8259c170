#ifndef ATTN_FLOAT_LANES_H
#define ATTN_FLOAT_LANES_H

#include "VectorExp.h"

// Sixteen elements at a time: clang splits each operation on these vectors
// into four AVX2 (or eight NEON) instructions, four independent chains that
// hide the latency of the long polynomials.
typedef double v16d __attribute__((vector_size(128)));
typedef int64_t v16i __attribute__((vector_size(128)));
typedef float v16f __attribute__((vector_size(64)));
#define LANES 16

ATTN_DEFINE_VECTOR_EXP(vector_exp16, v16d, v16i, LANES, )

/// `count` (at most 16) floats widened; the lanes past them are 0.
ATTN_INLINE v16d load_floats(const float *p, ptrdiff_t count) {
  if (count == LANES) {
    v16f v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, v16d);
  }
  v16d v = {0};
  for (ptrdiff_t lane = 0; lane < count; lane++) v[lane] = p[lane];
  return v;
}

ATTN_INLINE void store_floats(float *p, v16d v, ptrdiff_t count) {
  v16f narrow = __builtin_convertvector(v, v16f);
  if (count == LANES) {
    memcpy(p, &narrow, sizeof narrow);
    return;
  }
  for (ptrdiff_t lane = 0; lane < count; lane++) p[lane] = narrow[lane];
}

#endif
