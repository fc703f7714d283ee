/* import_vmwrite.c — a VMCS from a vmwrite trace or a field list (docs/importers.md): lines such as
 *   vmwrite(GUEST_CR0, 0x80050033);        __vmwrite(0x6800, X86_CR0_PE | 1ULL << 31);
 *   vmcs_write64(EPT_POINTER, 0x1234005eULL);   __vmx_vmwrite(VMCS_GUEST_RIP, 0xffffffff81a00000ULL)
 *   GUEST_CR0 = 0x80050033                 Guest CR0: 0x80050033
 * A field is named as Linux's vmx.h, Xen, the SDM ("Guest ES access rights", "VM-entry
 * controls"), ia32-doc/common hypervisor spellings (VMCS_GUEST_CR0, VMCS_CTRL_VMENTRY_CONTROLS,
 * kGuestCr0) or by its encoding.  A value is a C constant expression: literals in hex, decimal or
 * octal with u/l suffixes, BIT(n)/BIT_ULL(n), casts, ~ - + | & ^ << >> and parentheses.  A line
 * that names a field but whose value (or name) cannot be evaluated is a warning naming the line and
 * why; its field stays out of the layout.  Other lines (code, comments) are ignored.  When a field
 * is written more than once the last write wins (a trace of the writes before VMLAUNCH). */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "import_internal.h"

/* ---- field names ---- */

/* Spellings -> the canonical name's spelling, applied to the upper-cased, underscored name. */
static const char *const rewrites[][2] = {
    { "_ACCESS_RIGHTS", "_AR_BYTES" },
    { "_AR", "_AR_BYTES" },
    { "PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS", "CPU_BASED_VM_EXEC_CONTROL" },
    { "SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS", "SECONDARY_VM_EXEC_CONTROL" },
    { "TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS", "TERTIARY_VM_EXEC_CONTROL" },
    { "PROCESSOR_BASED_VM_EXECUTION_CONTROLS", "CPU_BASED_VM_EXEC_CONTROL" },
    { "PIN_BASED_VM_EXECUTION_CONTROLS", "PIN_BASED_VM_EXEC_CONTROL" },
    { "PIN_BASED_CONTROLS", "PIN_BASED_VM_EXEC_CONTROL" },
    { "PRIMARY_PROC_BASED_CONTROLS", "CPU_BASED_VM_EXEC_CONTROL" },
    { "PROC_BASED_CONTROLS", "CPU_BASED_VM_EXEC_CONTROL" },
    { "SECONDARY_PROC_BASED_CONTROLS", "SECONDARY_VM_EXEC_CONTROL" },
    { "SECONDARY_EXEC_CONTROL", "SECONDARY_VM_EXEC_CONTROL" },
    { "VMENTRY", "VM_ENTRY" },
    { "VMEXIT", "VM_EXIT" },
    { "INTERRUPTIBILITY_STATE", "INTERRUPTIBILITY_INFO" },
    { "INTERRUPTION_INFORMATION_FIELD", "INTR_INFO_FIELD" },
    { "INTERRUPTION_INFORMATION", "INTR_INFO_FIELD" },
    { "GUEST_VMCS_LINK_POINTER", "VMCS_LINK_POINTER" },
    { "MSR_BITMAP_ADDRESS", "MSR_BITMAP" },
    { "MSR_BITMAPS", "MSR_BITMAP" },
    { "IO_BITMAP_A_ADDRESS", "IO_BITMAP_A" },
    { "IO_BITMAP_B_ADDRESS", "IO_BITMAP_B" },
    { "PDPTE", "PDPTR" },
    { "PDPTR_", "PDPTR" },
    { "GUEST_DEBUGCTL", "GUEST_IA32_DEBUGCTL" },
    { "GUEST_EFER", "GUEST_IA32_EFER" },
    { "HOST_EFER", "HOST_IA32_EFER" },
    { "GUEST_PAT", "GUEST_IA32_PAT" },
    { "HOST_PAT", "HOST_IA32_PAT" },
    { "GUEST_IA32_SYSENTER", "GUEST_SYSENTER" },
    { "HOST_SYSENTER", "HOST_IA32_SYSENTER" },
    { "TSC_OFFSET_FULL", "TSC_OFFSET" },
    { "_FULL", "" },
};

/* "kGuestCr0" / "GuestCr0" -> "GUEST_CR0"; spaces, '-', '.', "::" -> '_'. */
static void canon(const char *in, size_t n, char *out, size_t size)
{
    size_t o = 0;
    if (n > 1 && in[0] == 'k' && isupper((unsigned char)in[1])) { in++; n--; }   /* kGuestCr0 */
    for (size_t i = 0; i < n && o + 2 < size; i++) {
        char c = in[i];
        if (c == ')') continue;   /* Xen's GUEST_PDPTE(0) */
        if (c == ' ' || c == '-' || c == '.' || c == ':' || c == '_' || c == '(') {
            if (o && out[o - 1] != '_') out[o++] = '_';
            continue;
        }
        if (isupper((unsigned char)c) && i && islower((unsigned char)in[i - 1]) && o && out[o - 1] != '_')
            out[o++] = '_';
        out[o++] = (char)toupper((unsigned char)c);
    }
    while (o && out[o - 1] == '_') o--;
    out[o] = 0;
}

static bool replace(char *s, size_t size, const char *from, const char *to)
{
    char *p = strstr(s, from);
    if (!p) return false;
    size_t fl = strlen(from), tl = strlen(to), sl = strlen(s);
    if (sl - fl + tl + 1 > size) return false;
    if (!strcmp(from, "_AR") && p[3]) return false;   /* only at the end: "GUEST_ES_AR" */
    memmove(p + tl, p + fl, sl - (size_t)(p - s) - fl + 1);
    memcpy(p, to, tl);
    return true;
}

/* The field a name or encoding means; VXA_F_NONE if none. */
static vxa_field field_named(const char *in, size_t n)
{
    while (n && in[0] == ' ') { in++; n--; }
    while (n && in[n - 1] == ' ') n--;
    uint64_t enc;
    if (n > 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X')) {
        size_t k = n;
        while (k > 2 && strchr("uUlL", in[k - 1])) k--;
        return vxa_parse_base(in, k, 16, &enc) || enc > 0xffffffffu ? VXA_F_NONE
                                                                      : vxa_field_by_encoding((uint32_t)enc);
    }
    char name[96], try[96];
    canon(in, n, name, sizeof name);
    const char *const prefixes[] = { "", "VMCS_", "VMX_VMCS_", "VMX_", "VMCS_CTRL_", "VMCS_FIELD_", NULL };
    for (unsigned pass = 0; pass < 2; pass++) {
        for (const char *const *pre = prefixes; *pre; pre++) {
            size_t pl = strlen(*pre);
            if (strncmp(name, *pre, pl)) continue;
            snprintf(try, sizeof try, "%s", name + pl);
            if (!strncmp(try, "CTRL_", 5)) memmove(try, try + 5, strlen(try + 5) + 1);
            vxa_field f = vxa_field_by_name(try);
            if (f != VXA_F_NONE) return f;
            if (pass) {
                for (size_t i = 0; i < sizeof rewrites / sizeof rewrites[0]; i++)
                    replace(try, sizeof try, rewrites[i][0], rewrites[i][1]);
                if ((f = vxa_field_by_name(try)) != VXA_F_NONE) return f;
            }
        }
    }
    return VXA_F_NONE;
}

/* "NAME = value" lines whose NAME looks like a VMCS field although none matched: a warning. */
static bool fieldish(const char *in, size_t n)
{
    static const char *const starts[] = { "GUEST_", "HOST_", "VMCS_", "Guest ", "Host ", NULL };
    for (const char *const *s = starts; *s; s++)
        if (n > strlen(*s) && !strncmp(in, *s, strlen(*s))) return true;
    return false;
}

/* ---- values: a C constant expression ---- */

typedef struct ev { const char *p, *end; const char *why; } ev;

static void sp(ev *e) { while (e->p < e->end && isspace((unsigned char)*e->p)) e->p++; }
static bool eat(ev *e, const char *t)
{
    sp(e);
    size_t n = strlen(t);
    if ((size_t)(e->end - e->p) >= n && !memcmp(e->p, t, n)) {
        if (n == 1 && (t[0] == '<' || t[0] == '>' || t[0] == '|' || t[0] == '&') &&
            e->p + 1 < e->end && e->p[1] == t[0])
            return false;   /* "<" is not "<<", "|" is not "||" */
        e->p += n;
        return true;
    }
    return false;
}

static uint64_t expr(ev *e);

static uint64_t primary(ev *e)
{
    sp(e);
    if (e->why) return 0;
    if (eat(e, "~")) return ~primary(e);
    if (eat(e, "-")) return -primary(e);
    if (eat(e, "+")) return primary(e);
    if (eat(e, "(")) {
        /* a cast: "(u64)", "(uint64_t)", "(unsigned long long)" */
        const char *q = e->p;
        while (q < e->end && (isalnum((unsigned char)*q) || *q == '_' || *q == ' ')) q++;
        if (q < e->end && *q == ')' && q > e->p && !isdigit((unsigned char)*e->p)) {
            static const char *const types[] = { "u8", "u16", "u32", "u64", "uint8_t", "uint16_t", "uint32_t",
                                                 "uint64_t", "unsigned", "unsigned int", "unsigned long",
                                                 "unsigned long long", "long", "int", "size_t", "uintptr_t",
                                                 "UINT64", "UINT32", "ULONG64", "ULONG", "ULONG_PTR", "DWORD64",
                                                 "u_int64_t", "natural_width", NULL };
            for (const char *const *t = types; *t; t++) {
                size_t n = strlen(*t);
                const char *r = q;
                while (r > e->p && r[-1] == ' ') r--;
                if ((size_t)(r - e->p) == n && !memcmp(e->p, *t, n)) { e->p = q + 1; return primary(e); }
            }
        }
        uint64_t v = expr(e);
        if (!eat(e, ")") && !e->why) e->why = "a ')' is missing";
        return v;
    }
    if (isdigit((unsigned char)*e->p)) {
        const char *s = e->p;
        unsigned base = 10;
        if (*s == '0' && s + 1 < e->end && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
        else if (*s == '0' && s + 1 < e->end && (s[1] == 'b' || s[1] == 'B')) { base = 2; s += 2; }
        else if (*s == '0' && s + 1 < e->end && isdigit((unsigned char)s[1])) { base = 8; s++; }
        const char *d = s;
        while (d < e->end && isxdigit((unsigned char)*d)) d++;
        uint64_t v;
        if (d == s || vxa_parse_base(s, (size_t)(d - s), base, &v)) { e->why = "not a number"; return 0; }
        while (d < e->end && strchr("uUlL", *d)) d++;   /* C suffixes: u, UL, ULL, ull */
        if (d < e->end && (isalnum((unsigned char)*d) || *d == '_')) { e->why = "not a number"; return 0; }
        e->p = d;
        return v;
    }
    if (isalpha((unsigned char)*e->p) || *e->p == '_') {
        const char *s = e->p;
        while (e->p < e->end && (isalnum((unsigned char)*e->p) || *e->p == '_')) e->p++;
        size_t n = (size_t)(e->p - s);
        if ((n == 3 && !memcmp(s, "BIT", 3)) || (n == 7 && !memcmp(s, "BIT_ULL", 7))) {
            if (!eat(e, "(")) { e->why = "BIT without '('"; return 0; }
            uint64_t b = expr(e);
            if (!eat(e, ")") && !e->why) e->why = "a ')' is missing";
            if (b > 63 && !e->why) e->why = "BIT(n) with n > 63";
            return e->why ? 0 : 1ULL << b;
        }
        e->why = "not a constant (computed at run time: capture it with the vmwrite logging hook)";
        return 0;
    }
    e->why = "not a constant expression";
    return 0;
}

static uint64_t shift(ev *e)
{
    uint64_t v = primary(e);
    for (;;) {
        if (eat(e, "<<")) { uint64_t b = primary(e); v = b > 63 ? 0 : v << b; }
        else if (eat(e, ">>")) { uint64_t b = primary(e); v = b > 63 ? 0 : v >> b; }
        else if (eat(e, "+")) v += shift(e);
        else if (eat(e, "-")) v -= primary(e);
        else return v;
    }
}

static uint64_t expr(ev *e)
{
    uint64_t v = shift(e);
    for (;;) {
        if (eat(e, "|")) v |= shift(e);
        else if (eat(e, "&")) v &= shift(e);
        else if (eat(e, "^")) v ^= shift(e);
        else return v;
    }
}

/* 0 and *out, or -1 and *why. */
static int evaluate(const char *s, size_t n, uint64_t *out, const char **why)
{
    ev e = { s, s + n, NULL };
    uint64_t v = expr(&e);
    sp(&e);
    if (!e.why && e.p < e.end) e.why = "not a constant expression";
    if (e.why) { *why = e.why; return -1; }
    *out = v;
    return 0;
}

/* ---- lines ---- */

/* A call "NAME(field, value)" whose NAME writes the VMCS: its argument list, or NULL. */
static const char *write_call(const char *s, const char **args_end)
{
    for (const char *p = s; *p; p++) {
        if (!(isalpha((unsigned char)*p) || *p == '_') || (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
            continue;
        const char *q = p;
        while (isalnum((unsigned char)*q) || *q == '_') q++;
        char name[48];
        size_t n = (size_t)(q - p);
        if (n >= sizeof name) { p = q - 1; continue; }
        for (size_t i = 0; i < n; i++) name[i] = (char)tolower((unsigned char)p[i]);
        name[n] = 0;
        const char *r = q;
        while (*r == ' ') r++;
        if (*r == '(' && (strstr(name, "vmwrite") || strstr(name, "vmcs_write") || strstr(name, "write_vmcs") ||
                          strstr(name, "vmcs_set") || strstr(name, "vmx_write"))) {
            int depth = 0;
            const char *a = r;
            for (; *a; a++) {
                if (*a == '(') depth++;
                else if (*a == ')' && !--depth) break;
            }
            if (!*a) return NULL;
            *args_end = a;
            return r + 1;
        }
        p = q - 1;
    }
    return NULL;
}

bool vxa_vmwrite_line_like(const char *s)
{
    const char *end;
    if (write_call(s, &end)) return true;
    const char *eq = strpbrk(s, "=:");
    return eq && eq > s && eq[1] != '=' && field_named(s, (size_t)(eq - s)) != VXA_F_NONE;
}

typedef struct vw {
    const char *file;
    vxa_vmcs *v;
    vxa_dump_info *info;
    unsigned line, nlines;
} vw;

static void warn(vw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(vw *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vxa_dump_vwarn(w->info, w->line, fmt, ap);
    va_end(ap);
}

static void one(vw *w, const char *f, size_t fn, const char *val, size_t vn, bool call)
{
    while (fn && f[0] == ' ') { f++; fn--; }
    while (fn && f[fn - 1] == ' ') fn--;
    while (vn && val[0] == ' ') { val++; vn--; }
    while (vn && (val[vn - 1] == ' ' || val[vn - 1] == ';' || val[vn - 1] == ',')) vn--;
    vxa_field fl = field_named(f, fn);
    if (fl == VXA_F_NONE) {
        if (call || fieldish(f, fn))
            warn(w, "'%.*s' is no VMCS field this tool knows (vmxaudit fields lists them); line left out",
                 (int)(fn > 60 ? 60 : fn), f);
        return;
    }
    const char *name = vxa_field_get(fl)->name, *why;
    uint64_t v;
    w->nlines++;
    if (evaluate(val, vn, &v, &why)) {
        warn(w, "%s = '%.*s': %s; %s not captured", name, (int)(vn > 60 ? 60 : vn), val, why, name);
        vxa_unset(w->v, fl);
        return;
    }
    if (v & ~vxa_field_mask(fl)) {
        warn(w, "%s = 0x%llx is wider than the field; %s not captured", name, (unsigned long long)v, name);
        vxa_unset(w->v, fl);
        return;
    }
    vxa_set(w->v, fl, v);
}

int vxa_import_vmwrite(const char *text, size_t len, const char *file, vxa_vmcs *v,
                       vxa_dump_info *info, vxa_error *err)
{
    static vxa_dump_info dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_vmcs_init(v);
    vxa_ntext t;
    if (vxa_normalize(text, len, &t)) return vxa_ierr(err, file, 0, "out of memory");
    vw w = { file, v, info, 0, 0 };
    for (unsigned i = 0; i < t.n; i++) {
        const char *s = t.line[i].s, *end;
        w.line = t.line[i].lineno;
        if (!*s || !strncmp(s, "//", 2) || !strncmp(s, "/*", 2) || *s == '#' || *s == '*') continue;
        const char *args = write_call(s, &end);
        if (args) {
            /* split at the first top-level comma */
            int depth = 0;
            const char *c = args;
            for (; c < end; c++) {
                if (*c == '(') depth++;
                else if (*c == ')') depth--;
                else if (*c == ',' && !depth) break;
            }
            if (c >= end) { warn(&w, "a vmwrite call without a value: '%.60s'; line left out", s); continue; }
            if (!info->line) info->line = w.line;
            one(&w, args, (size_t)(c - args), c + 1, (size_t)(end - c - 1), true);
            continue;
        }
        /* "GUEST_CR0 = 0x...", "Guest CR0: 0x...": the name before the first '=' or ':' */
        const char *eq = strpbrk(s, "=:");
        if (!eq || eq == s || eq[1] == '=' || (eq[0] == ':' && eq[1] == ':')) continue;
        const char *val = eq + 1;
        size_t vn = strlen(val);
        const char *cm = strstr(val, "//");
        if (!cm) cm = strstr(val, "/*");
        if (cm) vn = (size_t)(cm - val);
        if (field_named(s, (size_t)(eq - s)) != VXA_F_NONE && !info->line) info->line = w.line;
        one(&w, s, (size_t)(eq - s), val, vn, false);
    }
    vxa_ntext_free(&t);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) info->nfields += vxa_is_set(v, (vxa_field)f);
    info->ndumps = info->nfields || w.nlines ? 1 : 0;
    info->nexpected = 0;   /* a list gives what its author wrote: no yardstick */
    if (!w.nlines)
        return vxa_ierr(err, file, 1, "no vmwrite line found: expected lines such as 'vmwrite(GUEST_CR0, "
                        "0x80050033)', '__vmwrite(0x6800, val)', 'GUEST_CR0 = 0x80050033' or "
                        "'Guest CR0: 0x80050033'");
    return 0;
}
