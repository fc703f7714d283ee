/* test_generator_profile.c — the campaign generator's profile-mutation mode (vxa_generate_mutated,
 * harness/diff/generator.c) and the profile operators under it (harness/mutate/ops_profile.c):
 * deterministic per (seed, index); every profile it makes is one the engine accepts (written as a
 * profile document and read back it is the same profile, and it has no warning its base lacks);
 * it reaches features neither Bochs 2.7 profile has; the fuzzer's operator changes the PMU data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "generator.h"
#include "mutate.h"
#include "vmxaudit/codec.h"
#include "vmxaudit/vmx_bits.h"

typedef struct source {
    vxa_backend b;
    vxa_baselines bl;
    vxa_generator g;
} source;

static void open_source(source *s, const char *profile)
{
    vxa_error e;
    char err[512];
    memset(s, 0, sizeof *s);
    assert_int_equal(vxa_profile_load(profile, &s->b.profile, NULL, &e), 0);
    snprintf(s->b.profile_name, sizeof s->b.profile_name, "%s", profile);
    s->b.profile_bundled = true;
    s->b.name = "bochs";
    assert_true(vxa_baselines_load(&s->b, VXA_MODEL_SDM, &s->bl, err, sizeof err));
    s->g = (vxa_generator){ &s->b, &s->bl, 7 };
}

static bool same_case(const vxa_case *a, const vxa_case *b)
{
    if (memcmp(&a->vmcs, &b->vmcs, sizeof a->vmcs) || memcmp(&a->entry, &b->entry, sizeof a->entry) ||
        a->nmemory != b->nmemory)
        return false;
    for (size_t i = 0; i < a->nmemory; i++)
        if (a->memory[i].address != b->memory[i].address || a->memory[i].length != b->memory[i].length ||
            memcmp(a->memory[i].data, b->memory[i].data, a->memory[i].length))
            return false;
    return true;
}

/* The profile written as a document (vxa_profile_to_json) and read back (vxa_profile_parse). */
static void round_trip(const vxa_profile *p, vxa_profile *back)
{
    vxa_error e;
    vxa_profile_about about = { "mutated", NULL, NULL };
    char *text = vxa_profile_to_json(p, &about);
    assert_non_null(text);
    assert_int_equal(vxa_profile_parse(text, strlen(text), "mutated.json", back, NULL, &e), 0);
    free(text);
}

/* The PMU data, which the profile document does not write: compared apart. */
static bool same_but_pmu(vxa_profile a, vxa_profile b)
{
    a.pmu_types = b.pmu_types = 0;
    a.pmu_perf_caps_known = b.pmu_perf_caps_known = 0;
    memset(a.pmu_cpuid_0a, 0, sizeof a.pmu_cpuid_0a);
    memset(b.pmu_cpuid_0a, 0, sizeof b.pmu_cpuid_0a);
    memset(a.pmu_perf_caps, 0, sizeof a.pmu_perf_caps);
    memset(b.pmu_perf_caps, 0, sizeof b.pmu_perf_caps);
    return !memcmp(&a, &b, sizeof a);
}

/* Does p have a warning (issue, MSR) that base has not? */
static bool new_warning(const vxa_profile *p, const vxa_profile *base)
{
    vxa_profile_warning w[64], bw[64];
    unsigned n = vxa_profile_check(p, w, 64), bn = vxa_profile_check(base, bw, 64);
    for (unsigned i = 0; i < n && i < 64; i++) {
        bool seen = false;
        for (unsigned j = 0; j < bn && j < 64; j++) seen |= w[i].issue == bw[j].issue && w[i].msr == bw[j].msr;
        if (!seen) {
            print_message("new warning: issue %u msr %u bits %llx\n", w[i].issue, w[i].msr, (unsigned long long)w[i].bits);
            return true;
        }
    }
    return false;
}

static void deterministic_and_accepted(void **state)
{
    (void)state;
    static const char *const bases[] = { "bochs-2.7-corei7-skylake-x", "bochs-2.7-tigerlake",
                                         "bochs-3.0-sapphire-rapids", "il-core7-350-wildcatlake" };
    for (size_t k = 0; k < sizeof bases / sizeof bases[0]; k++) {
        static source s;
        open_source(&s, bases[k]);
        unsigned changed = 0;
        for (uint64_t i = 0; i < 150; i++) {
            vxa_case a, b;
            vxa_profile pa, pb, back;
            memset(&pb, 0xa5, sizeof pb);
            vxa_generate_mutated(&s.g, i, &a, &pa);
            vxa_generate_mutated(&s.g, i, &b, &pb);
            assert_true(same_case(&a, &b));
            assert_memory_equal(&pa, &pb, sizeof pa);
            changed += memcmp(&pa, &s.b.profile, sizeof pa) != 0;
            /* accepted: normalised already, read back the same, no new warning */
            vxa_profile norm = pa;
            vxa_profile_normalize(&norm);
            assert_memory_equal(&norm, &pa, sizeof pa);
            round_trip(&pa, &back);
            assert_true(same_but_pmu(back, pa));
            assert_false(new_warning(&pa, &s.b.profile));
            /* the case is one the engine audits on that profile */
            vxa_memory mem = vxa_case_memory(&a);
            vxa_input in = { &pa, &a.vmcs, &a.entry, &mem, VXA_MODEL_SDM, NULL };
            vxa_report r;
            vxa_audit(&in, &r);
            vxa_case_free(&a);
            vxa_case_free(&b);
        }
        /* every base lacks some named control: each case's profile differs from it */
        assert_int_equal(changed, 150);
        vxa_baselines_free(&s.bl);
    }
}

/* A feature neither Bochs 2.7 profile has, on in a generated case with its profile allowing it:
 * "load IA32_FRED" with FRED's fields existing (IA32_VMX_VMCS_ENUM raised), CPUID FRED and
 * CR4.FRED flexible. */
static void reaches_fred(void **state)
{
    (void)state;
    static source s;
    open_source(&s, "bochs-2.7-tigerlake");
    assert_int_equal(vxa_field_exists(&s.b.profile, VXA_F_GUEST_IA32_FRED_CONFIG), 0);
    unsigned fred = 0;
    for (uint64_t i = 0; i < 3000 && !fred; i++) {
        vxa_case c;
        vxa_profile p;
        vxa_generate_mutated(&s.g, i, &c, &p);
        if (vxa_get(&c.vmcs, VXA_F_VM_ENTRY_CONTROLS) >> VXA_ENTRY_LOAD_FRED & 1) {
            uint64_t must, may;
            assert_true(vxa_allowed(&p, VXA_WORD_ENTRY, &must, &may, NULL));
            assert_true(may >> VXA_ENTRY_LOAD_FRED & 1);
            assert_int_equal(vxa_field_exists(&p, VXA_F_GUEST_IA32_FRED_CONFIG), 1);
            assert_true(p.cpuid & VXA_CPUID_FRED);
            assert_true(p.msr[VXA_MSR_CR4_FIXED1] >> 32 & 1);
            fred++;
        }
        vxa_case_free(&c);
    }
    assert_true(fred > 0);
    vxa_baselines_free(&s.bl);
}

/* vxa_profile_allow_feature on a tertiary control: the word's MSR captured, "activate tertiary
 * controls" allowed-1, the bit allowed-1. */
static void allow_tertiary(void **state)
{
    (void)state;
    vxa_profile p;
    vxa_error e;
    assert_int_equal(vxa_profile_load("bochs-2.7-corei7-skylake-x", &p, NULL, &e), 0);
    uint64_t must, may;
    assert_false(vxa_allowed(&p, VXA_WORD_PROC, &must, &may, NULL) && (may >> VXA_PROC_ACTIVATE_TERTIARY & 1));
    vxa_profile_allow_feature(&p, VXA_WORD_PROC3, VXA_PROC3_IPI_VIRT);
    assert_true(vxa_allowed(&p, VXA_WORD_PROC, &must, &may, NULL));
    assert_true(may >> VXA_PROC_ACTIVATE_TERTIARY & 1);
    assert_false(must >> VXA_PROC_ACTIVATE_TERTIARY & 1);
    assert_true(vxa_allowed(&p, VXA_WORD_PROC3, &must, &may, NULL));
    assert_true(may >> VXA_PROC3_IPI_VIRT & 1);
    assert_int_equal(vxa_field_exists(&p, VXA_F_PID_POINTER_TABLE), 1);
}

/* The fuzzer's profile operator reaches the PMU data (CPUID leaf 0AH, IA32_PERF_CAPABILITIES). */
static void fuzz_operator_changes_pmu(void **state)
{
    (void)state;
    vxa_profile base, p;
    vxa_error e;
    assert_int_equal(vxa_profile_load("il-xeon-w7-2475x-sapphirerapids", &base, NULL, &e), 0);
    assert_true(base.pmu_types > 0);
    static vxa_mutator m;
    vxa_mut_init(&m, 42, 0);
    vxa_vmcs v;
    vxa_vmcs_init(&v);
    vxa_entry en;
    memset(&en, 0, sizeof en);
    unsigned pmu = 0;
    for (unsigned i = 0; i < 400; i++) {
        p = base;
        vxa_mut_case c = { &p, &v, &en, NULL, NULL, { 0 }, NULL };
        assert_true(vxa_op_profile(&m, &c));
        uint64_t ex0, kn0, ex1, kn1;
        vxa_perf_global_ctrl_bits(&base, &ex0, &kn0);
        vxa_perf_global_ctrl_bits(&p, &ex1, &kn1);
        pmu += ex0 != ex1 || kn0 != kn1;
        /* the PMU data as the profile format states it (vxa_profile_normalize keeps it) */
        vxa_profile norm = p;
        vxa_profile_normalize(&norm);
        assert_int_equal(norm.pmu_types, p.pmu_types);
        assert_int_equal(norm.pmu_perf_caps_known, p.pmu_perf_caps_known);
    }
    assert_true(pmu > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic_and_accepted),
        cmocka_unit_test(reaches_fred),
        cmocka_unit_test(allow_tertiary),
        cmocka_unit_test(fuzz_operator_changes_pmu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
