/* profile.c — the CPU capability profile: allowed settings of the control words (SDM Appendix
 * A.3-A.5, A.7-A.11), field existence (Appendix B footnotes, A.9 VMCS_ENUM) and sanity checks. */
#include "internal.h"

static const char *const msr_names[VXA_MSR_COUNT] = {
    "IA32_VMX_BASIC", "IA32_VMX_PINBASED_CTLS", "IA32_VMX_PROCBASED_CTLS", "IA32_VMX_EXIT_CTLS",
    "IA32_VMX_ENTRY_CTLS", "IA32_VMX_MISC", "IA32_VMX_CR0_FIXED0", "IA32_VMX_CR0_FIXED1",
    "IA32_VMX_CR4_FIXED0", "IA32_VMX_CR4_FIXED1", "IA32_VMX_VMCS_ENUM", "IA32_VMX_PROCBASED_CTLS2",
    "IA32_VMX_EPT_VPID_CAP", "IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_TRUE_PROCBASED_CTLS",
    "IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_TRUE_ENTRY_CTLS", "IA32_VMX_VMFUNC",
    "IA32_VMX_PROCBASED_CTLS3", "IA32_VMX_EXIT_CTLS2"
};
const char *vxa_msr_name(unsigned i) { return i < VXA_MSR_COUNT ? msr_names[i] : 0; }

static const vxa_cpuid_info cpuid_table[VXA_CPUID_COUNT] = {
#define VXA_CPUID(NAME, name, leaf, subleaf, reg, bit) { #name, leaf, subleaf, VXA_REG_##reg, bit },
#include "vmxaudit/cpuid.def"
#undef VXA_CPUID
};
const vxa_cpuid_info *vxa_cpuid_get(unsigned bit) { return bit < VXA_CPUID_COUNT ? &cpuid_table[bit] : 0; }
const char *vxa_cpuid_name(unsigned bit) { return bit < VXA_CPUID_COUNT ? cpuid_table[bit].name : 0; }

void vxa_profile_init(vxa_profile *p)
{
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++) p->msr[i] = 0;
    p->msr_present = 0;
    p->maxphyaddr = 52;
    p->maxphyaddr_default = true;
    p->linear_address_width = 48;
    p->cpuid = 0;
    p->cpuid_known = 0;
    p->pmu_types = 0;
    p->pmu_perf_caps_known = 0;
    for (unsigned t = 0; t < VXA_PMU_TYPES; t++) {
        for (unsigned r = 0; r < 4; r++) p->pmu_cpuid_0a[t][r] = 0;
        p->pmu_perf_caps[t] = 0;
    }
}

void vxa_profile_normalize(vxa_profile *p)
{
    p->msr_present &= (1u << VXA_MSR_COUNT) - 1;
    p->cpuid_known &= (1u << VXA_CPUID_COUNT) - 1;
    p->cpuid &= p->cpuid_known;
    if (p->maxphyaddr_default || p->maxphyaddr < 32 || p->maxphyaddr > 52) {
        p->maxphyaddr = 52;
        p->maxphyaddr_default = true;
    }
    if (p->linear_address_width != 57) p->linear_address_width = 48;
    if (p->pmu_types > VXA_PMU_TYPES) p->pmu_types = 0;
    p->pmu_perf_caps_known &= (uint8_t)((1u << p->pmu_types) - 1);
    if (!(p->cpuid_known & VXA_CPUID_LM) && vxa_profile_has(p, VXA_MSR_BASIC)) {
        p->cpuid_known |= VXA_CPUID_LM;
        if (!(p->msr[VXA_MSR_BASIC] & VXA_BASIC_32BIT_ADDR)) p->cpuid |= VXA_CPUID_LM;
    }
}

/* IA32_PERF_GLOBAL_CTRL bits of one core type (SDM Vol. 2A CPUID leaf 0AH; Vol. 3B, Performance
 * Monitoring, "Architectural Performance Monitoring Version 2" for the MSR's layout, "Version 5"
 * for the fixed-counter bitmap, "Performance Metrics" for EN_PERF_METRICS). */
static void perf_global_type(const uint32_t r[4], bool caps_known, uint64_t caps, uint64_t *exists,
                             uint64_t *known)
{
    unsigned version = r[0] & 0xffu, gp = (r[0] >> 8) & 0xffu, nfixed = r[3] & 0x1fu;
    *exists = 0;
    *known = 0;
    /* Version 0 has no architectural PMU, version 1 no IA32_PERF_GLOBAL_CTRL: the SDM says
     * nothing of loading it there, so the bits stay undecided. */
    if (version < 2) return;
    /* bits 31:0: IA32_PMCi enable for i < CPUID.0AH:EAX[15:8] */
    *known |= 0xffffffffull;
    *exists |= gp >= 32 ? 0xffffffffull : (1ull << gp) - 1;
    /* bits 47:32: IA32_FIXED_CTRi enable.  Version 5 and later: counter i exists if ECX[i] or
     * EDX[4:0] > i.  Before: the EDX[4:0] counters; the SDM warns that early Intel Core parts
     * under-report them, so the first three stay undecided when fewer are reported. */
    for (unsigned i = 0; i < 16; i++) {
        bool has = (version >= 5 && ((r[2] >> i) & 1u)) || nfixed > i;
        if (has) *exists |= 1ull << (32 + i);
        if (has || version >= 5 || i >= 3) *known |= 1ull << (32 + i);
    }
    /* bit 48: EN_PERF_METRICS, if IA32_PERF_CAPABILITIES[15] (PERF_METRICS_AVAILABLE) */
    if (caps_known) {
        *known |= 1ull << 48;
        if ((caps >> 15) & 1u) *exists |= 1ull << 48;
    }
}

void vxa_perf_global_ctrl_bits(const vxa_profile *p, uint64_t *exists, uint64_t *known)
{
    const uint64_t always_reserved = ~0ull << 49;
    uint64_t all = ~0ull, any = 0, k = ~0ull;
    for (unsigned t = 0; t < p->pmu_types && t < VXA_PMU_TYPES; t++) {
        uint64_t e, kt;
        perf_global_type(p->pmu_cpuid_0a[t], (p->pmu_perf_caps_known >> t) & 1u, p->pmu_perf_caps[t],
                         &e, &kt);
        all &= e;
        any |= e;
        k &= kt;
    }
    if (!p->pmu_types) all = 0, k = 0;
    /* a bit that exists on one core type and not on another depends on where VM entry runs */
    k &= ~(all ^ any);
    *exists = all & k & ~always_reserved;
    *known = k | always_reserved;
}

static bool true_ctls(const vxa_profile *p)
{
    /* A profile without IA32_VMX_BASIC reads as BASIC[55] = 0 (docs/architecture.md). */
    return vxa_profile_has(p, VXA_MSR_BASIC) && (p->msr[VXA_MSR_BASIC] & VXA_BASIC_TRUE_CTLS);
}

static bool ctl32(const vxa_profile *p, vxa_word w, unsigned plain, unsigned tru,
                  uint64_t *m1, uint64_t *a1, unsigned *missing)
{
    unsigned i = true_ctls(p) ? tru : plain;
    if (!vxa_profile_has(p, i)) { *missing = i; return false; }
    *m1 = (uint32_t)p->msr[i];
    *a1 = (uint32_t)(p->msr[i] >> 32);
    if (i == plain) *m1 |= vxa_word_default1(w);   /* A.3.1: default1 controls must be 1 */
    return true;
}

/* An MSR advertised by a bit of another word: absent advertisement = all controls 0. */
static bool advertised(const vxa_profile *p, vxa_word by, unsigned bit, unsigned i,
                       uint64_t *m1, uint64_t *a1, unsigned *missing)
{
    uint64_t bm1, ba1;
    if (!vxa_allowed(p, by, &bm1, &ba1, missing)) return false;
    *m1 = 0;
    *a1 = 0;
    if (!((ba1 >> bit) & 1u)) return true;
    if (!vxa_profile_has(p, i)) { *missing = i; return false; }
    *a1 = p->msr[i];
    return true;
}

bool vxa_allowed(const vxa_profile *p, vxa_word w, uint64_t *m1, uint64_t *a1, unsigned *missing)
{
    unsigned dummy;
    if (!missing) missing = &dummy;
    switch (w) {
    case VXA_WORD_PIN:
        return ctl32(p, w, VXA_MSR_PINBASED_CTLS, VXA_MSR_TRUE_PINBASED_CTLS, m1, a1, missing);
    case VXA_WORD_PROC:
        return ctl32(p, w, VXA_MSR_PROCBASED_CTLS, VXA_MSR_TRUE_PROCBASED_CTLS, m1, a1, missing);
    case VXA_WORD_EXIT:
        return ctl32(p, w, VXA_MSR_EXIT_CTLS, VXA_MSR_TRUE_EXIT_CTLS, m1, a1, missing);
    case VXA_WORD_ENTRY:
        return ctl32(p, w, VXA_MSR_ENTRY_CTLS, VXA_MSR_TRUE_ENTRY_CTLS, m1, a1, missing);
    case VXA_WORD_PROC2:   /* A.3.3: exists iff PROCBASED_CTLS[63] */
        if (!advertised(p, VXA_WORD_PROC, VXA_PROC_ACTIVATE_SECONDARY, VXA_MSR_PROCBASED_CTLS2, m1, a1,
                        missing))
            return false;
        *m1 = (uint32_t)*a1;   /* allowed-0 settings in bits 31:0, allowed-1 in 63:32 */
        *a1 >>= 32;
        return true;
    case VXA_WORD_PROC3:   /* A.3.4: exists iff PROCBASED_CTLS[49]; 64 allowed-1 bits */
        return advertised(p, VXA_WORD_PROC, VXA_PROC_ACTIVATE_TERTIARY, VXA_MSR_PROCBASED_CTLS3, m1, a1,
                          missing);
    case VXA_WORD_EXIT2:   /* A.4.2: exists iff EXIT_CTLS[63]; 64 allowed-1 bits */
        return advertised(p, VXA_WORD_EXIT, VXA_EXIT_ACTIVATE_SECONDARY, VXA_MSR_EXIT_CTLS2, m1, a1,
                          missing);
    case VXA_WORD_VMFUNC:  /* A.11: exists iff PROCBASED_CTLS2[45] */
        return advertised(p, VXA_WORD_PROC2, VXA_PROC2_ENABLE_VMFUNC, VXA_MSR_VMFUNC, m1, a1, missing);
    case VXA_WORD_BASIC:
        if (!vxa_profile_has(p, VXA_MSR_BASIC)) { *missing = VXA_MSR_BASIC; return false; }
        *m1 = 0;
        *a1 = p->msr[VXA_MSR_BASIC];
        return true;
    default:               /* NONE: everything allowed; SEAM: nothing */
        *m1 = 0;
        *a1 = w == VXA_WORD_NONE ? ~0ull : 0;
        return true;
    }
}

int vxa_can_set(const vxa_profile *p, vxa_word w, unsigned bit)
{
    uint64_t m1, a1;
    if (!vxa_allowed(p, w, &m1, &a1, 0)) return -1;
    return (int)((a1 >> bit) & 1u);
}

int vxa_field_exists(const vxa_profile *p, vxa_field f)
{
    const vxa_field_info *fi = vxa_field_get(f);
    int r = 0;
    if (!fi) return 0;
    if (fi->gate_word[0] == VXA_WORD_NONE) r = 1;
    for (unsigned g = 0; g < 2 && r != 1; g++) {
        if (fi->gate_word[g] == VXA_WORD_NONE) continue;
        int s = vxa_can_set(p, (vxa_word)fi->gate_word[g], fi->gate_bit[g]);
        if (s == 1) r = 1;
        else if (s < 0) r = -1;
    }
    if (r == 1 && vxa_profile_has(p, VXA_MSR_VMCS_ENUM)) {
        unsigned highest = (unsigned)(p->msr[VXA_MSR_VMCS_ENUM] >> 1) & 0x1ffu;  /* A.9 */
        if (((fi->encoding >> 1) & 0x1ffu) > highest) r = 0;
    }
    return r;
}

static unsigned warn(vxa_profile_warning *out, unsigned n, unsigned max, unsigned issue,
                     unsigned msr, uint64_t bits)
{
    if (n < max) {
        out[n].issue = (uint8_t)issue;
        out[n].msr = (uint8_t)msr;
        out[n].bits = bits;
    }
    return n + 1;
}

unsigned vxa_profile_check(const vxa_profile *p, vxa_profile_warning *out, unsigned max)
{
    static const unsigned ctl[] = { VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS,
        VXA_MSR_EXIT_CTLS, VXA_MSR_ENTRY_CTLS, VXA_MSR_PROCBASED_CTLS2,
        VXA_MSR_TRUE_PINBASED_CTLS, VXA_MSR_TRUE_PROCBASED_CTLS, VXA_MSR_TRUE_EXIT_CTLS,
        VXA_MSR_TRUE_ENTRY_CTLS };
    static const vxa_word ctl_word[] = { VXA_WORD_PIN, VXA_WORD_PROC, VXA_WORD_EXIT, VXA_WORD_ENTRY };
    unsigned n = 0;
    if (!vxa_profile_has(p, VXA_MSR_BASIC)) n = warn(out, n, max, VXA_PI_NO_BASIC, VXA_MSR_BASIC, 0);
    for (unsigned k = 0; k < sizeof ctl / sizeof ctl[0]; k++) {
        unsigned i = ctl[k];
        if (!vxa_profile_has(p, i)) continue;
        uint32_t lo = (uint32_t)p->msr[i], hi = (uint32_t)(p->msr[i] >> 32);
        if (lo & ~hi) n = warn(out, n, max, VXA_PI_ALLOWED0_NOT_IN_ALLOWED1, i, lo & ~hi);
    }
    for (unsigned k = 0; k < 4; k++) {
        unsigned plain = ctl[k], tru = ctl[k + 5];
        if (vxa_profile_has(p, plain)) {
            uint32_t lo = (uint32_t)p->msr[plain];
            uint32_t d = (uint32_t)vxa_word_default1(ctl_word[k]);
            if ((lo & d) != d) n = warn(out, n, max, VXA_PI_DEFAULT1_NOT_SET, plain, d & ~lo);
        }
        if (vxa_profile_has(p, plain) && vxa_profile_has(p, tru)) {
            uint64_t a = p->msr[plain], t = p->msr[tru];
            if ((a >> 32) != (t >> 32) || ((uint32_t)t & ~(uint32_t)a))
                n = warn(out, n, max, VXA_PI_TRUE_DISAGREES, tru,
                         ((a ^ t) & 0xffffffff00000000ull) | ((uint32_t)t & ~(uint32_t)a));
        }
    }
    if (vxa_profile_has(p, VXA_MSR_CR0_FIXED0) && vxa_profile_has(p, VXA_MSR_CR0_FIXED1)) {
        uint64_t b = p->msr[VXA_MSR_CR0_FIXED0] & ~p->msr[VXA_MSR_CR0_FIXED1];
        if (b) n = warn(out, n, max, VXA_PI_FIXED0_NOT_IN_FIXED1, VXA_MSR_CR0_FIXED0, b);
    }
    if (vxa_profile_has(p, VXA_MSR_CR4_FIXED0) && vxa_profile_has(p, VXA_MSR_CR4_FIXED1)) {
        uint64_t b = p->msr[VXA_MSR_CR4_FIXED0] & ~p->msr[VXA_MSR_CR4_FIXED1];
        if (b) n = warn(out, n, max, VXA_PI_FIXED0_NOT_IN_FIXED1, VXA_MSR_CR4_FIXED0, b);
    }
    /* MSRs advertised by another MSR but not captured (docs/architecture.md) */
    static const struct { vxa_word by; unsigned bit; unsigned msr; } adv[] = {
        { VXA_WORD_PROC, VXA_PROC_ACTIVATE_SECONDARY, VXA_MSR_PROCBASED_CTLS2 },
        { VXA_WORD_PROC, VXA_PROC_ACTIVATE_TERTIARY, VXA_MSR_PROCBASED_CTLS3 },
        { VXA_WORD_EXIT, VXA_EXIT_ACTIVATE_SECONDARY, VXA_MSR_EXIT_CTLS2 },
        { VXA_WORD_PROC2, VXA_PROC2_ENABLE_VMFUNC, VXA_MSR_VMFUNC },
        { VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, VXA_MSR_EPT_VPID_CAP },
        { VXA_WORD_PROC2, VXA_PROC2_ENABLE_VPID, VXA_MSR_EPT_VPID_CAP },
    };
    for (unsigned k = 0; k < sizeof adv / sizeof adv[0]; k++)
        if (vxa_can_set(p, adv[k].by, adv[k].bit) == 1 && !vxa_profile_has(p, adv[k].msr))
            n = warn(out, n, max, VXA_PI_ADVERTISED_MISSING, adv[k].msr, 0);
    if (true_ctls(p))
        for (unsigned k = 5; k < 9; k++)
            if (!vxa_profile_has(p, ctl[k])) n = warn(out, n, max, VXA_PI_ADVERTISED_MISSING, ctl[k], 0);
    return n;
}
