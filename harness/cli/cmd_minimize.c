/* cmd_minimize.c — `vmxaudit minimize CASE`: delta debugging of one mismatch (docs/harness.md). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#ifdef VXA_HAVE_ORACLES
#include "campaign.h"
#define DEF(x) .def = CLI_STR(x)
#else
#define DEF(x) .def = NULL
#endif

typedef struct minimize_opts {
    const char *backend, *cpu, *model, *output;
    cli_uint max_runs, max_input;
    double timeout;
    bool force;
} minimize_opts;
#define O(f) .offset = offsetof(minimize_opts, f)

static const cli_option minimize_options[] = {
    { "backend", 0, CLI_TEXT, .values = "bochs|kvm", .required = true, O(backend), .help = "the oracle" },
    { "cpu", 0, CLI_TEXT, "MODEL", O(cpu), .help = "the Bochs CPU model (default corei7_skylake_x)" },
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, O(model),
      .help = "the engine's model (default bochs-2.7 for Bochs, sdm for KVM)" },
    { "max-runs", 0, CLI_UINT, "N", .min = 1, .max = UINT64_MAX, DEF(VXA_CAMPAIGN_MAX_RUNS), O(max_runs),
      .help = "at most N oracle runs" },
    { "timeout", 0, CLI_TIME, "SECONDS", .def = "1", O(timeout), .help = "per case" },
    { "output", 'o', CLI_TEXT, "FILE", .complete = CLI_C_FILE, O(output),
      .help = "write the minimized case to FILE (default: standard output)" },
    CLI_FORCE_OPTION(minimize_opts),
    CLI_MAX_INPUT_OPTION(minimize_opts),
    { 0 } };

#ifndef VXA_HAVE_ORACLES
static int run(const void *opts, int argc, char **argv)
{
    (void)opts, (void)argc, (void)argv;
    return EXIT_UNAVAILABLE;
}
#else
#include "journal.h"

static int run(const void *opts, int argc, char **argv)
{
    const minimize_opts *o = opts;
    const char *backend = o->backend, *cpu = o->cpu, *model_name = o->model, *out = o->output, *path = argv[0];
    unsigned max_runs = (unsigned)o->max_runs.v;
    cli_input_limit(o->max_input);
    double timeout = o->timeout;
    (void)argc;
    if (!model_name) model_name = !strcmp(backend, "bochs") ? "bochs-2.7" : "sdm";
    vxa_model model = vxa_model_by_name(model_name);
    vxa_case c;
    vxa_error e;
    if (vxa_case_load(path, &c, &e)) {
        vxa_case_free(&c);
        return cli_input_error(&e);
    }
    static vxa_backend b;
    char err[1024];
    int rc = vxa_backend_open(&b, backend, cpu, timeout, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit minimize: %s\n", err);
        vxa_case_free(&c);
        return vxa_backend_exit_status(rc);
    }
    static vxa_baselines bl;
    if (!vxa_baselines_load(&b, (uint8_t)model, &bl, err, sizeof err)) {
        fprintf(stderr, "vmxaudit minimize: %s\n", err);
        vxa_case_free(&c);
        return EXIT_USAGE;
    }
    vxa_case_use_profile(&c, &b);
    vxa_prepared pp;
    struct vxa_oracle_result r;
    vxa_verdict ref;
    rc = vxa_run_one(&b, (uint8_t)model, &c, &ref, &pp, &r);
    if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); return vxa_backend_run_status(rc); }
    vxa_oracle_result_free(&r);
    vxa_prepared_free(&pp);
    char sig[512];
    vxa_verdict_signature(&ref, sig, sizeof sig);
    if (ref.status != VXA_V_MISMATCH) {
        printf("%s: no mismatch on %s (%s): %s\n", path, b.profile_name, model_name,
               ref.status == VXA_V_AGREE ? "engine and oracle agree"
               : ref.status == VXA_V_UNDETERMINED ? "explained by a rule the engine could not decide"
               : ref.skip_reason);
        vxa_case_free(&c);
        vxa_baselines_free(&bl);
        return EXIT_NEGATIVE;
    }
    cJSON *doc = NULL;
    vxa_min_result res;
    rc = vxa_minimize_mismatch(&b, (uint8_t)model, &bl, &c, &ref, max_runs, "vmxaudit minimize", path,
                               false, 0, 0, &doc, &res);
    if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); return vxa_backend_run_status(rc); }
    fprintf(stderr, "signature: %s\n", sig);
    if (!doc) {
        fprintf(stderr, "vmxaudit minimize: the mismatch did not reproduce on a second run\n");
        vxa_case_free(&c);
        return EXIT_BACKEND;
    }
    fprintf(stderr, "%u oracle runs (%u candidate cases, the first run included), %u field(s) changed from the baseline%s:",
            res.runs + 1, res.candidates + 1, res.nfields + res.entry_differs + res.memory_differs,
            res.complete ? "" : " (stopped by --max-runs)");
    for (unsigned i = 0; i < res.nfields; i++) fprintf(stderr, " %s", vxa_field_get((vxa_field)res.fields[i])->name);
    if (res.entry_differs) fprintf(stderr, " entry");
    if (res.memory_differs) fprintf(stderr, " memory");
    fprintf(stderr, " (%u bit(s))\n", res.nbits);
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    rc = text ? cli_write_output("minimize", out ? out : "-", text, o->force) : EXIT_BACKEND;
    free(text);
    vxa_case_free(&c);
    vxa_baselines_free(&bl);
    return rc;
}
#endif

const cli_command cli_cmd_minimize = { "minimize", "CASE",
    "shrink a mismatching case toward a known-good baseline",
    .description =
    "Runs CASE (JSON or binary) on the oracle; if the engine's prediction and the observation\n"
    "differ, shrinks the case toward the closest bundled layout (repaired for the oracle's CPU)\n"
    "by delta debugging (over the fields where it differs, then bit by bit inside the fields\n"
    "that remain), keeping the mismatch signature (the engine's outcome class, the oracle's\n"
    "outcome, error and exit reason).  Every step's candidates go to the oracle in one run.\n"
    "Prints the oracle runs used and the fields changed from the baseline, and writes the\n"
    "minimized case as a regression case (expect, expect_by_model, observed, origin).\n",
    .exit_status = "0 minimized, 1 CASE shows no mismatch, 2 bad input, 3 backend not available\n"
                   "             here, 4 backend failed.",
    .options = minimize_options, .size = sizeof(minimize_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_FILE, .unavailable = VXA_UNLESS_ORACLES, .run = run };
