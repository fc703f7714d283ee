/* test_binary.c — the compact binary case encoding (vmxaudit/binary.h): encode -> decode gives
 * back the case, with and without the environment extension; old inputs without it decode
 * with the defaults; truncated inputs never read past the end. */
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
        cmocka_unit_test(test_every_encoding_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
