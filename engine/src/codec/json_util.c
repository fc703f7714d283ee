/* json_util.c — error reporting with positions, strict numbers, duplicate and unknown keys. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "codec_internal.h"

void vxa_error_format(const vxa_error *e, char *buf, size_t size)
{
    char pos[32] = "";
    if (e->line && e->column) snprintf(pos, sizeof pos, ":%d:%d", e->line, e->column);
    else if (e->line) snprintf(pos, sizeof pos, ":%d", e->line);
    snprintf(buf, size, "%s%s: %s%s%s", e->file[0] ? e->file : "<input>", pos, e->path,
             e->path[0] ? ": " : "", e->message);
}

static void position(jctx *j, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = j->text; p < at && p < j->text + j->len; p++) {
        if (*p == '\n') { (*line)++; *col = 1; }
        else (*col)++;
    }
}

/* The line where "key" first stands in the text (0 if not found). */
static int key_line(jctx *j, const char *key)
{
    char pat[200];
    int line, col;
    if (!key || !j->text) return 0;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    size_t n = strlen(pat);
    for (size_t i = 0; i + n <= j->len; i++)
        if (strncasecmp(j->text + i, pat, n) == 0) {
            position(j, j->text + i, &line, &col);
            return line;
        }
    return 0;
}

int jerr(jctx *j, const char *path, const char *key, const char *fmt, ...)
{
    va_list ap;
    vxa_error *e = j->err;
    if (!e) return -1;
    snprintf(e->file, sizeof e->file, "%s", j->file ? j->file : "");
    snprintf(e->path, sizeof e->path, "%s", path ? path : "");
    e->line = key_line(j, key);
    e->column = 0;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return -1;
}

int jsyntax(jctx *j, const char *where)
{
    vxa_error *e = j->err;
    if (!e) return -1;
    snprintf(e->file, sizeof e->file, "%s", j->file ? j->file : "");
    e->path[0] = 0;
    position(j, where, &e->line, &e->column);
    /* at most 20 bytes of the context, never past the end (the text need not be terminated) */
    bool inside = where < j->text + j->len;
    int left = inside ? (int)(j->text + j->len - where) : 0;
    snprintf(e->message, sizeof e->message, "JSON syntax error%s%.*s%s",
             inside ? " near '" : " (unexpected end of input)", left < 20 ? left : 20,
             inside ? where : "", inside ? "'" : "");
    return -1;
}

/* Length of the UTF-8 sequence at p (RFC 3629: no overlongs, surrogates or > U+10FFFF), 0 if
 * invalid or cut off by end. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!n || (size_t)(end - p) < n) return 0;
    for (size_t k = 1; k < n; k++)
        if ((p[k] & 0xc0) != 0x80) return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) || (c == 0xf0 && p[1] < 0x90) ||
        (c == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

/* A number token that cJSON would change when it stores it as a double: out of range (1e400,
 * 1e-400) or an integer beyond 2^53 (2^53 + 1 becomes 2^53).  NULL if fine. */
static const char *number_problem(const char *p, const char *end)
{
    const char *q = p;
    if (q < end && *q == '-') q++;
    char digits[24];
    size_t nd = 0, more = 0;
    long e10 = 0;
    bool any = false;
    for (; q < end && *q >= '0' && *q <= '9'; q++) {
        any = true;
        if (nd || *q != '0') { if (nd < 20) digits[nd++] = *q; else more++; }
    }
    e10 += (long)more;
    if (q < end && *q == '.')
        for (q++; q < end && *q >= '0' && *q <= '9'; q++) {
            any = true;
            if (nd || *q != '0') { if (nd < 20) { digits[nd++] = *q; e10--; } }
            else e10--;
        }
    if (!any) return NULL;                           /* not a number: cJSON says so */
    if (q < end && (*q == 'e' || *q == 'E')) {
        q++;
        int sign = 1;
        if (q < end && (*q == '+' || *q == '-')) sign = *q++ == '-' ? -1 : 1;
        long x = 0;
        for (; q < end && *q >= '0' && *q <= '9'; q++) x = x < 100000 ? x * 10 + (*q - '0') : x;
        e10 += sign * x;
    }
    while (nd && digits[nd - 1] == '0') { nd--; e10++; }
    if (!nd) return NULL;                             /* zero, however written */
    long mag = (long)nd + e10;                        /* decimal digits before the point */
    if (mag > 309) return "a number too large for a JSON double";
    if (mag < -307) return "a number too small for a JSON double (it would read as 0)";
    if (e10 < 0) return NULL;                         /* not an integer: judged where it is used */
    if (mag > 16) return "an integer beyond 2^53 that a JSON number cannot hold exactly: write it as a hex string";
    unsigned long long v = 0;
    for (size_t k = 0; k < nd; k++) v = v * 10 + (unsigned long long)(digits[k] - '0');
    for (long k = 0; k < e10; k++) v *= 10;
    if (v > 9007199254740992ull)
        return "an integer beyond 2^53 that a JSON number cannot hold exactly: write it as a hex string";
    return NULL;
}

/* What the JSON grammar (RFC 8259) and this codec reject but cJSON accepts: bytes that are not
 * UTF-8, raw control characters (cJSON takes them for spaces, or keeps them in strings),
 * \u0000 (it would cut a key or value short), numbers a double changes.  Returns the offending
 * position and *why, or NULL. */
/* The keys leading to a position, kept while scanning: one per open object or array (the key
 * whose value it is) and the key of the value being read. */
#define JSTRICT_DEPTH 16
typedef struct jkeys {
    const unsigned char *key[JSTRICT_DEPTH + 1];
    size_t len[JSTRICT_DEPTH + 1];
    int depth;                   /* containers open; beyond JSTRICT_DEPTH they are only counted */
    const unsigned char *str;    /* the last string's first character, and its length */
    size_t str_len;
} jkeys;

/* "vmcs.GUEST_CR0": the keys leading to the position jstrict() stopped at. */
static void jkeys_path(const jkeys *k, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    int top = k->depth < JSTRICT_DEPTH ? k->depth : JSTRICT_DEPTH;
    for (int i = 1; i <= top; i++) {
        if (!k->key[i]) continue;
        int w = snprintf(buf + n, size - n, "%s%.*s", n ? "." : "", (int)k->len[i], (const char *)k->key[i]);
        if (w < 0 || (size_t)w >= size - n) break;
        n += (size_t)w;
    }
}

static const char *jstrict(const char *text, size_t len, const char **why, jkeys *k)
{
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    bool str = false;
    memset(k, 0, sizeof *k);
    while (p < end) {
        unsigned c = *p;
        if (c >= 0x80) {
            size_t n = utf8_len(p, end);
            if (!n) { *why = "a byte that is not UTF-8"; return (const char *)p; }
            p += n;
            continue;
        }
        if (c < 0x20 && !(!str && (c == ' ' || c == '\t' || c == '\n' || c == '\r'))) {
            *why = c == 0 ? "a NUL byte" : str ? "a raw control character inside a string (write it as \\u00XX)"
                                                : "a control character";
            return (const char *)p;
        }
        if (str) {
            if (c == '"') {
                str = false;
                k->str_len = (size_t)(p - k->str);
            } else if (c == '\\' && p + 1 < end) {
                if (p[1] == 'u' && end - p >= 6 && !memcmp(p + 2, "0000", 4)) {
                    *why = "\\u0000 (a NUL character) in a string";
                    return (const char *)p;
                }
                p++;
            }
        } else if (c == '"') {
            str = true;
            k->str = p + 1;
        } else if (c == ':') {             /* the last string was a key */
            int d = k->depth < JSTRICT_DEPTH ? k->depth : JSTRICT_DEPTH;
            k->key[d] = k->str, k->len[d] = k->str_len;
        } else if (c == '{' || c == '[') {
            k->depth++;
            if (k->depth <= JSTRICT_DEPTH) k->key[k->depth] = NULL;
        } else if ((c == '}' || c == ']') && k->depth > 0) {
            k->depth--;
        } else if (c == ',' && k->depth <= JSTRICT_DEPTH) {
            k->key[k->depth] = NULL;        /* the next member's key is not read yet */
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const unsigned char *q = p;
            while (q < end && (*q == '-' || *q == '+' || *q == '.' || *q == 'e' || *q == 'E' ||
                               (*q >= '0' && *q <= '9')))
                q++;
            if ((*why = number_problem((const char *)p, (const char *)q))) return (const char *)p;
            p = q;
            continue;
        }
        p++;
    }
    return NULL;
}

cJSON *jparse(jctx *j)
{
    const char *end = NULL, *why = NULL;
    jkeys keys;
    const char *bad = jstrict(j->text, j->len, &why, &keys);
    if (bad) {
        if (j->err) {
            jsyntax(j, bad);
            jkeys_path(&keys, j->err->path, sizeof j->err->path);
            snprintf(j->err->message, sizeof j->err->message, "not accepted: %s", why);
        }
        return NULL;
    }
    cJSON *doc = cJSON_ParseWithLengthOpts(j->text, j->len, &end, 0);
    if (!doc) {
        jsyntax(j, end ? end : j->text);
        return NULL;
    }
    /* one document and nothing after it but white space */
    const char *t = end ? end : j->text + j->len;
    while (t < j->text + j->len && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')) t++;
    if (t < j->text + j->len) {
        cJSON_Delete(doc);
        if (j->err) {
            jsyntax(j, t);
            snprintf(j->err->message, sizeof j->err->message,
                     "not accepted: data after the end of the JSON document");
        }
        return NULL;
    }
    return doc;
}

int vxa_parse_u64(const char *s, uint64_t *out)
{
    const char *p = s;
    int base = 10;
    if (!s || !*s) return -1;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '-' || *p == '+') return -1;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) { base = 16; p += 2; }
    if (!*p) return -1;
    for (const char *q = p; *q; q++)
        if (!(base == 16 ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q))) return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(p, &end, base);
    if (errno == ERANGE || *end) return -1;
    *out = v;
    return 0;
}

int jnum(jctx *j, const cJSON *item, const char *path, uint64_t *out)
{
    const char *key = item->string;
    if (cJSON_IsString(item)) {
        if (!isspace((unsigned char)item->valuestring[0]) && vxa_parse_u64(item->valuestring, out) == 0)
            return 0;
        return jerr(j, path, key, "'%s' is not a number (hex \"0x...\" or decimal, 0 to 2^64-1)",
                    item->valuestring);
    }
    if (cJSON_IsNumber(item)) {
        double d = item->valuedouble;
        if (d < 0) return jerr(j, path, key, "negative number %.0f", d);
        /* the range first: converting a double beyond 2^64 (or inf, NaN) to an integer is UB */
        if (!(d <= 9007199254740992.0))
            return jerr(j, path, key, "JSON number %.0f is beyond 2^53 and loses precision: "
                                      "write it as a hex string", d);
        if (d != (double)(uint64_t)d) return jerr(j, path, key, "%g is not an integer", d);
        *out = (uint64_t)d;
        return 0;
    }
    return jerr(j, path, key, "expected a number (hex string, decimal string or integer)");
}

int jbool(jctx *j, const cJSON *item, const char *path, bool *out)
{
    if (!cJSON_IsBool(item)) return jerr(j, path, item->string, "expected true or false");
    *out = cJSON_IsTrue(item);
    return 0;
}

int jnodup(jctx *j, const cJSON *o, const char *path, bool ci)
{
    for (const cJSON *a = o->child; a; a = a->next)
        for (const cJSON *b = a->next; b; b = b->next)
            if (a->string && b->string &&
                (ci ? strcasecmp(a->string, b->string) : strcmp(a->string, b->string)) == 0) {
                char p[160];
                snprintf(p, sizeof p, "%s%s%s", path, path[0] ? "." : "", b->string);
                return jerr(j, p, b->string, "duplicate key '%s'", b->string);
            }
    return 0;
}

int jknown(jctx *j, const cJSON *o, const char *path, const char *const *keys)
{
    for (const cJSON *a = o->child; a; a = a->next) {
        bool ok = false;
        for (const char *const *k = keys; *k; k++) ok |= strcmp(*k, a->string) == 0;
        if (!ok) {
            char p[160], list[300] = "";
            for (const char *const *k = keys; *k; k++) {
                strncat(list, *k, sizeof list - strlen(list) - 3);
                if (k[1]) strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            snprintf(p, sizeof p, "%s.%s", path, a->string);
            return jerr(j, p, a->string, "unknown key '%s' (known: %s)", a->string, list);
        }
    }
    return 0;
}

static unsigned distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned row[128];
    if (lb >= 127) return 1000;
    for (size_t k = 0; k <= lb; k++) row[k] = (unsigned)k;
    for (size_t i = 1; i <= la; i++) {
        unsigned prev = row[0];
        row[0] = (unsigned)i;
        for (size_t k = 1; k <= lb; k++) {
            unsigned cur = row[k];
            unsigned cost = toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[k - 1]);
            unsigned best = prev + cost;
            if (row[k] + 1 < best) best = row[k] + 1;
            if (row[k - 1] + 1 < best) best = row[k - 1] + 1;
            row[k] = best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *jclosest(const char *name, const char *(*candidate)(unsigned), unsigned n)
{
    const char *best = NULL;
    unsigned bd = ~0u;
    for (unsigned i = 0; i < n; i++) {
        const char *c = candidate(i);
        if (!c) continue;
        unsigned d = distance(name, c);
        if (d < bd) { bd = d; best = c; }
    }
    return bd <= strlen(name) / 2 + 1 ? best : NULL;
}

char *jhex(uint64_t v, char *buf)
{
    snprintf(buf, 24, "0x%llx", (unsigned long long)v);
    return buf;
}

static size_t jappend(char *buf, size_t size, size_t n, const char *s)
{
    while (*s && n + 1 < size) buf[n++] = *s++;
    return n;
}

void jpath(char *buf, size_t size, const char *a, const char *b)
{
    if (!size) return;
    size_t n = jappend(buf, size, 0, a);
    n = jappend(buf, size, n, ".");
    n = jappend(buf, size, n, b);
    buf[n] = 0;
}
