/* test_rootcause.c — the root cause (engine/src/rootcause.c): one mistake with many consequences
 * gives one field; independent mistakes give one field each; a gate (a control bit that turns
 * rules on without being named by them) is found; repair --minimal changes only the set and
 * never a field the set does not hold (GUEST_RIP stays 64-bit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"

static vxa_case load(const char *path)
{
    vxa_case c;
    vxa_error e;
    if (vxa_case_load(path, &c, &e)) fail_msg("%s: %s", path, e.message);
    return c;
}

static vxa_root_cause rc;
static vxa_report r;
static vxa_vmcs out;

static unsigned consequences(const vxa_input *in)
{
    vxa_audit(in, &r);
    unsigned n = r.nviolations < VXA_MAX_VIOLATIONS ? r.nviolations : VXA_MAX_VIOLATIONS, k = 0;
    for (unsigned i = 0; i < n; i++)
        k += !vxa_root_set_names(&rc.set[0], &r.violations[i]);
    return k;
}

/* RFLAGS.VM = 1 in a 64-bit guest: 19 violations, one cause. */
static void rflags_vm_leads(void **state)
{
    (void)state;
    vxa_case c = load(TESTS_DIR "/rootcause/rflags-vm-64bit.json");
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
    assert_true(vxa_root_cause_find(&in, &rc));
    assert_true(rc.smallest);
    assert_int_equal(rc.nsets, 1);
    assert_int_equal(rc.set[0].n, 1);
    assert_int_equal(rc.set[0].field[0], VXA_F_GUEST_RFLAGS);
    assert_int_equal(rc.set[0].value[0], 0x2);
    assert_int_equal(consequences(&in), 18);

    vxa_repair_result res;
    assert_true(vxa_repair_minimal(&in, &rc, &out, &r, &res));
    assert_int_equal(res.nchanged, 1);
    assert_int_equal(out.value[VXA_F_GUEST_RFLAGS], 0x2);
    assert_int_equal(out.value[VXA_F_GUEST_RIP], 0xffffffff81000000ull);
    /* the plain repair patches every consequence (and cuts GUEST_RIP): the contrast */
    assert_true(vxa_repair(&in, 32, &out, &r, &res));
    assert_true(res.nchanged > 1);
    vxa_case_free(&c);
}

/* Three independent mistakes: three fields, every violation about one of them. */
static void independent_mistakes(void **state)
{
    (void)state;
    char *path = vxa_corpus_find("examples", "broken-blue-pill");
    assert_non_null(path);
    vxa_case c = load(path);
    free(path);
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
    assert_true(vxa_root_cause_find(&in, &rc));
    assert_int_equal(rc.set[0].n, 3);
    assert_int_equal(consequences(&in), 0);
    vxa_case_free(&c);
}

/* "use TPR shadow" turned on in linux64 (virtual-APIC page address not a valid address): the
 * rules that fail name the virtual-APIC page, not CPU_BASED_VM_EXEC_CONTROL; the root cause is
 * the control bit when the address is bad in a way no single address fix repairs. */
static void gate_found(void **state)
{
    (void)state;
    char *path = vxa_corpus_find("layouts", "linux64");
    vxa_case c = load(path);
    free(path);
    vxa_set(&c.vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL, c.vmcs.value[VXA_F_CPU_BASED_VM_EXEC_CONTROL] | (1u << 21));
    vxa_set(&c.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR, ~0ull);
    vxa_set(&c.vmcs, VXA_F_TPR_THRESHOLD, 0xffffffffu);
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
    vxa_audit(&in, &r);
    assert_int_not_equal(r.outcome.result, VXA_ENTERED);
    assert_true(vxa_root_cause_find(&in, &rc));
    assert_int_equal(rc.set[0].n, 1);
    assert_int_equal(rc.set[0].field[0], VXA_F_CPU_BASED_VM_EXEC_CONTROL);
    assert_int_equal(rc.set[0].value[0] & (1u << 21), 0);
    vxa_case_free(&c);
}

/* A layout that enters has no root cause; a NULL input is refused. */
static void clean_layout(void **state)
{
    (void)state;
    char *path = vxa_corpus_find("layouts", "linux64");
    vxa_case c = load(path);
    free(path);
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
    assert_false(vxa_root_cause_find(&in, &rc));
    assert_int_equal(rc.nsets, 0);
    assert_false(vxa_root_cause_find(NULL, &rc));
    vxa_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(rflags_vm_leads), cmocka_unit_test(independent_mistakes),
                                        cmocka_unit_test(gate_found), cmocka_unit_test(clean_layout) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
