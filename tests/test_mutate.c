/* test_mutate.c — the structure-aware mutation library (harness/mutate): its state is the
 * caller's (two mutators interleaved give what each gives alone), its pickers follow the
 * catalogue, its boundary table has the edges of the rules' widths, and its correlated moves make
 * the cases the generator never made before (harness/diff/FINDINGS.md, the outside review's M1,
 * M2, M4): states where the sdm and bochs-2.7 models predict different outcomes through the
 * quirks NO_RFLAGS_VM_REAL_MODE_CHECK, NULL_SS_UNUSABLE_IA32E and SSP_CANONICAL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"
#include "vmxaudit/vmx_bits.h"
#include "mutate.h"

typedef struct held { vxa_case c; } held;

static void put_mem(void *ctx, uint64_t addr, const uint8_t *bytes, unsigned len)
{
    vxa_case *c = ctx;
    c->memory = realloc(c->memory, (c->nmemory + 1) * sizeof *c->memory);
    uint8_t *d = malloc(len);
    memcpy(d, bytes, len);
    c->memory[c->nmemory++] = (vxa_blob){ addr, len, d };
}

static vxa_mut_case view(vxa_case *c)
{
    vxa_mut_case v = { &c->profile, &c->vmcs, &c->entry, NULL, put_mem, vxa_case_memory(c), c };
    return v;
}

/* a bundled layout under a bundled profile, repaired clean for it */
static void load(vxa_case *c, const char *layout, const char *profile)
{
    char path[512];
    vxa_error e;
    snprintf(path, sizeof path, TESTS_DIR "/../corpus/layouts/%s.json", layout);
    assert_int_equal(vxa_case_load(path, c, &e), 0);
    assert_int_equal(vxa_case_set_profile(c, profile, &e), 0);
    static vxa_mutator m;
    vxa_mut_init(&m, 1, 0);
    vxa_mut_case v = view(c);
    assert_true(vxa_mut_repair(&m, &v, 16));
}

static void rng_state_is_the_callers(void **state)
{
    (void)state;
    static vxa_mutator a, b, solo;
    static vxa_case ca, cb, cs;
    load(&ca, "linux64", "bochs-2.7-tigerlake");
    load(&cb, "linux64", "bochs-2.7-tigerlake");
    load(&cs, "linux64", "bochs-2.7-tigerlake");
    vxa_mut_init(&a, 42, 0);
    vxa_mut_init(&b, 7, 0);
    vxa_mut_init(&solo, 42, 0);
    vxa_mut_case va = view(&ca), vb = view(&cb), vs = view(&cs);
    static const uint16_t w[VXA_OP_COUNT] = { [VXA_OP_FLIP] = 1, [VXA_OP_BOUNDARY] = 1, [VXA_OP_SEGMENT] = 1,
                                              [VXA_OP_EVENT] = 1, [VXA_OP_CONTROL] = 1, [VXA_OP_CORRELATED] = 1 };
    for (unsigned i = 0; i < 200; i++) {   /* a and b interleaved; solo alone with a's seed */
        vxa_mut_apply(&a, &va, vxa_mut_pick_op(&a, w));
        vxa_mut_apply(&b, &vb, vxa_mut_pick_op(&b, w));
        vxa_mut_apply(&solo, &vs, vxa_mut_pick_op(&solo, w));
    }
    assert_memory_equal(&ca.vmcs, &cs.vmcs, sizeof ca.vmcs);
    assert_true(memcmp(&ca.vmcs, &cb.vmcs, sizeof ca.vmcs) != 0);
    vxa_case_free(&ca);
    vxa_case_free(&cb);
    vxa_case_free(&cs);
}

static void pickers_follow_the_catalogue(void **state)
{
    (void)state;
    static vxa_mutator m;
    static vxa_case c;
    load(&c, "linux64", "bochs-2.7-tigerlake");
    vxa_mut_init(&m, 3, 0);
    vxa_mut_case v = view(&c);
    unsigned defined = 0, n = 2000;
    for (unsigned i = 0; i < n; i++) {
        vxa_field f = vxa_pick_field(&m, &v, VXA_PICK_WRITABLE | VXA_PICK_EXISTS);
        assert_int_not_equal(vxa_field_get(f)->kind, VXA_KIND_RO);
        assert_int_equal(vxa_field_exists(&c.profile, f), 1);
        unsigned b = vxa_pick_bit(&m, &v, VXA_F_VM_ENTRY_CONTROLS);
        assert_true(b < 32);
        defined += vxa_control_find(VXA_WORD_ENTRY, b) != NULL;
    }
    /* three in four from controls.def, the rest any of 32 bits (24 of which it defines) */
    assert_true(defined > n * 85 / 100);
    /* a control against the allowed settings: "clear a must-be-1 bit" leaves a must-be-1 violation */
    uint64_t must, may;
    assert_true(vxa_allowed(&c.profile, VXA_WORD_PIN, &must, &may, NULL));
    vxa_case_free(&c);
}

static bool seen(vxa_mutator *m, vxa_mut_case *v, vxa_field f, uint64_t want)
{
    for (unsigned i = 0; i < 4000; i++)
        if (vxa_boundary_value(m, v, f) == want) return true;
    return false;
}

static void boundary_table_has_the_rule_edges(void **state)
{
    (void)state;
    static vxa_mutator m;
    static vxa_case c;
    load(&c, "linux64", "bochs-2.7-tigerlake");
    vxa_mut_init(&m, 5, 0);
    vxa_mut_case v = view(&c);
    unsigned w = c.profile.maxphyaddr;
    assert_true(seen(&m, &v, VXA_F_IO_BITMAP_A, 1ull << w));
    assert_true(seen(&m, &v, VXA_F_IO_BITMAP_A, 1ull << (w - 1)));
    assert_true(seen(&m, &v, VXA_F_IO_BITMAP_A, (1ull << w) - 0x1000));
    /* 48-bit linear addresses: the last canonical low, the 63:N gap, the first canonical high */
    assert_int_equal(c.profile.linear_address_width, 48);
    assert_true(seen(&m, &v, VXA_F_GUEST_SSP, 0x00007fffffffffffull));
    assert_true(seen(&m, &v, VXA_F_GUEST_SSP, 0x0000800000000000ull));
    assert_true(seen(&m, &v, VXA_F_GUEST_SSP, 0xffff800000000000ull));
    assert_true(seen(&m, &v, VXA_F_GUEST_SSP, 0xff00000000000000ull));   /* 57-bit edge */
    assert_true(seen(&m, &v, VXA_F_GUEST_CS_LIMIT, 0xfffff));
    assert_false(seen(&m, &v, VXA_F_GUEST_CS_LIMIT, 0x0000800000000000ull));   /* not a limit's */
    vxa_case_free(&c);
}

/* Applies a correlated move to fresh copies of the layout (seeds 1..tries); counts the cases where
 * the sdm and bochs-2.7 models predict different outcomes and `check` is among either model's
 * violations. */
static unsigned differing(const char *layout, const char *profile, vxa_corr which, const char *check, unsigned tries)
{
    static vxa_case base, c;
    static vxa_report rs, rb;
    static vxa_mutator m;
    vxa_check want = vxa_check_by_id(check);
    assert_int_not_equal(want, VXA_CHECK_COUNT);
    load(&base, layout, profile);
    unsigned hits = 0;
    for (unsigned seed = 1; seed <= tries; seed++) {
        c = base;   /* shallow: the moves below add no memory */
        c.memory = NULL;
        c.nmemory = 0;
        vxa_mut_init(&m, seed, VXA_MUT_FIXED_PROFILE);
        vxa_mut_case v = view(&c);
        if (!vxa_op_correlated_one(&m, &v, which)) continue;
        vxa_memory mem = vxa_case_memory(&c);
        vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
        vxa_audit(&in, &rs);
        in.model = VXA_MODEL_BOCHS_2_7;
        vxa_audit(&in, &rb);
        bool named = false;   /* in either model's violations */
        for (unsigned i = 0; i < rs.nviolations && i < VXA_MAX_VIOLATIONS; i++) named |= rs.violations[i].check == want;
        for (unsigned i = 0; i < rb.nviolations && i < VXA_MAX_VIOLATIONS; i++) named |= rb.violations[i].check == want;
        hits += named && !vxa_outcome_equal(&rs.outcome, &rb.outcome);
    }
    vxa_case_free(&base);
    return hits;
}

static void correlated_moves_reach_the_review_cases(void **state)
{
    (void)state;
    /* M1: RFLAGS.VM with CR0.PE = 0 under unrestricted guest: sdm fails GUEST_RFLAGS_VM... */
    assert_true(differing("realmode-ug", "bochs-2.7-tigerlake", VXA_CORR_RFLAGS_VM_REAL, "GUEST_RFLAGS_VM", 64) > 0);
    /* ...and from the 64-bit layout too (the move turns the controls on) */
    assert_true(differing("linux64", "bochs-2.7-tigerlake", VXA_CORR_RFLAGS_VM_REAL, "GUEST_RFLAGS_VM", 64) > 0);
    /* M2: a null SS with usable access rights and CS.L = 0: the SS type is checked (sdm) */
    assert_true(differing("linux64", "bochs-2.7-tigerlake", VXA_CORR_NULL_SS, "GUEST_SS_AR_TYPE", 64) +
                differing("linux64", "bochs-2.7-tigerlake", VXA_CORR_NULL_SS, "GUEST_SS_AR_P", 64) > 0);
    /* M4: "load CET state" with SSP at the 63:N edge on a CET model: Bochs's canonical check */
    assert_true(differing("linux64", "bochs-2.7-tigerlake", VXA_CORR_CET_SSP, "GUEST_SSP_LA_WIDTH", 256) > 0);
}

/* The moves toward the bochs-2.7 quirks a campaign missed (vxa-quirk-rediscovery --engine-only):
 * each makes cases the quirk changes the outcome of, with the quirk's check among the violations. */
static void correlated_moves_reach_the_quirks(void **state)
{
    (void)state;
    static const struct { vxa_corr move; const char *check; } want[] = {
        { VXA_CORR_EVENT_STATE, "GUEST_ACTIVITY_HLT_INJECTION" },         /* NO_HLT_INJECTION_CHECK */
        { VXA_CORR_EVENT_STATE, "GUEST_ACTIVITY_SHUTDOWN_INJECTION" },    /* SHUTDOWN_INJECTION_BY_VECTOR */
        { VXA_CORR_EVENT_STATE, "GUEST_INTR_VNMI_NMI_BLOCKING" },         /* NO_VNMI_BLOCKED_NMI_CHECK */
        { VXA_CORR_EVENT_STATE, "GUEST_INTR_NMI_STI" },                   /* NMI_STI_BLOCKING_FAILS */
        { VXA_CORR_IA32E_NO_PAGING, "GUEST_IA32E_CR0_PG" },               /* NO_IA32E_GUEST_PG_CHECK */
        { VXA_CORR_MSR_LOAD_RESERVED, "GUEST_PERF_GLOBAL_CTRL_RESERVED" }, /* NO_PERF_GLOBAL_CTRL_CHECK */
        { VXA_CORR_MSR_LOAD_RESERVED, "HOST_PERF_GLOBAL_CTRL_RSVD" },
        { VXA_CORR_MSR_LOAD_RESERVED, "GUEST_DEBUGCTL_RESERVED" },         /* NO_DEBUGCTL_CHECK */
        { VXA_CORR_PENDING_BS, "GUEST_PENDING_DBG_BS_SET" },               /* NO_PENDING_DBG_BS_CHECK */
        { VXA_CORR_PENDING_BS, "GUEST_PENDING_DBG_BS_CLEAR" },
        { VXA_CORR_DATA_CODE_DPL, "GUEST_DS_AR_DPL_RPL" },                 /* DPL_RPL_DATA_TYPES_ONLY */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        unsigned n = differing("linux64", "bochs-2.7-corei7-skylake-x", want[i].move, want[i].check, 512);
        if (!n) fail_msg("move %u never reaches %s with sdm and bochs-2.7 apart", (unsigned)want[i].move, want[i].check);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rng_state_is_the_callers),
        cmocka_unit_test(pickers_follow_the_catalogue),
        cmocka_unit_test(boundary_table_has_the_rule_edges),
        cmocka_unit_test(correlated_moves_reach_the_review_cases),
        cmocka_unit_test(correlated_moves_reach_the_quirks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
