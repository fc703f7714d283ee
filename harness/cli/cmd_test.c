/* cmd_test.c — `vmxaudit test CASES...`: replays cases that carry expectations (`expect`, and
 * `expect_by_model` per model) against the engine; one line per case and model, then the closing
 * line "N passed, N failed" (docs/exit-codes.md for the status). */
#include <dirent.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
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

typedef struct test_opts { bool quiet; cli_uint max_input; } test_opts;

static const cli_option test_options[] = {
    { "quiet", 'q', CLI_FLAG, .offset = offsetof(test_opts, quiet), .help = "only the failures and the closing line" },
    CLI_MAX_INPUT_OPTION(test_opts),
    { 0 } };

static int run(const void *opts, int argc, char **argv)
{
    bool quiet = ((const test_opts *)opts)->quiet;
    cli_input_limit(((const test_opts *)opts)->max_input);
    char **files = NULL;
    size_t nfiles = 0;
    for (int i = 0; i < argc; i++) cli_case_files(argv[i], &files, &nfiles);
    if (!nfiles) return cli_usage("test", "no case files in %s", argv[0]);
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
            if (bad) {
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
    if (rc == EXIT_USAGE) return rc;
    if (!passed && !failed) {   /* nothing to do is bad usage (exit status 2) */
        fprintf(stderr, "vmxaudit test: nothing to test: %u case%s without expectations (`expect`, "
                "`expect_by_model`)\n", skipped, skipped == 1 ? "" : "s");
        return EXIT_USAGE;
    }
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
    "expectation are skipped.  Prints a line per case and model, then 'N passed, N failed'.\n",
    .exit_status = "0 all pass, 1 a case fails, 2 bad input or nothing to test (no case has an expectation).",
    .options = test_options, .size = sizeof(test_opts), .min_args = 1, .max_args = -1,
    .complete_args = CLI_C_FILE, .run = run };
