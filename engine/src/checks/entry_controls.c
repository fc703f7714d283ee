/* entry_controls.c — SDM 27.2.1.3 Checks on VM-entry control fields. */
#include "../internal.h"

void vxa_checks_entry_controls(vxa_ctx *c)
{
    (void)c;
}
