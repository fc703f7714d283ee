/* exit_controls.c — SDM 27.2.1.2 Checks on VM-exit control fields. */
#include "../internal.h"

void vxa_checks_exit_controls(vxa_ctx *c)
{
    (void)c;
}
