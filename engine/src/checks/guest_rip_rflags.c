/* guest_rip_rflags.c — SDM 27.3.1.4 Checks on guest RIP, RFLAGS and SSP.
 * Guest-state failures: exit reason 33, qualification 0. */
#include "../internal.h"

/* RFLAGS reserved bits: 63:22, 15, 5, 3 (Vol. 1 3.4.3). */
#define RFLAGS_RESERVED (~0ull << 22 | BIT(15) | BIT(5) | BIT(3))

/* "bits 63:N must be identical", N = the processor's linear-address width (CPUID.80000008H:
 * EAX[15:8]: 48, or 57 on processors with LA57, whatever the guest's CR4.LA57).  Unlike
 * canonicality, bit N-1 may differ from bit N.  No check if N = 64. */
static bool high_bits_identical(const vxa_ctx *c, uint64_t v)
{
    unsigned n = c->p->linear_address_width;
    if (n >= 64) return true;
    uint64_t top = v >> n, ones = ~0ull >> n;
    return top == 0 || top == ones;
}

void vxa_checks_guest_rip_rflags(vxa_ctx *c)
{
    uint64_t rip = FV(c, GUEST_RIP), rflags = FV(c, GUEST_RFLAGS);
    uint64_t intr = FV(c, VM_ENTRY_INTR_INFO_FIELD);
    bool ia32e = entry(c, VXA_ENTRY_IA32E_MODE_GUEST);
    bool cs_l = (FV(c, GUEST_CS_AR_BYTES) & VXA_SEG_AR_L) != 0;
    bool inject = (intr & VXA_INTR_INFO_VALID) != 0;
    unsigned type = (unsigned)(intr >> VXA_INTR_INFO_TYPE_SHIFT) & 7u;

    /* RIP */
    if (!ia32e || !cs_l) {
        if (rip >> 32) {
            vxa_violation *v = vxa_fail(c, VXA_C_GUEST_RIP_HIGH);
            vxa_vfield(v, VXA_F_GUEST_RIP, rip);
            vxa_vfield(v, VXA_F_VM_ENTRY_CONTROLS, c->entry);
            vxa_vfield(v, VXA_F_GUEST_CS_AR_BYTES, FV(c, GUEST_CS_AR_BYTES));
            v->bits = rip & ~0xffffffffull;
            vxa_vfix(v, VXA_F_GUEST_RIP, rip & 0xffffffffull);
        }
    } else if (!quirk(c, VXA_Q_NO_GUEST_RIP_WIDTH_CHECK)) {
        RULE(c, GUEST_RIP_LA_WIDTH, !high_bits_identical(c, rip), GUEST_RIP,
             rip ^ vxa_canonical_fix(c, rip), vxa_canonical_fix(c, rip));
    }

    /* RFLAGS */
    RULE(c, GUEST_RFLAGS_RESERVED, rflags & RFLAGS_RESERVED, GUEST_RFLAGS, rflags & RFLAGS_RESERVED,
         rflags & ~RFLAGS_RESERVED);
    RULE(c, GUEST_RFLAGS_BIT1, !(rflags & VXA_RFLAGS_FIXED1), GUEST_RFLAGS, VXA_RFLAGS_FIXED1,
         rflags | VXA_RFLAGS_FIXED1);
    /* VXA_Q_NO_RFLAGS_VM_REAL_MODE_CHECK: Bochs checks only the IA-32e half */
    bool real = !(FV(c, GUEST_CR0) & VXA_CR0_PE) && !quirk(c, VXA_Q_NO_RFLAGS_VM_REAL_MODE_CHECK);
    if ((ia32e || real) && (rflags & VXA_RFLAGS_VM)) {
        vxa_violation *v = vxa_fail(c, VXA_C_GUEST_RFLAGS_VM);
        vxa_vfield(v, VXA_F_GUEST_RFLAGS, rflags);
        vxa_vfield(v, VXA_F_VM_ENTRY_CONTROLS, c->entry);
        vxa_vfield(v, VXA_F_GUEST_CR0, FV(c, GUEST_CR0));
        v->bits = VXA_RFLAGS_VM;
        vxa_vfix(v, VXA_F_GUEST_RFLAGS, rflags & ~VXA_RFLAGS_VM);
    }
    if (inject && type == VXA_INTR_TYPE_EXT_INTR && !(rflags & VXA_RFLAGS_IF)) {
        vxa_violation *v = vxa_fail(c, VXA_C_GUEST_RFLAGS_IF_EXTINT);
        vxa_vfield(v, VXA_F_GUEST_RFLAGS, rflags);
        vxa_vfield(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, intr);
        v->bits = VXA_RFLAGS_IF;
        vxa_vfix(v, VXA_F_GUEST_RFLAGS, rflags | VXA_RFLAGS_IF);
    }

    /* SSP (only with "load CET state"; the field exists only then) */
    if (entry(c, VXA_ENTRY_LOAD_CET_STATE)) {
        uint64_t ssp = FV(c, GUEST_SSP);
        RULE(c, GUEST_SSP_ALIGN, ssp & 3, GUEST_SSP, ssp & 3, ssp & ~3ull);
        /* VXA_Q_SSP_CANONICAL: Bochs asks for a canonical SSP (bits 63:N-1 identical) */
        bool ssp_ok = quirk(c, VXA_Q_SSP_CANONICAL) ? vxa_canonical(c, ssp) : high_bits_identical(c, ssp);
        if (entry(c, VXA_ENTRY_IA32E_MODE_GUEST))
            RULE(c, GUEST_SSP_LA_WIDTH, !ssp_ok, GUEST_SSP,
                 ssp ^ vxa_canonical_fix(c, ssp), vxa_canonical_fix(c, ssp));
        else
            RULE(c, GUEST_SSP_NON_IA32E_HIGH, (ssp >> 32) != 0, GUEST_SSP, ssp & ~0xffffffffull,
                 ssp & 0xffffffffull);
    }
}
