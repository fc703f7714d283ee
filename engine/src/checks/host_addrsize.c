/* host_addrsize.c — SDM 27.2.4 Checks related to address-space size. */
#include "../internal.h"

void vxa_checks_host_addrsize(vxa_ctx *c)
{
    (void)c;
}
