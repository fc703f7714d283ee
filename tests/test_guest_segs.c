/* test_guest_segs.c — what the JSON runner cannot express for SDM 27.3.1.2: the base-address
 * rules that apply "on processors that support Intel 64 architecture" (undetermined when the
 * profile does not say, skipped when it says no), the fields a violation names, and fixes that
 * change two fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

static vxa_report rep;

/* Audits layout + patch (JSON text) under the SDM model. */
static void audit(const char *layout, const char *patch) { tc_audit(layout, patch, NULL, VXA_MODEL_SDM, &rep); }

static const vxa_violation *violation(const char *id) { return tc_violation(&rep, id); }

static const vxa_undetermined *undetermined(const char *id) { return tc_undetermined(&rep, id); }

#define names tc_names

#define fixes tc_fixes

/* Without IA32_VMX_BASIC and without a "lm" CPUID statement, the profile does not say whether the
 * CPU supports Intel 64 architecture: a base that would break a 64-bit rule is undetermined. */
static void base_rules_undetermined_without_lm(void **state)
{
    (void)state;
    audit("linux64", "{\"msrs\": {\"0x480\": null}, \"vmcs\": {\"GUEST_FS_BASE\": \"0x800000000000\","
                     " \"GUEST_CS_BASE\": \"0x100000000\"}}");
    assert_null(violation("GUEST_FS_BASE_CANONICAL"));
    assert_null(violation("GUEST_CS_BASE_HIGH"));
    const vxa_undetermined *u = undetermined("GUEST_FS_BASE_CANONICAL");
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_CPUID_UNKNOWN);
    assert_int_equal(u->aux, VXA_CPUID_LM);
    assert_non_null(undetermined("GUEST_CS_BASE_HIGH"));
    assert_null(undetermined("GUEST_GS_BASE_CANONICAL"));   /* a valid base is never undetermined */
}

/* A profile that says the CPU lacks Intel 64 architecture: the base rules do not apply. */
static void base_rules_skipped_without_intel64(void **state)
{
    (void)state;
    audit("protected32", "{\"cpuid\": {\"lm\": false}, \"vmcs\": {\"GUEST_TR_BASE\": \"0x800000000000\"}}");
    assert_null(violation("GUEST_TR_BASE_CANONICAL"));
    assert_null(undetermined("GUEST_TR_BASE_CANONICAL"));
    /* ...and they do when it says yes. */
    audit("protected32", "{\"cpuid\": {\"lm\": true}, \"vmcs\": {\"GUEST_TR_BASE\": \"0x800000000000\"}}");
    const vxa_violation *v = violation("GUEST_TR_BASE_CANONICAL");
    assert_non_null(v);
    assert_true(fixes(v, "GUEST_TR_BASE", 0xffff800000000000ull));
}

/* A rule relating two registers names both, and the control that makes it apply. */
static void ss_rpl_names_both_selectors(void **state)
{
    (void)state;
    audit("linux64", "{\"vmcs\": {\"GUEST_SS_SELECTOR\": \"0x1b\", \"GUEST_SS_AR_BYTES\": \"0xc0f3\","
                     " \"GUEST_CS_AR_BYTES\": \"0xa0fb\"}}");
    const vxa_violation *v = violation("GUEST_SS_SEL_RPL");
    assert_non_null(v);
    assert_int_equal(v->field[0], vxa_field_by_name("GUEST_SS_SELECTOR"));
    assert_true(names(v, "GUEST_CS_SELECTOR", 0x10));
    assert_true(names(v, "SECONDARY_VM_EXEC_CONTROL", 0x102a));
    assert_int_equal(v->bits, 3);
    assert_true(fixes(v, "GUEST_SS_SELECTOR", 0x18));
    assert_int_equal(v->qualification, 0);
}

/* G = 0 with limit bits 31:20 set and 11:0 not all 1: the fix sets G and fills limit bits 11:0;
 * G = 1 with both limit bits 31:20 set and 11:0 not all 1: the fix keeps G, fills bits 11:0. */
static void g_fixes(void **state)
{
    (void)state;
    audit("linux64", "{\"vmcs\": {\"GUEST_DS_LIMIT\": \"0x100000\", \"GUEST_DS_AR_BYTES\": \"0x4093\"}}");
    const vxa_violation *v = violation("GUEST_DS_AR_G_LIMIT_31_20");
    assert_non_null(v);
    assert_true(names(v, "GUEST_DS_LIMIT", 0x100000));
    assert_true(fixes(v, "GUEST_DS_AR_BYTES", 0xc093));
    assert_true(fixes(v, "GUEST_DS_LIMIT", 0x100fff));
    assert_null(violation("GUEST_DS_AR_G_LIMIT_11_0"));

    audit("linux64", "{\"vmcs\": {\"GUEST_ES_LIMIT\": \"0xfffff000\"}}");
    v = violation("GUEST_ES_AR_G_LIMIT_11_0");
    assert_non_null(v);
    assert_int_equal(v->nfix, 1);
    assert_true(fixes(v, "GUEST_ES_LIMIT", 0xffffffff));

    audit("linux64", "{\"vmcs\": {\"GUEST_ES_LIMIT\": \"0xffffe\"}}");
    v = violation("GUEST_ES_AR_G_LIMIT_11_0");
    assert_non_null(v);
    assert_true(fixes(v, "GUEST_ES_AR_BYTES", 0x4093));
}

/* Virtual-8086: every one of the six registers is checked, each with its own ID; the non-v86
 * sub-field rules are not. */
static void v86_all_six(void **state)
{
    (void)state;
    audit("protected32", "{\"vmcs\": {\"GUEST_RFLAGS\": \"0x20002\"}}");
    static const char *const regs[] = { "CS", "SS", "DS", "ES", "FS", "GS" };
    char id[64];
    for (unsigned i = 0; i < 6; i++) {
        snprintf(id, sizeof id, "GUEST_%s_AR_V86", regs[i]);
        assert_non_null(violation(id));
        snprintf(id, sizeof id, "GUEST_%s_LIMIT_V86", regs[i]);
        assert_non_null(violation(id));
        /* selectors 0x10/0x18 shifted left 4 are not the flat bases 0 */
        snprintf(id, sizeof id, "GUEST_%s_BASE_V86", regs[i]);
        assert_non_null(violation(id));
    }
    assert_null(violation("GUEST_CS_AR_G_LIMIT_31_20"));
    assert_null(violation("GUEST_SS_SEL_RPL"));
    unsigned n = 0;
    for (unsigned i = 0; i < rep.nviolations && i < VXA_MAX_VIOLATIONS; i++)
        n += strcmp(vxa_check_get((vxa_check)rep.violations[i].check)->sdm, "27.3.1.2") == 0;
    assert_int_equal(n, 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_rules_undetermined_without_lm),
        cmocka_unit_test(base_rules_skipped_without_intel64),
        cmocka_unit_test(ss_rpl_names_both_selectors),
        cmocka_unit_test(g_fixes),
        cmocka_unit_test(v86_all_six),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
