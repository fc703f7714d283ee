/* compare.h — one case's verdict: the engine's prediction for the layout as executed against
 * the oracle's observation (docs/formats.md "Matching"), and the mismatch signature that groups
 * verdicts in the campaign's summary and that the minimizer keeps. */
#ifndef VXA_DIFF_COMPARE_H
#define VXA_DIFF_COMPARE_H

#include "bridge.h"
#include "oracle_backend.h"

/* UNDETERMINED: the observation differs from the prediction, but the prediction assumed that a
 * rule it could not decide (docs/outcome-model.md: an MSR value the profile does not describe, ...) passes,
 * and that rule's class is the one the oracle failed in: explained, not a mismatch. */
typedef enum vxa_verdict_status { VXA_V_AGREE, VXA_V_MISMATCH, VXA_V_SKIPPED,
                                  VXA_V_UNDETERMINED } vxa_verdict_status;

/* What the judge needs besides the case and the observation. */
typedef struct vxa_judge_env {
    const vxa_profile *profile;            /* the oracle's CPU, as probed */
    uint8_t model;                         /* the engine's model to compare with */
    bool log_names_checks;                 /* the oracle's log names the failed check (Bochs):
                                              the engine must report a check it stands for */
    bool in_guest;                         /* the payload's engine has this catalogue: compare
                                              its in-guest audit with the hosted one */
    /* the engine that predicts: NULL is vxa_audit; the quirk-rediscovery benchmark gives a
     * mutant engine's (harness/bench/quirk_rediscovery.c) */
    int (*audit)(const vxa_input *in, vxa_report *out);
} vxa_judge_env;

/* The judge's environment for an opened oracle: its profile and identity; the in-guest audit
 * is compared where the payload's engine has this engine's catalogue. */
vxa_judge_env vxa_judge_env_of(const vxa_profile *p, uint8_t model, const struct vxa_oracle_identity *id,
                               const struct vxa_oracle_probe *probe);

#define VXA_VERDICT_CHECKS 3
typedef struct vxa_verdict {
    uint8_t status;                        /* vxa_verdict_status */
    vxa_outcome predicted, observed;       /* observed: valid unless skipped */
    const char *skip_reason;               /* skipped: "unsupported", "crashed", "timeout", ... */
    uint8_t nchecks;                       /* the engine's violations of the deciding class */
    uint16_t checks[VXA_VERDICT_CHECKS];
    char oracle_text[160];                 /* the oracle's words for the failed check, numbers
                                              replaced by "N" ("" when it gave none) */
    const char *oracle_names;              /* the check IDs the oracle's message stands for (NULL:
                                              none named) */
    bool named_differs;                    /* outcome equal, but the engine reports none of them */
    int8_t in_guest;                       /* in-guest audit vs hosted: 1 same, 0 differs, -1 not
                                              compared */
    char in_guest_why[300];                /* in_guest == 0: the first difference */
} vxa_verdict;

/* The one judge of every command (oracle run, oracle ingest, diff, minimize): audits the layout
 * and memory as executed (pp + r) on env's profile with its model and compares with r:
 * MISMATCH when the observation is not within the predicted set (vxa_outcome_within, the
 * engine's one agreement predicate) or the oracle names a check the engine does not report;
 * UNDETERMINED when it is not, but the prediction assumed that a rule of the failing class it
 * could not decide passes (vxa_undetermined_explains); SKIPPED when
 * nothing comparable was observed.  The in-guest audit is compared apart (v->in_guest).  When
 * report is non-NULL it receives the audit (for coverage). */
void vxa_judge(const vxa_judge_env *env, const vxa_case *c, const vxa_prepared *pp,
               const struct vxa_oracle_result *r, vxa_report *report, vxa_verdict *out);

/* "agree", "mismatch", "skipped", "undetermined". */
const char *vxa_verdict_status_name(uint8_t status);

/* "engine=<outcome>;oracle=<outcome>;checks=A,B;text=..." — what groups mismatches. */
void vxa_verdict_signature(const vxa_verdict *v, char *buf, size_t n);

/* The minimizer's test: v is a mismatch with the same engine outcome class and the same oracle
 * result, error and exit reason as ref. */
bool vxa_verdict_keeps(const vxa_verdict *ref, const vxa_verdict *v);

/* An outcome in a few words: "vmfail_valid 7", "vmfail_valid {7,8}", "entry_failure 33 q=0". */
void vxa_outcome_short(const vxa_outcome *o, bool with_qual, char *buf, size_t n);

#endif
