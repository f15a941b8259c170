#define _GNU_SOURCE
#include "System.h"

#include <pthread.h>

uintptr_t attn_stack_lowest_address(void) {
  static _Thread_local uintptr_t lowest = 0;
  if (lowest != 0) return lowest;
#if defined(__APPLE__)
  pthread_t self = pthread_self();
  lowest = (uintptr_t)pthread_get_stackaddr_np(self) - pthread_get_stacksize_np(self);
#elif defined(__linux__)
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return 0;
  void *address = 0;
  size_t size = 0;
  if (pthread_attr_getstack(&attributes, &address, &size) == 0) lowest = (uintptr_t)address;
  pthread_attr_destroy(&attributes);
#endif
  return lowest;
}
