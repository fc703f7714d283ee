/* ops_profile.c — profile changes that stay self-consistent (SDM Appendix A): a control bit made
 * must-be-1 / either / must-be-0 in the plain and TRUE MSRs (allowed-0 within allowed-1), the
 * 64-bit allowed-1 words, CR0/CR4 FIXED0 within FIXED1, IA32_VMX_BASIC and IA32_VMX_MISC bits,
 * EPT/VPID capabilities, MAXPHYADDR and the linear-address width, CPUID features.  For the
 * fuzzer only: the campaign's profile is the oracle's CPU. */
#include "mutate.h"

static const unsigned ctl_msrs[] = { VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS, VXA_MSR_EXIT_CTLS,
                                     VXA_MSR_ENTRY_CTLS, VXA_MSR_PROCBASED_CTLS2 };

static void set_allowed(vxa_profile *p, unsigned i, unsigned bit, bool allowed1, bool allowed0)
{
    uint64_t lo = 1ull << bit, hi = 1ull << (bit + 32);
    /* allowed-0 bit clear in the low half = may be 0; set = must be 1 (A.3) */
    p->msr[i] = (p->msr[i] & ~(lo | hi)) | (allowed1 ? hi : 0) | (!allowed0 && allowed1 ? lo : 0);
}

bool vxa_op_profile(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    vxa_profile *p = c->profile;
    switch (vxa_rng_below(r, 9)) {
    case 0: case 1: {
        unsigned k = vxa_rng_below(r, 5), i = ctl_msrs[k], bit = vxa_rng_below(r, 32), how = vxa_rng_below(r, 3);
        bool a1 = how != 2, a0 = how != 0;
        set_allowed(p, i, bit, a1, a0);
        unsigned t = VXA_MSR_TRUE_PINBASED_CTLS + k;            /* pin, proc, exit, entry */
        if (k < 4 && vxa_profile_has(p, t)) set_allowed(p, t, bit, a1, a0 || vxa_rng_below(r, 2));  /* may relax default1 */
        break;
    }
    case 2: {
        static const unsigned w64[] = { VXA_MSR_PROCBASED_CTLS3, VXA_MSR_EXIT_CTLS2, VXA_MSR_VMFUNC };
        unsigned i = VXA_RNG_PICK(r, w64);
        p->msr_present |= 1u << i;
        p->msr[i] ^= 1ull << vxa_rng_below(r, 64);
        break;
    }
    case 3: {
        unsigned cr4 = vxa_rng_below(r, 2), f0 = cr4 ? VXA_MSR_CR4_FIXED0 : VXA_MSR_CR0_FIXED0, f1 = f0 + 1;
        uint64_t bit = 1ull << vxa_rng_below(r, cr4 ? 33 : 32);
        switch (vxa_rng_below(r, 3)) {
        case 0: p->msr[f0] |= bit; p->msr[f1] |= bit; break;     /* fixed to 1 */
        case 1: p->msr[f0] &= ~bit; p->msr[f1] |= bit; break;    /* flexible */
        default: p->msr[f0] &= ~bit; p->msr[f1] &= ~bit;         /* fixed to 0 */
        }
        break;
    }
    case 4: {   /* TRUE controls, 32-bit addresses, error-code check, memory type, nested exception */
        static const unsigned bits[] = { 55, 48, 56, 54, 49, 58, 50, 51, 52, 53 };
        p->msr[VXA_MSR_BASIC] ^= 1ull << VXA_RNG_PICK(r, bits);
        break;
    }
    case 5: {   /* activity states, CR3 targets, MSR-list size, LMA store, RO write, zero-length injection */
        static const unsigned bits[] = { 5, 6, 7, 8, 14, 15, 16, 17, 18, 24, 25, 26, 27, 28, 29, 30 };
        p->msr[VXA_MSR_MISC] ^= 1ull << VXA_RNG_PICK(r, bits);
        break;
    }
    case 6: p->msr[VXA_MSR_EPT_VPID_CAP] ^= 1ull << vxa_rng_below(r, 64); break;
    case 7: {
        static const uint8_t w[] = { 32, 36, 39, 40, 42, 45, 46, 48, 52 };
        if (vxa_rng_below(r, 3)) { p->maxphyaddr = VXA_RNG_PICK(r, w); p->maxphyaddr_default = false; }
        else p->linear_address_width = p->linear_address_width == 57 ? 48 : 57;
        break;
    }
    default: {  /* CPUID features: stated present / absent / unknown; rarely drop an MSR */
        uint32_t bit = 1u << vxa_rng_below(r, VXA_CPUID_COUNT);
        switch (vxa_rng_below(r, 4)) {
        case 0: p->cpuid_known &= ~bit; p->cpuid &= ~bit; break;
        case 1: if (vxa_rng_below(r, 4) == 0) p->msr_present ^= 1u << vxa_rng_below(r, VXA_MSR_COUNT); break;
        default: p->cpuid_known |= bit; p->cpuid ^= bit;
        }
    }
    }
    return true;
}
