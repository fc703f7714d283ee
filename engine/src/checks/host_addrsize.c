/* host_addrsize.c — SDM 27.2.4 "Checks Related to Address-Space Size".
 * Violations are host-state failures: VMfailValid(8). */
#include "../internal.h"

/* Sign-extension from bit w-1 (canonical form for a w-bit linear address). */
static uint64_t sext(uint64_t la, unsigned w)
{
    unsigned sh = 64u - w;
    return (uint64_t)((int64_t)(la << sh) >> sh);
}

/* Records a violation of a rule on a control word bit, with the fix that flips the bit. */
static vxa_violation *ctl_rule(vxa_ctx *c, vxa_check id, vxa_field f, uint64_t bit, bool set,
                               bool can_fix)
{
    uint64_t v = vxa_fv(c, f);
    vxa_violation *x = vxa_fail(c, id);
    vxa_vfield(x, f, v);
    x->bits = bit;
    if (can_fix) vxa_vfix(x, f, set ? v | bit : v & ~bit);
    return x;
}

/* A rule on a field that also depends on the exit controls: records both fields. */
static void has_rule(vxa_ctx *c, vxa_check id, vxa_field f, uint64_t bits, bool has_fix, uint64_t fix)
{
    vxa_violation *x = vxa_fail(c, id);
    vxa_vfield(x, f, vxa_fv(c, f));
    vxa_vfield(x, VXA_F_VM_EXIT_CONTROLS, FV(c, VM_EXIT_CONTROLS));
    x->bits = bits;
    if (has_fix) vxa_vfix(x, f, fix);
}

void vxa_checks_host_addrsize(vxa_ctx *c)
{
    const uint64_t HAS = BIT(VXA_EXIT_HOST_ADDR_SPACE_SIZE), GUEST64 = BIT(VXA_ENTRY_IA32E_MODE_GUEST);
    bool has = exitc(c, VXA_EXIT_HOST_ADDR_SPACE_SIZE), guest64 = entry(c, VXA_ENTRY_IA32E_MODE_GUEST);
    bool cet = exitc(c, VXA_EXIT_LOAD_CET_STATE);
    uint64_t cr4 = FV(c, HOST_CR4), rip = FV(c, HOST_RIP), ssp = FV(c, HOST_SSP);
    int i64 = vxa_intel64(c);

    if (i64 < 0) {   /* which set of rules applies is unknown: only a violation of both counts */
        if (has || guest64)
            vxa_undet(c, VXA_C_HOST_NO_INTEL64_ADDRSZ, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LM);
        return;
    }
    if (i64 == 0) {
        /* On processors that do not support Intel 64 architecture, "IA-32e mode guest" and
         * "host address-space size" must both be 0. */
        if (has || guest64) {
            vxa_violation *x = vxa_fail(c, VXA_C_HOST_NO_INTEL64_ADDRSZ);
            if (guest64) {
                vxa_vfield(x, VXA_F_VM_ENTRY_CONTROLS, FV(c, VM_ENTRY_CONTROLS));
                vxa_vfix(x, VXA_F_VM_ENTRY_CONTROLS, FV(c, VM_ENTRY_CONTROLS) & ~GUEST64);
            }
            if (has) {
                vxa_vfield(x, VXA_F_VM_EXIT_CONTROLS, FV(c, VM_EXIT_CONTROLS));
                vxa_vfix(x, VXA_F_VM_EXIT_CONTROLS, FV(c, VM_EXIT_CONTROLS) & ~HAS);
            }
        }
        return;
    }

    if (!c->e->host_ia32e) {
        /* Outside IA-32e mode (IA32_EFER.LMA = 0): "IA-32e mode guest" and "host address-space
         * size" must be 0. */
        if (guest64) ctl_rule(c, VXA_C_HOST_NOT_IA32E_GUEST_64, VXA_F_VM_ENTRY_CONTROLS, GUEST64, false, true);
        if (has) ctl_rule(c, VXA_C_HOST_NOT_IA32E_HAS, VXA_F_VM_EXIT_CONTROLS, HAS, false, true);
    } else if (!has) {
        /* In IA-32e mode: "host address-space size" must be 1. */
        ctl_rule(c, VXA_C_HOST_IA32E_HAS, VXA_F_VM_EXIT_CONTROLS, HAS, true,
                 vxa_can_set(c->p, VXA_WORD_EXIT, VXA_EXIT_HOST_ADDR_SPACE_SIZE) == 1);
    }

    if (!has) {
        /* "host address-space size" = 0. */
        if (guest64)
            vxa_vdepends(c, ctl_rule(c, VXA_C_HOST_HAS0_GUEST_64, VXA_F_VM_ENTRY_CONTROLS, GUEST64,
                                     false, true), VXA_F_VM_EXIT_CONTROLS);
        if (cr4 & VXA_CR4_PCIDE) has_rule(c, VXA_C_HOST_HAS0_CR4_PCIDE, VXA_F_HOST_CR4, VXA_CR4_PCIDE, true, cr4 & ~VXA_CR4_PCIDE);
        if (rip >> 32) has_rule(c, VXA_C_HOST_HAS0_RIP_HIGH, VXA_F_HOST_RIP, rip & ~0xffffffffull, true, rip & 0xffffffffull);
        if (cet && (FV(c, HOST_S_CET) >> 32))
            has_rule(c, VXA_C_HOST_HAS0_S_CET_HIGH, VXA_F_HOST_S_CET, FV(c, HOST_S_CET) & ~0xffffffffull,
                     true, FV(c, HOST_S_CET) & 0xffffffffull);
        if (cet && (ssp >> 32))
            has_rule(c, VXA_C_HOST_HAS0_SSP_HIGH, VXA_F_HOST_SSP, ssp & ~0xffffffffull, true, ssp & 0xffffffffull);
        /* CR4.FRED can be 1 only in IA-32e mode. */
        if (cr4 & VXA_CR4_FRED) has_rule(c, VXA_C_HOST_HAS0_CR4_FRED, VXA_F_HOST_CR4, VXA_CR4_FRED, true, cr4 & ~VXA_CR4_FRED);
    } else {
        /* "host address-space size" = 1. */
        if (!(cr4 & VXA_CR4_PAE)) has_rule(c, VXA_C_HOST_HAS1_CR4_PAE, VXA_F_HOST_CR4, VXA_CR4_PAE, true, cr4 | VXA_CR4_PAE);
        /* RIP canonical, relative to the paging mode that VM exit establishes: 57 bits only if
         * the processor supports 5-level paging and the CR4 field sets LA57. */
        unsigned w = c->p->linear_address_width == 57 && (cr4 & VXA_CR4_LA57) ? 57u : 48u;
        if (sext(rip, w) != rip) has_rule(c, VXA_C_HOST_HAS1_RIP_CANONICAL, VXA_F_HOST_RIP, 0, true, sext(rip, w));
        if (cet && !vxa_canonical(c, ssp))
            has_rule(c, VXA_C_HOST_HAS1_SSP_CANONICAL, VXA_F_HOST_SSP, 0, true, vxa_canonical_fix(c, ssp));
    }
}
