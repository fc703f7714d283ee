/* exec_controls.c — SDM 27.2.1.1 Checks on VM-execution control fields. */
#include "../internal.h"

void vxa_checks_exec_controls(vxa_ctx *c)
{
    (void)c;
}
