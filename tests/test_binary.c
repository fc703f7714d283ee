/* test_binary.c — the compact binary case encoding (vmxaudit/binary.h): encode -> decode gives
 * back the case, with and without the environment and PMU extensions; old inputs without them
 * decode with the defaults; truncated inputs never read past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/binary.h"

static vxa_bin_case a, b;
static uint8_t buf[4096];

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

static void same_entry(const vxa_entry *x, const vxa_entry *y)
{
    assert_int_equal(x->instruction, y->instruction);
    assert_int_equal(x->mode, y->mode);
    assert_int_equal(x->host_ia32e, y->host_ia32e);
    assert_int_equal(x->vmx_operation, y->vmx_operation);
    assert_int_equal(x->feature_control, y->feature_control);
    assert_int_equal(x->cr0, y->cr0);
    assert_int_equal(x->cr4, y->cr4);
    assert_int_equal(x->has_vmxon_address, y->has_vmxon_address);
    assert_int_equal(x->vmxon_address, y->vmxon_address);
    assert_int_equal(x->has_current_vmcs_address, y->has_current_vmcs_address);
    assert_int_equal(x->current_vmcs_address, y->current_vmcs_address);
}

static void test_default_environment_has_no_extension(void **s)
{
    (void)s;
    base(&a);
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_not_equal(buf[n - 1], 'E');   /* ends with nblobs = 0 */
    assert_int_equal(buf[n - 1], 0);
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    same_entry(&a.entry, &b.entry);
    assert_int_equal(vxa_get(&b.vmcs, VXA_F_GUEST_CR0), 0x80000031);
}

static void test_extension_round_trip(void **s)
{
    (void)s;
    base(&a);
    a.entry.instruction = VXA_VMXON;
    a.entry.vmx_operation = false;
    a.entry.mode = VXA_MODE_COMPAT;
    a.entry.feature_control = 0x1;
    a.entry.cr0 = 0x60000010;
    a.entry.cr4 = 0;
    a.entry.has_vmxon_address = true;
    a.entry.vmxon_address = 0x12345;
    a.entry.has_current_vmcs_address = true;
    a.entry.current_vmcs_address = 0x2000;
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    same_entry(&a.entry, &b.entry);
    /* every truncation decodes without reading past the end; the extension is all or nothing
     * for the addresses */
    for (size_t k = 2; k < n; k++) {
        assert_true(vxa_bin_decode(buf, k, &b) <= k);
        if (b.entry.has_vmxon_address) assert_int_equal(b.entry.vmxon_address, 0x12345);
    }
}

/* the PMU extension ('P', after the environment's): core types, CPUID.0AH and
 * IA32_PERF_CAPABILITIES come back, with and without 'E'; truncations never give a partial type */
static void test_pmu_round_trip(void **s)
{
    (void)s;
    for (int with_env = 0; with_env < 2; with_env++) {
        base(&a);
        if (with_env) a.entry.feature_control = 0x5;
        a.profile.pmu_types = 2;
        a.profile.pmu_cpuid_0a[0][0] = 0x08300805;
        a.profile.pmu_cpuid_0a[0][2] = 0xf;
        a.profile.pmu_cpuid_0a[0][3] = 0x8604;
        a.profile.pmu_cpuid_0a[1][0] = 0x07300605;
        a.profile.pmu_cpuid_0a[1][3] = 0x603;
        a.profile.pmu_perf_caps_known = 1;
        a.profile.pmu_perf_caps[0] = 0x8000;
        size_t n = vxa_bin_encode(&a, buf, sizeof buf);
        assert_true(n > 0);
        memset(&b, 0xa5, sizeof b);
        assert_int_equal(vxa_bin_decode(buf, n, &b), n);
        same_entry(&a.entry, &b.entry);
        assert_int_equal(b.profile.pmu_types, 2);
        assert_int_equal(b.profile.pmu_perf_caps_known, 1);
        assert_int_equal(b.profile.pmu_perf_caps[0], 0x8000);
        assert_memory_equal(b.profile.pmu_cpuid_0a, a.profile.pmu_cpuid_0a, sizeof a.profile.pmu_cpuid_0a);
        uint64_t e1, k1, e2, k2;
        vxa_perf_global_ctrl_bits(&a.profile, &e1, &k1);
        vxa_perf_global_ctrl_bits(&b.profile, &e2, &k2);
        assert_int_equal(e1, e2);
        assert_int_equal(k1, k2);
        for (size_t k = 2; k < n; k++) {
            assert_true(vxa_bin_decode(buf, k, &b) <= k);
            assert_true(b.profile.pmu_types <= 2);
            if (b.profile.pmu_types) assert_int_equal(b.profile.pmu_cpuid_0a[0][0], 0x08300805);
            if (b.profile.pmu_types == 2) assert_int_equal(b.profile.pmu_cpuid_0a[1][3], 0x603);
        }
    }
    /* no PMU: no extension */
    base(&a);
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    assert_int_equal(buf[n - 1], 0);
}

/* the decoder looks fields up by encoding: every field is found (fields.def stays sorted) */
static void test_every_encoding_found(void **s)
{
    (void)s;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        assert_int_equal(vxa_field_by_encoding(vxa_field_get((vxa_field)f)->encoding), f);
    assert_int_equal(vxa_field_by_encoding(0xffffffffu), VXA_F_NONE);
    assert_int_equal(vxa_field_by_encoding(0x6801), VXA_F_NONE);   /* a high-access encoding */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_environment_has_no_extension),
        cmocka_unit_test(test_extension_round_trip),
        cmocka_unit_test(test_pmu_round_trip),
        cmocka_unit_test(test_every_encoding_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
