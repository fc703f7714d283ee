/* boot.S — the 16-bit boot stage: the floppy's boot sector.
 *
 * The BIOS loads it at 0x7c00 in real mode.  The host placed the payload image in RAM at
 * VXA_PAYLOAD_BASE (16 MiB, beyond real-mode reach) before power-on (Bochs optramimage), so this
 * sector only switches to flat 32-bit protected mode (SDM Vol. 3A 10.9.1) and jumps there.
 */
#include "payload_abi.h"

    .code16
    .section .text
    .globl _boot
_boot:
    cli
    xorw    %ax, %ax
    movw    %ax, %ds
    movw    %ax, %ss
    movw    $0x7c00, %sp
    inb     $0x92, %al              /* fast A20 gate: the payload lives above 1 MiB */
    orb     $2, %al
    andb    $0xfe, %al
    outb    %al, $0x92
    lgdtl   boot_gdtr
    movl    %cr0, %eax
    orl     $1, %eax                /* CR0.PE */
    movl    %eax, %cr0
    ljmpl   $0x08, $pm32

    .code32
pm32:
    movw    $0x10, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movw    %ax, %fs
    movw    %ax, %gs
    movl    $VXA_PAYLOAD_BASE, %eax
    jmp     *%eax

    .p2align 3
boot_gdt:
    .quad   0
    .quad   0x00cf9a000000ffff      /* 0x08: flat 32-bit code */
    .quad   0x00cf92000000ffff      /* 0x10: flat data */
boot_gdtr:
    .word   boot_gdtr - boot_gdt - 1
    .long   boot_gdt

    .org    510
    .byte   0x55, 0xaa

    .section .note.GNU-stack, "", @progbits
