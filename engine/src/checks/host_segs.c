/* host_segs.c — SDM 27.2.3 Checks on host segment and descriptor-table registers. */
#include "../internal.h"

void vxa_checks_host_segs(vxa_ctx *c)
{
    (void)c;
}
