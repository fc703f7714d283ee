/* guest_nonreg.c — SDM 27.3.1.5 Checks on guest non-register state: activity state,
 * interruptibility state, pending debug exceptions, VMCS link pointer, UINV.
 * Guest-state failures: exit reason 33; qualification 4 for the VMCS link pointer, 3 for an NMI
 * injected under blocking by STI (where a processor requires it), else 0. */
#include "../internal.h"

/* 25.4.2 activity states */
enum { ACT_ACTIVE = 0, ACT_HLT = 1, ACT_SHUTDOWN = 2, ACT_WAIT_SIPI = 3 };
/* 25.4.2 Table "Format of Interruptibility State" */
#define INTR_STI BIT(0)
#define INTR_MOVSS BIT(1)
#define INTR_SMI BIT(2)
#define INTR_NMI BIT(3)
#define INTR_ENCLAVE BIT(4)
#define INTR_RESERVED (0xffffffffull & ~0x1full)
/* 25.4.2 Table "Format of Pending-Debug-Exceptions": B3:0, enabled breakpoint (12), BS (14),
 * RTM (16). */
#define PDE_BS BIT(14)
#define PDE_ENABLED_BP BIT(12)
#define PDE_RTM BIT(16)
#define PDE_RESERVED (0xff0ull | BIT(13) | BIT(15) | ~0ull << 17)
#define PDE_RTM_MUST0 (0xfffull | BIT(13) | BIT(14) | BIT(15) | ~0ull << 17)
#define DEBUGCTL_BTF BIT(1)                  /* IA32_DEBUGCTL.BTF (Vol. 3B 19.4.1) */
#define SS_DPL(ar) (((ar) >> 5) & 3u)
#define LINK_NONE 0xffffffffffffffffull
#define SHADOW_VMCS_INDICATOR 0x80000000u

/* Bochs 2.7 fails an NMI injection under blocking by STI, with qualification 0
 * (reference/bochs-checks.md G_INJ_NMI_BLOCK and §4.7). */
static bool quirk_nmi_sti_fails(const vxa_ctx *c)
{
    return vxa_model_has_quirk(c->model, VXA_Q_NMI_STI_BLOCKING_FAILS);
}

static vxa_violation *fail2(vxa_ctx *c, vxa_check id, vxa_field f0, uint64_t v0, vxa_field f1,
                            uint64_t v1)
{
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, f0, v0);
    vxa_vfield(v, f1, v1);
    return v;
}

/* May event `type`/`vector` be injected in activity state `act`? (27.3.1.5 bullet list) */
static bool injection_allowed(unsigned act, unsigned type, unsigned vector)
{
    switch (act) {
    case ACT_HLT:
        return type == VXA_INTR_TYPE_EXT_INTR || type == VXA_INTR_TYPE_NMI ||
               (type == VXA_INTR_TYPE_HW_EXCEPTION && (vector == 1 || vector == 18)) ||
               (type == VXA_INTR_TYPE_OTHER && vector == 0);
    case ACT_SHUTDOWN:
        return type == VXA_INTR_TYPE_NMI || (type == VXA_INTR_TYPE_HW_EXCEPTION && vector == 18);
    case ACT_WAIT_SIPI:
        return false;
    default:
        return true;
    }
}

static void activity_state(vxa_ctx *c, uint64_t act, uint64_t intr, uint64_t info)
{
    uint64_t ss_ar = FV(c, GUEST_SS_AR_BYTES);
    bool inject = (info & VXA_INTR_INFO_VALID) != 0;
    unsigned type = (unsigned)(info >> VXA_INTR_INFO_TYPE_SHIFT) & 7u, vector = (unsigned)(info & 0xff);

    /* "must contain a value in the range 0 - 3, indicating an activity state supported by the
     * implementation" (supported: IA32_VMX_MISC bits 6-8) */
    RULE(c, GUEST_ACTIVITY_RANGE, act > ACT_WAIT_SIPI, GUEST_ACTIVITY_STATE, act, ACT_ACTIVE);
    if (act >= ACT_HLT && act <= ACT_WAIT_SIPI) {
        if (!has_msr(c, VXA_MSR_MISC))
            vxa_undet(c, VXA_C_GUEST_ACTIVITY_UNSUPPORTED, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(VXA_MSR_MISC));
        else if (!(msr(c, VXA_MSR_MISC) >> (VXA_MISC_ACTIVITY_SHIFT + act - 1) & 1u)) {
            vxa_violation *v = vxa_fail(c, VXA_C_GUEST_ACTIVITY_UNSUPPORTED);
            vxa_vfield(v, VXA_F_GUEST_ACTIVITY_STATE, act);
            v->aux = msr(c, VXA_MSR_MISC);
            vxa_vfix(v, VXA_F_GUEST_ACTIVITY_STATE, ACT_ACTIVE);
        }
    }
    /* HLT only at CPL 0 (SS.DPL is the CPL after VM entry) */
    if (act == ACT_HLT && SS_DPL(ss_ar) != 0)
        vxa_vfix(fail2(c, VXA_C_GUEST_ACTIVITY_HLT_SS_DPL, VXA_F_GUEST_ACTIVITY_STATE, act,
                       VXA_F_GUEST_SS_AR_BYTES, ss_ar), VXA_F_GUEST_ACTIVITY_STATE, ACT_ACTIVE);
    /* active state if blocking by STI or MOV SS */
    if (act != ACT_ACTIVE && (intr & (INTR_STI | INTR_MOVSS))) {
        vxa_violation *v = fail2(c, VXA_C_GUEST_ACTIVITY_NOT_ACTIVE_BLOCKING, VXA_F_GUEST_ACTIVITY_STATE,
                                 act, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr);
        v->bits = intr & (INTR_STI | INTR_MOVSS);
        vxa_vfix(v, VXA_F_GUEST_ACTIVITY_STATE, ACT_ACTIVE);
    }
    /* the injected event must not be one the activity state blocks */
    bool skip = (act == ACT_HLT && quirk(c, VXA_Q_NO_HLT_INJECTION_CHECK)) ||
                (act == ACT_SHUTDOWN && quirk(c, VXA_Q_SHUTDOWN_INJECTION_BY_VECTOR) &&
                 (type == VXA_INTR_TYPE_NMI || vector == 18));
    if (inject && !skip && !injection_allowed((unsigned)act, type, vector)) {
        vxa_check id = act == ACT_HLT ? VXA_C_GUEST_ACTIVITY_HLT_INJECTION
                     : act == ACT_SHUTDOWN ? VXA_C_GUEST_ACTIVITY_SHUTDOWN_INJECTION
                                           : VXA_C_GUEST_ACTIVITY_WFS_INJECTION;
        vxa_vfix(fail2(c, id, VXA_F_GUEST_ACTIVITY_STATE, act, VXA_F_VM_ENTRY_INTR_INFO_FIELD, info),
                 VXA_F_GUEST_ACTIVITY_STATE, ACT_ACTIVE);
    }
    /* not wait-for-SIPI with "entry to SMM" */
    if (act == ACT_WAIT_SIPI && entry(c, VXA_ENTRY_TO_SMM))
        vxa_vfix(fail2(c, VXA_C_GUEST_ACTIVITY_WFS_SMM, VXA_F_GUEST_ACTIVITY_STATE, act,
                       VXA_F_VM_ENTRY_CONTROLS, c->entry), VXA_F_GUEST_ACTIVITY_STATE, ACT_ACTIVE);
}

static void interruptibility(vxa_ctx *c, uint64_t intr, uint64_t info)
{
    uint64_t rflags = FV(c, GUEST_RFLAGS);
    bool inject = (info & VXA_INTR_INFO_VALID) != 0;
    unsigned type = (unsigned)(info >> VXA_INTR_INFO_TYPE_SHIFT) & 7u;
    bool ext = inject && type == VXA_INTR_TYPE_EXT_INTR, nmi = inject && type == VXA_INTR_TYPE_NMI;
    vxa_violation *v;

    uint64_t reserved = INTR_RESERVED | (quirk(c, VXA_Q_INTR_ENCLAVE_BIT_RESERVED) ? INTR_ENCLAVE : 0);
    RULE(c, GUEST_INTR_RESERVED, intr & reserved, GUEST_INTERRUPTIBILITY_INFO, intr & reserved,
         intr & ~reserved);
    RULE(c, GUEST_INTR_STI_AND_MOVSS, (intr & (INTR_STI | INTR_MOVSS)) == (INTR_STI | INTR_MOVSS),
         GUEST_INTERRUPTIBILITY_INFO, INTR_STI | INTR_MOVSS, intr & ~INTR_STI);
    if ((intr & INTR_STI) && !(rflags & VXA_RFLAGS_IF)) {
        v = fail2(c, VXA_C_GUEST_INTR_STI_IF, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                  VXA_F_GUEST_RFLAGS, rflags);
        v->bits = INTR_STI;
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_STI);
    }
    if (ext && (intr & (INTR_STI | INTR_MOVSS))) {
        v = fail2(c, VXA_C_GUEST_INTR_EXTINT_BLOCKING, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                  VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
        v->bits = intr & (INTR_STI | INTR_MOVSS);
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~(INTR_STI | INTR_MOVSS));
    }
    if (nmi && (intr & INTR_MOVSS)) {
        v = fail2(c, VXA_C_GUEST_INTR_NMI_MOVSS, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                  VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
        v->bits = INTR_MOVSS;
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_MOVSS);
    }
    /* blocking by SMI: only in SMM; required with "entry to SMM" */
    if (!c->e->smm && (intr & INTR_SMI)) {
        v = vxa_fail(c, VXA_C_GUEST_INTR_SMI_OUTSIDE_SMM);
        vxa_vfield(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr);
        v->bits = INTR_SMI;
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_SMI);
    }
    if (entry(c, VXA_ENTRY_TO_SMM) && !(intr & INTR_SMI)) {
        v = fail2(c, VXA_C_GUEST_INTR_SMI_ENTRY_TO_SMM, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                  VXA_F_VM_ENTRY_CONTROLS, c->entry);
        v->bits = INTR_SMI;
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr | INTR_SMI);
    }
    /* "A processor may require bit 0 (blocking by STI) to be 0 ... NMI.  Other processors may not
     * make this requirement."  Such a failure reports exit qualification 3 (27.8). */
    if (nmi && (intr & INTR_STI)) {
        if (quirk_nmi_sti_fails(c)) {
            v = fail2(c, VXA_C_GUEST_INTR_NMI_STI, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                      VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
            v->bits = INTR_STI;
            v->qualification = 0;          /* Bochs never reports 3 */
            vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_STI);
        } else {
            vxa_undet(c, VXA_C_GUEST_INTR_NMI_STI, VXA_UR_MODEL_SPECIFIC, 3);
        }
    }
    if (pin(c, VXA_PIN_VIRTUAL_NMIS) && nmi && (intr & INTR_NMI) && !quirk(c, VXA_Q_NO_VNMI_BLOCKED_NMI_CHECK)) {
        v = fail2(c, VXA_C_GUEST_INTR_VNMI_NMI_BLOCKING, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                  VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
        vxa_vfield(v, VXA_F_PIN_BASED_VM_EXEC_CONTROL, c->pin);
        v->bits = INTR_NMI;
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_NMI);
    }
    /* enclave interruption: not with blocking by MOV SS, and only with SGX.  The profile does not
     * carry CPUID SGX: that half is undetermined. */
    if ((intr & INTR_ENCLAVE) && !quirk(c, VXA_Q_INTR_ENCLAVE_BIT_RESERVED)) {
        if (!RULE(c, GUEST_INTR_ENCLAVE, intr & INTR_MOVSS, GUEST_INTERRUPTIBILITY_INFO, INTR_MOVSS,
                  intr & ~INTR_MOVSS))
            vxa_undet(c, VXA_C_GUEST_INTR_ENCLAVE, VXA_UR_MODEL_SPECIFIC, 0);
    }
    /* FRED (CR4 bit 32): no blocking by STI in user mode (SS.DPL = 3). */
    if ((FV(c, GUEST_CR4) & VXA_CR4_FRED) && SS_DPL(FV(c, GUEST_SS_AR_BYTES)) == 3 && (intr & INTR_STI)) {
        v = fail2(c, VXA_C_GUEST_INTR_FRED_STI, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                  VXA_F_GUEST_CR4, FV(c, GUEST_CR4));
        vxa_vfield(v, VXA_F_GUEST_SS_AR_BYTES, FV(c, GUEST_SS_AR_BYTES));
        v->bits = INTR_STI;
        vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_STI);
    }
}

static void pending_debug(vxa_ctx *c, uint64_t act, uint64_t intr)
{
    uint64_t pde = FV(c, GUEST_PENDING_DBG_EXCEPTIONS);
    uint64_t rflags = FV(c, GUEST_RFLAGS), debugctl = FV(c, GUEST_IA32_DEBUGCTL);
    uint64_t reserved = PDE_RESERVED;
    vxa_violation *v;

    if (quirk(c, VXA_Q_PENDING_DBG_32BIT)) {   /* 32 bits read; RTM's bit 16 reserved */
        pde &= 0xffffffffull;
        reserved = (PDE_RESERVED & 0xffffffffull) | PDE_RTM;
    }
    RULE(c, GUEST_PENDING_DBG_RESERVED, pde & reserved, GUEST_PENDING_DBG_EXCEPTIONS,
         pde & reserved, pde & ~reserved);
    /* With blocking by STI or MOV SS, or in HLT: BS = 1 iff TF = 1 and BTF = 0. */
    if (((intr & (INTR_STI | INTR_MOVSS)) || act == ACT_HLT) && !quirk(c, VXA_Q_NO_PENDING_DBG_BS_CHECK)) {
        bool want_bs = (rflags & VXA_RFLAGS_TF) && !(debugctl & DEBUGCTL_BTF);
        if (want_bs && !(pde & PDE_BS)) {
            v = fail2(c, VXA_C_GUEST_PENDING_DBG_BS_SET, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, pde,
                      VXA_F_GUEST_RFLAGS, rflags);
            vxa_vfield(v, VXA_F_GUEST_IA32_DEBUGCTL, debugctl);
            vxa_vfield(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr);
            v->bits = PDE_BS;
            vxa_vfix(v, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, pde | PDE_BS);
        }
        if (!want_bs && (pde & PDE_BS)) {
            v = fail2(c, VXA_C_GUEST_PENDING_DBG_BS_CLEAR, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, pde,
                      VXA_F_GUEST_RFLAGS, rflags);
            vxa_vfield(v, VXA_F_GUEST_IA32_DEBUGCTL, debugctl);
            vxa_vfield(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr);
            v->bits = PDE_BS;
            vxa_vfix(v, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, pde & ~PDE_BS);
        }
    }
    /* RTM: bits 11:0, 15:13, 63:17 = 0, bit 12 = 1, RTM supported (not in the profile), and no
     * blocking by MOV SS. */
    if ((pde & PDE_RTM) && !quirk(c, VXA_Q_PENDING_DBG_32BIT)) {
        uint64_t bad = (pde & PDE_RTM_MUST0) | (~pde & PDE_ENABLED_BP);
        if (!RULE(c, GUEST_PENDING_DBG_RTM, bad, GUEST_PENDING_DBG_EXCEPTIONS, bad,
                  PDE_RTM | PDE_ENABLED_BP))
            vxa_undet(c, VXA_C_GUEST_PENDING_DBG_RTM, VXA_UR_MODEL_SPECIFIC, 0);
        if (intr & INTR_MOVSS) {
            v = fail2(c, VXA_C_GUEST_PENDING_DBG_RTM_MOVSS, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr,
                      VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, pde);
            v->bits = INTR_MOVSS;
            vxa_vfix(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTR_MOVSS);
        }
    }
}

static vxa_violation *link_fail(vxa_ctx *c, vxa_check id, uint64_t link, uint64_t bits)
{
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, VXA_F_VMCS_LINK_POINTER, link);
    v->bits = bits;
    v->qualification = 4;
    return v;
}

static void link_pointer(vxa_ctx *c)
{
    uint64_t link = FV(c, VMCS_LINK_POINTER);
    const vxa_entry *e = c->e;
    bool to_smm = entry(c, VXA_ENTRY_TO_SMM);
    vxa_violation *v;

    if (link == LINK_NONE) return;
    if (vxa_not_captured(c, VXA_F_VMCS_LINK_POINTER)) {
        /* no value: the rules on it and on the VMCS it would reference are undetermined
         * (KVM's and Xen's dumps never print it) */
        static const uint16_t rules[] = { VXA_C_GUEST_LINK_PTR_ALIGN, VXA_C_GUEST_LINK_PTR_WIDTH,
                                          VXA_C_GUEST_LINK_PTR_REVISION, VXA_C_GUEST_LINK_PTR_SHADOW };
        for (unsigned i = 0; i < sizeof rules / sizeof rules[0]; i++)
            vxa_undet_nc(c, (vxa_check)rules[i], VXA_F_VMCS_LINK_POINTER);
        if (e->has_current_vmcs_address && (!e->smm || to_smm))
            vxa_undet_nc(c, VXA_C_GUEST_LINK_PTR_CURRENT_VMCS, VXA_F_VMCS_LINK_POINTER);
        if (e->smm && !to_smm)
            vxa_undet_nc(c, VXA_C_GUEST_LINK_PTR_EXECUTIVE_VMCS, VXA_F_VMCS_LINK_POINTER);
        return;
    }
    bool aligned = (link & 0xfff) == 0, in_width = vxa_pa_ok(c, link);
    if (!aligned) vxa_vfix(link_fail(c, VXA_C_GUEST_LINK_PTR_ALIGN, link, link & 0xfff),
                           VXA_F_VMCS_LINK_POINTER, link & ~0xfffull);
    if (!in_width) vxa_vfix(link_fail(c, VXA_C_GUEST_LINK_PTR_WIDTH, link, link & ~vxa_pa_mask(c)),
                            VXA_F_VMCS_LINK_POINTER, link & vxa_pa_mask(c));
    /* The header of the referenced VMCS (read only at a well-formed address).  At the current
     * VMCS's address it is that VMCS's own: VMPTRLD accepted its revision, and its bit 31 is the
     * shadow-VMCS indicator the entry environment gives (25.2, Vol. 2 VMPTRLD), whatever the
     * case's memory image says. */
    if (aligned && in_width) {
        uint8_t b[4];
        bool current = e->current_vmcs && e->has_current_vmcs_address && link == e->current_vmcs_address &&
                       has_msr(c, VXA_MSR_BASIC);
        if (current) {
            uint32_t h = (uint32_t)(msr(c, VXA_MSR_BASIC) & VXA_BASIC_REVISION) |
                         (e->current_vmcs_shadow ? SHADOW_VMCS_INDICATOR : 0);
            for (unsigned i = 0; i < 4; i++) b[i] = (uint8_t)(h >> 8 * i);
        }
        if (!current && vxa_read(c, link, b, 4)) {
            vxa_undet(c, VXA_C_GUEST_LINK_PTR_REVISION, VXA_UR_MEMORY, link);
            vxa_undet(c, VXA_C_GUEST_LINK_PTR_SHADOW, VXA_UR_MEMORY, link);
        } else {
            uint32_t hdr = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
            /* VXA_Q_LINK_REVISION_WITH_SHADOW_BIT: without VMCS shadowing, Bochs 2.7 and 3.0
             * compare all 32 bits (the shadow-VMCS indicator included) with the revision */
            uint32_t rev_mask = quirk(c, VXA_Q_LINK_REVISION_WITH_SHADOW_BIT) && !proc2(c, VXA_PROC2_VMCS_SHADOWING)
                              ? 0xffffffffu : (uint32_t)VXA_BASIC_REVISION;
            if (!has_msr(c, VXA_MSR_BASIC))
                vxa_undet(c, VXA_C_GUEST_LINK_PTR_REVISION, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(VXA_MSR_BASIC));
            else if ((hdr & rev_mask) != (msr(c, VXA_MSR_BASIC) & VXA_BASIC_REVISION)) {
                v = link_fail(c, VXA_C_GUEST_LINK_PTR_REVISION, link, 0);
                v->aux = hdr;                     /* the header found; the revision is in BASIC */
                vxa_vfix(v, VXA_F_VMCS_LINK_POINTER, LINK_NONE);   /* no linked VMCS */
            }
            bool shadow = (hdr & SHADOW_VMCS_INDICATOR) != 0;
            if (shadow != proc2(c, VXA_PROC2_VMCS_SHADOWING)) {
                v = link_fail(c, VXA_C_GUEST_LINK_PTR_SHADOW, link, 0);
                vxa_vfield(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, c->proc2);
                v->aux = hdr;
                vxa_vfix(v, VXA_F_VMCS_LINK_POINTER, LINK_NONE);
            }
        }
    }
    /* Outside SMM (or entering SMM): not the current VMCS.  In SMM returning from it: not the
     * executive VMCS. */
    if (!e->smm || to_smm) {
        if (e->has_current_vmcs_address && link == e->current_vmcs_address) {
            v = link_fail(c, VXA_C_GUEST_LINK_PTR_CURRENT_VMCS, link, 0);
            v->aux = e->current_vmcs_address;
            vxa_vfix(v, VXA_F_VMCS_LINK_POINTER, LINK_NONE);
        }
    } else if (link == FV(c, EXECUTIVE_VMCS_POINTER)) {
        v = link_fail(c, VXA_C_GUEST_LINK_PTR_EXECUTIVE_VMCS, link, 0);
        vxa_vfield(v, VXA_F_EXECUTIVE_VMCS_POINTER, FV(c, EXECUTIVE_VMCS_POINTER));
        vxa_vfix(v, VXA_F_VMCS_LINK_POINTER, LINK_NONE);
    }
}

void vxa_checks_guest_nonreg(vxa_ctx *c)
{
    uint64_t act = FV(c, GUEST_ACTIVITY_STATE), intr = FV(c, GUEST_INTERRUPTIBILITY_INFO);
    uint64_t info = FV(c, VM_ENTRY_INTR_INFO_FIELD);

    activity_state(c, act, intr, info);
    interruptibility(c, intr, info);
    pending_debug(c, act, intr);
    link_pointer(c);
    /* UINV: with "load UINV", bits 15:8 of the guest UINV field must be 0. */
    if (entry(c, VXA_ENTRY_LOAD_UINV)) {
        uint64_t uinv = FV(c, GUEST_UINV);
        RULE(c, GUEST_UINV_RESERVED, uinv & 0xff00, GUEST_UINV, uinv & 0xff00, uinv & 0xff);
    }
}
