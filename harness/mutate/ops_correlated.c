/* ops_correlated.c — moves of several fields at once, toward states no single-field mutation
 * reaches because each part alone fails another rule first or changes nothing (the outside
 * review's Bochs 2.7 findings, harness/diff/FINDINGS.md):
 *   - RFLAGS.VM = 1 with CR0.PE = 0 under "unrestricted guest" (27.3.1.4: VM must be 0 when PE
 *     is 0), with the segments in virtual-8086 form so that no segment rule fails first;
 *   - a null SS with usable access rights in an IA-32e guest, CS.L 0 or 1 (27.3.1.2: SS is
 *     checked as usable unless it is unusable; only an IA-32e guest may have a null SS);
 *   - "load CET state" with SSP, IA32_S_CET or the interrupt SSP table address at the edges of
 *     "bits 63:N identical" against canonical (27.3.1.1, 27.3.1.4);
 *   - FRED event injection: the nested-exception bit, SYSCALL/SYSENTER as other events with
 *     lengths over 15 (27.2.1.3);
 *   - RFLAGS.VM = 1 with the segments in virtual-8086 form, or one step off it (27.3.1.2). */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

static const vxa_field v86_sel[] = { VXA_F_GUEST_CS_SELECTOR, VXA_F_GUEST_SS_SELECTOR, VXA_F_GUEST_DS_SELECTOR,
                                     VXA_F_GUEST_ES_SELECTOR, VXA_F_GUEST_FS_SELECTOR, VXA_F_GUEST_GS_SELECTOR };
static const vxa_field v86_base[] = { VXA_F_GUEST_CS_BASE, VXA_F_GUEST_SS_BASE, VXA_F_GUEST_DS_BASE,
                                      VXA_F_GUEST_ES_BASE, VXA_F_GUEST_FS_BASE, VXA_F_GUEST_GS_BASE };
static const vxa_field v86_limit[] = { VXA_F_GUEST_CS_LIMIT, VXA_F_GUEST_SS_LIMIT, VXA_F_GUEST_DS_LIMIT,
                                       VXA_F_GUEST_ES_LIMIT, VXA_F_GUEST_FS_LIMIT, VXA_F_GUEST_GS_LIMIT };
static const vxa_field v86_ar[] = { VXA_F_GUEST_CS_AR_BYTES, VXA_F_GUEST_SS_AR_BYTES, VXA_F_GUEST_DS_AR_BYTES,
                                    VXA_F_GUEST_ES_AR_BYTES, VXA_F_GUEST_FS_AR_BYTES, VXA_F_GUEST_GS_AR_BYTES };

/* Virtual-8086 form (27.3.1.2 with RFLAGS.VM = 1): base = selector << 4, limit 0xffff, access
 * rights 0xf3; with `off`, one of the three one step off on one register. */
static void v86_segments(vxa_mutator *m, vxa_mut_case *c, bool off)
{
    vxa_vmcs *v = c->vmcs;
    for (unsigned i = 0; i < 6; i++) {
        uint64_t sel = vxa_get(v, v86_sel[i]) & 0xffff;
        vxa_set(v, v86_sel[i], sel);
        vxa_set(v, v86_base[i], sel << 4);
        vxa_set(v, v86_limit[i], 0xffff);
        vxa_set(v, v86_ar[i], 0xf3);
    }
    if (!off) return;
    unsigned i = vxa_rng_below(&m->rng, 6);
    switch (vxa_rng_below(&m->rng, 3)) {
    case 0: vxa_set(v, v86_base[i], vxa_get(v, v86_base[i]) + (vxa_rng_below(&m->rng, 2) ? 1 : 0x10)); break;
    case 1: vxa_set(v, v86_limit[i], vxa_rng_below(&m->rng, 2) ? 0xfffe : 0x1ffff); break;
    default: { static const uint64_t ar[] = { 0xf2, 0xfb, 0xd3, 0x73, 0x10f3, 0x100f3, 0xf1 }; vxa_set(v, v86_ar[i], VXA_RNG_PICK(&m->rng, ar)); }
    }
}

static void not_ia32e(vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, false);
    vxa_set(v, VXA_F_GUEST_IA32_EFER, vxa_get(v, VXA_F_GUEST_IA32_EFER) & ~(VXA_EFER_LMA | VXA_EFER_LME));
}

static bool rflags_vm_real(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    /* unrestricted guest needs EPT (27.2.1.1): both on where the CPU allows them */
    vxa_mut_control_on(c, VXA_WORD_PROC, VXA_PROC_ACTIVATE_SECONDARY, true);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, true);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_UNRESTRICTED_GUEST, true);
    not_ia32e(c);
    uint64_t cr0 = vxa_get(v, VXA_F_GUEST_CR0) & ~VXA_CR0_PG;
    if (vxa_rng_below(&m->rng, 4)) cr0 &= ~VXA_CR0_PE;    /* else PE = 1: a legal virtual-8086 guest */
    vxa_set(v, VXA_F_GUEST_CR0, cr0);
    vxa_set(v, VXA_F_GUEST_RFLAGS, VXA_RFLAGS_VM | VXA_RFLAGS_FIXED1 | (vxa_rng_below(&m->rng, 2) ? VXA_RFLAGS_IF : 0));
    if (vxa_rng_below(&m->rng, 4)) v86_segments(m, c, false);
    return true;
}

static bool null_ss(vxa_mutator *m, vxa_mut_case *c)
{
    static const uint64_t ss_ar[] = { 0xc093, 0xc091, 0x4093, 0xc097, 0xc09b, 0xc013, 0xc0f3, 0x10000 };
    vxa_vmcs *v = c->vmcs;
    vxa_rng *r = &m->rng;
    if (vxa_rng_below(r, 8)) {
        vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, true);
        vxa_set(v, VXA_F_GUEST_IA32_EFER, vxa_get(v, VXA_F_GUEST_IA32_EFER) | VXA_EFER_LMA | VXA_EFER_LME);
    }
    uint64_t cs = vxa_get(v, VXA_F_GUEST_CS_AR_BYTES) & ~(VXA_SEG_AR_L | VXA_SEG_AR_DB | VXA_SEG_AR_UNUSABLE);
    /* CS.L = 1 (64-bit code) or CS.L = 0 with D/B 1 (compatibility mode) */
    vxa_set(v, VXA_F_GUEST_CS_AR_BYTES, cs | (vxa_rng_below(r, 2) ? VXA_SEG_AR_L : VXA_SEG_AR_DB));
    vxa_set(v, VXA_F_GUEST_SS_SELECTOR, vxa_rng_below(r, 4) ? 0 : vxa_rng_below(r, 4));   /* null: index 0, TI 0 */
    uint64_t ar = VXA_RNG_PICK(r, ss_ar);
    if (ar != VXA_SEG_AR_UNUSABLE) ar = (ar & ~VXA_SEG_AR_DPL) | (vxa_get(v, VXA_F_GUEST_CS_AR_BYTES) & VXA_SEG_AR_DPL);
    vxa_set(v, VXA_F_GUEST_SS_AR_BYTES, ar);
    return true;
}

static bool cet_ssp(vxa_mutator *m, vxa_mut_case *c)
{
    static const vxa_field targets[] = { VXA_F_GUEST_SSP, VXA_F_GUEST_SSP, VXA_F_GUEST_S_CET, VXA_F_GUEST_INTR_SSP_TABLE };
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    if (!vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_LOAD_CET_STATE, true) && vxa_rng_below(r, 4)) return false;
    unsigned lw = c->profile->linear_address_width == 57 ? 57 : 48;
    if (vxa_rng_below(r, 4) == 0) lw = lw == 57 ? 48 : 57;
    vxa_field f = VXA_RNG_PICK(r, targets);
    uint64_t top = 1ull << (lw - 1);
    const uint64_t vals[] = { top, top - 1, top - 4, top << 1, ~(top - 1), ~((top << 1) - 1), ~(top - 1) - 4,
                              0xfffffffcull, 0x100000000ull, 0x1000, 0x1003, 0x1004 };
    uint64_t x = VXA_RNG_PICK(r, vals);
    if (f == VXA_F_GUEST_S_CET) {   /* IA32_S_CET: reserved 9:6, the legacy-bitmap base in 63:12 */
        static const uint64_t scet[] = { 1ull << 6, 1ull << 9, VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER, 1, 4, 0 };
        x = vxa_rng_below(r, 2) ? (x & ~0xfffull) | (vxa_rng_below(r, 2) ? 1 : 0) : VXA_RNG_PICK(r, scet);
    }
    vxa_set(v, f, x);
    if (vxa_rng_below(r, 4) == 0) not_ia32e(c);            /* the 32-bit form of the rules */
    return true;
}

static bool fred_event(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    vxa_profile *p = c->profile;
    if (m->flags & VXA_MUT_FIXED_PROFILE) {
        if (!(p->cpuid & VXA_CPUID_FRED)) return false;
    } else {
        p->msr_present |= 1u << VXA_MSR_BASIC;
        p->msr[VXA_MSR_BASIC] |= VXA_BASIC_NESTED_EXCEPTION;
        p->cpuid_known |= VXA_CPUID_FRED;
        p->cpuid |= VXA_CPUID_FRED;
    }
    uint64_t info = VXA_INTR_INFO_VALID | (uint64_t)VXA_INTR_TYPE_HW_EXCEPTION << VXA_INTR_INFO_TYPE_SHIFT | 13;
    if (vxa_rng_below(r, 2)) {
        info |= VXA_INTR_INFO_FRED_NESTED | (vxa_rng_below(r, 2) ? VXA_INTR_INFO_DELIVER_ERRCODE : 0);
    } else {
        info = VXA_INTR_INFO_VALID | (uint64_t)VXA_INTR_TYPE_OTHER << VXA_INTR_INFO_TYPE_SHIFT | (1 + vxa_rng_below(r, 2));
        vxa_set(v, VXA_F_VM_ENTRY_INSTRUCTION_LEN, 15 + vxa_rng_below(r, 3));
        vxa_set(v, VXA_F_GUEST_CR4, vxa_get(v, VXA_F_GUEST_CR4) | VXA_CR4_FRED);
        vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, true);
    }
    vxa_set(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
    return true;
}

static bool v86(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    not_ia32e(c);
    vxa_set(v, VXA_F_GUEST_CR0, vxa_get(v, VXA_F_GUEST_CR0) | VXA_CR0_PE);
    vxa_set(v, VXA_F_GUEST_RFLAGS, vxa_get(v, VXA_F_GUEST_RFLAGS) | VXA_RFLAGS_VM);
    v86_segments(m, c, vxa_rng_below(&m->rng, 2));
    return true;
}

bool vxa_op_correlated_one(vxa_mutator *m, vxa_mut_case *c, vxa_corr which)
{
    switch (which) {
    case VXA_CORR_RFLAGS_VM_REAL: return rflags_vm_real(m, c);
    case VXA_CORR_NULL_SS: return null_ss(m, c);
    case VXA_CORR_CET_SSP: return cet_ssp(m, c);
    case VXA_CORR_FRED_EVENT: return fred_event(m, c);
    case VXA_CORR_V86_SEGMENTS: return v86(m, c);
    default: return false;
    }
}

bool vxa_op_correlated(vxa_mutator *m, vxa_mut_case *c)
{
    return vxa_op_correlated_one(m, c, (vxa_corr)vxa_rng_below(&m->rng, VXA_CORR_COUNT));
}
