/* vmxaudit.h — the public API of the vmxaudit check engine.
 *
 * The engine answers "why does VMLAUNCH/VMRESUME fail?": given a VMX capability profile (the CPU),
 * a VMCS layout, the entry environment and a reader for the memory VM entry reads, vxa_audit()
 * lists every violated VM-entry rule of Intel SDM Vol. 3C chapter "VM Entries" and predicts what
 * the CPU reports.  The core is freestanding C11: no heap, no libc, no global mutable state.
 *
 * Ownership: every structure here is caller-allocated; the engine keeps no pointer after a call.
 */
#ifndef VMXAUDIT_H
#define VMXAUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMXAUDIT_API_VERSION 1          /* bumped on any incompatible change of this header */
#define VMXAUDIT_VERSION "0.1.0"

/* ------------------------------------------------------------------------------------------ */
/* VMCS fields (table: vmxaudit/fields.def)                                                    */

typedef enum vxa_width { VXA_W16, VXA_W64, VXA_W32, VXA_WN } vxa_width;   /* = encoding bits 14:13 */
typedef enum vxa_kind { VXA_KIND_CTRL, VXA_KIND_RO, VXA_KIND_GUEST, VXA_KIND_HOST } vxa_kind; /* bits 11:10 */

typedef enum vxa_field {
#define VXA_FIELD(name, enc, width, kind, gate) VXA_F_##name,
#include "vmxaudit/fields.def"
#undef VXA_FIELD
    VXA_FIELD_COUNT,
    VXA_F_NONE = 0xffff
} vxa_field;

/* Control words and other capability words a field or rule can depend on. */
typedef enum vxa_word {
    VXA_WORD_NONE, VXA_WORD_PIN, VXA_WORD_PROC, VXA_WORD_PROC2, VXA_WORD_PROC3, VXA_WORD_EXIT,
    VXA_WORD_EXIT2, VXA_WORD_ENTRY, VXA_WORD_VMFUNC, VXA_WORD_BASIC, VXA_WORD_SEAM
} vxa_word;

typedef struct vxa_field_info {
    const char *name;      /* canonical name, e.g. "GUEST_CR0" */
    uint32_t encoding;
    uint8_t width;         /* vxa_width */
    uint8_t kind;          /* vxa_kind */
    uint8_t gate_word[2];  /* vxa_word; VXA_WORD_NONE = no condition */
    uint8_t gate_bit[2];
} vxa_field_info;

const vxa_field_info *vxa_field_get(vxa_field f);                 /* NULL if out of range */
vxa_field vxa_field_by_encoding(uint32_t encoding);               /* VXA_F_NONE if unknown */
vxa_field vxa_field_by_name(const char *name);                    /* case-insensitive; VXA_F_NONE */
uint64_t vxa_field_mask(vxa_field f);                             /* all bits the field can hold */

/* ------------------------------------------------------------------------------------------ */
/* Capability profile                                                                          */

/* IA32_VMX_* capability MSRs 0x480..0x493, indexed by (msr - 0x480). */
enum {
    VXA_MSR_BASIC = 0, VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS, VXA_MSR_EXIT_CTLS,
    VXA_MSR_ENTRY_CTLS, VXA_MSR_MISC, VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1, VXA_MSR_CR4_FIXED0,
    VXA_MSR_CR4_FIXED1, VXA_MSR_VMCS_ENUM, VXA_MSR_PROCBASED_CTLS2, VXA_MSR_EPT_VPID_CAP,
    VXA_MSR_TRUE_PINBASED_CTLS, VXA_MSR_TRUE_PROCBASED_CTLS, VXA_MSR_TRUE_EXIT_CTLS,
    VXA_MSR_TRUE_ENTRY_CTLS, VXA_MSR_VMFUNC, VXA_MSR_PROCBASED_CTLS3, VXA_MSR_EXIT_CTLS2,
    VXA_MSR_COUNT
};
#define VXA_MSR_INDEX(i) (0x480u + (unsigned)(i))
const char *vxa_msr_name(unsigned i);            /* "IA32_VMX_BASIC", ...; NULL if out of range */

/* CPUID features that VM-entry rules consult. */
enum {
    VXA_CPUID_CET_SS = 1u << 0, VXA_CPUID_CET_IBT = 1u << 1, VXA_CPUID_PKS = 1u << 2,
    VXA_CPUID_FRED = 1u << 3, VXA_CPUID_LA57 = 1u << 4, VXA_CPUID_LAM = 1u << 5,
    VXA_CPUID_PT = 1u << 6, VXA_CPUID_ARCH_LBR = 1u << 7, VXA_CPUID_UINTR = 1u << 8,
    VXA_CPUID_MPX = 1u << 9, VXA_CPUID_LM = 1u << 10
};
#define VXA_CPUID_COUNT 11
const char *vxa_cpuid_name(unsigned bit);        /* "cet_ss", ...; NULL if out of range */

typedef struct vxa_profile {
    uint64_t msr[VXA_MSR_COUNT];
    uint32_t msr_present;          /* bit i: msr[i] was captured; absent means "not captured" */
    uint8_t maxphyaddr;            /* physical-address width */
    bool maxphyaddr_default;       /* true: not given, 52 assumed */
    uint8_t linear_address_width;  /* 48 or 57 */
    uint32_t cpuid;                /* VXA_CPUID_* that are present */
    uint32_t cpuid_known;          /* VXA_CPUID_* whose presence the profile states */
} vxa_profile;

void vxa_profile_init(vxa_profile *p);           /* nothing captured, MAXPHYADDR 52, LA width 48 */
/* The profile as the profile format states it (every reader calls this): only the MSRs and
 * CPUID features this header names, a feature present only where known, MAXPHYADDR 32..52
 * (else the default), a linear-address width of 48 or 57; IA-32e support, where not stated,
 * from IA32_VMX_BASIC[48] (SDM A.1: always 0 on a processor that supports Intel 64). */
void vxa_profile_normalize(vxa_profile *p);
static inline bool vxa_profile_has(const vxa_profile *p, unsigned i)
{
    return i < VXA_MSR_COUNT && (p->msr_present >> i) & 1u;
}

/* Allowed settings of a control word (SDM Appendix A.3-A.5, honouring IA32_VMX_BASIC[55]).
 * must_be_1: bits whose 0-setting is not allowed; may_be_1: bits whose 1-setting is allowed.
 * Returns false (and sets *missing to the MSR index needed) when the profile lacks the MSR. */
bool vxa_allowed(const vxa_profile *p, vxa_word w, uint64_t *must_be_1, uint64_t *may_be_1,
                 unsigned *missing);
/* Does the field exist on this CPU (its gate is allowed-1 and its index fits VMCS_ENUM)?
 * Returns 1 yes, 0 no (VMWRITE fails with error 12), -1 undetermined (MSR not captured). */
int vxa_field_exists(const vxa_profile *p, vxa_field f);

/* Profile sanity (SDM Appendix A): warnings, never errors. */
typedef enum vxa_profile_issue {
    VXA_PI_ALLOWED0_NOT_IN_ALLOWED1,  /* a control MSR: allowed-0 bit not allowed-1 (word) */
    VXA_PI_FIXED0_NOT_IN_FIXED1,      /* CR0/CR4: FIXED0 bit not in FIXED1 (word = 0 CR0, 1 CR4) */
    VXA_PI_TRUE_DISAGREES,            /* TRUE_* high half differs / low not subset (word) */
    VXA_PI_DEFAULT1_NOT_SET,          /* non-TRUE MSR does not report a default1 bit as must-be-1 */
    VXA_PI_ADVERTISED_MISSING,        /* an MSR advertised by another is not captured (msr) */
    VXA_PI_NO_BASIC                   /* IA32_VMX_BASIC missing: read as BASIC[55] = BASIC[56] = 0 */
} vxa_profile_issue;
typedef struct vxa_profile_warning { uint8_t issue; uint8_t msr; uint64_t bits; } vxa_profile_warning;
/* Writes up to max warnings, returns how many were found (may exceed max). */
unsigned vxa_profile_check(const vxa_profile *p, vxa_profile_warning *out, unsigned max);

/* ------------------------------------------------------------------------------------------ */
/* VMCS layout, entry environment, memory                                                      */

typedef struct vxa_vmcs {
    uint64_t value[VXA_FIELD_COUNT];
    uint8_t set[(VXA_FIELD_COUNT + 7) / 8];   /* bit f: the layout gave field f (else it reads 0) */
} vxa_vmcs;

void vxa_vmcs_init(vxa_vmcs *v);
static inline uint64_t vxa_get(const vxa_vmcs *v, vxa_field f) { return v->value[f]; }
static inline bool vxa_is_set(const vxa_vmcs *v, vxa_field f) { return (v->set[f >> 3] >> (f & 7)) & 1u; }
void vxa_set(vxa_vmcs *v, vxa_field f, uint64_t value);  /* masks to the field's width */
void vxa_unset(vxa_vmcs *v, vxa_field f);

typedef enum vxa_instruction { VXA_VMLAUNCH, VXA_VMRESUME, VXA_VMXON } vxa_instruction;
typedef enum vxa_cpu_mode { VXA_MODE_64BIT, VXA_MODE_COMPAT, VXA_MODE_PROTECTED, VXA_MODE_REAL,
                            VXA_MODE_V86 } vxa_cpu_mode;

typedef struct vxa_entry {
    uint8_t instruction;          /* vxa_instruction; default VMLAUNCH */
    bool launched;                /* launch state of the current VMCS; default clear (false) */
    bool current_vmcs;            /* a current VMCS exists; default true */
    bool host_ia32e;              /* the logical processor is in IA-32e mode; default true */
    uint8_t mode;                 /* vxa_cpu_mode of the executing code; default 64-bit */
    bool vmx_operation;           /* in VMX operation (root); default true (false: before VMXON) */
    bool vmx_non_root;            /* executed in VMX non-root operation; default false */
    bool movss_blocking;          /* blocking by MOV SS; default false */
    uint8_t cpl;                  /* default 0 */
    bool smm;                     /* in SMM; default false */
    bool has_current_vmcs_address;
    uint64_t current_vmcs_address;
    bool has_vmxon_address;
    uint64_t vmxon_address;
    /* VMXON preconditions (instruction = VMXON) */
    uint64_t feature_control;     /* IA32_FEATURE_CONTROL; default 0x5 (locked, VMX outside SMX) */
    uint64_t cr0, cr4;            /* CR0/CR4 when VMXON executes; defaults 0x80050033 / 0x2020 */
} vxa_entry;

void vxa_entry_init(vxa_entry *e);

/* Reads len bytes of guest-physical memory at pa.  Returns 0 on success; non-zero means the
 * memory is unknown to the caller, which makes the rules that need it undetermined.
 * A NULL reader means "all memory reads as zero". */
typedef struct vxa_memory {
    int (*read)(void *ctx, uint64_t pa, void *buf, uint32_t len);
    void *ctx;
} vxa_memory;

/* ------------------------------------------------------------------------------------------ */
/* Checks (table: vmxaudit/checks.def)                                                         */

typedef enum vxa_class {
    VXA_CLASS_VMXON, VXA_CLASS_INSTRUCTION, VXA_CLASS_CONTROLS, VXA_CLASS_HOST, VXA_CLASS_GUEST,
    VXA_CLASS_MSRLOAD, VXA_CLASS_ADVISORY, VXA_CLASS_COUNT
} vxa_class;

typedef enum vxa_check {
#define VXA_CHECK(id, cls, sdm, rule) VXA_C_##id,
#include "vmxaudit/checks.def"
#undef VXA_CHECK
    VXA_CHECK_COUNT
} vxa_check;

typedef struct vxa_check_info {
    const char *id;       /* "HOST_CR4_FIXED1" */
    uint8_t cls;          /* vxa_class */
    const char *sdm;      /* "27.2.2" */
    const char *rule;     /* one-line rule */
} vxa_check_info;

const vxa_check_info *vxa_check_get(vxa_check c);
vxa_check vxa_check_by_id(const char *id);        /* VXA_CHECK_COUNT if unknown (case-insensitive) */
const char *vxa_class_name(vxa_class c);          /* "vmxon", "instruction", "controls", ... */
extern const char vxa_sdm_edition[];              /* the SDM edition the catalogue follows */

/* ------------------------------------------------------------------------------------------ */
/* Report                                                                                      */

typedef enum vxa_result {
    VXA_ENTERED, VXA_VMFAIL_INVALID, VXA_VMFAIL_VALID, VXA_ENTRY_FAILURE, VXA_FAULT
} vxa_result;
const char *vxa_result_name(vxa_result r);        /* "entered", "vmfail_invalid", ... */

#define VXA_MAX_SET 8
typedef struct vxa_outcome {
    uint8_t result;                 /* vxa_result */
    uint8_t nerror;                 /* VMfailValid: the possible VM-instruction errors (a set) */
    uint8_t error[VXA_MAX_SET];
    uint8_t exit_reason;            /* entry failure: 33, 34 or 41 (without bit 31) */
    uint8_t nqual;                  /* entry failure: the possible exit qualifications (a set) */
    uint32_t qual[VXA_MAX_SET];
    uint8_t vector;                 /* fault: 6 (#UD) or 13 (#GP) */
} vxa_outcome;

#define VXA_VIOL_FIELDS 4
#define VXA_VIOL_FIXES 3
typedef struct vxa_violation {
    uint16_t check;                       /* vxa_check */
    uint8_t nfields;
    uint8_t nfix;
    uint16_t field[VXA_VIOL_FIELDS];      /* the fields the rule reads (value: from the layout) */
    uint64_t value[VXA_VIOL_FIELDS];
    uint64_t bits;                        /* the offending bits of field[0] (0 = not a bit rule) */
    bool has_allowed;                     /* must_be_1/may_be_1 are meaningful */
    uint64_t must_be_1, may_be_1;
    uint16_t fix_field[VXA_VIOL_FIXES];   /* setting these makes the rule pass */
    uint64_t fix_value[VXA_VIOL_FIXES];
    uint32_t qualification;               /* guest class: the exit qualification it causes */
    uint32_t index;                       /* MSR-load class: 1-based entry; else 0 */
    uint64_t aux;                         /* MSR-load: the MSR index; else rule-specific detail */
} vxa_violation;

typedef enum vxa_undet_reason {
    VXA_UR_MSR_MISSING,      /* the profile lacks the MSR (aux = MSR index) */
    VXA_UR_MODEL_SPECIFIC,   /* the SDM leaves it model-specific */
    VXA_UR_MEMORY,           /* the memory reader could not supply the bytes (aux = address) */
    VXA_UR_CPUID_UNKNOWN,    /* the profile does not state a CPUID feature (aux = VXA_CPUID_*) */
    VXA_UR_MSR_VALUE         /* MSR-load: whether the MSR accepts the value is not in the profile */
} vxa_undet_reason;

typedef struct vxa_undetermined { uint16_t check; uint8_t reason; uint64_t aux; } vxa_undetermined;

#define VXA_MAX_VIOLATIONS 96
#define VXA_MAX_UNDETERMINED 48
#define VXA_MAX_VMWRITE 32
typedef struct vxa_report {
    vxa_outcome outcome;
    bool outcome_assumes_undetermined_pass;  /* there are undetermined rules of a class reached */
    uint16_t nviolations;                    /* may exceed VXA_MAX_VIOLATIONS: then truncated */
    vxa_violation violations[VXA_MAX_VIOLATIONS];
    uint16_t nundetermined;
    vxa_undetermined undetermined[VXA_MAX_UNDETERMINED];
    uint16_t nvmwrite;                       /* fields set whose VMWRITE fails */
    uint16_t vmwrite_field[VXA_MAX_VMWRITE];
    uint8_t vmwrite_error[VXA_MAX_VMWRITE];  /* 12: unsupported field; 13: read-only field */
} vxa_report;

/* ------------------------------------------------------------------------------------------ */
/* Models: named sets of deviations from the SDM (design §3.5).                                */
typedef enum vxa_model { VXA_MODEL_SDM, VXA_MODEL_BOCHS_2_7, VXA_MODEL_COUNT } vxa_model;
const char *vxa_model_name(vxa_model m);          /* "sdm", "bochs-2.7" */
vxa_model vxa_model_by_name(const char *name);    /* VXA_MODEL_COUNT if unknown */

/* ------------------------------------------------------------------------------------------ */
/* The audit.                                                                                  */
typedef struct vxa_input {
    const vxa_profile *profile;
    const vxa_vmcs *vmcs;
    const vxa_entry *entry;         /* NULL: defaults (vxa_entry_init) */
    const vxa_memory *memory;       /* NULL: all memory reads as zero */
    uint8_t model;                  /* vxa_model */
    uint8_t *reads;                 /* optional, (VXA_FIELD_COUNT+7)/8 bytes: set to the fields
                                       the rules read (for `check --lint`); NULL = not tracked */
} vxa_input;

/* Runs every rule, fills *out.  Returns 0, or -1 if an argument is NULL. */
int vxa_audit(const vxa_input *in, vxa_report *out);

/* Equal outcomes: result, exit reason and vector equal, error and qualification sets equal. */
bool vxa_outcome_equal(const vxa_outcome *a, const vxa_outcome *b);

/* Repair (design §3.6): audit -> apply the fixes -> audit ..., at most max_rounds rounds, until
 * no VMCS rule is violated.  Only fields that a violated rule names are changed.  *out gets the
 * repaired layout, *report the last audit.  Returns true when the layout audits clean (no
 * control, host, guest or MSR-load violation; instruction preconditions are not VMCS state). */
typedef struct vxa_repair_result {
    unsigned rounds;
    bool clean;
    unsigned nchanged;
    uint8_t changed[(VXA_FIELD_COUNT + 7) / 8];   /* bit f: field f was changed */
} vxa_repair_result;
bool vxa_repair(const vxa_input *in, unsigned max_rounds, vxa_vmcs *out, vxa_report *report,
                vxa_repair_result *res);

#ifdef __cplusplus
}
#endif
#endif
