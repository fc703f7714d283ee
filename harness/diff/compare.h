/* compare.h — one case's verdict: the engine's prediction for the layout as executed against
 * the oracle's observation (docs/formats.md "Matching"), and the mismatch signature that groups
 * verdicts in the campaign's summary and that the minimizer keeps. */
#ifndef VXA_DIFF_COMPARE_H
#define VXA_DIFF_COMPARE_H

#include "bridge.h"

/* UNDETERMINED: the observation differs from the prediction, but the prediction assumed that a
 * rule it could not decide (docs/outcome-model.md: an MSR value the profile does not describe, ...) passes,
 * and that rule's class is the one the oracle failed in: explained, not a mismatch. */
typedef enum vxa_verdict_status { VXA_V_AGREE, VXA_V_MISMATCH, VXA_V_SKIPPED,
                                  VXA_V_UNDETERMINED } vxa_verdict_status;

#define VXA_VERDICT_CHECKS 3
typedef struct vxa_verdict {
    uint8_t status;                        /* vxa_verdict_status */
    vxa_outcome predicted, observed;       /* observed: valid unless skipped */
    const char *skip_reason;               /* skipped: "unsupported", "crashed", "timeout", ... */
    uint8_t nchecks;                       /* the engine's violations of the deciding class */
    uint16_t checks[VXA_VERDICT_CHECKS];
    char oracle_text[160];                 /* the oracle's words for the failed check, numbers
                                              replaced by "N" ("" when it gave none) */
} vxa_verdict;

/* Audits the layout as executed (pp + r) on p with the model and compares it with r.  When
 * report is non-NULL it receives the audit (for coverage). */
void vxa_judge(const vxa_profile *p, uint8_t model, const vxa_case *c, const vxa_prepared *pp,
               const struct vxa_oracle_result *r, vxa_report *report, vxa_verdict *out);

/* "engine=<outcome>;oracle=<outcome>;checks=A,B;text=..." — what groups mismatches. */
void vxa_verdict_signature(const vxa_verdict *v, char *buf, size_t n);

/* The minimizer's test: v is a mismatch with the same engine outcome class and the same oracle
 * result, error and exit reason as ref. */
bool vxa_verdict_keeps(const vxa_verdict *ref, const vxa_verdict *v);

/* An outcome in a few words: "vmfail_valid 7", "vmfail_valid {7,8}", "entry_failure 33 q=0". */
void vxa_outcome_short(const vxa_outcome *o, bool with_qual, char *buf, size_t n);

#endif
