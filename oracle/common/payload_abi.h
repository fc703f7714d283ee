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
/* The UEFI loader's copy (oracle/uefi): the same objects linked here, entry64 at base + 0x10. */
#define VXA_UEFI_PAYLOAD_BASE 0x04000000
#define VXA_PAYLOAD_MAX      0x00400000      /* image + bss must end below VXA_BATCH_BASE */
#define VXA_BATCH_BASE       0x02000000      /* the case batch */
#define VXA_BATCH_MAX        0x01f00000      /* bytes; keeps clear of the BIOS's ACPI tables */
#define VXA_GUEST_MEGS       64              /* RAM the host must give the machine */

/* Reserved for the host (VGA/ROM space under Bochs; plain RAM a KVM host fills with its boot
 * page tables, GDT, TSS and stack): the payload never reads or writes it, cases cannot name it. */
#define VXA_HOST_REGION_BASE 0x000a0000
#define VXA_HOST_REGION_END  0x000a9000      /* exclusive */

/* ---- the boot block (optional; a UEFI loader, oracle/uefi) ---------------------------------
 * A host that enters vxa_entry64 with RDI pointing at a vxa_boot block (magic VXA_BOOT_MAGIC,
 * below 4 GiB) hands the payload memory, a case range, an output buffer and a way back; RDI = 0
 * (or anything without the magic) is the Bochs/KVM contract above, unchanged.  With a block:
 *   - report lines also go to out_buf (out_len bytes used, never past out_size);
 *   - only cases [first, first + count) of the batch run (count 0: probe only);
 *   - VXA_BOOT_QUIET: the probe's @H lines are not reported (but "@H vmxon fail" is);
 *   - VXA_BOOT_BARE_METAL: the rules of oracle/payload/baremetal.h (arena pages the host gave,
 *     bounded and confined guests, MSR-load allowlist, MSRs and PIC masks restored) apply;
 *   - arena_map (bit i of byte i/8 = page i of [0, 16 MiB) is the payload's to use): the arena
 *     pages outside it are never written, and a case that names one is "unsupported";
 *   - at the end the payload executes VMXOFF, restores CR0/CR4 and the host's GDTR, IDTR,
 *     segments, CR3, TR and stack from the block, and returns to host_rip (vxa_boot_return).
 */
#define VXA_BOOT_MAGIC 0x544f4f4258415856ull   /* "VXABOOT" */
#define VXA_BOOT_QUIET       1   /* vxa_boot.flags */
#define VXA_BOOT_BARE_METAL  2
#define VXA_ARENA_PAGES (VXA_ARENA_HIGH_END / 4096)   /* pages of [0, 16 MiB) in arena_map */

#ifndef __ASSEMBLER__
#include <stdint.h>
struct vxa_boot {
    uint64_t magic;
    uint32_t flags, reserved;
    uint32_t first, count;                    /* case range (record indices of the batch) */
    uint64_t batch;                           /* the batch's address (0: VXA_BATCH_BASE) */
    uint64_t out_buf, out_size, out_len;      /* output buffer, below 4 GiB */
    uint64_t arena_map;                       /* VXA_ARENA_PAGES bits, below 4 GiB */
    /* the host's context, saved by the host's trampoline, restored by vxa_boot_return */
    uint64_t host_rsp, host_rip, host_cr0, host_cr3, host_cr4;
    uint16_t host_cs, host_ss, host_ds, host_es, host_fs, host_gs, host_tr, pad;
    uint8_t host_gdtr[10], host_idtr[10], pad2[4];
};
_Static_assert(sizeof(struct vxa_boot) == 144, "boot block layout");
#define VXA_BOOT_OFF_OK(f, o) _Static_assert(__builtin_offsetof(struct vxa_boot, f) == o, #f)
VXA_BOOT_OFF_OK(host_rsp, 64); VXA_BOOT_OFF_OK(host_rip, 72); VXA_BOOT_OFF_OK(host_cr0, 80);
VXA_BOOT_OFF_OK(host_cr3, 88); VXA_BOOT_OFF_OK(host_cr4, 96); VXA_BOOT_OFF_OK(host_cs, 104);
VXA_BOOT_OFF_OK(host_tr, 116); VXA_BOOT_OFF_OK(host_gdtr, 120); VXA_BOOT_OFF_OK(host_idtr, 130);
#undef VXA_BOOT_OFF_OK
#endif
/* offsets for the assembly (entry.S, the loader's trampoline) */
#define VXA_BOOT_HOST_RSP  64
#define VXA_BOOT_HOST_RIP  72
#define VXA_BOOT_HOST_CR0  80
#define VXA_BOOT_HOST_CR3  88
#define VXA_BOOT_HOST_CR4  96
#define VXA_BOOT_HOST_CS   104
#define VXA_BOOT_HOST_SS   106
#define VXA_BOOT_HOST_DS   108
#define VXA_BOOT_HOST_ES   110
#define VXA_BOOT_HOST_FS   112
#define VXA_BOOT_HOST_GS   114
#define VXA_BOOT_HOST_TR   116
#define VXA_BOOT_HOST_GDTR 120
#define VXA_BOOT_HOST_IDTR 130

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
 *   vxa_batch_case, [VMXON: vxa_batch_vmxon], nfields x vxa_batch_field,
 *   nblobs x (vxa_batch_blob + data padded to 8).
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
    VXA_INSN_VMRESUME = 1,
    VXA_INSN_VMXON    = 2     /* the record carries a vxa_batch_vmxon after vxa_batch_case */
};

enum {
    VXA_CASE_LAUNCHED        = 1u << 0,   /* make the VMCS launched first (a priming entry) */
    VXA_CASE_NO_FILL         = 1u << 1,   /* execute exactly the given fields: no harness fields */
    VXA_CASE_NO_CURRENT_VMCS = 1u << 2,   /* VMCLEAR the VMCS after the writes: no current VMCS */
    VXA_CASE_MOVSS_BLOCKING  = 1u << 3,   /* execute the instruction right after MOV SS */
    VXA_CASE_NO_AUDIT        = 1u << 4,   /* skip the in-guest audit (no p* keys in @R) */
    VXA_CASE_OUTSIDE_VMX     = 1u << 5,   /* VMXOFF right before the instruction (SDM 24.7):
                                             VMLAUNCH/VMRESUME outside VMX operation; VMXON
                                             without it runs in VMX root operation */
    VXA_CASE_SHADOW_VMCS     = 1u << 6,   /* the VMCS header's bit 31 set before VMPTRLD: the
                                             current VMCS is a shadow VMCS (SDM 25.2) */
    VXA_CASE_COMPAT          = 1u << 7    /* the instruction in compatibility mode (CS.L = 0) */
};

/* vxa_batch_case.env (was reserved, 0): where the instruction executes.
 *   bits 1:0 CPL: the instruction at that privilege level (64-bit code and stack segments of that
 *            DPL, pages user-accessible for CPL 3); the SDM says #GP(0) at CPL > 0 (Vol. 2
 *            VMLAUNCH/VMRESUME, VMXON "Operation").  The payload's own CR4 (no SMEP/SMAP) only.
 *   bit 2    VMX non-root operation: the payload enters its own known-good guest (the primer
 *            layout) whose code executes the instruction, which exits unconditionally (SDM
 *            26.1.2: reason 20 VMLAUNCH, 24 VMRESUME, 27 VMXON); reported as "nonroot_exit".
 *            The case's fields and memory are not used; CPL 0, 64-bit mode only.
 *   bit 3    a host outside IA-32e mode: VMLAUNCH/VMRESUME from protected mode with paging
 *            (oracle/payload/host32.S), the harness fields a 32-bit host's (host32.c); CPL 0,
 *            VMX root operation, launch state clear, not with compatibility mode.
 *   bits 7:4 0 */
#define VXA_ENV_CPL_MASK  3u
#define VXA_ENV_NON_ROOT  (1u << 2)
#define VXA_ENV_HOST32    (1u << 3)

/* vxa_batch_case.model: the engine model the in-guest audit predicts for (vmxaudit.h vxa_model) */
enum {
    VXA_BATCH_MODEL_SDM       = 0,
    VXA_BATCH_MODEL_BOCHS_2_7 = 1,
    VXA_BATCH_MODEL_BOCHS_3_0 = 2
};

struct vxa_batch_case {
    uint32_t size;            /* bytes of this record, a multiple of 8 */
    uint32_t id;              /* echoed in the report lines */
    uint8_t instruction;      /* VXA_INSN_* */
    uint8_t flags;            /* VXA_CASE_* */
    uint16_t nfields;
    uint16_t nblobs;
    uint8_t model;            /* VXA_BATCH_MODEL_*: the in-guest audit's model */
    uint8_t env;              /* VXA_ENV_*: the processor state the instruction runs in */
    uint64_t vmcs_address;    /* 0: the payload's own VMCS region; else a 4K page in the arena */
};

/* VMXON cases (instruction VXA_INSN_VMXON): nfields is 0; the blobs hold the case's VMXON
 * region.  The payload leaves VMX operation (VMXOFF, with VXA_CASE_OUTSIDE_VMX), writes CR4 then
 * CR0, executes VMXON with the pointer, reports the outcome, then restores its own CR0/CR4 and
 * VMX operation.  A case whose CR0/CR4 the payload cannot load, or whose IA32_FEATURE_CONTROL
 * bits 0 and 2 differ from the machine's (locked at boot), is "unsupported". */
struct vxa_batch_vmxon {
    uint64_t vmxon_address;   /* the VMXON operand: any value (VMXON checks it) */
    uint64_t cr0, cr4;        /* loaded before VMXON */
    uint64_t feature_control; /* IA32_FEATURE_CONTROL the case assumes (bits 0 and 2 compared) */
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
_Static_assert(sizeof(struct vxa_batch_vmxon) == 32, "batch VMXON layout");
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
 *        vmsucceed (VMXON only) |
 *        nonroot_exit reason=R qual=Q (VXA_ENV_NON_ROOT: the instruction's VM exit) |
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
 *        pok=0|1            vxa_outcome_within(prediction, vxa_live_observe()) inside the guest
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
