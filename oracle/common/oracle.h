/* oracle.h — what every oracle backend (Bochs, KVM) takes and gives: a case to execute for real
 * and the observed outcome, plus the probe of the backend's CPU (docs/oracles.md).
 *
 * Ownership: cases are the caller's; results own their arrays and strings (free them with
 * vxa_oracle_result_free()).
 */
#ifndef VXA_ORACLE_H
#define VXA_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses shared with the CLI (docs/exit-codes.md). */
#define VXA_ORACLE_OK             0
#define VXA_ORACLE_BAD_INPUT      2
#define VXA_ORACLE_NOT_AVAILABLE  3   /* backend missing here (no Bochs, unknown CPU model, no VMX) */
#define VXA_ORACLE_FAILED         4   /* backend failed in a way that stopped the command */

#define VXA_ORACLE_NMSR 20            /* IA32_VMX_BASIC 0x480 .. IA32_VMX_EXIT_CTLS2 0x493 */

struct vxa_oracle_field {
    uint32_t encoding;                /* full-access encoding (SDM Appendix B) */
    uint64_t value;
};

struct vxa_oracle_blob {
    uint64_t address;                 /* guest-physical, inside the case arena (payload_abi.h) */
    const uint8_t *data;
    size_t length;
};

enum vxa_oracle_insn { VXA_ORACLE_VMLAUNCH, VXA_ORACLE_VMRESUME, VXA_ORACLE_VMXON };

struct vxa_oracle_case {
    enum vxa_oracle_insn instruction;
    bool launched;                    /* launch state "launched" before the instruction */
    bool no_current_vmcs;             /* entry.current_vmcs = false */
    bool movss_blocking;              /* blocking by MOV SS */
    bool no_fill;                     /* execute exactly these fields: no harness fields */
    bool outside_vmx;                 /* entry.vmx_operation = false: VMXOFF before the
                                         instruction (VMLAUNCH/VMRESUME: #UD; VMXON: the usual) */
    bool shadow_vmcs;                 /* entry.current_vmcs_shadow: the VMCS header's bit 31 */
    bool compat;                      /* entry.mode compat: executed with CS.L = 0 */
    /* VMXON (instruction VXA_ORACLE_VMXON): the operand and the state VMXON checks */
    uint64_t vmxon_address, cr0, cr4, feature_control;
    /* Environments the payload cannot produce: such a case is "unsupported", never run. */
    bool host_32bit;                  /* entry.host_ia32e = false */
    bool smm;
    uint8_t cpl;                      /* 1..3: the payload executes the instruction at that CPL */
    bool vmx_non_root;                /* entry.vmx_non_root: executed by a guest of the payload's
                                         own (payload_abi.h VXA_ENV_NON_ROOT) */
    uint64_t vmcs_address;            /* 0: the oracle's own VMCS region; else a 4K arena page */
    uint8_t model;                    /* vxa_model the payload's in-guest audit predicts for
                                         (0 sdm, 1 bochs-2.7) */
    bool no_audit;                    /* skip the in-guest audit */
    const struct vxa_oracle_field *fields;
    size_t nfields;
    const struct vxa_oracle_blob *blobs;
    size_t nblobs;
};

enum vxa_oracle_kind {
    VXA_ORACLE_VMFAIL_INVALID,
    VXA_ORACLE_VMFAIL_VALID,
    VXA_ORACLE_ENTRY_FAILURE,         /* VM exit with reason bit 31 (33, 34, 41) */
    VXA_ORACLE_EXITED,                /* entered; the guest came back with a VM exit */
    VXA_ORACLE_FAULT,                 /* VMLAUNCH/VMRESUME raised an exception */
    VXA_ORACLE_CRASHED,               /* the oracle machine died during this case */
    VXA_ORACLE_TIMEOUT,               /* no answer in time; the machine was killed */
    VXA_ORACLE_UNSUPPORTED,           /* an environment or setup this oracle cannot produce */
    VXA_ORACLE_ERROR,                 /* a malformed case or a backend problem (see detail) */
    VXA_ORACLE_VMSUCCEED,             /* VMXON succeeded (VMsucceed: CF = ZF = 0) */
    VXA_ORACLE_NONROOT_EXIT,          /* in VMX non-root operation the instruction caused a VM
                                         exit (SDM 26.1.2): exit_reason, qualification */
    VXA_ORACLE_EXIT_ABORTED           /* entered; the VM exit that followed ended in a VMX abort
                                         (shutdown, SDM 28.7): no exit reason (detail says why) */
};

struct vxa_oracle_vmwrite_error {
    uint32_t encoding;
    uint32_t error;                   /* VM-instruction error (12: unsupported field, 13: RO) */
};

#define VXA_ORACLE_MAX_SET 8          /* = VXA_MAX_SET (vmxaudit.h) */
#define VXA_ORACLE_MAX_CHECKS 24      /* = VXA_ABI_MAX_CHECKS (payload_abi.h) */

/* The payload's in-guest audit: the embedded engine's prediction for the live VMCS (VMREADs,
 * RDMSRs, CPUID and memory inside the oracle) right before the instruction; @R keys pr..pok. */
struct vxa_oracle_prediction {
    bool present;                     /* the payload audited this case */
    uint8_t result;                   /* vxa_result: 0 entered, 1 vmfail_invalid, 2 vmfail_valid,
                                         3 entry_failure, 4 fault */
    uint8_t nerror, error[VXA_ORACLE_MAX_SET];     /* vmfail_valid: the errors (a set) */
    uint8_t exit_reason;                           /* entry_failure: basic reason */
    uint8_t nqual;
    uint32_t qual[VXA_ORACLE_MAX_SET];             /* entry_failure: qualifications (a set) */
    uint8_t vector;                                /* fault */
    uint16_t nviolations;             /* all violations of the in-guest report */
    uint16_t ncheck;                  /* listed below: min(nviolations, VXA_ORACLE_MAX_CHECKS) */
    uint16_t check[VXA_ORACLE_MAX_CHECKS];         /* vxa_check indices, in report order */
    uint16_t nundetermined;
    bool assumes_undetermined_pass;
    uint16_t nread_failed;            /* RDMSRs and VMREADs of the live adapter that failed */
    int agrees;                       /* vxa_outcome_within() with the CPU, in the guest; -1 unknown */
};

struct vxa_oracle_result {
    enum vxa_oracle_kind kind;
    uint32_t error;                   /* vmfail_valid: the VM-instruction error */
    uint32_t exit_reason;             /* entry_failure/exited: as read, bit 31 included */
    uint64_t qualification;
    uint32_t exit_intr_info;          /* exited with basic reason 0: VM-exit interruption info */
    int fault_vector;                 /* fault: the vector; else -1 */
    int host_fault_vector;            /* an exception hit the host after the VM exit; else -1 */
    struct vxa_oracle_field *replaced;               /* harness fields as executed */
    size_t nreplaced;
    struct vxa_oracle_vmwrite_error *vmwrite_errors; /* the case's VMWRITEs that failed */
    size_t nvmwrite_errors;
    char *detail;                     /* unsupported/error: why; else NULL */
    char *log;                        /* the oracle's own words for this case (Bochs: its log
                                         lines, one per line), or NULL */
    struct vxa_oracle_prediction live; /* the in-guest audit, where the payload ran one */
};

/* What the payload learned about the oracle's CPU. */
struct vxa_oracle_cpuid { uint32_t leaf, subleaf, eax, ebx, ecx, edx; };

struct vxa_oracle_probe {
    uint64_t msr[VXA_ORACLE_NMSR];    /* indexed by msr - 0x480 */
    uint32_t msr_present;             /* bit i: RDMSR of 0x480 + i returned (no #GP) */
    uint64_t feature_control;         /* IA32_FEATURE_CONTROL as the payload found it */
    struct vxa_oracle_cpuid cpuid[16];
    size_t ncpuid;
    bool vmx_on;                      /* VMXON succeeded */
    char vmx_failure[64];             /* else why */
    char backend_version[32];         /* the backend's own version (Bochs: its banner, "2.7") */
    /* The engine embedded in the payload ("@H engine"): 0 when it did not say.  Check indices
     * of the in-guest audit mean this catalogue's checks. */
    uint32_t engine_api, engine_checks, engine_fields;
};

const char *vxa_oracle_kind_name(enum vxa_oracle_kind k);     /* "vmfail_valid", ... */
void vxa_oracle_result_init(struct vxa_oracle_result *r);
void vxa_oracle_result_free(struct vxa_oracle_result *r);

/* From the probe: CPUID.80000008H:EAX[7:0] and [15:8] (0 when the leaf is missing), and a
 * CPUID leaf (false when the payload did not read it). */
unsigned vxa_oracle_probe_maxphyaddr(const struct vxa_oracle_probe *p);
unsigned vxa_oracle_probe_linear_width(const struct vxa_oracle_probe *p);
bool vxa_oracle_probe_cpuid(const struct vxa_oracle_probe *p, uint32_t leaf, uint32_t subleaf,
                            struct vxa_oracle_cpuid *out);

#endif
