/* ring.S — the instruction at CPL 1, 2 or 3 (payload_abi.h VXA_ENV_CPL_MASK; ring.c).
 *
 * int vxa_ring_try(unsigned how, const uint64_t *pa, unsigned cpl): IRETQ to the 64-bit code
 * segment of DPL cpl (entry.S: 0x30 + 0x10 * (cpl - 1), its stack segment 8 above) on the ring
 * stack, then how 0 VMLAUNCH, 1 VMRESUME, 2 VMXON [pa].  The SDM says #GP(0) for each at CPL > 0
 * (Vol. 2 VMLAUNCH/VMRESUME, VMXON "Operation"): a fault between vxa_ring_code and
 * vxa_ring_back is the instruction's.  Should one complete, its RFLAGS go to vxa_ring_rflags and
 * the UD2 at vxa_ring_back brings the CPU back to CPL 0 (ring.c tells that #UD apart).  Should
 * VMLAUNCH/VMRESUME enter a guest, its VM exit lands in vmenter.S (HOST_RIP) with the stack
 * saved here, and this returns 0 as vxa_vmenter does.
 */
    .code64
    .text
    .globl vxa_ring_try, vxa_ring_code, vxa_ring_back
vxa_ring_try:
    pushq   %rbx
    pushq   %rbp
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, vxa_vmenter_rsp(%rip) /* a VM exit returns through vmenter.S's epilogue */
    leal    -1(%rdx), %ecx
    shll    $4, %ecx
    leal    0x38(%rcx,%rdx), %r8d       /* SS: the data segment of DPL cpl, RPL cpl */
    leal    0x30(%rcx,%rdx), %r9d       /* CS: the 64-bit code segment of DPL cpl, RPL cpl */
    pushq   %r8
    leaq    vxa_ring_page+4096(%rip), %rax
    pushq   %rax                        /* RSP */
    pushfq                              /* RFLAGS: IF = 0, IOPL 0 */
    pushq   %r9
    leaq    vxa_ring_code(%rip), %rax
    pushq   %rax
    iretq
vxa_ring_code:
    cmpl    $1, %edi
    je      1f
    cmpl    $2, %edi
    je      2f
    vmlaunch
    jmp     3f
1:  vmresume
    jmp     3f
2:  vmxon   (%rsi)
3:  pushfq
    popq    %rax
    movq    %rax, vxa_ring_page(%rip)   /* vxa_ring_rflags */
vxa_ring_back:
    ud2

/* One page: the ring stack (down from its end) and, at its start, the RFLAGS the instruction
 * left.  Page-aligned so that ring.c can name the pages CPL 3 must reach. */
    .section .bss
    .p2align 12
    .globl vxa_ring_page
vxa_ring_page: .skip 4096

    .section .note.GNU-stack, "", @progbits
