/* test_outcome.c — the one agreement predicate (vxa_outcome_within), the undetermined rule that
 * explains an observation outside a prediction (vxa_undetermined_explains), and the equality of
 * two predictions (vxa_outcome_equal).  The cases where the project's former predicates differed
 * (the lenient vxa_live_agrees of API 2 and the diff's strict vxa_observation_matches) are decided here
 * one by one; docs/outcome-model.md "Agreement" gives the reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/vmxaudit.h"

static vxa_outcome vmfail(unsigned n, const uint8_t *e)
{
    vxa_outcome o;
    memset(&o, 0, sizeof o);
    o.result = VXA_VMFAIL_VALID;
    o.nerror = (uint8_t)n;
    for (unsigned i = 0; i < n && i < VXA_MAX_SET; i++) o.error[i] = e[i];
    return o;
}

static vxa_outcome failure(uint8_t reason, unsigned n, const uint32_t *q)
{
    vxa_outcome o;
    memset(&o, 0, sizeof o);
    o.result = VXA_ENTRY_FAILURE;
    o.exit_reason = reason;
    o.nqual = (uint8_t)n;
    for (unsigned i = 0; i < n && i < VXA_MAX_SET; i++) o.qual[i] = q[i];
    return o;
}

static vxa_outcome plain(uint8_t result, uint8_t vector)
{
    vxa_outcome o;
    memset(&o, 0, sizeof o);
    o.result = result;
    o.vector = vector;
    return o;
}

static bool within(const vxa_outcome *p, const vxa_outcome *o) { return vxa_outcome_within(p, o); }

static void vmfail_valid_sets(void **state)
{
    (void)state;
    const uint8_t e78[] = { 7, 8 }, e8[] = { 8 }, e7[] = { 7 }, e79[] = { 7, 9 }, e87[] = { 8, 7 };
    vxa_outcome p = vmfail(2, e78), o = vmfail(1, e8);
    assert_true(within(&p, &o));                       /* controls and host: any order (27.2) */
    o = vmfail(1, e7);
    assert_true(within(&p, &o));
    p = vmfail(1, e7), o = vmfail(1, e8);
    assert_false(within(&p, &o));
    /* no error observed: the CPU always writes one (31.4), so membership cannot be shown */
    p = vmfail(2, e78), o = vmfail(0, e7);
    assert_false(within(&p, &o));
    /* an observation that could not tell 7 from 9: every value must be predicted.  Formerly
     * within for both predicates (lenient: any common value; strict: error[0] only). */
    o = vmfail(2, e79);
    assert_false(within(&p, &o));
    o = vmfail(2, e87);
    assert_true(within(&p, &o));
    /* a count beyond VXA_MAX_SET is read up to VXA_MAX_SET (the strict one read past the set) */
    for (unsigned i = 2; i < VXA_MAX_SET; i++) p.error[i] = 7;
    p.nerror = 200, o = vmfail(1, e8);
    assert_true(within(&p, &o));
    o.nerror = 255;
    assert_false(within(&p, &o));                      /* error[1..7] = 0: not predicted */
}

static void entry_failure_sets(void **state)
{
    (void)state;
    const uint32_t q024[] = { 0, 2, 4 }, q2[] = { 2 }, q3[] = { 3 }, q0[] = { 0 }, q1[] = { 1 };
    vxa_outcome p = failure(33, 3, q024), o = failure(33, 1, q2);
    assert_true(within(&p, &o));
    o = failure(33, 1, q3);
    assert_false(within(&p, &o));
    o = failure(34, 1, q2);                            /* exit reason differs (27.8) */
    assert_false(within(&p, &o));
    /* no qualification observed: 27.8 always writes one.  Formerly within for the lenient
     * predicate (vxa_live_agrees), not for the strict one: now not within. */
    o = failure(33, 0, q0);
    assert_false(within(&p, &o));
    /* MSR loading: the index of the first bad entry */
    p = failure(34, 1, q1), o = failure(34, 1, q1);
    assert_true(within(&p, &o));
    o = failure(34, 1, q2);
    assert_false(within(&p, &o));
    /* a prediction that states no qualification (the VM exit of VMLAUNCH in VMX non-root
     * operation, reason 20) leaves it open.  Formerly the strict predicate never matched it and
     * the lenient one only an observation without a qualification: now within. */
    p = failure(20, 0, q0), o = failure(20, 1, q0);
    assert_true(within(&p, &o));
    o = failure(20, 0, q0);
    assert_true(within(&p, &o));
    o = failure(24, 1, q0);
    assert_false(within(&p, &o));
}

static void other_results(void **state)
{
    (void)state;
    vxa_outcome p = plain(VXA_FAULT, 13), o = plain(VXA_FAULT, 13);
    assert_true(within(&p, &o));
    o.vector = 6;
    assert_false(within(&p, &o));
    p = plain(VXA_ENTERED, 0), o = plain(VXA_ENTERED, 0);
    assert_true(within(&p, &o));
    o = plain(VXA_VMFAIL_INVALID, 0);
    assert_false(within(&p, &o));
    p = plain(VXA_VMFAIL_INVALID, 0);
    assert_true(within(&p, &o));
    const uint8_t e7[] = { 7 };
    o = vmfail(1, e7);                                 /* result differs */
    assert_false(within(&p, &o));
    p = plain(VXA_FAULT + 1, 0), o = plain(VXA_FAULT + 1, 0);   /* not a vxa_result */
    assert_false(within(&p, &o));
    assert_false(vxa_outcome_within(NULL, &o));
    assert_false(vxa_outcome_within(&p, NULL));
}

static vxa_check first_of(vxa_class cls)
{
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++)
        if (vxa_check_get((vxa_check)c)->cls == cls) return (vxa_check)c;
    fail_msg("no check of class %s", vxa_class_name(cls));
    return VXA_CHECK_COUNT;
}

static void undetermined_explains(void **state)
{
    (void)state;
    static vxa_report r;
    memset(&r, 0, sizeof r);
    vxa_check ctrl = first_of(VXA_CLASS_CONTROLS), guest = first_of(VXA_CLASS_GUEST);
    vxa_check adv = first_of(VXA_CLASS_ADVISORY);
    r.outcome = plain(VXA_ENTERED, 0);
    r.nundetermined = 3;
    r.undetermined[0].check = (uint16_t)adv;
    r.undetermined[1].check = (uint16_t)guest;
    r.undetermined[2].check = (uint16_t)ctrl;
    const uint8_t e8[] = { 8 }, e7[] = { 7 }, e12[] = { 12 };
    const uint32_t q0[] = { 0 }, q1[] = { 1 };
    vxa_outcome o8 = vmfail(1, e8), o7 = vmfail(1, e7), o12 = vmfail(1, e12);
    vxa_outcome o33 = failure(33, 1, q0), o34 = failure(34, 1, q1), ud = plain(VXA_FAULT, 6);
    /* the prediction did not assume them: nothing is explained */
    assert_int_equal(vxa_undetermined_explains(&r, &o8), VXA_CHECK_COUNT);
    r.outcome_assumes_undetermined_pass = true;
    /* errors 7 and 8 are one class for the answer: a control rule explains either */
    assert_int_equal(vxa_undetermined_explains(&r, &o8), ctrl);
    assert_int_equal(vxa_undetermined_explains(&r, &o7), ctrl);
    assert_int_equal(vxa_undetermined_explains(&r, &o33), guest);
    assert_int_equal(vxa_undetermined_explains(&r, &o34), VXA_CHECK_COUNT);   /* no MSR-load rule */
    assert_int_equal(vxa_undetermined_explains(&r, &o12), VXA_CHECK_COUNT);   /* not a rule class */
    assert_int_equal(vxa_undetermined_explains(&r, &ud), VXA_CHECK_COUNT);
    r.nundetermined = 1;                              /* only the advisory one: explains nothing */
    assert_int_equal(vxa_undetermined_explains(&r, &o33), VXA_CHECK_COUNT);
    assert_int_equal(vxa_undetermined_explains(NULL, &o33), VXA_CHECK_COUNT);
    assert_int_equal(vxa_undetermined_explains(&r, NULL), VXA_CHECK_COUNT);
}

static void equal_is_set_equality(void **state)
{
    (void)state;
    const uint8_t e78[] = { 7, 8 }, e87[] = { 8, 7 }, e1[] = { 1 }, e33[] = { 33 }, e7[] = { 7 };
    vxa_outcome a = vmfail(2, e78), b = vmfail(2, e87);
    assert_true(vxa_outcome_equal(&a, &b));
    b = vmfail(1, e7);
    assert_false(vxa_outcome_equal(&a, &b));           /* equality is not agreement */
    assert_true(vxa_outcome_within(&a, &b));
    a = vmfail(1, e1), b = vmfail(1, e33);              /* formerly equal: a 32-bit mask of error & 31 */
    assert_false(vxa_outcome_equal(&a, &b));
    const uint32_t q00[] = { 0, 0 }, q02[] = { 0, 2 }, q20[] = { 2, 0 };
    a = failure(33, 2, q00), b = failure(33, 2, q02);   /* formerly equal: only a ⊆ b was asked */
    assert_false(vxa_outcome_equal(&a, &b));
    assert_false(vxa_outcome_equal(&b, &a));
    a = failure(33, 2, q20);
    assert_true(vxa_outcome_equal(&a, &b));
    b.exit_reason = 34;
    assert_false(vxa_outcome_equal(&a, &b));
    a = plain(VXA_FAULT, 6), b = plain(VXA_FAULT, 13);
    assert_false(vxa_outcome_equal(&a, &b));
    b.vector = 6;
    assert_true(vxa_outcome_equal(&a, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmfail_valid_sets),     cmocka_unit_test(entry_failure_sets),
        cmocka_unit_test(other_results),         cmocka_unit_test(undetermined_explains),
        cmocka_unit_test(equal_is_set_equality),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
