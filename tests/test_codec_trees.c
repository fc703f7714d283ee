/* test_codec_trees.c — the codec's trees and one-place conversions: case, profile and report
 * to cJSON trees and back; profile normalisation; binary case -> case; a profile file inlined
 * whole; the report's --observed annotation; the text report's flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "vmxaudit/binary.h"
#include "vmxaudit/codec.h"

static void profile_equal(const vxa_profile *a, const vxa_profile *b)
{
    assert_int_equal(a->msr_present, b->msr_present);
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if (vxa_profile_has(a, i)) assert_int_equal(a->msr[i], b->msr[i]);
    assert_int_equal(a->maxphyaddr, b->maxphyaddr);
    assert_int_equal(a->maxphyaddr_default, b->maxphyaddr_default);
    assert_int_equal(a->linear_address_width, b->linear_address_width);
    assert_int_equal(a->cpuid, b->cpuid);
    assert_int_equal(a->cpuid_known, b->cpuid_known);
}

/* A file in a fresh temporary folder; the caller unlinks it and removes the folder. */
static void temp_file(char *path, size_t n, char *dir, const char *name, const void *data, size_t len)
{
    strcpy(dir, "/tmp/vxa-codec-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void case_tree_round_trip(void **s)
{
    (void)s;
    const char *t = "{\"vmxaudit\": 1, \"name\": \"tree\", \"profile\": \"il-xeon-8180-skylake-sp\","
                    " \"entry\": {\"instruction\": \"vmresume\", \"launch_state\": \"launched\"},"
                    " \"vmcs\": {\"GUEST_CR0\": \"0x80000031\", \"HOST_CR4\": \"0x2020\"},"
                    " \"memory\": [{\"address\": \"0x14000\", \"data\": \"74010000\"}],"
                    " \"expect\": {\"result\": \"vmfail_valid\", \"error\": [7, 8]},"
                    " \"origin\": {\"campaign\": \"test\"}}";
    vxa_case a, b;
    vxa_error e;
    assert_int_equal(vxa_case_parse(t, strlen(t), "tree.json", &a, &e), 0);
    cJSON *doc = vxa_case_to_tree(&a);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(doc, "origin"));     /* unknown keys kept */
    assert_int_equal(vxa_case_from_tree(doc, "tree", &b, &e), 0);
    char *ja = vxa_case_to_json(&a), *jb = vxa_case_to_json(&b), *jd = cJSON_Print(doc);
    assert_string_equal(ja, jb);                  /* the string form is the tree printed */
    assert_string_equal(ja, jd);
    free(ja);
    free(jb);
    free(jd);
    vxa_case_free(&b);
    /* the caller keeps its tree: a key added to it is an error in the reader, named by path */
    cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(doc, "vmcs"), "GUEST_CR4", "zero");
    assert_int_not_equal(vxa_case_from_tree(doc, "tree", &b, &e), 0);
    assert_string_equal(e.file, "tree");
    assert_string_equal(e.path, "vmcs.GUEST_CR4");
    assert_int_equal(e.line, 0);
    vxa_case_free(&b);
    cJSON_Delete(doc);
    vxa_case_free(&a);
}

static void profile_tree_round_trip_every_bundled(void **s)
{
    (void)s;
    char **list = vxa_corpus_list("profiles");
    unsigned n = 0;
    for (char **l = list; *l; l++, n++) {
        vxa_profile p, q;
        vxa_error e;
        char *name = NULL;
        assert_int_equal(vxa_profile_load(*l, &p, &name, &e), 0);
        const vxa_profile_about about = { name, "a CPU", "a test" };
        cJSON *o = vxa_profile_to_tree(&p, &about);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "source")->valuestring, "a test");
        assert_true(cJSON_HasObjectItem(o, "maxphyaddr") == !p.maxphyaddr_default);
        char *back = NULL;
        assert_int_equal(vxa_profile_from_tree(o, "t", &q, &back, &e), 0);
        assert_string_equal(back, name);
        profile_equal(&p, &q);
        cJSON_Delete(o);
        free(back);
        free(name);
    }
    vxa_corpus_list_free(list);
    assert_true(n >= 49);
}

static void normalisation(void **s)
{
    (void)s;
    vxa_profile p;
    vxa_profile_init(&p);
    p.msr[VXA_MSR_BASIC] = 0xda040000000004ull;          /* bit 48 clear: Intel 64 */
    p.msr_present = 1u << VXA_MSR_BASIC | 1u << 31;      /* bit 31: no such MSR */
    p.cpuid = VXA_CPUID_LA57 | VXA_CPUID_PKS | 1u << 20;
    p.cpuid_known = VXA_CPUID_PKS | 1u << 20;
    p.maxphyaddr = 60;
    p.maxphyaddr_default = false;
    p.linear_address_width = 50;
    vxa_profile_normalize(&p);
    assert_int_equal(p.msr_present, 1u << VXA_MSR_BASIC);
    assert_int_equal(p.cpuid_known, VXA_CPUID_PKS | VXA_CPUID_LM);
    assert_int_equal(p.cpuid, VXA_CPUID_PKS | VXA_CPUID_LM);   /* LA57 was not known */
    assert_int_equal(p.maxphyaddr, 52);
    assert_true(p.maxphyaddr_default);
    assert_int_equal(p.linear_address_width, 48);
    p.msr[VXA_MSR_BASIC] |= 1ull << 48;                   /* 32-bit addresses: not Intel 64 ... */
    p.cpuid_known &= ~(uint32_t)VXA_CPUID_LM;
    vxa_profile_normalize(&p);
    assert_true(p.cpuid_known & VXA_CPUID_LM);
    assert_false(p.cpuid & VXA_CPUID_LM);
    p.cpuid_known |= VXA_CPUID_LM;                        /* ... unless the profile states it */
    p.cpuid |= VXA_CPUID_LM;
    vxa_profile_normalize(&p);
    assert_true(p.cpuid & VXA_CPUID_LM);
    vxa_profile_init(&p);                                 /* no BASIC: IA-32e support unknown */
    vxa_profile_normalize(&p);
    assert_int_equal(p.cpuid_known, 0);
}

static void binary_case_is_a_case(void **s)
{
    (void)s;
    static vxa_bin_case b;
    static uint8_t buf[1 << 14];
    static const uint8_t blob[4] = { 1, 2, 3, 4 };
    vxa_profile_init(&b.profile);
    vxa_vmcs_init(&b.vmcs);
    vxa_entry_init(&b.entry);
    b.profile.msr[VXA_MSR_BASIC] = 0xda040000000004ull;
    b.profile.msr_present = 1u << VXA_MSR_BASIC;
    b.profile.cpuid = VXA_CPUID_LA57 | 1u << 30;          /* LA57 unknown, bit 30 no feature */
    b.profile.cpuid_known = 1u << 30;
    vxa_set(&b.vmcs, VXA_F_HOST_CR4, 0x2020);
    b.nblobs = 1;
    b.blob[0] = (vxa_bin_blob){ 0x14000, sizeof blob, blob };
    size_t len = vxa_bin_encode(&b, buf, sizeof buf);
    assert_true(len > 2);
    char dir[64], path[128];
    temp_file(path, sizeof path, dir, "damaged.bin", buf, len);
    vxa_case c, d;
    vxa_error e;
    assert_int_equal(vxa_case_load(path, &c, &e), 0);     /* every reader of cases: binary too */
    unlink(path);
    rmdir(dir);
    assert_string_equal(c.name, "damaged.bin");
    assert_int_equal(c.profile.cpuid_known, VXA_CPUID_LM);   /* normalised */
    assert_int_equal(c.profile.cpuid, VXA_CPUID_LM);
    assert_int_equal(vxa_get(&c.vmcs, VXA_F_HOST_CR4), 0x2020);
    assert_int_equal(c.nmemory, 1);
    assert_memory_equal(c.memory[0].data, blob, sizeof blob);
    /* the case written stands alone (its profile inline) and reads back the same */
    char *j = vxa_case_to_json(&c);
    assert_int_equal(vxa_case_parse(j, strlen(j), "back.json", &d, &e), 0);
    profile_equal(&c.profile, &d.profile);
    assert_memory_equal(c.vmcs.value, d.vmcs.value, sizeof c.vmcs.value);
    assert_memory_equal(c.vmcs.set, d.vmcs.set, sizeof c.vmcs.set);
    free(j);
    vxa_case_free(&c);
    vxa_case_free(&d);
    const uint8_t bad[] = { 'V', 2, 0 };
    assert_int_not_equal(vxa_case_from_binary(bad, sizeof bad, "bad.bin", &c, &e), 0);
    assert_string_equal(e.file, "bad.bin");
    assert_non_null(strstr(e.message, "not a binary case"));
    vxa_case_free(&c);
}

static void profile_file_inlined_whole(void **s)
{
    (void)s;
    const char *t = "{\"name\": \"mine\", \"cpu\": \"a CPU\", \"msrs\": {\"0x480\": \"0xda040000000004\"},"
                    " \"maxphyaddr\": 39, \"linear_address_width\": 57,"
                    " \"cpuid\": {\"la57\": true, \"pks\": false}, \"msrs_raw\": {\"0x1b\": \"0xfee00900\"}}";
    char dir[64], path[128];
    temp_file(path, sizeof path, dir, "mine.json", t, strlen(t));
    vxa_case c, d;
    vxa_error e;
    vxa_case_init(&c);
    assert_int_equal(vxa_case_set_profile(&c, path, &e), 0);
    unlink(path);
    rmdir(dir);
    assert_string_equal(c.profile_name, "mine");
    assert_int_equal(c.profile.linear_address_width, 57);
    assert_true(c.profile.cpuid & VXA_CPUID_LA57);
    char *j = vxa_case_to_json(&c);
    assert_non_null(strstr(j, "\"msrs_raw\""));          /* every key of the file kept */
    assert_non_null(strstr(j, "\"cpu\":\t\"a CPU\""));
    assert_int_equal(vxa_case_parse(j, strlen(j), "saved.json", &d, &e), 0);
    profile_equal(&c.profile, &d.profile);               /* the saved case audits the same */
    free(j);
    vxa_case_free(&d);
    /* a bundled profile stays a reference by name */
    assert_int_equal(vxa_case_set_profile(&c, "il-xeon-8180-skylake-sp", &e), 0);
    assert_null(c.profile_json);
    j = vxa_case_to_json(&c);
    assert_non_null(strstr(j, "\"profile\":\t\"il-xeon-8180-skylake-sp\""));
    free(j);
    assert_int_not_equal(vxa_case_set_profile(&c, "no-such-cpu", &e), 0);
    vxa_case_free(&c);
}

/* An advisory violation listed before the real one (as the MSR-load rules emit them). */
static void report_observed_advisory_first(void **s)
{
    (void)s;
    static vxa_report r;
    memset(&r, 0, sizeof r);
    r.outcome.result = VXA_ENTRY_FAILURE;
    r.outcome.exit_reason = 34;
    r.outcome.nqual = 1;
    r.outcome.qual[0] = 1;
    r.nviolations = 3;
    r.violations[0].check = VXA_C_ADV_MSRLOAD_MODEL_SPECIFIC;
    r.violations[0].index = 1;
    r.violations[1].check = VXA_C_MSRLOAD_RESERVED;
    r.violations[1].index = 1;
    r.violations[2].check = VXA_C_MSRLOAD_FS_GS_BASE;
    r.violations[2].index = 2;
    const vxa_observed obs = { true, 34, true, 1 };
    cJSON *o = vxa_report_to_tree(&r, NULL, &obs);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "violations");
    assert_int_equal(cJSON_GetArraySize(v), 2);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(v->child, "check")->valuestring, "MSRLOAD_RESERVED");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v->child, "consistent")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(v->child->next, "consistent")));
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "warnings");
    assert_false(cJSON_HasObjectItem(w->child, "consistent"));
    const cJSON *ob = cJSON_GetObjectItemCaseSensitive(o, "observed");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(ob, "exit_reason")->valueint, 34);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(ob, "qualification")->valueint, 1);
    cJSON_Delete(o);
    /* without an observation: the plain report, whose text form is the tree printed */
    const vxa_observed none = { 0 };
    o = vxa_report_to_tree(&r, NULL, &none);
    assert_false(cJSON_HasObjectItem(o, "observed"));
    assert_false(cJSON_HasObjectItem(cJSON_GetObjectItemCaseSensitive(o, "violations")->child, "consistent"));
    char *a = cJSON_Print(o), *b = vxa_report_to_json(&r, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
    cJSON_Delete(o);
}

/* An observed outcome in the shape of `expect`: one value, a number. */
static void observed_outcome_shape(void **s)
{
    (void)s;
    static const struct { vxa_outcome o; const char *json; } t[] = {
        { { .result = VXA_VMFAIL_VALID, .nerror = 1, .error = { 7 } }, "{\"result\":\"vmfail_valid\",\"error\":7}" },
        { { .result = VXA_ENTRY_FAILURE, .exit_reason = 33, .nqual = 1, .qual = { 0 } },
          "{\"result\":\"entry_failure\",\"exit_reason\":33,\"qualification\":0}" },
        { { .result = VXA_FAULT, .vector = 13 }, "{\"result\":\"fault\",\"vector\":13}" },
        { { .result = VXA_ENTERED }, "{\"result\":\"entered\"}" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        cJSON *o = vxa_outcome_to_tree(&t[i].o);
        char *j = cJSON_PrintUnformatted(o);
        assert_string_equal(j, t[i].json);
        free(j);
        cJSON_Delete(o);
    }
}

static char *print_report(const vxa_case *c, const vxa_report *r, unsigned flags)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    vxa_report_print(f, c, r, VXA_MODEL_SDM, NULL, flags);
    fclose(f);
    return text;
}

static void text_report_flags(void **s)
{
    (void)s;
    const char *t = "{\"profile\": \"il-xeon-8180-skylake-sp\", \"vmcs\": {\"HOST_CR4\": \"0x20\"}}";
    vxa_case c;
    vxa_error e;
    static vxa_report r;
    assert_int_equal(vxa_case_parse(t, strlen(t), "t.json", &c, &e), 0);
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
    assert_int_equal(vxa_audit(&in, &r), 0);
    char *plain = print_report(&c, &r, 0), *colour = print_report(&c, &r, VXA_TEXT_COLOUR),
         *quiet = print_report(&c, &r, VXA_TEXT_QUIET);
    assert_null(strchr(plain, '\033'));
    assert_non_null(strstr(plain, "HOST_CR4_FIXED0"));
    assert_non_null(strstr(colour, "\033[31mHOST_CR4_FIXED0\033[0m"));
    assert_non_null(strstr(quiet, "VMfailValid"));
    assert_ptr_equal(strchr(quiet, '\n'), quiet + strlen(quiet) - 1);   /* one line */
    free(plain);
    free(colour);
    free(quiet);
    vxa_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(case_tree_round_trip), cmocka_unit_test(profile_tree_round_trip_every_bundled),
        cmocka_unit_test(normalisation), cmocka_unit_test(binary_case_is_a_case),
        cmocka_unit_test(profile_file_inlined_whole), cmocka_unit_test(report_observed_advisory_first),
        cmocka_unit_test(observed_outcome_shape), cmocka_unit_test(text_report_flags),
    };
    return cmocka_run_group_tests_name("codec trees", tests, NULL, NULL);
}
