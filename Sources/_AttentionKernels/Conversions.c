#include "AttentionKernels.h"

#include <stdint.h>
#include <string.h>

// Conversions between the element types a tensor can store. Rounding is the
// processor's (to nearest, ties to even) for float64 → float32; bfloat16 is
// the top half of a float32, rounded to nearest even by adding 0x7FFF plus
// the lowest kept bit before truncating, with NaN kept a quiet NaN.

void attn_widen_float32(const float *source, double *target, ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) target[i] = (double)source[i];
}

void attn_narrow_float64(const double *source, float *target, ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) target[i] = (float)source[i];
}

static inline uint16_t bfloat16_of(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((bits >> 16) | 0x0040u);
  return (uint16_t)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

static inline float float_of_bfloat16(uint16_t half) {
  uint32_t bits = (uint32_t)half << 16;
  float value;
  memcpy(&value, &bits, sizeof value);
  return value;
}

void attn_float32_to_bfloat16(const float *source, uint16_t *target, ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) target[i] = bfloat16_of(source[i]);
}

void attn_float64_to_bfloat16(const double *source, uint16_t *target, ptrdiff_t count) {
  // Through float32 first, as PyTorch converts a double.
  for (ptrdiff_t i = 0; i < count; i++) target[i] = bfloat16_of((float)source[i]);
}

void attn_bfloat16_to_float32(const uint16_t *source, float *target, ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) target[i] = float_of_bfloat16(source[i]);
}

void attn_bfloat16_to_float64(const uint16_t *source, double *target, ptrdiff_t count) {
  for (ptrdiff_t i = 0; i < count; i++) target[i] = (double)float_of_bfloat16(source[i]);
}
