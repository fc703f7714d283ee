/* test_fuzz_mutator.c — the fuzz targets' structure-aware mutator (harness/fuzz/mutator.c):
 * deterministic for a seed, including when the repair of an input comes from its cache (the
 * second mutation of the same input with the same seed gives the same bytes as the first), and
 * its output decodes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/binary.h"
#include "mutator.h"

static size_t no_bytes(uint8_t *data, size_t size, size_t max) { (void)data; (void)max; return size; }

/* a committed seed: a repaired layout under a bundled profile */
static size_t seed_input(uint8_t *buf, size_t cap)
{
    FILE *f = fopen(TESTS_DIR "/../corpus/fuzz/audit/linux64--il-i7-1065g7-icelake.bin", "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    static vxa_bin_case d;
    assert_true(vxa_bin_decode(buf, n, &d) > 0);
    return n;
}

static vxa_bin_case c;

static void deterministic_with_the_repair_cache(void **state)
{
    (void)state;
    static uint8_t in[8192], a[8192], b[8192];
    size_t n = seed_input(in, sizeof in);
    unsigned repaired_inputs = 0;
    for (unsigned seed = 1; seed <= 400; seed++) {
        memcpy(a, in, n);
        size_t la = fuzz_mutate(a, n, sizeof a, seed, no_bytes);
        /* the same input again: its repair now comes from the cache */
        memcpy(b, in, n);
        size_t lb = fuzz_mutate(b, n, sizeof b, seed, no_bytes);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        /* chains: mutate the output again, twice */
        size_t la2 = fuzz_mutate(a, la, sizeof a, seed * 7u, no_bytes);
        size_t lb2 = fuzz_mutate(b, lb, sizeof b, seed * 7u, no_bytes);
        assert_int_equal(la2, lb2);
        assert_memory_equal(a, b, la2);
        if (vxa_bin_decode(a, la2, &c)) repaired_inputs++;
    }
    assert_true(repaired_inputs > 300);   /* byte mutation (no_bytes here) is one call in 16 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic_with_the_repair_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
