/* guest_segs.c — SDM 27.3.1.2 Checks on guest segment registers. */
#include "../internal.h"

void vxa_checks_guest_segs(vxa_ctx *c)
{
    (void)c;
}
