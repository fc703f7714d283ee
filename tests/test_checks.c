/* test_checks.c — the per-check tests: for every entry of tests/checks/ (one JSON file per SDM section), a case built from
 * a known-good layout that violates exactly that rule (reported with its ID, and fixed by its
 * fix) and one that sits just inside the rule (no violation at all).
 *
 * Entry: { "check": ID, "layout": NAME, "fail": PATCH, "pass": PATCH,
 *          "also": [IDs allowed beside ID in fail], "expect": {outcome of fail, case format},
 *          "model": "sdm" }
 * With --coverage: lists the catalogue's checks that lack a fail or a pass test (exit 1 if any). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

#ifndef TESTS_DIR
#define TESTS_DIR "."
#endif

typedef struct entry { char name[160]; cJSON *j; } entry;

static bool listed(const cJSON *also, const char *id)
{
    for (const cJSON *a = also ? also->child : NULL; a; a = a->next)
        if (cJSON_IsString(a) && strcmp(a->valuestring, id) == 0) return true;
    return false;
}

static const vxa_violation *find(const vxa_report *r, vxa_check id)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++)
        if (r->violations[i].check == id) return &r->violations[i];
    return NULL;
}

static void audit(vxa_case *c, uint8_t model, vxa_report *r)
{
    vxa_memory m = vxa_case_memory(c);
    vxa_input in = { &c->profile, &c->vmcs, &c->entry, &m, model };
    assert_int_equal(vxa_audit(&in, r), 0);
}

static void describe(const vxa_report *r, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "[");
    unsigned cnt = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < cnt && k < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? " " : "", vxa_check_get((vxa_check)r->violations[i].check)->id);
    if (k < n) snprintf(buf + k, n - k, "]");
}

static void run_entry(void **state)
{
    const entry *e = *state;
    const cJSON *j = e->j;
    const char *id = cJSON_GetObjectItemCaseSensitive(j, "check")->valuestring;
    const cJSON *lay = cJSON_GetObjectItemCaseSensitive(j, "layout");
    const char *layout = cJSON_IsString(lay) ? lay->valuestring : "linux64";
    const cJSON *also = cJSON_GetObjectItemCaseSensitive(j, "also");
    const cJSON *mo = cJSON_GetObjectItemCaseSensitive(j, "model");
    uint8_t model = cJSON_IsString(mo) ? (uint8_t)vxa_model_by_name(mo->valuestring) : VXA_MODEL_SDM;
    vxa_check cid = vxa_check_by_id(id);
    char err[600], got[2000];
    static vxa_report r;
    if (cid == VXA_CHECK_COUNT) fail_msg("%s: unknown check ID %s", e->name, id);

    vxa_case c;
    const cJSON *fail = cJSON_GetObjectItemCaseSensitive(j, "fail");
    if (fail) {
        if (tc_build_case(layout, fail, &c, err, sizeof err)) fail_msg("%s fail: %s", e->name, err);
        audit(&c, model, &r);
        describe(&r, got, sizeof got);
        const vxa_violation *v = find(&r, cid);
        if (!v) fail_msg("%s: fail case does not report %s; got %s", e->name, id, got);
        for (unsigned i = 0; i < r.nviolations && i < VXA_MAX_VIOLATIONS; i++) {
            const char *other = vxa_check_get((vxa_check)r.violations[i].check)->id;
            if (r.violations[i].check != cid && !listed(also, other) &&
                vxa_check_get((vxa_check)r.violations[i].check)->cls != VXA_CLASS_ADVISORY)
                fail_msg("%s: fail case also violates %s (got %s; list it in \"also\" if intended)",
                         e->name, other, got);
        }
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(j, "expect");
        if (ex) {   /* compare via the case reader's expect parser */
            cJSON *wrap = cJSON_CreateObject();
            cJSON_AddStringToObject(wrap, "profile", c.profile_name);
            cJSON_AddItemToObject(wrap, "expect", cJSON_Duplicate(ex, 1));
            char *t = cJSON_PrintUnformatted(wrap);
            vxa_case w;
            vxa_error pe;
            cJSON_Delete(wrap);
            if (vxa_case_parse(t, strlen(t), e->name, &w, &pe)) {
                vxa_error_format(&pe, err, sizeof err);
                free(t);
                fail_msg("%s: bad expect: %s", e->name, err);
            }
            free(t);
            char a[200], b[200];
            vxa_outcome_to_text(&r.outcome, a, sizeof a);
            vxa_outcome_to_text(&w.expect.outcome, b, sizeof b);
            if (!vxa_outcome_equal(&r.outcome, &w.expect.outcome))
                fail_msg("%s: outcome %s, expected %s", e->name, a, b);
            vxa_case_free(&w);
        }
        /* The fix, applied, makes the rule pass. */
        if (v->nfix) {
            vxa_violation fix = *v;
            for (unsigned k = 0; k < fix.nfix; k++) vxa_set(&c.vmcs, (vxa_field)fix.fix_field[k], fix.fix_value[k]);
            audit(&c, model, &r);
            describe(&r, got, sizeof got);
            if (find(&r, cid)) fail_msg("%s: after applying the fix, %s still fails (%s)", e->name, id, got);
        }
        vxa_case_free(&c);
    }
    const cJSON *pass = cJSON_GetObjectItemCaseSensitive(j, "pass");
    if (pass) {
        const cJSON *pass_also = cJSON_GetObjectItemCaseSensitive(j, "pass_also");
        if (tc_build_case(layout, pass, &c, err, sizeof err)) fail_msg("%s pass: %s", e->name, err);
        audit(&c, model, &r);
        describe(&r, got, sizeof got);
        if (find(&r, cid)) fail_msg("%s: pass case reports %s (%s)", e->name, id, got);
        for (unsigned i = 0; i < r.nviolations && i < VXA_MAX_VIOLATIONS; i++) {
            const char *other = vxa_check_get((vxa_check)r.violations[i].check)->id;
            if (!listed(pass_also, other) && vxa_check_get((vxa_check)r.violations[i].check)->cls != VXA_CLASS_ADVISORY)
                fail_msg("%s: pass case violates %s (%s)", e->name, other, got);
        }
        vxa_case_free(&c);
    }
}

static entry *entries;
static size_t nentries;

static void load_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) { fprintf(stderr, "cannot open %s\n", dir); exit(2); }
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        buf[fread(buf, 1, (size_t)n, f)] = 0;
        fclose(f);
        cJSON *doc = cJSON_Parse(buf);
        free(buf);
        if (!doc) { fprintf(stderr, "%s: not valid JSON\n", path); exit(2); }
        const cJSON *tests = cJSON_GetObjectItemCaseSensitive(doc, "tests");
        unsigned k = 0;
        for (const cJSON *t = tests ? tests->child : NULL; t; t = t->next, k++) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "check");
            if (!cJSON_IsString(id)) { fprintf(stderr, "%s: tests[%u] has no check\n", path, k); exit(2); }
            entries = realloc(entries, (nentries + 1) * sizeof *entries);
            snprintf(entries[nentries].name, sizeof entries[nentries].name, "%s[%u] %s", de->d_name, k, id->valuestring);
            entries[nentries].j = cJSON_Duplicate(t, 1);
            nentries++;
        }
        cJSON_Delete(doc);
    }
    closedir(d);
}

static int coverage(void)
{
    int missing = 0;
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        bool f = false, p = false;
        for (size_t i = 0; i < nentries; i++) {
            const char *id = cJSON_GetObjectItemCaseSensitive(entries[i].j, "check")->valuestring;
            if (strcmp(id, vxa_check_get((vxa_check)c)->id)) continue;
            f |= cJSON_GetObjectItemCaseSensitive(entries[i].j, "fail") != NULL;
            p |= cJSON_GetObjectItemCaseSensitive(entries[i].j, "pass") != NULL;
        }
        if (!f || !p) {
            printf("%-48s %s %s\n", vxa_check_get((vxa_check)c)->id, f ? "" : "no-fail-test", p ? "" : "no-pass-test");
            missing++;
        }
    }
    printf("%u checks, %d without both tests\n", (unsigned)VXA_CHECK_COUNT, missing);
    return missing ? 1 : 0;
}

/* --export DIR: writes every fail/pass case as a case file (for oracle runs). */
static int export_cases(const char *out)
{
    unsigned n = 0;
    for (size_t i = 0; i < nentries; i++) {
        const cJSON *j = entries[i].j;
        const char *id = cJSON_GetObjectItemCaseSensitive(j, "check")->valuestring;
        const cJSON *lay = cJSON_GetObjectItemCaseSensitive(j, "layout");
        static const char *const kinds[] = { "fail", "pass" };
        for (int k = 0; k < 2; k++) {
            const cJSON *patch = cJSON_GetObjectItemCaseSensitive(j, kinds[k]);
            if (!patch) continue;
            vxa_case c;
            char err[600], path[1024], name[300];
            if (tc_build_case(cJSON_IsString(lay) ? lay->valuestring : "linux64", patch, &c, err, sizeof err)) {
                fprintf(stderr, "%s: %s\n", entries[i].name, err);
                return 2;
            }
            snprintf(name, sizeof name, "%s-%s-%zu", id, kinds[k], i);
            free(c.name);
            c.name = strdup(name);
            char *text = vxa_case_to_json(&c);
            snprintf(path, sizeof path, "%s/%s.json", out, name);
            FILE *f = fopen(path, "w");
            if (!f) { fprintf(stderr, "cannot write %s\n", path); return 2; }
            fprintf(f, "%s\n", text);
            fclose(f);
            free(text);
            vxa_case_free(&c);
            n++;
        }
    }
    printf("%u cases written to %s\n", n, out);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = TESTS_DIR "/checks", *export_dir = NULL;
    bool cov = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--coverage")) cov = true;
        else if (!strcmp(argv[i], "--export") && i + 1 < argc) export_dir = argv[++i];
        else dir = argv[i];
    }
    load_dir(dir);
    if (cov) return coverage();
    if (export_dir) return export_cases(export_dir);
    struct CMUnitTest *t = calloc(nentries + 1, sizeof *t);
    for (size_t i = 0; i < nentries; i++) {
        t[i].name = entries[i].name;
        t[i].test_func = run_entry;
        t[i].initial_state = &entries[i];
    }
    return _cmocka_run_group_tests("checks", t, nentries, NULL, NULL);
}
