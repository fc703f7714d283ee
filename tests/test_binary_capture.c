/* test_binary_capture.c — the binary case encoding carries the case's `not_captured` and
 * `assumed` keys (vmxaudit/binary.h, the capture extension): encode -> decode gives them back,
 * with and without the environment (and PMU) extensions; a case without them encodes as before (no
 * extension), and an input without the extension decodes as before (nothing not captured). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/binary.h"
#include "vmxaudit/codec.h"

static vxa_bin_case a, b;
static uint8_t buf[8192];

static void base(vxa_bin_case *c)
{
    memset(c, 0, sizeof *c);
    vxa_profile_init(&c->profile);
    vxa_vmcs_init(&c->vmcs);
    vxa_entry_init(&c->entry);
    c->profile.msr_present = 1u << VXA_MSR_BASIC;
    c->profile.msr[VXA_MSR_BASIC] = 0x00da040000000004ull;
    vxa_set(&c->vmcs, VXA_F_GUEST_CR0, 0x80000031);
}

/* an import of a KVM dump: the link pointer assumed, the MSR bitmap and CR3-target count not captured */
static void imported(vxa_bin_case *c)
{
    base(c);
    vxa_set_assumed(&c->vmcs, VXA_F_VMCS_LINK_POINTER, ~0ull);
    vxa_set_not_captured(&c->vmcs, VXA_F_MSR_BITMAP);
    vxa_set_not_captured(&c->vmcs, VXA_F_CR3_TARGET_COUNT);
}

static void same_capture(const vxa_vmcs *x, const vxa_vmcs *y)
{
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        const char *n = vxa_field_get((vxa_field)f)->name;
        if (vxa_is_set(x, (vxa_field)f) != vxa_is_set(y, (vxa_field)f)) fail_msg("%s: set differs", n);
        if (vxa_is_set(x, (vxa_field)f) && vxa_get(x, (vxa_field)f) != vxa_get(y, (vxa_field)f))
            fail_msg("%s: value differs", n);
        if (vxa_is_not_captured(x, (vxa_field)f) != vxa_is_not_captured(y, (vxa_field)f))
            fail_msg("%s: not captured differs", n);
        if (vxa_is_assumed(x, (vxa_field)f) != vxa_is_assumed(y, (vxa_field)f)) fail_msg("%s: assumed differs", n);
    }
}

static void test_capture_round_trip(void **s)
{
    (void)s;
    imported(&a);
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    same_capture(&a.vmcs, &b.vmcs);
    assert_true(vxa_is_not_captured(&b.vmcs, VXA_F_MSR_BITMAP));
    assert_true(vxa_is_assumed(&b.vmcs, VXA_F_VMCS_LINK_POINTER));
    assert_int_equal(vxa_get(&b.vmcs, VXA_F_VMCS_LINK_POINTER), ~0ull);
}

static void test_capture_after_environment(void **s)
{
    (void)s;
    imported(&a);
    a.entry.instruction = VXA_VMXON;
    a.entry.vmx_operation = false;
    a.entry.cr4 = 0x2020;
    a.profile.pmu_types = 1;   /* and the PMU extension between them */
    a.profile.pmu_cpuid_0a[0][0] = 0x07300605;
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    same_capture(&a.vmcs, &b.vmcs);
    assert_int_equal(b.entry.cr4, 0x2020);
    assert_false(b.entry.vmx_operation);
    assert_int_equal(b.profile.pmu_types, 1);
    assert_int_equal(b.profile.pmu_cpuid_0a[0][0], 0x07300605);
}

static void test_without_capture_as_before(void **s)
{
    (void)s;
    /* the same fields given plainly: no extension */
    base(&a);
    vxa_set(&a.vmcs, VXA_F_VMCS_LINK_POINTER, ~0ull);
    static uint8_t plain[8192];
    size_t n = vxa_bin_encode(&a, plain, sizeof plain);
    assert_true(n > 0);
    assert_int_equal(plain[n - 1], 0);   /* ends with nblobs = 0: no extension */
    /* the imported case is the same bytes, then the extension; cut before it (as an older
     * encoder wrote it), it has nothing not captured or assumed */
    imported(&a);
    size_t m = vxa_bin_encode(&a, buf, sizeof buf);
    assert_true(m > n);
    assert_memory_equal(buf, plain, n);
    assert_int_equal(buf[n], 'C');
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        assert_false(vxa_is_not_captured(&b.vmcs, (vxa_field)f));
        assert_false(vxa_is_assumed(&b.vmcs, (vxa_field)f));
    }
    /* a truncated extension decodes as far as it goes, never past the end */
    for (size_t k = n; k < m; k++) assert_true(vxa_bin_decode(buf, k, &b) <= k);
}

static void test_binary_case_keeps_keys(void **s)
{
    (void)s;
    imported(&a);
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    vxa_case c;
    vxa_error e;
    if (vxa_case_from_binary(buf, n, "imported.bin", &c, &e)) fail_msg("refused: %s", e.message);
    char *json = vxa_case_to_json(&c);
    assert_non_null(json);
    if (!strstr(json, "\"not_captured\"") || !strstr(json, "MSR_BITMAP")) fail_msg("no not_captured: %s", json);
    if (!strstr(json, "\"assumed\"") || !strstr(json, "VMCS_LINK_POINTER")) fail_msg("no assumed: %s", json);
    free(json);
    vxa_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_round_trip),
        cmocka_unit_test(test_capture_after_environment),
        cmocka_unit_test(test_without_capture_as_before),
        cmocka_unit_test(test_binary_case_keeps_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
