/* entry.S — the payload's two entry points, both ending in vxa_main():
 *   _start (VXA_PAYLOAD_BASE): flat 32-bit protected mode (boot.S, Bochs); enters IA-32e mode as
 *     in SDM Vol. 3A 10.8.5 (CR4.PAE, CR3 = PML4, IA32_EFER.LME, CR0.PG, far jump to a 64-bit
 *     code segment) and continues at vxa_entry64;
 *   vxa_entry64 (VXA_PAYLOAD_ENTRY64): 64-bit mode at CPL 0 under any identity map and GDT (a KVM
 *     host starts here; contract in payload_abi.h).  It zeroes .bss (but the page tables, which
 *     may be the ones in use), rewrites the page tables, loads CR3, GDT, segments and stack.
 * The first 4 GiB are identity-mapped with 2 MiB pages.
 */
#include "payload_abi.h"

    .section .text.entry, "ax"
    .code32
    .globl _start
_start:
    jmp     start32
    .org    VXA_PAYLOAD_ENTRY64 - VXA_PAYLOAD_BASE, 0xcc
    .code64
    .globl vxa_entry64
vxa_entry64:                            /* RDI: a boot block (payload_abi.h) or 0 */
    cli
    cld
    movq    %rdi, %rbx                  /* kept until vxa_main */
    movl    $__bss_zero, %edi           /* .bss after the page tables */
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    shrl    $3, %ecx
    xorl    %eax, %eax
    rep stosq
    movl    $vxa_pml4, %edi             /* PML4[0] -> PDPT, present + writable; the rest 0 */
    movl    $(vxa_pdpt + 3), %eax
    stosq
    xorl    %eax, %eax
    movl    $511, %ecx
    rep stosq
    movl    $vxa_pdpt, %edi             /* PDPT[0..3] -> the four page directories; the rest 0 */
    movl    $(vxa_pd + 3), %eax
    movl    $4, %ecx
1:  stosq
    addq    $0x1000, %rax
    loop    1b
    xorl    %eax, %eax
    movl    $508, %ecx
    rep stosq
    movl    $vxa_pd, %edi               /* PDEs: 2 MiB pages (PS), writable, present */
    movl    $0x83, %eax
    movl    $2048, %ecx
2:  stosq
    addq    $0x200000, %rax
    loop    2b
    movq    %cr0, %rax
    andq    $~0x60000000, %rax          /* caches on: clear CR0.CD, CR0.NW */
    orq     $0x20, %rax                 /* CR0.NE (VMX requires it) */
    movq    %rax, %cr0
    movl    $vxa_pml4, %eax
    movq    %rax, %cr3
    lgdt    vxa_gdt_ptr
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    movl    $vxa_stack_top, %esp
    pushq   $0x08                       /* CS = our 64-bit code segment */
    pushq   $3f
    lretq
3:  movq    %rbx, %rdi
    call    vxa_main
4:  cli
    hlt
    jmp     4b

    .code32
start32:
    cli
    cld
    movl    $__bss_start, %edi          /* zero .bss (page tables, stacks, VMX regions) */
    movl    $__bss_end, %ecx
    subl    %edi, %ecx
    shrl    $2, %ecx
    xorl    %eax, %eax
    rep stosl

    movl    $0x80000000, %eax           /* long mode (CPUID.80000001H:EDX.LM[29])? */
    cpuid
    cmpl    $0x80000001, %eax
    jb      no_long_mode
    movl    $0x80000001, %eax
    cpuid
    btl     $29, %edx
    jnc     no_long_mode

    movl    $(vxa_pdpt + 3), vxa_pml4   /* PML4[0] -> PDPT, present + writable */
    movl    $(vxa_pd + 3), %eax         /* PDPT[0..3] -> the four page directories */
    movl    $vxa_pdpt, %edi
    movl    $4, %ecx
1:  movl    %eax, (%edi)
    addl    $0x1000, %eax
    addl    $8, %edi
    loop    1b
    movl    $0x83, %eax                 /* PDEs: 2 MiB pages (PS), writable, present */
    movl    $vxa_pd, %edi
    movl    $2048, %ecx
2:  movl    %eax, (%edi)
    addl    $0x200000, %eax
    addl    $8, %edi
    loop    2b

    movl    %cr4, %eax
    orl     $0x20, %eax                 /* CR4.PAE */
    movl    %eax, %cr4
    movl    $vxa_pml4, %eax
    movl    %eax, %cr3
    movl    $0xc0000080, %ecx           /* IA32_EFER.LME */
    rdmsr
    orl     $0x100, %eax
    wrmsr
    movl    %cr0, %eax
    andl    $0x9fffffff, %eax           /* caches on: clear CR0.CD, CR0.NW */
    orl     $0x80000020, %eax           /* CR0.PG, CR0.NE (VMX requires NE) */
    movl    %eax, %cr0
    lgdt    vxa_gdt_ptr
    ljmp    $0x08, $entry64_noboot

no_long_mode:                           /* report as the 64-bit runner would, then stop */
    movl    $nolm_msg, %esi
    movl    $nolm_len, %ecx
    movw    $VXA_E9_PORT, %dx
    rep outsb
    movl    $shutdown_msg, %esi
    movl    $8, %ecx
    movw    $0x8900, %dx
    rep outsb
4:  hlt
    jmp     4b

    .code64
entry64_noboot:                         /* from start32: no boot block (RDI's upper half is */
    xorl    %edi, %edi                  /* undefined after 32-bit code, SDM Vol. 1 3.4.1.1) */
    jmp     vxa_entry64

/* void vxa_boot_return(struct vxa_boot *b): back to the host that entered vxa_entry64 with a
 * boot block, VMX off: its CR3 first (it identity-maps this code and stack, as UEFI maps all
 * memory), then CR4, CR0, GDTR, IDTR, data segments, TR (its descriptor made available again:
 * LTR needs that, SDM Vol. 3A 9.2.4) and CS:RIP with RSP. */
    .globl vxa_boot_return
vxa_boot_return:
    cli
    movq    VXA_BOOT_HOST_CR3(%rdi), %rax
    movq    %rax, %cr3
    movq    VXA_BOOT_HOST_CR4(%rdi), %rax
    movq    %rax, %cr4
    movq    VXA_BOOT_HOST_CR0(%rdi), %rax
    movq    %rax, %cr0
    lgdt    VXA_BOOT_HOST_GDTR(%rdi)
    lidt    VXA_BOOT_HOST_IDTR(%rdi)
    movw    VXA_BOOT_HOST_DS(%rdi), %ds
    movw    VXA_BOOT_HOST_ES(%rdi), %es
    movw    VXA_BOOT_HOST_FS(%rdi), %fs
    movw    VXA_BOOT_HOST_GS(%rdi), %gs
    movw    VXA_BOOT_HOST_SS(%rdi), %ss
    movzwl  VXA_BOOT_HOST_TR(%rdi), %eax
    testl   %eax, %eax
    jz      1f
    movq    VXA_BOOT_HOST_GDTR+2(%rdi), %rdx
    movl    %eax, %ecx
    andl    $~7, %ecx
    andb    $0xfd, 5(%rdx,%rcx)         /* busy -> available */
    ltr     %ax
1:  movq    VXA_BOOT_HOST_RSP(%rdi), %rsp
    movzwl  VXA_BOOT_HOST_CS(%rdi), %eax
    pushq   %rax
    pushq   VXA_BOOT_HOST_RIP(%rdi)
    lretq

    .section .rodata
nolm_msg:
    .ascii  "@H vmxon fail no-long-mode\n@E done\n"
    .set    nolm_len, . - nolm_msg
shutdown_msg:
    .ascii  "Shutdown"

    .section .data
    .p2align 4
    .globl vxa_gdt, vxa_gdt_ptr
vxa_gdt:
    .quad   0
    .quad   0x00af9b000000ffff          /* 0x08: 64-bit code (L=1), DPL 0 */
    .quad   0x00cf93000000ffff          /* 0x10: flat data */
    .quad   0x00cf9b000000ffff          /* 0x18: flat 32-bit code */
    .quad   0, 0                        /* 0x20: 64-bit TSS, filled by cpu.c */
    /* 0x30..0x58: 64-bit code and stack segments of DPL 1, 2, 3 (ring.S: the instruction at
     * CPL > 0) */
    .quad   0x00afbb000000ffff          /* 0x30: 64-bit code, DPL 1 */
    .quad   0x00cfb3000000ffff          /* 0x38: data, DPL 1 */
    .quad   0x00afdb000000ffff          /* 0x40: 64-bit code, DPL 2 */
    .quad   0x00cfd3000000ffff          /* 0x48: data, DPL 2 */
    .quad   0x00affb000000ffff          /* 0x50: 64-bit code, DPL 3 */
    .quad   0x00cff3000000ffff          /* 0x58: data, DPL 3 */
vxa_gdt_end:
    .p2align 4
vxa_gdt_ptr:
    .word   vxa_gdt_end - vxa_gdt - 1
    .quad   vxa_gdt

    .section .bss.pagetables, "aw", @nobits    /* first in .bss: payload.ld */
    .p2align 12
    .globl vxa_pml4, vxa_pdpt, vxa_pd
vxa_pml4:   .skip 4096
vxa_pdpt:   .skip 4096
vxa_pd:     .skip 4 * 4096

    .section .bss
    .p2align 4
vxa_stack:  .skip 65536
    .globl vxa_stack_top
vxa_stack_top:

    .section .note.GNU-stack, "", @progbits
