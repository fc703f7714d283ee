/* internal.h — what the check files share: the audit context, typed control-word accessors and
 * the one-line rule helpers.  Freestanding: compiler headers only. */
#ifndef VMXAUDIT_INTERNAL_H
#define VMXAUDIT_INTERNAL_H

#include "vmxaudit/vmxaudit.h"
#include "vmxaudit/vmx_bits.h"

/* VXA_PRIVATE marks what the engine's sources share but no caller may use (SQLite's pattern):
 * `static` in the amalgamation, whose sources are one translation unit; in the library, hidden
 * (-fvisibility=hidden: only VXA_API is exported). */
#ifndef VXA_PRIVATE
#ifdef VMXAUDIT_AMALGAMATION
#define VXA_PRIVATE static
#else
#define VXA_PRIVATE
#endif
#endif

#include "quirks.h"

/* The audit context.  The effective control words are the layout's values, except that the
 * secondary/tertiary/secondary-exit words read as 0 when their "activate" bit is 0 (SDM 25.6.2,
 * 25.7.1: "if ... is 0, the processor operates as if all the ... controls were 0"). */
typedef struct vxa_ctx {
    const vxa_profile *p;
    const vxa_vmcs *v;
    const vxa_entry *e;
    const vxa_memory *mem;
    vxa_report *r;
    uint8_t model;                /* vxa_model */
    uint32_t pin, proc, proc2, exit, entry;
    uint64_t proc3, exit2;
    vxa_violation scratch;        /* where violations beyond VXA_MAX_VIOLATIONS are written */
    uint8_t *reads;               /* optional bitmap of the fields the rules read (check --lint) */
    bool track;                   /* the layout has fields not captured or assumed: then reads
                                     is set (the caller's, or the audit's own) */
    uint8_t own_reads[(VXA_FIELD_COUNT + 7) / 8];
    /* The probe (audit.c): the rules run again with the fields not captured read as all ones;
     * what they would violate then is recorded here, not in the report. */
    bool probe;
    bool probe_pending;           /* scratch holds the probe's last violation */
} vxa_ctx;

/* ---- field values ---- */
/* The one accessor of the layout's values: every rule reads its fields here (tests/
 * field_access.sh keeps raw reads out of the checks).  It records the read, for `check --lint`
 * and, where the layout has fields not captured (which read as 0) or assumed, for the audit: the
 * report lists those the rules read, and a violation that names a field not captured becomes
 * undetermined (audit.c). */
#if defined(__GNUC__)
#define VXA_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define VXA_UNLIKELY(x) (x)
#endif
/* out of line, the rare case: records the read; in the probe, a field not captured is all ones */
VXA_PRIVATE uint64_t vxa_fv_tracked(const vxa_ctx *c, vxa_field f);
static inline uint64_t vxa_fv(const vxa_ctx *c, vxa_field f)
{
    if (VXA_UNLIKELY(c->reads != 0)) return vxa_fv_tracked(c, f);
    return c->v->value[f];
}
#define FV(c, NAME) vxa_fv((c), VXA_F_##NAME)
/* Rules that read memory at an address a field gives ask first: is the field not captured?  Then
 * the rule is undetermined (VXA_UR_NOT_CAPTURED), and no memory is read at the 0 it reads as. */
static inline bool vxa_not_captured(const vxa_ctx *c, vxa_field f)
{
    if (c->reads) c->reads[f >> 3] |= (uint8_t)(1u << (f & 7));
    return c->track && vxa_is_not_captured(c->v, f);
}

/* ---- typed control-word accessors (one enum type per word) ---- */
static inline bool pin(const vxa_ctx *c, vxa_pin_bit b) { return (c->pin >> b) & 1u; }
static inline bool proc(const vxa_ctx *c, vxa_proc_bit b) { return (c->proc >> b) & 1u; }
static inline bool proc2(const vxa_ctx *c, vxa_proc2_bit b) { return (c->proc2 >> b) & 1u; }
static inline bool proc3(const vxa_ctx *c, vxa_proc3_bit b) { return (c->proc3 >> b) & 1u; }
static inline bool exitc(const vxa_ctx *c, vxa_exit_bit b) { return (c->exit >> b) & 1u; }
static inline bool exit2(const vxa_ctx *c, vxa_exit2_bit b) { return (c->exit2 >> b) & 1u; }
static inline bool entry(const vxa_ctx *c, vxa_entry_bit b) { return (c->entry >> b) & 1u; }
#define BIT(n) (1ull << (n))
#define PIN_BIT(b) BIT((vxa_pin_bit)(b))

/* ---- mutant engines (harness/bench/mutant_engine.c, docs/mutation-score.md) ----
 * Only the mutation-score build defines VXA_MUTANTS (the amalgamation compiled once more as a
 * separate library; the shipped engine never is): a runtime selector changes exactly one thing.
 * Without it every hook below is a constant, so the shipped code path is unchanged. */
#ifdef VXA_MUTANTS
#ifndef VMXAUDIT_AMALGAMATION
#error "VXA_MUTANTS: build the amalgamation (harness/bench/mutant_engine.c)"
#endif
/* the boundaries defined in shared helpers (values = enum vxam_hook of mutant_engine.h) */
enum { VXA_MB_NONE, VXA_MB_CANONICAL_WIDTH, VXA_MB_ALIGN, VXA_MB_S_CET_RSVD };
typedef struct vxa_mutant_sel {
    int disable;        /* a check whose rule never fires (vxa_rule returns false), or -1 */
    int keep_only;      /* record only this check's violations (control flow unchanged), or -1 */
    int boundary;       /* VXA_MB_*: the helper value moved, by `delta` (+1 / -1) */
    int delta;
    int without_quirk;  /* a quirk the models do not have, or -1 */
} vxa_mutant_sel;
static vxa_mutant_sel vxa_mut = { -1, -1, VXA_MB_NONE, 0, -1 };
#define VXA_MUT_DISABLED(id) (vxa_mut.disable == (int)(id))
#define VXA_MUT_UNRECORDED(id) \
    (vxa_mut.disable == (int)(id) || (vxa_mut.keep_only >= 0 && vxa_mut.keep_only != (int)(id)))
/* a width or count: N -> N + delta */
#define VXA_MUT_WIDTH(kind, n) (vxa_mut.boundary == (kind) ? (n) + vxa_mut.delta : (n))
/* a mask of the low bits an alignment leaves (0xfff): 4096 -> 8192 (+1) or 2048 (-1) */
#define VXA_MUT_ALIGN(kind, low) \
    (vxa_mut.boundary != (kind) ? (low) : vxa_mut.delta > 0 ? (low) << 1 | 1u : (low) >> 1)
/* a reserved-bit mask shifted by one bit position */
#define VXA_MUT_MASK(kind, m) \
    (vxa_mut.boundary != (kind) ? (m) : vxa_mut.delta > 0 ? (m) << 1 : (m) >> 1)
#define VXA_MUT_QUIRK_REMOVED(q) (vxa_mut.without_quirk == (int)(q))
#else
#define VXA_MUT_DISABLED(id) 0
#define VXA_MUT_UNRECORDED(id) 0
#define VXA_MUT_WIDTH(kind, n) (n)
#define VXA_MUT_ALIGN(kind, low) (low)
#define VXA_MUT_MASK(kind, m) (m)
#define VXA_MUT_QUIRK_REMOVED(q) 0
#endif

/* A deviation of the model being predicted (quirks.h). */
static inline bool quirk(const vxa_ctx *c, vxa_quirk q) { return vxa_model_has_quirk(c->model, q); }

/* ---- capability helpers (profile) ---- */
/* Is the 1-setting of control bit b allowed?  1 yes, 0 no, -1 MSR not captured. */
VXA_PRIVATE int vxa_can_set(const vxa_profile *p, vxa_word w, unsigned bit);
static inline uint64_t msr(const vxa_ctx *c, unsigned i) { return c->p->msr[i]; }
static inline bool has_msr(const vxa_ctx *c, unsigned i) { return vxa_profile_has(c->p, i); }

/* Does the CPU support Intel 64 (CPUID.80000001H:EDX.LM)?  1 yes, 0 no, -1 the profile does not
 * say (the codec derives it from IA32_VMX_BASIC[48] when the profile states no cpuid.lm; a
 * profile without either reads as unknown). */
VXA_PRIVATE int vxa_intel64(const vxa_ctx *c);
/* A CPUID feature (VXA_CPUID_*): 1 present, 0 absent, -1 the profile does not say. */
VXA_PRIVATE int vxa_cpuid(const vxa_ctx *c, uint32_t feature);

/* ---- address helpers ---- */
/* Physical address within MAXPHYADDR (and within 32 bits if IA32_VMX_BASIC[48] = 1). */
VXA_PRIVATE bool vxa_pa_ok(const vxa_ctx *c, uint64_t pa);
VXA_PRIVATE uint64_t vxa_pa_mask(const vxa_ctx *c);            /* the bits an address may have */
/* Canonical for the profile's linear-address width (48 or 57). */
VXA_PRIVATE bool vxa_canonical(const vxa_ctx *c, uint64_t la);
/* sign-extend from the width */
VXA_PRIVATE uint64_t vxa_canonical_fix(const vxa_ctx *c, uint64_t la);

/* ---- memory ---- */
/* Reads guest-physical memory; zeroes when no reader.  Returns 0 on success. */
VXA_PRIVATE int vxa_read(const vxa_ctx *c, uint64_t pa, void *buf, uint32_t len);
VXA_PRIVATE uint64_t vxa_read_u64_le(const uint8_t *b);

/* ---- recording results ---- */
/* Appends a violation of `id` (or counts it when the report is full: then a scratch record is
 * returned so callers never test for NULL). */
VXA_PRIVATE vxa_violation *vxa_fail(vxa_ctx *c, vxa_check id);
VXA_PRIVATE void vxa_vfield(vxa_violation *v, vxa_field f, uint64_t value);
VXA_PRIVATE void vxa_vfix(vxa_violation *v, vxa_field f, uint64_t value);
VXA_PRIVATE void vxa_vallowed(vxa_violation *v, uint64_t must_be_1, uint64_t may_be_1);
/* Violation v also depends on field f, which it does not otherwise name (a control bit that
 * turns the rule on): named when f is not captured, so that v becomes undetermined. */
VXA_PRIVATE void vxa_vdepends(const vxa_ctx *c, vxa_violation *v, vxa_field f);
VXA_PRIVATE void vxa_undet(vxa_ctx *c, vxa_check id, vxa_undet_reason why, uint64_t aux);
/* Rule id needs field f, which was not captured (VXA_UR_NOT_CAPTURED; also in the probe). */
VXA_PRIVATE void vxa_undet_nc(vxa_ctx *c, vxa_check id, vxa_field f);

/* A rule on one field: when `violated`, record it with the field's value, the offending bits and
 * (if has_fix) the value the field should get.  Returns `violated`. */
VXA_PRIVATE bool vxa_rule(vxa_ctx *c, vxa_check id, bool violated, vxa_field f, uint64_t bits,
                          bool has_fix, uint64_t fix);
/* The SDM-bullet one-liners.  RULE: with a fix; RULE_NOFIX: without. */
#define RULE(c, ID, cond, FIELD, bits, fix) \
    vxa_rule((c), VXA_C_##ID, (cond), VXA_F_##FIELD, (bits), true, (fix))
#define RULE_NOFIX(c, ID, cond, FIELD, bits) \
    vxa_rule((c), VXA_C_##ID, (cond), VXA_F_##FIELD, (bits), false, 0)

/* IA32_S_CET in field f against the reserved bits the CET features leave (undetermined where
 * the profile does not state CET_SS / CET_IBT). */
VXA_PRIVATE void vxa_rule_s_cet(vxa_ctx *c, vxa_check id, vxa_field f);

/* IA32_PERF_GLOBAL_CTRL in field f (27.2.2 host, 27.3.1.1 guest): bits 63:49 and the enables of
 * counters the profile's PMU lacks are reserved; enables it does not decide are undetermined
 * (VXA_UR_PMU_UNKNOWN, aux = those bits). */
VXA_PRIVATE void vxa_rule_perf_global_ctrl(vxa_ctx *c, vxa_check id, vxa_field f);

/* Allowed-settings rule for a control word (SDM 27.2.1.1 first bullets): records ALLOWED0 /
 * ALLOWED1 violations (with must_be_1/may_be_1 and the fixed value) or undetermined. */
VXA_PRIVATE void vxa_rule_allowed(vxa_ctx *c, vxa_check id_allowed0, vxa_check id_allowed1,
                                  vxa_word w, vxa_field f, uint64_t value);

/* CR0/CR4 against IA32_VMX_CRx_FIXED0/FIXED1 (SDM 24.8, Appendix A.7-A.8): records id0 (a bit
 * fixed to 1 is 0) and id1 (a bit fixed to 0 is 1) with must_be_1/may_be_1 and a fix; `exempt`
 * bits are not checked.  A missing MSR makes its half undetermined. */
VXA_PRIVATE void vxa_rule_fixed(vxa_ctx *c, vxa_check id0, vxa_check id1, vxa_field f,
                                unsigned fixed0, unsigned fixed1, uint64_t exempt);

/* The MSR-store/-load area rules (27.2.1.2, 27.2.1.3): alignment, width, last byte; in
 * exit_controls.c. */
VXA_PRIVATE void vxa_ctrl_msr_area(vxa_ctx *c, vxa_check id_align, vxa_check id_width,
                                   vxa_check id_end, vxa_field f_addr, vxa_field f_count);

/* Instruction and VMXON classes: the violation carries the CPU's answer (checked in order). */
#define VXA_ANSWER(result, code) ((uint64_t)(result) << 8 | (uint64_t)(code))
VXA_PRIVATE vxa_violation *vxa_fail_answer(vxa_ctx *c, vxa_check id, vxa_result result,
                                           unsigned code);

/* ---- the check sections, in the order the CPU considers them ---- */
VXA_PRIVATE void vxa_checks_vmxon(vxa_ctx *c);              /* Vol. 2 VMXON, Vol. 3C 24.7 */
VXA_PRIVATE void vxa_checks_instruction(vxa_ctx *c);        /* 27.1 */
VXA_PRIVATE void vxa_checks_exec_controls(vxa_ctx *c);      /* 27.2.1.1 */
VXA_PRIVATE void vxa_checks_exit_controls(vxa_ctx *c);      /* 27.2.1.2 */
VXA_PRIVATE void vxa_checks_entry_controls(vxa_ctx *c);     /* 27.2.1.3 */
VXA_PRIVATE void vxa_checks_host_regs(vxa_ctx *c);          /* 27.2.2 */
VXA_PRIVATE void vxa_checks_host_segs(vxa_ctx *c);          /* 27.2.3 */
VXA_PRIVATE void vxa_checks_host_addrsize(vxa_ctx *c);      /* 27.2.4 */
VXA_PRIVATE void vxa_checks_guest_regs(vxa_ctx *c);         /* 27.3.1.1 */
VXA_PRIVATE void vxa_checks_guest_segs(vxa_ctx *c);         /* 27.3.1.2 */
VXA_PRIVATE void vxa_checks_guest_dtr(vxa_ctx *c);          /* 27.3.1.3 */
VXA_PRIVATE void vxa_checks_guest_rip_rflags(vxa_ctx *c);   /* 27.3.1.4 */
VXA_PRIVATE void vxa_checks_guest_nonreg(vxa_ctx *c);       /* 27.3.1.5 */
VXA_PRIVATE void vxa_checks_guest_pdpte(vxa_ctx *c);        /* 27.3.1.6 */
VXA_PRIVATE void vxa_checks_msr_load(vxa_ctx *c);           /* 27.4 */

/* Does the report hold a control, host, guest or MSR-load violation (repair.c)? */
VXA_PRIVATE bool vxa_vmcs_violated(const vxa_report *r);

/* freestanding string helpers */
VXA_PRIVATE int vxa_strcasecmp(const char *a, const char *b);

#endif
