/* msr_load.c — SDM 27.4 Loading MSRs: the VM-entry MSR-load list, processed in order after the
 * guest state is loaded; the first failing entry ends the VM entry with exit reason 34 and its
 * 1-based index as the exit qualification (27.8).  Also the advisory on the list's length. */
#include "../internal.h"

/* MSR indices (Vol. 4 Table 2-2) */
#define MSR_IA32_TSC 0x10u
#define MSR_IA32_BIOS_UPDT_TRIG 0x79u        /* microcode update trigger (IA32_UCODE_WRITE) */
#define MSR_IA32_BIOS_SIGN_ID 0x8bu          /* microcode signature (IA32_UCODE_REV) */
#define MSR_IA32_SMM_MONITOR_CTL 0x9bu
#define MSR_IA32_SYSENTER_ESP 0x175u
#define MSR_IA32_SYSENTER_EIP 0x176u
#define MSR_IA32_PAT 0x277u
#define MSR_IA32_EFER 0xc0000080u
#define MSR_IA32_STAR 0xc0000081u
#define MSR_IA32_LSTAR 0xc0000082u
#define MSR_IA32_CSTAR 0xc0000083u
#define MSR_IA32_FS_BASE 0xc0000100u
#define MSR_IA32_GS_BASE 0xc0000101u
#define MSR_IA32_KERNEL_GS_BASE 0xc0000102u
/* IA32_SMM_MONITOR_CTL (34.15.5): bit 0 valid, bit 2 "VMXOFF unblocks SMIs" (writable only if
 * IA32_VMX_MISC[28] = 1), bits 31:12 MSEG base; bits 1, 11:3 and 63:32 reserved. */
#define SMM_MONITOR_RSVD (BIT(1) | 0xff8ull | ~0xffffffffull)
#define SMM_MONITOR_VMXOFF_UNBLOCK BIT(2)
#define ARCH_MAX_MSR 4096u                   /* 512 x 8: the largest maximum MISC can state */
#define ENTRY_SIZE 16u

typedef struct msr_entry { uint32_t index, reserved; uint64_t value; } msr_entry;

/* Intel 64 (CPUID.80000001H:EDX.LM); unknown = yes. */
static bool lm(const vxa_ctx *c) { return vxa_intel64(c) != 0; }

/* Would WRMSR at CPL 0 of e->value to e->index cause #GP, as far as the profile can tell?
 * Returns 1 (#GP: *bits = the offending bits, *fix = a value WRMSR accepts), 0 (accepted) or -1
 * (not known: the MSR's reserved bits are model-specific or the profile lacks what decides). */
static int wrmsr_gp(const vxa_ctx *c, const msr_entry *e, uint64_t *bits, uint64_t *fix)
{
    uint64_t v = e->value;
    switch (e->index) {
    case MSR_IA32_TSC:
        return 0;                                        /* any 64-bit value */
    case MSR_IA32_EFER: {
        /* SCE (0), LME (8), LMA (10, read-only, written value ignored), NXE (11); the rest
         * reserved on Intel processors.  LME cannot change while CR0.PG = 1 (Vol. 3A 10.8.5):
         * the guest CR0 and EFER are already loaded when the list is processed (27.3.2). */
        uint64_t ok = VXA_EFER_SCE | VXA_EFER_NXE | (lm(c) ? VXA_EFER_LME | VXA_EFER_LMA : 0);
        uint64_t lme_now = entry(c, VXA_ENTRY_LOAD_EFER) ? FV(c, GUEST_IA32_EFER) & VXA_EFER_LME
                         : entry(c, VXA_ENTRY_IA32E_MODE_GUEST) ? VXA_EFER_LME : 0;
        *bits = v & ~ok;
        if ((FV(c, GUEST_CR0) & VXA_CR0_PG) && (v & VXA_EFER_LME) != lme_now) *bits |= VXA_EFER_LME;
        *fix = ((v & ok) & ~VXA_EFER_LME) | ((FV(c, GUEST_CR0) & VXA_CR0_PG) ? lme_now : (v & VXA_EFER_LME));
        return *bits != 0;
    }
    case MSR_IA32_STAR:
        return lm(c) ? 0 : -1;
    case MSR_IA32_SYSENTER_ESP:
    case MSR_IA32_SYSENTER_EIP:
    case MSR_IA32_LSTAR:
    case MSR_IA32_CSTAR:
    case MSR_IA32_KERNEL_GS_BASE:
        /* canonical relative to the processor's linear-address width (WRMSR checks) */
        if (!lm(c)) return -1;
        *fix = vxa_canonical_fix(c, v);
        *bits = v ^ *fix;
        return *bits != 0;
    case MSR_IA32_PAT: {
        /* each byte a memory type: 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC- */
        *bits = 0;
        *fix = v;
        for (unsigned i = 0; i < 8; i++) {
            unsigned t = (unsigned)(v >> (8 * i)) & 0xffu;
            if (t == 2 || t == 3 || t > 7) {
                *bits |= 0xffull << (8 * i);
                *fix &= ~(0xffull << (8 * i));   /* UC */
            }
        }
        return *bits != 0;
    }
    case MSR_IA32_SMM_MONITOR_CTL:           /* reached only in SMM (else MSRLOAD_SMM_ONLY) */
        *bits = v & SMM_MONITOR_RSVD;
        if (v & SMM_MONITOR_VMXOFF_UNBLOCK) {
            if (!has_msr(c, VXA_MSR_MISC)) return *bits ? 1 : -1;
            if (!(msr(c, VXA_MSR_MISC) & VXA_MISC_VMXOFF_UNBLOCKS_SMI)) *bits |= SMM_MONITOR_VMXOFF_UNBLOCK;
        }
        *fix = v & ~*bits;
        return *bits != 0;
    default:
        return -1;
    }
}

static vxa_violation *entry_fail(vxa_ctx *c, vxa_check id, unsigned i, const msr_entry *e)
{
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, FV(c, VM_ENTRY_MSR_LOAD_COUNT));
    vxa_vfield(v, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, FV(c, VM_ENTRY_MSR_LOAD_ADDR));
    v->index = i + 1;
    v->aux = e->index;
    return v;
}

/* The rules of 27.4 on one entry, in the SDM's order.  A failing entry records each rule it
 * breaks (all with the same index). */
static void check_entry(vxa_ctx *c, unsigned i, const msr_entry *e)
{
    vxa_violation *v;
    /* IA32_FS_BASE / IA32_GS_BASE */
    if (e->index == MSR_IA32_FS_BASE || e->index == MSR_IA32_GS_BASE)
        entry_fail(c, VXA_C_MSRLOAD_FS_GS_BASE, i, e);
    /* bits 31:8 = 000008H: x2APIC MSRs */
    if (e->index >> 8 == 0x8u)
        entry_fail(c, VXA_C_MSRLOAD_X2APIC, i, e);
    /* an MSR writable only in SMM, outside SMM */
    if (e->index == MSR_IA32_SMM_MONITOR_CTL && !c->e->smm)
        entry_fail(c, VXA_C_MSRLOAD_SMM_ONLY, i, e);
    /* "an MSR that cannot be loaded on VM entries for model-specific reasons" (documented per
     * model in Vol. 4): 27.4 names none.  The microcode MSRs are the known case (KVM refuses
     * them): a warning, and whether the value loads is undetermined. */
    bool model_specific = e->index == MSR_IA32_BIOS_UPDT_TRIG || e->index == MSR_IA32_BIOS_SIGN_ID;
    if (model_specific) entry_fail(c, VXA_C_ADV_MSRLOAD_MODEL_SPECIFIC, i, e);
    /* bits 63:32 of the entry (the dword after the index) */
    if (e->reserved) {
        v = entry_fail(c, VXA_C_MSRLOAD_RESERVED, i, e);
        v->bits = (uint64_t)e->reserved << 32;
    }
    /* WRMSR of the value would #GP */
    bool excluded = e->index == MSR_IA32_FS_BASE || e->index == MSR_IA32_GS_BASE ||
                    e->index >> 8 == 0x8u || (e->index == MSR_IA32_SMM_MONITOR_CTL && !c->e->smm);
    if (excluded) return;
    uint64_t bits = 0, fix = 0;
    int gp = model_specific ? -1 : wrmsr_gp(c, e, &bits, &fix);
    int known = quirk(c, VXA_Q_MSRLOAD_ONLY_KNOWN_MSRS) ? vxa_model_msr(c->model, e->index) : 1;
    if (known == 0) gp = 1;
    else if (known < 0) gp = -1;   /* the emulated CPU model decides */
    if (gp < 0) {
        vxa_undet(c, VXA_C_MSRLOAD_VALUE_GP, VXA_UR_MSR_VALUE, e->index);
    } else if (gp) {
        v = entry_fail(c, VXA_C_MSRLOAD_VALUE_GP, i, e);
        v->bits = bits;
        (void)fix;   /* the fix lies in memory, not in a VMCS field: reported in the message only */
    }
}

void vxa_checks_msr_load(vxa_ctx *c)
{
    uint64_t count = FV(c, VM_ENTRY_MSR_LOAD_COUNT), addr = FV(c, VM_ENTRY_MSR_LOAD_ADDR);
    unsigned max = ARCH_MAX_MSR;

    /* Advisory: the recommended maximum (A.6); beyond it the behaviour is undefined. */
    if (!has_msr(c, VXA_MSR_MISC)) {
        if (count > 512u)
            vxa_undet(c, VXA_C_ADV_MSRLOAD_COUNT_MAX, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(VXA_MSR_MISC));
    } else {
        max = VXA_MISC_MAX_MSR(msr(c, VXA_MSR_MISC));
        if (count > max) {
            vxa_violation *v = vxa_fail(c, VXA_C_ADV_MSRLOAD_COUNT_MAX);
            vxa_vfield(v, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, count);
            v->aux = max;
            vxa_vfix(v, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, max);
        }
    }
    /* Bounded (design 3.1): never more than the maximum + 1 entries. */
    uint64_t n = count < (uint64_t)max + 1 ? count : (uint64_t)max + 1;
    if (n && vxa_not_captured(c, VXA_F_VM_ENTRY_MSR_LOAD_ADDR)) {   /* the list is not known */
        vxa_undet_nc(c, VXA_C_MSRLOAD_RESERVED, VXA_F_VM_ENTRY_MSR_LOAD_ADDR);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        uint8_t b[ENTRY_SIZE];
        uint64_t pa = addr + (uint64_t)ENTRY_SIZE * i;
        if (vxa_read(c, pa, b, ENTRY_SIZE)) {
            vxa_undet(c, VXA_C_MSRLOAD_RESERVED, VXA_UR_MEMORY, pa);
            continue;
        }
        msr_entry e;
        e.index = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        e.reserved = (uint32_t)b[4] | (uint32_t)b[5] << 8 | (uint32_t)b[6] << 16 | (uint32_t)b[7] << 24;
        e.value = vxa_read_u64_le(b + 8);
        check_entry(c, i, &e);
    }
}
