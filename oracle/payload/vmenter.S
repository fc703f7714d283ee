/* vmenter.S — VMLAUNCH/VMRESUME and the VM-exit landing (the payload's HOST_RIP).
 *
 * int vxa_vmenter(unsigned how): how bit 0 = VMRESUME, bit 1 = execute right after MOV SS (blocking
 * by MOV SS, SDM 27.1).  Returns 0 after a VM exit, 1 on VMfailInvalid (CF=1), 2 on VMfailValid
 * (ZF=1), 3 if the instruction fell through with neither (SDM Vol. 3C 31.2 conventions).
 * The guest starts with all general-purpose registers zero (RAX = SS after MOV SS).
 */
    .code64
    .text

    .macro ZERO_GPRS
    xorl    %eax, %eax
    xorl    %ebx, %ebx
    xorl    %ecx, %ecx
    xorl    %edx, %edx
    xorl    %esi, %esi
    xorl    %ebp, %ebp
    xorl    %r8d, %r8d
    xorl    %r9d, %r9d
    xorl    %r10d, %r10d
    xorl    %r11d, %r11d
    xorl    %r12d, %r12d
    xorl    %r13d, %r13d
    xorl    %r14d, %r14d
    xorl    %r15d, %r15d
    .endm

    .globl vxa_vmenter, vxa_vmenter_end
vxa_vmenter:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, vxa_vmenter_rsp(%rip)
    testl   $2, %edi
    jnz     .Lmovss
    testl   $1, %edi
    jnz     .Lresume
    ZERO_GPRS
    xorl    %edi, %edi
    vmlaunch
    jmp     .Lfail
.Lresume:
    ZERO_GPRS
    xorl    %edi, %edi
    vmresume
    jmp     .Lfail
.Lmovss:
    testl   $1, %edi
    jnz     .Lmovss_resume
    ZERO_GPRS
    xorl    %edi, %edi
    movw    %ss, %ax
    movw    %ax, %ss
    vmlaunch
    jmp     .Lfail
.Lmovss_resume:
    ZERO_GPRS
    xorl    %edi, %edi
    movw    %ss, %ax
    movw    %ax, %ss
    vmresume
.Lfail:
    pushfq
    popq    %rcx
    movl    $1, %eax
    testl   $1, %ecx                    /* CF: VMfailInvalid */
    jnz     1f
    movl    $2, %eax
    testl   $0x40, %ecx                 /* ZF: VMfailValid */
    jnz     1f
    movl    $3, %eax
1:  movq    vxa_vmenter_rsp(%rip), %rsp
    jmp     .Lout
vxa_vmenter_end:

/* int vxa_vmxon_try(const uint64_t *pa): VMXON with the operand at pa; 0 VMsucceed,
 * 1 VMfailInvalid, 2 VMfailValid (SDM Vol. 3C 31.2).  A fault (#UD, #GP) in it is the VMXON's. */
    .globl vxa_vmxon_try, vxa_vmxon_try_end
vxa_vmxon_try:
    vmxon   (%rdi)
    pushfq
    popq    %rcx
    xorl    %eax, %eax
    testl   $1, %ecx                    /* CF: VMfailInvalid */
    jz      1f
    movl    $1, %eax
    ret
1:  testl   $0x40, %ecx                 /* ZF: VMfailValid */
    jz      2f
    movl    $2, %eax
2:  ret
vxa_vmxon_try_end:

/* int vxa_compat_try(unsigned how, const uint64_t *pa): the instruction in compatibility mode
 * (IA-32e mode with CS.L = 0: the flat 32-bit code segment 0x18), how 0 VMXON [pa], 1 VMLAUNCH,
 * 2 VMRESUME.  The SDM says #UD for each (Vol. 2 "VMXON", 27.1: a fault in it is the
 * instruction's); should one not fault, back to 64-bit mode with its status as vxa_vmxon_try's. */
    .globl vxa_compat_try, vxa_compat_try_end
vxa_compat_try:
    pushq   %rbx
    movl    %edi, %ebx
    pushq   $0x18
    leaq    1f(%rip), %rax
    pushq   %rax
    lretq
    .code32
1:  cmpl    $1, %ebx
    je      2f
    cmpl    $2, %ebx
    je      3f
    vmxon   (%esi)
    jmp     4f
2:  vmlaunch
    jmp     4f
3:  vmresume
4:  pushfl
    popl    %ecx
    ljmp    $0x08, $5f
    .code64
5:  xorl    %eax, %eax
    testl   $1, %ecx                    /* CF: VMfailInvalid */
    jz      6f
    movl    $1, %eax
    jmp     7f
6:  testl   $0x40, %ecx                 /* ZF: VMfailValid */
    jz      7f
    movl    $2, %eax
7:  popq    %rbx
    ret
vxa_compat_try_end:

    .globl vxa_vmexit_landing
vxa_vmexit_landing:
    movq    vxa_vmenter_rsp(%rip), %rsp
    call    vxa_host_reload
    xorl    %eax, %eax
.Lout:
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret

/* The harness guest (GUEST_RIP when a case leaves it unset): CPUID exits unconditionally
 * (SDM 26.1.2); should it ever resume, HLT and UD2 follow. */
    .globl vxa_guest_stub
vxa_guest_stub:
    cpuid
1:  hlt
    ud2
    jmp     1b

    .section .bss
    .p2align 3
    .globl vxa_vmenter_rsp
vxa_vmenter_rsp: .skip 8

    .section .note.GNU-stack, "", @progbits
