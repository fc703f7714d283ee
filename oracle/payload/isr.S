/* isr.S — exception entry stubs, the common handler frame, MSR accesses that survive #GP,
 * a setjmp/longjmp pair, and the reload of the payload's own host context.
 *
 * All 256 IDT gates use IST1 (SDM Vol. 3A 7.14.5), so a fault on a broken stack (e.g. after a
 * VM exit with a case's HOST_RSP) still reaches vxa_isr() instead of becoming a triple fault.
 */
    .code64
    .text

/* vectors that push an error code (SDM Vol. 3A Table 7-1) */
    .macro STUB n
    .p2align 4
    .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq   $0
    .endif
    pushq   $\n
    jmp     isr_common
    .endm

    .altmacro
    .p2align 4
    .globl vxa_isr_stubs
vxa_isr_stubs:
    .set    vec, 0
    .rept   256
    STUB    %vec
    .set    vec, vec + 1
    .endr
    .noaltmacro

isr_common:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    cld
    movq    %rsp, %rdi                  /* struct vxa_frame * */
    call    vxa_isr
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp                   /* vector, error code */
    iretq

/* int vxa_rdmsr_safe(uint32_t msr, uint64_t *value): 0, or 1 + the vector RDMSR raised. */
    .globl vxa_rdmsr_safe
vxa_rdmsr_safe:
    leaq    1f(%rip), %rax
    movq    %rax, vxa_catch_rip(%rip)
    movl    %edi, %ecx
    rdmsr
    movq    $0, vxa_catch_rip(%rip)
    shlq    $32, %rdx
    orq     %rdx, %rax
    movq    %rax, (%rsi)
    xorl    %eax, %eax
    ret
1:  movl    vxa_caught_vector(%rip), %eax
    incl    %eax
    ret

/* int vxa_wrmsr_safe(uint32_t msr, uint64_t value): 0, or 1 + the vector WRMSR raised. */
    .globl vxa_wrmsr_safe
vxa_wrmsr_safe:
    leaq    1f(%rip), %rax
    movq    %rax, vxa_catch_rip(%rip)
    movl    %edi, %ecx
    movl    %esi, %eax
    movq    %rsi, %rdx
    shrq    $32, %rdx
    wrmsr
    movq    $0, vxa_catch_rip(%rip)
    xorl    %eax, %eax
    ret
1:  movl    vxa_caught_vector(%rip), %eax
    incl    %eax
    ret

/* int vxa_setjmp(struct vxa_jmp *j) / void vxa_longjmp(struct vxa_jmp *j, int v) */
    .globl vxa_setjmp, vxa_longjmp
vxa_setjmp:
    movq    %rbx, 0(%rdi)
    movq    %rbp, 8(%rdi)
    movq    %r12, 16(%rdi)
    movq    %r13, 24(%rdi)
    movq    %r14, 32(%rdi)
    movq    %r15, 40(%rdi)
    leaq    8(%rsp), %rax
    movq    %rax, 48(%rdi)
    movq    (%rsp), %rax
    movq    %rax, 56(%rdi)
    xorl    %eax, %eax
    ret
vxa_longjmp:
    movq    0(%rdi), %rbx
    movq    8(%rdi), %rbp
    movq    16(%rdi), %r12
    movq    24(%rdi), %r13
    movq    32(%rdi), %r14
    movq    40(%rdi), %r15
    movq    48(%rdi), %rsp
    movl    %esi, %eax
    jmp     *56(%rdi)

/* void vxa_host_reload(void): put back the payload's own processor context after a VM exit or a
 * fault: a VM exit loads host state from the VMCS (SDM 28.5), which a case may have changed,
 * and leaves GDTR/IDTR limits at 0xffff and TR's descriptor busy.  Clobbers rax, rcx, rdx. */
    .globl vxa_host_reload
vxa_host_reload:
    movq    vxa_host_cr0(%rip), %rax
    movq    %rax, %cr0
    movq    vxa_host_cr4(%rip), %rax
    movq    %rax, %cr4
    movq    vxa_host_cr3(%rip), %rax
    movq    %rax, %cr3
    lgdt    vxa_gdt_ptr(%rip)
    lidt    vxa_idt_ptr(%rip)
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    popq    %rdx                        /* reload CS with a far return to our caller */
    pushq   $0x08
    pushq   %rdx
    movl    $0xc0000080, %ecx           /* IA32_EFER */
    movl    vxa_host_efer(%rip), %eax
    movl    vxa_host_efer+4(%rip), %edx
    wrmsr
    movl    $0x277, %ecx                /* IA32_PAT */
    movl    vxa_host_pat(%rip), %eax
    movl    vxa_host_pat+4(%rip), %edx
    wrmsr
    movl    $0xc0000100, %ecx           /* IA32_FS_BASE, IA32_GS_BASE */
    xorl    %eax, %eax
    xorl    %edx, %edx
    wrmsr
    incl    %ecx
    wrmsr
    andb    $0xfd, vxa_gdt+0x20+5(%rip) /* TSS descriptor: busy -> available, then LTR */
    movl    $0x20, %eax
    ltr     %ax
    lretq

    .section .note.GNU-stack, "", @progbits
