/* import_util.c — see import_internal.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "import_internal.h"

int vxa_ierr(vxa_error *e, const char *file, unsigned line, const char *fmt, ...)
{
    va_list ap;
    if (!e) return -1;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    e->path[0] = 0;
    e->line = (int)line;
    e->column = 0;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return -1;
}

bool vxa_next_line(vxa_lines *it, char *buf, size_t size)
{
    if (it->p >= it->end) return false;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *stop = nl ? nl : it->end;
    size_t n = (size_t)(stop - it->p);
    if (n && stop[-1] == '\r') n--;
    if (n >= size) n = size - 1;
    memcpy(buf, it->p, n);
    buf[n] = 0;
    for (size_t i = 0; i < n; i++)   /* a NUL inside a line ends it; keep the text printable */
        if (buf[i] == '\t') buf[i] = ' ';
    it->p = nl ? nl + 1 : it->end;
    it->lineno++;
    return true;
}

int vxa_parse_base(const char *s, size_t n, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    if (base == 16 && n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { s += 2; n -= 2; }
    if (!n) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
        if (d >= base) return -1;
        if (v > (UINT64_MAX - d) / base) return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

int vxa_store_msr(vxa_profile *p, uint64_t index, uint64_t value)
{
    if (index < 0x480 || index >= 0x480 + VXA_MSR_COUNT) return 0;
    unsigned i = (unsigned)(index - 0x480);
    if (vxa_profile_has(p, i) && p->msr[i] != value) return -1;
    p->msr[i] = value;
    p->msr_present |= 1u << i;
    return 1;
}

void vxa_dump_vwarn(vxa_dump_info *in, unsigned line, const char *fmt, va_list ap)
{
    if (in->nwarnings < VXA_DUMP_MAX_WARNINGS) {
        in->warning[in->nwarnings].line = line;
        vsnprintf(in->warning[in->nwarnings].text, sizeof in->warning[0].text, fmt, ap);
    }
    in->nwarnings++;
}
