/* bochs_test.h — shared by the Bochs oracle tests: skip (exit 77) when Bochs is not installed,
 * fail under CI=true (where .ci/run installs it; tests/skip.sh does the same for the scripts). */
#ifndef VXA_BOCHS_TEST_H
#define VXA_BOCHS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bochs.h"

#define VXA_TEST_SKIP 77

/* Probes `model`; returns 0, VXA_TEST_SKIP (no Bochs here) or 1 (the probe failed). */
static inline int bochs_test_probe(const char *model, struct vxa_oracle_probe *p)
{
    char err[1024];
    int rc = vxa_bochs_probe(NULL, model, p, err, sizeof err);
    if (rc == VXA_ORACLE_NOT_AVAILABLE && !strncmp(err, "Bochs not found", 15)) {
        const char *ci = getenv("CI");
        if (ci && !strcmp(ci, "true")) {
            fprintf(stderr, "failed: %s (CI=true: a missing package is a failure)\n", err);
            return 1;
        }
        fprintf(stderr, "skipped: %s\n", err);
        return VXA_TEST_SKIP;
    }
    if (rc) fprintf(stderr, "probe %s: %s\n", model, err);
    return rc ? 1 : 0;
}

#endif
