/* runner.c — the 64-bit runner: probe, enable VMX, then run every case of the batch.
 *
 * Per case (payload_abi.h has the record format):
 *   zero what the previous case may have written; copy the case's memory blobs;
 *   VMCLEAR, zero the VMCS region, write its revision id, VMPTRLD (SDM 25.11.3);
 *   [launched] enter once with the primer layout, then write 0 to every primer field;
 *   VMWRITE each field of the case, then the harness fields the case did not set;
 *   audit the live VMCS with the embedded engine (audit.c) for the case's model;
 *   [no current VMCS] VMCLEAR it; [outside VMX] VMXOFF; VMLAUNCH/VMRESUME; read back what the
 *   CPU did; report one @R line: the observation and the in-guest prediction.
 * A VMXON case (run_vmxon) instead: [outside VMX] VMXOFF; the case's CR4, CR0; VMXON with the
 * case's operand; report; the payload's CR0/CR4 back.  After either, VMXON with the payload's
 * own region where the case left VMX operation.
 * A case of a 32-bit host (VXA_ENV_HOST32): the same up to the audit, with that host's harness
 * fields (host32.c); then VMCLEAR, VMXOFF, and host32.S runs the instruction from protected mode
 * with paging; back in 64-bit mode, VMXON and VMPTRLD again to read what the CPU did.
 */
#include <stdbool.h>
#include "arena.h"
#include "audit.h"
#include "baremetal.h"
#include "cpu.h"
#include "feature_control.h"
#include "host32.h"
#include "layout.h"
#include "lib.h"
#include "nonroot.h"
#include "out.h"
#include "payload_abi.h"
#include "probe.h"
#include "ring.h"
#include "vmcs.h"
#include "x86.h"

int vxa_vmenter(unsigned how);          /* vmenter.S */
extern char vxa_vmenter_end[];
int vxa_vmxon_try(const uint64_t *pa);  /* vmenter.S */
extern char vxa_vmxon_try_end[];
int vxa_compat_try(unsigned how, const uint64_t *pa);
extern char vxa_compat_try_end[];

/* The instruction outside vmenter.S/vxa_vmxon_try: compatibility mode, or CPL > 0 (ring.c). */
static bool in_compat_try(uint64_t rip)
{
    return (rip >= (uint64_t)(uintptr_t)vxa_compat_try && rip < (uint64_t)(uintptr_t)vxa_compat_try_end) ||
           ring_in_try(rip);
}

static uint8_t vmxon_region[4096] __attribute__((aligned(4096)));
static uint8_t vmcs_region[4096] __attribute__((aligned(4096)));
static struct probe P;
static uint64_t current_vmcs;           /* 0: none */
static struct vxa_boot *boot;           /* the host's boot block (a UEFI loader), or NULL */
static bool in_vmx;                     /* in VMX operation with the payload's own region */
static bool vmx_lost;                   /* a case left VMX operation and VMXON failed after it */
extern char vxa_guest_stub[];           /* vmenter.S */

static bool bare_metal(void) { return boot && (boot->flags & VXA_BOOT_BARE_METAL); }

#define MAX_WERR 256              /* more than the writable fields of SDM Appendix B */
struct case_state {
    const struct vxa_batch_case *c;
    const struct vxa_batch_field *fields;
    uint32_t werr_enc[MAX_WERR], werr_err[MAX_WERR];
    unsigned nwerr;
    const struct layout *fill;          /* layout_fill, or a 32-bit host's (host32_fill) */
    bool filled[LAYOUT_MAX];
    uint64_t guest_rip;                 /* GUEST_RIP as written, the case's or the harness's */
    enum { PHASE_SETUP, PHASE_ENTER } phase;
};

static void report_begin(uint32_t id)
{
    out_str("@B ");
    out_hex(id);
    out_end();
}

static void report_head(uint32_t id, const char *kind)
{
    out_str("\n@R ");                   /* own line even if the guest wrote to port 0xE9 */
    out_hex(id);
    out_char(' ');
    out_str(kind);
}

static void report_kv(const char *k, uint64_t v)
{
    out_char(' ');
    out_str(k);
    out_char('=');
    out_hex(v);
}

static void report_tail(const struct case_state *s)
{
    const char *sep = " fill=";
    for (unsigned i = 0; i < s->fill->n; i++) {
        if (!s->filled[i]) continue;
        out_str(sep);
        out_hex(s->fill->f[i].enc);
        out_char(':');
        out_hex(s->fill->f[i].val);
        sep = ",";
    }
    sep = " w=";
    for (unsigned i = 0; i < s->nwerr; i++) {
        out_str(sep);
        out_hex(s->werr_enc[i]);
        out_char(':');
        out_hex(s->werr_err[i]);
        sep = ",";
    }
    audit_report();
    out_end();
}

static void report_what(uint32_t id, const char *kind, const char *what)
{
    report_head(id, kind);
    out_str(" what=");
    out_str(what);
    out_end();
}

static uint64_t vmread_or(uint32_t enc, uint64_t dflt)
{
    uint64_t v;
    return vmread(enc, &v) ? dflt : v;
}

/* VMWRITE; on VMfailValid the VM-instruction error, on VMfailInvalid 0.  Returns -1 on success. */
static int64_t write_field(uint32_t enc, uint64_t val)
{
    int s = vmwrite(enc, val);
    if (s == 0) return -1;
    return s == 2 ? (int64_t)vmread_or(VMCS_VM_INSTRUCTION_ERROR, 0) : 0;
}

/* The case's own entry for a field, or NULL. */
static const struct vxa_batch_field *case_field(const struct case_state *s, uint32_t enc)
{
    for (unsigned i = 0; i < s->c->nfields; i++)
        if (s->fields[i].encoding == enc) return &s->fields[i];
    return 0;
}

/* Make the current VMCS launched: one entry with the primer layout, which exits on CPUID
 * (reason 10, SDM Appendix C), then every primer field back to 0 so that the case's layout
 * starts from the same all-zero VMCS as an unprimed case. */
static const char *prime(void)
{
    for (unsigned i = 0; i < layout_primer.n; i++)
        if (vmwrite(layout_primer.f[i].enc, layout_primer.f[i].val)) return "prime-vmwrite";
    int r = vxa_vmenter(0);
    if (r == 1) return "prime-vmfailinvalid";
    if (r == 2) return "prime-vmfailvalid";
    if (r != 0 || vmread_or(VMCS_VM_EXIT_REASON, ~0ull) != 10) return "prime-exit";
    for (unsigned i = 0; i < layout_primer.n; i++)
        if (vmwrite(layout_primer.f[i].enc, 0)) return "prime-reset";
    return 0;
}

static const char *validate(const struct vxa_batch_case *c, const uint8_t *end)
{
    const uint8_t *p = (const uint8_t *)c, *rec_end = p + c->size;
    if (c->size < sizeof *c || (c->size & 7) || rec_end > end) return "record-size";
    if (c->instruction > VXA_INSN_VMXON) return "instruction";
    if ((c->env & VXA_ENV_HOST32) &&
        (c->instruction == VXA_INSN_VMXON || (c->env & (VXA_ENV_CPL_MASK | VXA_ENV_NON_ROOT)) ||
         (c->flags & (VXA_CASE_LAUNCHED | VXA_CASE_OUTSIDE_VMX | VXA_CASE_COMPAT))))
        return "env-host32";
    if (audit_check_model(c)) return audit_check_model(c);
    if (c->vmcs_address && ((c->vmcs_address & 0xfff) || !vxa_in_arena(c->vmcs_address, 4096)))
        return "vmcs-address";
    if (c->instruction == VXA_INSN_VMXON) {
        if (c->nfields) return "vmxon-fields";
        p += sizeof(struct vxa_batch_vmxon);
    }
    p += sizeof *c + (uint64_t)c->nfields * sizeof(struct vxa_batch_field);
    if (p > rec_end) return "fields";
    for (unsigned i = 0; i < c->nblobs; i++) {
        const struct vxa_batch_blob *b = (const void *)p;
        if (p + sizeof *b > rec_end) return "blob-header";
        p += sizeof *b + ((b->length + 7ull) & ~7ull);
        if (p > rec_end) return "blob-data";
        if (!vxa_in_arena(b->address, b->length)) return "blob-outside-arena";
    }
    return 0;
}

static void place_blobs(const struct vxa_batch_case *c)
{
    const uint8_t *p = (const uint8_t *)c + sizeof *c + c->nfields * sizeof(struct vxa_batch_field);
    if (c->instruction == VXA_INSN_VMXON) p += sizeof(struct vxa_batch_vmxon);
    for (unsigned i = 0; i < c->nblobs; i++) {
        const struct vxa_batch_blob *b = (const void *)p;
        memcpy((void *)(uintptr_t)b->address, b + 1, b->length);
        arena_mark(b->address, b->length);
        p += sizeof *b + ((b->length + 7ull) & ~7ull);
    }
}

/* After a VM exit: what may the guest have written?  Nothing if it exited before completing
 * its first instruction: an exit on CPUID, HLT or VMCALL (SDM 26.1.2, 26.1.3) with the guest RIP
 * still where it started, and no event injected before it (SDM 27.6).  Accessed/dirty-flag
 * updates of the walk that fetched that instruction land in page tables that are themselves case
 * blobs, already marked.  VM exit writes memory only through the MSR-store list (SDM 28.4).
 * Anything else may have written anywhere: zero the whole arena before the next case. */
static void mark_after_exit(const struct case_state *s, uint32_t reason)
{
    if (reason & 0x80000000u) return;   /* VM-entry failure: no guest ran, nothing was stored */
    uint64_t cnt = vmread_or(VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
    if (cnt) arena_mark(vmread_or(VMCS_VM_EXIT_MSR_STORE_ADDR, 0), cnt * 16);
    bool at_start = vmread_or(VMCS_GUEST_RIP, 0) == s->guest_rip;
    const struct vxa_batch_field *inj = case_field(s, VMCS_VM_ENTRY_INTR_INFO_FIELD);
    bool injected = inj && (inj->value & 0x80000000u);
    if ((reason == 10 || reason == 12 || reason == 18) && at_start && !injected) return;
    arena_mark_all();
}

static void report_exit(const struct case_state *s, uint32_t id)
{
    uint32_t reason = (uint32_t)vmread_or(VMCS_VM_EXIT_REASON, ~0ull);
    report_head(id, "exited");
    report_kv("reason", reason);
    report_kv("qual", vmread_or(VMCS_EXIT_QUALIFICATION, 0));
    if ((reason & 0xffff) == 0)         /* exception or NMI: which one (SDM 28.2.2) */
        report_kv("intr", vmread_or(VMCS_VM_EXIT_INTR_INFO, 0));
    mark_after_exit(s, reason);
}

static void run_one(const struct vxa_batch_case *c, const uint8_t *end);

/* Back into VMX operation with the payload's own region and CR0/CR4, after a case that left it. */
static void vmx_reenter(void)
{
    if (in_vmx || vmx_lost) return;
    write_cr4(vxa_host_cr4);
    write_cr0(vxa_host_cr0);
    *(uint32_t *)vmxon_region = (uint32_t)P.msr[0] & 0x7fffffffu;
    if (vmxon((uint64_t)(uintptr_t)vmxon_region) == 0) {
        in_vmx = true;
        return;
    }
    vmx_lost = true;
    out_str("@H vmxon fail re-enter");
    out_end();
}

/* A VMXON case (payload_abi.h vxa_batch_vmxon).  The VMXON pseudo-code (SDM Vol. 2 "VMXON")
 * reads CR0, CR4, CPL, IA32_FEATURE_CONTROL, the operand and the region's first 4 bytes; the
 * payload sets what it can and refuses the rest.  IA32_FEATURE_CONTROL is locked since boot
 * (SDM 24.7): only a case that assumes its bits 0 and 2 as they are can run. */
static void run_vmxon(const struct vxa_batch_case *c)
{
    static struct vxa_jmp jmp;
    static const struct vxa_batch_vmxon *x;
    static uint64_t operand;
    static bool entered;
    uint32_t id = c->id;
    x = (const struct vxa_batch_vmxon *)(c + 1);
    operand = x->vmxon_address;
    entered = false;
    audit_reset();
    uint64_t fc = 0;
    if (bare_metal()) {
        report_what(id, "unsupported", "vmxon-bare-metal");
        return;
    }
    if (vxa_rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc) || ((fc ^ x->feature_control) & 5)) {
        report_what(id, "unsupported", "feature-control-locked");
        return;
    }
    /* CPL > 0 runs ring.S on pages made user-accessible: SMEP/SMAP would fault the payload */
    if ((c->env & VXA_ENV_CPL_MASK) && (x->cr4 & (3u << 20))) {
        report_what(id, "unsupported", "cpl-smep-smap");
        return;
    }
    if (current_vmcs) vmclear(current_vmcs);
    current_vmcs = 0;
    arena_clean();
    place_blobs(c);
    if ((operand & 0xfff) == 0 && vxa_in_arena(operand, 4096)) arena_mark(operand, 4096);
    if (!(c->flags & (VXA_CASE_OUTSIDE_VMX | VXA_CASE_NO_CURRENT_VMCS))) {
        /* VMX root operation with a current VMCS: VMfailValid can say its error (SDM 31.2) */
        uint64_t vmcs = (uint64_t)(uintptr_t)vmcs_region;
        memset(vmcs_region, 0, sizeof vmcs_region);
        *(uint32_t *)vmcs_region = (uint32_t)P.msr[0] & 0x7fffffffu;
        if (vmclear(vmcs) || vmptrld(vmcs)) {
            report_what(id, "unsupported", "vmptrld");
            return;
        }
        current_vmcs = vmcs;
    }
    if (vxa_setjmp(&jmp)) {             /* cpu.c reloaded the payload's CR0/CR4 */
        arena_mark_all();
        uint64_t rip = vxa_last_fault.rip;
        if (entered && ((rip >= (uint64_t)(uintptr_t)vxa_vmxon_try && rip < (uint64_t)(uintptr_t)vxa_vmxon_try_end) ||
                        in_compat_try(rip))) {
            audit_after_vmxon(0, 0, (int)vxa_last_fault.vector);
            report_head(id, "fault");
            report_kv("vec", vxa_last_fault.vector);
            audit_report();
            out_end();
        } else {
            audit_reset();
            report_head(id, "unsupported");
            out_str(" what=cr-write");
            report_kv("vec", vxa_last_fault.vector);
            out_end();
        }
        return;
    }
    vxa_fault_jmp = &jmp;
    if ((c->flags & VXA_CASE_OUTSIDE_VMX) && in_vmx) {   /* not yet in VMX: feature_control.c */
        if (current_vmcs) vmclear(current_vmcs);
        current_vmcs = 0;
        vmxoff();
        in_vmx = false;
    }
    write_cr4(x->cr4);                  /* a bit the CPU refuses faults: "cr-write" */
    write_cr0(x->cr0);
    /* CR0.ET is hardwired to 1 (SDM Vol. 3A 2.5): where neither FIXED0 nor FIXED1 fixes it,
     * VMXON's outcome does not depend on it and the case runs with ET = 1. */
    uint64_t et = 1u << 4, cr0_diff = read_cr0() ^ x->cr0;
    if (cr0_diff == et && !(P.msr[6] & et) && (P.msr[7] & et)) cr0_diff = 0;
    if (read_cr4() != x->cr4 || cr0_diff) {       /* a bit the CPU ignores: not the case's CR */
        vxa_fault_jmp = 0;
        write_cr0(vxa_host_cr0);
        write_cr4(vxa_host_cr4);
        report_what(id, "unsupported", "cr-readback");
        return;
    }
    audit_vmxon(c, operand, in_vmx, current_vmcs != 0);
    entered = true;
    unsigned cpl = c->env & VXA_ENV_CPL_MASK;
    int r = (c->flags & VXA_CASE_COMPAT) ? vxa_compat_try(0, &operand) :
            cpl ? ring_run(2, &operand, cpl) % 3 : vxa_vmxon_try(&operand);   /* 3: VMsucceed */
    vxa_fault_jmp = 0;
    uint64_t err = r == 2 && in_vmx ? vmread_or(VMCS_VM_INSTRUCTION_ERROR, 0) : 0;
    audit_after_vmxon(r, err, -1);
    if (r == 0 && !in_vmx) vmxoff();    /* VMX operation with the case's region: leave it */
    write_cr0(vxa_host_cr0);
    write_cr4(vxa_host_cr4);
    report_head(id, r == 0 ? "vmsucceed" : r == 1 ? "vmfail_invalid" : "vmfail_valid");
    if (r == 2) report_kv("err", err);
    audit_report();
    out_end();
}

/* A VMX non-root case (payload_abi.h VXA_ENV_NON_ROOT; nonroot.c): the payload's own guest
 * executes the instruction; its VM exit (or the exception it raised) is the outcome. */
static void run_nonroot(const struct vxa_batch_case *c)
{
    static struct vxa_jmp jmp;
    uint32_t id = c->id;
    audit_reset();
    if ((c->env & VXA_ENV_CPL_MASK) || (c->flags & (VXA_CASE_OUTSIDE_VMX | VXA_CASE_COMPAT |
                                                    VXA_CASE_MOVSS_BLOCKING))) {
        report_what(id, "unsupported", "nonroot-state");
        return;
    }
    if (bare_metal()) {                 /* its guest executes an instruction (baremetal.h) */
        report_what(id, "unsupported", "nonroot-bare-metal");
        return;
    }
    if (current_vmcs) vmclear(current_vmcs);
    current_vmcs = 0;
    arena_clean();
    uint64_t vmcs = (uint64_t)(uintptr_t)vmcs_region;
    memset(vmcs_region, 0, sizeof vmcs_region);
    *(uint32_t *)vmcs_region = (uint32_t)P.msr[0] & 0x7fffffffu;
    if (vmclear(vmcs) || vmptrld(vmcs)) {
        report_what(id, "unsupported", "vmptrld");
        return;
    }
    current_vmcs = vmcs;
    if (vxa_setjmp(&jmp)) {             /* the host faulted: not the case's outcome */
        arena_mark_all();
        audit_reset();
        report_head(id, "bad");
        out_str(" what=nonroot-fault");
        report_kv("vec", vxa_last_fault.vector);
        out_end();
        return;
    }
    vxa_fault_jmp = &jmp;
    const char *why = nonroot_setup(c->instruction);
    if (why) {
        vxa_fault_jmp = 0;
        report_what(id, "unsupported", why);
        return;
    }
    /* VMXON reads no VMCS: its audit is the case's.  VMLAUNCH/VMRESUME would be audited on the
     * payload's guest VMCS, not the case's (which the payload does not use): no audit. */
    if (c->instruction == VXA_INSN_VMXON) audit_nonroot(c);
    int r = vxa_vmenter(0);
    vxa_fault_jmp = 0;
    uint32_t reason = (uint32_t)vmread_or(VMCS_VM_EXIT_REASON, ~0ull);
    uint64_t qual = vmread_or(VMCS_EXIT_QUALIFICATION, 0);
    uint32_t intr = (uint32_t)vmread_or(VMCS_VM_EXIT_INTR_INFO, 0);
    if (r != 0 || (reason & 0x80000000u)) {   /* the payload's own guest did not run */
        report_head(id, "unsupported");
        out_str(" what=nonroot-entry");
        report_kv("reason", r == 0 ? reason : (uint64_t)r);
        out_end();
        return;
    }
    if ((reason & 0xffff) == 0 && (intr & 0x80000000u)) {   /* an exception in the guest */
        audit_after_nonroot(0, 0, (int)(intr & 0xff));
        report_head(id, "fault");
        report_kv("vec", intr & 0xff);
    } else {
        audit_after_nonroot(reason, qual, -1);
        report_head(id, "nonroot_exit");
        report_kv("reason", reason);
        report_kv("qual", qual);
    }
    audit_report();
    out_end();
}

static void run_case(const struct vxa_batch_case *c, const uint8_t *end)
{
    run_one(c, end);
    vmx_reenter();
}

static void run_one(const struct vxa_batch_case *c, const uint8_t *end)
{
    static struct case_state s;         /* static: survives the longjmp of a fault */
    static struct vxa_jmp jmp;
    uint32_t id = c->id;

    report_begin(id);
    const char *bad = validate(c, end);
    if (bad) {
        report_what(id, "bad", bad);
        return;
    }
    if (vmx_lost) {
        report_what(id, "bad", "vmx-lost");
        return;
    }
    if (c->env & VXA_ENV_NON_ROOT) {
        run_nonroot(c);
        return;
    }
    if ((c->env & VXA_ENV_CPL_MASK) && (c->flags & (VXA_CASE_COMPAT | VXA_CASE_MOVSS_BLOCKING))) {
        report_what(id, "unsupported", "cpl-state");   /* ring.S: 64-bit code, no MOV SS */
        return;
    }
    if (c->instruction == VXA_INSN_VMXON) {
        run_vmxon(c);
        return;
    }
    if (bare_metal() && (bad = bm_memory(c))) {
        report_what(id, "unsupported", bad);
        return;
    }
    bool h32 = (c->env & VXA_ENV_HOST32) != 0;
    if (h32 && bare_metal()) {
        report_what(id, "unsupported", "host32-bare-metal");
        return;
    }
    s.c = c;
    s.fields = (const struct vxa_batch_field *)(c + 1);
    s.fill = &layout_fill;
    s.nwerr = 0;
    s.phase = PHASE_SETUP;
    for (unsigned i = 0; i < LAYOUT_MAX; i++) s.filled[i] = false;
    audit_reset();

    if (current_vmcs) vmclear(current_vmcs);   /* write back before the region is reused */
    current_vmcs = 0;
    arena_clean();

    if (vxa_setjmp(&jmp)) {             /* an exception: cpu.c reloaded our context */
        arena_mark_all();
        bool in_insn = (vxa_last_fault.rip >= (uint64_t)(uintptr_t)vxa_vmenter &&
                        vxa_last_fault.rip < (uint64_t)vxa_vmenter_end) || in_compat_try(vxa_last_fault.rip);
        if (s.phase == PHASE_ENTER && in_insn) {
            audit_after(0, (int)vxa_last_fault.vector);
            report_head(id, "fault");   /* VMLAUNCH/VMRESUME itself faulted */
            report_kv("vec", vxa_last_fault.vector);
        } else if (s.phase == PHASE_ENTER) {
            audit_after(0, -1);
            report_exit(&s, id);        /* the host faulted after the VM exit */
            report_kv("hostfault", vxa_last_fault.vector);
        } else {
            audit_reset();
            report_head(id, "bad");
            out_str(" what=setup-fault");
            report_kv("vec", vxa_last_fault.vector);
        }
        report_tail(&s);
        return;
    }
    vxa_fault_jmp = &jmp;

    place_blobs(c);
    uint64_t vmcs = c->vmcs_address ? c->vmcs_address : (uint64_t)vmcs_region;
    memset((void *)(uintptr_t)vmcs, 0, 4096);
    arena_mark(vmcs, 4096);
    bool shadow = (c->flags & VXA_CASE_SHADOW_VMCS) != 0;
    *(uint32_t *)(uintptr_t)vmcs = ((uint32_t)P.msr[0] & 0x7fffffffu) | (shadow ? 0x80000000u : 0);
    if (vmclear(vmcs) || vmptrld(vmcs)) {   /* a shadow VMCS needs VMCS shadowing (SDM 31.3) */
        vxa_fault_jmp = 0;
        report_what(id, "unsupported", shadow ? "vmptrld-shadow" : "vmptrld");
        return;
    }
    current_vmcs = vmcs;

    if (c->flags & VXA_CASE_LAUNCHED) {
        const char *why = prime();
        if (why) {
            vxa_fault_jmp = 0;
            report_what(id, "unsupported", why);
            return;
        }
    }
    for (unsigned i = 0; i < c->nfields; i++) {
        int64_t e = write_field(s.fields[i].encoding, s.fields[i].value);
        if (e >= 0 && s.nwerr < MAX_WERR) {
            s.werr_enc[s.nwerr] = s.fields[i].encoding;
            s.werr_err[s.nwerr++] = (uint32_t)e;
        }
    }
    /* a 32-bit host's paging: PAE unless the case's own HOST_CR4 clears it (host32.c) */
    const struct vxa_batch_field *hcr4 = case_field(&s, VMCS_HOST_CR4);
    bool h32_pae = !hcr4 || (hcr4->value & (1u << 5));
    if (h32) s.fill = host32_fill(h32_pae);
    if (!(c->flags & VXA_CASE_NO_FILL))
        for (unsigned i = 0; i < s.fill->n; i++)
            if (!case_field(&s, s.fill->f[i].enc))
                s.filled[i] = write_field(s.fill->f[i].enc, s.fill->f[i].val) < 0;
    s.guest_rip = vmread_or(VMCS_GUEST_RIP, 0);
    const char *unsafe = bare_metal() ? bm_gate((uint64_t)(uintptr_t)vxa_guest_stub, vxa_host_cr3) : 0;
    if (unsafe) {
        vxa_fault_jmp = 0;
        report_what(id, "unsupported", unsafe);
        return;
    }
    audit_before(c, vmcs, (uint64_t)(uintptr_t)vmxon_region);
    if (c->flags & VXA_CASE_NO_CURRENT_VMCS) {
        vmclear(vmcs);
        current_vmcs = 0;
    }
    if (c->flags & VXA_CASE_OUTSIDE_VMX) {    /* write the VMCS back, leave VMX operation */
        if (current_vmcs) vmclear(vmcs);
        current_vmcs = 0;
        vmxoff();
        in_vmx = false;
    }

    s.phase = PHASE_ENTER;
    if (h32) {
        if (current_vmcs) vmclear(vmcs);
        current_vmcs = 0;
        vmxoff();
        in_vmx = false;
        unsigned how = (c->instruction == VXA_INSN_VMRESUME ? HOST32_HOW_RESUME : 0) |
                       (c->flags & VXA_CASE_MOVSS_BLOCKING ? HOST32_HOW_MOVSS : 0) |
                       (c->flags & VXA_CASE_NO_CURRENT_VMCS ? HOST32_HOW_NO_VMCS : 0);
        unsigned st = host32_enter((uint64_t)(uintptr_t)vmxon_region, vmcs, how, h32_pae);
        vxa_fault_jmp = 0;
        vmx_reenter();                  /* the payload's region; the VMCS current again */
        if (in_vmx && !(c->flags & VXA_CASE_NO_CURRENT_VMCS) && vmptrld(vmcs) == 0) current_vmcs = vmcs;
        if (st > 3 || !in_vmx) {
            report_what(id, "unsupported", st == 4 ? "host32-vmxon" : st == 5 ? "host32-vmptrld" : "host32-vmx");
            arena_mark_all();
            return;
        }
        if (st <= 2) audit_after((int)st, -1);
        if (st == 0) report_exit(&s, id);
        else if (st == 1) report_head(id, "vmfail_invalid");
        else if (st == 2) {
            report_head(id, "vmfail_valid");
            report_kv("err", vmread_or(VMCS_VM_INSTRUCTION_ERROR, 0));
        } else {
            report_head(id, "bad");
            out_str(" what=no-vmfail-flags");
        }
        report_tail(&s);
        return;
    }
    unsigned cpl = c->env & VXA_ENV_CPL_MASK;
    int r = (c->flags & VXA_CASE_COMPAT)
                ? vxa_compat_try(c->instruction == VXA_INSN_VMRESUME ? 2u : 1u, 0)
                : cpl ? ring_run(c->instruction == VXA_INSN_VMRESUME ? 1u : 0u, 0, cpl)
                : vxa_vmenter((c->instruction == VXA_INSN_VMRESUME ? 1u : 0u) |
                              (c->flags & VXA_CASE_MOVSS_BLOCKING ? 2u : 0u));
    if ((c->flags & VXA_CASE_COMPAT) && r == 0) r = 3;   /* no VM exit lands there: the SDM's #UD missing */
    vxa_fault_jmp = 0;
    if (in_vmx && r <= 2) audit_after(r, -1);   /* first: before report_exit's VMREADs */
    if (!in_vmx) {                      /* outside VMX operation the SDM says #UD (27.1) */
        report_head(id, "bad");
        out_str(" what=no-ud-outside-vmx");
    } else if (r == 0) {
        report_exit(&s, id);
    } else if (r == 1) {
        report_head(id, "vmfail_invalid");
    } else if (r == 2) {
        report_head(id, "vmfail_valid");
        report_kv("err", vmread_or(VMCS_VM_INSTRUCTION_ERROR, 0));
    } else {
        report_head(id, "bad");
        out_str(" what=no-vmfail-flags");
    }
    report_tail(&s);
}

/* Runs records [first, first + count) of the batch. */
static void run_batch(const struct vxa_batch_header *h, uint32_t first, uint32_t count)
{
    if (h->magic != VXA_BATCH_MAGIC) return;           /* no batch: a probe-only run */
    if (h->size < sizeof *h || h->size > VXA_BATCH_MAX) {
        out_str("@H batch bad-size");
        out_end();
        return;
    }
    const uint8_t *end = (const uint8_t *)h + h->size;
    const uint8_t *p = (const uint8_t *)(h + 1);
    for (uint32_t i = 0; i < h->count && i - first < count; i++) {
        const struct vxa_batch_case *c = (const void *)p;
        if (p + sizeof *c > end || c->size < sizeof *c) {
            out_str("@H batch truncated");
            out_end();
            return;
        }
        if (i >= first) {
            run_case(c, end);
            if (bare_metal()) bm_restore_msrs();
        }
        p += c->size;
    }
}

__attribute__((noreturn)) void vxa_boot_return(struct vxa_boot *b);   /* entry.S */

void vxa_main(struct vxa_boot *b);
void vxa_main(struct vxa_boot *b)
{
    boot = b && b->magic == VXA_BOOT_MAGIC ? b : 0;
    uint32_t first = 0, count = ~0u;
    const struct vxa_batch_header *batch = (const void *)(uintptr_t)VXA_BATCH_BASE;
    if (boot) {
        out_to_buffer((char *)(uintptr_t)boot->out_buf, boot->out_size, &boot->out_len);
        if (boot->arena_map) arena_set_map((const uint8_t *)(uintptr_t)boot->arena_map);
        if (boot->batch) batch = (const void *)(uintptr_t)boot->batch;
        first = boot->first;
        count = boot->count;
        if (bare_metal()) {
            bm_save_pic();
            out_reset_on_shutdown();
        }
    }
    cpu_init();
    if (bare_metal()) bm_save();
    out_mute(boot && (boot->flags & VXA_BOOT_QUIET));
    probe_run(&P);
    out_mute(0);
    const struct vxa_batch_case *early = count && !bare_metal() ? fc_early_case(batch, first) : 0;
    if (early) {                        /* before VMX is enabled (feature_control.c) */
        cpu_save_host_context();
        audit_init();
        out_str("@H ready");
        out_end();
        run_one(early, (const uint8_t *)batch + batch->size);
        first++;
        count--;
    }
    if (probe_enable_vmx(&P, vmxon_region) == 0) {
        in_vmx = true;
        cpu_save_host_context();        /* CR0/CR4 as VMX operation needs them */
        layout_init(&P);
        host32_init();
        audit_init();
        arena_clean();
        out_str("@H ready");
        out_end();
        if (count) run_batch(batch, first, count);
        if (boot && in_vmx) {
            if (current_vmcs) vmclear(current_vmcs);
            vmxoff();                   /* SDM 25.7: leave VMX operation before the host runs */
        }
    }
    out_str("@E done");
    out_end();
    if (boot) {
        if (bare_metal()) bm_restore();
        vxa_boot_return(boot);
    }
    vxa_shutdown();
}
