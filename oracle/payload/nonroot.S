/* nonroot.S — the guests of VMX non-root cases (nonroot.c): each executes one VMX instruction,
 * which in VMX non-root operation causes a VM exit unconditionally (SDM 26.1.2).  The guest
 * starts with its general-purpose registers zero (vmenter.S), so VMXON's memory operand (%rax)
 * has no displacement: the exit qualification is 0 (SDM 28.2.1).  Should one ever go on, HLT
 * and UD2 exit too (the payload's exception bitmap is all ones). */
    .code64
    .text
    .globl vxa_nonroot_vmlaunch, vxa_nonroot_vmresume, vxa_nonroot_vmxon
vxa_nonroot_vmlaunch:
    vmlaunch
    jmp     1f
vxa_nonroot_vmresume:
    vmresume
    jmp     1f
vxa_nonroot_vmxon:
    vmxon   (%rax)
1:  hlt
    ud2
    jmp     1b

    .section .note.GNU-stack, "", @progbits
