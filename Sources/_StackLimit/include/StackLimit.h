#ifndef ATTN_STACK_LIMIT_H
#define ATTN_STACK_LIMIT_H

#include <stdint.h>

/// The lowest address of the calling thread's stack (it grows down toward
/// it), or 0 when the system does not say. Found once per thread.
uintptr_t attn_stack_lowest_address(void);

#endif
