/* entry.S — from flat 32-bit protected mode (boot.S) to 64-bit mode, then vxa_main().
 *
 * IA-32e mode activation as in SDM Vol. 3A 10.8.5: CR4.PAE, CR3 = PML4, IA32_EFER.LME, CR0.PG,
 * then a far jump to a 64-bit code segment.  The first 4 GiB are identity-mapped with 2 MiB pages.
 */
#include "payload_abi.h"

    .section .text.entry, "ax"
    .code32
    .globl _start
_start:
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
    ljmp    $0x08, $long64

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
long64:
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    leaq    vxa_stack_top(%rip), %rsp
    call    vxa_main
3:  cli
    hlt
    jmp     3b

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
vxa_gdt_end:
    .p2align 4
vxa_gdt_ptr:
    .word   vxa_gdt_end - vxa_gdt - 1
    .quad   vxa_gdt

    .section .bss
    .p2align 12
    .globl vxa_pml4, vxa_pdpt, vxa_pd
vxa_pml4:   .skip 4096
vxa_pdpt:   .skip 4096
vxa_pd:     .skip 4 * 4096
    .p2align 4
vxa_stack:  .skip 65536
    .globl vxa_stack_top
vxa_stack_top:

    .section .note.GNU-stack, "", @progbits
