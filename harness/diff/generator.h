/* generator.h — deterministic, structure-aware cases for the differential campaign (docs/harness.md):
 * case i of seed S is always the same case, for one VXA_GENERATOR_VERSION.  Each starts from a
 * known-good baseline (baseline.h) and takes one to three operators of the mutation library the
 * fuzz mutator uses too (harness/mutate/mutate.h): one bit of one field, a boundary value, a
 * control bit against the allowed settings, repair-then-flip (a feature turned on, the layout
 * repaired, one bit of a field the rules read flipped: a state one rule away from valid), event
 * injection, segment access-rights classes, VM-entry MSR-load lists and other guest memory, the
 * entry environment, single faults (a rule's setup, repair, one fault, the other violations fixed),
 * and correlated multi-field moves (RFLAGS.VM with CR0.PE = 0, null SS with
 * CS.L 0/1, guest SSP at the 63:N edges, events against HLT / shutdown / NMI blocking, IA-32e
 * without paging, reserved bits in loaded MSRs, pending-debug BS, DS..GS DPL < RPL, a host CET
 * register at the canonical edge, the VMCS link pointer at the current VMCS).  Every address
 * a case makes VM entry or its guest read stays inside the case arena (docs/formats.md;
 * vxa_keep_in_arena), except, on Bochs, all-ones memory beyond its RAM (vxa_mark_unbacked). */
#ifndef VXA_DIFF_GENERATOR_H
#define VXA_DIFF_GENERATOR_H

#include "baseline.h"

/* The generator's version: which case index i of seed S stands for.  A campaign journal records
 * it in its header; resuming a journal of another version would mix two generators' cases under
 * one seed.  1: the generator of its own (before harness/mutate); 2: the mutation library; 3: its
 * operators extended (the correlated moves toward the Bochs quirks, ops_correlated.c, and others;
 * the single-fault operator, ops_single.c; VMXON cases and VMLAUNCH/VMRESUME outside VMX
 * operation or in compatibility mode), and addresses at the top of the width left outside the
 * arena where nothing reads them; 4: on Bochs, addresses at the top of the width that VM entry,
 * the guest or the VM exit reads or writes, with an all-ones image (vxa_mark_unbacked), the
 * single-fault operator's host outside IA-32e mode (ops_host32.c: 1 single-fault move in 11),
 * the entry environment's CPL 1..3 and VMX non-root operation (ops_entry.c), VMXON at CPL > 0, in
 * VMX non-root operation and with IA32_FEATURE_CONTROL's lock or VMX bit clear (generator_vmxon.c),
 * and the moves toward survivors of the mutation score (a host CET register at the canonical
 * edge, the link pointer at the current VMCS, recipes for CS type 3 with DPL 3 and RTM pending
 * debug under MOV SS, a gated field's prerequisite controls on, the 64-byte alignment edges). */
#define VXA_GENERATOR_VERSION 4

typedef struct vxa_generator {
    const vxa_backend *backend;
    const vxa_baselines *baselines;
    uint64_t seed;
} vxa_generator;

/* Case `index` of the generator's seed into *out (initialised here; free with vxa_case_free).
 * One case in VXA_GENERATOR_VMXON_EVERY is a VMXON case (vxa_generate_vmxon). */
void vxa_generate(const vxa_generator *g, uint64_t index, vxa_case *out);

/* The profile-mutation mode, for engine-only measurement (vxa-mutation-score's "mutated:"
 * profile sets) where no oracle CPU has a feature: case `index` of the seed (a stream of its own,
 * not vxa_generate's) with the profile it is for in *prof, the backend's profile with one or two
 * features it lacks (harness/mutate/ops_profile.c: vxa_op_profile_feature), one control on in the
 * layout and, half the time, one move one of its rules away (harness/mutate/ops_profile_targeted.c,
 * vxa_op_profile_targeted).  Deterministic per
 * (seed, index); never for an oracle (its CPU has not the features). */
void vxa_generate_mutated(const vxa_generator *g, uint64_t index, vxa_case *out, vxa_profile *prof);

#define VXA_GENERATOR_VMXON_EVERY 32

/* A VMXON case for profile p into *out (a copy of a baseline: its entry and memory are
 * replaced; its VMCS stays, unread): one that succeeds, or one move toward one VMXON rule
 * (generator_vmxon.c). */
struct vxa_rng;
void vxa_generate_vmxon(const vxa_profile *p, struct vxa_rng *r, vxa_case *out);

/* Moves every physical address the layout gives VM entry (0 included, and a field never written,
 * which reads 0: with "use TPR shadow" the virtual-APIC page at 0 is read) into the case arena, keeping its low 12 bits; an address with
 * bits at or above MAXPHYADDR, or all ones, stays (the entry fails or reads nothing), and so do
 * an MSR area whose last byte lies beyond the width, where neither VM entry nor the guest's
 * run reads the memory there, an address from the page under bit MAXPHYADDR-1 up, and, for the
 * memory an emulator's case may leave beyond its RAM (vxa_mark_unbacked), an address there whose
 * span the case's image gives as all ones.  The campaign applies it to every case and candidate
 * it sends (campaign.c prepare()); it changes the layout only, never the memory. */
void vxa_keep_in_arena(vxa_case *c, const vxa_profile *p);

/* For an emulator whose memory beyond its RAM reads as all ones (Bochs: its
 * backend sends no such image, tests/oracle/width_top.sh): each address of the virtual-APIC page,
 * EPTP, HLATP, VM-entry MSR-load list, MSR-store area or VM-exit MSR-load list (whose VM exit
 * Bochs then aborts, an outcome its backend reports, oracle/bochs/unbacked.h) from the page under
 * bit MAXPHYADDR-1 up,
 * at or above 4 GiB, gets an image of all ones for what is accessed there (its page, or the MSR
 * area's first entries), so the engine predicts what the emulator reads and vxa_keep_in_arena
 * leaves it.  vxa_generate applies it for a backend named "bochs"; an oracle with RAM there (KVM,
 * silicon) refuses such a case (memory outside the arena). */
void vxa_mark_unbacked(vxa_case *c, const vxa_profile *p);

#endif
