/* cmd_minimize.c — `vmxaudit minimize CASE`: delta debugging of one mismatch (design §7). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

const char cli_help_minimize[] =
    "usage: vmxaudit minimize CASE --backend bochs|kvm [--cpu MODEL] [--model sdm|bochs-2.7]\n"
    "                         [--max-runs N] [--timeout SECONDS] [-o FILE]\n"
    "Runs CASE (JSON or binary) on the oracle; if the engine's prediction and the observation\n"
    "differ, shrinks the case toward the closest bundled layout (repaired for the oracle's CPU)\n"
    "by delta debugging (over the fields where it differs, then bit by bit inside the fields\n"
    "that remain), keeping the mismatch signature (the engine's outcome class, the oracle's\n"
    "outcome, error and exit reason).  Every step's candidates go to the oracle in one run.\n"
    "Prints the oracle runs used and the fields changed from the baseline, and writes the\n"
    "minimized case as a regression case (expect, expect_by_model, observed, origin) to FILE\n"
    "(default: standard output).\n"
    "exit status: 0 minimized, 1 CASE shows no mismatch, 2 bad input, 3 backend not available\n"
    "             here, 4 backend failed.\n";

#ifndef VXA_HAVE_ORACLES
int cmd_minimize(int argc, char **argv)
{
    if (cli_help_requested(argc, argv, cli_help_minimize)) return EXIT_OK;
    fprintf(stderr, "vmxaudit minimize: this vmxaudit was built without the oracle backends\n");
    return EXIT_UNAVAILABLE;
}
#else
#include "campaign.h"
#include "journal.h"

int cmd_minimize(int argc, char **argv)
{
    if (cli_help_requested(argc, argv, cli_help_minimize)) return EXIT_OK;
    const char *backend = NULL, *cpu = NULL, *model_name = NULL, *out = NULL, *path = NULL;
    unsigned max_runs = 64;
    double timeout = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "--backend") && has) backend = argv[++i];
        else if (!strcmp(a, "--cpu") && has) cpu = argv[++i];
        else if (!strcmp(a, "--model") && has) model_name = argv[++i];
        else if (!strcmp(a, "-o") && has) out = argv[++i];
        else if (!strcmp(a, "--max-runs") && has) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v <= 0) return cli_usage("minimize", "--max-runs needs a count > 0, not '%s'", argv[i]);
            max_runs = (unsigned)v;
        } else if (!strcmp(a, "--timeout") && has) {
            char *end;
            timeout = strtod(argv[++i], &end);
            if (*end || timeout <= 0) return cli_usage("minimize", "--timeout needs seconds, not '%s'", argv[i]);
        } else if (a[0] == '-' && a[1]) return cli_usage("minimize", "unknown option or missing value '%s'", a);
        else if (path) return cli_usage("minimize", "one CASE at a time ('%s', '%s')", path, a);
        else path = a;
    }
    if (!path) return cli_usage("minimize", "missing CASE");
    if (!backend) return cli_usage("minimize", "missing --backend bochs|kvm");
    if (strcmp(backend, "bochs") && strcmp(backend, "kvm")) return cli_usage("minimize", "unknown backend '%s' (bochs, kvm)", backend);
    if (!model_name) model_name = !strcmp(backend, "bochs") ? "bochs-2.7" : "sdm";
    vxa_model model = vxa_model_by_name(model_name);
    if (model == VXA_MODEL_COUNT) return cli_usage("minimize", "unknown model '%s' (sdm, bochs-2.7)", model_name);
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
    if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); return vxa_backend_exit_status(rc); }
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
    if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); return vxa_backend_exit_status(rc); }
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
    size_t len = strlen(text);
    text = realloc(text, len + 2);
    text[len++] = '\n';
    text[len] = 0;
    rc = EXIT_OK;
    if (out) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", out);
        char *slash = strrchr(dir, '/');
        const char *name = slash ? slash + 1 : out;
        if (slash) *slash = 0;
        if (vxa_write_atomic(slash ? dir : ".", name, text, len)) {
            fprintf(stderr, "vmxaudit minimize: cannot write %s\n", out);
            rc = EXIT_USAGE;
        }
    } else {
        fputs(text, stdout);
    }
    free(text);
    vxa_case_free(&c);
    vxa_baselines_free(&bl);
    return rc;
}
#endif
