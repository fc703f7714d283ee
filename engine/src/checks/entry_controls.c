/* entry_controls.c — SDM 27.2.1.3 Checks on VM-entry control fields, including the
 * event-injection fields (VM-entry interruption information, exception error code, instruction
 * length; format in 25.8.3). */
#include "../internal.h"

/* Interruption-information reserved bits 30:12 (25.8.3). */
#define INTR_INFO_RESERVED 0x7ffff000ull
#define INTR_INFO_TYPE (7ull << VXA_INTR_INFO_TYPE_SHIFT)
/* #CP (control-protection exception, Vol. 1 CET / Vol. 3A 6.15) pushes an error code. */
#define VECTOR_CP 21u

/* 1 / 0 for a stated CPUID feature set, -1 when the profile does not state them. */
static int cpuid_any(const vxa_ctx *c, uint32_t bits, uint32_t *unknown)
{
    if (c->p->cpuid & c->p->cpuid_known & bits) return 1;
    if ((c->p->cpuid_known & bits) == bits) return 0;
    *unknown = bits & ~c->p->cpuid_known;
    return -1;
}

/* Does the vector normally deliver an error code (8 #DF, 10 #TS, 11 #NP, 12 #SS, 13 #GP,
 * 14 #PF, 17 #AC; 21 #CP on processors with CET)?  -1: vector 21 and CET support unknown. */
static int vector_has_errcode(const vxa_ctx *c, unsigned vec, uint32_t *unknown)
{
    if (vec == 8 || (vec >= 10 && vec <= 14) || vec == 17) return 1;
    if (vec == VECTOR_CP) return cpuid_any(c, VXA_CPUID_CET_SS | VXA_CPUID_CET_IBT, unknown);
    return 0;
}

/* Does the processor support FRED?  CPUID when the profile states it, else CR4_FIXED1[32]
 * (CR4.FRED may be 1 in VMX operation), else -1. */
static int cpu_has_fred(const vxa_ctx *c)
{
    if (c->p->cpuid_known & VXA_CPUID_FRED) return (c->p->cpuid & VXA_CPUID_FRED) != 0;
    if (has_msr(c, VXA_MSR_CR4_FIXED1)) return (msr(c, VXA_MSR_CR4_FIXED1) & VXA_CR4_FRED) != 0;
    return -1;
}

/* The context a rule on the event-injection fields read besides its own field: the
 * interruption-information field, and what made the rule apply. */
enum {
    CTX_INFO = 1u << 0,     /* VM_ENTRY_INTR_INFO_FIELD */
    CTX_UG = 1u << 1,       /* SECONDARY_VM_EXEC_CONTROL and GUEST_CR0 ("unrestricted guest") */
    CTX_FRED = 1u << 2,     /* VM_ENTRY_CONTROLS and GUEST_CR4 (IA-32e mode guest, CR4.FRED) */
};

/* Records a violation of `id` on field f (offending bits, optional fix) with its context. */
static void event_fail(vxa_ctx *c, vxa_check id, vxa_field f, uint64_t bits, bool has_fix,
                       uint64_t fix, unsigned ctx)
{
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, f, vxa_fv(c, f));
    v->bits = bits;
    if ((ctx & CTX_INFO) && f != VXA_F_VM_ENTRY_INTR_INFO_FIELD)
        vxa_vfield(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, FV(c, VM_ENTRY_INTR_INFO_FIELD));
    if (ctx & CTX_UG) {
        vxa_vfield(v, VXA_F_SECONDARY_VM_EXEC_CONTROL, FV(c, SECONDARY_VM_EXEC_CONTROL));
        vxa_vfield(v, VXA_F_GUEST_CR0, FV(c, GUEST_CR0));
    }
    if (ctx & CTX_FRED) {
        vxa_vfield(v, VXA_F_VM_ENTRY_CONTROLS, FV(c, VM_ENTRY_CONTROLS));
        vxa_vfield(v, VXA_F_GUEST_CR4, FV(c, GUEST_CR4));
    }
    if (has_fix) vxa_vfix(v, f, fix);
}

/* A rule whose verdict may be unknown (-1: undetermined for `why`/`aux`), 1 violated, 0 passes. */
static void event_rule(vxa_ctx *c, vxa_check id, int verdict, vxa_undet_reason why, uint64_t aux,
                       vxa_field f, uint64_t bits, bool has_fix, uint64_t fix, unsigned ctx)
{
    if (verdict < 0) vxa_undet(c, id, why, aux);
    else if (verdict) event_fail(c, id, f, bits, has_fix, fix, ctx);
}

#define INFO VXA_F_VM_ENTRY_INTR_INFO_FIELD
#define NO_UNDET VXA_UR_MODEL_SPECIFIC, 0   /* placeholder for rules that are always decided */

static void check_event_injection(vxa_ctx *c)
{
    uint64_t info = FV(c, VM_ENTRY_INTR_INFO_FIELD);
    uint64_t errcode = FV(c, VM_ENTRY_EXCEPTION_ERROR_CODE);
    uint64_t len = FV(c, VM_ENTRY_INSTRUCTION_LEN);
    unsigned type = (unsigned)(info >> VXA_INTR_INFO_TYPE_SHIFT) & 7u;
    unsigned vec = (unsigned)(info & VXA_INTR_INFO_VECTOR);
    bool deliver = (info & VXA_INTR_INFO_DELIVER_ERRCODE) != 0;
    /* A profile without IA32_VMX_BASIC reads as BASIC = 0 (design 3.2). */
    uint64_t basic = has_msr(c, VXA_MSR_BASIC) ? msr(c, VXA_MSR_BASIC) : 0;
    bool no_errcode_check = (basic & VXA_BASIC_NO_ERRCODE_CHECK) != 0;
    bool nested_ok = (basic & VXA_BASIC_NESTED_EXCEPTION) != 0;
    /* The guest will use FRED event delivery: IA-32e mode guest and CR4.FRED = 1 in the CR4
     * field, on a processor that supports FRED (-1: support unknown). */
    bool fred_guest = entry(c, VXA_ENTRY_IA32E_MODE_GUEST) && (FV(c, GUEST_CR4) & VXA_CR4_FRED);
    int fred = fred_guest ? cpu_has_fred(c) : 0;
    unsigned fred_ctx = fred_guest ? CTX_FRED : 0;
    uint32_t unknown = 0;
    /* Bochs 2.7 (VXA_Q_NO_OTHER_EVENT_CHECKS, VXA_Q_ERRCODE_UNCHECKED_WITH_CET): on CPU models
     * without CET it omits the type-7 checks; on models with CET it has them and omits the
     * deliver-error-code rules instead (observed on corei7_skylake_x and tigerlake). */
    const bool cet = vxa_cpuid(c, VXA_CPUID_CET_SS) > 0 || vxa_cpuid(c, VXA_CPUID_CET_IBT) > 0;
    const bool no_other = quirk(c, VXA_Q_NO_OTHER_EVENT_CHECKS) && !cet;

    if (!(info & VXA_INTR_INFO_VALID)) return;

    /* The interruption type is not reserved: 1 always; 7 (other event) on processors that do not
     * support the 1-setting of the "monitor trap flag" VM-execution control. */
    if (type == VXA_INTR_TYPE_RESERVED) {
        event_fail(c, VXA_C_CTRL_EVENT_TYPE_RESERVED, INFO, INTR_INFO_TYPE, false, 0, 0);
    } else if (type == VXA_INTR_TYPE_OTHER && !no_other) {
        uint64_t m1, a1;
        unsigned missing;
        if (!vxa_allowed(c->p, VXA_WORD_PROC, &m1, &a1, &missing))
            vxa_undet(c, VXA_C_CTRL_EVENT_TYPE_RESERVED, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(missing));
        else if (!(a1 & BIT(VXA_PROC_MONITOR_TRAP_FLAG)))
            event_fail(c, VXA_C_CTRL_EVENT_TYPE_RESERVED, INFO, INTR_INFO_TYPE, false, 0, 0);
    }

    /* The vector is consistent with the interruption type: NMI 2; hardware exception at most 31;
     * other event 0 (pending MTF VM exit), with FRED also 1 (SYSCALL) and 2 (SYSENTER). */
    event_rule(c, VXA_C_CTRL_EVENT_NMI_VECTOR, type == VXA_INTR_TYPE_NMI && vec != 2, NO_UNDET, INFO,
               VXA_INTR_INFO_VECTOR, true, (info & ~VXA_INTR_INFO_VECTOR) | 2u, 0);
    event_rule(c, VXA_C_CTRL_EVENT_HW_EXCEPTION_VECTOR, type == VXA_INTR_TYPE_HW_EXCEPTION && vec > 31,
               NO_UNDET, INFO, VXA_INTR_INFO_VECTOR, false, 0, 0);
    if (type == VXA_INTR_TYPE_OTHER && vec != 0 && !no_other)
        event_rule(c, VXA_C_CTRL_EVENT_OTHER_VECTOR, vec > 2 ? 1 : fred < 0 ? -1 : !fred,
                   VXA_UR_CPUID_UNKNOWN, VXA_CPUID_FRED, INFO, VXA_INTR_INFO_VECTOR, true,
                   info & ~VXA_INTR_INFO_VECTOR, fred_ctx);

    /* Deliver-error-code (bit 11): 1 if and only if (1) "unrestricted guest" is 0 or CR0.PE is
     * 1 in the guest CR0 field, (2) the type is hardware exception and (3) the vector normally
     * delivers an error code.  If IA32_VMX_BASIC[56] is read as 1, (3) is not checked: a hardware
     * exception may be injected with or without an error code, regardless of vector (A.1). */
    bool ug = proc2(c, VXA_PROC2_UNRESTRICTED_GUEST);
    bool prot = !ug || (FV(c, GUEST_CR0) & VXA_CR0_PE);
    bool hw = type == VXA_INTR_TYPE_HW_EXCEPTION;
    int ec = hw ? vector_has_errcode(c, vec, &unknown) : 0;
    unsigned ug_ctx = ug ? CTX_UG : 0;
    /* Model-only (VXA_Q_ERRCODE_UNCHECKED_WITH_CET): Bochs skips both rules on CET models. */
    bool skip = quirk(c, VXA_Q_ERRCODE_UNCHECKED_WITH_CET) && cet;
    if (deliver && !skip)
        event_rule(c, VXA_C_CTRL_EVENT_ERRCODE_UNEXPECTED,
                   !(prot && hw) ? 1 : no_errcode_check ? 0 : ec < 0 ? -1 : !ec,
                   VXA_UR_CPUID_UNKNOWN, unknown, INFO, VXA_INTR_INFO_DELIVER_ERRCODE, true,
                   info & ~VXA_INTR_INFO_DELIVER_ERRCODE, ug_ctx);
    else if (!deliver && prot && hw && !no_errcode_check && !skip)
        event_rule(c, VXA_C_CTRL_EVENT_ERRCODE_MISSING, ec, VXA_UR_CPUID_UNKNOWN, unknown, INFO,
                   VXA_INTR_INFO_DELIVER_ERRCODE, true, info | VXA_INTR_INFO_DELIVER_ERRCODE, ug_ctx);

    /* Reserved bits 30:12 are 0; bit 13 (nested exception) is not reserved on processors that
     * enumerate it in IA32_VMX_BASIC[58] (FRED), and then only a hardware exception may set it. */
    uint64_t rsvd = INTR_INFO_RESERVED & ~(nested_ok ? VXA_INTR_INFO_FRED_NESTED : 0);
    event_rule(c, VXA_C_CTRL_EVENT_INFO_RESERVED, (info & rsvd) != 0, NO_UNDET, INFO, info & rsvd,
               true, info & ~rsvd, 0);
    event_rule(c, VXA_C_CTRL_EVENT_NESTED_EXCEPTION_TYPE,
               nested_ok && (info & VXA_INTR_INFO_FRED_NESTED) && !hw, NO_UNDET, INFO,
               VXA_INTR_INFO_FRED_NESTED, true, info & ~VXA_INTR_INFO_FRED_NESTED, 0);

    /* If deliver-error-code is 1, bits 31:16 of the VM-entry exception error code are 0. */
    event_rule(c, VXA_C_CTRL_EVENT_ERRCODE_RESERVED, deliver && (errcode & 0xffff0000u), NO_UNDET,
               VXA_F_VM_ENTRY_EXCEPTION_ERROR_CODE, errcode & 0xffff0000u, true, errcode & 0xffffu,
               CTX_INFO);

    /* Software interrupt, privileged software exception, software exception: the instruction
     * length is in the range 0-15; 0 only if IA32_VMX_MISC[30] is read as 1. */
    if (type == VXA_INTR_TYPE_SW_INTR || type == VXA_INTR_TYPE_PRIV_SW_EXCEPTION ||
        type == VXA_INTR_TYPE_SW_EXCEPTION) {
        int bad = len > 15 ? 1 : len != 0 ? 0 : !has_msr(c, VXA_MSR_MISC) ? -1
                : !(msr(c, VXA_MSR_MISC) & VXA_MISC_ZERO_LEN_INJECTION);
        event_rule(c, VXA_C_CTRL_EVENT_INSTR_LEN, bad, VXA_UR_MSR_MISSING,
                   VXA_MSR_INDEX(VXA_MSR_MISC), VXA_F_VM_ENTRY_INSTRUCTION_LEN, 0, true,
                   len == 0 ? 1u : 15u, CTX_INFO);
    }
    /* FRED: other event with vector 1 (SYSCALL) or 2 (SYSENTER) is delivered as if that
     * instruction (of this length) had executed; the length is at most 15. */
    if (type == VXA_INTR_TYPE_OTHER && (vec == 1 || vec == 2) && len > 15 &&
        !no_other)
        event_rule(c, VXA_C_CTRL_EVENT_FRED_INSTR_LEN, fred, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_FRED,
                   VXA_F_VM_ENTRY_INSTRUCTION_LEN, 0, true, 15u, CTX_INFO | fred_ctx);
}

#undef INFO
#undef NO_UNDET

void vxa_checks_entry_controls(vxa_ctx *c)
{
    /* Reserved bits in the VM-entry controls must be set properly (A.5). */
    vxa_rule_allowed(c, VXA_C_CTRL_ENTRY_ALLOWED0, VXA_C_CTRL_ENTRY_ALLOWED1, VXA_WORD_ENTRY,
                     VXA_F_VM_ENTRY_CONTROLS, c->entry);
    /* Fields relevant to VM-entry event injection must be set properly. */
    check_event_injection(c);
    /* VM-entry MSR-load area (same rules as the VM-exit areas of 27.2.1.2). */
    vxa_ctrl_msr_area(c, VXA_C_CTRL_ENTRY_MSR_LOAD_ALIGN, VXA_C_CTRL_ENTRY_MSR_LOAD_WIDTH,
                      VXA_C_CTRL_ENTRY_MSR_LOAD_END, VXA_F_VM_ENTRY_MSR_LOAD_ADDR,
                      VXA_F_VM_ENTRY_MSR_LOAD_COUNT);
    /* If the processor is not in SMM, "entry to SMM" and "deactivate dual-monitor treatment"
     * must be 0; the two cannot both be 1. */
    uint64_t smm_bits = BIT(VXA_ENTRY_TO_SMM) | BIT(VXA_ENTRY_DEACT_DUAL_MONITOR);
    uint64_t outside = quirk(c, VXA_Q_ENTRY_TO_SMM_NOT_CHECKED) ? BIT(VXA_ENTRY_DEACT_DUAL_MONITOR) : smm_bits;
    RULE(c, CTRL_ENTRY_SMM_OUTSIDE_SMM, !c->e->smm && (c->entry & outside), VM_ENTRY_CONTROLS,
         c->entry & outside, c->entry & ~outside);
    RULE(c, CTRL_ENTRY_SMM_AND_DEACTIVATE, (c->entry & smm_bits) == smm_bits, VM_ENTRY_CONTROLS,
         smm_bits, c->entry & ~BIT(VXA_ENTRY_DEACT_DUAL_MONITOR));
}
