/* test_exit_entry_controls.c — what the per-check JSON runner cannot express for SDM 27.2.1.2 /
 * 27.2.1.3: undetermined rules (a capability MSR or CPUID feature the profile lacks), the
 * no-overflow computation of the last byte of an MSR area, and the exact fix values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

static vxa_report r;

/* Audits linux64 patched with the JSON text `patch`. */
static void run(const char *patch) { tc_audit("linux64", patch, NULL, VXA_MODEL_SDM, &r); }

static const vxa_violation *violation(const char *id) { return tc_violation(&r, id); }

static const vxa_undetermined *undetermined(const char *id) { return tc_undetermined(&r, id); }

static unsigned ctrl_violations(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < r.nviolations && i < VXA_MAX_VIOLATIONS; i++)
        n += vxa_check_get((vxa_check)r.violations[i].check)->cls == VXA_CLASS_CONTROLS;
    return n;
}

static void expect_undet(const char *id, unsigned reason, uint64_t aux)
{
    tc_assert_undetermined(&r, id, reason, aux);
}

/* The baseline layout audits clean and decides every rule of these sections. */
static void baseline(void **state)
{
    (void)state;
    run("{}");
    assert_int_equal(r.nviolations, 0);
    for (unsigned i = 0; i < r.nundetermined; i++) {
        const char *id = vxa_check_get((vxa_check)r.undetermined[i].check)->id;
        assert_false(strncmp(id, "CTRL_EXIT", 9) == 0 || strncmp(id, "CTRL_ENTRY", 10) == 0 ||
                     strncmp(id, "CTRL_EVENT", 10) == 0);
    }
}

/* Exit/entry control MSRs not captured: the allowed-settings rules are undetermined. */
static void allowed_msr_missing(void **state)
{
    (void)state;
    run("{\"msrs\": {\"0x48f\": null, \"0x490\": null}}");
    expect_undet("CTRL_EXIT_ALLOWED0", VXA_UR_MSR_MISSING, 0x48f);
    expect_undet("CTRL_EXIT_ALLOWED1", VXA_UR_MSR_MISSING, 0x48f);
    expect_undet("CTRL_ENTRY_ALLOWED0", VXA_UR_MSR_MISSING, 0x490);
    expect_undet("CTRL_ENTRY_ALLOWED1", VXA_UR_MSR_MISSING, 0x490);
    assert_true(r.outcome_assumes_undetermined_pass);
}

/* EXIT_CTLS[63] advertises IA32_VMX_EXIT_CTLS2, which the profile lacks. */
static void exit2_msr_missing(void **state)
{
    (void)state;
    run("{\"msrs\": {\"0x483\": \"0x81ffffff00036dff\", \"0x48f\": \"0x81ffffff00036dfb\"},"
        " \"vmcs\": {\"VM_EXIT_CONTROLS\": \"0x8033effb\", \"SECONDARY_VM_EXIT_CONTROLS\": \"0x1\"}}");
    expect_undet("CTRL_EXIT2_RESERVED", VXA_UR_MSR_MISSING, 0x493);
    assert_int_equal(ctrl_violations(), 0);
    /* Secondary exit controls not activated: not checked at all. */
    run("{\"vmcs\": {\"SECONDARY_VM_EXIT_CONTROLS\": \"0xff\"}}");
    assert_null(undetermined("CTRL_EXIT2_RESERVED"));
    assert_null(violation("CTRL_EXIT2_RESERVED"));
}

/* Type 7 (other event) is reserved without MTF support: undetermined without the PROC MSR. */
static void other_event_proc_msr_missing(void **state)
{
    (void)state;
    run("{\"msrs\": {\"0x48e\": null}, \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000700\"}}");
    expect_undet("CTRL_EVENT_TYPE_RESERVED", VXA_UR_MSR_MISSING, 0x48e);
}

/* #CP (21) delivers an error code only on processors with CET: unknown CET, undetermined. */
static void cp_vector_cet_unknown(void **state)
{
    (void)state;
    run("{\"cpuid\": {\"cet_ss\": null, \"cet_ibt\": null},"
        " \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000315\"}}");
    expect_undet("CTRL_EVENT_ERRCODE_MISSING", VXA_UR_CPUID_UNKNOWN,
                 VXA_CPUID_CET_SS | VXA_CPUID_CET_IBT);
    run("{\"cpuid\": {\"cet_ss\": null, \"cet_ibt\": null},"
        " \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000b15\"}}");
    expect_undet("CTRL_EVENT_ERRCODE_UNEXPECTED", VXA_UR_CPUID_UNKNOWN,
                 VXA_CPUID_CET_SS | VXA_CPUID_CET_IBT);
    /* One of the two stated present is enough. */
    run("{\"cpuid\": {\"cet_ss\": false, \"cet_ibt\": true},"
        " \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000315\"}}");
    assert_non_null(violation("CTRL_EVENT_ERRCODE_MISSING"));
    /* With IA32_VMX_BASIC[56] = 1 the vector does not matter: nothing to decide. */
    run("{\"cpuid\": {\"cet_ss\": null, \"cet_ibt\": null}, \"msrs\": {\"0x480\": \"0x01da040000000004\"},"
        " \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000b15\"}}");
    assert_null(undetermined("CTRL_EVENT_ERRCODE_UNEXPECTED"));
    assert_null(violation("CTRL_EVENT_ERRCODE_UNEXPECTED"));
}

/* Deliver-error-code with unrestricted guest and CR0.PE = 0 (real-mode guest): never allowed,
 * not even with IA32_VMX_BASIC[56] = 1; and not required for #GP. */
static void errcode_real_mode_guest(void **state)
{
    (void)state;
    static const char *const base =
        "{\"msrs\": {\"0x480\": \"%s\"}, \"vmcs\": {\"SECONDARY_VM_EXEC_CONTROL\": \"0x10aa\","
        " \"GUEST_CR0\": \"0x80050032\", \"VM_ENTRY_INTR_INFO_FIELD\": \"%s\"}}";
    char buf[400];
    snprintf(buf, sizeof buf, base, "0x01da040000000004", "0x80000b0d");
    run(buf);
    const vxa_violation *v = violation("CTRL_EVENT_ERRCODE_UNEXPECTED");
    assert_non_null(v);
    assert_int_equal(v->fix_value[0], 0x8000030d);
    /* The fields that made the rule apply come with it. */
    assert_int_equal(v->nfields, 3);
    assert_int_equal(v->field[1], VXA_F_SECONDARY_VM_EXEC_CONTROL);
    assert_int_equal(v->field[2], VXA_F_GUEST_CR0);
    assert_int_equal(v->value[2], 0x80050032);
    snprintf(buf, sizeof buf, base, "0x00da040000000004", "0x8000030d");
    run(buf);
    assert_null(violation("CTRL_EVENT_ERRCODE_MISSING"));
    assert_null(violation("CTRL_EVENT_ERRCODE_UNEXPECTED"));
}

/* Instruction length 0 needs IA32_VMX_MISC[30]: undetermined without IA32_VMX_MISC. */
static void zero_length_misc_missing(void **state)
{
    (void)state;
    run("{\"msrs\": {\"0x485\": null}, \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000480\","
        " \"VM_ENTRY_INSTRUCTION_LEN\": \"0x0\"}}");
    expect_undet("CTRL_EVENT_INSTR_LEN", VXA_UR_MSR_MISSING, 0x485);
    /* A length of 16 fails whatever MISC says. */
    run("{\"msrs\": {\"0x485\": null}, \"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000480\","
        " \"VM_ENTRY_INSTRUCTION_LEN\": \"0x10\"}}");
    const vxa_violation *v = violation("CTRL_EVENT_INSTR_LEN");
    assert_non_null(v);
    assert_int_equal(v->fix_value[0], 15);
}

/* SYSCALL/SYSENTER injection under guest CR4.FRED on a profile that does not say whether the
 * processor has FRED (no CPUID statement, no IA32_VMX_CR4_FIXED1). */
static void fred_support_unknown(void **state)
{
    (void)state;
    run("{\"msrs\": {\"0x489\": null}, \"vmcs\": {\"GUEST_CR4\": \"0x100002020\","
        " \"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000701\", \"VM_ENTRY_INSTRUCTION_LEN\": \"0x20\"}}");
    expect_undet("CTRL_EVENT_OTHER_VECTOR", VXA_UR_CPUID_UNKNOWN, VXA_CPUID_FRED);
    expect_undet("CTRL_EVENT_FRED_INSTR_LEN", VXA_UR_CPUID_UNKNOWN, VXA_CPUID_FRED);
    /* CR4_FIXED1[32] = 0 answers it: no FRED, vector 1 is invalid, the length is not checked. */
    run("{\"vmcs\": {\"GUEST_CR4\": \"0x100002020\", \"VM_ENTRY_INTR_INFO_FIELD\": \"0x80000701\","
        " \"VM_ENTRY_INSTRUCTION_LEN\": \"0x20\"}}");
    const vxa_violation *v = violation("CTRL_EVENT_OTHER_VECTOR");
    assert_non_null(v);
    assert_int_equal(v->fix_value[0], 0x80000700);
    assert_int_equal(v->nfields, 3);
    assert_int_equal(v->field[1], VXA_F_VM_ENTRY_CONTROLS);
    assert_int_equal(v->field[2], VXA_F_GUEST_CR4);
    assert_null(violation("CTRL_EVENT_FRED_INSTR_LEN"));
}

/* Invalid bit 31 clear: nothing of the event-injection rules is checked. */
static void not_valid_not_checked(void **state)
{
    (void)state;
    run("{\"vmcs\": {\"VM_ENTRY_INTR_INFO_FIELD\": \"0x7fffffff\","
        " \"VM_ENTRY_EXCEPTION_ERROR_CODE\": \"0xffffffff\", \"VM_ENTRY_INSTRUCTION_LEN\": \"0xff\"}}");
    assert_int_equal(ctrl_violations(), 0);
}

/* The last byte of an area is computed without 64-bit overflow, and the fixes are exact. */
static void msr_area_overflow_and_fixes(void **state)
{
    (void)state;
    run("{\"vmcs\": {\"VM_EXIT_MSR_STORE_ADDR\": \"0xfffffffffffffff8\","
        " \"VM_EXIT_MSR_STORE_COUNT\": \"0xffffffff\"}}");
    const vxa_violation *a = violation("CTRL_EXIT_MSR_STORE_ALIGN");
    const vxa_violation *w = violation("CTRL_EXIT_MSR_STORE_WIDTH");
    const vxa_violation *e = violation("CTRL_EXIT_MSR_STORE_END");
    assert_non_null(a);
    assert_non_null(w);
    assert_non_null(e);
    assert_int_equal(a->bits, 0x8);
    assert_int_equal(a->fix_value[0], 0xfffffffffffffff0ull);
    assert_int_equal(w->bits, 0xffffc00000000000ull);     /* MAXPHYADDR 46 */
    assert_int_equal(w->fix_value[0], 0x3ffffffffff8ull);
    assert_int_equal(e->nfields, 2);
    assert_int_equal(e->value[1], 0xffffffffu);
    assert_int_equal(e->fix_value[0], 0x3fffffffffffull - (0xffffffffull * 16 - 1));
    assert_int_equal(ctrl_violations(), 3);
    /* An area starting near 2^64 (a + 16 * count - 1 would carry out of 64 bits). */
    run("{\"maxphyaddr\": 52, \"msrs\": {\"0x480\": \"0x00da040000000004\"},"
        " \"vmcs\": {\"VM_EXIT_MSR_LOAD_ADDR\": \"0xfffffffffffffff0\","
        " \"VM_EXIT_MSR_LOAD_COUNT\": \"0x2\"}}");
    assert_non_null(violation("CTRL_EXIT_MSR_LOAD_END"));
    /* BASIC[48]: a count too large to fit in 4 GiB at all gets no address fix. */
    run("{\"msrs\": {\"0x480\": \"0x00db040000000004\"},"
        " \"vmcs\": {\"VM_EXIT_MSR_LOAD_ADDR\": \"0x0\", \"VM_EXIT_MSR_LOAD_COUNT\": \"0x10000001\"}}");
    e = violation("CTRL_EXIT_MSR_LOAD_END");
    assert_non_null(e);
    assert_int_equal(e->nfix, 0);
    run("{\"msrs\": {\"0x480\": \"0x00db040000000004\"},"
        " \"vmcs\": {\"VM_EXIT_MSR_LOAD_ADDR\": \"0x10\", \"VM_EXIT_MSR_LOAD_COUNT\": \"0xfffffff\"}}");
    assert_null(violation("CTRL_EXIT_MSR_LOAD_END"));
}

/* "save VMX-preemption timer value" names the pin-based controls it depends on. */
static void preempt_timer_fields(void **state)
{
    (void)state;
    run("{\"vmcs\": {\"VM_EXIT_CONTROLS\": \"0x73effb\"}}");
    const vxa_violation *v = violation("CTRL_EXIT_SAVE_PREEMPT_TIMER");
    assert_non_null(v);
    assert_int_equal(v->nfields, 2);
    assert_int_equal(v->field[1], VXA_F_PIN_BASED_VM_EXEC_CONTROL);
    assert_int_equal(v->bits, 0x400000);
    assert_int_equal(v->fix_value[0], 0x33effb);
}

/* Both SMM controls outside SMM: one violation for the bullet, the fix clears both. */
static void smm_controls(void **state)
{
    (void)state;
    run("{\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x9ffb\"}}");
    const vxa_violation *v = violation("CTRL_ENTRY_SMM_OUTSIDE_SMM");
    assert_non_null(v);
    assert_int_equal(v->bits, 0xc00);
    assert_int_equal(v->fix_value[0], 0x93fb);
    assert_non_null(violation("CTRL_ENTRY_SMM_AND_DEACTIVATE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(baseline),
        cmocka_unit_test(allowed_msr_missing),
        cmocka_unit_test(exit2_msr_missing),
        cmocka_unit_test(other_event_proc_msr_missing),
        cmocka_unit_test(cp_vector_cet_unknown),
        cmocka_unit_test(errcode_real_mode_guest),
        cmocka_unit_test(zero_length_misc_missing),
        cmocka_unit_test(fred_support_unknown),
        cmocka_unit_test(not_valid_not_checked),
        cmocka_unit_test(msr_area_overflow_and_fixes),
        cmocka_unit_test(preempt_timer_fields),
        cmocka_unit_test(smm_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
