/* import_vmcs_dump.c — VMCS layouts from the text dumps hypervisors print when a VM entry fails:
 * KVM's dump_vmcs() (in dmesg) and Xen's vmcs_dump_vcpu() ('debug-key v' / crash output).  Both
 * print three blocks, "*** Guest State ***", "*** Host State ***", "*** Control State ***", of
 * "Key=value" / "Key = value" pairs, "CTX: key=value, ..." lines (CR0:, CS:, VMEntry:, ...) and
 * Xen also "CS: sel attr limit base" columns.  Written from the formats as printed, not from
 * either project's code.  A key we know with a malformed value is an error naming the line; a key
 * we do not know is skipped (the formats grow); a field the dump does not print stays unset. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "import_internal.h"

enum { S_NONE, S_GUEST, S_HOST, S_CTRL };
enum { KVM = 1, XEN = 2, BOTH = 3 };
enum { H_FIELD, H_PAIR, H_SVI_RVI, H_EXIT_REASON, H_EXIT_QUAL, H_GUEST_EFER };

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
};

static const char *const segs[] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR", "GDTR", "IDTR", NULL };

typedef struct dump {
    unsigned format;
    const char *file;
    vxa_vmcs *v;
    vxa_dump_info *info;
    vxa_error *err;
    unsigned line, section;
    bool msr_guest;           /* inside the "MSR guest autoload:" list */
    char last_ctx[16];        /* KVM's "VMExit:" continues on the next line */
} dump;

/* Drops what dmesg, journalctl and Xen's console put before the text: "<3>", "[ 1234.56]",
 * "Mon DD hh:mm:ss host kernel: ", "kvm_intel: ", "kvm: ", "(XEN) ", "(d1v0) ". */
static char *strip_prefix(char *s)
{
    for (;;) {
        while (*s == ' ') s++;
        char *k = s;
        if (*s == '<' && isdigit((unsigned char)s[1]) && (k = strchr(s, '>'))) { s = k + 1; continue; }
        if (*s == '[' && (k = strchr(s, ']')) && (isdigit((unsigned char)s[1]) || s[1] == ' ')) { s = k + 1; continue; }
        if (*s == '(' && (k = strchr(s, ')')) && k - s < 12 && k[1] == ' ' &&
            (!strncmp(s, "(XEN)", 5) || (s[1] == 'd' && isdigit((unsigned char)s[2])))) { s = k + 1; continue; }
        /* "kernel:", "kvm_intel:", "kvm:": a lower-case word and a colon */
        if (islower((unsigned char)*s)) {
            for (k = s; islower((unsigned char)*k) || *k == '_' || isdigit((unsigned char)*k); k++) {}
            if (*k == ':' && k[1] == ' ') { s = k + 2; continue; }
        }
        /* journalctl/syslog: "May 20 10:01:02 host kernel: ..." */
        if (isupper((unsigned char)s[0]) && islower((unsigned char)s[1]) && s[3] == ' ' &&
            (k = strstr(s, " kernel: ")) && k - s < 64) { s = k + 9; continue; }
        return s;
    }
}

static const char *section_name(unsigned s)
{
    return s == S_GUEST ? "Guest State" : s == S_HOST ? "Host State" : "Control State";
}

static int set_field(dump *d, const char *name, uint64_t v, const char *key)
{
    vxa_field f = vxa_field_by_name(name);
    if (f == VXA_F_NONE) return 0;
    if (v & ~vxa_field_mask(f))
        return vxa_ierr(d->err, d->file, d->line, "%s: value 0x%llx of '%s' is wider than the field %s",
                        section_name(d->section), (unsigned long long)v, key, name);
    if (!vxa_is_set(d->v, f)) d->info->nfields++;
    vxa_set(d->v, f, v);
    return 0;
}

static int bad_value(dump *d, const char *ctx, const char *k, const char *val, const char *what)
{
    return vxa_ierr(d->err, d->file, d->line, "%s: '%s%s%s': expected %s, found '%s'",
                    section_name(d->section), ctx, *ctx ? ": " : "", k, what, val);
}

static int hex(dump *d, const char *ctx, const char *k, const char *val, uint64_t *out)
{
    if (vxa_parse_base(val, strlen(val), 16, out)) return bad_value(d, ctx, k, val, "a hex number");
    return 0;
}

/* One pair: the key's entry in the table, if any, is applied. */
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
                    if (hex(d, ctx, k, val, &v)) return -1;
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
            return set_field(d, e->field, v, k) || set_field(d, e->field2, v2, k) ? -1 : 0;
        case H_SVI_RVI:   /* "SVI|RVI = 00|00": guest interrupt status, SVI in bits 15:8 */
            if (!(sep = strchr(val, '|')) || vxa_parse_base(val, (size_t)(sep - val), 16, &v) ||
                vxa_parse_base(sep + 1, strlen(sep + 1), 16, &v2) || v > 0xff || v2 > 0xff)
                return bad_value(d, ctx, k, val, "SVI|RVI as two hex bytes");
            return set_field(d, e->field, v << 8 | v2, k);
        case H_EXIT_REASON:
            if (hex(d, ctx, k, val, &v)) return -1;
            d->info->has_exit = true;
            d->info->exit_reason = (uint32_t)v;
            return 0;
        case H_EXIT_QUAL:
            if (hex(d, ctx, k, val, &v)) return -1;
            d->info->exit_qualification = v;
            return 0;
        case H_GUEST_EFER:
            /* "(effective)"/"(autoload)": computed by KVM, not GUEST_IA32_EFER of the VMCS */
            if (hex(d, ctx, k, val, &v)) return -1;
            if (note && *note) { d->info->efer_not_vmcs = true; return 0; }
            return set_field(d, e->field, v, k);
        default:
            if (hex(d, ctx, k, val, &v)) return -1;
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
        if (i >= 4 || n >= sizeof tok)
            return vxa_ierr(d->err, d->file, d->line, "%s: '%s:': expected %s, found more", section_name(d->section),
                            ctx, dtr ? "limit base" : "sel attr limit base");
        memcpy(tok, s, n);
        tok[n] = 0;
        if (apply(d, ctx, names[i++], tok, NULL)) return -1;
        s += n;
    }
    return 0;
}

static int parse_pairs(dump *d, const char *ctx, const char *s)
{
    char k[64], val[64], note[64];
    bool any = false;
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        const char *eq = strchr(s, '=');
        if (!eq) {
            bool seg = false;
            for (const char *const *g = segs; *g; g++) seg |= !strcmp(ctx, *g);
            if (!any && seg && d->section == S_GUEST) return columns(d, ctx, s);
            return 0;   /* trailing words (a symbol name, a comment): nothing to import */
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
        if (!vl || vl >= sizeof val || (s[vl] && s[vl] != ' ' && s[vl] != ',' && s[vl] != '(')) {
            snprintf(val, sizeof val, "%.20s", s);
            return bad_value(d, ctx, k, val, "a hex number");
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
        if (apply(d, ctx, k, val, note)) return -1;
        any = true;
    }
    return 0;
}

/* "  3: msr=0x00000c80 value=0x0000000000000000" of the "MSR guest autoload:" list. */
static int msr_entry(dump *d, const char *s)
{
    unsigned idx;
    unsigned long long msr, val;
    if (sscanf(s, "%u: msr=%llx value=%llx", &idx, &msr, &val) != 3 || msr > 0xffffffffu)
        return vxa_ierr(d->err, d->file, d->line, "MSR guest autoload: expected 'N: msr=0x... value=0x...'");
    if (d->info->nmsrs >= VXA_DUMP_MAX_MSRS)
        return vxa_ierr(d->err, d->file, d->line, "more than %d MSR-load entries", VXA_DUMP_MAX_MSRS);
    d->info->msr_index[d->info->nmsrs] = (uint32_t)msr;
    d->info->msr_value[d->info->nmsrs++] = val;
    return 0;
}

static int import(unsigned format, const char *text, size_t len, const char *file, vxa_vmcs *v,
                  vxa_dump_info *info, vxa_error *err)
{
    vxa_dump_info dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_vmcs_init(v);
    dump d = { format, file, v, info, err, 0, S_NONE, false, "" };
    vxa_lines it = { text, text + len, 0 };
    char buf[1024];
    while (vxa_next_line(&it, buf, sizeof buf)) {
        d.line = it.lineno;
        char *s = strip_prefix(buf);
        if (strstr(s, "*** Guest State ***")) {   /* a new dump: the last one wins */
            unsigned n = info->ndumps + 1;
            memset(info, 0, sizeof *info);
            vxa_vmcs_init(v);
            info->ndumps = n;
            info->line = d.line;
            d.section = S_GUEST;
            d.msr_guest = false;
            continue;
        }
        if (strstr(s, "*** Host State ***")) { if (d.section) d.section = S_HOST; d.msr_guest = false; continue; }
        if (strstr(s, "*** Control State ***")) { if (d.section) d.section = S_CTRL; d.msr_guest = false; continue; }
        if (!d.section || !*s) continue;
        if (!strncmp(s, "MSR ", 4) && strchr(s, ':') && !strchr(s, '=')) {
            d.msr_guest = d.section == S_GUEST && strstr(s, "guest autoload");
            continue;
        }
        if (isdigit((unsigned char)*s) && strstr(s, "msr=")) {
            if (d.msr_guest && msr_entry(&d, s)) return -1;
            continue;
        }
        d.msr_guest = false;
        /* "CTX:" at the start (CR0:, CS:, VMEntry:, GDTR:), unless it is "CS:RIP=" */
        char ctx[16] = "";
        size_t n = 0;
        while (isalnum((unsigned char)s[n]) && n < sizeof ctx - 1) n++;
        if (n && s[n] == ':' && s[n + 1] != ':' && !isxdigit((unsigned char)s[n + 1])) {
            memcpy(ctx, s, n);
            ctx[n] = 0;
            s += n + 1;
            snprintf(d.last_ctx, sizeof d.last_ctx, "%s", ctx);
        } else if (!strncmp(s, "reason=", 7)) {
            snprintf(ctx, sizeof ctx, "%s", d.last_ctx);   /* KVM: "VMExit:" continued */
        }
        if (parse_pairs(&d, ctx, s)) return -1;
    }
    if (!info->ndumps)
        return vxa_ierr(err, file, 1, "no VMCS dump found: expected a '*** Guest State ***' block "
                        "(%s)", format == KVM ? "KVM's dump_vmcs output in dmesg after a failed VM "
                        "entry, e.g. 'dmesg | grep -A80 \"Guest State\"'" : "Xen's VMCS dump, e.g. "
                        "'xl debug-keys v; xl dmesg'");
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
