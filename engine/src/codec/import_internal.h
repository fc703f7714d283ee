/* import_internal.h — shared helpers of the importers (import_*.c): errors with file and line,
 * a line iterator, strict number parsing. */
#ifndef VMXAUDIT_IMPORT_INTERNAL_H
#define VMXAUDIT_IMPORT_INTERNAL_H

#include <stdarg.h>
#include "vmxaudit/import.h"

/* One warning of an importer at a line of its input (kept up to VXA_DUMP_MAX_WARNINGS, all counted). */
void vxa_dump_vwarn(vxa_dump_info *in, unsigned line, const char *fmt, va_list ap);
int vxa_ierr(vxa_error *e, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Iterates the lines of text: fills buf (NUL-terminated, CR stripped, cut at size-1) and *lineno.
 * Returns false at the end. */
typedef struct vxa_lines { const char *p, *end; unsigned lineno; } vxa_lines;
bool vxa_next_line(vxa_lines *it, char *buf, size_t size);

/* The one normalisation layer in front of every text importer: each line loses what the way it
 * travelled added, so the importers see the text as the hypervisor printed it.  A raw
 * quoted-printable mail ("=3D0x", "=C2=A0" or its header) is decoded first.  Removed: CR,
 * tabs and NUL (-> space), non-breaking and other Unicode spaces (-> space), zero-width
 * characters and a byte-order mark; mail quoting at any depth ("> ", ">> ", "> > "); syslog
 * ("May 20 10:01:02 host kernel: ") and journalctl short-iso prefixes; dmesg timestamps
 * ("[ 1234.567890]", "[Mon May 20 10:01:02 2024]", or elided: "[…]", "[...]"), printk caller
 * IDs ("[T78789]", "[C3]"), log levels ("<3>"), Xen's "(XEN) " and "(d1v0) ", and "kvm_intel: "-style subsystem words.
 * A line wrapped by a mail client is re-joined: one that ends with '=' or ',' continues on the
 * next line, and a line starting with '=' continues the previous one.  Each line keeps the
 * number of its first line in the input.  0, or -1 out of memory. */
typedef struct vxa_nline { char *s; unsigned lineno; bool joined; } vxa_nline;
typedef struct vxa_ntext { vxa_nline *line; unsigned n; bool open; } vxa_ntext;
int vxa_normalize(const char *text, size_t len, vxa_ntext *out);
void vxa_ntext_free(vxa_ntext *t);
/* The same for one line in place, without re-joining (the MSR importers): returns where the
 * cleaned text starts inside line. */
char *vxa_normalize_line(char *line);

/* A line the vmwrite importer would read (a VMCS write call, or "FIELD = value" naming a field):
 * format detection. */
bool vxa_vmwrite_line_like(const char *s);

/* Parses a whole token as an unsigned number in base (16 accepts an optional 0x); 0 on success. */
int vxa_parse_base(const char *s, size_t n, unsigned base, uint64_t *out);
/* Stores MSR index=value into the profile if it is a VMX capability MSR (0x480-0x493): 1 stored,
 * 0 ignored (other MSR), -1 a different value was given before. */
int vxa_store_msr(vxa_profile *p, uint64_t index, uint64_t value);

#endif
