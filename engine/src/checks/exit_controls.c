/* exit_controls.c — SDM 27.2.1.2 Checks on VM-exit control fields. */
#include "../internal.h"

/* An MSR area (VM-exit MSR-store, VM-exit MSR-load, VM-entry MSR-load): "if the count field is
 * non-zero, the lower 4 bits of the address must be 0; the address should not set any bits beyond
 * the processor's physical-address width; the address of the last byte, address + count * 16 - 1,
 * should not set any bits beyond the physical-address width (the arithmetic uses more bits than
 * the physical-address width); if IA32_VMX_BASIC[48] is read as 1, neither address should set any
 * bits in the range 63:32" (27.2.1.2, 27.2.1.3).  vxa_pa_mask() is the width, BASIC[48]
 * included.  Shared with entry_controls.c (declared in internal.h). */
void vxa_ctrl_msr_area(vxa_ctx *c, vxa_check id_align, vxa_check id_width, vxa_check id_end,
                       vxa_field f_addr, vxa_field f_count)
{
    uint64_t a = vxa_fv(c, f_addr);
    uint32_t n = (uint32_t)vxa_fv(c, f_count);
    uint64_t mask = vxa_pa_mask(c);
    if (n == 0) return;
    uint64_t low = VXA_MUT_ALIGN(VXA_MB_ALIGN, 0xfull);   /* 16-byte aligned */
    vxa_rule(c, id_align, (a & low) != 0, f_addr, a & low, true, a & ~low);
    vxa_rule(c, id_width, (a & ~mask) != 0, f_addr, a & ~mask, true, a & mask);
    /* Last byte a + span without overflow: beyond the width iff a > mask or span > mask - a. */
    uint64_t span = (uint64_t)n * 16u - 1u;
    bool beyond = a > mask || span > mask - a;
    /* Model-only (VXA_Q_MSR_AREA_SPAN_32BIT): Bochs wraps count x 16 to 32 bits. */
    if (quirk(c, VXA_Q_MSR_AREA_SPAN_32BIT)) beyond = a + (uint32_t)(n * 16u) - 1u > mask;
    if (beyond) {
        vxa_violation *v = vxa_fail(c, id_end);
        vxa_vfield(v, f_addr, a);
        vxa_vfield(v, f_count, n);
        /* Fix: the highest address at which the whole area fits (16-byte aligned, since
         * mask + 1 and span + 1 are multiples of 16). */
        if (span <= mask) vxa_vfix(v, f_addr, mask - span);
    }
}

void vxa_checks_exit_controls(vxa_ctx *c)
{
    /* Reserved bits in the primary VM-exit controls must be set properly (A.4.1). */
    vxa_rule_allowed(c, VXA_C_CTRL_EXIT_ALLOWED0, VXA_C_CTRL_EXIT_ALLOWED1, VXA_WORD_EXIT,
                     VXA_F_VM_EXIT_CONTROLS, c->exit);
    /* If "activate secondary controls" is 1, reserved bits in the secondary VM-exit controls
     * must be cleared (A.4.2: IA32_VMX_EXIT_CTLS2, 64 allowed-1 bits; no allowed-0 bits). */
    if (exitc(c, VXA_EXIT_ACTIVATE_SECONDARY))
        /* VXA_Q_EXIT2_LOW_HALF_CHECKED: Bochs 3.0 checks only bits 31:0 of them. */
        vxa_rule_allowed(c, VXA_C_CTRL_EXIT2_RESERVED, VXA_C_CTRL_EXIT2_RESERVED, VXA_WORD_EXIT2,
                         VXA_F_SECONDARY_VM_EXIT_CONTROLS,
                         quirk(c, VXA_Q_EXIT2_LOW_HALF_CHECKED) ? (uint32_t)c->exit2 : c->exit2);
    /* "activate VMX-preemption timer" = 0 => "save VMX-preemption timer value" = 0. */
    if (!pin(c, VXA_PIN_PREEMPTION_TIMER) && exitc(c, VXA_EXIT_SAVE_PREEMPTION_TIMER)) {
        vxa_violation *v = vxa_fail(c, VXA_C_CTRL_EXIT_SAVE_PREEMPT_TIMER);
        vxa_vfield(v, VXA_F_VM_EXIT_CONTROLS, c->exit);
        vxa_vfield(v, VXA_F_PIN_BASED_VM_EXEC_CONTROL, c->pin);
        v->bits = BIT(VXA_EXIT_SAVE_PREEMPTION_TIMER);
        vxa_vfix(v, VXA_F_VM_EXIT_CONTROLS, c->exit & ~BIT(VXA_EXIT_SAVE_PREEMPTION_TIMER));
    }
    vxa_ctrl_msr_area(c, VXA_C_CTRL_EXIT_MSR_STORE_ALIGN, VXA_C_CTRL_EXIT_MSR_STORE_WIDTH,
                      VXA_C_CTRL_EXIT_MSR_STORE_END, VXA_F_VM_EXIT_MSR_STORE_ADDR,
                      VXA_F_VM_EXIT_MSR_STORE_COUNT);
    vxa_ctrl_msr_area(c, VXA_C_CTRL_EXIT_MSR_LOAD_ALIGN, VXA_C_CTRL_EXIT_MSR_LOAD_WIDTH,
                      VXA_C_CTRL_EXIT_MSR_LOAD_END, VXA_F_VM_EXIT_MSR_LOAD_ADDR,
                      VXA_F_VM_EXIT_MSR_LOAD_COUNT);
}
