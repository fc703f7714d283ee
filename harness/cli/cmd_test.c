/* cmd_test.c — `vmxaudit test CASES...`: replays cases that carry expectations (`expect`, and
 * `expect_by_model` per model) against the engine; one line per case and model, then the closing
 * line "N passed, N failed" (docs/exit-codes.md for the status); --format json, --junit FILE. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#endif
#include "cli.h"

/* NULL if the prediction satisfies the expectation, else why not (in buf). */
static const char *judge(const vxa_report *r, const vxa_expect *x, char *buf, size_t n)
{
    char a[300], b[300];
    if (!vxa_outcome_equal(&r->outcome, &x->outcome)) {
        vxa_outcome_to_text(&r->outcome, a, sizeof a);
        vxa_outcome_to_text(&x->outcome, b, sizeof b);
        snprintf(buf, n, "predicted %s, expected %s", a, b);
        return buf;
    }
    if (x->nfields) {
        const vxa_violation *v = r->nviolations ? &r->violations[0] : NULL;
        for (unsigned i = 0; i < x->nfields; i++) {
            bool found = false;
            for (unsigned k = 0; v && k < v->nfields; k++) found |= v->field[k] == x->fields[i];
            if (!found) {
                snprintf(buf, n, "the first violation (%s) does not name %s",
                         v ? vxa_check_get((vxa_check)v->check)->id : "none",
                         vxa_field_get((vxa_field)x->fields[i])->name);
                return buf;
            }
        }
    }
    return NULL;
}

typedef struct test_opts { bool quiet, force; const char *format, *junit; cli_uint max_input; } test_opts;

static const cli_option test_options[] = {
    { "quiet", 'q', CLI_FLAG, .offset = offsetof(test_opts, quiet), .help = "only the failures and the closing line" },
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", .offset = offsetof(test_opts, format),
      .help = "text for people, json for tools (one document: every result and the totals)" },
    { "junit", 0, CLI_TEXT, "FILE", .complete = CLI_C_FILE, .offset = offsetof(test_opts, junit),
      .help = "also write the results as JUnit XML to FILE (one testcase per case and model)" },
    CLI_FORCE_OPTION(test_opts),
    CLI_MAX_INPUT_OPTION(test_opts),
    { 0 } };

/* A growing string (the JUnit document, written at once by cli_write_output). */
typedef struct sbuf { char *s; size_t n, cap; } sbuf;
static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* Text as XML attribute content. */
static void xml_attr(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': put(b, "&amp;"); break;
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '"': put(b, "&quot;"); break;
        case '\n': put(b, "&#10;"); break;
        default:
            if ((unsigned char)*s >= 0x20) put(b, "%c", *s);
        }
    }
}

/* JUnit XML (the format Jenkins, GitLab and GitHub test reporters read): one <testsuite>, a
 * <testcase> per case and model (classname: the model), <failure> with the reason. */
static int write_junit(const char *path, const cJSON *results, unsigned passed, unsigned failed,
                       double secs, bool force)
{
    sbuf b = { 0 };
    put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%u\" failures=\"%u\">\n"
        "  <testsuite name=\"vmxaudit test\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
        passed + failed, failed, passed + failed, failed, secs);
    for (const cJSON *r = results->child; r; r = r->next) {
        const cJSON *why = cJSON_GetObjectItem(r, "reason");
        put(&b, "    <testcase classname=\"");
        xml_attr(&b, cJSON_GetObjectItem(r, "model")->valuestring);
        put(&b, "\" name=\"");
        xml_attr(&b, cJSON_GetObjectItem(r, "case")->valuestring);
        put(&b, "\" file=\"");
        xml_attr(&b, cJSON_GetObjectItem(r, "file")->valuestring);
        if (!why) {
            put(&b, "\"/>\n");
            continue;
        }
        put(&b, "\">\n      <failure message=\"");
        xml_attr(&b, why->valuestring);
        put(&b, "\"/>\n    </testcase>\n");
    }
    put(&b, "  </testsuite>\n</testsuites>");
    int rc = cli_write_output("test", path, b.s, force);
    free(b.s);
    return rc;
}

/* Wall-clock seconds for the JUnit report (mingw-w64's CRT has no clock_gettime). */
static double wall_seconds(void)
{
#ifdef _WIN32
    return (double)GetTickCount64() / 1e3;
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
#endif
}

static int run(const void *opts, int argc, char **argv)
{
    const test_opts *o = opts;
    bool quiet = o->quiet, json = !strcmp(o->format, "json");
    cli_input_limit(o->max_input);
    double t0 = wall_seconds();
    char **files = NULL;
    size_t nfiles = 0;
    for (int i = 0; i < argc; i++) cli_case_files(argv[i], &files, &nfiles);
    if (!nfiles) return cli_usage("test", "no case files in %s", argv[0]);
    cJSON *results = cJSON_CreateArray();
    unsigned passed = 0, failed = 0, skipped = 0;
    static vxa_report r;
    int rc = EXIT_OK;
    for (size_t i = 0; i < nfiles && rc != EXIT_USAGE; i++) {
        vxa_case c;
        vxa_error e;
        if (vxa_case_load(files[i], &c, &e)) {
            rc = cli_input_error(&e);
            vxa_case_free(&c);
            break;
        }
        bool any = false;
        for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
            const vxa_expect *x = &c.expect_by_model[m];
            if (!x->present) continue;
            any = true;
            vxa_memory mem = vxa_case_memory(&c);
            vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, (uint8_t)m };
            vxa_audit(&in, &r);
            char why[700];
            const char *bad = judge(&r, x, why, sizeof why);
            const char *name = c.name ? c.name : files[i];
            cJSON *res = cJSON_CreateObject();
            cJSON_AddStringToObject(res, "case", name);
            cJSON_AddStringToObject(res, "file", files[i]);
            cJSON_AddStringToObject(res, "model", vxa_model_name((vxa_model)m));
            cJSON_AddStringToObject(res, "status", bad ? "fail" : "pass");
            cJSON_AddItemToObject(res, "expected", vxa_outcome_to_tree(&x->outcome));
            cJSON_AddItemToObject(res, "predicted", vxa_outcome_to_tree(&r.outcome));
            if (bad) cJSON_AddStringToObject(res, "reason", bad);
            cJSON_AddItemToArray(results, res);
            if (json) {
                if (bad) failed++;
                else passed++;
            } else if (bad) {
                failed++;
                printf("%sFAIL%s %s [%s]: %s\n", C_RED, C_RESET, c.name ? c.name : files[i],
                       vxa_model_name((vxa_model)m), bad);
            } else {
                passed++;
                if (!quiet)
                    printf("%sok%s   %s [%s]\n", C_GREEN, C_RESET, c.name ? c.name : files[i],
                           vxa_model_name((vxa_model)m));
            }
        }
        skipped += !any;
        vxa_case_free(&c);
    }
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    if (rc == EXIT_USAGE || (!passed && !failed)) {
        if (rc != EXIT_USAGE)   /* nothing to do is bad usage (exit status 2) */
            fprintf(stderr, "vmxaudit test: nothing to test: %u case%s without expectations (`expect`, "
                    "`expect_by_model`)\n", skipped, skipped == 1 ? "" : "s");
        cJSON_Delete(results);
        return EXIT_USAGE;
    }
    double secs = wall_seconds() - t0;
    if (o->junit && (rc = write_junit(o->junit, results, passed, failed, secs, o->force))) {
        cJSON_Delete(results);
        return rc;
    }
    if (json) {
        cJSON *doc = cli_json_doc(CLI_SCHEMA_TEST);
        cJSON_AddItemToObject(doc, "results", results);
        cJSON_AddNumberToObject(doc, "passed", passed);
        cJSON_AddNumberToObject(doc, "failed", failed);
        cJSON_AddNumberToObject(doc, "skipped", skipped);
        if ((rc = cli_json_write(stdout, doc))) return rc;
        return failed ? EXIT_NEGATIVE : EXIT_OK;
    }
    cJSON_Delete(results);
    if (skipped) printf("(%u cases without expectations skipped)\n", skipped);
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? EXIT_NEGATIVE : EXIT_OK;
}

const cli_command cli_cmd_test = { "test", "CASE|DIR...",
    "replay cases with expectations (e.g. corpus/regressions)",
    .description =
    "Replays every case (files, or folders of *.json, recursively) that has an `expect` or an\n"
    "`expect_by_model` against the engine, for every model it records: the predicted outcome\n"
    "must equal the expected one (result, exit reason, vector, and the error and qualification\n"
    "sets), and the first violation must name the expected `fields`.  Cases without any\n"
    "expectation are skipped.  Prints a line per case and model, then 'N passed, N failed';\n"
    "--format json prints one document instead (docs/schemas/test.schema.json), --junit FILE\n"
    "also writes JUnit XML for a CI's test report.\n",
    .exit_status = "0 all pass, 1 a case fails, 2 bad input or nothing to test (no case has an expectation).",
    .options = test_options, .size = sizeof(test_opts), .min_args = 1, .max_args = -1,
    .complete_args = CLI_C_FILE, .run = run };
