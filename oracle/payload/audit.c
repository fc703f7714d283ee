/* audit.c — the in-guest audit (audit.h) through the engine's live adapter (vmxaudit.h from the
 * amalgamation, engine/EMBEDDING.md): VMREAD, RDMSR and CPUID callbacks that survive faults,
 * physical memory read from the identity map.  The workspace and the report live in .bss. */
#include "audit.h"
#include "lib.h"
#include "out.h"
#include "vmxaudit.h"
#include "x86.h"

static vxa_live_workspace ws;           /* 1.8 KB, never on the stack (EMBEDDING.md) */
static vxa_report report;               /* 13 KB */
static vxa_outcome observed;
static bool audited, have_observed, live_ok;
static int nfailed;

/* VMREAD of the current VMCS; VMfail and a fault (#UD/#GP) are both a failed read. */
static int op_vmread(void *ctx, uint32_t enc, uint64_t *v)
{
    (void)ctx;
    return vxa_vmread_safe(enc, v) != 0;
}

/* RDMSR through the payload's #GP catcher: an advertised MSR that faults is a failed read. */
static int op_rdmsr(void *ctx, uint32_t msr, uint64_t *v)
{
    (void)ctx;
    return vxa_rdmsr_safe(msr, v) != 0;
}

/* Physical memory is identity-mapped (entry.S): the case arena holds the case's memory as
 * placed; the rest of RAM is what the CPU would read there too.  Beyond the RAM (MMIO, holes,
 * above 4 GiB) nothing is read: those rules are undetermined. */
static int op_read_phys(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    (void)ctx;
    const uint64_t ram = (uint64_t)VXA_GUEST_MEGS << 20;
    if (pa >= ram || len > ram - pa) return -1;
    if (pa < VXA_ARENA_HIGH_BASE && pa + len > VXA_HOST_REGION_BASE) return -1;   /* VGA, ROMs */
    memcpy(buf, (const void *)(uintptr_t)pa, len);
    return 0;
}

static void op_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    (void)ctx;
    cpuid2(leaf, sub, r);
}

void audit_init(void)
{
    out_str("@H engine api=");
    out_hex(VMXAUDIT_API_VERSION);
    out_str(" checks=");
    out_hex(VXA_CHECK_COUNT);
    out_str(" fields=");
    out_hex(VXA_FIELD_COUNT);
    out_end();
}

const char *audit_check_model(const struct vxa_batch_case *c)
{
    return c->model < VXA_MODEL_COUNT ? 0 : "model";
}

void audit_reset(void)
{
    audited = have_observed = false;
}

void audit_before(const struct vxa_batch_case *c, uint64_t vmcs_pa, uint64_t vmxon_pa)
{
    audit_reset();
    if (c->flags & VXA_CASE_NO_AUDIT) return;
    vxa_live_ops ops = { .vmread = op_vmread, .rdmsr = op_rdmsr, .read_phys = op_read_phys,
                         .cpuid = op_cpuid, .model = c->model };
    vxa_entry e;
    vxa_entry_init(&e);
    e.instruction = c->instruction == VXA_INSN_VMRESUME ? VXA_VMRESUME : VXA_VMLAUNCH;
    e.launched = (c->flags & VXA_CASE_LAUNCHED) != 0;
    e.current_vmcs = !(c->flags & VXA_CASE_NO_CURRENT_VMCS);
    e.movss_blocking = (c->flags & VXA_CASE_MOVSS_BLOCKING) != 0;
    e.vmx_operation = !(c->flags & VXA_CASE_OUTSIDE_VMX);
    e.current_vmcs_shadow = (c->flags & VXA_CASE_SHADOW_VMCS) != 0;
    if (c->flags & VXA_CASE_COMPAT) e.mode = VXA_MODE_COMPAT;
    e.cpl = c->env & VXA_ENV_CPL_MASK;
    if (c->env & VXA_ENV_HOST32) {     /* protected mode with paging (host32.S) */
        e.host_ia32e = false;
        e.mode = VXA_MODE_PROTECTED;
    }
    e.has_current_vmcs_address = true;
    e.current_vmcs_address = vmcs_pa;
    e.has_vmxon_address = true;
    e.vmxon_address = vmxon_pa;
    nfailed = vxa_live_audit(&ops, 0, &e, &ws, &report);
    audited = nfailed >= 0;
}

/* VMXON reads no VMCS (its rules read none): every VMREAD "fails" without executing. */
static int op_no_vmread(void *ctx, uint32_t enc, uint64_t *v)
{
    (void)ctx;
    (void)enc;
    *v = 0;
    return 1;
}

void audit_vmxon(const struct vxa_batch_case *c, uint64_t operand, bool vmx_operation,
                 bool current_vmcs)
{
    audit_reset();
    if (c->flags & VXA_CASE_NO_AUDIT) return;
    vxa_live_ops ops = { .vmread = op_no_vmread, .rdmsr = op_rdmsr, .read_phys = op_read_phys,
                         .cpuid = op_cpuid, .model = c->model };
    vxa_entry e;
    vxa_entry_init(&e);
    e.instruction = VXA_VMXON;
    e.vmx_operation = vmx_operation;
    e.current_vmcs = current_vmcs;
    e.has_vmxon_address = true;
    e.vmxon_address = operand;
    if (c->flags & VXA_CASE_COMPAT) e.mode = VXA_MODE_COMPAT;
    e.cpl = c->env & VXA_ENV_CPL_MASK;
    e.cr0 = read_cr0();
    e.cr4 = read_cr4();
    if (vxa_rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &e.feature_control)) e.feature_control = 0;
    audited = vxa_live_audit(&ops, 0, &e, &ws, &report) >= 0;
    nfailed = 0;                        /* no VMCS read is a failed one */
}

void audit_after_vmxon(int how, uint64_t error, int fault_vector)
{
    if (!audited) return;
    observed = (vxa_outcome){ .result = VXA_ENTERED };
    if (fault_vector >= 0) observed = (vxa_outcome){ .result = VXA_FAULT, .vector = (uint8_t)fault_vector };
    else if (how == 1) observed.result = VXA_VMFAIL_INVALID;
    else if (how == 2) observed = (vxa_outcome){ .result = VXA_VMFAIL_VALID, .nerror = 1, .error = { (uint8_t)error } };
    have_observed = true;
    live_ok = vxa_outcome_within(&report.outcome, &observed);
}

void audit_nonroot(const struct vxa_batch_case *c)
{
    audit_reset();
    if (c->flags & VXA_CASE_NO_AUDIT) return;
    vxa_live_ops ops = { .vmread = op_vmread, .rdmsr = op_rdmsr, .read_phys = op_read_phys,
                         .cpuid = op_cpuid, .model = c->model };
    vxa_entry e;
    vxa_entry_init(&e);
    e.instruction = c->instruction == VXA_INSN_VMRESUME ? VXA_VMRESUME :
                    c->instruction == VXA_INSN_VMXON ? VXA_VMXON : VXA_VMLAUNCH;
    e.vmx_non_root = true;
    e.launched = (c->flags & VXA_CASE_LAUNCHED) != 0;
    e.cr0 = read_cr0();                 /* the guest's are the host's (layout.c primer) */
    e.cr4 = read_cr4();
    if (vxa_rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &e.feature_control)) e.feature_control = 0;
    nfailed = vxa_live_audit(&ops, 0, &e, &ws, &report);
    audited = nfailed >= 0;
}

void audit_after_nonroot(uint32_t reason, uint64_t qual, int fault_vector)
{
    if (!audited) return;
    observed = fault_vector >= 0 ? (vxa_outcome){ .result = VXA_FAULT, .vector = (uint8_t)fault_vector }
                                 : (vxa_outcome){ .result = VXA_ENTRY_FAILURE,
                                                  .exit_reason = (uint8_t)(reason & 0xffff),
                                                  .nqual = 1, .qual = { (uint32_t)qual } };
    have_observed = true;
    live_ok = vxa_outcome_within(&report.outcome, &observed);
}

void audit_after(int how, int fault_vector)
{
    if (!audited) return;
    if (fault_vector >= 0) {
        observed = (vxa_outcome){ .result = VXA_FAULT, .vector = (uint8_t)fault_vector };
        have_observed = true;
    } else {
        vxa_live_ops ops = { .vmread = op_vmread, .rdmsr = op_rdmsr };
        /* vmenter.S's status as RFLAGS: 1 = CF (VMfailInvalid), 2 = ZF (VMfailValid) */
        uint64_t rflags = how == 1 ? 1u : how == 2 ? 0x40u : 0;
        have_observed = vxa_live_observe(&ops, 0, rflags, how == 0, &observed) == 0;
    }
    live_ok = have_observed && vxa_outcome_within(&report.outcome, &observed);
}

static void kv(const char *k, uint64_t v)
{
    out_char(' ');
    out_str(k);
    out_char('=');
    out_hex(v);
}

/* " k=a,b,c" (nothing when n = 0) */
static void list(const char *k, unsigned i, uint64_t v)
{
    if (i == 0) {
        out_char(' ');
        out_str(k);
        out_char('=');
    } else {
        out_char(',');
    }
    out_hex(v);
}

void audit_report(void)
{
    if (!audited) return;
    const vxa_outcome *o = &report.outcome;
    kv("pr", o->result);
    if (o->result == VXA_VMFAIL_VALID)
        for (unsigned i = 0; i < o->nerror && i < VXA_MAX_SET; i++) list("pe", i, o->error[i]);
    if (o->result == VXA_ENTRY_FAILURE) {
        kv("px", o->exit_reason);
        for (unsigned i = 0; i < o->nqual && i < VXA_MAX_SET; i++) list("pq", i, o->qual[i]);
    }
    if (o->result == VXA_FAULT) kv("pv", o->vector);
    kv("pn", report.nviolations);
    unsigned n = report.nviolations < VXA_MAX_VIOLATIONS ? report.nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n && i < VXA_ABI_MAX_CHECKS; i++)
        list("pc", i, report.violations[i].check);
    kv("pu", report.nundetermined);
    if (report.outcome_assumes_undetermined_pass) kv("pa", 1);
    if (nfailed) kv("pf", (uint64_t)nfailed);
    if (have_observed) kv("pok", live_ok);
}
