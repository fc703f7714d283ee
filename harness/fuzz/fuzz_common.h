/* fuzz_common.h — what the fuzz targets share: invariants, per-check coverage, case conversion. */
#ifndef VMXAUDIT_FUZZ_COMMON_H
#define VMXAUDIT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "vmxaudit/binary.h"
#include "vmxaudit/codec.h"

/* Aborts with a message (every engine records the input as a crash). */
void fuzz_die(const char *why) __attribute__((noreturn));
/* NULL if the outcome follows from the violations' classes (docs/outcome-model.md), else why not. */
const char *fuzz_outcome_inconsistent(const vxa_report *r, const vxa_entry *e);

/* Per-check coverage, two counters per check: [2c] seen failing, [2c+1] seen passing.
 * Seen passing: the check's class is reached in the CPU's order for this input (VMXON checks
 * only for VMXON, the others only for VMLAUNCH/VMRESUME; within the ordered VMXON and
 * instruction classes only up to the first failing check; controls and host state together;
 * guest state only without a control/host failure; MSR loading only after a clean guest state)
 * and the check is neither violated nor undetermined.  A pass may be vacuous (the rule's
 * precondition did not hold): see README.md "Check coverage". */
extern uint8_t vxa_check_counters[2 * VXA_CHECK_COUNT];
void fuzz_count_checks(const vxa_report *r, const vxa_entry *e, uint8_t *counters);

/* NULL if the profiles are equal, else what differs. */
const char *fuzz_profile_diff(const vxa_profile *p, const vxa_profile *q);
/* NULL if the two cases hold the same profile, layout, environment and memory, else what differs. */
const char *fuzz_case_diff(const vxa_case *a, const vxa_case *b);
/* The case JSON round trip: c1 written, parsed into *c2 (free it with vxa_case_free), equal to
 * c1, and written again identically; aborts on any failure. */
void fuzz_case_round_trip(const vxa_case *c1, vxa_case *c2);

/* The JSON targets: when $VMXAUDIT_CORPUS is unset, use the bundled profiles copied next to the
 * binary (build.sh: $OUT/vmxaudit-corpus), so cases may name them. */
void fuzz_find_corpus(const char *argv0);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
