/* test_fuzz_mutator.c — the fuzz targets' structure-aware mutator (harness/fuzz/mutator.c) over
 * the mutation library: deterministic for a seed, including when the repair of an input comes
 * from its cache; each instance's state its own (two AFL++ instances interleaved give what each
 * gives alone); its output decodes; and the AFL++ trim (afl_custom_init_trim/trim/post_trim)
 * drops what does not change the outcome (fields, MSR-load entries after the failing one, memory
 * blocks nothing reads) and keeps what does, never offering a candidate longer than the input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/binary.h"
#include "mutator.h"

void *afl_custom_init(void *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf, uint8_t *add_buf,
                       size_t add_buf_size, size_t max_size);
int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size);
size_t afl_custom_trim(void *data, uint8_t **out_buf);
int32_t afl_custom_post_trim(void *data, unsigned char success);
void afl_custom_deinit(void *data);

static size_t no_bytes(void *ctx, uint8_t *data, size_t size, size_t max) { (void)ctx; (void)data; (void)max; return size; }

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
    fuzz_mutator *st = fuzz_mutator_new();
    assert_non_null(st);
    for (unsigned seed = 1; seed <= 400; seed++) {
        memcpy(a, in, n);
        size_t la = fuzz_mutate(st, a, n, sizeof a, seed, no_bytes, NULL);
        /* the same input again: its repair now comes from the cache */
        memcpy(b, in, n);
        size_t lb = fuzz_mutate(st, b, n, sizeof b, seed, no_bytes, NULL);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        /* chains: mutate the output again, twice */
        size_t la2 = fuzz_mutate(st, a, la, sizeof a, seed * 7u, no_bytes, NULL);
        size_t lb2 = fuzz_mutate(st, b, lb, sizeof b, seed * 7u, no_bytes, NULL);
        assert_int_equal(la2, lb2);
        assert_memory_equal(a, b, la2);
        if (vxa_bin_decode(a, la2, &c)) repaired_inputs++;
    }
    assert_true(repaired_inputs > 300);   /* byte mutation (no_bytes here) is one call in 16 */
    fuzz_mutator_free(st);
}

/* Two AFL++ instances in one process, interleaved, against one instance alone with the same seed */
static void afl_instances_keep_their_own_state(void **state)
{
    (void)state;
    static uint8_t in[8192], cur_a[8192], cur_b[8192], cur_s[8192];
    size_t n = seed_input(in, sizeof in), na = n, nb = n, ns = n;
    memcpy(cur_a, in, n);
    memcpy(cur_b, in, n);
    memcpy(cur_s, in, n);
    void *a = afl_custom_init(NULL, 11), *b = afl_custom_init(NULL, 12), *s = afl_custom_init(NULL, 11);
    for (unsigned i = 0; i < 300; i++) {
        uint8_t *out;
        na = afl_custom_fuzz(a, cur_a, na, &out, NULL, 0, sizeof cur_a);
        memcpy(cur_a, out, na);
        nb = afl_custom_fuzz(b, cur_b, nb, &out, in, n, sizeof cur_b);
        memcpy(cur_b, out, nb);
        ns = afl_custom_fuzz(s, cur_s, ns, &out, NULL, 0, sizeof cur_s);
        memcpy(cur_s, out, ns);
        assert_int_equal(na, ns);
        assert_memory_equal(cur_a, cur_s, na);
    }
    afl_custom_deinit(a);
    afl_custom_deinit(b);
    afl_custom_deinit(s);
}

/* What the audit target's coverage sees: the outcome and which checks fail. */
typedef struct seen { vxa_outcome o; uint8_t fails[(VXA_CHECK_COUNT + 7) / 8]; } seen;

static void observe(const uint8_t *buf, size_t n, seen *s)
{
    static vxa_bin_case d;
    static vxa_report r;
    memset(s, 0, sizeof *s);
    assert_true(vxa_bin_decode(buf, n, &d) > 0);
    vxa_memory m = vxa_bin_memory(&d);
    vxa_input in = { &d.profile, &d.vmcs, &d.entry, &m, d.model, NULL };
    vxa_audit(&in, &r);
    s->o = r.outcome;
    for (unsigned i = 0; i < r.nviolations && i < VXA_MAX_VIOLATIONS; i++)
        s->fails[r.violations[i].check >> 3] |= (uint8_t)(1u << (r.violations[i].check & 7));
}

static bool same(const seen *a, const seen *b)
{
    return vxa_outcome_equal(&a->o, &b->o) && !memcmp(a->fails, b->fails, sizeof a->fails);
}

/* Runs AFL++'s trim protocol; returns the trimmed input's size (in out). */
static size_t afl_trim(const uint8_t *in, size_t n, uint8_t *out)
{
    void *a = afl_custom_init(NULL, 1);
    static uint8_t cur[8192];
    memcpy(cur, in, n);
    size_t ncur = n;
    seen want, got;
    observe(in, n, &want);
    int32_t steps = afl_custom_init_trim(a, cur, ncur), at = 0;
    assert_true(steps > 0);
    unsigned runs = 0;
    while (at < steps) {
        uint8_t *cand;
        size_t len = afl_custom_trim(a, &cand);
        assert_true(len > 0);
        assert_true(len <= ncur);   /* AFL++ refuses a longer candidate */
        observe(cand, len, &got);
        bool keep = same(&want, &got);
        if (keep) { memcpy(cur, cand, len); ncur = len; }
        at = afl_custom_post_trim(a, keep);
        assert_true(++runs < 10000);
    }
    afl_custom_deinit(a);
    memcpy(out, cur, ncur);
    return ncur;
}

static void afl_trim_drops_what_does_not_matter(void **state)
{
    (void)state;
    static uint8_t in[8192], big[8192], out[8192];
    static vxa_bin_case d, t;
    size_t n = seed_input(in, sizeof in);
    assert_true(vxa_bin_decode(in, n, &d) > 0);
    /* an exit-information field nothing reads, a memory block nothing reads, and an MSR-load list
     * of three entries whose second fails (27.4: x2APIC MSRs 0x800-0x8ff do not load) */
    vxa_set(&d.vmcs, VXA_F_VM_EXIT_REASON, 0x21);
    static const uint8_t junk[16] = { 1, 2, 3 };
    static uint8_t list[48];
    const uint32_t idx[3] = { 0x174, 0x808, 0x175 };
    for (unsigned i = 0; i < 3; i++) memcpy(list + 16 * i, &idx[i], 4);
    unsigned nb = d.nblobs;
    assert_true(nb + 2 <= VXA_BIN_MAX_BLOBS);
    d.blob[nb] = (vxa_bin_blob){ 0x70000, sizeof junk, junk };
    d.blob[nb + 1] = (vxa_bin_blob){ 0x30000, sizeof list, list };
    d.nblobs = (uint8_t)(nb + 2);
    vxa_set(&d.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, 0x30000);
    vxa_set(&d.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, 3);
    size_t nbig = vxa_bin_encode(&d, big, sizeof big);
    assert_true(nbig > 0);
    seen before, after;
    observe(big, nbig, &before);
    assert_int_equal(before.o.result, VXA_ENTRY_FAILURE);   /* the MSR-load entry 2 fails */

    size_t ntrim = afl_trim(big, nbig, out);
    assert_true(ntrim < nbig);
    observe(out, ntrim, &after);
    assert_true(same(&before, &after));
    assert_true(vxa_bin_decode(out, ntrim, &t) > 0);
    assert_false(vxa_is_set(&t.vmcs, VXA_F_VM_EXIT_REASON));
    for (unsigned k = 0; k < t.nblobs; k++) assert_int_not_equal(t.blob[k].address, 0x70000);
    /* the third entry (after the failing one) is dropped, the first two stay (the qualification
     * names entry 2) */
    assert_int_equal(vxa_get(&t.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT), 2);
    unsigned fields_before = 0, fields_after = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        fields_before += vxa_is_set(&d.vmcs, (vxa_field)f);
        fields_after += vxa_is_set(&t.vmcs, (vxa_field)f);
    }
    assert_true(fields_after < fields_before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic_with_the_repair_cache),
        cmocka_unit_test(afl_instances_keep_their_own_state),
        cmocka_unit_test(afl_trim_drops_what_does_not_matter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
