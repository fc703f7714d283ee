/* test_not_captured.c — "not captured" is not zero (docs/outcome-model.md, "Not captured and
 * assumed"): the layout's three field states, the case keys `not_captured` and `assumed` read,
 * refused and written back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"

static const char *const base_profile = "\"profile\": \"il-xeon-8180-skylake-sp\"";

static void expect_error(const char *text, const char *path, int line, const char *needle)
{
    vxa_case c;
    vxa_error e;
    char msg[1200];
    memset(&e, 0, sizeof e);
    int rc = vxa_case_parse(text, strlen(text), "case.json", &c, &e);
    vxa_error_format(&e, msg, sizeof msg);
    vxa_case_free(&c);
    if (rc == 0) fail_msg("accepted: %s", text);
    if (strcmp(e.file, "case.json")) fail_msg("file not named: %s", msg);
    if (path && strcmp(e.path, path)) fail_msg("path '%s', expected '%s' (%s)", e.path, path, msg);
    if (line && e.line != line) fail_msg("line %d, expected %d (%s)", e.line, line, msg);
    if (needle && !strstr(e.message, needle)) fail_msg("message lacks '%s': %s", needle, msg);
}

static void parse_ok(const char *text, vxa_case *c)
{
    vxa_error e;
    if (vxa_case_parse(text, strlen(text), "case.json", c, &e)) {
        char msg[1200];
        vxa_error_format(&e, msg, sizeof msg);
        fail_msg("refused: %s", msg);
    }
}

/* The three states and the transitions between them. */
static void field_states(void **s)
{
    (void)s;
    vxa_vmcs v;
    const vxa_field f = VXA_F_VMCS_LINK_POINTER;
    vxa_vmcs_init(&v);
    assert_false(vxa_is_set(&v, f));
    assert_false(vxa_is_not_captured(&v, f));
    assert_false(vxa_is_assumed(&v, f));
    vxa_set(&v, f, 0x1234);
    vxa_set_not_captured(&v, f);               /* clears the value and `set` */
    assert_true(vxa_is_not_captured(&v, f));
    assert_false(vxa_is_set(&v, f));
    assert_int_equal(vxa_get(&v, f), 0);
    vxa_set_assumed(&v, f, ~0ull);             /* sets the value, marks it */
    assert_true(vxa_is_set(&v, f));
    assert_true(vxa_is_assumed(&v, f));
    assert_false(vxa_is_not_captured(&v, f));
    assert_true(vxa_get(&v, f) == ~0ull);
    vxa_set(&v, f, 0);                         /* a value given: no longer assumed */
    assert_false(vxa_is_assumed(&v, f));
    vxa_set_assumed(&v, VXA_F_GUEST_CR0, ~0ull);   /* masked like vxa_set */
    assert_true(vxa_get(&v, VXA_F_GUEST_CR0) == vxa_field_mask(VXA_F_GUEST_CR0));
    vxa_unset(&v, VXA_F_GUEST_CR0);
    assert_false(vxa_is_assumed(&v, VXA_F_GUEST_CR0));
    /* out of range: ignored, never written */
    vxa_set_not_captured(&v, (vxa_field)VXA_FIELD_COUNT);
    assert_false(vxa_is_not_captured(&v, (vxa_field)VXA_FIELD_COUNT));
    assert_false(vxa_is_assumed(&v, VXA_F_NONE));
}

static void keys_read(void **s)
{
    (void)s;
    char t[800];
    vxa_case c;
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x31\", \"VMCS_LINK_POINTER\": "
             "\"0xffffffffffffffff\"},\n \"not_captured\": [\"MSR_BITMAP\", \"0x4004\"],\n"
             " \"assumed\": {\"vmcs_link_pointer\": \"KVM writes ~0 unless shadowing is on\"}}",
             base_profile);
    parse_ok(t, &c);
    assert_true(vxa_is_not_captured(&c.vmcs, VXA_F_MSR_BITMAP));
    assert_true(vxa_is_not_captured(&c.vmcs, VXA_F_EXCEPTION_BITMAP));   /* by encoding */
    assert_false(vxa_is_not_captured(&c.vmcs, VXA_F_GUEST_CR3));         /* not given: reads 0 */
    assert_true(vxa_is_assumed(&c.vmcs, VXA_F_VMCS_LINK_POINTER));
    assert_true(vxa_get(&c.vmcs, VXA_F_VMCS_LINK_POINTER) == ~0ull);
    assert_string_equal(vxa_case_assumed_why(&c, VXA_F_VMCS_LINK_POINTER),
                        "KVM writes ~0 unless shadowing is on");
    assert_null(vxa_case_assumed_why(&c, VXA_F_GUEST_CR0));
    vxa_case_free(&c);
    /* "rest": every field vmcs does not give */
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x31\"}, \"not_captured\": \"rest\"}",
             base_profile);
    parse_ok(t, &c);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        assert_int_equal(vxa_is_not_captured(&c.vmcs, (vxa_field)f), f != VXA_F_GUEST_CR0);
    vxa_case_free(&c);
}

static void keys_refused(void **s)
{
    (void)s;
    char t[800];
    /* a field both in vmcs and not_captured: named, with the line of not_captured */
    snprintf(t, sizeof t, "{%s,\n \"vmcs\": {\"VMCS_LINK_POINTER\": \"0x0\"},\n"
             " \"not_captured\": [\"GUEST_CR0\", \"vmcs_link_pointer\"]}", base_profile);
    expect_error(t, "not_captured[1]", 3, "VMCS_LINK_POINTER is both in vmcs and not_captured");
    snprintf(t, sizeof t, "{%s, \"not_captured\": [\"GUEST_CR0\", \"0x6800\"]}", base_profile);
    expect_error(t, "not_captured[1]", 1, "GUEST_CR0 is listed twice");
    snprintf(t, sizeof t, "{%s, \"not_captured\": [\"GUEST_CR00\"]}", base_profile);
    expect_error(t, "not_captured[0]", 0, "did you mean GUEST_CR0");
    snprintf(t, sizeof t, "{%s, \"not_captured\": \"all\"}", base_profile);
    expect_error(t, "not_captured", 1, "\"rest\"");
    snprintf(t, sizeof t, "{%s, \"not_captured\": [7]}", base_profile);
    expect_error(t, "not_captured[0]", 0, "expected a field name");
    /* assumed: a reason for a value vmcs gives */
    snprintf(t, sizeof t, "{%s, \"assumed\": {\"GUEST_CR0\": \"why\"}}", base_profile);
    expect_error(t, "assumed.GUEST_CR0", 1, "GUEST_CR0 is assumed but vmcs gives it no value");
    snprintf(t, sizeof t, "{%s, \"not_captured\": [\"GUEST_CR0\"], \"assumed\": {\"GUEST_CR0\": \"why\"}}",
             base_profile);
    expect_error(t, "assumed.GUEST_CR0", 0, "(it is not_captured)");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x1\"}, \"assumed\": {\"GUEST_CR0\": 1}}",
             base_profile);
    expect_error(t, "assumed.GUEST_CR0", 0, "expected the reason");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x1\"}, \"assumed\": [\"GUEST_CR0\"]}",
             base_profile);
    expect_error(t, "assumed", 1, "expected an object");
}

/* Written back as read: the list (catalogue order, fields.def, canonical names), "rest", the reasons. */
static void round_trip(void **s)
{
    (void)s;
    char t[800];
    vxa_case c, d;
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x31\", \"VMCS_LINK_POINTER\": "
             "\"0xffffffffffffffff\"}, \"not_captured\": [\"msr_bitmap\", \"0x4004\"], "
             "\"assumed\": {\"VMCS_LINK_POINTER\": \"KVM writes ~0\"}}", base_profile);
    parse_ok(t, &c);
    char *j = vxa_case_to_json(&c);
    assert_non_null(strstr(j, "\"not_captured\":\t[\"MSR_BITMAP\", \"EXCEPTION_BITMAP\"]"));
    assert_non_null(strstr(j, "\"VMCS_LINK_POINTER\":\t\"KVM writes ~0\""));
    parse_ok(j, &d);
    assert_memory_equal(&c.vmcs, &d.vmcs, sizeof c.vmcs);
    assert_string_equal(vxa_case_assumed_why(&d, VXA_F_VMCS_LINK_POINTER), "KVM writes ~0");
    char *k = vxa_case_to_json(&d);
    assert_string_equal(j, k);
    free(j);
    free(k);
    vxa_case_free(&c);
    vxa_case_free(&d);
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x31\"}, \"not_captured\": \"rest\"}",
             base_profile);
    parse_ok(t, &c);
    j = vxa_case_to_json(&c);
    assert_non_null(strstr(j, "\"not_captured\":\t\"rest\""));
    parse_ok(j, &d);
    assert_memory_equal(&c.vmcs, &d.vmcs, sizeof c.vmcs);
    free(j);
    vxa_case_free(&c);
    vxa_case_free(&d);
    /* marked through the layout API without a reason: written with a placeholder reason */
    vxa_case_init(&c);
    c.profile_name = strdup("il-xeon-8180-skylake-sp");
    vxa_set_assumed(&c.vmcs, VXA_F_GUEST_IA32_PAT, 0x0007040600070406ull);
    assert_int_equal(vxa_case_set_assumed(&c, VXA_F_NONE, 0, "x"), -1);
    j = vxa_case_to_json(&c);
    assert_non_null(strstr(j, "\"GUEST_IA32_PAT\":\t\"filled in by convention"));
    free(j);
    vxa_case_free(&c);
}

/* ---- the engine ---- */

#ifndef NC_SHOW
#define NC_SHOW 20   /* failures printed */
#endif
static vxa_report base_r, nc_r;

static bool has_violation(const vxa_report *r, const vxa_violation *v)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++)
        if (r->violations[i].check == v->check && r->violations[i].index == v->index) return true;
    return false;
}

static bool has_undetermined(const vxa_report *r, const vxa_undetermined *u)
{
    unsigned n = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned i = 0; i < n; i++)
        if (r->undetermined[i].check == u->check && r->undetermined[i].reason == u->reason &&
            r->undetermined[i].aux == u->aux)
            return true;
    return false;
}

/* Property: a field of a layout marked not captured (each field the layout gives, one at a
 * time) never adds a violation; every undetermined rule it adds names that field; where the layout
 * enters, every violation it had stays or becomes undetermined, and it still enters (assuming the
 * undetermined rules pass).  Over the bundled layouts on every bundled profile. */
static void removing_a_field_never_adds_a_violation(void **s)
{
    (void)s;
    char **layouts = vxa_corpus_list("layouts"), **profiles = vxa_corpus_list("profiles");
    assert_non_null(layouts);
    assert_non_null(profiles);
    unsigned ncombos = 0, nentering = 0, naudits = 0, nundet = 0, failures = 0;
    for (char **l = layouts; *l; l++) {
        vxa_case c;
        vxa_error e;
        char *path = vxa_corpus_find("layouts", *l);
        assert_non_null(path);
        assert_int_equal(vxa_case_load(path, &c, &e), 0);
        free(path);
        vxa_memory mem = vxa_case_memory(&c);
        for (char **p = profiles; *p; p++) {
            vxa_profile prof;
            assert_int_equal(vxa_profile_load(*p, &prof, NULL, &e), 0);
            vxa_input in = { &prof, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
            vxa_audit(&in, &base_r);
            bool enters = base_r.outcome.result == VXA_ENTERED;
            ncombos++;
            nentering += enters;
            for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
                if (!vxa_is_set(&c.vmcs, (vxa_field)f)) continue;
                static vxa_vmcs v;
                v = c.vmcs;
                vxa_set_not_captured(&v, (vxa_field)f);
                vxa_input in2 = in;
                in2.vmcs = &v;
                vxa_audit(&in2, &nc_r);
                naudits++;
                const char *fname = vxa_field_get((vxa_field)f)->name;
                for (unsigned i = 0; i < nc_r.nviolations && i < VXA_MAX_VIOLATIONS; i++)
                    if (!has_violation(&base_r, &nc_r.violations[i]) && failures++ < NC_SHOW)
                        print_error("%s on %s, %s not captured: new violation %s\n", *l, *p, fname,
                                    vxa_check_get((vxa_check)nc_r.violations[i].check)->id);
                for (unsigned i = 0; i < nc_r.nundetermined && i < VXA_MAX_UNDETERMINED; i++) {
                    const vxa_undetermined *u = &nc_r.undetermined[i];
                    if (has_undetermined(&base_r, u)) continue;
                    nundet++;
                    if ((u->reason != VXA_UR_NOT_CAPTURED || u->aux != f) && failures++ < NC_SHOW)
                        print_error("%s on %s, %s not captured: %s undetermined for another reason\n",
                                    *l, *p, fname, vxa_check_get((vxa_check)u->check)->id);
                }
                if (!enters) continue;
                if (nc_r.outcome.result != VXA_ENTERED && failures++ < NC_SHOW)
                    print_error("%s on %s, %s not captured: no longer predicted to enter\n", *l, *p, fname);
                if (!(nc_r.not_captured_read[f >> 3] >> (f & 7) & 1u) &&
                    !vxa_outcome_equal(&nc_r.outcome, &base_r.outcome) && failures++ < NC_SHOW)
                    print_error("%s on %s, %s: the outcome changed but no rule read it\n", *l, *p, fname);
            }
        }
        vxa_case_free(&c);
    }
    print_message("%u layout/profile pairs (%u enter), %u audits with one field not captured, "
                  "%u rules made undetermined\n", ncombos, nentering, naudits, nundet);
    vxa_corpus_list_free(layouts);
    vxa_corpus_list_free(profiles);
    assert_true(nentering >= 10);
    assert_true(nundet > 0);
    assert_int_equal(failures, 0);
}

/* The link-pointer phantom: KVM's dump never prints VMCS_LINK_POINTER; not captured, it is no
 * GUEST_LINK_PTR violation and decides no outcome (it read as 0 before: revision mismatch, exit
 * qualification 4). */
static void link_pointer_phantom(void **s)
{
    (void)s;
    vxa_case c;
    vxa_error e;
    char *path = vxa_corpus_find("layouts", "linux64");
    assert_non_null(path);
    assert_int_equal(vxa_case_load(path, &c, &e), 0);
    free(path);
    vxa_memory mem = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
    vxa_unset(&c.vmcs, VXA_F_VMCS_LINK_POINTER);               /* not given: reads as 0 */
    vxa_audit(&in, &base_r);
    assert_int_equal(base_r.outcome.result, VXA_ENTRY_FAILURE);
    assert_int_equal(base_r.violations[0].check, VXA_C_GUEST_LINK_PTR_REVISION);
    vxa_set_not_captured(&c.vmcs, VXA_F_VMCS_LINK_POINTER);  /* not captured: no value */
    vxa_audit(&in, &nc_r);
    assert_int_equal(nc_r.nviolations, 0);
    assert_int_equal(nc_r.outcome.result, VXA_ENTERED);
    assert_true(nc_r.outcome_assumes_undetermined_pass);
    /* the rules on the link pointer and on the VMCS it references: undetermined, naming it */
    assert_int_equal(nc_r.nundetermined, 4);
    bool revision = false;
    for (unsigned i = 0; i < nc_r.nundetermined; i++) {
        revision |= nc_r.undetermined[i].check == VXA_C_GUEST_LINK_PTR_REVISION;
        assert_int_equal(nc_r.undetermined[i].reason, VXA_UR_NOT_CAPTURED);
        assert_int_equal(nc_r.undetermined[i].aux, VXA_F_VMCS_LINK_POINTER);
    }
    assert_true(revision);
    assert_true(nc_r.not_captured_read[VXA_F_VMCS_LINK_POINTER >> 3] >> (VXA_F_VMCS_LINK_POINTER & 7) & 1u);
    /* with a real violation elsewhere, the prediction is that violation's alone */
    vxa_set(&c.vmcs, VXA_F_GUEST_ACTIVITY_STATE, 7);
    vxa_audit(&in, &nc_r);
    assert_int_equal(nc_r.outcome.result, VXA_ENTRY_FAILURE);
    assert_int_equal(nc_r.outcome.nqual, 1);
    assert_int_equal(nc_r.outcome.qual[0], 0);                 /* not 4: the link pointer's */
    for (unsigned i = 0; i < nc_r.nviolations; i++)
        assert_int_not_equal(nc_r.violations[i].check, VXA_C_GUEST_LINK_PTR_REVISION);
    /* assumed as KVM writes it: the rules pass on it, and the report says it was assumed */
    vxa_set(&c.vmcs, VXA_F_GUEST_ACTIVITY_STATE, 0);
    vxa_set_assumed(&c.vmcs, VXA_F_VMCS_LINK_POINTER, ~0ull);
    vxa_audit(&in, &nc_r);
    assert_int_equal(nc_r.outcome.result, VXA_ENTERED);
    assert_int_equal(nc_r.nundetermined, 0);
    assert_true(nc_r.assumed_read[VXA_F_VMCS_LINK_POINTER >> 3] >> (VXA_F_VMCS_LINK_POINTER & 7) & 1u);
    vxa_case_free(&c);
}

static bool undetermined_on(const vxa_report *r, vxa_check id, vxa_field f)
{
    for (unsigned i = 0; i < r->nundetermined && i < VXA_MAX_UNDETERMINED; i++)
        if (r->undetermined[i].check == id && r->undetermined[i].reason == VXA_UR_NOT_CAPTURED &&
            r->undetermined[i].aux == f)
            return true;
    return false;
}

/* A rule that passes on the 0 a field not captured reads as is not proven: the fields KVM's dump
 * never prints (MSR_BITMAP, CR3_TARGET_COUNT, the MSR-load address and count) make the rules on
 * them undetermined, though each passes with 0, and add no violation. */
static void passing_on_zero_is_not_proof(void **s)
{
    (void)s;
    vxa_case c;
    vxa_error e;
    char *path = vxa_corpus_find("layouts", "linux64");
    assert_non_null(path);
    assert_int_equal(vxa_case_load(path, &c, &e), 0);
    free(path);
    vxa_memory mem = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, NULL };
    assert_true(vxa_get(&c.vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL) & (1u << 28));  /* MSR bitmaps */
    static const vxa_field kvm_never[] = { VXA_F_MSR_BITMAP, VXA_F_CR3_TARGET_COUNT,
                                           VXA_F_VM_ENTRY_MSR_LOAD_ADDR, VXA_F_VM_ENTRY_MSR_LOAD_COUNT };
    for (unsigned i = 0; i < 4; i++) vxa_set(&c.vmcs, kvm_never[i], 0);
    vxa_audit(&in, &base_r);                 /* given as 0: everything passes */
    assert_int_equal(base_r.nviolations, 0);
    assert_int_equal(base_r.nundetermined, 0);
    for (unsigned i = 0; i < 4; i++) vxa_set_not_captured(&c.vmcs, kvm_never[i]);
    vxa_audit(&in, &nc_r);
    assert_int_equal(nc_r.nviolations, 0);
    assert_int_equal(nc_r.outcome.result, VXA_ENTERED);
    assert_true(nc_r.outcome_assumes_undetermined_pass);
    assert_true(undetermined_on(&nc_r, VXA_C_CTRL_MSR_BITMAP_ALIGN, VXA_F_MSR_BITMAP));
    assert_true(undetermined_on(&nc_r, VXA_C_CTRL_CR3_TARGET_COUNT, VXA_F_CR3_TARGET_COUNT));
    assert_true(undetermined_on(&nc_r, VXA_C_MSRLOAD_RESERVED, VXA_F_VM_ENTRY_MSR_LOAD_ADDR));
    for (unsigned i = 0; i < nc_r.nundetermined; i++) {
        bool named = false;
        for (unsigned k = 0; k < 4; k++) named |= nc_r.undetermined[i].aux == kvm_never[k];
        assert_true(named);
    }
    vxa_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(field_states), cmocka_unit_test(keys_read), cmocka_unit_test(keys_refused),
        cmocka_unit_test(round_trip), cmocka_unit_test(removing_a_field_never_adds_a_violation),
        cmocka_unit_test(link_pointer_phantom), cmocka_unit_test(passing_on_zero_is_not_proof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
