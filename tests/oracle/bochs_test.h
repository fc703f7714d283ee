/* bochs_test.h — shared by the Bochs oracle tests: skip (exit 77) when Bochs is not installed. */
#ifndef VXA_BOCHS_TEST_H
#define VXA_BOCHS_TEST_H

#include <stdio.h>
#include <string.h>
#include "bochs.h"

#define VXA_TEST_SKIP 77

/* Probes `model`; returns 0, VXA_TEST_SKIP (no Bochs here) or 1 (the probe failed). */
static inline int bochs_test_probe(const char *model, struct vxa_oracle_probe *p)
{
    char err[1024];
    int rc = vxa_bochs_probe(NULL, model, p, err, sizeof err);
    if (rc == VXA_ORACLE_NOT_AVAILABLE && !strncmp(err, "Bochs not found", 15)) {
        fprintf(stderr, "skipped: %s\n", err);
        return VXA_TEST_SKIP;
    }
    if (rc) fprintf(stderr, "probe %s: %s\n", model, err);
    return rc ? 1 : 0;
}

#endif
