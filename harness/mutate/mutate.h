/* mutate.h — the structure-aware mutation library shared by the fuzz mutator (harness/fuzz/mutator.c)
 * and the campaign generator (harness/diff/generator.c).  Operators on one case (layout + profile +
 * entry environment + the guest memory the rules read), driven by the engine's catalogue tables
 * (fields.def widths and value kinds, controls.def bits against the profile's allowed-0/1
 * settings) and one table of boundary values (boundary.c).  No globals: every random choice comes
 * from the vxa_mutator the caller owns (one per fuzzer instance, one per generated case).
 * Needs only the engine core, so the AFL++ mutator links it into a shared object. */
#ifndef VXA_MUTATE_H
#define VXA_MUTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmxaudit/vmxaudit.h"

/* ---- random numbers (rng.c): splitmix64, the state explicit ---- */
typedef struct vxa_rng { uint64_t s; } vxa_rng;
void vxa_rng_seed(vxa_rng *r, uint64_t seed);
uint64_t vxa_rng_next(vxa_rng *r);
unsigned vxa_rng_below(vxa_rng *r, unsigned n);             /* 0..n-1; 0 when n = 0 */
#define VXA_RNG_PICK(r, a) ((a)[vxa_rng_below((r), (unsigned)(sizeof(a) / sizeof((a)[0])))])

/* ---- the case an operator works on ---- */
/* Guest memory: put_mem writes len bytes at physical address addr into the case (replacing a
 * block at the same address); memory reads them back (for repair and the audit). */
typedef struct vxa_mut_case {
    vxa_profile *profile;
    vxa_vmcs *vmcs;
    vxa_entry *entry;
    uint8_t *model;                 /* NULL: the model is not the mutator's to change */
    void (*put_mem)(void *ctx, uint64_t addr, const uint8_t *bytes, unsigned len);
    vxa_memory memory;
    void *ctx;
} vxa_mut_case;

/* Operators.  The weights a user gives them (vxa_mut_weights) decide which it sees. */
typedef enum vxa_mut_op {
    VXA_OP_FLIP,           /* one bit of one field (bit picker: defined control bits, boundary bits) */
    VXA_OP_BOUNDARY,       /* a boundary value of the field's value kind (boundary.c) */
    VXA_OP_CONTROL,        /* a control bit against the allowed settings (SDM A.3-A.5) */
    VXA_OP_FEATURE,        /* a feature on or off, the layout repaired around it */
    VXA_OP_REPAIR_FLIP,    /* feature on, repair, flip one bit of a field the rules read */
    VXA_OP_EVENT,          /* event injection, activity, interruptibility, pending debug (27.2.1.3, 27.3.1.5) */
    VXA_OP_SEGMENT,        /* segment access-rights classes, selectors, DPL agreement (27.3.1.2) */
    VXA_OP_MSR_LOAD,       /* a VM-entry MSR-load list (27.4) */
    VXA_OP_MEMORY,         /* other memory the rules read: virtual-APIC TPR, link pointer, PDPTEs, VMXON region */
    VXA_OP_ENTRY,          /* the entry environment, current_vmcs_shadow included (27.1) */
    VXA_OP_PROFILE,        /* a self-consistent profile change (Appendix A) */
    VXA_OP_UNSET,          /* a field unwritten, or written with a small or random value */
    VXA_OP_CORRELATED,     /* several fields at once: states no single move reaches (ops_correlated.c) */
    VXA_OP_SINGLE_FAULT,   /* set up, repair, one fault, the other violations fixed (ops_single.c) */
    VXA_OP_COUNT
} vxa_mut_op;
const char *vxa_mut_op_name(vxa_mut_op op);

/* Flags of a mutator */
#define VXA_MUT_ORACLE_SAFE 1u   /* rarely inject event types 1 and 7 (Bochs 2.7 panics on a type-7
                                    injection that passes its checks: harness/diff/FINDINGS.md) or
                                    make an IA-32e guest with CR0.PE = 0 (a Bochs panic too), and
                                    keep the entry environment to what its payload sets up */
#define VXA_MUT_FIXED_PROFILE 2u /* the profile is a real CPU's (the oracle's): never changed */

typedef struct vxa_mutator {
    vxa_rng rng;
    unsigned flags;
    const uint8_t *reads;           /* (VXA_FIELD_COUNT+7)/8: fields the rules read, preferred by
                                       the pickers; NULL: none preferred */
    uint8_t model;                  /* the model repair and the audit use (vxa_model) */
    vxa_vmcs scratch;               /* repair's output */
    vxa_report report;              /* repair's and the audit's report */
    uint8_t scratch_reads[(VXA_FIELD_COUNT + 7) / 8];
} vxa_mutator;

void vxa_mut_init(vxa_mutator *m, uint64_t seed, unsigned flags);

/* Applies operator op to c.  Returns false when it found nothing to do (the case is unchanged). */
bool vxa_mut_apply(vxa_mutator *m, vxa_mut_case *c, vxa_mut_op op);
/* Picks an operator by weight (w[op], any scale; 0: never). */
vxa_mut_op vxa_mut_pick_op(vxa_mutator *m, const uint16_t w[VXA_OP_COUNT]);
/* Repair toward validity (vxa_repair, up to rounds rounds) under m->model; true if clean. */
bool vxa_mut_repair(vxa_mutator *m, vxa_mut_case *c, unsigned rounds);

/* ---- pickers (pick.c), driven by the catalogue ---- */
#define VXA_PICK_SET 1u        /* a field the layout gives */
#define VXA_PICK_READ 2u       /* a field in m->reads (when given) */
#define VXA_PICK_EXISTS 4u     /* a field that exists on the profile's CPU (vxa_field_exists = 1) */
#define VXA_PICK_WRITABLE 8u   /* not a read-only (exit-information) field */
/* A field meeting the flags, by a few random draws; the flags are relaxed from READ, SET,
 * EXISTS on if none qualifies. */
vxa_field vxa_pick_field(vxa_mutator *m, const vxa_mut_case *c, unsigned flags);
unsigned vxa_field_bits(vxa_field f);                       /* 16, 32 or 64 */
/* A bit of f worth flipping: for a control word a bit controls.def defines (or any, rarely); for
 * the others a boundary bit position of the field's value kind (boundary.c) or any bit of the width. */
unsigned vxa_pick_bit(vxa_mutator *m, const vxa_mut_case *c, vxa_field f);
/* One set bit of pool, uniformly; -1 if pool is 0. */
int vxa_pick_in(vxa_mutator *m, uint64_t pool);

/* ---- boundary values (boundary.c): one table, by value kind ---- */
uint64_t vxa_boundary_value(vxa_mutator *m, const vxa_mut_case *c, vxa_field f);
/* A bit position that a width or limit rule of f's value kind turns on (MAXPHYADDR, the linear
 * width, 31/32, ...); -1 if the kind has none. */
int vxa_boundary_bit(vxa_mutator *m, const vxa_mut_case *c, vxa_field f);

/* ---- operators (ops_*.c); each returns false when it changed nothing ---- */
bool vxa_op_flip(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_boundary(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_unset(vxa_mutator *m, vxa_mut_case *c);
/* how: 0 clear a must-be-1 bit, 1 set a bit that may not be 1, 2 turn on an allowed feature,
 * 3 turn off a feature that may be 0 */
bool vxa_op_control(vxa_mutator *m, vxa_mut_case *c, unsigned how);
bool vxa_op_feature(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_repair_flip(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_event(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_segment(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_msr_load(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_memory(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_entry(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_profile(vxa_mutator *m, vxa_mut_case *c);
/* A named control (controls.def) the profile does not allow made allowed-1, as a CPU with the
 * feature reports it (vxa_profile_allow_feature); the control in *word / *bit (either may be
 * NULL).  False when the profile allows every named control. */
bool vxa_op_profile_feature(vxa_mutator *m, vxa_mut_case *c, vxa_word *word, unsigned *bit);
/* Bit of word w allowed-1 (the high half of a 32-bit word's MSR and of its TRUE MSR, A.3-A.5; the
 * bit itself in the 64-bit words, A.3.4, A.4.2, A.11; the MSR captured), the controls that make w
 * exist likewise, the CPUID feature and the flexible CR4 bit a CPU with it reports, and
 * IA32_VMX_VMCS_ENUM raised to the fields it brings (A.9). */
void vxa_profile_allow_feature(vxa_profile *p, vxa_word w, unsigned bit);
/* The profile-mutation operator (ops_profile_targeted.c) of the generator's engine-only mode
 * (vxa_generate_mutated): one or two features the profile lacks made allowed
 * (vxa_op_profile_feature), the focus turned on with the controls it needs (its table of
 * prerequisites, vxa_mut_activation) and its CR4 bit, the layout repaired; then, half the time,
 * one move one of the focus's rules away (a field it brings at a boundary or one bit off, one
 * control it needs cleared, FRED's event / CPL states).  True in that last case (the caller adds
 * no other operator); false when the profile allows every named control or no move was made. */
bool vxa_op_profile_targeted(vxa_mutator *m, vxa_mut_case *c);
/* The controls control need[0] = (word, bit) needs that repair does not turn on (it turns the
 * feature off instead: virtual NMIs -> NMI exiting, posted interrupts -> virtual-interrupt
 * delivery and acknowledge interrupt on exit, virtual-interrupt delivery -> use TPR shadow and
 * external-interrupt exiting, ...; ops_profile_targeted.c's table, SDM 27.2.1.1-27.2.1.2), and
 * those they need, where profile p allows them: appended to need (at most max entries in all).
 * Returns the count, need[0] included. */
unsigned vxa_mut_prereqs(const vxa_profile *p, uint8_t need[][2], unsigned max);
/* The CR4 bit the state of control w.bit's feature lives under (CR4.FRED 32, CET 23, PKS 24); -1. */
int vxa_feature_cr4_bit(vxa_word w, unsigned bit);
bool vxa_op_correlated(vxa_mutator *m, vxa_mut_case *c);

/* The correlated moves, one by one (tests and benchmarks name them) */
typedef enum vxa_corr {
    VXA_CORR_RFLAGS_VM_REAL,     /* RFLAGS.VM with CR0.PE = 0 under "unrestricted guest" (27.3.1.4) */
    VXA_CORR_NULL_SS,            /* null SS, usable access rights, CS.L 0 or 1 in an IA-32e guest (27.3.1.2) */
    VXA_CORR_CET_SSP,            /* "load CET state" + SSP / S_CET / ISST at the 63:N edges (27.3.1.1, 27.3.1.4) */
    VXA_CORR_FRED_EVENT,         /* FRED: nested-exception bit, SYSCALL/SYSENTER as other events (27.2.1.3) */
    VXA_CORR_V86_SEGMENTS,       /* RFLAGS.VM = 1 with the segments in virtual-8086 form, or one off (27.3.1.2) */
    VXA_CORR_EVENT_STATE,        /* an injection against HLT / shutdown / STI, MOV SS, (virtual-)NMI blocking (27.3.1.5) */
    VXA_CORR_IA32E_NO_PAGING,    /* "IA-32e mode guest" with CR0.PG = 0, unrestricted guest (27.3.1.1) */
    VXA_CORR_MSR_LOAD_RESERVED,  /* a "load" control with reserved bits in its MSR value (27.2.2, 27.3.1.1) */
    VXA_CORR_PENDING_BS,         /* pending debug BS against TF / BTF under blocking or HLT (27.3.1.5) */
    VXA_CORR_DATA_CODE_DPL,      /* DS..GS readable code or data with DPL < RPL (27.3.1.2) */
    VXA_CORR_HOST_CET,           /* "load CET state" on exit, a host CET register at the canonical edge (27.2.2, 27.2.4) */
    VXA_CORR_LINK_CURRENT_VMCS,  /* the link pointer at the current VMCS's address, its header in memory (27.3.1.5) */
    VXA_CORR_COUNT
} vxa_corr;
bool vxa_op_correlated_one(vxa_mutator *m, vxa_mut_case *c, vxa_corr which);

/* Single-fault cases (ops_single.c): what the fault needs set up, the layout repaired, one fault,
 * then the engine's fixes for every other violation (up to 8 repair rounds and 3 audits). */
typedef enum vxa_single {
    VXA_SINGLE_GATED_FIELD,      /* a field that exists with a control: the control on, a boundary on the field */
    VXA_SINGLE_COUNTED_AREA,     /* an MSR-store/load area: count 1-4, a boundary on its address */
    VXA_SINGLE_PAE_PDPTE,        /* a PAE guest (EPT or not): one PDPTE with a reserved bit */
    VXA_SINGLE_CONTROL_PAIR,     /* a named control on, repaired, then one control that may be 0 cleared */
    VXA_SINGLE_RECIPE,           /* a rule whose fault spans two or three fields (ops_single.c's table) */
    VXA_SINGLE_OTHER_MOVE,       /* one move of another operator on the repaired layout */
    VXA_SINGLE_HOST32,           /* a host outside IA-32e mode, a PAE guest: one of 27.2.4's rules (ops_host32.c) */
    VXA_SINGLE_COUNT
} vxa_single;
bool vxa_op_single_fault(vxa_mutator *m, vxa_mut_case *c);
bool vxa_op_single_fault_one(vxa_mutator *m, vxa_mut_case *c, vxa_single which);
/* Keeps one of the layout's violations (chosen at random): the engine's fixes for the others
 * applied, never to a field the kept one reads (up to 3 audits). */
void vxa_mut_keep_one(vxa_mutator *m, vxa_mut_case *c);
/* ops_host32.c: entry.host_ia32e false, the host's fields made valid for it, repaired, then one
 * of the rules of such a host broken (or none); false if HAS cannot be 0 on the profile. */
bool vxa_mut_host32(vxa_mutator *m, vxa_mut_case *c);

/* Helpers the operators share */
bool vxa_mut_control_on(const vxa_mut_case *c, vxa_word w, unsigned bit, bool on); /* where allowed */
/* The control (parent word, bit) that makes word w exist (A.3.3, A.3.4, A.4.2, A.11); false for
 * a word that always exists. */
bool vxa_mut_activation(vxa_word w, vxa_word *parent, unsigned *bit);
/* Turns bit of word w on with the controls that make w exist (A.3.3, A.3.4, A.4.2, A.11); where
 * the profile does not allow one and may change, it is made to.  False if it could not. */
bool vxa_mut_enable(vxa_mutator *m, vxa_mut_case *c, vxa_word w, unsigned bit);
void vxa_mut_le(uint8_t *b, uint64_t v, unsigned n);

#endif
