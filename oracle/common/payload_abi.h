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

/* The case arena (docs/formats.md): the only memory a case may name.  The payload zeroes it at boot
 * and keeps its own code, data, stacks, VMXON/VMCS regions and the batch outside it. */
#define VXA_ARENA_LOW_BASE   0x00001000
#define VXA_ARENA_LOW_END    0x0009f000      /* exclusive */
#define VXA_ARENA_HIGH_BASE  0x00100000
#define VXA_ARENA_HIGH_END   0x01000000      /* exclusive */

#define VXA_PAYLOAD_BASE     0x01000000      /* payload image; 32-bit entry at its first byte */
/* The 64-bit entry (symbol vxa_entry64), for hosts that start the CPU in 64-bit mode (KVM).
 * Contract: entered in 64-bit mode at CPL 0 with interrupts off, under any identity map that
 * covers the payload image and .bss, with any GDT whose CS is a 64-bit code segment; RSP is not
 * used.  It zeroes .bss, then loads its own page tables (CR3: the first 4 GiB identity-mapped),
 * GDT, segments and stack, sets CR0.NE and clears CR0.CD/NW, and runs the batch. */
#define VXA_PAYLOAD_ENTRY64  0x01000010
#define VXA_PAYLOAD_MAX      0x00400000      /* image + bss must end below VXA_BATCH_BASE */
#define VXA_BATCH_BASE       0x02000000      /* the case batch */
#define VXA_BATCH_MAX        0x01f00000      /* bytes; keeps clear of the BIOS's ACPI tables */
#define VXA_GUEST_MEGS       64              /* RAM the host must give the machine */

/* Reserved for the host (VGA/ROM space under Bochs; plain RAM a KVM host fills with its boot
 * page tables, GDT, TSS and stack): the payload never reads or writes it, cases cannot name it. */
#define VXA_HOST_REGION_BASE 0x000a0000
#define VXA_HOST_REGION_END  0x000a9000      /* exclusive */

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
    VXA_CASE_MOVSS_BLOCKING  = 1u << 3,   /* execute the instruction right after MOV SS */
    VXA_CASE_NO_AUDIT        = 1u << 4    /* skip the in-guest audit (no p* keys in @R) */
};

/* vxa_batch_case.model: the engine model the in-guest audit predicts for (vmxaudit.h vxa_model) */
enum {
    VXA_BATCH_MODEL_SDM       = 0,
    VXA_BATCH_MODEL_BOCHS_2_7 = 1
};

struct vxa_batch_case {
    uint32_t size;            /* bytes of this record, a multiple of 8 */
    uint32_t id;              /* echoed in the report lines */
    uint8_t instruction;      /* VXA_INSN_* */
    uint8_t flags;            /* VXA_CASE_* */
    uint16_t nfields;
    uint16_t nblobs;
    uint8_t model;            /* VXA_BATCH_MODEL_*: the in-guest audit's model */
    uint8_t reserved;
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
_Static_assert(VXA_HOST_REGION_BASE >= VXA_ARENA_LOW_END, "host region outside the arena");

/* ---- report lines (port 0xE9, one line each, '\n'-terminated, numbers in hex without 0x) ----
 *   @H <key> <value>...             boot facts: "@H cpuid L S eax ebx ecx edx", "@H msr I V",
 *                                   "@H msr I absent VEC", "@H vmxon ok|fail REASON",
 *                                   "@H engine api=A checks=N fields=M" (the embedded engine:
 *                                   API version, catalogue sizes; check indices below are
 *                                   this catalogue's), "@H ready"
 *   @B <id>                         a case begins (Bochs log lines until @R belong to it)
 *   @R <id> <kind> [key=value]...   a case's result (after an empty line); kinds and keys:
 *        vmfail_invalid | vmfail_valid err=E | exited reason=R qual=Q [intr=I] |
 *        fault vec=V | bad what=TEXT | unsupported what=TEXT
 *        fill=ENC:VAL,...   harness fields written because the case did not set them
 *        w=ENC:ERR,...      the case's VMWRITEs that failed, with the VM-instruction error
 *        hostfault=V        an exception hit the host after the VM exit (recovered)
 *      the in-guest audit (vxa_live_audit of the live VMCS right before the instruction; absent
 *      with VXA_CASE_NO_AUDIT and on bad/unsupported):
 *        pr=R               predicted vxa_result: 0 entered, 1 vmfail_invalid, 2 vmfail_valid,
 *                           3 entry_failure, 4 fault
 *        pe=E,...           vmfail_valid: the predicted VM-instruction errors (a set)
 *        px=R pq=Q,...      entry_failure: basic exit reason, predicted qualifications (a set)
 *        pv=V               fault: the vector
 *        pn=N pc=C,...      violations: how many, and the vxa_check indices of the first
 *                           VXA_ABI_MAX_CHECKS in report order (pc absent when N = 0)
 *        pu=N               undetermined rules; pa=1: the outcome assumes they pass
 *        pf=N               reads that failed (advertised MSRs whose RDMSR faulted + VMREADs)
 *        pok=0|1            vxa_live_agrees(prediction, vxa_live_observe()) inside the guest
 *   @E done                         the batch is finished
 * "exited" covers every VM exit; bit 31 of reason marks a VM-entry failure (SDM 28.8 / 27.8).
 *
 * Lines a host writes itself, for a case the payload never answered (the KVM backend; Bochs's
 * backend records the same as results without a line):
 *   @R <id> crash what=WHY          the machine died in the case (triple-fault, payload-shutdown,
 *                                   fail-entry, internal-error, mmio ...)
 *   @R <id> timeout ms=N            no report within N ms; the machine was stopped
 */
#define VXA_ABI_MAX_CHECKS 24

#endif /* !__ASSEMBLER__ */

#define VXA_E9_PORT 0xe9

#endif
