#include <string.h>

#include "AttentionKernels.h"

// Packing for the blocked matrix product, written once for both element
// types. A block is copied into panels the micro-kernels read in order,
// zero-padded to whole panels.
//
// Row panels (A's layout): panel i holds, for each column p, the `height`
// values src[(i·height + r)·ld + p], r < height. Column panels (B's layout):
// panel j holds, for each row p, the `width` values src[p·ld + j·width + q].
// A transposed operand is packed by the other function on its stored matrix.
#define ATTN_PACKING(ROWS, COLUMNS, T)                                                                 \
  void ROWS(const T *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t height, T *dst) {   \
    for (ptrdiff_t i = 0; i < rows; i += height) {                                                     \
      ptrdiff_t count = rows - i < height ? rows - i : height;                                         \
      if (count == 6 && height == 6) {                                                                 \
        /* A whole panel of the kernels' height: six rows read side by side,                          \
           the panel written in order. */                                                              \
        const T *r0 = src + i * ld, *r1 = r0 + ld, *r2 = r1 + ld, *r3 = r2 + ld, *r4 = r3 + ld,        \
                *r5 = r4 + ld;                                                                         \
        for (ptrdiff_t p = 0; p < columns; p++, dst += 6) {                                            \
          dst[0] = r0[p];                                                                              \
          dst[1] = r1[p];                                                                              \
          dst[2] = r2[p];                                                                              \
          dst[3] = r3[p];                                                                              \
          dst[4] = r4[p];                                                                              \
          dst[5] = r5[p];                                                                              \
        }                                                                                              \
        continue;                                                                                      \
      }                                                                                                \
      for (ptrdiff_t r = 0; r < count; r++) {                                                          \
        const T *row = src + (i + r) * ld;                                                             \
        for (ptrdiff_t p = 0; p < columns; p++) dst[p * height + r] = row[p];                          \
      }                                                                                                \
      for (ptrdiff_t r = count; r < height; r++)                                                       \
        for (ptrdiff_t p = 0; p < columns; p++) dst[p * height + r] = 0;                              \
      dst += columns * height;                                                                         \
    }                                                                                                  \
  }                                                                                                    \
  void COLUMNS(const T *src, ptrdiff_t ld, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t width, T *dst) { \
    for (ptrdiff_t j = 0; j < columns; j += width) {                                                   \
      ptrdiff_t count = columns - j < width ? columns - j : width;                                     \
      for (ptrdiff_t p = 0; p < rows; p++) {                                                           \
        const T *row = src + p * ld + j;                                                               \
        /* The kernels' widths as constants: copies the compiler turns into                           \
           vector moves (a memcpy of a variable size is a library call). */                            \
        if (count == 16 && width == 16)                                                                \
          memcpy(dst, row, 16 * sizeof(T));                                                            \
        else if (count == 8 && width == 8)                                                             \
          memcpy(dst, row, 8 * sizeof(T));                                                             \
        else if (count == 6 && width == 6)                                                             \
          memcpy(dst, row, 6 * sizeof(T));                                                             \
        else {                                                                                         \
          for (ptrdiff_t q = 0; q < count; q++) dst[q] = row[q];                                       \
          for (ptrdiff_t q = count; q < width; q++) dst[q] = 0;                                        \
        }                                                                                              \
        dst += width;                                                                                  \
      }                                                                                                \
    }                                                                                                  \
  }

ATTN_PACKING(attn_pack_row_panels_float64, attn_pack_column_panels_float64, double)
ATTN_PACKING(attn_pack_row_panels_float32, attn_pack_column_panels_float32, float)
