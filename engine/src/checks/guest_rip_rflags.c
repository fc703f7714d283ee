/* guest_rip_rflags.c — SDM 27.3.1.4 Checks on guest RIP, RFLAGS and SSP. */
#include "../internal.h"

void vxa_checks_guest_rip_rflags(vxa_ctx *c)
{
    (void)c;
}
