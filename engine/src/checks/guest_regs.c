/* guest_regs.c — SDM 27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs".
 * Every failure is a VM-entry failure, exit reason 33, exit qualification 0.  One line (or one
 * short block) per SDM bullet, in the SDM's order. */
#include "../internal.h"

/* Register bits this section needs that vmx_bits.h does not name (SDM Vol. 3A 2.5, 2.2.x;
 * Vol. 1 17 "CET"; FRED spec).  Kept local so the shared header stays untouched. */
#define BNDCFGS_RSVD (0x3ffull << 2)       /* bits 11:2 */

/* IA32_DEBUGCTL (Vol. 3B 18.4.1, Figure 18-3): LBR 0, BTF 1, TR 6, BTS 7, BTINT 8,
 * BTS_OFF_OS 9, BTS_OFF_USR 10, FREEZE_LBRS_ON_PMI 11, FREEZE_PERFMON_ON_PMI 12 exist on every
 * VMX processor; BLD (2, bus-lock detection), ENABLE_UNCORE_PMI (13), FREEZE_WHILE_SMM (14) and
 * RTM_DEBUG (15) exist only on some; bits 5:3 and 63:16 are reserved everywhere. */
#define DEBUGCTL_RSVD_ALWAYS ((7ull << 3) | ~0xffffull)
#define DEBUGCTL_MODEL ((1ull << 2) | (7ull << 13))

/* IA32_RTIT_CTL (Vol. 3C Table 33-6): 18, 23, 30:28, 54:48, 63:57 reserved everywhere; TraceEn,
 * OS, User, TSCEn, DisRETC, BranchEn always exist; the rest depend on CPUID.14H. */
#define RTIT_RSVD_ALWAYS ((1ull << 18) | (1ull << 23) | (7ull << 28) | (0x7full << 48) | (~0ull << 57))
#define RTIT_ALWAYS_DEFINED ((1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 10) | (1ull << 11) | (1ull << 13))

/* IA32_LBR_CTL (Vol. 3B 19.1.2 "Architectural LBRs"): LBREn 0 always; OS/USR (2:1), CALL_STACK (3)
 * and the branch-type filters (22:16) depend on CPUID.1CH:EBX; 15:4 and 63:23 reserved. */
#define LBR_CTL_RSVD_ALWAYS ((0xfffull << 4) | (~0ull << 23))
#define LBR_CTL_MODEL ((7ull << 1) | (0x7full << 16))

/* The default IA32_PAT value (Vol. 3A 13.12.4), used to repair invalid bytes. */
#define PAT_DEFAULT 0x0007040600070406ull

/* "The following checks are performed on processors that support Intel 64 architecture":
 * skipped only where the profile states the CPU lacks it (IA32_VMX_BASIC[48] = 1). */



/* A "must be canonical" rule on one field. */
static void canonical_rule(vxa_ctx *c, vxa_check id, vxa_field f)
{
    uint64_t v = vxa_fv(c, f);
    uint64_t fix = vxa_canonical_fix(c, v);
    vxa_rule(c, id, fix != v, f, fix ^ v, true, fix);
}

/* A rule whose field has bits reserved everywhere (`always`) and bits whose existence the
 * profile cannot tell (`model`, reported undetermined with `why`/`aux` when set). */
static void reserved_rule(vxa_ctx *c, vxa_check id, vxa_field f, uint64_t always, uint64_t model,
                          vxa_undet_reason why, uint64_t aux)
{
    uint64_t v = vxa_fv(c, f);
    if (vxa_rule(c, id, (v & always) != 0, f, v & always, true, v & ~always)) return;
    if (v & model) vxa_undet(c, id, why, aux);
}


void vxa_checks_guest_regs(vxa_ctx *c)
{
    const uint64_t cr0 = FV(c, GUEST_CR0), cr3 = FV(c, GUEST_CR3), cr4 = FV(c, GUEST_CR4);
    const bool ug = proc2(c, VXA_PROC2_UNRESTRICTED_GUEST);
    const bool ia32e = entry(c, VXA_ENTRY_IA32E_MODE_GUEST);
    const bool load_dbg = entry(c, VXA_ENTRY_LOAD_DEBUG_CONTROLS);
    const bool load_cet = entry(c, VXA_ENTRY_LOAD_CET_STATE);
    vxa_violation *x;

    /* CR0 vs FIXED0/FIXED1.  Exceptions: PE and PG are not checked with "unrestricted guest"
     * (which reads as 0 unless the secondary controls are activated); NW and CD are never
     * checked, VM entry does not change them (27.3.2.1). */
    unsigned before = c->r->nviolations;
    vxa_rule_fixed(c, VXA_C_GUEST_CR0_FIXED0, VXA_C_GUEST_CR0_FIXED1, VXA_F_GUEST_CR0,
               VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1, VXA_CR0_NW | VXA_CR0_CD | (ug ? VXA_CR0_PE | VXA_CR0_PG : 0));
    for (unsigned i = before; i < c->r->nviolations && i < VXA_MAX_VIOLATIONS; i++) {
        vxa_violation *v = &c->r->violations[i];
        if (v->check != VXA_C_GUEST_CR0_FIXED0 || !(v->bits & (VXA_CR0_PE | VXA_CR0_PG))) continue;
        vxa_vdepends(c, v, VXA_F_CPU_BASED_VM_EXEC_CONTROL);   /* PE/PG: "unrestricted guest" */
        vxa_vdepends(c, v, VXA_F_SECONDARY_VM_EXEC_CONTROL);
    }
    RULE(c, GUEST_CR0_PG_PE, (cr0 & VXA_CR0_PG) && !(cr0 & VXA_CR0_PE), GUEST_CR0, VXA_CR0_PE, cr0 | VXA_CR0_PE);
    vxa_rule_fixed(c, VXA_C_GUEST_CR4_FIXED0, VXA_C_GUEST_CR4_FIXED1, VXA_F_GUEST_CR4,
               VXA_MSR_CR4_FIXED0, VXA_MSR_CR4_FIXED1, 0);
    if ((cr4 & VXA_CR4_CET) && !(cr0 & VXA_CR0_WP)) {
        x = vxa_fail(c, VXA_C_GUEST_CR4_CET_CR0_WP);
        vxa_vfield(x, VXA_F_GUEST_CR0, cr0);
        vxa_vfield(x, VXA_F_GUEST_CR4, cr4);
        x->bits = VXA_CR0_WP;
        vxa_vfix(x, VXA_F_GUEST_CR0, cr0 | VXA_CR0_WP);
    }
    /* IA32_DEBUGCTL reserved bits; BLD/uncore-PMI/freeze-in-SMM/RTM_DEBUG are model-specific. */
    if (load_dbg && !quirk(c, VXA_Q_NO_DEBUGCTL_CHECK))
        reserved_rule(c, VXA_C_GUEST_DEBUGCTL_RESERVED, VXA_F_GUEST_IA32_DEBUGCTL,
                      DEBUGCTL_RSVD_ALWAYS, DEBUGCTL_MODEL, VXA_UR_MODEL_SPECIFIC, 0);

    if (vxa_intel64(c) != 0) {   /* unknown: checked */
        if (ia32e && !(cr0 & VXA_CR0_PG) && !quirk(c, VXA_Q_NO_IA32E_GUEST_PG_CHECK)) {
            x = vxa_fail(c, VXA_C_GUEST_IA32E_CR0_PG);
            vxa_vfield(x, VXA_F_GUEST_CR0, cr0);
            vxa_vfield(x, VXA_F_VM_ENTRY_CONTROLS, c->entry);
            x->bits = VXA_CR0_PG;
            vxa_vfix(x, VXA_F_GUEST_CR0, cr0 | VXA_CR0_PG | VXA_CR0_PE);
        }
        if (ia32e && !(cr4 & VXA_CR4_PAE)) {
            x = vxa_fail(c, VXA_C_GUEST_IA32E_CR4_PAE);
            vxa_vfield(x, VXA_F_GUEST_CR4, cr4);
            vxa_vfield(x, VXA_F_VM_ENTRY_CONTROLS, c->entry);
            x->bits = VXA_CR4_PAE;
            vxa_vfix(x, VXA_F_GUEST_CR4, cr4 | VXA_CR4_PAE);
        }
        if (!ia32e && (cr4 & VXA_CR4_PCIDE)) {
            x = vxa_fail(c, VXA_C_GUEST_NON_IA32E_CR4_PCIDE);
            vxa_vfield(x, VXA_F_GUEST_CR4, cr4);
            vxa_vfield(x, VXA_F_VM_ENTRY_CONTROLS, c->entry);
            x->bits = VXA_CR4_PCIDE;
            vxa_vfix(x, VXA_F_GUEST_CR4, cr4 & ~VXA_CR4_PCIDE);
        }
        if (!ia32e && (cr4 & VXA_CR4_FRED)) {
            x = vxa_fail(c, VXA_C_GUEST_NON_IA32E_CR4_FRED);
            vxa_vfield(x, VXA_F_GUEST_CR4, cr4);
            vxa_vfield(x, VXA_F_VM_ENTRY_CONTROLS, c->entry);
            x->bits = VXA_CR4_FRED;
            vxa_vfix(x, VXA_F_GUEST_CR4, cr4 & ~VXA_CR4_FRED);
        }
        /* CR3: bits 63:52 and 51:MAXPHYADDR must be 0.  With LAM, CR3 bits 62:61 (LAM_U48,
         * LAM_U57) are architectural and may be 1; undetermined if the profile does not say. */
        {
            unsigned w = c->p->maxphyaddr < 52 ? c->p->maxphyaddr : 52;
            uint64_t bad = cr3 & ~((1ull << w) - 1);
            int lam = vxa_cpuid(c, VXA_CPUID_LAM);
            if (lam != 0) bad &= ~VXA_CR3_LAM_BITS;
            if (!RULE(c, GUEST_CR3_WIDTH, bad != 0, GUEST_CR3, bad, cr3 & ~bad) &&
                lam < 0 && (cr3 & VXA_CR3_LAM_BITS))
                vxa_undet(c, VXA_C_GUEST_CR3_WIDTH, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LAM);
        }
        if (load_dbg) {
            uint64_t dr7 = FV(c, GUEST_DR7);
            RULE(c, GUEST_DR7_HIGH, (dr7 >> 32) != 0, GUEST_DR7, dr7 & ~0xffffffffull,
                 dr7 & 0xffffffffull);
        }
        canonical_rule(c, VXA_C_GUEST_SYSENTER_ESP_CANONICAL, VXA_F_GUEST_SYSENTER_ESP);
        canonical_rule(c, VXA_C_GUEST_SYSENTER_EIP_CANONICAL, VXA_F_GUEST_SYSENTER_EIP);
        if (load_cet) {
            canonical_rule(c, VXA_C_GUEST_S_CET_CANONICAL, VXA_F_GUEST_S_CET);
            canonical_rule(c, VXA_C_GUEST_INTR_SSP_TABLE_CANONICAL, VXA_F_GUEST_INTR_SSP_TABLE);
        }
        /* FRED state (FRED spec, VMX chapter): checked for IA-32e-mode guests with "load FRED".
         * IA32_FRED_STKLVLS has no reserved bits. */
        if (ia32e && entry(c, VXA_ENTRY_LOAD_FRED)) {
            static const struct { vxa_field f; vxa_check canon, align; uint64_t low; } fred[] = {
                { VXA_F_GUEST_IA32_FRED_RSP1, VXA_C_GUEST_FRED_RSP1_CANONICAL, VXA_C_GUEST_FRED_RSP1_ALIGN, 0x3f },
                { VXA_F_GUEST_IA32_FRED_RSP2, VXA_C_GUEST_FRED_RSP2_CANONICAL, VXA_C_GUEST_FRED_RSP2_ALIGN, 0x3f },
                { VXA_F_GUEST_IA32_FRED_RSP3, VXA_C_GUEST_FRED_RSP3_CANONICAL, VXA_C_GUEST_FRED_RSP3_ALIGN, 0x3f },
                { VXA_F_GUEST_IA32_FRED_SSP1, VXA_C_GUEST_FRED_SSP1_CANONICAL, VXA_C_GUEST_FRED_SSP1_ALIGN, 0x7 },
                { VXA_F_GUEST_IA32_FRED_SSP2, VXA_C_GUEST_FRED_SSP2_CANONICAL, VXA_C_GUEST_FRED_SSP2_ALIGN, 0x7 },
                { VXA_F_GUEST_IA32_FRED_SSP3, VXA_C_GUEST_FRED_SSP3_CANONICAL, VXA_C_GUEST_FRED_SSP3_ALIGN, 0x7 },
            };
            uint64_t cfg = FV(c, GUEST_IA32_FRED_CONFIG);
            RULE(c, GUEST_FRED_CONFIG_RESERVED, (cfg & VXA_FRED_CONFIG_RSVD) != 0, GUEST_IA32_FRED_CONFIG,
                 cfg & VXA_FRED_CONFIG_RSVD, cfg & ~VXA_FRED_CONFIG_RSVD);
            canonical_rule(c, VXA_C_GUEST_FRED_CONFIG_CANONICAL, VXA_F_GUEST_IA32_FRED_CONFIG);
            for (unsigned i = 0; i < sizeof fred / sizeof fred[0]; i++) {
                uint64_t v = vxa_fv(c, fred[i].f);
                canonical_rule(c, fred[i].canon, fred[i].f);
                vxa_rule(c, fred[i].align, (v & fred[i].low) != 0, fred[i].f, v & fred[i].low, true,
                         v & ~fred[i].low);
            }
        }
    }

    /* IA32_PERF_GLOBAL_CTRL: GP-counter enables from bit 0, fixed-counter enables from bit 32,
     * EN_PERF_METRICS 48 exist as the profile's PMU enumerates them; 63:49 reserved. */
    if (entry(c, VXA_ENTRY_LOAD_PERF_GLOBAL_CTRL) && !quirk(c, VXA_Q_NO_PERF_GLOBAL_CTRL_CHECK))
        vxa_rule_perf_global_ctrl(c, VXA_C_GUEST_PERF_GLOBAL_CTRL_RESERVED, VXA_F_GUEST_IA32_PERF_GLOBAL_CTRL);
    /* IA32_PAT: every byte a valid memory type (what WRMSR accepts at CPL 0). */
    if (entry(c, VXA_ENTRY_LOAD_PAT)) {
        uint64_t pat = FV(c, GUEST_IA32_PAT), bad = 0, fix = pat;
        for (unsigned i = 0; i < 8; i++) {
            uint64_t t = (pat >> (8 * i)) & 0xff, m = 0xffull << (8 * i);
            if (t == 2 || t == 3 || t > 7) {
                bad |= m;
                fix = (fix & ~m) | (PAT_DEFAULT & m);
            }
        }
        RULE(c, GUEST_PAT_MEMTYPE, bad != 0, GUEST_IA32_PAT, bad, fix);
    }
    /* IA32_EFER. */
    if (entry(c, VXA_ENTRY_LOAD_EFER)) {
        uint64_t efer = FV(c, GUEST_IA32_EFER);
        bool lma = (efer & VXA_EFER_LMA) != 0, lme = (efer & VXA_EFER_LME) != 0;
        RULE(c, GUEST_EFER_RESERVED, (efer & ~VXA_EFER_DEFINED) != 0, GUEST_IA32_EFER,
             efer & ~VXA_EFER_DEFINED, efer & VXA_EFER_DEFINED);
        if (lma != ia32e) {
            x = vxa_fail(c, VXA_C_GUEST_EFER_LMA_IA32E);
            vxa_vfield(x, VXA_F_GUEST_IA32_EFER, efer);
            vxa_vfield(x, VXA_F_VM_ENTRY_CONTROLS, c->entry);
            x->bits = VXA_EFER_LMA;
            vxa_vfix(x, VXA_F_GUEST_IA32_EFER, efer ^ VXA_EFER_LMA);
        }
        if ((cr0 & VXA_CR0_PG) && lma != lme) {
            x = vxa_fail(c, VXA_C_GUEST_EFER_LMA_LME);
            vxa_vfield(x, VXA_F_GUEST_IA32_EFER, efer);
            vxa_vfield(x, VXA_F_GUEST_CR0, cr0);
            x->bits = VXA_EFER_LME;
            vxa_vfix(x, VXA_F_GUEST_IA32_EFER, efer ^ VXA_EFER_LME);
        }
    }
    /* IA32_BNDCFGS: EN (0), BNDPRESERVE (1), reserved 11:2, base 63:12. */
    if (entry(c, VXA_ENTRY_LOAD_BNDCFGS)) {
        uint64_t b = FV(c, GUEST_BNDCFGS), canon = vxa_canonical_fix(c, b);
        RULE(c, GUEST_BNDCFGS_RESERVED, (b & BNDCFGS_RSVD) != 0, GUEST_BNDCFGS, b & BNDCFGS_RSVD,
             b & ~BNDCFGS_RSVD);
        RULE(c, GUEST_BNDCFGS_BASE_CANONICAL, canon != b, GUEST_BNDCFGS, canon ^ b, canon);
    }
    /* IA32_RTIT_CTL: most bits depend on the Intel PT capabilities (CPUID.14H). */
    if (entry(c, VXA_ENTRY_LOAD_RTIT_CTL))
        reserved_rule(c, VXA_C_GUEST_RTIT_CTL_RESERVED, VXA_F_GUEST_IA32_RTIT_CTL, RTIT_RSVD_ALWAYS,
                      ~(RTIT_RSVD_ALWAYS | RTIT_ALWAYS_DEFINED), VXA_UR_MODEL_SPECIFIC, 0);
    /* CET state: IA32_S_CET reserved bits (which depend on the CET features), SUPPRESS with
     * TRACKER.  The SSP rules are in 27.3.1.4 (guest_rip_rflags.c). */
    if (load_cet) {
        uint64_t s = FV(c, GUEST_S_CET);
        vxa_rule_s_cet(c, VXA_C_GUEST_S_CET_RESERVED, VXA_F_GUEST_S_CET);
        RULE(c, GUEST_S_CET_SUPPRESS_TRACKER, (s & VXA_S_CET_SUPPRESS) && (s & VXA_S_CET_TRACKER), GUEST_S_CET,
             VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER, s & ~VXA_S_CET_SUPPRESS);
        /* Model-only (VXA_Q_S_CET_HIGH_NOT_IA32E): Bochs wants bits 63:32 clear outside IA-32e. */
        RULE(c, GUEST_S_CET_HIGH_NOT_IA32E, quirk(c, VXA_Q_S_CET_HIGH_NOT_IA32E) &&
             !entry(c, VXA_ENTRY_IA32E_MODE_GUEST) && (s >> 32) != 0, GUEST_S_CET, s & ~0xffffffffull,
             s & 0xffffffffull);
    }
    /* IA32_LBR_CTL (architectural LBRs). */
    if (entry(c, VXA_ENTRY_LOAD_LBR_CTL))
        reserved_rule(c, VXA_C_GUEST_LBR_CTL_RESERVED, VXA_F_GUEST_IA32_LBR_CTL, LBR_CTL_RSVD_ALWAYS,
                      LBR_CTL_MODEL, VXA_UR_MODEL_SPECIFIC, 0);
    /* IA32_PKRS: 16 keys x 2 bits in 31:0. */
    if (entry(c, VXA_ENTRY_LOAD_PKRS) && !quirk(c, VXA_Q_NO_PKRS_CHECK)) {
        uint64_t pkrs = FV(c, GUEST_IA32_PKRS);
        RULE(c, GUEST_PKRS_HIGH, (pkrs >> 32) != 0, GUEST_IA32_PKRS, pkrs & ~0xffffffffull,
             pkrs & 0xffffffffull);
    }
}
