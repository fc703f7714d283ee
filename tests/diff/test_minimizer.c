/* test_minimizer.c — the delta-debugging algorithm of harness/diff/minimizer.c on synthetic
 * mismatches.  The "oracle" here is a predicate over the candidate case (the unit test of the
 * algorithm itself; tests/diff/campaign_bochs.sh minimizes real mismatches on Bochs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "minimizer.h"

typedef bool (*pred)(const vxa_case *c);
typedef struct stub { pred keep; unsigned calls, cases; } stub;

static int run(void *ctx, const vxa_case *cands, size_t n, bool *keep)
{
    stub *s = ctx;
    s->calls++;
    s->cases += (unsigned)n;
    for (size_t i = 0; i < n; i++) keep[i] = s->keep(&cands[i]);
    return 0;
}

static void load(vxa_case *base)
{
    vxa_error e;
    char *path = vxa_corpus_find("layouts", "linux64");
    assert_non_null(path);
    assert_int_equal(vxa_case_load(path, base, &e), 0);
    free(path);
}

/* The case: the baseline with 12 fields changed, GUEST_RFLAGS among them (bit 1 cleared and
 * three other bits set). */
static void mutate(vxa_case *c)
{
    static const vxa_field f[] = { VXA_F_GUEST_CR4, VXA_F_HOST_CR4, VXA_F_GUEST_DR7, VXA_F_GUEST_ES_BASE,
                                   VXA_F_GUEST_FS_LIMIT, VXA_F_GUEST_GS_SELECTOR, VXA_F_TSC_OFFSET,
                                   VXA_F_GUEST_SYSENTER_ESP, VXA_F_CR0_READ_SHADOW, VXA_F_CR4_READ_SHADOW,
                                   VXA_F_PAGE_FAULT_ERROR_CODE_MASK };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) vxa_set(&c->vmcs, f[i], vxa_get(&c->vmcs, f[i]) ^ (0x10u << i));
    vxa_set(&c->vmcs, VXA_F_GUEST_RFLAGS, (vxa_get(&c->vmcs, VXA_F_GUEST_RFLAGS) & ~2ull) | 0x700);
}

static bool rflags_bit1_clear(const vxa_case *c) { return !(vxa_get(&c->vmcs, VXA_F_GUEST_RFLAGS) & 2); }

static void one_field_one_bit(void **state)
{
    (void)state;
    vxa_case base, c, out;
    load(&base);
    load(&c);
    mutate(&c);
    stub s = { rflags_bit1_clear, 0, 0 };
    vxa_min_result r;
    assert_int_equal(vxa_minimize(&c, &base, run, &s, 64, &out, &r), 0);
    assert_true(r.reproduced);
    assert_true(r.complete);
    assert_int_equal(r.nfields, 1);
    assert_int_equal(r.fields[0], VXA_F_GUEST_RFLAGS);
    assert_int_equal(r.nbits, 1);                        /* the other three bits went back */
    assert_int_equal(vxa_get(&out.vmcs, VXA_F_GUEST_RFLAGS), vxa_get(&base.vmcs, VXA_F_GUEST_RFLAGS) & ~2ull);
    assert_int_equal(r.runs, s.calls);
    assert_true(r.runs <= 8);                            /* batched: singletons in the first run */
    vxa_case_free(&base);
    vxa_case_free(&c);
    vxa_case_free(&out);
}

/* Two fields that only together show the signature: ddmin keeps both, and only them. */
static bool both(const vxa_case *c)
{
    return vxa_get(&c->vmcs, VXA_F_GUEST_DR7) != 0x400 && vxa_get(&c->vmcs, VXA_F_TSC_OFFSET) != 0;
}

static void two_fields_together(void **state)
{
    (void)state;
    vxa_case base, c, out;
    load(&base);
    load(&c);
    mutate(&c);
    stub s = { both, 0, 0 };
    vxa_min_result r;
    assert_int_equal(vxa_minimize(&c, &base, run, &s, 64, &out, &r), 0);
    assert_true(r.complete);
    assert_int_equal(r.nfields, 2);
    assert_true((r.fields[0] == VXA_F_GUEST_DR7 && r.fields[1] == VXA_F_TSC_OFFSET) ||
                (r.fields[1] == VXA_F_GUEST_DR7 && r.fields[0] == VXA_F_TSC_OFFSET));
    vxa_case_free(&base);
    vxa_case_free(&c);
    vxa_case_free(&out);
}

/* A mismatch that does not reproduce is reported as such after one run. */
static bool never(const vxa_case *c) { (void)c; return false; }

static void not_reproduced(void **state)
{
    (void)state;
    vxa_case base, c, out;
    load(&base);
    load(&c);
    mutate(&c);
    stub s = { never, 0, 0 };
    vxa_min_result r;
    assert_int_equal(vxa_minimize(&c, &base, run, &s, 64, &out, &r), 0);
    assert_false(r.reproduced);
    assert_int_equal(r.runs, 1);
    vxa_case_free(&base);
    vxa_case_free(&c);
    vxa_case_free(&out);
}

/* The run budget stops it. */
static void budget(void **state)
{
    (void)state;
    vxa_case base, c, out;
    load(&base);
    load(&c);
    mutate(&c);
    stub s = { both, 0, 0 };
    vxa_min_result r;
    vxa_minimize(&c, &base, run, &s, 2, &out, &r);
    assert_int_equal(r.runs, 2);
    assert_false(r.complete);
    vxa_case_free(&base);
    vxa_case_free(&c);
    vxa_case_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_field_one_bit), cmocka_unit_test(two_fields_together),
        cmocka_unit_test(not_reproduced), cmocka_unit_test(budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
