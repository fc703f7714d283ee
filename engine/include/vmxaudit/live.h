/* live.h — audit the current VMCS of a live logical processor, from inside a hypervisor, a kernel
 * driver, a UEFI application or a bare-metal payload, before VMLAUNCH/VMRESUME or after a failed
 * entry.  Freestanding like the rest of the engine: no heap, no libc, no floating point, no
 * global state; builds with -ffreestanding -mno-red-zone -mgeneral-regs-only.
 *
 * The caller supplies the CPU access as callbacks (VMREAD, RDMSR, physical-memory read, CPUID)
 * and the storage (a vxa_live_workspace, 1.8 KB, and a vxa_report, 13 KB: allocate them once,
 * statically or per CPU, never on a kernel stack).  The adapter then
 *   1. builds the capability profile from the IA32_VMX_* MSRs that exist on this CPU: 0x480-0x48A
 *      always, the others only where another MSR advertises them (SDM Vol. 3D App. A.3.3, A.3.4,
 *      A.4.2, A.10, A.11; TRUE_* by IA32_VMX_BASIC[55]).  An MSR that is not advertised is never
 *      read (RDMSR would #GP) and stays absent; an advertised MSR whose RDMSR fails stays absent
 *      too, and every rule that needs it is reported as undetermined, never passed or failed;
 *   2. takes MAXPHYADDR, the linear-address width and the CPUID features the rules consult from
 *      the cpuid callback (or from ops->cpu where there is none);
 *   3. VMREADs every field of the catalogue (vmxaudit/fields.def) that exists on this CPU
 *      (vxa_field_exists() != 0), except the read-only VM-exit information fields, which no rule
 *      reads.  A field that does not exist is never read.  A VMREAD that fails leaves the field
 *      unset (it reads as 0) and is counted in the workspace;
 *   4. runs vxa_audit() on the result.
 *
 * Worst-case stack use of vxa_live_audit() itself (the callbacks' own frames come on top), as
 * measured by tests/amalgamation.sh from gcc's -fcallgraph-info=su over the whole engine: see
 * engine/EMBEDDING.md (about 1 KiB with gcc -O2 on x86-64, 1.5 KiB at -O0).
 *
 * Order after a failed VMLAUNCH/VMRESUME: call vxa_live_observe() first.  It reads the
 * VM-instruction error (or exit reason and qualification) before the audit's VMREADs run: a
 * VMREAD that fails sets the VM-instruction error field to 12 (SDM Vol. 3C 31.4), so the audit
 * could overwrite the number you want to see. */
#ifndef VMXAUDIT_LIVE_H
#define VMXAUDIT_LIVE_H

#include "vmxaudit/vmxaudit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the rules need from CPUID when there is no cpuid callback (fill it from your kernel's
 * CPU feature table).  maxphyaddr 0 means unknown: 52 is assumed (no valid address is flagged;
 * width violations below 52 may be missed).  linear_address_width 0 means 48. */
typedef struct vxa_live_cpu {
    uint8_t maxphyaddr;             /* CPUID.80000008H:EAX[7:0] */
    uint8_t linear_address_width;   /* CPUID.80000008H:EAX[15:8]: 48, or 57 with 5-level paging */
    uint32_t cpuid;                 /* VXA_CPUID_* features present */
    uint32_t cpuid_known;           /* VXA_CPUID_* features whose presence is stated above */
} vxa_live_cpu;

/* The CPU access.  Every callback gets the ctx pointer given to vxa_live_audit().
 * Return 0 on success, non-zero on failure. */
typedef struct vxa_live_ops {
    /* VMREAD of the full field encoding of the current VMCS (64-bit fields whole: in 32-bit
     * code, read encoding and encoding + 1 and combine).  Non-zero: VMREAD failed (VMfailValid
     * or VMfailInvalid).  Required. */
    int (*vmread)(void *ctx, uint32_t encoding, uint64_t *value);
    /* RDMSR of an IA32_VMX_* capability MSR (0x480-0x493).  Non-zero: RDMSR faulted (#GP) —
     * use a fault-safe read (Linux rdmsrl_safe, a __try around __readmsr, an exception
     * handler in a payload).  Only MSRs the architecture says exist are asked for.  Required. */
    int (*rdmsr)(void *ctx, uint32_t msr, uint64_t *value);
    /* Reads len bytes of physical memory at pa (the VM-entry MSR-load list, the guest's PAE
     * PDPTEs when EPT is off, the VMCS link pointer's header, the virtual-APIC page).  Non-zero:
     * the memory is not readable, which makes the rules that need it undetermined.  NULL: no
     * memory access at all (those rules are undetermined). */
    int (*read_phys)(void *ctx, uint64_t pa, void *buf, uint32_t len);
    /* CPUID leaf/subleaf -> regs[0..3] = EAX, EBX, ECX, EDX.  NULL: ops->cpu is used.  With it,
     * the profile also gets this processor's CPUID.0AH (the PMU: IA32_PERF_GLOBAL_CTRL's counter
     * enables), except on a hybrid part (CPUID.(7,0):EDX[15]), where those stay undetermined. */
    void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
    vxa_live_cpu cpu;               /* used when cpuid is NULL */
    uint8_t model;                  /* vxa_model whose behaviour is predicted; VXA_MODEL_SDM */
} vxa_live_ops;

/* The caller-owned storage of one live audit (1.8 KB; one per CPU that audits at the same
 * time).  After the call it holds what was read: the profile, the VMCS as read, and what failed.
 * The engine keeps no pointer into it after returning. */
typedef struct vxa_live_workspace {
    vxa_profile profile;            /* built from the live MSRs and CPUID */
    vxa_vmcs vmcs;                  /* the fields read (set bit = VMREAD succeeded; a failed
                                       VMREAD leaves the field not captured) */
    uint32_t msr_advertised;        /* bit i: IA32_VMX MSR 0x480+i exists on this CPU (or its
                                       advertiser could not be read: then it is not asked for) */
    uint32_t msr_failed;            /* bit i: advertised, but RDMSR failed: absent, undetermined */
    uint16_t nvmread;               /* VMREADs issued */
    uint16_t nvmread_failed;        /* ... of which failed */
    uint8_t vmread_failed[(VXA_FIELD_COUNT + 7) / 8];   /* bit f: the VMREAD of field f failed */
} vxa_live_workspace;

/* Reads MAXPHYADDR, the linear-address width and the VXA_CPUID_* features through a CPUID
 * callback (all features become known).  Bits (SDM Vol. 2A CPUID): 80000001H:EDX[29] LM;
 * 7.0:EBX[14] MPX, EBX[25] PT, ECX[7] CET_SS, ECX[16] LA57, ECX[31] PKS, EDX[5] UINTR,
 * EDX[19] ARCH_LBR, EDX[20] CET_IBT; 7.1:EAX[17] FRED, EAX[26] LAM; 80000008H:EAX[7:0]
 * MAXPHYADDR, EAX[15:8] linear-address width.  Leaves beyond the maximum leaf read as 0. */
VXA_API void vxa_live_cpu_from_cpuid(void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf,
                                                   uint32_t regs[4]),
                                     void *ctx, vxa_live_cpu *out);

/* Step 1+2: fills ws->profile, ws->msr_advertised, ws->msr_failed.  Returns the number of
 * advertised MSRs whose RDMSR failed, or -1 if an argument is NULL. */
VXA_API int vxa_live_read_profile(const vxa_live_ops *ops, void *ctx, vxa_live_workspace *ws);

/* Step 3 (needs ws->profile): fills ws->vmcs and the VMREAD counters.  Returns the number of
 * failed VMREADs, or -1 if an argument is NULL. */
VXA_API int vxa_live_read_vmcs(const vxa_live_ops *ops, void *ctx, vxa_live_workspace *ws);

/* All four steps: audits the current VMCS of this logical processor for the entry described by
 * env (NULL: vxa_entry_init() defaults — VMLAUNCH of a clear VMCS from 64-bit CPL 0; for
 * VMRESUME set env->instruction = VXA_VMRESUME and env->launched = true).  Fills *out.
 * Returns the number of reads that failed (advertised MSRs + VMREADs; 0 = everything the rules
 * need was read), or -1 if ops, a required callback, ws or out is NULL.  Run it on the logical
 * processor whose VMCS is current, with preemption off, before VMLAUNCH/VMRESUME. */
VXA_API int vxa_live_audit(const vxa_live_ops *ops, void *ctx, const vxa_entry *env,
                           vxa_live_workspace *ws, vxa_report *out);

/* What the CPU did on VMLAUNCH/VMRESUME, read back into an outcome: rflags is RFLAGS right after
 * the instruction fell through (CF = 1: VMfailInvalid; ZF = 1: VMfailValid, the VM-instruction
 * error is read; SDM Vol. 3C 31.2).  For a VM exit pass entry_exit = true (rflags ignored): the
 * exit reason is read, and when its bit 31 is set ("VM-entry failure", SDM 27.8) the result is
 * an entry failure with reason and qualification.  Returns 0, or -1 if a VMREAD failed. */
VXA_API int vxa_live_observe(const vxa_live_ops *ops, void *ctx, uint64_t rflags, bool entry_exit,
                             vxa_outcome *observed);


#ifdef __cplusplus
}
#endif
#endif
