/* host_regs.c — SDM 27.2.2 "Checks on Host Control Registers, MSRs, and SSP".
 * Violations are host-state failures: VMfailValid(8). */
#include "../internal.h"

/* Bits this file names that vmx_bits.h lacks: IA32_S_CET (SDM Vol. 1, CET chapter, "CET MSRs"),
 * IA32_EFER (Vol. 3A 2.2.1, Figure "IA32_EFER MSR Layout"), IA32_FRED_CONFIG (Vol. 3A, FRED
 * chapter; FRED specification 346446), CR3 LAM bits (Vol. 3A, "Linear-Address Masking"). */
#define CR0_NOT_CHECKED (VXA_CR0_NW | VXA_CR0_CD)   /* 27.2.2 footnote: VM exit does not change CD/NW */

/* A rule that applies only "on processors that support Intel 64 architecture". */
static void rule64(vxa_ctx *c, vxa_check id, bool violated, vxa_field f, uint64_t bits, uint64_t fix)
{
    int i64 = vxa_intel64(c);
    if (!violated || i64 == 0) return;
    if (i64 < 0) { vxa_undet(c, id, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LM); return; }
    vxa_rule(c, id, true, f, bits, true, fix);
}


/* The bytes of an IA32_PAT value that hold a memory type WRMSR rejects (2, 3, 8..255), as a
 * mask of 0xff per bad byte. */
static uint64_t pat_bad_bytes(uint64_t pat)
{
    uint64_t bad = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned t = (unsigned)(pat >> (8 * i)) & 0xffu;
        if (t == 2 || t == 3 || t > 7) bad |= 0xffull << (8 * i);
    }
    return bad;
}

/* FRED stack pointers: canonical, and aligned (RSPi: 64 bytes; SSPi: 8 bytes). */
static void fred_pointer(vxa_ctx *c, vxa_check canon, vxa_check align, vxa_field f, uint64_t amask)
{
    uint64_t v = vxa_fv(c, f);
    vxa_rule(c, canon, !vxa_canonical(c, v), f, 0, true, vxa_canonical_fix(c, v));
    vxa_rule(c, align, (v & amask) != 0, f, v & amask, true, v & ~amask);
}

void vxa_checks_host_regs(vxa_ctx *c)
{
    uint64_t cr0 = FV(c, HOST_CR0), cr4 = FV(c, HOST_CR4), cr3 = FV(c, HOST_CR3);
    bool has = exitc(c, VXA_EXIT_HOST_ADDR_SPACE_SIZE);

    /* The CR0 and CR4 fields must not set any bit to a value not supported in VMX operation. */
    vxa_rule_fixed(c, VXA_C_HOST_CR0_FIXED0, VXA_C_HOST_CR0_FIXED1, VXA_F_HOST_CR0, VXA_MSR_CR0_FIXED0,
               VXA_MSR_CR0_FIXED1, CR0_NOT_CHECKED);
    vxa_rule_fixed(c, VXA_C_HOST_CR4_FIXED0, VXA_C_HOST_CR4_FIXED1, VXA_F_HOST_CR4, VXA_MSR_CR4_FIXED0,
               VXA_MSR_CR4_FIXED1, 0);

    /* If CR4.CET is 1, CR0.WP must be 1 (unconditional: not only under "load CET state"). */
    if ((cr4 & VXA_CR4_CET) && !(cr0 & VXA_CR0_WP)) {
        vxa_violation *v = vxa_fail(c, VXA_C_HOST_CR4_CET_WP);
        vxa_vfield(v, VXA_F_HOST_CR4, cr4);
        vxa_vfield(v, VXA_F_HOST_CR0, cr0);
        v->bits = VXA_CR4_CET;
        vxa_vfix(v, VXA_F_HOST_CR0, cr0 | VXA_CR0_WP);
    }

    /* CR3: bits 63:52 and bits 51:32 beyond the physical-address width must be 0.  With LAM,
     * CR3 bits 62:61 (LAM_U57, LAM_U48) are valid CR3 bits and are not reserved. */
    {
        unsigned w = c->p->maxphyaddr < 64 ? c->p->maxphyaddr : 63;
        uint64_t bad = cr3 & ~((1ull << w) - 1) & ~0xffffffffull;
        uint64_t lam = bad & VXA_CR3_LAM_BITS;
        bool lam_unknown = false;
        if (lam && (c->p->cpuid_known & VXA_CPUID_LAM)) {
            if (c->p->cpuid & VXA_CPUID_LAM) bad &= ~lam;
        } else if (lam) {
            lam_unknown = true;
            bad &= ~lam;
        }
        rule64(c, VXA_C_HOST_CR3_WIDTH, bad != 0, VXA_F_HOST_CR3, bad, cr3 & ~bad);
        if (!bad && lam_unknown && vxa_intel64(c) != 0)
            vxa_undet(c, VXA_C_HOST_CR3_WIDTH, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LAM);
    }

    /* IA32_SYSENTER_ESP and IA32_SYSENTER_EIP canonical (Intel 64 processors). */
    rule64(c, VXA_C_HOST_SYSENTER_ESP_CANONICAL, !vxa_canonical(c, FV(c, HOST_IA32_SYSENTER_ESP)),
           VXA_F_HOST_IA32_SYSENTER_ESP, 0, vxa_canonical_fix(c, FV(c, HOST_IA32_SYSENTER_ESP)));
    rule64(c, VXA_C_HOST_SYSENTER_EIP_CANONICAL, !vxa_canonical(c, FV(c, HOST_IA32_SYSENTER_EIP)),
           VXA_F_HOST_IA32_SYSENTER_EIP, 0, vxa_canonical_fix(c, FV(c, HOST_IA32_SYSENTER_EIP)));

    /* "load CET state": IA32_S_CET must be a value WRMSR accepts (no reserved bit: 9:6 and those
     * of an absent CET feature; not both SUPPRESS and TRACKER), IA32_S_CET and IA32_INTERRUPT_SSP_TABLE_ADDR canonical, SSP
     * 4-byte aligned.  (Bits 63:32 with HAS = 0 and SSP canonical with HAS = 1: 27.2.4.) */
    if (exitc(c, VXA_EXIT_LOAD_CET_STATE)) {
        uint64_t s_cet = FV(c, HOST_S_CET), isst = FV(c, HOST_INTR_SSP_TABLE), ssp = FV(c, HOST_SSP);
        vxa_rule_s_cet(c, VXA_C_HOST_S_CET_RSVD, VXA_F_HOST_S_CET);
        RULE(c, HOST_S_CET_SUPPRESS_TRACKER,
             (s_cet & (VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER)) == (VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER),
             HOST_S_CET, VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER, s_cet & ~VXA_S_CET_TRACKER);
        RULE(c, HOST_S_CET_CANONICAL, !vxa_canonical(c, s_cet), HOST_S_CET, 0,
             vxa_canonical_fix(c, s_cet));
        RULE(c, HOST_ISST_CANONICAL, !vxa_canonical(c, isst), HOST_INTR_SSP_TABLE, 0,
             vxa_canonical_fix(c, isst));
        RULE(c, HOST_SSP_ALIGN, (ssp & 3) != 0, HOST_SSP, ssp & 3, ssp & ~3ull);
    }

    /* "load IA32_PERF_GLOBAL_CTRL": reserved bits 0: 63:49 on every processor, in 48:0 the
     * enables of counters the PMU lacks (CPUID.0AH, IA32_PERF_CAPABILITIES; undetermined where
     * the profile does not carry them). */
    if (exitc(c, VXA_EXIT_LOAD_PERF_GLOBAL_CTRL) && !quirk(c, VXA_Q_NO_PERF_GLOBAL_CTRL_CHECK))
        vxa_rule_perf_global_ctrl(c, VXA_C_HOST_PERF_GLOBAL_CTRL_RSVD, VXA_F_HOST_IA32_PERF_GLOBAL_CTRL);

    /* "load IA32_PAT": each byte 0, 1, 4, 5, 6 or 7.  Fix: the bad bytes get the power-up
     * value of their entry (0x0007040600070406). */
    if (exitc(c, VXA_EXIT_LOAD_PAT)) {
        uint64_t pat = FV(c, HOST_IA32_PAT), bad = pat_bad_bytes(pat);
        RULE(c, HOST_PAT_MEMTYPE, bad != 0, HOST_IA32_PAT, bad,
             (pat & ~bad) | (0x0007040600070406ull & bad));
    }

    /* "load IA32_EFER": reserved bits 0; LMA and LME each equal "host address-space size". */
    if (exitc(c, VXA_EXIT_LOAD_EFER)) {
        uint64_t efer = FV(c, HOST_IA32_EFER), want = has ? VXA_EFER_LMA | VXA_EFER_LME : 0;
        uint64_t wrong = (efer ^ want) & (VXA_EFER_LMA | VXA_EFER_LME);
        RULE(c, HOST_EFER_RSVD, (efer & ~VXA_EFER_DEFINED) != 0, HOST_IA32_EFER, efer & ~VXA_EFER_DEFINED,
             efer & VXA_EFER_DEFINED);
        if (wrong) {
            vxa_violation *v = vxa_fail(c, VXA_C_HOST_EFER_LMA_LME);
            vxa_vfield(v, VXA_F_HOST_IA32_EFER, efer);
            vxa_vfield(v, VXA_F_VM_EXIT_CONTROLS, FV(c, VM_EXIT_CONTROLS));
            v->bits = wrong;
            vxa_vfix(v, VXA_F_HOST_IA32_EFER, efer ^ wrong);
        }
    }

    /* "load PKRS": bits 63:32 of IA32_PKRS must be 0. */
    if (exitc(c, VXA_EXIT_LOAD_PKRS) && !quirk(c, VXA_Q_NO_PKRS_CHECK)) {
        uint64_t pkrs = FV(c, HOST_IA32_PKRS);
        RULE(c, HOST_PKRS_RSVD, (pkrs >> 32) != 0, HOST_IA32_PKRS, pkrs & ~0xffffffffull,
             pkrs & 0xffffffffull);
    }

    /* "load FRED" (secondary VM-exit control 1): IA32_FRED_CONFIG reserved bits and canonical
     * (its bits 63:12 are the event-handler address); RSP1-3 canonical and 64-byte aligned;
     * SSP1-3 canonical and 8-byte aligned. */
    if (exit2(c, VXA_EXIT2_LOAD_FRED)) {
        uint64_t cfg = FV(c, HOST_IA32_FRED_CONFIG);
        RULE(c, HOST_FRED_CONFIG_RSVD, (cfg & VXA_FRED_CONFIG_RSVD) != 0, HOST_IA32_FRED_CONFIG,
             cfg & VXA_FRED_CONFIG_RSVD, cfg & ~VXA_FRED_CONFIG_RSVD);
        RULE(c, HOST_FRED_CONFIG_CANONICAL, !vxa_canonical(c, cfg), HOST_IA32_FRED_CONFIG, 0,
             vxa_canonical_fix(c, cfg));
        fred_pointer(c, VXA_C_HOST_FRED_RSP1_CANONICAL, VXA_C_HOST_FRED_RSP1_ALIGN,
                     VXA_F_HOST_IA32_FRED_RSP1, 0x3f);
        fred_pointer(c, VXA_C_HOST_FRED_RSP2_CANONICAL, VXA_C_HOST_FRED_RSP2_ALIGN,
                     VXA_F_HOST_IA32_FRED_RSP2, 0x3f);
        fred_pointer(c, VXA_C_HOST_FRED_RSP3_CANONICAL, VXA_C_HOST_FRED_RSP3_ALIGN,
                     VXA_F_HOST_IA32_FRED_RSP3, 0x3f);
        fred_pointer(c, VXA_C_HOST_FRED_SSP1_CANONICAL, VXA_C_HOST_FRED_SSP1_ALIGN,
                     VXA_F_HOST_IA32_FRED_SSP1, 0x7);
        fred_pointer(c, VXA_C_HOST_FRED_SSP2_CANONICAL, VXA_C_HOST_FRED_SSP2_ALIGN,
                     VXA_F_HOST_IA32_FRED_SSP2, 0x7);
        fred_pointer(c, VXA_C_HOST_FRED_SSP3_CANONICAL, VXA_C_HOST_FRED_SSP3_ALIGN,
                     VXA_F_HOST_IA32_FRED_SSP3, 0x7);
    }
}
