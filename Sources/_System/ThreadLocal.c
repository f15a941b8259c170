#include "System.h"

// One pointer per thread; read and written only by the thread itself.
static _Thread_local void *trashcan = 0;

void *attn_thread_trashcan(void) { return trashcan; }

void attn_set_thread_trashcan(void *bin) { trashcan = bin; }
