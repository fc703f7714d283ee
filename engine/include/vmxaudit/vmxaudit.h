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

/* Versions (engine/EMBEDDING.md, "Versions"): VMXAUDIT_API_VERSION is the ABI generation, the
 * shared library's SONAME (libvmxaudit.so.3); it is bumped by any change that breaks a program
 * built against an earlier header.  VMXAUDIT_VERSION is the release, MAJOR.MINOR.PATCH: MINOR
 * grows with compatible additions, PATCH with fixes.  vxa_api_version() and vxa_version() give
 * the library's own values, to compare with the header's at run time. */
#define VMXAUDIT_API_VERSION 3
#define VMXAUDIT_VERSION_MAJOR 0
#define VMXAUDIT_VERSION_MINOR 3
#define VMXAUDIT_VERSION_PATCH 0
#define VMXAUDIT_STRINGIFY_(x) #x
#define VMXAUDIT_STRINGIFY(x) VMXAUDIT_STRINGIFY_(x)
#define VMXAUDIT_VERSION VMXAUDIT_STRINGIFY(VMXAUDIT_VERSION_MAJOR) "." \
    VMXAUDIT_STRINGIFY(VMXAUDIT_VERSION_MINOR) "." VMXAUDIT_STRINGIFY(VMXAUDIT_VERSION_PATCH)

/* VXA_API marks every public function and object.  The shared library is built with
 * -fvisibility=hidden and exports exactly these (tests/abi.sh); in the amalgamation everything
 * else is static.  A Windows DLL build defines VXA_BUILDING_DLL. */
#ifndef VXA_API
#if defined(_WIN32) && defined(VXA_BUILDING_DLL)
#define VXA_API __declspec(dllexport)
#elif defined(_WIN32)
#define VXA_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#define VXA_API __attribute__((visibility("default")))
#else
#define VXA_API
#endif
#endif

VXA_API unsigned vxa_api_version(void);          /* VMXAUDIT_API_VERSION of the library */
VXA_API const char *vxa_version(void);           /* VMXAUDIT_VERSION of the library */

/* ------------------------------------------------------------------------------------------ */
/* VMCS fields (table: vmxaudit/fields.def)                                                    */

typedef enum vxa_width { VXA_W16, VXA_W64, VXA_W32, VXA_WN } vxa_width;   /* = encoding bits 14:13 */
typedef enum vxa_kind { VXA_KIND_CTRL, VXA_KIND_RO, VXA_KIND_GUEST, VXA_KIND_HOST } vxa_kind; /* bits 11:10 */

/* What a field's value is (fields.def VALUE column): what its bits mean to the rules, for
 * reports (bit names), mutators (boundary values) and importers. */
typedef enum vxa_value_kind {
    VXA_VALUE_PLAIN,          /* a number, a bitmap, an MSR value: nothing more specific */
    VXA_VALUE_PHYS_ADDR,      /* a physical address (with flags in its low bits for CR3/EPTP) */
    VXA_VALUE_LINEAR_ADDR,    /* a linear address: canonical or 32-bit by mode */
    VXA_VALUE_SELECTOR,       /* a segment selector: index, TI (bit 2), RPL (bits 1:0) */
    VXA_VALUE_ACCESS_RIGHTS,  /* segment access rights as the VMCS holds them (25.4.1) */
    VXA_VALUE_LIMIT,          /* a segment or descriptor-table limit */
    VXA_VALUE_CONTROL,        /* a control word: vxa_field_control_word(), controls.def */
    VXA_VALUE_CR0, VXA_VALUE_CR4, VXA_VALUE_EFER, VXA_VALUE_RFLAGS,   /* that register's bits */
    VXA_VALUE_COUNT
} vxa_value_kind;
/* "physical address", ...; NULL if out of range */
VXA_API const char *vxa_value_kind_name(vxa_value_kind k);

typedef enum vxa_field {
#define VXA_FIELD(name, enc, width, kind, value, gate) VXA_F_##name,
#include "vmxaudit/fields.def"
#undef VXA_FIELD
    VXA_FIELD_COUNT,
    VXA_F_NONE = 0xffff
} vxa_field;

/* Control words (table: vmxaudit/controls.def: PIN PROC PROC2 PROC3 EXIT EXIT2 ENTRY VMFUNC) and
 * the other capability words a field or rule can depend on. */
typedef enum vxa_word {
    VXA_WORD_NONE,
#define VXA_CONTROL_WORD(W, w, field, msr, title) VXA_WORD_##W,
#define VXA_CONTROL(W, bit, name, default1, display)
#define VXA_CONTROL_END(W, w)
#include "vmxaudit/controls.def"
#undef VXA_CONTROL_WORD
#undef VXA_CONTROL
#undef VXA_CONTROL_END
    VXA_WORD_BASIC, VXA_WORD_SEAM, VXA_WORD_COUNT
} vxa_word;

typedef struct vxa_field_info {
    const char *name;      /* canonical name, e.g. "GUEST_CR0" */
    uint32_t encoding;
    uint8_t width;         /* vxa_width */
    uint8_t kind;          /* vxa_kind */
    uint8_t gate_word[2];  /* vxa_word; VXA_WORD_NONE = no condition */
    uint8_t gate_bit[2];
    uint8_t value;         /* vxa_value_kind */
} vxa_field_info;

VXA_API const vxa_field_info *vxa_field_get(vxa_field f);                 /* NULL if out of range */
/* VXA_F_NONE if unknown */
VXA_API vxa_field vxa_field_by_encoding(uint32_t encoding);
/* case-insensitive; VXA_F_NONE */
VXA_API vxa_field vxa_field_by_name(const char *name);
/* all bits the field can hold */
VXA_API uint64_t vxa_field_mask(vxa_field f);

/* ------------------------------------------------------------------------------------------ */
/* Controls (table: vmxaudit/controls.def; the bit constants: vmxaudit/vmx_bits.h)             */

typedef struct vxa_word_info {
    const char *name;      /* short name: "pin", "proc", "proc2", ... */
    const char *title;     /* "Pin-based VM-execution controls" */
    uint16_t field;        /* vxa_field holding the word: VXA_F_PIN_BASED_VM_EXEC_CONTROL */
    uint8_t msr;           /* the capability MSR of its allowed settings: VXA_MSR_PINBASED_CTLS */
    uint64_t default1;     /* the default1 class (SDM A.2): must be 1 unless a TRUE MSR allows 0 */
} vxa_word_info;
typedef struct vxa_control_info {
    const char *name;      /* C name without the word: "NMI_EXITING"; "RESERVED_1" */
    const char *display;   /* the SDM's name: "NMI exiting"; NULL for a reserved default1 bit */
    uint8_t word;          /* vxa_word */
    uint8_t bit;
    bool default1;         /* in the word's default1 class */
} vxa_control_info;
enum {
    VXA_CONTROL_COUNT = 0
#define VXA_CONTROL_WORD(W, w, field, msr, title)
#define VXA_CONTROL(W, bit, name, default1, display) + 1
#define VXA_CONTROL_END(W, w)
#include "vmxaudit/controls.def"
#undef VXA_CONTROL_WORD
#undef VXA_CONTROL
#undef VXA_CONTROL_END
};

/* NULL unless a control word (PIN..VMFUNC) */
VXA_API const vxa_word_info *vxa_word_get(vxa_word w);
/* "pin", ..., "vmfunc", "basic", "seam"; NULL */
VXA_API const char *vxa_word_name(vxa_word w);
/* its default1 class; 0 for other words */
VXA_API uint64_t vxa_word_default1(vxa_word w);
/* the control word f holds; VXA_WORD_NONE */
VXA_API vxa_word vxa_field_control_word(vxa_field f);
/* The rows of controls.def, by word and then bit: i < VXA_CONTROL_COUNT, else NULL. */
VXA_API const vxa_control_info *vxa_control_get(unsigned i);
/* NULL: not in the table */
VXA_API const vxa_control_info *vxa_control_find(vxa_word w, unsigned bit);

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
/* "IA32_VMX_BASIC", ...; NULL if out of range */
VXA_API const char *vxa_msr_name(unsigned i);

/* CPUID features that VM-entry rules consult (table: vmxaudit/cpuid.def): VXA_CPUID_CET_SS, ...
 * are masks of vxa_profile.cpuid; bit i is row i of the table. */
enum {
#define VXA_CPUID(NAME, name, leaf, subleaf, reg, bit) VXA_CPUID_BIT_##NAME,
#include "vmxaudit/cpuid.def"
#undef VXA_CPUID
    VXA_CPUID_COUNT
};
enum {
#define VXA_CPUID(NAME, name, leaf, subleaf, reg, bit) \
    VXA_CPUID_##NAME = 1u << VXA_CPUID_BIT_##NAME,
#include "vmxaudit/cpuid.def"
#undef VXA_CPUID
};
typedef enum vxa_cpuid_reg { VXA_REG_EAX, VXA_REG_EBX, VXA_REG_ECX, VXA_REG_EDX } vxa_cpuid_reg;
typedef struct vxa_cpuid_info {
    const char *name;          /* the profile key: "cet_ss" */
    uint32_t leaf, subleaf;    /* CPUID.(EAX=leaf, ECX=subleaf) */
    uint8_t reg;               /* vxa_cpuid_reg: where the result is */
    uint8_t bit;
} vxa_cpuid_info;
VXA_API const vxa_cpuid_info *vxa_cpuid_get(unsigned bit);   /* bit < VXA_CPUID_COUNT, else NULL */
VXA_API const char *vxa_cpuid_name(unsigned bit);        /* "cet_ss", ...; NULL if out of range */

#define VXA_PMU_TYPES 3   /* core types a profile's PMU may list (Meteor Lake: P, E, LP E) */
typedef struct vxa_profile {
    uint64_t msr[VXA_MSR_COUNT];
    uint32_t msr_present;          /* bit i: msr[i] was captured; absent means "not captured" */
    uint8_t maxphyaddr;            /* physical-address width */
    bool maxphyaddr_default;       /* true: not given, 52 assumed */
    uint8_t linear_address_width;  /* 48 or 57 */
    uint32_t cpuid;                /* VXA_CPUID_* that are present */
    uint32_t cpuid_known;          /* VXA_CPUID_* whose presence the profile states */
    /* The PMU, which decides the reserved bits 48:0 of IA32_PERF_GLOBAL_CTRL (SDM Vol. 3B 21.2:
     * CPUID.0AH counts the counters; IA32_PERF_CAPABILITIES[15] enumerates EN_PERF_METRICS), one
     * entry per core type: a hybrid part's core types enumerate different counters. */
    uint8_t pmu_types;                            /* core types captured; 0: the PMU is not captured */
    uint8_t pmu_perf_caps_known;                  /* bit t: pmu_perf_caps[t] was captured */
    uint32_t pmu_cpuid_0a[VXA_PMU_TYPES][4];      /* CPUID.0AH: EAX, EBX, ECX, EDX */
    uint64_t pmu_perf_caps[VXA_PMU_TYPES];        /* IA32_PERF_CAPABILITIES (MSR 345H) */
} vxa_profile;

/* nothing captured, MAXPHYADDR 52, LA width 48 */
VXA_API void vxa_profile_init(vxa_profile *p);
/* The profile as the profile format states it (every reader calls it once after filling one
 * in): only the MSRs and CPUID features this header names, a feature present only where known,
 * MAXPHYADDR 32..52 (else the default), a linear-address width of 48 or 57; Intel 64 support
 * (cpuid "lm"), where not stated, from IA32_VMX_BASIC[48] = 0 (SDM A.1: always 0 on a processor
 * that supports Intel 64). */
VXA_API void vxa_profile_normalize(vxa_profile *p);
static inline bool vxa_profile_has(const vxa_profile *p, unsigned i)
{
    return i < VXA_MSR_COUNT && (p->msr_present >> i) & 1u;
}

/* IA32_PERF_GLOBAL_CTRL (SDM Vol. 3B 21.2.2 "Architectural Performance Monitoring Version 2",
 * 21.2.5 "Version 5", 21.3.9.3 "Performance Metrics"): *exists: the enable bits of counters that
 * every core type of the profile has; *known: the bits whose existence the profile decides (63:49
 * always, reserved whatever the PMU; 48:0 from the PMU entries, where every core type agrees). */
VXA_API void vxa_perf_global_ctrl_bits(const vxa_profile *p, uint64_t *exists, uint64_t *known);

/* Allowed settings of a control word (SDM Appendix A.3-A.5, honouring IA32_VMX_BASIC[55]).
 * must_be_1: bits whose 0-setting is not allowed; may_be_1: bits whose 1-setting is allowed.
 * Returns false (and sets *missing to the MSR index needed) when the profile lacks the MSR. */
VXA_API bool vxa_allowed(const vxa_profile *p, vxa_word w, uint64_t *must_be_1, uint64_t *may_be_1,
                         unsigned *missing);
/* Does the field exist on this CPU (its gate is allowed-1 and its index fits VMCS_ENUM)?
 * Returns 1 yes, 0 no (VMWRITE fails with error 12), -1 undetermined (MSR not captured). */
VXA_API int vxa_field_exists(const vxa_profile *p, vxa_field f);

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
VXA_API unsigned vxa_profile_check(const vxa_profile *p, vxa_profile_warning *out, unsigned max);

/* ------------------------------------------------------------------------------------------ */
/* VMCS layout, entry environment, memory                                                      */

/* A layout.  Each field is in one of three states: given (`set`; possibly `assumed`: filled in
 * by a documented convention of the hypervisor that wrote the dump, not read from the VMCS), not
 * given (reads as 0: a hand-written layout), or not captured (`not_captured`: nobody read it; it
 * has no value, and every rule that needs it is undetermined, docs/outcome-model.md). */
typedef struct vxa_vmcs {
    uint64_t value[VXA_FIELD_COUNT];
    uint8_t set[(VXA_FIELD_COUNT + 7) / 8];   /* bit f: the layout gave field f (else it reads 0) */
    uint8_t not_captured[(VXA_FIELD_COUNT + 7) / 8];  /* bit f: nobody captured f (never with set) */
    uint8_t assumed[(VXA_FIELD_COUNT + 7) / 8];       /* bit f: f's value is assumed (always with set) */
} vxa_vmcs;

VXA_API void vxa_vmcs_init(vxa_vmcs *v);
static inline uint64_t vxa_get(const vxa_vmcs *v, vxa_field f) { return v->value[f]; }
static inline bool vxa_is_set(const vxa_vmcs *v, vxa_field f) { return (v->set[f >> 3] >> (f & 7)) & 1u; }
/* Gives f a value (masked to the field's width): no longer not captured, nor assumed. */
VXA_API void vxa_set(vxa_vmcs *v, vxa_field f, uint64_t value);
/* f is no longer given: it reads as 0 (not captured stays as it was). */
VXA_API void vxa_unset(vxa_vmcs *v, vxa_field f);
/* Nobody captured f: clears its value, `set` and `assumed`; the rules that need it are
 * undetermined. */
VXA_API void vxa_set_not_captured(vxa_vmcs *v, vxa_field f);
VXA_API bool vxa_is_not_captured(const vxa_vmcs *v, vxa_field f);
/* Sets f's value (as vxa_set) and marks it assumed: filled in by convention, not captured. */
VXA_API void vxa_set_assumed(vxa_vmcs *v, vxa_field f, uint64_t value);
VXA_API bool vxa_is_assumed(const vxa_vmcs *v, vxa_field f);

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
    bool current_vmcs_shadow;     /* the current VMCS is a shadow VMCS (its header's bit 31 set,
                                     SDM 25.2); default false */
} vxa_entry;

VXA_API void vxa_entry_init(vxa_entry *e);

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

VXA_API const vxa_check_info *vxa_check_get(vxa_check c);
/* VXA_CHECK_COUNT if unknown (case-insensitive) */
VXA_API vxa_check vxa_check_by_id(const char *id);
/* "vmxon", "instruction", "controls", ... */
VXA_API const char *vxa_class_name(vxa_class c);
/* the SDM edition the catalogue follows */
VXA_API extern const char vxa_sdm_edition[];

/* ------------------------------------------------------------------------------------------ */
/* Report                                                                                      */

typedef enum vxa_result {
    VXA_ENTERED, VXA_VMFAIL_INVALID, VXA_VMFAIL_VALID, VXA_ENTRY_FAILURE, VXA_FAULT
} vxa_result;
VXA_API const char *vxa_result_name(vxa_result r);        /* "entered", "vmfail_invalid", ... */

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
    VXA_UR_MSR_VALUE,        /* MSR-load: whether the MSR accepts the value is not in the profile */
    VXA_UR_NOT_CAPTURED,     /* a field the rule needs was not captured (aux = vxa_field) */
    VXA_UR_PMU_UNKNOWN       /* the profile's PMU (CPUID.0AH, IA32_PERF_CAPABILITIES) does not
                              * decide these IA32_PERF_GLOBAL_CTRL bits (aux = the bits) */
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
    /* bit f: field f is not captured and a rule read it.  A rule that fails with it read as 0
     * or as all ones is undetermined (VXA_UR_NOT_CAPTURED); one that passes both is assumed to
     * pass (outcome_assumes_undetermined_pass). */
    uint8_t not_captured_read[(VXA_FIELD_COUNT + 7) / 8];
    uint8_t assumed_read[(VXA_FIELD_COUNT + 7) / 8];   /* bit f: f is assumed and a rule read it */
} vxa_report;

/* ------------------------------------------------------------------------------------------ */
/* Models (table: vmxaudit/models.def): the SDM, or a version of another implementation with its
 * deviations from the SDM, the quirks (engine/src/quirks.def).                                */
typedef enum vxa_model {
#define VXA_MODEL(id, name, implementation, version) VXA_MODEL_##id,
#include "vmxaudit/models.def"
#undef VXA_MODEL
    VXA_MODEL_COUNT
} vxa_model;
typedef struct vxa_model_info {
    const char *name;             /* "bochs-2.7" */
    const char *implementation;   /* "Bochs" */
    const char *version;          /* "2.7" */
} vxa_model_info;
VXA_API const vxa_model_info *vxa_model_get(vxa_model m);  /* NULL if out of range */
VXA_API const char *vxa_model_name(vxa_model m);          /* "sdm", "bochs-2.7" */
VXA_API vxa_model vxa_model_by_name(const char *name);    /* VXA_MODEL_COUNT if unknown */

typedef struct vxa_quirk_info {
    const char *id;               /* "NO_DEBUGCTL_CHECK" */
    const char *does;             /* one line: what the implementation does */
    const char *sdm;              /* what the SDM says instead */
    const char *cases;            /* the tests and regression cases that record it */
    uint32_t models;              /* bit m: model m (vxa_model) has it */
    const uint16_t *checks;       /* the checks it affects (vxa_check), ended by VXA_CHECK_COUNT */
} vxa_quirk_info;
VXA_API unsigned vxa_quirk_count(void);
/* NULL if i >= vxa_quirk_count() */
VXA_API const vxa_quirk_info *vxa_quirk_get(unsigned i);
/* case-insensitive; NULL if unknown */
VXA_API const vxa_quirk_info *vxa_quirk_by_id(const char *id);

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
VXA_API int vxa_audit(const vxa_input *in, vxa_report *out);

/* ------------------------------------------------------------------------------------------ */
/* Agreement (docs/outcome-model.md): a prediction against what a CPU, or another
 * implementation, did; and two predictions against each other.                               */

/* The one agreement predicate: is the observed outcome within the predicted one?  (The
 * differential judge, the in-guest audit and live use all ask it.)  An observation normally
 * holds one value per set; where it holds several (an observer that could not tell them apart),
 * every one of them must be predicted.  Within when:
 *  - the result is the same (and one of vxa_result);
 *  - VMfailValid: the observation carries its VM-instruction error (the CPU always writes one,
 *    SDM 31.4) and it is in the predicted set ({7, 8} when controls and host state both fail:
 *    27.2 "may be performed in any order");
 *  - entry failure: the exit reason (33, 34, 41 without bit 31; or the VM exit of VMLAUNCH/
 *    VMRESUME in VMX non-root operation, 20/24) is the same; where the prediction states
 *    qualifications, the observation carries its exit qualification (27.8 writes it) and it is
 *    in the predicted set ({0, 2, 4} for guest-state rules; the 1-based index of the first bad
 *    entry for MSR loading); a prediction that states none leaves it open;
 *  - fault: the vector is the same;
 *  - entered, VMfailInvalid: nothing more.
 * An observation without the error or qualification the CPU reports is not within: membership
 * cannot be shown.  Undetermined rules: the prediction already assumes they pass
 * (vxa_report.outcome_assumes_undetermined_pass); whether one explains an observation outside
 * it is vxa_undetermined_explains().  Sets are read up to VXA_MAX_SET.  NULL: false. */
VXA_API bool vxa_outcome_within(const vxa_outcome *predicted, const vxa_outcome *observed);

/* For an observation outside the prediction of report: the first undetermined rule of the class
 * the observation failed in (VM-instruction error 7 or 8: controls or host state, one class for
 * the answer; exit reason 33: guest state; 34: MSR loading), when the prediction assumed the
 * undetermined rules pass — that rule, had it failed, gives the observation.  VXA_CHECK_COUNT
 * when none does (or an argument is NULL). */
VXA_API vxa_check vxa_undetermined_explains(const vxa_report *report, const vxa_outcome *observed);

/* Equal outcomes (two predictions, or a prediction and a case's `expect`; not an observation
 * against a prediction: that is vxa_outcome_within): result, exit reason and vector equal, the
 * error and qualification sets equal as sets (order and repeats do not count). */
VXA_API bool vxa_outcome_equal(const vxa_outcome *a, const vxa_outcome *b);

/* Repair (docs/architecture.md): audit -> apply the fixes -> audit ..., at most max_rounds rounds, until
 * no VMCS rule is violated.  Only fields that a violated rule names are changed.  *out gets the
 * repaired layout, *report the last audit.  Returns true when the layout audits clean (no
 * control, host, guest or MSR-load violation; instruction preconditions are not VMCS state). */
typedef struct vxa_repair_result {
    unsigned rounds;
    bool clean;
    unsigned nchanged;
    uint8_t changed[(VXA_FIELD_COUNT + 7) / 8];   /* bit f: field f was changed */
} vxa_repair_result;
VXA_API bool vxa_repair(const vxa_input *in, unsigned max_rounds, vxa_vmcs *out, vxa_report *report,
                        vxa_repair_result *res);

/* Root cause (engine/src/rootcause.c, docs/architecture.md): the smallest set of field changes
 * that makes a failing layout audit clean, found from the rules and the profile alone (never by
 * comparing with a known-good layout).  The search tries each field the violated rules name on
 * its own (the rules' fixes, then each single-bit change followed by the fixes), then pairs of
 * them, then a repair minimised field by field; it is bounded (VXA_ROOT_MAX_AUDITS audits). */
#define VXA_ROOT_FIELDS 32        /* fields in one set */
#define VXA_ROOT_SETS 4           /* equally small sets kept (more than one: ambiguous) */
#define VXA_ROOT_MAX_AUDITS 20000
typedef struct vxa_root_set {
    uint8_t n;
    uint16_t field[VXA_ROOT_FIELDS];
    uint64_t value[VXA_ROOT_FIELDS];     /* the value each field gets */
} vxa_root_set;
typedef struct vxa_root_work { vxa_report report; vxa_vmcs vmcs; } vxa_root_work;
typedef struct vxa_root_cause {
    bool found;                  /* set[0] makes the layout audit clean */
    bool smallest;               /* no smaller set exists (sizes 1 and 2 were searched in full) */
    uint8_t nsets;               /* sets of set[0]'s size found, best first */
    vxa_root_set set[VXA_ROOT_SETS];
    unsigned naudits;            /* audits the search ran */
    vxa_root_work work;          /* scratch (the engine has no heap) */
} vxa_root_cause;
/* Fills *rc for the layout in *in (found = false when it already audits clean or nothing found).
 * Returns rc->found.  *rc is large (two reports' worth): give it static or heap storage. */
VXA_API bool vxa_root_cause_find(const vxa_input *in, vxa_root_cause *rc);
/* Is violation v about one of the set's fields itself (its first field or a fix), rather than a
 * consequence of it (a rule on another field that the set's change also satisfies)? */
VXA_API bool vxa_root_set_names(const vxa_root_set *s, const vxa_violation *v);
/* repair --minimal: the layout with the root-cause set applied (vxa_repair where none is found).
 * Only the set's fields change.  Returns true when the result audits clean. */
VXA_API bool vxa_repair_minimal(const vxa_input *in, vxa_root_cause *rc, vxa_vmcs *out,
                                vxa_report *report, vxa_repair_result *res);

#ifdef __cplusplus
}
#endif
#endif
