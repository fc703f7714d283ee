/* payload_abi.h — the contract between the VMX probe payload (oracle/payload) and the host-side
 * drivers that run it (oracle/bochs, later oracle/kvm): the guest-physical memory map, the binary
 * case batch, and the report lines the payload writes to I/O port 0xE9.
 *
 * Freestanding: included by the payload (no libc) and by hosted code.  All integers little-endian.
 * oracle/bochs/README.md documents the formats for people.
 */
#ifndef VXA_PAYLOAD_ABI_H
#define VXA_PAYLOAD_ABI_H

/* Address constants stay unsuffixed: the payload's assembly includes them. */

/* ---- memory map (guest-physical; the payload identity-maps the first 4 GiB) ---------------- */

/* The case arena (design §4.2): the only memory a case may name.  The payload zeroes it at boot
 * and keeps its own code, data, stacks, VMXON/VMCS regions and the batch outside it. */
#define VXA_ARENA_LOW_BASE   0x00001000
#define VXA_ARENA_LOW_END    0x0009f000      /* exclusive */
#define VXA_ARENA_HIGH_BASE  0x00100000
#define VXA_ARENA_HIGH_END   0x01000000      /* exclusive */

#define VXA_PAYLOAD_BASE     0x01000000      /* payload image; 32-bit entry at its first byte */
#define VXA_PAYLOAD_MAX      0x00400000      /* image + bss must end below VXA_BATCH_BASE */
#define VXA_BATCH_BASE       0x02000000      /* the case batch */
#define VXA_BATCH_MAX        0x01f00000      /* bytes; keeps clear of the BIOS's ACPI tables */
#define VXA_GUEST_MEGS       64              /* RAM the host must give the machine */

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline int vxa_in_arena(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    if (len == 0) return 1;
    if (end < addr) return 0;
    return (addr >= VXA_ARENA_LOW_BASE && end <= VXA_ARENA_LOW_END) ||
           (addr >= VXA_ARENA_HIGH_BASE && end <= VXA_ARENA_HIGH_END);
}

/* ---- the batch ------------------------------------------------------------------------------
 * header, then `count` case records back to back.  Every record starts 8-byte aligned:
 *   vxa_batch_case, nfields x vxa_batch_field, nblobs x (vxa_batch_blob + data padded to 8).
 */
#define VXA_BATCH_MAGIC   0x31425856u         /* "VXB1" */

struct vxa_batch_header {
    uint32_t magic;
    uint32_t size;            /* bytes, header included */
    uint32_t count;           /* case records */
    uint32_t reserved;
};

enum {
    VXA_INSN_VMLAUNCH = 0,
    VXA_INSN_VMRESUME = 1
};

enum {
    VXA_CASE_LAUNCHED        = 1u << 0,   /* make the VMCS launched first (a priming entry) */
    VXA_CASE_NO_FILL         = 1u << 1,   /* execute exactly the given fields: no harness fields */
    VXA_CASE_NO_CURRENT_VMCS = 1u << 2,   /* VMCLEAR the VMCS after the writes: no current VMCS */
    VXA_CASE_MOVSS_BLOCKING  = 1u << 3    /* execute the instruction right after MOV SS */
};

struct vxa_batch_case {
    uint32_t size;            /* bytes of this record, a multiple of 8 */
    uint32_t id;              /* echoed in the report lines */
    uint8_t instruction;      /* VXA_INSN_* */
    uint8_t flags;            /* VXA_CASE_* */
    uint16_t nfields;
    uint16_t nblobs;
    uint16_t reserved;
    uint64_t vmcs_address;    /* 0: the payload's own VMCS region; else a 4K page in the arena */
};

struct vxa_batch_field {
    uint32_t encoding;        /* full-access encoding (SDM Appendix B) */
    uint32_t reserved;
    uint64_t value;
};

struct vxa_batch_blob {
    uint64_t address;         /* guest-physical, [address, address+length) inside the arena */
    uint32_t length;
    uint32_t reserved;
    /* followed by `length` bytes, then zero padding to a multiple of 8 */
};

_Static_assert(sizeof(struct vxa_batch_header) == 16, "batch header layout");
_Static_assert(sizeof(struct vxa_batch_case) == 24, "batch case layout");
_Static_assert(sizeof(struct vxa_batch_field) == 16, "batch field layout");
_Static_assert(sizeof(struct vxa_batch_blob) == 16, "batch blob layout");

/* ---- report lines (port 0xE9, one line each, '\n'-terminated, numbers in hex without 0x) ----
 *   @H <key> <value>...             boot facts: "@H cpuid L S eax ebx ecx edx", "@H msr I V",
 *                                   "@H msr I absent VEC", "@H vmxon ok|fail REASON", "@H ready"
 *   @B <id>                         a case begins (Bochs log lines until @R belong to it)
 *   @R <id> <kind> [key=value]...   a case's result (after an empty line); kinds and keys:
 *        vmfail_invalid | vmfail_valid err=E | exited reason=R qual=Q [intr=I] |
 *        fault vec=V | bad what=TEXT | unsupported what=TEXT
 *        fill=ENC:VAL,...   harness fields written because the case did not set them
 *        w=ENC:ERR,...      the case's VMWRITEs that failed, with the VM-instruction error
 *        hostfault=V        an exception hit the host after the VM exit (recovered)
 *   @E done                         the batch is finished
 * "exited" covers every VM exit; bit 31 of reason marks a VM-entry failure (SDM 28.8 / 27.8).
 */
#endif /* !__ASSEMBLER__ */

#define VXA_E9_PORT 0xe9

#endif
