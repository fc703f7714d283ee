/* test_perf_global_ctrl.c — the PMU a profile carries (CPUID.0AH per core type,
 * IA32_PERF_CAPABILITIES) and the IA32_PERF_GLOBAL_CTRL reserved-bit rules it decides (SDM
 * 27.2.2 host, 27.3.1.1 guest; the MSR's layout: Vol. 3B, Architectural Performance Monitoring):
 * which bits exist for each architectural version, hybrid parts, what stays undetermined, and
 * the profile format's "pmu" object (errors name the JSON path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

#define RSVD_ALWAYS (~0ull << 49)

static void bits(const vxa_profile *p, uint64_t *exists, uint64_t *known)
{
    vxa_perf_global_ctrl_bits(p, exists, known);
    assert_int_equal(*known & RSVD_ALWAYS, RSVD_ALWAYS);   /* 63:49 are always decided ... */
    assert_int_equal(*exists & RSVD_ALWAYS, 0);            /* ... as reserved */
}

static void one_type(vxa_profile *p, uint32_t eax, uint32_t ecx, uint32_t edx)
{
    vxa_profile_init(p);
    p->pmu_types = 1;
    p->pmu_cpuid_0a[0][0] = eax;
    p->pmu_cpuid_0a[0][2] = ecx;
    p->pmu_cpuid_0a[0][3] = edx;
}

static void versions(void **s)
{
    (void)s;
    vxa_profile p;
    uint64_t e, k;
    /* nothing captured: only 63:49 decided */
    vxa_profile_init(&p);
    bits(&p, &e, &k);
    assert_int_equal(k, RSVD_ALWAYS);
    /* Haswell with Hyper-Threading (07300403 / 00000603): PMC0-3, FIXED_CTR0-2 */
    one_type(&p, 0x07300403, 0, 0x603);
    bits(&p, &e, &k);
    assert_int_equal(e, 0x70000000full);
    assert_int_equal(k, ~(1ull << 48));                  /* no IA32_PERF_CAPABILITIES: bit 48 open */
    /* version 5 (Ice Lake and later, 08300805 / 0000000f / 00008604): 8 PMCs, 4 fixed */
    one_type(&p, 0x08300805, 0xf, 0x8604);
    bits(&p, &e, &k);
    assert_int_equal(e, 0xf000000ffull);
    /* version 5: a fixed counter exists if ECX[i] or EDX[4:0] > i — a bitmap with a hole */
    one_type(&p, 0x08300405, 0x5, 0);
    bits(&p, &e, &k);
    assert_int_equal(e, 0x50000000full);
    assert_true(k & (1ull << 33));                       /* FIXED_CTR1: decided, reserved */
    one_type(&p, 0x08300405, 0x8, 0x2);
    bits(&p, &e, &k);
    assert_int_equal(e >> 32, 0xb);
    /* version 2 reporting fewer than 3 fixed counters (the SDM's warning about early Intel Core
     * parts): FIXED_CTR0-2 stay open, 3 and up are reserved */
    one_type(&p, 0x07280202, 0, 0);
    bits(&p, &e, &k);
    assert_int_equal(e, 0x3);
    assert_int_equal(k & (7ull << 32), 0);
    assert_true(k & (1ull << 35));
    /* version 1 has no IA32_PERF_GLOBAL_CTRL, version 0 no architectural PMU: nothing decided */
    one_type(&p, 0x07280201, 0, 0x603);
    bits(&p, &e, &k);
    assert_int_equal(k, RSVD_ALWAYS);
    assert_int_equal(e, 0);
    /* IA32_PERF_CAPABILITIES decides EN_PERF_METRICS (bit 48) from its bit 15 */
    one_type(&p, 0x08300805, 0xf, 0x8604);
    p.pmu_perf_caps_known = 1;
    p.pmu_perf_caps[0] = 1ull << 15;
    bits(&p, &e, &k);
    assert_int_equal(k, ~0ull);
    assert_int_equal(e, 0x1000f000000ffull);
    p.pmu_perf_caps[0] = 0x4000;
    bits(&p, &e, &k);
    assert_int_equal(k, ~0ull);
    assert_int_equal(e, 0xf000000ffull);
}

static void hybrid(void **s)
{
    (void)s;
    vxa_profile p;
    uint64_t e, k;
    /* a P core with 8 PMCs and 4 fixed counters, an E core with 6 PMCs and 3 fixed (bitmap 0x7) */
    one_type(&p, 0x08300805, 0xf, 0x8604);
    p.pmu_types = 2;
    p.pmu_cpuid_0a[1][0] = 0x07300605;
    p.pmu_cpuid_0a[1][2] = 0x7;
    p.pmu_cpuid_0a[1][3] = 0x603;
    bits(&p, &e, &k);
    assert_int_equal(e, 0x70000003full);                 /* on every core type */
    assert_int_equal(~k, (1ull << 48) | (1ull << 35) | 0xc0);   /* where VM entry runs decides */
    /* vxa_profile_normalize keeps the captured core types' IA32_PERF_CAPABILITIES only */
    p.pmu_perf_caps_known = 0x7;
    vxa_profile_normalize(&p);
    assert_int_equal(p.pmu_perf_caps_known, 0x3);
}

/* ---- the rules, on linux64 with "load IA32_PERF_GLOBAL_CTRL" on entry and exit ---- */

static vxa_report rep;

static const vxa_report *run(const char *profile_patch, const char *value)
{
    char patch[1200];
    snprintf(patch, sizeof patch, "{%s%s \"vmcs\": {\"VM_EXIT_CONTROLS\": \"0x33fffb\", \"VM_ENTRY_CONTROLS\": "
             "\"0xb3fb\", \"HOST_IA32_PERF_GLOBAL_CTRL\": \"%s\", \"GUEST_IA32_PERF_GLOBAL_CTRL\": \"%s\"}}",
             profile_patch, profile_patch[0] ? "," : "", value, value);
    tc_audit("linux64", patch, NULL, VXA_MODEL_SDM, &rep);
    return &rep;
}

static void both_undetermined(const vxa_report *r, uint64_t aux)
{
    tc_assert_undetermined(r, "HOST_PERF_GLOBAL_CTRL_RSVD", VXA_UR_PMU_UNKNOWN, aux);
    tc_assert_undetermined(r, "GUEST_PERF_GLOBAL_CTRL_RESERVED", VXA_UR_PMU_UNKNOWN, aux);
}

static void both_decided(const vxa_report *r)
{
    assert_null(tc_undetermined(r, "HOST_PERF_GLOBAL_CTRL_RSVD"));
    assert_null(tc_undetermined(r, "GUEST_PERF_GLOBAL_CTRL_RESERVED"));
}

static void both_violated(const vxa_report *r, uint64_t bad, uint64_t fix)
{
    const vxa_violation *h = tc_violation(r, "HOST_PERF_GLOBAL_CTRL_RSVD");
    const vxa_violation *g = tc_violation(r, "GUEST_PERF_GLOBAL_CTRL_RESERVED");
    assert_non_null(h);
    assert_non_null(g);
    assert_int_equal(h->bits, bad);
    assert_int_equal(g->bits, bad);
    assert_true(tc_fixes(h, "HOST_IA32_PERF_GLOBAL_CTRL", fix));
    assert_true(tc_fixes(g, "GUEST_IA32_PERF_GLOBAL_CTRL", fix));
}

#define SPR "\"profile\": \"il-xeon-w7-2475x-sapphirerapids\""

static void rules_on_profiles(void **s)
{
    (void)s;
    /* Sapphire Rapids (InstLatx64 dump: 8 PMCs, 4 fixed): every counter enabled passes, decided */
    const vxa_report *r = run(SPR, "0xf000000ff");
    both_decided(r);
    assert_null(tc_violation(r, "HOST_PERF_GLOBAL_CTRL_RSVD"));
    assert_null(tc_violation(r, "GUEST_PERF_GLOBAL_CTRL_RESERVED"));
    assert_int_equal(r->outcome.result, VXA_ENTERED);
    assert_false(r->outcome_assumes_undetermined_pass);
    /* PMC8 and FIXED_CTR4 do not exist there */
    r = run(SPR, "0x1f000001ff");
    both_violated(r, 0x1000000100ull, 0xf000000ffull);
    /* EN_PERF_METRICS: the dump has no IA32_PERF_CAPABILITIES */
    r = run(SPR, "0x1000000000001");
    both_undetermined(r, 1ull << 48);
    /* ... which the profile may add */
    r = run(SPR ", \"pmu\": {\"core_types\": [{\"cpuid_0a\": [\"0x08300805\", \"0\", \"0xf\", \"0x8604\"], "
            "\"perf_capabilities\": \"0x8000\"}]}", "0x1000000000001");
    both_decided(r);
    assert_null(tc_violation(r, "HOST_PERF_GLOBAL_CTRL_RSVD"));
    /* the same profile without its PMU: nothing below 49 is decided */
    r = run(SPR ", \"pmu\": null", "0xf000000ff");
    both_undetermined(r, 0xf000000ffull);
    /* a hybrid PMU: PMC6/7 exist on one core type only (undetermined), PMC8 on none (violated) */
    r = run(SPR ", \"pmu\": {\"core_types\": [{\"cpuid_0a\": [\"0x08300805\", \"0\", \"0xf\", \"0x8604\"]}, "
            "{\"cpuid_0a\": [\"0x07300605\", \"0\", \"0x7\", \"0x603\"]}]}", "0xc0");
    both_undetermined(r, 0xc0);
    r = run(SPR ", \"pmu\": {\"core_types\": [{\"cpuid_0a\": [\"0x08300805\", \"0\", \"0xf\", \"0x8604\"]}, "
            "{\"cpuid_0a\": [\"0x07300605\", \"0\", \"0x7\", \"0x603\"]}]}", "0x13f");
    both_violated(r, 0x100, 0x3f);
    /* Haswell (4 PMCs with Hyper-Threading, 3 fixed, version 3) */
    r = run("\"profile\": \"il-i7-4770-haswell\"", "0x70000000f");
    both_decided(r);
    assert_int_equal(r->outcome.result, VXA_ENTERED);
    r = run("\"profile\": \"il-i7-4770-haswell\"", "0xf00000010");
    both_violated(r, 0x800000010ull, 0x700000000ull);
}

/* ---- the profile format ---- */

static int parse(const char *pmu, vxa_profile *p, vxa_error *e)
{
    char text[800];
    snprintf(text, sizeof text, "{\"name\": \"t\",\n \"pmu\": %s}", pmu);
    return vxa_profile_parse(text, strlen(text), "t.json", p, NULL, e);
}

static void format_errors(void **s)
{
    (void)s;
    vxa_profile p;
    vxa_error e;
    static const struct { const char *pmu, *path; } bad[] = {
        { "[1]", "pmu" },
        { "{}", "pmu" },
        { "{\"core_types\": []}", "pmu.core_types" },
        { "{\"core_types\": [{}, {}, {}, {}]}", "pmu.core_types" },
        { "{\"core_types\": [7]}", "pmu.core_types[0]" },
        { "{\"core_types\": [{\"cpuid_0a\": [\"0x1\", \"0\", \"0\"]}]}", "pmu.core_types[0].cpuid_0a" },
        { "{\"core_types\": [{\"cpuid_0a\": [\"0x1\", \"0\", \"0\", \"0x100000000\"]}]}", "pmu.core_types[0].cpuid_0a[3]" },
        { "{\"core_types\": [{\"cpuid_0a\": [\"0x1\", \"zz\", \"0\", \"0\"]}]}", "pmu.core_types[0].cpuid_0a[1]" },
        { "{\"core_types\": [{\"cpuid_0a\": [\"0x1\", \"0\", \"0\", \"0\"], \"perf_capabilities\": \"-1\"}]}",
          "pmu.core_types[0].perf_capabilities" },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        if (parse(bad[i].pmu, &p, &e) == 0) fail_msg("accepted %s", bad[i].pmu);
        assert_string_equal(e.file, "t.json");
        if (strcmp(e.path, bad[i].path)) fail_msg("%s: path %s, expected %s (%s)", bad[i].pmu, e.path, bad[i].path, e.message);
        assert_int_equal(e.line, 2);
    }
}

static void format_round_trip(void **s)
{
    (void)s;
    vxa_profile p, q;
    vxa_error e;
    assert_int_equal(parse("{\"core_types\": [{\"cpuid_0a\": [\"0x08300805\", \"0\", \"0xf\", \"0x8604\"], "
                           "\"perf_capabilities\": \"0x8000\"}, {\"cpuid_0a\": [\"0x07300605\", 0, 7, \"0x603\"], "
                           "\"seen_on\": \"kept, ignored\"}]}", &p, &e), 0);
    assert_int_equal(p.pmu_types, 2);
    assert_int_equal(p.pmu_perf_caps_known, 1);
    assert_int_equal(p.pmu_cpuid_0a[1][2], 7);
    char *t = vxa_profile_to_json(&p, NULL);
    assert_non_null(t);
    assert_int_equal(vxa_profile_parse(t, strlen(t), "out.json", &q, NULL, &e), 0);
    free(t);
    assert_int_equal(q.pmu_types, 2);
    assert_int_equal(q.pmu_perf_caps_known, 1);
    assert_int_equal(q.pmu_perf_caps[0], 0x8000);
    assert_memory_equal(q.pmu_cpuid_0a, p.pmu_cpuid_0a, sizeof p.pmu_cpuid_0a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(versions),
        cmocka_unit_test(hybrid),
        cmocka_unit_test(rules_on_profiles),
        cmocka_unit_test(format_errors),
        cmocka_unit_test(format_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
