/* test_bochs_probe.c — the payload's probe inside Debian's Bochs 2.7 reads the VMX capability
 * MSRs measured in shared/reference/bochs-checks.md §5 (column "2.7").  There, 0x492/0x493 read
 * 0 because Bochs's default ignore_bad_msrs=1 hides the #GP; the oracle runs with
 * ignore_bad_msrs=0, so RDMSR faults and the probe reports them absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "bochs_test.h"

struct expect { const char *model; uint64_t msr[18]; };   /* 0x480 .. 0x491 */

static const struct expect models[] = {
    { "corei7_skylake_x", {
        0x00d810000000002bull, 0x0000007f00000016ull, 0xf7f9fffe0401e172ull, 0x007fffff00036dffull,
        0x0000ffff000011ffull, 0x600401e0, 0x80000021, 0xffffffff, 0x2000, 0x003727ff, 0x34,
        0x02177fff00000000ull, 0x00000f0106334141ull, 0x0000007f00000016ull, 0xf7f9fffe04006172ull,
        0x007fffff00036dfbull, 0x0000ffff000011fbull, 1 } },
    { "tigerlake", {
        0x01d8100000000004ull, 0x0000007f00000016ull, 0xfff9fffe0401e172ull, 0x107fffff00036dffull,
        0x0010ffff000011ffull, 0x600401e0, 0x80000021, 0xffffffff, 0x2000, 0x00f72fff, 0x34,
        0x02977fff00000000ull, 0x00000f0106b34141ull, 0x0000007f00000016ull, 0xfff9fffe04006172ull,
        0x107fffff00036dfbull, 0x0010ffff000011fbull, 1 } },
};

static void probe_matches(void **state)
{
    const struct expect *e = *state;
    struct vxa_oracle_probe p;
    assert_int_equal(bochs_test_probe(e->model, &p), 0);
    assert_true(p.vmx_on);
    assert_string_equal(p.backend_version, "2.7");
    for (unsigned i = 0; i < 18; i++) {
        if (p.msr[i] != e->msr[i]) fprintf(stderr, "%s MSR 0x%x\n", e->model, 0x480 + i);
        assert_true(p.msr_present >> i & 1);
        assert_int_equal(p.msr[i], e->msr[i]);
    }
    assert_int_equal(p.msr_present >> 18, 0);        /* 0x492, 0x493: #GP */
    assert_int_equal(vxa_oracle_probe_maxphyaddr(&p), 40);
    assert_int_equal(vxa_oracle_probe_linear_width(&p), 48);
    assert_int_equal(p.feature_control, 5);          /* locked, VMX outside SMX (BIOS) */
}

int main(void)
{
    struct vxa_oracle_probe p;
    int rc = bochs_test_probe(models[0].model, &p);
    if (rc == VXA_TEST_SKIP) return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(probe_matches, (void *)&models[0]),
        cmocka_unit_test_prestate(probe_matches, (void *)&models[1]),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
