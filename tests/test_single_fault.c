/* test_single_fault.c — the mutation library's single-fault operator (harness/mutate/ops_single.c):
 * each setup reaches the rules it is for (a gated field's alignment and width rules, the MSR
 * areas' address and last-byte rules, the PAE PDPTE rules with and without EPT), and the case it
 * leaves breaks one rule, not several of a class (27.2: one VM-instruction error for all the
 * control checks), which a case made the same way with the other violations left standing
 * does not.  The correlated moves that exist to make one rule decisive (a host CET register at
 * the canonical edge, the link pointer at the current VMCS) leave that rule alone too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"
#include "mutate.h"

static void put_mem(void *ctx, uint64_t addr, const uint8_t *bytes, unsigned len)
{
    vxa_case *c = ctx;
    for (size_t k = 0; k < c->nmemory; k++)
        if (c->memory[k].address == addr) {
            free(c->memory[k].data);
            c->memory[k].data = malloc(len);
            memcpy(c->memory[k].data, bytes, len);
            c->memory[k].length = len;
            return;
        }
    c->memory = realloc(c->memory, (c->nmemory + 1) * sizeof *c->memory);
    uint8_t *d = malloc(len);
    memcpy(d, bytes, len);
    c->memory[c->nmemory++] = (vxa_blob){ addr, len, d };
}

static void load(vxa_case *c, const char *profile)
{
    char path[512];
    vxa_error e;
    snprintf(path, sizeof path, TESTS_DIR "/../corpus/layouts/linux64.json");
    assert_int_equal(vxa_case_load(path, c, &e), 0);
    assert_int_equal(vxa_case_set_profile(c, profile, &e), 0);
}

/* Runs setup `which` from the clean layout with seeds 1..n; counts the cases whose only violation
 * is a check whose ID contains `want`, and the cases with exactly one violation. */
typedef struct tally { unsigned alone, single, any, cases; } tally;

static tally run(const char *profile, vxa_single which, const char *want, unsigned n)
{
    static vxa_mutator m;
    static vxa_report r;
    tally t = { 0, 0, 0, 0 };
    for (unsigned s = 1; s <= n; s++) {
        vxa_case c;
        load(&c, profile);
        vxa_mut_init(&m, s, VXA_MUT_FIXED_PROFILE | VXA_MUT_ORACLE_SAFE);
        vxa_mut_case v = { &c.profile, &c.vmcs, &c.entry, NULL, put_mem, vxa_case_memory(&c), &c };
        if (vxa_op_single_fault_one(&m, &v, which)) {
            t.cases++;
            vxa_memory mem = vxa_case_memory(&c);
            vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
            vxa_audit(&in, &r);
            t.any += r.nviolations > 0;
            if (r.nviolations == 1) {
                t.single++;
                if (strstr(vxa_check_get((vxa_check)r.violations[0].check)->id, want)) t.alone++;
            }
        }
        vxa_case_free(&c);
    }
    return t;
}

static void gated_field_reaches_the_control_gated_rules(void **state)
{
    (void)state;
    /* I/O bitmaps, VMREAD/VMWRITE bitmaps, APIC-access page, EPTP list ... exist only with a
     * control: the setup turns it on; the fault is an alignment or width edge of the field */
    tally a = run("bochs-2.7-corei7-skylake-x", VXA_SINGLE_GATED_FIELD, "_ALIGN", 600);
    tally w = run("bochs-2.7-corei7-skylake-x", VXA_SINGLE_GATED_FIELD, "_WIDTH", 600);
    assert_true(a.alone > 0);
    assert_true(w.alone > 0);
    /* of the cases that break a rule, most break exactly one */
    fprintf(stderr, "gated: %u cases, %u break a rule, %u exactly one\n", a.cases, a.any, a.single);
    assert_true(a.single * 4 > a.any * 3);
}

static void counted_area_reaches_the_msr_area_rules(void **state)
{
    (void)state;
    /* the MSR-store/load areas' rules apply with a count not zero (27.2.1.2, 27.2.1.3) */
    tally e = run("bochs-2.7-tigerlake", VXA_SINGLE_COUNTED_AREA, "MSR_STORE_", 600);
    tally l = run("bochs-2.7-tigerlake", VXA_SINGLE_COUNTED_AREA, "_END", 600);
    assert_true(e.alone > 0);
    assert_true(l.alone > 0);
}

static void pae_guest_reaches_the_pdpte_rules(void **state)
{
    (void)state;
    /* 27.3.1.6: a PAE guest's PDPTEs, with EPT (the VMCS fields) and without (at CR3) */
    tally t = run("bochs-2.7-corei7-skylake-x", VXA_SINGLE_PAE_PDPTE, "_RSVD", 200);
    assert_true(t.alone > 20);
}

static void control_pair_reaches_prerequisite_rules(void **state)
{
    (void)state;
    /* a feature on, one control it may need cleared: "X needs Y" rules of 27.2.1.1 alone
     * (virtual-interrupt delivery without external-interrupt exiting, PML / EPTP switching /
     * sub-page permissions without EPT, ...) */
    tally e = run("bochs-2.7-tigerlake", VXA_SINGLE_CONTROL_PAIR, "_EPT", 800);
    assert_true(e.alone > 0);
    /* clearing a control also breaks a guest or host rule alone ("IA-32e mode guest", "host
     * address-space size", "load IA32_EFER" ...): of the cases that break a rule, most break one */
    fprintf(stderr, "control pair: %u cases, %u break a rule, %u exactly one\n", e.cases, e.any, e.single);
    assert_true(e.single * 2 > e.any);
}

static void recipes_reach_their_rules(void **state)
{
    (void)state;
    /* CR4.CET without CR0.WP (27.3.1.1, 27.2.2: tigerlake has CET), STI and MOV SS blocking
     * together, an external interrupt injected under STI blocking, HLT with SS.DPL 3 (27.3.1.5) */
    assert_true(run("bochs-2.7-tigerlake", VXA_SINGLE_RECIPE, "GUEST_CR4_CET_CR0_WP", 120).alone > 0);
    assert_true(run("bochs-2.7-tigerlake", VXA_SINGLE_RECIPE, "HOST_CR4_CET_WP", 120).alone > 0);
    assert_true(run("bochs-2.7-tigerlake", VXA_SINGLE_RECIPE, "GUEST_INTR_STI_AND_MOVSS", 120).alone > 0);
    assert_true(run("bochs-2.7-tigerlake", VXA_SINGLE_RECIPE, "GUEST_INTR_EXTINT_BLOCKING", 120).alone > 0);
    /* CS type 3 with DPL 3 under "unrestricted guest" (27.3.1.2); RTM pending debug exceptions
     * under MOV SS blocking (27.3.1.5): before these rows another rule always failed with them */
    assert_true(run("bochs-2.7-corei7-skylake-x", VXA_SINGLE_RECIPE, "GUEST_CS_AR_DPL_TYPE3", 160).alone > 0);
    assert_true(run("bochs-2.7-corei7-skylake-x", VXA_SINGLE_RECIPE, "GUEST_PENDING_DBG_RTM_MOVSS", 160).alone > 0);
}

/* A gated field's control turned on with the controls it needs that the repair would not add
 * (vxa_mut_prereqs): the posted-interrupt descriptor's rules alone (27.2.1.1: posted interrupts
 * need virtual-interrupt delivery, which needs "use TPR shadow"; the repair turned virtual-
 * interrupt delivery off again, so CTRL_APICV_TPR_SHADOW or CTRL_PI_VID always failed with them) */
static void gated_field_turns_on_what_the_gate_needs(void **state)
{
    (void)state;
    tally a = run("bochs-3.0-sapphire-rapids", VXA_SINGLE_GATED_FIELD, "CTRL_PI_DESC", 3000);
    fprintf(stderr, "posted-interrupt descriptor alone: %u of %u cases\n", a.alone, a.cases);
    assert_true(a.alone > 0);
}

/* Correlated move `which` from the clean layout, seeds 1..n: the cases whose only violation is
 * a check whose ID contains `want`. */
static unsigned corr_alone(const char *profile, vxa_corr which, const char *want, unsigned n)
{
    static vxa_mutator m;
    static vxa_report r;
    unsigned alone = 0;
    for (unsigned s = 1; s <= n; s++) {
        vxa_case c;
        load(&c, profile);
        vxa_mut_init(&m, s, VXA_MUT_FIXED_PROFILE | VXA_MUT_ORACLE_SAFE);
        vxa_mut_case v = { &c.profile, &c.vmcs, &c.entry, NULL, put_mem, vxa_case_memory(&c), &c };
        if (vxa_op_correlated_one(&m, &v, which)) {
            vxa_memory mem = vxa_case_memory(&c);
            vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
            vxa_audit(&in, &r);
            alone += r.nviolations == 1 && strstr(vxa_check_get((vxa_check)r.violations[0].check)->id, want);
        }
        vxa_case_free(&c);
    }
    return alone;
}

static void correlated_moves_make_one_rule_decisive(void **state)
{
    (void)state;
    /* "load CET state" on exit with IA32_S_CET at the canonical edge (27.2.2; tigerlake has
     * CET_IBT, so 63:12 is the legacy-bitmap base, not reserved) */
    assert_true(corr_alone("bochs-2.7-tigerlake", VXA_CORR_HOST_CET, "HOST_S_CET_CANONICAL", 64) > 0);
    assert_true(corr_alone("bochs-2.7-tigerlake", VXA_CORR_HOST_CET, "HOST_ISST_CANONICAL", 64) > 0);
    /* the link pointer at the current VMCS, its header the profile's revision (27.3.1.5) */
    unsigned link = corr_alone("bochs-2.7-corei7-skylake-x", VXA_CORR_LINK_CURRENT_VMCS, "GUEST_LINK_PTR_CURRENT_VMCS", 64);
    assert_true(link > 32);
    /* and, one time in four, a linked VMCS elsewhere: the case enters */
    assert_true(corr_alone("bochs-2.7-corei7-skylake-x", VXA_CORR_LINK_CURRENT_VMCS, "GUEST_LINK_PTR", 64) == link);
}

static void host32_reaches_the_address_space_rules(void **state)
{
    (void)state;
    /* a host outside IA-32e mode (ops_host32.c): each rule of 27.2.4 it can break, and HOST_SS
     * null (27.2.3), the guest's CR4.PCIDE (27.3.1.1), alone; tigerlake has "load CET state" */
    static const char *rules[] = { "HOST_NOT_IA32E_HAS", "HOST_HAS0_CR4_PCIDE", "HOST_HAS0_RIP_HIGH",
                                   "HOST_SS_SEL_NULL", "HOST_HAS0_SSP_HIGH", "HOST_HAS0_S_CET_HIGH",
                                   "GUEST_NON_IA32E_CR4_PCIDE" };
    for (unsigned i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        tally t = run("bochs-2.7-tigerlake", VXA_SINGLE_HOST32, rules[i], 300);
        fprintf(stderr, "host32 %s: %u alone of %u cases\n", rules[i], t.alone, t.cases);
        assert_true(t.alone > 0);
    }
    /* and the entry from such a host that breaks nothing: a 32-bit host and guest that enter */
    tally t = run("bochs-2.7-tigerlake", VXA_SINGLE_HOST32, "", 300);
    assert_true(t.cases > t.any);
}

/* The fixing step: a layout breaking two control rules on two fields (I/O-bitmap A and B
 * addresses misaligned, 27.2.1.1) keeps one of them, either. */
static void other_violations_are_fixed(void **state)
{
    (void)state;
    static vxa_mutator m;
    static vxa_report r;
    unsigned kept[2] = { 0, 0 };
    for (unsigned s = 1; s <= 40; s++) {
        vxa_case c;
        load(&c, "bochs-2.7-tigerlake");
        vxa_mut_init(&m, s, VXA_MUT_FIXED_PROFILE | VXA_MUT_ORACLE_SAFE);
        vxa_mut_case v = { &c.profile, &c.vmcs, &c.entry, NULL, put_mem, vxa_case_memory(&c), &c };
        assert_true(vxa_mut_enable(&m, &v, VXA_WORD_PROC, 25));   /* "use I/O bitmaps" (A.3.2) */
        vxa_set(&c.vmcs, VXA_F_IO_BITMAP_A, 0x12345);
        vxa_set(&c.vmcs, VXA_F_IO_BITMAP_B, 0x23001);
        vxa_memory mem = vxa_case_memory(&c);
        vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
        vxa_audit(&in, &r);
        assert_int_equal(r.nviolations, 2);
        vxa_mut_keep_one(&m, &v);
        vxa_audit(&in, &r);
        assert_int_equal(r.nviolations, 1);
        kept[r.violations[0].check == VXA_C_CTRL_IO_BITMAP_B_ALIGN]++;
        vxa_case_free(&c);
    }
    assert_true(kept[0] > 0 && kept[1] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gated_field_reaches_the_control_gated_rules),
        cmocka_unit_test(counted_area_reaches_the_msr_area_rules),
        cmocka_unit_test(pae_guest_reaches_the_pdpte_rules),
        cmocka_unit_test(control_pair_reaches_prerequisite_rules),
        cmocka_unit_test(recipes_reach_their_rules),
        cmocka_unit_test(gated_field_turns_on_what_the_gate_needs),
        cmocka_unit_test(correlated_moves_make_one_rule_decisive),
        cmocka_unit_test(host32_reaches_the_address_space_rules),
        cmocka_unit_test(other_violations_are_fixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
