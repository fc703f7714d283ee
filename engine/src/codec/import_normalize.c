/* import_normalize.c — the one normalisation layer in front of every text importer: text as
 * people paste it (mail, bug trackers, journalctl, serial consoles) back into the lines the
 * hypervisor printed.  See import_internal.h for what is removed. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "import_internal.h"

/* Unicode spaces in UTF-8 -> ' ' (returns the bytes consumed, 0 = not a space); zero-width
 * characters and the byte-order mark are dropped (*drop = true). */
static size_t uspace(const unsigned char *p, size_t n, bool *drop)
{
    *drop = false;
    if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) return 2;                        /* U+00A0 NBSP */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x80 && p[2] <= 0x8a) return 3;   /* U+2000-200A */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x8b || p[2] == 0x8c || p[2] == 0x8d)) {
        *drop = true;                                                             /* U+200B-200D */
        return 3;
    }
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xaf) return 3;         /* U+202F */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) return 3;         /* U+205F */
    if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) return 3;         /* U+3000 */
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) { *drop = true; return 3; }   /* BOM */
    if (p[0] == 0xa0) return 1;                                                   /* Latin-1 NBSP */
    return 0;
}

/* "Mon DD hh:mm:ss host ident[pid]: " (syslog) or "2024-05-20T10:01:02+0200 host ident: "
 * (journalctl -o short-iso): the length of the prefix, 0 if s does not start with one. */
static size_t syslog_prefix(const char *s)
{
    const char *p = s;
    if (isupper((unsigned char)p[0]) && islower((unsigned char)p[1]) && islower((unsigned char)p[2]) &&
        p[3] == ' ') {
        p += 4;
        while (*p == ' ') p++;
        if (!isdigit((unsigned char)*p)) return 0;
        while (isdigit((unsigned char)*p)) p++;
        if (*p++ != ' ' || !isdigit((unsigned char)p[0]) || p[2] != ':' || p[5] != ':') return 0;
        p += 8;
        while (*p && *p != ' ') p++;   /* fractions of a second */
    } else if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[3]) && p[4] == '-' && p[7] == '-' &&
               p[10] == 'T') {
        while (*p && *p != ' ') p++;
    } else {
        return 0;
    }
    if (*p++ != ' ') return 0;
    const char *colon = strstr(p, ": ");
    if (!colon || colon - p > 64 || !strchr(p, ' ') || strchr(p, ' ') > colon) return 0;   /* host ident: */
    return (size_t)(colon + 2 - s);
}

/* "[…]" or "[...]": a dmesg timestamp the writer elided (p..end is inside the brackets). */
static bool elided(const char *p, const char *end)
{
    bool dots = false;
    while (p < end) {
        if (*p == ' ') p++;
        else if (*p == '.') { p++; dots = true; }
        else if (end - p >= 3 && !memcmp(p, "\xe2\x80\xa6", 3)) { p += 3; dots = true; }   /* U+2026 */
        else return false;
    }
    return dots;
}

/* Strips the prefixes, outermost first, as often as they come. */
static char *strip_prefixes(char *s)
{
    for (;;) {
        while (*s == ' ') s++;
        char *k;
        size_t n;
        if (*s == '>' || *s == '|') { s++; continue; }   /* mail quoting at any depth, "> > >", ">>" */
        if (*s == '<' && isdigit((unsigned char)s[1]) && (k = strchr(s, '>')) && k - s < 6) { s = k + 1; continue; }
        if (*s == '[' && (k = strchr(s, ']')) && k - s < 40 &&
            (isdigit((unsigned char)s[1]) || s[1] == ' ' ||                           /* [ 1234.5678] */
             ((s[1] == 'T' || s[1] == 'C') && isdigit((unsigned char)s[2])) ||        /* caller ID [T78789] */
             (isupper((unsigned char)s[1]) && islower((unsigned char)s[2]) && islower((unsigned char)s[3]) &&
              s[4] == ' ' && memchr(s, ':', (size_t)(k - s))))) {                       /* dmesg -T */
            s = k + 1;
            continue;
        }
        if (*s == '[' && (k = strchr(s, ']')) && k - s < 16 && elided(s + 1, k)) { s = k + 1; continue; }
        if (*s == '(' && (k = strchr(s, ')')) && k - s < 12 &&
            (!strncmp(s, "(XEN)", 5) || (s[1] == 'd' && isdigit((unsigned char)s[2])))) { s = k + 1; continue; }
        if ((n = syslog_prefix(s))) { s += n; continue; }
        /* "kernel:", "kvm_intel:", "kvm:", "qemu-system-x86_64:": a lower-case word and ": " */
        if (islower((unsigned char)*s)) {   /* (not "c80: ", an MSR index in hex, nor
                                               msr-tools' own "rdmsr: " errors) */
            bool hexword = true;
            for (k = s; islower((unsigned char)*k) || *k == '_' || *k == '-' || isdigit((unsigned char)*k); k++)
                hexword &= isxdigit((unsigned char)*k) != 0;
            if (*k == ':' && k[1] == ' ' && !hexword && strncmp(s, "rdmsr:", 6)) { s = k + 2; continue; }
        }
        return s;
    }
}

/* One line in place: spaces, then prefixes. */
static char *clean_line(char *buf, const char *p, const char *stop)
{
    size_t o = 0;
    for (const char *q = p; q < stop;) {
        bool drop;
        size_t sp = uspace((const unsigned char *)q, (size_t)(stop - q), &drop);
        if (sp) { if (!drop) buf[o++] = ' '; q += sp; continue; }
        char c = *q++;
        buf[o++] = c == '\t' || c == '\r' || c == 0 || c == '\v' || c == '\f' ? ' ' : c;
    }
    buf[o] = 0;
    while (o && buf[o - 1] == ' ') buf[--o] = 0;
    return strip_prefixes(buf);
}

char *vxa_normalize_line(char *line)
{
    return clean_line(line, line, line + strlen(line));
}

static bool ends_open(const char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ') n--;
    return n && (s[n - 1] == '=' || s[n - 1] == ',');
}

static bool has(const char *text, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(text + i, what, n)) return true;
    return false;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A mail archive's raw message in quoted-printable (RFC 2045 6.7): "=3D" for '=', "=C2=A0" for a
 * non-breaking space, '=' at the end of a line for a soft line break.  Recognised by the header, or
 * by "=3D0x" and "=C2=A0", which no dump prints. */
static bool quoted_printable(const char *text, size_t len)
{
    return has(text, len, "=3D0x") || has(text, len, "=C2=A0") ||
           has(text, len, "Content-Transfer-Encoding: quoted-printable");
}

/* Decodes one logical line of quoted-printable (physical lines joined at soft breaks) into dec;
 * returns the end of what it consumed. */
static const char *qp_line(const char *p, const char *end, char *dec, size_t *n, unsigned *lines)
{
    size_t o = 0;
    *lines = 0;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        (*lines)++;
        const char *e = stop;
        if (e > p && e[-1] == '\r') e--;
        bool soft = e > p && e[-1] == '=';
        if (soft) e--;
        for (const char *q = p; q < e; q++) {
            int h, l;
            if (*q == '=' && e - q >= 3 && (h = hexval(q[1])) >= 0 && (l = hexval(q[2])) >= 0) {
                dec[o++] = (char)(h << 4 | l);
                q += 2;
            } else {
                dec[o++] = *q;
            }
        }
        p = nl ? nl + 1 : end;
        if (!soft || p >= end) break;
    }
    *n = o;
    return p;
}

int vxa_normalize(const char *text, size_t len, vxa_ntext *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 0;
    const char *p = text, *end = text + len;
    unsigned lineno = 0;
    bool qp = quoted_printable(text, len);
    char *buf = malloc(len + 1), *dec = qp ? malloc(len + 1) : NULL;
    if (!buf || (qp && !dec)) { free(buf); free(dec); return -1; }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        lineno++;
        unsigned first = lineno;
        char *s;
        if (qp) {
            size_t n;
            unsigned lines;
            nl = qp_line(p, end, dec, &n, &lines) - 1;   /* (the last '\n' consumed, or end - 1) */
            lineno += lines - 1;
            s = clean_line(buf, dec, dec + n);
        } else {
            s = clean_line(buf, p, stop);
        }
        /* a wrapped line: "DR7 =" or "..., shadow=...," ends one line, the rest starts the next;
         * or the next line starts with "= value" */
        bool join = out->n && out->open && *s;
        if (!join && out->n && *s == '=' && out->line[out->n - 1].s[0]) join = true;
        if (join) {
            vxa_nline *l = &out->line[out->n - 1];
            size_t a = strlen(l->s), b = strlen(s);
            char *t = realloc(l->s, a + b + 2);
            if (!t) goto oom;
            t[a] = ' ';
            memcpy(t + a + 1, s, b + 1);
            l->s = t;
            l->joined = true;
            out->open = ends_open(t);
        } else {
            if (out->n == cap) {
                size_t nc = cap ? 2 * cap : 256;
                vxa_nline *t = realloc(out->line, nc * sizeof *t);
                if (!t) goto oom;
                out->line = t;
                cap = nc;
            }
            vxa_nline *l = &out->line[out->n];
            if (!(l->s = strdup(s))) goto oom;
            l->lineno = first;
            l->joined = false;
            out->n++;
            out->open = ends_open(s);
        }
        p = nl ? nl + 1 : end;
    }
    free(buf);
    free(dec);
    return 0;
oom:
    free(buf);
    free(dec);
    vxa_ntext_free(out);
    return -1;
}

void vxa_ntext_free(vxa_ntext *t)
{
    for (unsigned i = 0; i < t->n; i++) free(t->line[i].s);
    free(t->line);
    memset(t, 0, sizeof *t);
}
