/* import_vmcs_dump.c — VMCS layouts from the text dumps hypervisors print when a VM entry fails:
 * KVM's dump_vmcs() (in dmesg) and Xen's vmcs_dump_vcpu() ('debug-key v' / crash output).  Both
 * print three blocks, "*** Guest State ***", "*** Host State ***", "*** Control State ***", of
 * "Key=value" / "Key = value" pairs, "CTX: key=value, ..." lines (CR0:, CS:, VMEntry:, ...) and
 * Xen also "CS: sel attr limit base" columns.  Written from the formats as printed, not from
 * either project's code.  The text goes through the normalisation layer (import_normalize.c)
 * first.  Inside the dump, a key we know with a malformed value and a line we do not recognise
 * are warnings naming the line (the field stays unset); unrecognised lines after the dump's last
 * recognised line are text after the dump and ignored, as is everything before it.  Only a text
 * without a dump fails.  A field the dump does not print stays unset. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "import_internal.h"

enum { S_NONE, S_GUEST, S_HOST, S_CTRL };
enum { KVM = 1, XEN = 2, BOTH = 3 };
enum { H_FIELD, H_PAIR, H_SVI_RVI, H_EXIT_REASON, H_EXIT_QUAL, H_GUEST_EFER, H_READ_ONLY };

typedef struct key {
    uint8_t formats, section;
    const char *ctx;          /* the "CTX:" the line starts with, or "" */
    const char *key;
    const char *field, *field2;
    uint8_t how;
} key;

static const key keys[] = {
    { BOTH, S_GUEST, "CR0", "actual", "GUEST_CR0", 0, H_FIELD },
    { BOTH, S_GUEST, "CR0", "shadow", "CR0_READ_SHADOW", 0, H_FIELD },
    { BOTH, S_GUEST, "CR0", "gh_mask", "CR0_GUEST_HOST_MASK", 0, H_FIELD },
    { BOTH, S_GUEST, "CR4", "actual", "GUEST_CR4", 0, H_FIELD },
    { BOTH, S_GUEST, "CR4", "shadow", "CR4_READ_SHADOW", 0, H_FIELD },
    { BOTH, S_GUEST, "CR4", "gh_mask", "CR4_GUEST_HOST_MASK", 0, H_FIELD },
    { BOTH, S_GUEST, "", "CR3", "GUEST_CR3", 0, H_FIELD },
    { KVM, S_GUEST, "", "PDPTR0", "GUEST_PDPTR0", 0, H_FIELD },
    { KVM, S_GUEST, "", "PDPTR1", "GUEST_PDPTR1", 0, H_FIELD },
    { KVM, S_GUEST, "", "PDPTR2", "GUEST_PDPTR2", 0, H_FIELD },
    { KVM, S_GUEST, "", "PDPTR3", "GUEST_PDPTR3", 0, H_FIELD },
    { XEN, S_GUEST, "", "PDPTE0", "GUEST_PDPTR0", 0, H_FIELD },
    { XEN, S_GUEST, "", "PDPTE1", "GUEST_PDPTR1", 0, H_FIELD },
    { XEN, S_GUEST, "", "PDPTE2", "GUEST_PDPTR2", 0, H_FIELD },
    { XEN, S_GUEST, "", "PDPTE3", "GUEST_PDPTR3", 0, H_FIELD },
    { BOTH, S_GUEST, "", "RSP", "GUEST_RSP", 0, H_FIELD },
    { BOTH, S_GUEST, "", "RIP", "GUEST_RIP", 0, H_FIELD },
    { BOTH, S_GUEST, "", "RFLAGS", "GUEST_RFLAGS", 0, H_FIELD },
    { BOTH, S_GUEST, "", "DR7", "GUEST_DR7", 0, H_FIELD },
    { BOTH, S_GUEST, "", "Sysenter RSP", "GUEST_SYSENTER_ESP", 0, H_FIELD },
    { BOTH, S_GUEST, "", "CS:RIP", "GUEST_SYSENTER_CS", "GUEST_SYSENTER_EIP", H_PAIR },
    { KVM, S_GUEST, "", "EFER", "GUEST_IA32_EFER", 0, H_GUEST_EFER },
    { XEN, S_GUEST, "", "EFER(VMCS)", "GUEST_IA32_EFER", 0, H_FIELD },
    { XEN, S_GUEST, "", "EFER", "GUEST_IA32_EFER", 0, H_FIELD },
    { BOTH, S_GUEST, "", "PAT", "GUEST_IA32_PAT", 0, H_FIELD },
    { BOTH, S_GUEST, "", "DebugCtl", "GUEST_IA32_DEBUGCTL", 0, H_FIELD },
    { BOTH, S_GUEST, "", "DebugExceptions", "GUEST_PENDING_DBG_EXCEPTIONS", 0, H_FIELD },
    { BOTH, S_GUEST, "", "PerfGlobCtl", "GUEST_IA32_PERF_GLOBAL_CTRL", 0, H_FIELD },
    { BOTH, S_GUEST, "", "BndCfgS", "GUEST_BNDCFGS", 0, H_FIELD },
    { BOTH, S_GUEST, "", "Interruptibility", "GUEST_INTERRUPTIBILITY_INFO", 0, H_FIELD },
    { BOTH, S_GUEST, "", "ActivityState", "GUEST_ACTIVITY_STATE", 0, H_FIELD },
    { BOTH, S_GUEST, "", "InterruptStatus", "GUEST_INTR_STATUS", 0, H_FIELD },
    { BOTH, S_GUEST, "", "S_CET", "GUEST_S_CET", 0, H_FIELD },
    { BOTH, S_GUEST, "", "SSP", "GUEST_SSP", 0, H_FIELD },
    { BOTH, S_GUEST, "", "SSP TABLE", "GUEST_INTR_SSP_TABLE", 0, H_FIELD },
    { BOTH, S_GUEST, "", "INTR SSP TABLE", "GUEST_INTR_SSP_TABLE", 0, H_FIELD },
    { BOTH, S_GUEST, "", "PKRS", "GUEST_IA32_PKRS", 0, H_FIELD },
    { BOTH, S_GUEST, "", "RTIT_CTL", "GUEST_IA32_RTIT_CTL", 0, H_FIELD },
    { XEN, S_GUEST, "", "PreemptionTimer", "VMX_PREEMPTION_TIMER_VALUE", 0, H_FIELD },
    { XEN, S_GUEST, "", "SM Base", "GUEST_SMBASE", 0, H_FIELD },

    { BOTH, S_HOST, "", "RIP", "HOST_RIP", 0, H_FIELD },
    { BOTH, S_HOST, "", "RSP", "HOST_RSP", 0, H_FIELD },
    { BOTH, S_HOST, "", "CS", "HOST_CS_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "SS", "HOST_SS_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "DS", "HOST_DS_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "ES", "HOST_ES_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "FS", "HOST_FS_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "GS", "HOST_GS_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "TR", "HOST_TR_SELECTOR", 0, H_FIELD },
    { BOTH, S_HOST, "", "FSBase", "HOST_FS_BASE", 0, H_FIELD },
    { BOTH, S_HOST, "", "GSBase", "HOST_GS_BASE", 0, H_FIELD },
    { BOTH, S_HOST, "", "TRBase", "HOST_TR_BASE", 0, H_FIELD },
    { BOTH, S_HOST, "", "GDTBase", "HOST_GDTR_BASE", 0, H_FIELD },
    { BOTH, S_HOST, "", "IDTBase", "HOST_IDTR_BASE", 0, H_FIELD },
    { BOTH, S_HOST, "", "CR0", "HOST_CR0", 0, H_FIELD },
    { BOTH, S_HOST, "", "CR3", "HOST_CR3", 0, H_FIELD },
    { BOTH, S_HOST, "", "CR4", "HOST_CR4", 0, H_FIELD },
    { BOTH, S_HOST, "", "Sysenter RSP", "HOST_IA32_SYSENTER_ESP", 0, H_FIELD },
    { BOTH, S_HOST, "", "CS:RIP", "HOST_IA32_SYSENTER_CS", "HOST_IA32_SYSENTER_EIP", H_PAIR },
    { BOTH, S_HOST, "", "EFER", "HOST_IA32_EFER", 0, H_FIELD },
    { BOTH, S_HOST, "", "PAT", "HOST_IA32_PAT", 0, H_FIELD },
    { BOTH, S_HOST, "", "PerfGlobCtl", "HOST_IA32_PERF_GLOBAL_CTRL", 0, H_FIELD },
    { BOTH, S_HOST, "", "S_CET", "HOST_S_CET", 0, H_FIELD },
    { BOTH, S_HOST, "", "SSP", "HOST_SSP", 0, H_FIELD },
    { BOTH, S_HOST, "", "SSP TABLE", "HOST_INTR_SSP_TABLE", 0, H_FIELD },
    { BOTH, S_HOST, "", "INTR SSP TABLE", "HOST_INTR_SSP_TABLE", 0, H_FIELD },
    { BOTH, S_HOST, "", "PKRS", "HOST_IA32_PKRS", 0, H_FIELD },

    { BOTH, S_CTRL, "", "PinBased", "PIN_BASED_VM_EXEC_CONTROL", 0, H_FIELD },
    { BOTH, S_CTRL, "", "CPUBased", "CPU_BASED_VM_EXEC_CONTROL", 0, H_FIELD },
    { BOTH, S_CTRL, "", "SecondaryExec", "SECONDARY_VM_EXEC_CONTROL", 0, H_FIELD },
    { BOTH, S_CTRL, "", "TertiaryExec", "TERTIARY_VM_EXEC_CONTROL", 0, H_FIELD },
    { BOTH, S_CTRL, "", "EntryControls", "VM_ENTRY_CONTROLS", 0, H_FIELD },
    { BOTH, S_CTRL, "", "ExitControls", "VM_EXIT_CONTROLS", 0, H_FIELD },
    { BOTH, S_CTRL, "", "ExceptionBitmap", "EXCEPTION_BITMAP", 0, H_FIELD },
    { BOTH, S_CTRL, "", "PFECmask", "PAGE_FAULT_ERROR_CODE_MASK", 0, H_FIELD },
    { BOTH, S_CTRL, "", "PFECmatch", "PAGE_FAULT_ERROR_CODE_MATCH", 0, H_FIELD },
    { BOTH, S_CTRL, "VMEntry", "intr_info", "VM_ENTRY_INTR_INFO_FIELD", 0, H_FIELD },
    { BOTH, S_CTRL, "VMEntry", "errcode", "VM_ENTRY_EXCEPTION_ERROR_CODE", 0, H_FIELD },
    { BOTH, S_CTRL, "VMEntry", "ilen", "VM_ENTRY_INSTRUCTION_LEN", 0, H_FIELD },
    { BOTH, S_CTRL, "VMExit", "reason", NULL, 0, H_EXIT_REASON },
    { BOTH, S_CTRL, "VMExit", "qualification", NULL, 0, H_EXIT_QUAL },
    /* VM-exit information of the last exit, read-only: known, not imported */
    { BOTH, S_CTRL, "VMExit", "intr_info", NULL, 0, H_READ_ONLY },
    { BOTH, S_CTRL, "VMExit", "errcode", NULL, 0, H_READ_ONLY },
    { BOTH, S_CTRL, "VMExit", "ilen", NULL, 0, H_READ_ONLY },
    { BOTH, S_CTRL, "IDTVectoring", "info", NULL, 0, H_READ_ONLY },
    { BOTH, S_CTRL, "IDTVectoring", "errcode", NULL, 0, H_READ_ONLY },
    { BOTH, S_CTRL, "", "TSC Offset", "TSC_OFFSET", 0, H_FIELD },
    { BOTH, S_CTRL, "", "TSC Multiplier", "TSC_MULTIPLIER", 0, H_FIELD },
    { KVM, S_CTRL, "", "SVI|RVI", "GUEST_INTR_STATUS", 0, H_SVI_RVI },
    { BOTH, S_CTRL, "", "TPR Threshold", "TPR_THRESHOLD", 0, H_FIELD },
    { KVM, S_CTRL, "", "APIC-access addr", "APIC_ACCESS_ADDR", 0, H_FIELD },
    { KVM, S_CTRL, "", "virt-APIC addr", "VIRTUAL_APIC_PAGE_ADDR", 0, H_FIELD },
    { BOTH, S_CTRL, "", "PostedIntrVec", "POSTED_INTR_NV", 0, H_FIELD },
    { BOTH, S_CTRL, "", "EPT pointer", "EPT_POINTER", 0, H_FIELD },
    { XEN, S_CTRL, "", "EPTP index", "EPTP_INDEX", 0, H_FIELD },
    { BOTH, S_CTRL, "", "PLE Gap", "PLE_GAP", 0, H_FIELD },
    { BOTH, S_CTRL, "", "Window", "PLE_WINDOW", 0, H_FIELD },
    { BOTH, S_CTRL, "", "Virtual processor ID", "VIRTUAL_PROCESSOR_ID", 0, H_FIELD },
    { XEN, S_CTRL, "", "VMfunc controls", "VM_FUNCTION_CONTROL", 0, H_FIELD },
    { KVM, S_CTRL, "", "VE info address", "VE_INFORMATION_ADDRESS", 0, H_FIELD },
};

static const char *const segs[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR", "GDTR", "IDTR", NULL };
/* "CTX:" words whose lines belong to the dump although nothing of them is imported */
static const char *const known_ctx[] = { "CR0", "CR4", "VMEntry", "VMExit", "IDTVectoring", NULL };

typedef struct dump {
    unsigned format;
    const char *file;
    vxa_vmcs *v;
    vxa_dump_info *info;
    unsigned line, section;
    bool msr_guest;           /* inside the "MSR guest autoload:" list */
    char last_ctx[16];        /* KVM's "VMExit:" continues on the next line */
    unsigned npairs;          /* key=value pairs (and columns) recognised: a wrapped line's test */
} dump;

static const char *section_name(unsigned s)
{
    return s == S_GUEST ? "Guest State" : s == S_HOST ? "Host State" : "Control State";
}

static void warn(dump *d, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(dump *d, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vxa_dump_vwarn(d->info, line, fmt, ap);
    va_end(ap);
}

/* Returns 1: the key is recognised (a value that does not fit is a warning, the field unset). */
static int set_field(dump *d, const char *name, uint64_t v, const char *key)
{
    vxa_field f = vxa_field_by_name(name);
    if (f == VXA_F_NONE) return 1;
    if (v & ~vxa_field_mask(f)) {
        warn(d, d->line, "%s: value 0x%llx of '%s' is wider than the field %s; %s left out",
             section_name(d->section), (unsigned long long)v, key, name, name);
        return 1;
    }
    if (!vxa_is_set(d->v, f)) d->info->nfields++;
    vxa_set(d->v, f, v);
    return 1;
}

static int bad_value(dump *d, const char *ctx, const char *k, const char *val, const char *what)
{
    warn(d, d->line, "%s: '%s%s%s': expected %s, found '%s'; left out", section_name(d->section), ctx,
         *ctx ? ": " : "", k, what, val);
    return 1;
}

static bool hex(dump *d, const char *ctx, const char *k, const char *val, uint64_t *out)
{
    if (!vxa_parse_base(val, strlen(val), 16, out)) return true;
    bad_value(d, ctx, k, val, "a hex number");
    return false;
}

/* One pair: the key's entry in the table, if any, is applied.  1 recognised, 0 not. */
static int apply(dump *d, const char *ctx, const char *k, const char *val, const char *note)
{
    /* guest segment registers: "CS: sel=..., attr=..., limit=..., base=..." */
    if (d->section == S_GUEST && *ctx)
        for (const char *const *s = segs; *s; s++) {
            if (strcmp(ctx, *s)) continue;
            static const char *const parts[][2] = { { "sel", "SELECTOR" }, { "attr", "AR_BYTES" },
                                                   { "limit", "LIMIT" }, { "base", "BASE" } };
            for (unsigned i = 0; i < 4; i++)
                if (!strcmp(k, parts[i][0])) {
                    char name[40];
                    uint64_t v;
                    snprintf(name, sizeof name, "GUEST_%s_%s", *s, parts[i][1]);
                    if (!hex(d, ctx, k, val, &v)) return 1;
                    return set_field(d, name, v, k);
                }
            return 0;
        }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const key *e = &keys[i];
        if (!(e->formats & d->format) || e->section != d->section || strcmp(e->ctx, ctx) ||
            strcmp(e->key, k))
            continue;
        uint64_t v, v2;
        const char *sep;
        switch (e->how) {
        case H_PAIR:   /* "0010:ffffffff81a00000" */
            if (!(sep = strchr(val, ':')) || vxa_parse_base(val, (size_t)(sep - val), 16, &v) ||
                vxa_parse_base(sep + 1, strlen(sep + 1), 16, &v2))
                return bad_value(d, ctx, k, val, "SEL:ADDRESS in hex");
            set_field(d, e->field, v, k);
            return set_field(d, e->field2, v2, k);
        case H_SVI_RVI:   /* "SVI|RVI = 00|00": guest interrupt status, SVI in bits 15:8 */
            if (!(sep = strchr(val, '|')) || vxa_parse_base(val, (size_t)(sep - val), 16, &v) ||
                vxa_parse_base(sep + 1, strlen(sep + 1), 16, &v2) || v > 0xff || v2 > 0xff)
                return bad_value(d, ctx, k, val, "SVI|RVI as two hex bytes");
            return set_field(d, e->field, v << 8 | v2, k);
        case H_EXIT_REASON:
            if (!hex(d, ctx, k, val, &v)) return 1;
            d->info->has_exit = true;
            d->info->exit_reason = (uint32_t)v;
            return 1;
        case H_EXIT_QUAL:
            if (!hex(d, ctx, k, val, &v)) return 1;
            d->info->exit_qualification = v;
            return 1;
        case H_READ_ONLY:
            return 1;
        case H_GUEST_EFER:
            /* "(effective)"/"(autoload)": computed by KVM, not GUEST_IA32_EFER of the VMCS */
            if (!hex(d, ctx, k, val, &v)) return 1;
            if (note && *note) { d->info->efer_not_vmcs = true; return 1; }
            return set_field(d, e->field, v, k);
        default:
            if (!hex(d, ctx, k, val, &v)) return 1;
            return set_field(d, e->field, v, k);
        }
    }
    return 0;
}

static bool valchar(char c)
{
    return isxdigit((unsigned char)c) || c == 'x' || c == 'X' || c == ':' || c == '|';
}

/* Xen's column layout: "CS: 0010 0a09b ffffffff 0000000000000000", "GDTR: 0000007f ffff...". */
static int columns(dump *d, const char *ctx, const char *s)
{
    bool dtr = !strcmp(ctx, "GDTR") || !strcmp(ctx, "IDTR");
    static const char *const names[] = { "sel", "attr", "limit", "base" };
    unsigned i = dtr ? 2 : 0;
    char tok[40];
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        size_t n = strcspn(s, " ,");
        if (i >= 4 || n >= sizeof tok) {
            warn(d, d->line, "%s: '%s:': expected %s, found more; the rest of the line left out",
                 section_name(d->section), ctx, dtr ? "limit base" : "sel attr limit base");
            return 1;
        }
        memcpy(tok, s, n);
        tok[n] = 0;
        d->npairs += (unsigned)apply(d, ctx, names[i++], tok, NULL);
        s += n;
    }
    return 1;
}

static bool in_list(const char *const *l, const char *s)
{
    for (; *l; l++)
        if (!strcmp(*l, s)) return true;
    return false;
}

/* 1: the line is one of the dump's (imported, or known and not imported), 0: not recognised. */
static int parse_pairs(dump *d, const char *ctx, const char *s)
{
    char k[64], val[64], note[64];
    bool any = false;
    int rec = *ctx && (in_list(segs, ctx) || in_list(known_ctx, ctx));
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        const char *eq = strchr(s, '=');
        if (!eq) {
            if (!any && in_list(segs, ctx) && d->section == S_GUEST) return columns(d, ctx, s);
            return rec;   /* trailing words (a symbol name, a comment): nothing to import */
        }
        size_t kl = (size_t)(eq - s);
        while (kl && s[kl - 1] == ' ') kl--;
        if (kl >= sizeof k) kl = sizeof k - 1;
        memcpy(k, s, kl);
        k[kl] = 0;
        s = eq + 1;
        while (*s == ' ') s++;
        size_t vl = 0;
        while (valchar(s[vl])) vl++;
        bool bad = !vl || vl >= sizeof val || (s[vl] && s[vl] != ' ' && s[vl] != ',' && s[vl] != '(');
        if (bad) {
            snprintf(val, sizeof val, "%.*s", (int)strcspn(s, " ,"), s);
            if (apply(d, ctx, k, "", NULL)) {   /* a key we know: say what was wrong */
                d->info->nwarnings--;           /* (the empty value's warning, replaced) */
                bad_value(d, ctx, k, val, "a hex number");
                rec = 1;
                d->npairs++;
            }
            return rec;   /* the rest of the line cannot be split reliably */
        }
        memcpy(val, s, vl);
        val[vl] = 0;
        s += vl;
        while (*s == ' ') s++;
        note[0] = 0;
        if (*s == '(') {   /* "(effective)", Xen's "(0x...)" and "(symbol)" */
            const char *e = strchr(s, ')');
            size_t nl = e ? (size_t)(e - s - 1) : strlen(s + 1);
            snprintf(note, sizeof note, "%.*s", (int)(nl < sizeof note ? nl : sizeof note - 1), s + 1);
            s = e ? e + 1 : s + strlen(s);
        }
        int a = apply(d, ctx, k, val, note);
        d->npairs += (unsigned)a;
        rec |= a;
        any = true;
    }
    return rec;
}

/* "  3: msr=0x00000c80 value=0x0000000000000000" of the "MSR guest autoload:" list. */
static void msr_entry(dump *d, const char *s)
{
    unsigned idx;
    unsigned long long msr, val;
    if (sscanf(s, "%u: msr=%llx value=%llx", &idx, &msr, &val) != 3 || msr > 0xffffffffu) {
        warn(d, d->line, "MSR guest autoload: expected 'N: msr=0x... value=0x...'; entry left out");
        return;
    }
    if (d->info->nmsrs >= VXA_DUMP_MAX_MSRS) {
        warn(d, d->line, "more than %d MSR-load entries; the rest left out", VXA_DUMP_MAX_MSRS);
        return;
    }
    d->info->msr_index[d->info->nmsrs] = (uint32_t)msr;
    d->info->msr_value[d->info->nmsrs++] = val;
}

/* The fields a complete dump of the format gives (the yardstick of "implausibly small"). */
static unsigned expected_fields(unsigned format)
{
    unsigned n = 8 * 4 + 2 * 2;   /* guest segments, GDTR/IDTR */
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if ((keys[i].formats & format) && keys[i].field) n += keys[i].field2 ? 2 : 1;
    return n;
}

/* One line inside a section: 1 recognised, 0 not. */
static int dump_line(dump *d, char *s)
{
    if (!strncmp(s, "MSR ", 4) && strchr(s, ':') && !strchr(s, '=')) {
        d->msr_guest = d->section == S_GUEST && strstr(s, "guest autoload");
        return 1;
    }
    if (isdigit((unsigned char)*s) && strstr(s, "msr=")) {
        if (d->msr_guest) msr_entry(d, s);
        return 1;
    }
    d->msr_guest = false;
    if (!strncmp(s, "sel ", 4) && strstr(s, "attr") && strstr(s, "base")) return 1;   /* Xen's column header */
    /* "CTX:" at the start (CR0:, CS:, VMEntry:, GDTR:), unless it is "CS:RIP=" */
    char ctx[16] = "";
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) && n < sizeof ctx - 1) n++;
    if (n && s[n] == ':' && s[n + 1] != ':' && !isxdigit((unsigned char)s[n + 1]) && strncmp(s, "CS:RIP", 6)) {
        memcpy(ctx, s, n);
        ctx[n] = 0;
        s += n + 1;
        snprintf(d->last_ctx, sizeof d->last_ctx, "%s", ctx);
    } else if (!strncmp(s, "reason=", 7)) {
        snprintf(ctx, sizeof ctx, "%s", d->last_ctx);   /* KVM: "VMExit:" continued */
    }
    return parse_pairs(d, ctx, s);
}

/* A line a mail client wrapped inside the dump where no '=' or ',' marks the break (Xen's "RSP =
 * 0x..." / "(0x...)  RIP = 0x...", "TSC Offset = 0x...  TSC" / "Multiplier = 0x..."): the line
 * that is not recognised on its own is the rest of the previous one when the two read together
 * give more of the dump's pairs than the previous line alone.  Otherwise (a reply written between
 * the dump's lines) nothing changes and the line stays unrecognised.  On success cur holds the
 * joined text, numbered as the previous line, so that a further piece joins on the whole. */
static bool rejoin(dump *d, vxa_nline *prev, vxa_nline *cur)
{
    size_t a = strlen(prev->s), b = strlen(cur->s);
    char *j = malloc(a + b + 2), *alone = strdup(prev->s);
    vxa_vmcs *sv = malloc(sizeof *sv);
    vxa_dump_info *si = malloc(sizeof *si);
    bool ok = false;
    if (!j || !alone || !sv || !si) goto out;
    memcpy(j, prev->s, a);
    j[a] = ' ';
    memcpy(j + a + 1, cur->s, b + 1);
    *sv = *d->v;
    *si = *d->info;
    dump sd = *d;
    d->npairs = 0;
    d->line = prev->lineno;
    dump_line(d, alone);   /* (its fields are set already: only the count matters) */
    unsigned np = d->npairs, wp = d->info->nwarnings - si->nwarnings;
    *d->v = *sv;
    *d->info = *si;
    *d = sd;
    d->npairs = 0;
    d->line = prev->lineno;
    if (dump_line(d, j) && d->npairs > np) {
        /* the previous line's own warnings came again first: drop the repeats */
        vxa_dump_info *in = d->info;
        unsigned w0 = si->nwarnings;
        for (unsigned k = w0; k + wp < in->nwarnings && k + wp < VXA_DUMP_MAX_WARNINGS; k++)
            in->warning[k] = in->warning[k + wp];
        in->nwarnings -= wp;
        free(cur->s);
        cur->s = j;
        cur->lineno = prev->lineno;
        j = NULL;
        ok = true;
    } else {
        *d->v = *sv;
        *d->info = *si;
        *d = sd;
    }
out:
    free(j);
    free(alone);
    free(sv);
    free(si);
    return ok;
}

/* The most complete dump so far (a mail quotes a dump, then its HTML part repeats it cut up). */
typedef struct best { vxa_dump_info *info; vxa_vmcs *v; } best_dump;

static void keep_best(best_dump *b, const vxa_dump_info *info, const vxa_vmcs *v)
{
    if (!info->ndumps || (b->info && b->info->nfields > info->nfields)) return;
    if (!b->info && (!(b->info = malloc(sizeof *b->info)) || !(b->v = malloc(sizeof *b->v)))) {
        free(b->info);
        b->info = NULL;
        return;
    }
    *b->info = *info;
    *b->v = *v;
}

static int import(unsigned format, const char *text, size_t len, const char *file, vxa_vmcs *v,
                  vxa_dump_info *info, vxa_error *err)
{
    static vxa_dump_info dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_vmcs_init(v);
    vxa_ntext t;
    if (vxa_normalize(text, len, &t)) return vxa_ierr(err, file, 0, "out of memory");
    dump d = { format, file, v, info, 0, S_NONE, false, "" };
    best_dump best = { NULL, NULL };
    unsigned last_rec = 0;   /* the index of the last recognised line of the dump */
    bool pairs = false;      /* that line is one of pairs (not a block's title) */
    /* Xen's line before its dump after a failed MSR load (exit 34): "d1v0 vmentry failure (reason
     * 0x80000022): MSR loading (entry 3)" and "msr 00000680 val 1fff800000102e60 (mbz 0)": the
     * failing entry (0-based; the exit qualification is entry + 1), the only one Xen prints. */
    bool msr_fail = false, msr_line = false;
    unsigned msr_entry_no = 0, msr_mbz = 0, vmfail = 0;
    unsigned long long msr_idx = 0, msr_val = 0;
    for (unsigned i = 0; i < t.n; i++) {
        char *s = t.line[i].s;
        d.line = t.line[i].lineno;
        const char *vf = strstr(s, "VMLAUNCH error: ");
        if (!vf) vf = strstr(s, "VMRESUME error: ");
        if (vf && !d.section && sscanf(vf + 16, "%x", &vmfail) == 1) continue;
        const char *ml = strstr(s, "MSR loading (entry ");
        if (format & XEN && ml && strstr(s, "vmentry failure") && sscanf(ml, "MSR loading (entry %u)", &msr_entry_no) == 1) {
            msr_fail = true;
            msr_line = false;
            continue;
        }
        if (format & XEN && msr_fail && !msr_line && !strncmp(s, "msr ", 4) &&
            sscanf(s, "msr %llx val %llx (mbz %x)", &msr_idx, &msr_val, &msr_mbz) >= 2 && msr_idx <= 0xffffffffu) {
            msr_line = true;
            continue;
        }
        if (strstr(s, "*** Guest State ***")) {   /* a new dump */
            unsigned n = info->ndumps + 1;
            keep_best(&best, info, v);
            memset(info, 0, sizeof *info);
            vxa_vmcs_init(v);
            info->ndumps = n;
            info->line = d.line;
            d.section = S_GUEST;
            d.msr_guest = false;
            last_rec = i;
            pairs = false;
            if (msr_fail && msr_line) {
                info->nmsrs = 1;
                info->msr_index[0] = (uint32_t)msr_idx;
                info->msr_value[0] = msr_val;
                info->msr_mbz = msr_mbz;
                info->msr_failed_entry = msr_entry_no + 1;
            }
            msr_fail = msr_line = false;
            info->vm_instruction_error = vmfail;
            vmfail = 0;
            continue;
        }
        if (!d.section) continue;
        bool title = false;
        if (strstr(s, "*** Host State ***") || strstr(s, "*** Control State ***")) {
            d.section = strstr(s, "Host") ? S_HOST : S_CTRL;
            d.msr_guest = false;
            title = true;
        } else if (*s == '*' && strspn(s, "*") == strlen(s)) {   /* Xen's closing "*****" */
            d.section = S_NONE;
            title = true;
        } else if (!*s || (!dump_line(&d, s) &&
                           !(pairs && last_rec + 1 == i && rejoin(&d, &t.line[i - 1], &t.line[i])))) {
            continue;
        }
        pairs = !title;   /* a line of pairs may be continued on the next */
        /* recognised: the unrecognised lines since the last one were inside the dump */
        for (unsigned j = last_rec + 1; j < i; j++)
            if (t.line[j].s[0])
                warn(&d, t.line[j].lineno, "line not recognised inside the dump, left out: '%.80s'", t.line[j].s);
        last_rec = i;
    }
    vxa_ntext_free(&t);
    if (best.info) {   /* the last dump unless an earlier one gave more fields */
        unsigned n = info->ndumps;
        if (best.info->nfields > info->nfields) {
            *info = *best.info;
            *v = *best.v;
        }
        info->ndumps = n;
        free(best.info);
        free(best.v);
    }
    if (!info->ndumps)
        return vxa_ierr(err, file, 1, "no VMCS dump found: expected a '*** Guest State ***' block "
                        "(%s)", format == KVM ? "KVM's dump_vmcs output in dmesg after a failed VM "
                        "entry, e.g. 'dmesg | grep -A80 \"Guest State\"'" : "Xen's VMCS dump, e.g. "
                        "'xl debug-keys v; xl dmesg'");
    info->nexpected = expected_fields(format);
    if (!info->nfields)
        return vxa_ierr(err, file, info->line, "the dump starting here gives no VMCS field");
    return 0;
}

int vxa_import_kvm_dmesg(const char *text, size_t len, const char *file, vxa_vmcs *v,
                         vxa_dump_info *info, vxa_error *err)
{
    return import(KVM, text, len, file, v, info, err);
}

int vxa_import_xen(const char *text, size_t len, const char *file, vxa_vmcs *v,
                   vxa_dump_info *info, vxa_error *err)
{
    return import(XEN, text, len, file, v, info, err);
}
