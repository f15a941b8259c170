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

/// Opens an unnamed regular file in the directory `directory` for writing
/// (Linux's O_TMPFILE), with permissions `mode`: nothing is visible in the
/// directory until it is linked, so a process killed while writing leaves
/// nothing behind. -1 (errno set) where the system or file system has none.
int attn_open_unnamed_file(int directory, unsigned int mode);

/// Gives the unnamed file `file` the name `name` in `directory` (linkat
/// through /proc/self/fd). 0, or -1 with errno set.
int attn_name_unnamed_file(int file, int directory, const char *name);

#endif
