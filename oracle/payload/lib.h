/* lib.h — memory functions (lib.c); the payload has no libc headers. */
#ifndef VXA_LIB_H
#define VXA_LIB_H

#include <stddef.h>

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
