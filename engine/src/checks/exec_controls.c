/* exec_controls.c — SDM 27.2.1.1 "VM-Execution Control Fields": the checks VM entry performs on
 * the VM-execution control fields, one line (or short block) per SDM bullet, in the SDM's order.
 * A violation of any of them makes VMLAUNCH/VMRESUME fail with VMfailValid(7). */
#include "../internal.h"

/* EPTP (25.6.11, Table "Format of Extended-Page-Table Pointer"). */
#define EPTP_MEMTYPE 0x7ull        /* bits 2:0 */
#define EPTP_WALK 0x38ull          /* bits 5:3: page-walk length - 1 */
#define EPTP_AD BIT(6)
#define EPTP_SSS BIT(7)
#define EPTP_RSVD_LOW 0xf00ull     /* bits 11:8 */
#define MEMTYPE_UC 0u
#define MEMTYPE_WB 6u

/* HLATP: the format of CR3 for 4-/5-level paging, with bits 2:0 and 11:5 reserved (Vol. 3A 4.5,
 * "they are checked by VM entry"). */
#define HLATP_RSVD_LOW 0xfe7ull

/* The VM-function controls (25.6.14) are a field, not a context word. */
static bool vmfunc(const vxa_ctx *c, vxa_vmfunc_bit b) { return (FV(c, VM_FUNCTION_CONTROL) >> b) & 1u; }

/* Profile questions for fixes: may control `bit` of word `w` be 1 (known allowed) / be 0 (not
 * known to be must-be-1)? */
static bool may_set(const vxa_ctx *c, vxa_word w, unsigned bit) { return vxa_can_set(c->p, w, bit) == 1; }
static bool may_clear(const vxa_ctx *c, vxa_word w, unsigned bit)
{
    uint64_t m1, a1;
    if (!vxa_allowed(c->p, w, &m1, &a1, 0)) return true;
    return !((m1 >> bit) & 1u);
}

/* An address bullet: bits below the alignment (`low`) must be 0, and the address must not set bits
 * beyond the physical-address width (vxa_pa_ok: MAXPHYADDR, 32 bits if IA32_VMX_BASIC[48]).
 * Fixes: align down / drop the bits beyond the width. */
static void addr_rules(vxa_ctx *c, vxa_check id_align, vxa_check id_width, vxa_field f, uint64_t low)
{
    uint64_t a = vxa_fv(c, f), m = vxa_pa_mask(c);
    low = VXA_MUT_ALIGN(VXA_MB_ALIGN, low);
    vxa_rule(c, id_align, (a & low) != 0, f, a & low, true, a & ~low);
    vxa_rule(c, id_width, (a & ~m) != 0, f, a & ~m, true, a & m);
}

/* A dependency bullet "if <cause>, control `rb` of word `rw` (field `rf`) must be `want`".
 * Records the consequent's field first (bits = that control), then the cause's field.  Fix: put
 * the consequent right where the profile allows it (and, for a secondary control, where the
 * secondary controls are active), else undo the cause (control `cb` of `cw`/`cf` set to
 * !cause_on). */
static void dep(vxa_ctx *c, vxa_check id, bool violated, vxa_field rf, vxa_word rw, unsigned rb,
                bool want, vxa_field cf, vxa_word cw, unsigned cb, bool cause_on)
{
    if (!violated) return;
    vxa_violation *v = vxa_fail(c, id);
    uint64_t rv = vxa_fv(c, rf), cv = vxa_fv(c, cf);
    vxa_vfield(v, rf, rv);
    if (cf != rf) vxa_vfield(v, cf, cv);
    v->bits = BIT(rb);
    bool active = rw != VXA_WORD_PROC2 || proc(c, VXA_PROC_ACTIVATE_SECONDARY);
    if (active && (want ? may_set(c, rw, rb) : may_clear(c, rw, rb)))
        vxa_vfix(v, rf, want ? rv | BIT(rb) : rv & ~BIT(rb));
    else if (cause_on ? may_clear(c, cw, cb) : may_set(c, cw, cb))
        vxa_vfix(v, cf, cause_on ? cv & ~BIT(cb) : cv | BIT(cb));
}

/* "<control of the secondary/tertiary word> = 1: enable EPT must be 1" */
#define NEEDS_EPT2(c, ID, BIT2) \
    dep((c), VXA_C_##ID, proc2((c), BIT2) && !proc2((c), VXA_PROC2_ENABLE_EPT), \
        VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, true, \
        VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, (BIT2), true)
#define NEEDS_EPT3(c, ID, BIT3) \
    dep((c), VXA_C_##ID, proc3((c), BIT3) && !proc2((c), VXA_PROC2_ENABLE_EPT), \
        VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, true, \
        VXA_F_TERTIARY_VM_EXEC_CONTROL, VXA_WORD_PROC3, (BIT3), true)

/* TPR threshold vs VTPR: reads VTPR (byte 80H of the virtual-APIC page, 30.1.1). */
static void tpr_threshold_vtpr(vxa_ctx *c)
{
    uint64_t vapic = FV(c, VIRTUAL_APIC_PAGE_ADDR), thr = FV(c, TPR_THRESHOLD);
    /* The page is only read at a valid virtual-APIC address; a bad one is reported above. */
    if ((vapic & 0xfffu) || !vxa_pa_ok(c, vapic)) return;
    if (vxa_not_captured(c, VXA_F_VIRTUAL_APIC_PAGE_ADDR)) {
        vxa_undet_nc(c, VXA_C_CTRL_TPR_THRESHOLD_VTPR, VXA_F_VIRTUAL_APIC_PAGE_ADDR);
        return;
    }
    uint8_t vtpr;
    if (vxa_read(c, vapic + 0x80u, &vtpr, 1)) {
        vxa_undet(c, VXA_C_CTRL_TPR_THRESHOLD_VTPR, VXA_UR_MEMORY, vapic + 0x80u);
        return;
    }
    if ((thr & 0xfu) > (uint64_t)(vtpr >> 4)) {
        vxa_violation *v = vxa_fail(c, VXA_C_CTRL_TPR_THRESHOLD_VTPR);
        vxa_vfield(v, VXA_F_TPR_THRESHOLD, thr);
        vxa_vfield(v, VXA_F_VIRTUAL_APIC_PAGE_ADDR, vapic);
        v->bits = thr & 0xfu;
        v->aux = vtpr;   /* the VTPR byte read */
        vxa_vfix(v, VXA_F_TPR_THRESHOLD, (thr & ~0xfull) | (uint64_t)(vtpr >> 4));
    }
}

/* EPTP bullets (if "enable EPT" = 1). */
static void eptp_rules(vxa_ctx *c)
{
    uint64_t eptp = FV(c, EPT_POINTER), m = vxa_pa_mask(c);
    bool cap_known = has_msr(c, VXA_MSR_EPT_VPID_CAP);
    uint64_t cap = msr(c, VXA_MSR_EPT_VPID_CAP);
    unsigned mt = (unsigned)(eptp & EPTP_MEMTYPE), walk = (unsigned)((eptp & EPTP_WALK) >> 3);
    unsigned idx = VXA_MSR_INDEX(VXA_MSR_EPT_VPID_CAP);

    /* Memory type (bits 2:0): UC (0) if cap bit 8, WB (6) if cap bit 14; no other type exists. */
    if (!cap_known) {
        vxa_undet(c, VXA_C_CTRL_EPTP_MEMTYPE, VXA_UR_MSR_MISSING, idx);
    } else if (!((mt == MEMTYPE_UC && (cap & VXA_EPTCAP_UC)) || (mt == MEMTYPE_WB && (cap & VXA_EPTCAP_WB)))) {
        vxa_violation *v = vxa_fail(c, VXA_C_CTRL_EPTP_MEMTYPE);
        vxa_vfield(v, VXA_F_EPT_POINTER, eptp);
        v->bits = eptp & EPTP_MEMTYPE;
        if (cap & (VXA_EPTCAP_WB | VXA_EPTCAP_UC))
            vxa_vfix(v, VXA_F_EPT_POINTER,
                     (eptp & ~EPTP_MEMTYPE) | ((cap & VXA_EPTCAP_WB) ? MEMTYPE_WB : MEMTYPE_UC));
    }
    /* Page-walk length - 1 (bits 5:3): 3 (4-level) if cap bit 6, 4 (5-level) if cap bit 7. */
    if (!cap_known) {
        vxa_undet(c, VXA_C_CTRL_EPTP_WALK_LENGTH, VXA_UR_MSR_MISSING, idx);
    } else if (!((walk == 3 && (cap & VXA_EPTCAP_WALK4)) || (walk == 4 && (cap & VXA_EPTCAP_WALK5)))) {
        vxa_violation *v = vxa_fail(c, VXA_C_CTRL_EPTP_WALK_LENGTH);
        vxa_vfield(v, VXA_F_EPT_POINTER, eptp);
        v->bits = eptp & EPTP_WALK;
        if (cap & (VXA_EPTCAP_WALK4 | VXA_EPTCAP_WALK5))
            vxa_vfix(v, VXA_F_EPT_POINTER,
                     (eptp & ~EPTP_WALK) | ((cap & VXA_EPTCAP_WALK4) ? 3ull << 3 : 4ull << 3));
    }
    /* Bit 6 (A/D flags) only if cap bit 21. */
    if ((eptp & EPTP_AD) && !cap_known)
        vxa_undet(c, VXA_C_CTRL_EPTP_AD, VXA_UR_MSR_MISSING, idx);
    else
        RULE(c, CTRL_EPTP_AD, (eptp & EPTP_AD) && !(cap & VXA_EPTCAP_AD), EPT_POINTER, EPTP_AD,
             eptp & ~EPTP_AD);
    /* Bit 7 (supervisor shadow-stack control) only if cap bit 23. */
    if ((eptp & EPTP_SSS) && !cap_known)
        vxa_undet(c, VXA_C_CTRL_EPTP_SSS, VXA_UR_MSR_MISSING, idx);
    else
        RULE(c, CTRL_EPTP_SSS, (eptp & EPTP_SSS) && !(cap & VXA_EPTCAP_SSS), EPT_POINTER, EPTP_SSS,
             eptp & ~EPTP_SSS);
    /* Reserved bits 11:8 and 63:N. */
    uint64_t rsvd = (eptp & EPTP_RSVD_LOW) | (eptp & ~m);
    RULE(c, CTRL_EPTP_RESERVED, rsvd != 0, EPT_POINTER, rsvd, eptp & ~rsvd);
}

/* HLAT prefix size vs IA32_VMX_EPT_VPID_CAP[53:48] (if "enable HLAT" = 1). */
static void hlat_prefix_rule(vxa_ctx *c)
{
    uint64_t size = FV(c, HLAT_PREFIX_SIZE);
    if (size == 0) return;   /* never above a maximum */
    if (!has_msr(c, VXA_MSR_EPT_VPID_CAP)) {
        vxa_undet(c, VXA_C_CTRL_HLAT_PREFIX_SIZE, VXA_UR_MSR_MISSING,
                  VXA_MSR_INDEX(VXA_MSR_EPT_VPID_CAP));
        return;
    }
    uint64_t max = VXA_EPTCAP_HLAT_PREFIX(msr(c, VXA_MSR_EPT_VPID_CAP));
    RULE(c, CTRL_HLAT_PREFIX_SIZE, size > max, HLAT_PREFIX_SIZE, 0, max);
}

void vxa_checks_exec_controls(vxa_ctx *c)
{
    /* Reserved bits of the pin-based and primary processor-based controls set properly (A.3.1,
     * A.3.2; vxa_allowed honours IA32_VMX_BASIC[55] and the default1 classes). */
    vxa_rule_allowed(c, VXA_C_CTRL_PIN_ALLOWED0, VXA_C_CTRL_PIN_ALLOWED1, VXA_WORD_PIN,
                     VXA_F_PIN_BASED_VM_EXEC_CONTROL, c->pin);
    vxa_rule_allowed(c, VXA_C_CTRL_PROC_ALLOWED0, VXA_C_CTRL_PROC_ALLOWED1, VXA_WORD_PROC,
                     VXA_F_CPU_BASED_VM_EXEC_CONTROL, c->proc);
    /* Secondary controls (A.3.3: IA32_VMX_PROCBASED_CTLS2), checked only when activated. */
    if (proc(c, VXA_PROC_ACTIVATE_SECONDARY))
        vxa_rule_allowed(c, VXA_C_CTRL_PROC2_ALLOWED0, VXA_C_CTRL_PROC2_ALLOWED1, VXA_WORD_PROC2,
                         VXA_F_SECONDARY_VM_EXEC_CONTROL, c->proc2);
    /* Tertiary controls (A.3.4: IA32_VMX_PROCBASED_CTLS3, allowed-1 settings only). */
    if (proc(c, VXA_PROC_ACTIVATE_TERTIARY) && c->proc3)
        vxa_rule_allowed(c, VXA_C_CTRL_PROC3_ALLOWED1, VXA_C_CTRL_PROC3_ALLOWED1, VXA_WORD_PROC3,
                         VXA_F_TERTIARY_VM_EXEC_CONTROL, c->proc3);

    /* 27.2.1.1: the CR3-target count must not be greater than the number of CR3-target values
     * supported, IA32_VMX_MISC[24:16] (A.6; the SDM: "not greater than 4", future processors may
     * differ).  With the MSR: compared with its count, whatever the count.  Without it: up to 4
     * holds on every processor; above 4 is undetermined. */
    uint64_t cr3n = FV(c, CR3_TARGET_COUNT);
    if (has_msr(c, VXA_MSR_MISC))
        RULE(c, CTRL_CR3_TARGET_COUNT, cr3n > VXA_MISC_CR3_TARGETS(msr(c, VXA_MSR_MISC)),
             CR3_TARGET_COUNT, 0, VXA_MISC_CR3_TARGETS(msr(c, VXA_MSR_MISC)));
    else if (cr3n > 4)
        vxa_undet(c, VXA_C_CTRL_CR3_TARGET_COUNT, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(VXA_MSR_MISC));

    /* "use I/O bitmaps": each I/O-bitmap address 4-KByte aligned, within the PA width. */
    if (proc(c, VXA_PROC_USE_IO_BITMAPS)) {
        addr_rules(c, VXA_C_CTRL_IO_BITMAP_A_ALIGN, VXA_C_CTRL_IO_BITMAP_A_WIDTH, VXA_F_IO_BITMAP_A, 0xfff);
        addr_rules(c, VXA_C_CTRL_IO_BITMAP_B_ALIGN, VXA_C_CTRL_IO_BITMAP_B_WIDTH, VXA_F_IO_BITMAP_B, 0xfff);
    }
    /* "use MSR bitmaps": the MSR-bitmap address. */
    if (proc(c, VXA_PROC_USE_MSR_BITMAPS))
        addr_rules(c, VXA_C_CTRL_MSR_BITMAP_ALIGN, VXA_C_CTRL_MSR_BITMAP_WIDTH, VXA_F_MSR_BITMAP, 0xfff);
    /* "use TPR shadow": the virtual-APIC address. */
    if (proc(c, VXA_PROC_USE_TPR_SHADOW))
        addr_rules(c, VXA_C_CTRL_VAPIC_ADDR_ALIGN, VXA_C_CTRL_VAPIC_ADDR_WIDTH,
                   VXA_F_VIRTUAL_APIC_PAGE_ADDR, 0xfff);
    /* "use TPR shadow" = 1, "virtual-interrupt delivery" = 0: TPR threshold bits 31:4 are 0. */
    if (proc(c, VXA_PROC_USE_TPR_SHADOW) && !proc2(c, VXA_PROC2_VIRTUAL_INTR_DELIVERY))
        RULE(c, CTRL_TPR_THRESHOLD_RESERVED, FV(c, TPR_THRESHOLD) & ~0xfull, TPR_THRESHOLD,
             FV(c, TPR_THRESHOLD) & ~0xfull, FV(c, TPR_THRESHOLD) & 0xfull);
    /* ... and "virtualize APIC accesses" = 0: TPR threshold[3:0] <= VTPR[7:4]. */
    if (proc(c, VXA_PROC_USE_TPR_SHADOW) && !proc2(c, VXA_PROC2_VIRTUALIZE_APIC_ACCESSES) &&
        !proc2(c, VXA_PROC2_VIRTUAL_INTR_DELIVERY))
        tpr_threshold_vtpr(c);

    /* "NMI exiting" = 0 -> "virtual NMIs" = 0. */
    dep(c, VXA_C_CTRL_VIRTUAL_NMIS_NMI_EXITING, !pin(c, VXA_PIN_NMI_EXITING) && pin(c, VXA_PIN_VIRTUAL_NMIS),
        VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS, false,
        VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_WORD_PIN, VXA_PIN_NMI_EXITING, false);
    /* "virtual NMIs" = 0 -> "NMI-window exiting" = 0. */
    dep(c, VXA_C_CTRL_NMI_WINDOW_VIRTUAL_NMIS,
        !pin(c, VXA_PIN_VIRTUAL_NMIS) && proc(c, VXA_PROC_NMI_WINDOW_EXITING),
        VXA_F_CPU_BASED_VM_EXEC_CONTROL, VXA_WORD_PROC, VXA_PROC_NMI_WINDOW_EXITING, false,
        VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS, false);

    /* "virtualize APIC accesses": the APIC-access address. */
    if (proc2(c, VXA_PROC2_VIRTUALIZE_APIC_ACCESSES))
        addr_rules(c, VXA_C_CTRL_APIC_ACCESS_ALIGN, VXA_C_CTRL_APIC_ACCESS_WIDTH,
                   VXA_F_APIC_ACCESS_ADDR, 0xfff);

    /* "use TPR shadow" = 0 -> "virtualize x2APIC mode", "APIC-register virtualization",
     * "virtual-interrupt delivery" (and the tertiary "IPI virtualization") = 0. */
    if (!proc(c, VXA_PROC_USE_TPR_SHADOW)) {
        uint64_t bad = c->proc2 & (BIT(VXA_PROC2_VIRTUALIZE_X2APIC) | BIT(VXA_PROC2_APIC_REGISTER_VIRT) |
                                   BIT(VXA_PROC2_VIRTUAL_INTR_DELIVERY));
        if (bad) {
            vxa_violation *v = vxa_fail(c, VXA_C_CTRL_APICV_TPR_SHADOW);
            vxa_vfield(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, FV(c, SECONDARY_VM_EXEC_CONTROL));
            vxa_vfield(v, VXA_F_CPU_BASED_VM_EXEC_CONTROL, FV(c, CPU_BASED_VM_EXEC_CONTROL));
            v->bits = bad;
            vxa_vfix(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, FV(c, SECONDARY_VM_EXEC_CONTROL) & ~bad);
        }
        dep(c, VXA_C_CTRL_IPIV_TPR_SHADOW, proc3(c, VXA_PROC3_IPI_VIRT),
            VXA_F_TERTIARY_VM_EXEC_CONTROL, VXA_WORD_PROC3, VXA_PROC3_IPI_VIRT, false,
            VXA_F_CPU_BASED_VM_EXEC_CONTROL, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW, false);
    }
    /* "virtualize x2APIC mode" = 1 -> "virtualize APIC accesses" = 0. */
    dep(c, VXA_C_CTRL_X2APIC_APIC_ACCESSES,
        proc2(c, VXA_PROC2_VIRTUALIZE_X2APIC) && proc2(c, VXA_PROC2_VIRTUALIZE_APIC_ACCESSES),
        VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_VIRTUALIZE_APIC_ACCESSES, false,
        VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_VIRTUALIZE_X2APIC, true);
    /* "virtual-interrupt delivery" = 1 -> "external-interrupt exiting" = 1. */
    dep(c, VXA_C_CTRL_VID_EXT_INTR_EXITING,
        proc2(c, VXA_PROC2_VIRTUAL_INTR_DELIVERY) && !pin(c, VXA_PIN_EXT_INTR_EXITING),
        VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_WORD_PIN, VXA_PIN_EXT_INTR_EXITING, true,
        VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY, true);

    /* "process posted interrupts" = 1: */
    if (pin(c, VXA_PIN_POSTED_INTR)) {
        /* VXA_Q_PI_CHECKS_NEED_TPR_SHADOW: Bochs 3.0 makes the VID, vector and descriptor checks
         * only when "use TPR shadow" is 1 (acknowledge-on-exit is checked either way). */
        bool pi_checked = !quirk(c, VXA_Q_PI_CHECKS_NEED_TPR_SHADOW) || proc(c, VXA_PROC_USE_TPR_SHADOW);
        /* - "virtual-interrupt delivery" = 1; */
        if (pi_checked)
            dep(c, VXA_C_CTRL_PI_VID, !proc2(c, VXA_PROC2_VIRTUAL_INTR_DELIVERY),
                VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY, true,
                VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_WORD_PIN, VXA_PIN_POSTED_INTR, true);
        /* - the "acknowledge interrupt on exit" VM-exit control = 1; */
        dep(c, VXA_C_CTRL_PI_ACK_INTR, !exitc(c, VXA_EXIT_ACK_INTR_ON_EXIT),
            VXA_F_VM_EXIT_CONTROLS, VXA_WORD_EXIT, VXA_EXIT_ACK_INTR_ON_EXIT, true,
            VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_WORD_PIN, VXA_PIN_POSTED_INTR, true);
        if (pi_checked) {
            /* - notification vector in 0-255 (bits 15:8 = 0); */
            RULE(c, CTRL_PI_VECTOR, FV(c, POSTED_INTR_NV) & 0xff00u, POSTED_INTR_NV,
                 FV(c, POSTED_INTR_NV) & 0xff00u, FV(c, POSTED_INTR_NV) & 0xffu);
            /* - descriptor address bits 5:0 = 0 and within the PA width. */
            addr_rules(c, VXA_C_CTRL_PI_DESC_ALIGN, VXA_C_CTRL_PI_DESC_WIDTH,
                       VXA_F_POSTED_INTR_DESC_ADDR, 0x3f);
        }
    }

    /* "enable VPID" = 1 -> VPID != 0000H. */
    if (proc2(c, VXA_PROC2_ENABLE_VPID))
        RULE(c, CTRL_VPID_ZERO, FV(c, VIRTUAL_PROCESSOR_ID) == 0, VIRTUAL_PROCESSOR_ID, 0, 1);

    /* "enable EPT" = 1: the EPTP. */
    if (proc2(c, VXA_PROC2_ENABLE_EPT)) eptp_rules(c);

    /* "enable PML" = 1 -> "enable EPT" = 1, and the PML address. */
    NEEDS_EPT2(c, CTRL_PML_EPT, VXA_PROC2_ENABLE_PML);
    if (proc2(c, VXA_PROC2_ENABLE_PML))
        addr_rules(c, VXA_C_CTRL_PML_ADDR_ALIGN, VXA_C_CTRL_PML_ADDR_WIDTH, VXA_F_PML_ADDRESS, 0xfff);
    /* "unrestricted guest" or "mode-based execute control for EPT" = 1 -> "enable EPT" = 1. */
    NEEDS_EPT2(c, CTRL_UNRESTRICTED_GUEST_EPT, VXA_PROC2_UNRESTRICTED_GUEST);
    NEEDS_EPT2(c, CTRL_MBEC_EPT, VXA_PROC2_MODE_BASED_EPT_EXEC);
    /* "sub-page write permissions for EPT" = 1 -> "enable EPT" = 1, and the SPPTP. */
    NEEDS_EPT2(c, CTRL_SPP_EPT, VXA_PROC2_SUBPAGE_WRITE);
    if (proc2(c, VXA_PROC2_SUBPAGE_WRITE))
        addr_rules(c, VXA_C_CTRL_SPPTP_ALIGN, VXA_C_CTRL_SPPTP_WIDTH, VXA_F_SPPT_POINTER, 0xfff);

    /* "Intel PT uses guest physical addresses" = 1 -> "enable EPT", "load IA32_RTIT_CTL" (entry)
     * and "clear IA32_RTIT_CTL" (exit) = 1. */
    if (proc2(c, VXA_PROC2_PT_USES_GPA) &&
        (!proc2(c, VXA_PROC2_ENABLE_EPT) || !entry(c, VXA_ENTRY_LOAD_RTIT_CTL) ||
         !exitc(c, VXA_EXIT_CLEAR_RTIT_CTL))) {
        vxa_violation *v = vxa_fail(c, VXA_C_CTRL_PT_GPA_CONTROLS);
        uint64_t s = FV(c, SECONDARY_VM_EXEC_CONTROL), en = FV(c, VM_ENTRY_CONTROLS),
                 ex = FV(c, VM_EXIT_CONTROLS);
        vxa_vfield(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, s);
        vxa_vfield(v, VXA_F_VM_ENTRY_CONTROLS, en);
        vxa_vfield(v, VXA_F_VM_EXIT_CONTROLS, ex);
        v->bits = BIT(VXA_PROC2_PT_USES_GPA);
        if (may_set(c, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT) && may_set(c, VXA_WORD_ENTRY, VXA_ENTRY_LOAD_RTIT_CTL) &&
            may_set(c, VXA_WORD_EXIT, VXA_EXIT_CLEAR_RTIT_CTL)) {
            if (!proc2(c, VXA_PROC2_ENABLE_EPT)) vxa_vfix(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, s | BIT(VXA_PROC2_ENABLE_EPT));
            if (!entry(c, VXA_ENTRY_LOAD_RTIT_CTL)) vxa_vfix(v, VXA_F_VM_ENTRY_CONTROLS, en | BIT(VXA_ENTRY_LOAD_RTIT_CTL));
            if (!exitc(c, VXA_EXIT_CLEAR_RTIT_CTL)) vxa_vfix(v, VXA_F_VM_EXIT_CONTROLS, ex | BIT(VXA_EXIT_CLEAR_RTIT_CTL));
        } else {
            vxa_vfix(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, s & ~BIT(VXA_PROC2_PT_USES_GPA));
        }
    }

    /* "enable VM functions" = 1: reserved VM-function controls 0 (A.11: IA32_VMX_VMFUNC); with
     * "EPTP switching" = 1, "enable EPT" = 1 and the EPTP-list address. */
    if (proc2(c, VXA_PROC2_ENABLE_VMFUNC)) {
        if (FV(c, VM_FUNCTION_CONTROL))
            vxa_rule_allowed(c, VXA_C_CTRL_VMFUNC_RESERVED, VXA_C_CTRL_VMFUNC_RESERVED,
                             VXA_WORD_VMFUNC, VXA_F_VM_FUNCTION_CONTROL, FV(c, VM_FUNCTION_CONTROL));
        if (vmfunc(c, VXA_VMFUNC_EPTP_SWITCHING)) {
            dep(c, VXA_C_CTRL_EPTP_SWITCHING_EPT, !proc2(c, VXA_PROC2_ENABLE_EPT),
                VXA_F_SECONDARY_VM_EXEC_CONTROL, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, true,
                VXA_F_VM_FUNCTION_CONTROL, VXA_WORD_VMFUNC, VXA_VMFUNC_EPTP_SWITCHING, true);
            addr_rules(c, VXA_C_CTRL_EPTP_LIST_ALIGN, VXA_C_CTRL_EPTP_LIST_WIDTH,
                       VXA_F_EPTP_LIST_ADDRESS, 0xfff);
        }
    }

    /* "VMCS shadowing" = 1: the VMREAD-bitmap and VMWRITE-bitmap addresses. */
    if (proc2(c, VXA_PROC2_VMCS_SHADOWING)) {
        addr_rules(c, VXA_C_CTRL_VMREAD_BITMAP_ALIGN, VXA_C_CTRL_VMREAD_BITMAP_WIDTH,
                   VXA_F_VMREAD_BITMAP, 0xfff);
        addr_rules(c, VXA_C_CTRL_VMWRITE_BITMAP_ALIGN, VXA_C_CTRL_VMWRITE_BITMAP_WIDTH,
                   VXA_F_VMWRITE_BITMAP, 0xfff);
    }
    /* "EPT-violation #VE" = 1: the virtualization-exception information address. */
    if (proc2(c, VXA_PROC2_EPT_VIOLATION_VE))
        addr_rules(c, VXA_C_CTRL_VE_INFO_ALIGN, VXA_C_CTRL_VE_INFO_WIDTH,
                   VXA_F_VE_INFORMATION_ADDRESS, 0xfff);
    /* "PASID translation" = 1: the low and high PASID directory addresses (4-KByte directories). */
    if (proc2(c, VXA_PROC2_PASID_TRANSLATION)) {
        addr_rules(c, VXA_C_CTRL_PASID_LOW_DIR_ALIGN, VXA_C_CTRL_PASID_LOW_DIR_WIDTH,
                   VXA_F_LOW_PASID_DIRECTORY_ADDRESS, 0xfff);
        addr_rules(c, VXA_C_CTRL_PASID_HIGH_DIR_ALIGN, VXA_C_CTRL_PASID_HIGH_DIR_WIDTH,
                   VXA_F_HIGH_PASID_DIRECTORY_ADDRESS, 0xfff);
    }

    /* "enable HLAT" = 1: HLATP bits 2:0 and 11:5 reserved, within the PA width; the HLAT prefix
     * size within the enumerated maximum. */
    if (proc3(c, VXA_PROC3_ENABLE_HLAT)) {
        addr_rules(c, VXA_C_CTRL_HLATP_RESERVED, VXA_C_CTRL_HLATP_WIDTH, VXA_F_HLAT_POINTER,
                   HLATP_RSVD_LOW);
        hlat_prefix_rule(c);
    }
    /* "EPT paging-write control" / "guest-paging verification" = 1 -> "enable EPT" = 1. */
    NEEDS_EPT3(c, CTRL_PAGING_WRITE_EPT, VXA_PROC3_EPT_PAGING_WRITE);
    NEEDS_EPT3(c, CTRL_GPV_EPT, VXA_PROC3_GUEST_PAGING_VERIFY);
    /* "IPI virtualization" = 1: the PID-pointer table address (8-byte entries). */
    if (proc3(c, VXA_PROC3_IPI_VIRT))
        addr_rules(c, VXA_C_CTRL_PID_TABLE_ALIGN, VXA_C_CTRL_PID_TABLE_WIDTH,
                   VXA_F_PID_POINTER_TABLE, 0x7);
    /* Model-only (VXA_Q_TSC_MULTIPLIER_NONZERO): Bochs fails "use TSC scaling" with multiplier 0. */
    if (quirk(c, VXA_Q_TSC_MULTIPLIER_NONZERO) && proc2(c, VXA_PROC2_TSC_SCALING))
        RULE(c, CTRL_TSC_MULTIPLIER_ZERO, FV(c, TSC_MULTIPLIER) == 0, TSC_MULTIPLIER, 0,
             0x0001000000000000ull);   /* 1.0 in the multiplier's 16.48 fixed point */
}
