/* guest_nonreg.c — SDM 27.3.1.5 Checks on guest non-register state. */
#include "../internal.h"

void vxa_checks_guest_nonreg(vxa_ctx *c)
{
    (void)c;
}
