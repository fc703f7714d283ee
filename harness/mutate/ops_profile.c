/* ops_profile.c — profile changes that stay self-consistent (SDM Appendix A): a control bit made
 * must-be-1 / either / must-be-0 in the plain and TRUE MSRs (allowed-0 within allowed-1), the
 * 64-bit allowed-1 words, CR0/CR4 FIXED0 within FIXED1, IA32_VMX_BASIC and IA32_VMX_MISC bits,
 * EPT/VPID capabilities, MAXPHYADDR and the linear-address width, CPUID features, the PMU (CPUID
 * leaf 0AH, IA32_PERF_CAPABILITIES).  vxa_op_profile is the fuzzer's: the campaign's profile is the
 * oracle's CPU.  vxa_op_profile_feature gives a CPU a feature it lacks, as a CPU that has it
 * reports it: the campaign generator's profile-mutation mode (engine-only measurement, no oracle
 * CPU has the feature) and the fuzzer's. */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

static const unsigned ctl_msrs[] = { VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS, VXA_MSR_EXIT_CTLS,
                                     VXA_MSR_ENTRY_CTLS, VXA_MSR_PROCBASED_CTLS2 };

static void set_allowed(vxa_profile *p, unsigned i, unsigned bit, bool allowed1, bool allowed0)
{
    uint64_t lo = 1ull << bit, hi = 1ull << (bit + 32);
    /* allowed-0 bit clear in the low half = may be 0; set = must be 1 (A.3) */
    p->msr[i] = (p->msr[i] & ~(lo | hi)) | (allowed1 ? hi : 0) | (!allowed0 && allowed1 ? lo : 0);
}

/* The PMU data the IA32_PERF_GLOBAL_CTRL rules read (SDM Vol. 2A CPUID leaf 0AH; Vol. 3B 21.2):
 * one core type's version, general-purpose and fixed counter counts, fixed-counter bitmap, or
 * IA32_PERF_CAPABILITIES[15] (perf metrics) known / unknown; a core type added or dropped. */
static void pmu(vxa_rng *r, vxa_profile *p)
{
    if (!p->pmu_types || !vxa_rng_below(r, 8)) {
        p->pmu_types = (uint8_t)vxa_rng_below(r, VXA_PMU_TYPES + 1);   /* 0: the PMU not captured */
        p->pmu_perf_caps_known &= (uint8_t)((1u << p->pmu_types) - 1);
        return;
    }
    unsigned t = vxa_rng_below(r, p->pmu_types);
    uint32_t *q = p->pmu_cpuid_0a[t];
    switch (vxa_rng_below(r, 5)) {
    case 0: q[0] = (q[0] & ~0xffu) | vxa_rng_below(r, 7); break;                       /* version 0..6 */
    case 1: { static const uint8_t n[] = { 0, 1, 2, 4, 6, 8, 10, 31, 32, 33 };         /* GP counters */
              q[0] = (q[0] & ~0xff00u) | (uint32_t)VXA_RNG_PICK(r, n) << 8; break; }
    case 2: q[3] = (q[3] & ~0x1fu) | vxa_rng_below(r, 17); break;                     /* fixed counters */
    case 3: q[2] ^= 1u << vxa_rng_below(r, 16); break;                                /* fixed bitmap (v5) */
    default:
        if (vxa_rng_below(r, 3)) { p->pmu_perf_caps_known |= (uint8_t)(1u << t); p->pmu_perf_caps[t] ^= 1ull << 15; }
        else p->pmu_perf_caps_known &= (uint8_t)~(1u << t);
    }
}

bool vxa_op_profile(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    vxa_profile *p = c->profile;
    switch (vxa_rng_below(r, 11)) {
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
    case 8: pmu(r, p); break;
    case 9: vxa_op_profile_feature(m, c, NULL, NULL); break;
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

/* What a CPU with a feature also reports: the CPUID feature its rules read and the CR4 bit that
 * is flexible (IA32_VMX_CR4_FIXED1, A.8) where it has it (SDM 25.7.1, 25.8.1; Vol. 2A CPUID 07H). */
static const struct { uint8_t word, bit; uint32_t cpuid; int8_t cr4; } feature_needs[] = {
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_FRED, VXA_CPUID_FRED | VXA_CPUID_LM, 32 },
    { VXA_WORD_EXIT2, VXA_EXIT2_LOAD_FRED, VXA_CPUID_FRED | VXA_CPUID_LM, 32 },
    { VXA_WORD_EXIT2, VXA_EXIT2_SAVE_FRED, VXA_CPUID_FRED | VXA_CPUID_LM, 32 },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_CET_STATE, VXA_CPUID_CET_SS | VXA_CPUID_CET_IBT, 23 },
    { VXA_WORD_EXIT, VXA_EXIT_LOAD_CET_STATE, VXA_CPUID_CET_SS | VXA_CPUID_CET_IBT, 23 },
    { VXA_WORD_EXIT2, VXA_EXIT2_PREMATURE_BUSY_SHSTK, VXA_CPUID_CET_SS, 23 },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_PKRS, VXA_CPUID_PKS, 24 },
    { VXA_WORD_EXIT, VXA_EXIT_LOAD_PKRS, VXA_CPUID_PKS, 24 },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_UINV, VXA_CPUID_UINTR, -1 },
    { VXA_WORD_EXIT, VXA_EXIT_CLEAR_UINV, VXA_CPUID_UINTR, -1 },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_BNDCFGS, VXA_CPUID_MPX, -1 },
    { VXA_WORD_EXIT, VXA_EXIT_CLEAR_BNDCFGS, VXA_CPUID_MPX, -1 },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_RTIT_CTL, VXA_CPUID_PT, -1 },
    { VXA_WORD_EXIT, VXA_EXIT_CLEAR_RTIT_CTL, VXA_CPUID_PT, -1 },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_CPUID_PT, -1 },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_LBR_CTL, VXA_CPUID_ARCH_LBR, -1 },
    { VXA_WORD_EXIT, VXA_EXIT_CLEAR_LBR_CTL, VXA_CPUID_ARCH_LBR, -1 },
};

static bool may_be_1(const vxa_profile *p, vxa_word w, unsigned bit)
{
    uint64_t must, may;
    return vxa_allowed(p, w, &must, &may, NULL) && (may >> bit & 1);
}

void vxa_profile_allow_feature(vxa_profile *p, vxa_word w, unsigned bit)
{
    vxa_word parent;
    unsigned pbit;
    if (vxa_mut_activation(w, &parent, &pbit) && !may_be_1(p, parent, pbit))
        vxa_profile_allow_feature(p, parent, pbit);
    unsigned msr = vxa_word_get(w)->msr;
    if (!vxa_profile_has(p, msr)) p->msr[msr] = 0;
    p->msr_present |= 1u << msr;
    if (w == VXA_WORD_PROC3 || w == VXA_WORD_EXIT2 || w == VXA_WORD_VMFUNC) {
        p->msr[msr] |= 1ull << bit;                     /* 64-bit allowed-1 words (A.3.4, A.4.2, A.11) */
    } else {
        /* allowed-1 in the high half; the low half (must be 1) untouched: the bit may be 0 */
        p->msr[msr] |= 1ull << (bit + 32);
        unsigned t = VXA_MSR_TRUE_PINBASED_CTLS + (msr - VXA_MSR_PINBASED_CTLS);
        if (w != VXA_WORD_PROC2 && vxa_profile_has(p, t)) p->msr[t] |= 1ull << (bit + 32);
    }
    /* an activation control advertises its word's MSR (A.3.3, A.3.4, A.4.2, A.11): captured too */
    for (unsigned x = 0; x < VXA_WORD_COUNT; x++) {
        if (!vxa_mut_activation((vxa_word)x, &parent, &pbit) || parent != w || pbit != bit) continue;
        unsigned wm = vxa_word_get((vxa_word)x)->msr;
        if (vxa_profile_has(p, wm)) continue;
        p->msr[wm] = 0;
        p->msr_present |= 1u << wm;
    }
    for (unsigned i = 0; i < sizeof feature_needs / sizeof feature_needs[0]; i++) {
        if (feature_needs[i].word != w || feature_needs[i].bit != bit) continue;
        p->cpuid_known |= feature_needs[i].cpuid;
        p->cpuid |= feature_needs[i].cpuid;
        if (feature_needs[i].cr4 >= 0) p->msr[VXA_MSR_CR4_FIXED1] |= 1ull << feature_needs[i].cr4;
        /* a FRED CPU reports the nested-exception bit of event injection (A.1: BASIC[58]) */
        if (feature_needs[i].cpuid & VXA_CPUID_FRED) p->msr[VXA_MSR_BASIC] |= VXA_BASIC_NESTED_EXCEPTION;
    }
    /* the VMCS fields the control brings: IA32_VMX_VMCS_ENUM bits 9:1 cover their index (A.9) */
    if (vxa_profile_has(p, VXA_MSR_VMCS_ENUM)) {
        unsigned highest = (unsigned)(p->msr[VXA_MSR_VMCS_ENUM] >> 1) & 0x1ffu;
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
            const vxa_field_info *fi = vxa_field_get((vxa_field)f);
            bool gated = false;
            for (unsigned g = 0; g < 2; g++) gated |= fi->gate_word[g] == w && fi->gate_bit[g] == bit;
            unsigned idx = (fi->encoding >> 1) & 0x1ffu;
            if (gated && idx > highest) highest = idx;
        }
        p->msr[VXA_MSR_VMCS_ENUM] = (p->msr[VXA_MSR_VMCS_ENUM] & ~0x3feull) | (uint64_t)highest << 1;
    }
}

int vxa_feature_cr4_bit(vxa_word w, unsigned bit)
{
    for (unsigned i = 0; i < sizeof feature_needs / sizeof feature_needs[0]; i++)
        if (feature_needs[i].word == w && feature_needs[i].bit == bit) return feature_needs[i].cr4;
    return -1;
}

bool vxa_op_profile_feature(vxa_mutator *m, vxa_mut_case *c, vxa_word *word, unsigned *bit)
{
    /* a named control (controls.def) whose 1-setting the profile does not allow */
    unsigned pool[VXA_CONTROL_COUNT], n = 0;
    for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++) {
        const vxa_control_info *ci = vxa_control_get(i);
        if (ci->display && !may_be_1(c->profile, (vxa_word)ci->word, ci->bit)) pool[n++] = i;
    }
    if (!n) return false;
    const vxa_control_info *ci = vxa_control_get(pool[vxa_rng_below(&m->rng, n)]);
    vxa_profile_allow_feature(c->profile, (vxa_word)ci->word, ci->bit);
    if (word) *word = (vxa_word)ci->word;
    if (bit) *bit = ci->bit;
    return true;
}
