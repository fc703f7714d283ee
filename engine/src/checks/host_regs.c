/* host_regs.c — SDM 27.2.2 Checks on host control registers, MSRs and SSP. */
#include "../internal.h"

void vxa_checks_host_regs(vxa_ctx *c)
{
    (void)c;
}
