/* vmxon.c — SDM Vol. 2 VMXON; Vol. 3C 25.11.5 VMXON region. */
#include "../internal.h"

void vxa_checks_vmxon(vxa_ctx *c)
{
    (void)c;
}
