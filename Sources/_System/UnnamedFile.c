#define _GNU_SOURCE
#include "System.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int attn_open_unnamed_file(int directory, unsigned int mode) {
#if defined(__linux__) && defined(O_TMPFILE)
  return openat(directory, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)mode);
#else
  (void)directory;
  (void)mode;
  errno = EOPNOTSUPP;
  return -1;
#endif
}

int attn_name_unnamed_file(int file, int directory, const char *name) {
#if defined(__linux__)
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", file);
  return linkat(AT_FDCWD, path, directory, name, AT_SYMLINK_FOLLOW);
#else
  (void)file;
  (void)directory;
  (void)name;
  errno = EOPNOTSUPP;
  return -1;
#endif
}
