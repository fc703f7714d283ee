/* test_codec.c — the JSON codec: every bad-input class gives a message naming the file, the JSON
 * path and the position; round trips are exact; every bundled profile loads. */
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

static void syntax_error_has_line_and_column(void **s)
{
    (void)s;
    const char *t = "{\n  \"profile\": \"x\",\n  \"vmcs\": { \"GUEST_CR0\": 0x1 }\n}";
    vxa_case c;
    vxa_error e;
    assert_int_not_equal(vxa_case_parse(t, strlen(t), "case.json", &c, &e), 0);
    vxa_case_free(&c);
    assert_int_equal(e.line, 3);
    assert_true(e.column > 10);
    assert_non_null(strstr(e.message, "syntax"));
}

static void unknown_field_suggests(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s,\n \"vmcs\": {\n  \"GUEST_CR00\": \"0x1\"}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR00", 3, "did you mean GUEST_CR0");
}

static void duplicate_keys(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x1\", \"0x6800\": \"0x1\"}}", base_profile);
    expect_error(t, "vmcs.0x6800", 1, "given twice");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"guest_cr0\": \"0x1\", \"GUEST_CR0\": \"0x1\"}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 0, "given twice");
    snprintf(t, sizeof t, "{%s, \"name\": \"a\", \"name\": \"b\"}", base_profile);
    expect_error(t, "name", 0, "duplicate key");
}

static void value_wider_than_field(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CS_SELECTOR\": \"0x10000\"}}", base_profile);
    expect_error(t, "vmcs.GUEST_CS_SELECTOR", 0, "wider than the 16-bit field");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"PIN_BASED_VM_EXEC_CONTROL\": \"0x100000000\"}}", base_profile);
    expect_error(t, "vmcs.PIN_BASED_VM_EXEC_CONTROL", 0, "32-bit");
}

static void bad_numbers(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0xzz\"}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 0, "not a number");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": -1}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 0, "negative");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"-1\"}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 0, "not a number");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": 18014398509481984}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 1, "2^53");   /* refused where it stands (line, column and field) */
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": 1.5}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 0, "not an integer");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"GUEST_CR0\": \"0x10000000000000000\"}}", base_profile);
    expect_error(t, "vmcs.GUEST_CR0", 0, "not a number");
}

static void high_halves_rejected(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"0x2801\": \"0x1\"}}", base_profile);
    expect_error(t, "vmcs.0x2801", 0, "high half");
    snprintf(t, sizeof t, "{%s, \"vmcs\": {\"VMCS_LINK_POINTER_HIGH\": \"0x1\"}}", base_profile);
    expect_error(t, "vmcs.VMCS_LINK_POINTER_HIGH", 0, "high half");
}

static void unknown_keys_in_entry_and_expect(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s, \"entry\": {\"instrution\": \"vmlaunch\"}}", base_profile);
    expect_error(t, "entry.instrution", 0, "unknown key");
    snprintf(t, sizeof t, "{%s, \"expect\": {\"result\": \"entered\", \"errror\": 7}}", base_profile);
    expect_error(t, "expect.errror", 0, "unknown key");
    snprintf(t, sizeof t, "{%s, \"expect\": {\"result\": \"crashed\"}}", base_profile);
    expect_error(t, "expect.result", 0, "expected one of");
    snprintf(t, sizeof t, "{%s, \"entry\": {\"instruction\": \"vmcall\"}}", base_profile);
    expect_error(t, "entry.instruction", 0, "vmlaunch");
}

static void memory_errors(void **s)
{
    (void)s;
    char t[400];
    snprintf(t, sizeof t, "{%s, \"memory\": [{\"address\": \"0x1000\", \"data\": \"abc\"}]}", base_profile);
    expect_error(t, "memory[0].data", 0, "odd number");
    snprintf(t, sizeof t, "{%s, \"memory\": [{\"address\": \"0x1000\", \"data\": \"00\"}, {\"address\": \"0x1000\", \"data\": \"zz\"}]}", base_profile);
    expect_error(t, "memory[1].data", 0, "not a hex byte");
}

static void unknown_profile_and_msr(void **s)
{
    (void)s;
    expect_error("{\"profile\": \"no-such-cpu\"}", "profile", 1, "no bundled profile");
    expect_error("{\"profile\": {\"msrs\": {\"0x499\": \"0x1\"}}}", "profile.msrs.0x499", 1, "unknown VMX capability MSR");
    expect_error("{\"profile\": {\"msrs\": {\"IA32_VMX_BASC\": \"0x1\"}}}", "profile.msrs.IA32_VMX_BASC", 1, "IA32_VMX_BASIC");
}

static void round_trip_exact(void **s)
{
    (void)s;
    const char *t = "{\"vmxaudit\": 1, \"name\": \"rt\", \"profile\": \"il-xeon-8180-skylake-sp\","
                    " \"entry\": {\"instruction\": \"vmresume\", \"launch_state\": \"launched\", \"cpl\": 0},"
                    " \"vmcs\": {\"guest_cr0\": 2147483697, \"0x6c04\": \"0x2020\", \"GUEST_CS_SELECTOR\": \"8\"},"
                    " \"memory\": [{\"address\": \"0x14000\", \"data\": \"7401000000000000\"}],"
                    " \"expect\": {\"result\": \"vmfail_valid\", \"error\": [7, 8], \"fields\": [\"HOST_CR4\"]},"
                    " \"expect_by_model\": {\"bochs-2.7\": {\"result\": \"vmfail_valid\", \"error\": 7}},"
                    " \"observed\": {\"bochs\": {\"result\": \"vmfail_valid\", \"error\": 7}}, \"annotation\": [1, 2]}";
    vxa_case a, b;
    vxa_error e;
    assert_int_equal(vxa_case_parse(t, strlen(t), "rt.json", &a, &e), 0);
    assert_int_equal(vxa_get(&a.vmcs, VXA_F_GUEST_CR0), 0x80000031);
    assert_int_equal(vxa_get(&a.vmcs, VXA_F_HOST_CR4), 0x2020);
    char *j1 = vxa_case_to_json(&a);
    assert_non_null(strstr(j1, "\"GUEST_CR0\":\t\"0x80000031\""));
    assert_non_null(strstr(j1, "\"annotation\""));
    assert_non_null(strstr(j1, "\"observed\""));
    assert_int_equal(vxa_case_parse(j1, strlen(j1), "rt2.json", &b, &e), 0);
    char *j2 = vxa_case_to_json(&b);
    assert_string_equal(j1, j2);
    assert_memory_equal(&a.vmcs, &b.vmcs, sizeof a.vmcs);
    assert_memory_equal(&a.entry, &b.entry, sizeof a.entry);
    assert_true(vxa_outcome_equal(&a.expect.outcome, &b.expect.outcome));
    assert_true(b.expect_by_model[VXA_MODEL_BOCHS_2_7].present);
    free(j1);
    free(j2);
    vxa_case_free(&a);
    vxa_case_free(&b);
}

static void every_bundled_profile_loads(void **s)
{
    (void)s;
    char **list = vxa_corpus_list("profiles");
    unsigned n = 0;
    for (char **l = list; *l; l++, n++) {
        vxa_profile p;
        vxa_error e;
        char *name = NULL, msg[1200];
        if (vxa_profile_load(*l, &p, &name, &e)) {
            vxa_error_format(&e, msg, sizeof msg);
            fail_msg("%s: %s", *l, msg);
        }
        assert_string_equal(name, *l);                       /* file name = profile name */
        assert_true(p.msr_present != 0);
        vxa_profile_warning w[32];
        unsigned nw = vxa_profile_check(&p, w, 32);
        for (unsigned i = 0; i < nw && i < 32; i++)   /* real dumps: only "not captured" gaps */
            if (w[i].issue != VXA_PI_ADVERTISED_MISSING && w[i].issue != VXA_PI_NO_BASIC)
                fail_msg("%s: unexpected inconsistency %u in MSR 0x%x", *l, w[i].issue, 0x480 + w[i].msr);
        free(name);
        free(*l);
    }
    free(list);
    assert_true(n >= 49);
}

static void profile_of_eleven_msrs(void **s)
{
    (void)s;
    /* The 2018 tool's input: 0x481-0x48b without IA32_VMX_BASIC: read as BASIC[55] = 0. */
    const char *t = "{\"name\": \"eleven\", \"msrs\": {\"0x481\": \"0x7f00000016\", \"0x482\": \"0xfff9fffe0401e172\","
                    " \"0x483\": \"0x1ffffff00036dff\", \"0x484\": \"0x3ffff000011ff\", \"0x485\": \"0x7004c1e7\","
                    " \"0x486\": \"0x80000021\", \"0x487\": \"0xffffffff\", \"0x488\": \"0x2000\", \"0x489\": \"0x7767ff\","
                    " \"0x48a\": \"0x2e\", \"0x48b\": \"0x25f7fff00000000\"}}";
    vxa_profile p;
    vxa_error e;
    assert_int_equal(vxa_profile_parse(t, strlen(t), "eleven.json", &p, NULL, &e), 0);
    uint64_t m1, a1;
    unsigned missing;
    assert_true(vxa_allowed(&p, VXA_WORD_PROC, &m1, &a1, &missing));
    assert_int_equal(m1, 0x0401e172);                       /* non-TRUE: default1 forced */
    assert_true(vxa_allowed(&p, VXA_WORD_PROC2, &m1, &a1, &missing));
    assert_int_equal(a1, 0x025f7fff);
    vxa_profile_warning w[8];
    assert_true(vxa_profile_check(&p, w, 8) >= 1);
    assert_int_equal(w[0].issue, VXA_PI_NO_BASIC);
    /* A TRUE-capable BASIC without the TRUE MSRs: the control words are undetermined. */
    p.msr[VXA_MSR_BASIC] = 1ull << 55;
    p.msr_present |= 1u << VXA_MSR_BASIC;
    assert_false(vxa_allowed(&p, VXA_WORD_PIN, &m1, &a1, &missing));
    assert_int_equal(missing, VXA_MSR_TRUE_PINBASED_CTLS);
}

static void suspect_profiles_are_flagged(void **s)
{
    (void)s;
    /* profiles-extra's SUSPECT transcription: 0x482/0x483 carry the TRUE allowed-0 values. */
    const char *t = "{\"msrs\": {\"0x480\": \"0xda040000000010\", \"0x482\": \"0xfff9fffe04006172\"}}";
    vxa_profile p;
    vxa_error e;
    assert_int_equal(vxa_profile_parse(t, strlen(t), "s.json", &p, NULL, &e), 0);
    vxa_profile_warning w[8];
    unsigned n = vxa_profile_check(&p, w, 8);
    bool found = false;
    for (unsigned i = 0; i < n && i < 8; i++) found |= w[i].issue == VXA_PI_DEFAULT1_NOT_SET;
    assert_true(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(syntax_error_has_line_and_column), cmocka_unit_test(unknown_field_suggests),
        cmocka_unit_test(duplicate_keys), cmocka_unit_test(value_wider_than_field),
        cmocka_unit_test(bad_numbers), cmocka_unit_test(high_halves_rejected),
        cmocka_unit_test(unknown_keys_in_entry_and_expect), cmocka_unit_test(memory_errors),
        cmocka_unit_test(unknown_profile_and_msr), cmocka_unit_test(round_trip_exact),
        cmocka_unit_test(every_bundled_profile_loads), cmocka_unit_test(profile_of_eleven_msrs),
        cmocka_unit_test(suspect_profiles_are_flagged),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
