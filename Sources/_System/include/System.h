#ifndef ATTN_SYSTEM_H
#define ATTN_SYSTEM_H

#include <stdint.h>

// What Swift's Glibc module leaves out.

/// The lowest address of the calling thread's stack (it grows down toward
/// it), or 0 when the system does not say. Found once per thread.
uintptr_t attn_stack_lowest_address(void);

/// Asks malloc to keep freed large blocks for reuse (glibc: blocks up to
/// 32 MB come from the heap, which keeps up to 256 MB free at its top);
/// does nothing elsewhere. A process-wide setting, for executables.
void attn_keep_freed_memory(void);

/// A pointer the calling thread keeps for itself (C11 thread-local storage):
/// the trashcan's bin of values waiting to be freed. NULL until set.
void *attn_thread_trashcan(void);
void attn_set_thread_trashcan(void *bin);

#endif
