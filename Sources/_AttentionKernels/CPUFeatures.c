#include "AttentionKernels.h"

int attn_kernels_have_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#elif defined(__aarch64__)
  return 1;
#else
  return 0;
#endif
}
