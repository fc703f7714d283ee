/* enter.S — the loader's side of the boot block (payload_abi.h): save the firmware's context in
 * the block (host_tr is the loader's: the firmware's TR from before the first entry, since the
 * payload's TR stays loaded when the firmware had none), enter the payload's 64-bit entry with RDI = the block; vxa_boot_return (the
 * payload's entry.S) comes back to label 1 with the firmware's CR3, GDT, IDT, segments and RSP.
 *   void vxa_uefi_enter(struct vxa_boot *b, uint64_t entry64);   (System V ABI) */
#include "payload_abi.h"

    .text
    .globl vxa_uefi_enter
vxa_uefi_enter:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    pushfq
    cli
    movq    %rsp, VXA_BOOT_HOST_RSP(%rdi)
    leaq    1f(%rip), %rax
    movq    %rax, VXA_BOOT_HOST_RIP(%rdi)
    movq    %cr0, %rax
    movq    %rax, VXA_BOOT_HOST_CR0(%rdi)
    movq    %cr3, %rax
    movq    %rax, VXA_BOOT_HOST_CR3(%rdi)
    movq    %cr4, %rax
    movq    %rax, VXA_BOOT_HOST_CR4(%rdi)
    movw    %cs, VXA_BOOT_HOST_CS(%rdi)
    movw    %ss, VXA_BOOT_HOST_SS(%rdi)
    movw    %ds, VXA_BOOT_HOST_DS(%rdi)
    movw    %es, VXA_BOOT_HOST_ES(%rdi)
    movw    %fs, VXA_BOOT_HOST_FS(%rdi)
    movw    %gs, VXA_BOOT_HOST_GS(%rdi)
    sgdt    VXA_BOOT_HOST_GDTR(%rdi)
    sidt    VXA_BOOT_HOST_IDTR(%rdi)
    jmp     *%rsi
1:  popfq                               /* the firmware's RFLAGS.IF */
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret

    .section .note.GNU-stack, "", @progbits
