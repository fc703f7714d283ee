/* reach.h — which checks the bundled profiles can make fail (see reach.c). */
#ifndef VMXAUDIT_FUZZ_REACH_H
#define VMXAUDIT_FUZZ_REACH_H

#include <stdbool.h>
#include "vmxaudit/vmxaudit.h"

typedef struct fuzz_reach {
    bool known;        /* the check has a failing per-check test that reports it */
    bool reachable;    /* some bundled profile offers what that test needs */
    char needs[200];   /* the needed control bits and CPUID features, as text */
} fuzz_reach;

/* Fills out[VXA_CHECK_COUNT] from the per-check tests in dir (NULL: $VMXAUDIT_CHECK_TESTS, else
 * the source tree's tests/checks).  Returns 0, or -1 if the tests or profiles are not found. */
int fuzz_reach_compute(const char *dir, fuzz_reach *out);

#endif
