/* guest_dtr.c — SDM 27.3.1.3 "Checks on Guest Descriptor-Table Registers".
 * Every failure is a VM-entry failure, exit reason 33, exit qualification 0. */
#include "../internal.h"

void vxa_checks_guest_dtr(vxa_ctx *c)
{
    const uint64_t gdtr = FV(c, GUEST_GDTR_BASE), idtr = FV(c, GUEST_IDTR_BASE);
    const uint64_t gl = FV(c, GUEST_GDTR_LIMIT), il = FV(c, GUEST_IDTR_LIMIT);

    /* "On processors that support Intel 64 architecture, the base-address fields must contain
     * canonical addresses": skipped only where the profile states the CPU lacks Intel 64. */
    if (!((c->p->cpuid_known & VXA_CPUID_LM) && !(c->p->cpuid & VXA_CPUID_LM))) {
        uint64_t gf = vxa_canonical_fix(c, gdtr), inf = vxa_canonical_fix(c, idtr);
        RULE(c, GUEST_GDTR_BASE_CANONICAL, gf != gdtr, GUEST_GDTR_BASE, gf ^ gdtr, gf);
        RULE(c, GUEST_IDTR_BASE_CANONICAL, inf != idtr, GUEST_IDTR_BASE, inf ^ idtr, inf);
    }
    /* "Bits 31:16 of each limit field must be 0." */
    RULE(c, GUEST_GDTR_LIMIT_HIGH, (gl >> 16) != 0, GUEST_GDTR_LIMIT, gl & ~0xffffull, gl & 0xffff);
    RULE(c, GUEST_IDTR_LIMIT_HIGH, (il >> 16) != 0, GUEST_IDTR_LIMIT, il & ~0xffffull, il & 0xffff);
}
