/* guest_dtr.c — SDM 27.3.1.3 Checks on guest descriptor-table registers. */
#include "../internal.h"

void vxa_checks_guest_dtr(vxa_ctx *c)
{
    (void)c;
}
