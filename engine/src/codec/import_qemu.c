/* import_qemu.c — the guest registers QEMU prints after "KVM: entry failed, hardware error 0x..."
 * (its CPU state dump, 64-bit "RAX=..." or 32-bit "EAX=..." layout), into the VMCS fields they
 * correspond to (docs/importers.md):
 *   RIP/EIP, RSP/ESP, RFL/EFL      GUEST_RIP, GUEST_RSP, GUEST_RFLAGS
 *   ES..GS, LDT, TR = sel base limit flags     GUEST_<seg>_SELECTOR/_BASE/_LIMIT/_AR_BYTES
 *   GDT/IDT = base limit           GUEST_GDTR/IDTR_BASE/_LIMIT
 *   CR0, CR3, CR4, DR7, EFER       GUEST_CR0, GUEST_CR3, GUEST_CR4, GUEST_DR7, GUEST_IA32_EFER
 * The segment column holds descriptor flags (the descriptor's high dword, bits 8-23), not VMCS
 * access rights: AR = (flags >> 8) & 0xf0ff (type, S, DPL, P in bits 7:0; AVL, L, D/B, G in bits
 * 15:12, SDM Table 25-2).  "Unusable" (AR bit 16) is not printed; KVM marks a segment unusable
 * when it is not present, and so does this conversion: P = 0 gives AR = 0x10000.  There are no
 * control fields and no host state in the dump: everything else is left out.  The CR0/CR4 QEMU
 * prints are KVM's view of the guest's registers, which is the VMCS's except for bits KVM owns. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "import_internal.h"

static const char *const seg_qemu[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR", NULL };
static const char *const seg_vmcs[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };

static const char *const regs[][2] = {
    { "RIP", "GUEST_RIP" }, { "EIP", "GUEST_RIP" }, { "RSP", "GUEST_RSP" }, { "ESP", "GUEST_RSP" },
    { "RFL", "GUEST_RFLAGS" }, { "EFL", "GUEST_RFLAGS" }, { "CR0", "GUEST_CR0" }, { "CR3", "GUEST_CR3" },
    { "CR4", "GUEST_CR4" }, { "DR7", "GUEST_DR7" }, { "EFER", "GUEST_IA32_EFER" },
};

typedef struct qd { const char *file; vxa_vmcs *v; vxa_dump_info *info; unsigned line; } qd;

static void warn(qd *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(qd *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vxa_dump_vwarn(q->info, q->line, fmt, ap);
    va_end(ap);
}

static void set(qd *q, const char *name, uint64_t v)
{
    vxa_field f = vxa_field_by_name(name);
    if (f == VXA_F_NONE) return;
    if (v & ~vxa_field_mask(f)) {
        warn(q, "value 0x%llx is wider than the field %s; left out", (unsigned long long)v, name);
        return;
    }
    if (!vxa_is_set(q->v, f)) q->info->nfields++;
    vxa_set(q->v, f, v);
}

/* The next whitespace-separated token: its length, 0 at the end. */
static size_t token(const char **s)
{
    while (**s == ' ') (*s)++;
    size_t n = 0;
    while ((*s)[n] && (*s)[n] != ' ') n++;
    return n;
}

/* "CS =f000 00000000ffff0000 0000ffff 00009b00 DPL=0 CS16 [-RA]", "GDT=     base limit". */
static bool segment(qd *q, const char *s)
{
    size_t kl = 0;
    while (isalpha((unsigned char)s[kl])) kl++;
    const char *r = s + kl;
    while (*r == ' ') r++;
    if (*r != '=') return false;
    r++;
    bool dtr = (kl == 3 && (!strncmp(s, "GDT", 3) || !strncmp(s, "IDT", 3)));
    int which = -1;
    for (int i = 0; seg_qemu[i]; i++)
        if (strlen(seg_qemu[i]) == kl && !strncmp(s, seg_qemu[i], kl)) which = i;
    if (!dtr && which < 0) return false;
    uint64_t val[4];
    unsigned want = dtr ? 2 : 4;
    for (unsigned i = 0; i < want; i++) {
        size_t n = token(&r);
        if (!n || vxa_parse_base(r, n, 16, &val[i])) {
            warn(q, "'%.*s=': expected %s in hex; left out", (int)kl, s, dtr ? "base limit" : "selector base limit flags");
            return true;
        }
        r += n;
    }
    char name[40];
    if (dtr) {
        snprintf(name, sizeof name, "GUEST_%.3sR_BASE", s);
        set(q, name, val[0]);
        snprintf(name, sizeof name, "GUEST_%.3sR_LIMIT", s);
        set(q, name, val[1]);
        return true;
    }
    const char *g = seg_vmcs[which];
    uint64_t flags = val[3];
    uint64_t ar = (flags >> 15) & 1 ? (flags >> 8) & 0xf0ff : 0x10000;   /* P = 0: unusable */
    snprintf(name, sizeof name, "GUEST_%s_SELECTOR", g);
    set(q, name, val[0]);
    snprintf(name, sizeof name, "GUEST_%s_BASE", g);
    set(q, name, val[1]);
    snprintf(name, sizeof name, "GUEST_%s_LIMIT", g);
    set(q, name, val[2]);
    snprintf(name, sizeof name, "GUEST_%s_AR_BYTES", g);
    set(q, name, ar);
    return true;
}

/* "RIP=000000000000fff0 RFL=00000002 [-------] CPL=0 II=0 ...", "CR0=60000010 CR2=... CR3=...". */
static bool pairs(qd *q, const char *s)
{
    bool any = false;
    char line[512];
    /* "R8 =..." -> "R8=...": the padding before '=' */
    size_t o = 0;
    for (const char *p = s; *p && o + 1 < sizeof line; p++) {
        if (*p == ' ' && p[1] == '=') continue;
        line[o++] = *p;
    }
    line[o] = 0;
    const char *r = line;
    size_t n;
    while ((n = token(&r))) {
        const char *eq = memchr(r, '=', n);
        if (eq) {
            size_t kl = (size_t)(eq - r);
            for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
                if (strlen(regs[i][0]) != kl || strncmp(r, regs[i][0], kl)) continue;
                uint64_t v;
                if (vxa_parse_base(eq + 1, n - kl - 1, 16, &v))
                    warn(q, "'%.*s': expected a hex number; %s left out", (int)(n > 60 ? 60 : n), r, regs[i][1]);
                else
                    set(q, regs[i][1], v);
            }
            if (kl >= 2 && isupper((unsigned char)r[0])) any = true;
        }
        r += n;
    }
    return any;
}

int vxa_import_qemu(const char *text, size_t len, const char *file, vxa_vmcs *v, vxa_dump_info *info,
                    vxa_error *err)
{
    static vxa_dump_info dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_vmcs_init(v);
    vxa_ntext t;
    if (vxa_normalize(text, len, &t)) return vxa_ierr(err, file, 0, "out of memory");
    qd q = { file, v, info, 0 };
    bool in = false;
    unsigned ndumps = 0;
    uint32_t reason = 0;
    bool has_reason = false;
    for (unsigned i = 0; i < t.n; i++) {
        const char *s = t.line[i].s;
        q.line = t.line[i].lineno;
        unsigned long long hw;
        const char *k = strstr(s, "KVM: entry failed, hardware error ");
        bool start = (!strncmp(s, "RAX=", 4) || !strncmp(s, "EAX=", 4)) && !in;
        if (k || start) {   /* a new dump: the last one wins */
            if (k && sscanf(k, "KVM: entry failed, hardware error %llx", &hw) == 1) {
                reason = (uint32_t)hw;
                has_reason = true;
            }
            if (k || !in) {
                memset(info, 0, sizeof *info);
                vxa_vmcs_init(v);
                info->ndumps = ++ndumps;
                info->line = q.line;
                if (has_reason) {
                    info->has_exit = true;
                    info->exit_reason = reason;
                    info->exit_qualification_unknown = true;
                }
                has_reason = false;
                in = true;
            }
            if (k) continue;
        }
        if (!in || !*s) continue;
        if (!strncmp(s, "Code=", 5)) { in = false; continue; }   /* the end of QEMU's dump */
        if (segment(&q, s)) continue;
        if (pairs(&q, s)) continue;
    }
    vxa_ntext_free(&t);
    if (!ndumps)
        return vxa_ierr(err, file, 1, "no QEMU register dump found: expected the lines QEMU prints "
                        "after 'KVM: entry failed, hardware error 0x...' (RAX=..., ES =..., CR0=...)");
    info->nexpected = 8 * 4 + 2 * 2 + 8;
    if (!info->nfields)
        return vxa_ierr(err, file, info->line, "the dump starting here gives no VMCS field");
    return 0;
}
