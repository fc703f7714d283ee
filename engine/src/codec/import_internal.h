/* import_internal.h — shared helpers of the importers (import_*.c): errors with file and line,
 * a line iterator, strict number parsing. */
#ifndef VMXAUDIT_IMPORT_INTERNAL_H
#define VMXAUDIT_IMPORT_INTERNAL_H

#include "vmxaudit/import.h"

int vxa_ierr(vxa_error *e, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Iterates the lines of text: fills buf (NUL-terminated, CR stripped, cut at size-1) and *lineno.
 * Returns false at the end. */
typedef struct vxa_lines { const char *p, *end; unsigned lineno; } vxa_lines;
bool vxa_next_line(vxa_lines *it, char *buf, size_t size);

/* Parses a whole token as an unsigned number in base (16 accepts an optional 0x); 0 on success. */
int vxa_parse_base(const char *s, size_t n, unsigned base, uint64_t *out);
/* Stores MSR index=value into the profile if it is a VMX capability MSR (0x480-0x493): 1 stored,
 * 0 ignored (other MSR), -1 a different value was given before. */
int vxa_store_msr(vxa_profile *p, uint64_t index, uint64_t value);

#endif
