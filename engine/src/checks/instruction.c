/* instruction.c — SDM 27.1 "Basic VM-Entry Checks" and the Vol. 2 VMLAUNCH/VMRESUME operation.
 * These are performed in order before anything else; the first failure is the answer. */
#include "../internal.h"

void vxa_checks_instruction(vxa_ctx *c)
{
    const vxa_entry *e = c->e;
    bool resume = e->instruction == VXA_VMRESUME;

    if (!e->vmx_operation)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_UD_NOT_VMX_OPERATION, VXA_FAULT, 6);
    if (e->mode == VXA_MODE_REAL || e->mode == VXA_MODE_V86 || e->mode == VXA_MODE_COMPAT)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_UD_MODE, VXA_FAULT, 6);
    /* In VMX non-root operation the instruction exits (reason 20 VMLAUNCH / 24 VMRESUME). */
    if (e->vmx_non_root)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_NON_ROOT_EXIT, VXA_ENTRY_FAILURE, resume ? 24 : 20);
    if (e->cpl != 0)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_CPL, VXA_FAULT, 13);
    if (!e->current_vmcs)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_NO_CURRENT_VMCS, VXA_VMFAIL_INVALID, 0);
    /* "If there is a current VMCS but the current VMCS is a shadow VMCS (see Section 25.10),
     * RFLAGS.CF is set to 1" (27.1): the shadow-VMCS indicator is the header's bit 31 (25.2). */
    if (e->current_vmcs && e->current_vmcs_shadow && !quirk(c, VXA_Q_SHADOW_VMCS_LAUNCHED))
        vxa_fail_answer(c, VXA_C_VMLAUNCH_SHADOW_VMCS, VXA_VMFAIL_INVALID, 0);
    if (e->movss_blocking)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_MOVSS_BLOCKING, VXA_VMFAIL_VALID, 26);
    if (!resume && e->launched)
        vxa_fail_answer(c, VXA_C_VMLAUNCH_LAUNCH_STATE_NOT_CLEAR, VXA_VMFAIL_VALID, 4);
    if (resume && !e->launched)
        vxa_fail_answer(c, VXA_C_VMRESUME_LAUNCH_STATE_NOT_LAUNCHED, VXA_VMFAIL_VALID, 5);
}
