/* host32.S — VMLAUNCH/VMRESUME from a host outside IA-32e mode (protected mode with paging).
 *
 * int vxa_host32_enter(struct host32_block *b) (host32.h), called in 64-bit mode outside VMX
 * operation with the case's VMCS written back to memory (VMCLEAR):
 *   leave IA-32e mode (SDM Vol. 3A 10.8.5.4): compatibility mode (the flat 32-bit code segment
 *   0x18), CR0.PG = 0 (IA32_EFER.LMA = 0), IA32_EFER.LME = 0, the block's CR4 and CR3, CR0.PG = 1:
 *   32-bit or PAE paging, identity-mapped (host32.c);
 *   VMXON with the block's region (VMX operation needs CR0.PG = 1, SDM 24.8), VMPTRLD of the
 *   case's VMCS unless the block says "no current VMCS", VMLAUNCH or VMRESUME (after MOV SS where
 *   asked);
 *   status: 0 a VM exit (to vxa_host32_landing, the HOST_RIP host32.c fills), 1 VMfailInvalid,
 *   2 VMfailValid, 3 neither flag, 4 VMXON failed, 5 VMPTRLD failed (SDM 31.2 conventions);
 *   VMCLEAR (the exit's fields back to memory, SDM 25.11.3), VMXOFF, and back to 64-bit mode
 *   (SDM Vol. 3A 10.8.5: CR4.PAE, CR3 = the payload's PML4, IA32_EFER.LME, CR0.PG, a far jump to
 *   the 64-bit code segment 0x08); vxa_host_reload puts back the rest (GDTR/IDTR limits, TR,
 *   EFER, PAT, segments).
 * No exception may occur in 32-bit code: the IDT is the 64-bit one (a fault there is a triple
 * fault, which the oracle sees as a crash).  The guest starts with the 32-bit GPRs zero.
 */
    .set H32_VMXON, 0                   /* struct host32_block offsets (host32.h) */
    .set H32_VMCS, 8
    .set H32_CR3, 16
    .set H32_CR4, 20
    .set H32_HOW, 24
    .set H32_STATUS, 28

    .code64
    .text
    .globl vxa_host32_enter, vxa_host32_end, vxa_host32_landing
vxa_host32_enter:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, h32_rsp(%rip)
    movl    %edi, h32_block(%rip)       /* the block is below 4 GiB (.bss) */
    pushq   $0x18                       /* compatibility mode: CS.L = 0 */
    leaq    1f(%rip), %rax
    pushq   %rax
    lretq
    .code32
1:  movl    h32_block, %ebx
    movl    %cr0, %eax
    andl    $0x7fffffff, %eax           /* CR0.PG = 0: IA32_EFER.LMA = 0, protected mode */
    movl    %eax, %cr0
    movl    $0xc0000080, %ecx
    rdmsr
    andl    $~0x100, %eax               /* IA32_EFER.LME = 0 */
    wrmsr
    movl    H32_CR4(%ebx), %eax         /* the 32-bit host's CR4 (PAE or not), then CR3 */
    movl    %eax, %cr4
    movl    H32_CR3(%ebx), %eax
    movl    %eax, %cr3
    movl    %cr0, %eax
    orl     $0x80000000, %eax           /* CR0.PG = 1 (PAE: the PDPTEs load from CR3) */
    movl    %eax, %cr0
    vmxon   H32_VMXON(%ebx)
    movl    $4, %eax
    jbe     .Lback                      /* CF or ZF: VMXON failed */
    testl   $4, H32_HOW(%ebx)
    jnz     2f                          /* no current VMCS */
    vmptrld H32_VMCS(%ebx)
    movl    $5, %eax
    jbe     .Loff
2:  movl    %esp, h32_esp
    movl    H32_HOW(%ebx), %edx
    xorl    %eax, %eax
    xorl    %ebx, %ebx
    xorl    %ecx, %ecx
    xorl    %esi, %esi
    xorl    %edi, %edi
    xorl    %ebp, %ebp
    testl   $2, %edx
    jnz     .Lmovss
    testl   $1, %edx
    jnz     .Lresume
    xorl    %edx, %edx
    vmlaunch
    jmp     .Lfail
.Lresume:
    xorl    %edx, %edx
    vmresume
    jmp     .Lfail
.Lmovss:
    testl   $1, %edx
    jnz     .Lmovss_resume
    xorl    %edx, %edx
    movw    %ss, %ax                    /* blocking by MOV SS (SDM 27.1) */
    movw    %ax, %ss
    vmlaunch
    jmp     .Lfail
.Lmovss_resume:
    xorl    %edx, %edx
    movw    %ss, %ax
    movw    %ax, %ss
    vmresume
.Lfail:
    pushfl
    popl    %ecx
    movl    $1, %eax
    testl   $1, %ecx                    /* CF: VMfailInvalid */
    jnz     .Ldone
    movl    $2, %eax
    testl   $0x40, %ecx                 /* ZF: VMfailValid */
    jnz     .Ldone
    movl    $3, %eax
    jmp     .Ldone

/* HOST_RIP of a 32-bit host: the VM exit loaded CS (32-bit, SDM 28.5.2), SS, CR0/CR3/CR4 and
 * IA32_EFER.LMA = LME = 0 from the host-state area; DS and ES may be any selector the case gave. */
vxa_host32_landing:
    movl    %ss, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    h32_esp, %esp
    xorl    %eax, %eax
.Ldone:
    movl    h32_block, %ebx
    vmclear H32_VMCS(%ebx)              /* the VMCS's data to memory for the 64-bit runner */
.Loff:
    vmxoff
.Lback:
    movl    h32_block, %ebx
    movl    %eax, H32_STATUS(%ebx)
    movl    %cr0, %eax
    andl    $0x7fffffff, %eax           /* paging off, then IA-32e mode (SDM Vol. 3A 10.8.5) */
    movl    %eax, %cr0
    movl    %cr4, %eax
    orl     $0x20, %eax                 /* CR4.PAE */
    movl    %eax, %cr4
    movl    vxa_host_cr3, %eax          /* the payload's PML4, below 4 GiB */
    movl    %eax, %cr3
    movl    $0xc0000080, %ecx
    rdmsr
    orl     $0x100, %eax                /* IA32_EFER.LME */
    wrmsr
    movl    %cr0, %eax
    orl     $0x80000000, %eax           /* CR0.PG: IA32_EFER.LMA = 1 */
    movl    %eax, %cr0
    ljmp    $0x08, $3f
    .code64
3:  movq    h32_rsp(%rip), %rsp
    call    vxa_host_reload
    movl    h32_block(%rip), %edi
    movl    H32_STATUS(%rdi), %eax
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbp
    popq    %rbx
    ret
vxa_host32_end:

    .section .bss
    .p2align 3
h32_rsp:    .skip 8
h32_block:  .skip 4
h32_esp:    .skip 4

    .section .note.GNU-stack, "", @progbits
