/* regression.h — a mismatch as a regression case (docs/formats.md): the layout as executed, `expect`
 * (the sdm model's prediction), `expect_by_model` (each other model where it predicts what the
 * oracle observed), `observed` (backend, CPU, version, outcome, harness fields, the oracle's
 * words) and `origin` (campaign, seed, index, parent, minimization). */
#ifndef VXA_DIFF_REGRESSION_H
#define VXA_DIFF_REGRESSION_H

#include <cjson/cJSON.h>
#include "backend.h"
#include "compare.h"
#include "minimizer.h"

typedef struct vxa_origin {
    const char *campaign;        /* "vmxaudit diff", "vmxaudit minimize" */
    const char *parent;          /* the case it came from (file or generated name) */
    bool generated;
    unsigned long long seed, index;
    const vxa_min_result *min;   /* NULL: not minimized */
    const char *baseline;        /* the baseline's name */
} vxa_origin;

/* The regression case as a cJSON document (caller deletes). */
cJSON *vxa_regression_case(const vxa_backend *b, const vxa_case *c, const vxa_prepared *pp,
                           const struct vxa_oracle_result *r, const vxa_verdict *v,
                           const vxa_origin *o);

#endif
