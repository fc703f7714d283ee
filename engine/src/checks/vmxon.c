/* vmxon.c — the VMXON preconditions: SDM Vol. 2 "VMXON—Enter VMX Operation" (operation
 * pseudo-code), Vol. 3C 24.7 "Enabling and Entering VMX Operation", 24.8 "Restrictions on VMX
 * Operation", 25.11.5 "VMXON Region".  Checked in the pseudo-code's order; each violation carries
 * the CPU's answer and the first one is what VMXON does.  The VMCS is irrelevant here. */
#include "../internal.h"

#define FEATURE_CONTROL_LOCK (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)
#define VMX_EXIT_VMXON 27u   /* basic exit reason: VMXON in VMX non-root operation */

/* CR0/CR4 against FIXED0/FIXED1 (24.8): #GP(0). */
static void fixed(vxa_ctx *c, vxa_check id0, vxa_check id1, uint64_t v, unsigned i0, unsigned i1)
{
    if (!has_msr(c, i0) || !has_msr(c, i1)) {
        unsigned miss = has_msr(c, i0) ? i1 : i0;
        vxa_undet(c, id0, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(miss));
        vxa_undet(c, id1, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(miss));
        return;
    }
    uint64_t f0 = msr(c, i0), f1 = msr(c, i1);
    if (f0 & ~v) {
        vxa_violation *x = vxa_fail_answer(c, id0, VXA_FAULT, 13);
        x->bits = f0 & ~v;
        vxa_vallowed(x, f0, f1);
    }
    if (v & ~f1) {
        vxa_violation *x = vxa_fail_answer(c, id1, VXA_FAULT, 13);
        x->bits = v & ~f1;
        vxa_vallowed(x, f0, f1);
    }
}

void vxa_checks_vmxon(vxa_ctx *c)
{
    const vxa_entry *e = c->e;

    /* #UD: real-address or virtual-8086 mode (CR0.PE = 0, RFLAGS.VM = 1), compatibility mode
     * (IA32_EFER.LMA = 1 and CS.L = 0), CR4.VMXE = 0. */
    if (e->mode == VXA_MODE_REAL || e->mode == VXA_MODE_V86 || e->mode == VXA_MODE_COMPAT)
        vxa_fail_answer(c, VXA_C_VMXON_UD_MODE, VXA_FAULT, 6);
    if (!(e->cr4 & VXA_CR4_VMXE)) vxa_fail_answer(c, VXA_C_VMXON_UD_CR4_VMXE, VXA_FAULT, 6);

    /* Already in VMX operation: non-root exits; root: CPL > 0 #GP(0), else VMfail(15), which
     * is VMfailInvalid without a current VMCS (Vol. 3C 31.2 "VMfail"; seen in Bochs 2.7). */
    if (e->vmx_operation) {
        if (e->vmx_non_root)
            vxa_fail_answer(c, VXA_C_VMXON_NON_ROOT_EXIT, VXA_ENTRY_FAILURE, VMX_EXIT_VMXON);
        else if (e->cpl != 0)
            vxa_fail_answer(c, VXA_C_VMXON_CPL, VXA_FAULT, 13);
        else if (!e->current_vmcs)
            vxa_fail_answer(c, VXA_C_VMXON_IN_VMX_ROOT, VXA_VMFAIL_INVALID, 0);
        else
            vxa_fail_answer(c, VXA_C_VMXON_IN_VMX_ROOT, VXA_VMFAIL_VALID, 15);
        return;
    }

    /* Outside VMX operation, #GP(0) if any of: CPL > 0; CR0/CR4 not supported in VMX operation;
     * IA32_FEATURE_CONTROL unlocked; VMX outside SMX disabled (the case is assumed outside SMX
     * operation and outside A20M mode). */
    if (e->cpl != 0) vxa_fail_answer(c, VXA_C_VMXON_CPL, VXA_FAULT, 13);
    fixed(c, VXA_C_VMXON_CR0_FIXED0, VXA_C_VMXON_CR0_FIXED1, e->cr0, VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1);
    fixed(c, VXA_C_VMXON_CR4_FIXED0, VXA_C_VMXON_CR4_FIXED1, e->cr4, VXA_MSR_CR4_FIXED0, VXA_MSR_CR4_FIXED1);
    if (!(e->feature_control & FEATURE_CONTROL_LOCK))
        vxa_fail_answer(c, VXA_C_VMXON_FEATURE_CONTROL_LOCK, VXA_FAULT, 13)->bits = FEATURE_CONTROL_LOCK;
    if (!(e->feature_control & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
        vxa_fail_answer(c, VXA_C_VMXON_FEATURE_CONTROL_VMX, VXA_FAULT, 13)->bits =
            FEATURE_CONTROL_VMX_OUTSIDE_SMX;

    /* The VMXON pointer: 4-KByte aligned and within the physical-address width (32 bits if
     * IA32_VMX_BASIC[48] = 1, A.1), else VMfailInvalid. */
    if (!e->has_vmxon_address) {
        vxa_undet(c, VXA_C_VMXON_PTR_ALIGN, VXA_UR_MEMORY, 0);
        vxa_undet(c, VXA_C_VMXON_PTR_WIDTH, VXA_UR_MEMORY, 0);
        vxa_undet(c, VXA_C_VMXON_REVISION, VXA_UR_MEMORY, 0);
        vxa_undet(c, VXA_C_VMXON_REVISION_BIT31, VXA_UR_MEMORY, 0);
        return;
    }
    uint64_t ptr = e->vmxon_address;
    bool ptr_ok = true;
    if (ptr & 0xfff) {
        vxa_fail_answer(c, VXA_C_VMXON_PTR_ALIGN, VXA_VMFAIL_INVALID, 0)->bits = ptr & 0xfff;
        ptr_ok = false;
    }
    if (!vxa_pa_ok(c, ptr)) {
        vxa_fail_answer(c, VXA_C_VMXON_PTR_WIDTH, VXA_VMFAIL_INVALID, 0)->bits = ptr & ~vxa_pa_mask(c);
        ptr_ok = false;
    }
    if (!ptr_ok) return;   /* the region is not read */

    /* The revision identifier: rev[30:0] = IA32_VMX_BASIC[30:0] and rev[31] = 0. */
    uint8_t b[4];
    if (vxa_read(c, ptr, b, 4)) {
        vxa_undet(c, VXA_C_VMXON_REVISION, VXA_UR_MEMORY, ptr);
        vxa_undet(c, VXA_C_VMXON_REVISION_BIT31, VXA_UR_MEMORY, ptr);
        return;
    }
    uint32_t rev = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    if (!has_msr(c, VXA_MSR_BASIC))
        vxa_undet(c, VXA_C_VMXON_REVISION, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(VXA_MSR_BASIC));
    else if ((rev & 0x7fffffffu) != (uint32_t)(msr(c, VXA_MSR_BASIC) & 0x7fffffffu))
        vxa_fail_answer(c, VXA_C_VMXON_REVISION, VXA_VMFAIL_INVALID, 0)->bits =
            (rev ^ msr(c, VXA_MSR_BASIC)) & 0x7fffffffu;
    if (rev & 0x80000000u)
        vxa_fail_answer(c, VXA_C_VMXON_REVISION_BIT31, VXA_VMFAIL_INVALID, 0)->bits = 0x80000000u;
}
