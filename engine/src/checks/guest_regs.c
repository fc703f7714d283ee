/* guest_regs.c — SDM 27.3.1.1 Checks on guest control registers, debug registers and MSRs. */
#include "../internal.h"

void vxa_checks_guest_regs(vxa_ctx *c)
{
    (void)c;
}
