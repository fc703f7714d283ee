/* live.c — the live adapter (vmxaudit/live.h): profile from the CPU's IA32_VMX_* MSRs and CPUID,
 * layout from VMREADs of the current VMCS, then the audit.  Freestanding. */
#include "vmxaudit/live.h"
#include "internal.h"

/* ---- CPUID (SDM Vol. 2A, CPUID) ---- */

/* Does CPUID.(leaf, subleaf) exist?  Basic and extended leaves up to their maximum; subleaf n
 * of leaf 7 when CPUID.(7,0):EAX >= n (the only sub-leaves cpuid.def reads). */
static bool leaf_exists(uint32_t leaf, uint32_t sub, uint32_t max_basic, uint32_t max_ext,
                        uint32_t max_sub7)
{
    if (leaf >= 0x80000000u ? leaf > max_ext : leaf > max_basic) return false;
    return sub == 0 || (leaf == 7 && sub <= max_sub7);
}

void vxa_live_cpu_from_cpuid(void (*cpuid)(void *, uint32_t, uint32_t, uint32_t[4]), void *ctx,
                             vxa_live_cpu *out)
{
    uint32_t r[4], max_basic, max_ext, max_sub7 = 0, f = 0, done = 0;
    cpuid(ctx, 0, 0, r);
    max_basic = r[0];
    cpuid(ctx, 0x80000000u, 0, r);
    max_ext = r[0] >= 0x80000000u ? r[0] : 0;
    if (max_basic >= 7) {
        cpuid(ctx, 7, 0, r);
        max_sub7 = r[0];
    }
    /* each leaf of cpuid.def once: its features together; a leaf that does not exist reads 0 */
    for (unsigned i = 0; i < VXA_CPUID_COUNT; i++) {
        const vxa_cpuid_info *fi = vxa_cpuid_get(i);
        if ((done >> i) & 1u) continue;
        r[0] = r[1] = r[2] = r[3] = 0;
        if (leaf_exists(fi->leaf, fi->subleaf, max_basic, max_ext, max_sub7))
            cpuid(ctx, fi->leaf, fi->subleaf, r);
        for (unsigned j = i; j < VXA_CPUID_COUNT; j++) {
            const vxa_cpuid_info *fj = vxa_cpuid_get(j);
            if (fj->leaf != fi->leaf || fj->subleaf != fi->subleaf) continue;
            done |= 1u << j;
            if ((r[fj->reg] >> fj->bit) & 1u) f |= 1u << j;
        }
    }
    out->maxphyaddr = 0;
    out->linear_address_width = 0;
    if (max_ext >= 0x80000008u) {
        cpuid(ctx, 0x80000008u, 0, r);
        out->maxphyaddr = (uint8_t)(r[0] & 0xffu);
        out->linear_address_width = (uint8_t)(r[0] >> 8 & 0xffu);
    }
    out->cpuid = f;
    out->cpuid_known = (1u << VXA_CPUID_COUNT) - 1u;
}

/* CPUID.0AH of this logical processor (SDM Vol. 2A, CPUID), which decides IA32_PERF_GLOBAL_CTRL's
 * counter enables: not on a hybrid part (CPUID.(EAX=7,ECX=0):EDX[15]), whose leaf 0AH need not
 * describe the core type it runs on (an Alder Lake P core returns the E cores' counts). */
static void live_pmu(void (*cpuid)(void *, uint32_t, uint32_t, uint32_t[4]), void *ctx, vxa_profile *p)
{
    uint32_t r[4];
    cpuid(ctx, 0, 0, r);
    if (r[0] < 0xa) return;
    cpuid(ctx, 7, 0, r);
    if ((r[3] >> 15) & 1u) return;
    cpuid(ctx, 0xa, 0, r);
    for (unsigned i = 0; i < 4; i++) p->pmu_cpuid_0a[0][i] = r[i];
    p->pmu_types = 1;
}

/* ---- profile ---- */

static void read_msr(const vxa_live_ops *ops, void *ctx, vxa_live_workspace *ws, unsigned i)
{
    uint64_t v = 0;
    ws->msr_advertised |= 1u << i;
    if (ops->rdmsr(ctx, VXA_MSR_INDEX(i), &v) == 0) {
        ws->profile.msr[i] = v;
        ws->profile.msr_present |= 1u << i;
    } else {
        ws->msr_failed |= 1u << i;
    }
}

/* Bit b of MSR i, read (1), clear (0), or MSR not read (-1). */
static int msr_bit(const vxa_live_workspace *ws, unsigned i, unsigned b)
{
    if (!vxa_profile_has(&ws->profile, i)) return -1;
    return (int)(ws->profile.msr[i] >> b & 1u);
}

int vxa_live_read_profile(const vxa_live_ops *ops, void *ctx, vxa_live_workspace *ws)
{
    if (!ops || !ops->rdmsr || !ws) return -1;
    vxa_profile_init(&ws->profile);
    ws->msr_advertised = 0;
    ws->msr_failed = 0;

    /* IA32_VMX_BASIC .. IA32_VMX_VMCS_ENUM exist on every processor with VMX (App. A.1-A.9). */
    for (unsigned i = VXA_MSR_BASIC; i <= VXA_MSR_VMCS_ENUM; i++) read_msr(ops, ctx, ws, i);
    /* A.3.1-A.5: the TRUE_* MSRs exist iff IA32_VMX_BASIC[55] = 1. */
    if (msr_bit(ws, VXA_MSR_BASIC, 55) == 1)
        for (unsigned i = VXA_MSR_TRUE_PINBASED_CTLS; i <= VXA_MSR_TRUE_ENTRY_CTLS; i++)
            read_msr(ops, ctx, ws, i);
    /* A.3.3: IA32_VMX_PROCBASED_CTLS2 iff IA32_VMX_PROCBASED_CTLS[63] = 1. */
    if (msr_bit(ws, VXA_MSR_PROCBASED_CTLS, 32 + VXA_PROC_ACTIVATE_SECONDARY) == 1)
        read_msr(ops, ctx, ws, VXA_MSR_PROCBASED_CTLS2);
    /* A.3.4: IA32_VMX_PROCBASED_CTLS3 iff IA32_VMX_PROCBASED_CTLS[49] = 1. */
    if (msr_bit(ws, VXA_MSR_PROCBASED_CTLS, 32 + VXA_PROC_ACTIVATE_TERTIARY) == 1)
        read_msr(ops, ctx, ws, VXA_MSR_PROCBASED_CTLS3);
    /* A.4.2: IA32_VMX_EXIT_CTLS2 iff IA32_VMX_EXIT_CTLS[63] = 1. */
    if (msr_bit(ws, VXA_MSR_EXIT_CTLS, 32 + VXA_EXIT_ACTIVATE_SECONDARY) == 1)
        read_msr(ops, ctx, ws, VXA_MSR_EXIT_CTLS2);
    /* A.10: IA32_VMX_EPT_VPID_CAP iff PROCBASED_CTLS2[33] ("enable EPT") or [37] ("enable
     * VPID"); A.11: IA32_VMX_VMFUNC iff PROCBASED_CTLS2[45] ("enable VM functions"). */
    if (msr_bit(ws, VXA_MSR_PROCBASED_CTLS2, 32 + VXA_PROC2_ENABLE_EPT) == 1 ||
        msr_bit(ws, VXA_MSR_PROCBASED_CTLS2, 32 + VXA_PROC2_ENABLE_VPID) == 1)
        read_msr(ops, ctx, ws, VXA_MSR_EPT_VPID_CAP);
    if (msr_bit(ws, VXA_MSR_PROCBASED_CTLS2, 32 + VXA_PROC2_ENABLE_VMFUNC) == 1)
        read_msr(ops, ctx, ws, VXA_MSR_VMFUNC);

    vxa_live_cpu cpu = ops->cpu;
    if (ops->cpuid) {
        vxa_live_cpu_from_cpuid(ops->cpuid, ctx, &cpu);
        live_pmu(ops->cpuid, ctx, &ws->profile);
    }
    if (cpu.maxphyaddr) {
        ws->profile.maxphyaddr = cpu.maxphyaddr;
        ws->profile.maxphyaddr_default = false;
    }
    ws->profile.linear_address_width = cpu.linear_address_width == 57 ? 57 : 48;
    ws->profile.cpuid = cpu.cpuid & cpu.cpuid_known;
    ws->profile.cpuid_known = cpu.cpuid_known & ((1u << VXA_CPUID_COUNT) - 1u);

    int failed = 0;
    for (uint32_t m = ws->msr_failed; m; m &= m - 1) failed++;
    return failed;
}

/* ---- layout ---- */

int vxa_live_read_vmcs(const vxa_live_ops *ops, void *ctx, vxa_live_workspace *ws)
{
    if (!ops || !ops->vmread || !ws) return -1;
    vxa_vmcs_init(&ws->vmcs);
    ws->nvmread = 0;
    ws->nvmread_failed = 0;
    for (unsigned i = 0; i < sizeof ws->vmread_failed; i++) ws->vmread_failed[i] = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        const vxa_field_info *fi = vxa_field_get((vxa_field)f);
        /* No rule reads the VM-exit information fields (SDM 25.9); a field that does not exist
         * on this CPU (App. B footnotes, A.9) would fail with error 12 and is left out.  A field
         * whose existence is undetermined (its MSR could not be read) is tried. */
        if (fi->kind == VXA_KIND_RO || vxa_field_exists(&ws->profile, (vxa_field)f) == 0) continue;
        uint64_t v = 0;
        ws->nvmread++;
        if (ops->vmread(ctx, fi->encoding, &v) == 0) {
            vxa_set(&ws->vmcs, (vxa_field)f, v);
        } else {   /* not captured, never 0: the rules that need it are undetermined */
            vxa_set_not_captured(&ws->vmcs, (vxa_field)f);
            ws->nvmread_failed++;
            ws->vmread_failed[f >> 3] |= (uint8_t)(1u << (f & 7));
        }
    }
    return ws->nvmread_failed;
}

/* ---- audit ---- */

static int no_memory(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    (void)ctx, (void)pa, (void)buf, (void)len;
    return -1;
}

int vxa_live_audit(const vxa_live_ops *ops, void *ctx, const vxa_entry *env,
                   vxa_live_workspace *ws, vxa_report *out)
{
    if (!ops || !ops->vmread || !ops->rdmsr || !ws || !out) return -1;
    int failed = vxa_live_read_profile(ops, ctx, ws);
    failed += vxa_live_read_vmcs(ops, ctx, ws);
    vxa_memory mem = { ops->read_phys ? ops->read_phys : no_memory, ctx };
    vxa_input in = { &ws->profile, &ws->vmcs, env, &mem, ops->model, 0 };
    vxa_audit(&in, out);
    return failed;
}

/* ---- what the CPU did ---- */

int vxa_live_observe(const vxa_live_ops *ops, void *ctx, uint64_t rflags, bool entry_exit,
                     vxa_outcome *o)
{
    if (!ops || !ops->vmread || !o) return -1;
    uint64_t v = 0;
    o->nerror = 0;
    o->nqual = 0;
    o->exit_reason = 0;
    o->vector = 0;
    if (!entry_exit) {
        if (rflags & 1u) {                       /* CF: VMfailInvalid (31.2) */
            o->result = VXA_VMFAIL_INVALID;
            return 0;
        }
        o->result = VXA_VMFAIL_VALID;            /* ZF: VMfailValid, error in the VMCS */
        if (ops->vmread(ctx, vxa_field_get(VXA_F_VM_INSTRUCTION_ERROR)->encoding, &v)) return -1;
        o->nerror = 1;
        o->error[0] = (uint8_t)v;
        return 0;
    }
    if (ops->vmread(ctx, vxa_field_get(VXA_F_VM_EXIT_REASON)->encoding, &v)) return -1;
    if (!(v >> 31 & 1u)) {                       /* an ordinary VM exit: the entry succeeded */
        o->result = VXA_ENTERED;
        return 0;
    }
    o->result = VXA_ENTRY_FAILURE;               /* 27.8: bit 31 set, basic reason 33/34/41 */
    o->exit_reason = (uint8_t)(v & 0xffffu);
    if (ops->vmread(ctx, vxa_field_get(VXA_F_EXIT_QUALIFICATION)->encoding, &v)) return -1;
    o->nqual = 1;
    o->qual[0] = (uint32_t)v;
    return 0;
}
