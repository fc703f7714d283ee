/* guest_pdpte.c — SDM 27.3.1.6 Checks on guest page-directory-pointer-table entries. */
#include "../internal.h"

void vxa_checks_guest_pdpte(vxa_ctx *c)
{
    (void)c;
}
