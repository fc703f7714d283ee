/* msr_load.c — SDM 27.4 Loading MSRs. */
#include "../internal.h"

void vxa_checks_msr_load(vxa_ctx *c)
{
    (void)c;
}
