/* minimizer.h — delta debugging (Zeller and Hildebrandt's ddmin) of a mismatching case toward a
 * known-good baseline (docs/harness.md): first over the changes that make the case differ from the
 * baseline (each differing field, the entry environment, the memory), then bit by bit inside
 * the fields that remain.  Candidates are tested in batches — every candidate of a ddmin step in
 * one oracle run — through a callback, so the campaign and `vmxaudit minimize` share it. */
#ifndef VXA_DIFF_MINIMIZER_H
#define VXA_DIFF_MINIMIZER_H

#include "vmxaudit/codec.h"

/* Tests cands[0..n): keep[i] = the candidate still shows the mismatch signature.  Returns 0, or
 * a non-zero VXA_ORACLE_* status that stops the minimization. */
typedef int (*vxa_min_test)(void *ctx, const vxa_case *cands, size_t n, bool *keep);

#define VXA_MIN_FIELDS 64
typedef struct vxa_min_result {
    bool reproduced;          /* the case itself showed the signature again */
    bool complete;            /* ddmin ran to its end (not stopped by max_runs) */
    unsigned runs;            /* oracle runs (batches) */
    unsigned candidates;      /* candidate cases executed */
    unsigned nfields;         /* fields still different from the baseline */
    uint16_t fields[VXA_MIN_FIELDS];
    unsigned nbits;           /* bits still different inside those fields */
    bool entry_differs, memory_differs;
} vxa_min_result;

/* Minimizes c against baseline into *out (initialised here; free with vxa_case_free).  Stops
 * after max_runs oracle runs with the smallest case found so far.  Returns 0, or the test's
 * non-zero status. */
int vxa_minimize(const vxa_case *c, const vxa_case *baseline, vxa_min_test test, void *ctx,
                 unsigned max_runs, vxa_case *out, vxa_min_result *res);

#endif
