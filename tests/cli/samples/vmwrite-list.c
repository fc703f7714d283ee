/* vmwrite-list.c — a crafted sample of what a developer pastes from their own hypervisor: VMCS
 * writes in several spellings and literal styles, some values computed at run time. */
static void setup_vmcs(struct vcpu *v)
{
    vmwrite(GUEST_CR0, 0x80050033);
    __vmwrite(0x6802, 0x10a5e8000ULL);            // GUEST_CR3
    vmcs_write64(VMCS_LINK_POINTER, -1ull);
    __vmx_vmwrite(VMCS_GUEST_RIP, 0xffffffff81a00000ULL);
    vmcs_writel(GUEST_RFLAGS, BIT(1) | X86_EFLAGS_IF);
    vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, pin_controls(v));
    __vmwrite(GUEST_PDPTE(0), 0);
    vmwrite(VMCS_GUEST_FROB, 1);
    vmwrite(VMCS_CTRL_VMENTRY_CONTROLS, (1u << 9) | 0x11ff);
    u32 exec_control = vmx_exec_control(vmx);
}
Guest ES access rights: 0xc093
Guest CR4 = 0x3726e0
VM-exit controls = 0x2fefff
kGuestCr3 = 0x1000
