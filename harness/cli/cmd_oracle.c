/* cmd_oracle.c — `vmxaudit oracle probe|run`: real VM entries (docs/oracles.md).  `probe` prints the
 * oracle CPU's capability profile; `run` executes cases there and compares each observation with
 * the engine's prediction for the layout as executed. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

typedef struct opts {
    const char *backend, *cpu, *model, *record;
    double timeout;
    bool verbose;
    cli_uint max_input;
} opts;
#define O(f) .offset = offsetof(opts, f)
/* The options every oracle subcommand has. */
#define ORACLE_OPTIONS \
    { "backend", 0, CLI_TEXT, .values = "bochs|kvm", .required = true, O(backend), \
      .help = "bochs (Debian's Bochs 2.7) or kvm (/dev/kvm with nested VMX on an Intel host)" }, \
    { "cpu", 0, CLI_TEXT, "MODEL", O(cpu), .help = "the Bochs CPU model (default corei7_skylake_x)" }, \
    { "timeout", 0, CLI_TIME, "SECONDS", O(timeout), .help = "per case (default: the backend's)" },

static const cli_option probe_options[] = { ORACLE_OPTIONS { 0 } };
static const cli_option run_options[] = {
    ORACLE_OPTIONS
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, O(model),
      .help = "the engine's model to compare with (default bochs-2.7 for Bochs, sdm for KVM)" },
    { "verbose", 'v', CLI_FLAG, O(verbose), .help = "details for every case, not only the mismatches" },
    { "record", 0, CLI_TEXT, "DIR", .complete = CLI_C_DIR, O(record),
      .help = "write every mismatching case to DIR as a regression case" },
    CLI_MAX_INPUT_OPTION(opts),
    { 0 } };

const cli_command cli_cmd_oracle = { "oracle", .summary = "real VM entries (Bochs, KVM) compared with the engine",
    .description =
    "probe boots the oracle and prints its CPU's capability profile; run executes cases there\n"
    "and compares each observation with the engine's prediction (see 'vmxaudit oracle run --help').\n" };

static int probe_run(const void *o, int argc, char **argv);
static int run_run(const void *o, int argc, char **argv);

const cli_command cli_cmd_oracle_probe = { "oracle probe", NULL, "the oracle CPU's capability profile",
    .description =
    "Boots the oracle and prints its CPU's capability profile (JSON) as RDMSR/CPUID read it\n"
    "inside the oracle.\n",
    .exit_status = "0, 2 bad input, 3 backend not available here, 4 backend failed.",
    .options = probe_options, .size = sizeof(opts), .run = probe_run, .unavailable = VXA_UNLESS_ORACLES };

const cli_command cli_cmd_oracle_run = { "oracle run", "CASE|DIR...",
    "run cases on the oracle's CPU and compare with the engine",
    .description =
    "Executes the cases (files, or folders of *.json) on the oracle's CPU and prints, per case,\n"
    "the observed outcome next to the engine's prediction for the layout as executed (the\n"
    "payload's harness fields replace the case's host RIP/RSP/CR0/CR3/CR4, host selectors and\n"
    "bases, exception bitmap and guest RIP/CR3, unless a rule the case breaks names them).\n"
    "The payload also audits its live VMCS with the embedded engine right before each entry (the\n"
    "in-guest audit); a prediction that differs from the hosted one (outcome or violated checks)\n"
    "is shown as IN-GUEST DIFF.\n"
    "--record DIR: every case whose observation differs from the model's prediction is written\n"
    "to DIR (an existing folder) as NAME-HASH.json, NAME a slug of the case's name and HASH one\n"
    "of the name and the case file (a case name is never a path), as a regression case: the layout as executed, `expect` (the sdm model),\n"
    "`expect_by_model` (bochs-2.7, where it matches the observation), `observed` (backend, CPU,\n"
    "version, outcome, harness fields, the oracle's own words) and `origin`.\n",
    .exit_status = "0 all agree, 1 mismatches (observation or in-guest audit), 2 bad input\n"
                   "             (or a --record file refused), 3 backend not available here, 4 backend\n"
                   "             failed (or a --record write failed: the run still ends with its summary).",
    .options = run_options, .size = sizeof(opts), .min_args = 1, .max_args = -1,
    .complete_args = CLI_C_FILE, .run = run_run, .unavailable = VXA_UNLESS_ORACLES };

#ifndef VXA_HAVE_ORACLES
static int probe_run(const void *o, int argc, char **argv) { (void)o, (void)argc, (void)argv; return EXIT_UNAVAILABLE; }
static int run_run(const void *o, int argc, char **argv) { (void)o, (void)argc, (void)argv; return EXIT_UNAVAILABLE; }
#else
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bochs_messages.h"
#include "out_file.h"
#include "out_name.h"
#include "bridge.h"
#include "regression.h"
#include "prediction.h"
#include "profile_json.h"
#ifdef VXA_HAVE_BOCHS
#include "bochs.h"
#endif
#ifdef VXA_HAVE_KVM
#include "kvm_oracle.h"
#endif

static int probe_backend(const opts *o, struct vxa_oracle_probe *p, char *err, size_t n)
{
#ifdef VXA_HAVE_BOCHS
    if (!strcmp(o->backend, "bochs")) {
        struct vxa_bochs_options bo = { 0 };
        if (o->timeout > 0) bo.case_timeout_s = o->timeout;
        return vxa_bochs_probe(&bo, o->cpu, p, err, n);
    }
#endif
#ifdef VXA_HAVE_KVM
    if (!strcmp(o->backend, "kvm")) {
        struct vxa_kvm_options ko = { 0 };
        if (o->timeout > 0) ko.case_timeout_s = o->timeout;
        return vxa_kvm_probe(&ko, p, err, n);
    }
#endif
    snprintf(err, n, "backend '%s' is not built into this vmxaudit", o->backend);
    return VXA_ORACLE_NOT_AVAILABLE;
}

static int run_backend(const opts *o, const struct vxa_oracle_case *cases, size_t n,
                       struct vxa_oracle_result *out, char *err, size_t errlen)
{
#ifdef VXA_HAVE_BOCHS
    if (!strcmp(o->backend, "bochs")) {
        struct vxa_bochs_options bo = { 0 };
        if (o->timeout > 0) bo.case_timeout_s = o->timeout;
        return vxa_bochs_run(&bo, o->cpu, cases, n, out, NULL, err, errlen);
    }
#endif
#ifdef VXA_HAVE_KVM
    if (!strcmp(o->backend, "kvm")) {
        struct vxa_kvm_options ko = { 0 };
        if (o->timeout > 0) ko.case_timeout_s = o->timeout;
        return vxa_kvm_run(&ko, cases, n, out, NULL, err, errlen);
    }
#endif
    (void)cases; (void)n; (void)out;
    snprintf(err, errlen, "backend '%s' is not built into this vmxaudit", o->backend);
    return VXA_ORACLE_NOT_AVAILABLE;
}

static int status_of(int rc)
{
    return rc == VXA_ORACLE_NOT_AVAILABLE ? EXIT_UNAVAILABLE
         : rc == VXA_ORACLE_BAD_INPUT ? EXIT_USAGE : EXIT_BACKEND;
}

static char *oracle_name(const opts *o)
{
    char *s = malloc(128);
    if (!strcmp(o->backend, "bochs")) {
        snprintf(s, 128, "bochs-2.7-%s", o->cpu);
        for (char *c = s; *c; c++)
            if (*c == '_') *c = '-';
    } else {
        snprintf(s, 128, "kvm-host");
    }
    return s;
}

static int do_probe(const opts *o)
{
    struct vxa_oracle_probe p;
    char err[512];
    int rc = probe_backend(o, &p, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit oracle probe: %s\n", err);
        return status_of(rc);
    }
    char *name = oracle_name(o), source[256];
    snprintf(source, sizeof source, "RDMSR/CPUID inside %s %s by vmxaudit oracle probe",
             o->backend, p.backend_version);
    vxa_probe_write_profile(stdout, &p, name, o->cpu ? o->cpu : o->backend, source);
    free(name);
    return EXIT_OK;
}

/* ---- run ---- */

typedef struct item {
    char *path;
    vxa_case c;
    vxa_prepared prep;
} item;

static const char *case_name_of(const vxa_case *c, const char *path) { return c->name ? c->name : path; }

/* Writes the regression case into dir (out_file.h: atomic, never outside dir).  Returns a
 * VXA_WRITE_* status; a failure is reported for this case, and the run goes on. */
static int record(const opts *o, const char *dir, const char *pname, const struct vxa_oracle_probe *probe,
                  const vxa_case *orig, const char *path, const vxa_vmcs *executed,
                  const struct vxa_oracle_result *res, const vxa_outcome *obs, char *recorded,
                  size_t nrecorded)
{
    static vxa_report r;
    vxa_case c = *orig;                       /* shallow: strings and blobs stay the original's */
    c.vmcs = *executed;
    c.profile_json = NULL;
    c.profile_name = (char *)pname;
    vxa_memory mem = vxa_case_memory(orig);
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) c.expect_by_model[m].present = false;
    c.expect.present = false;
    vxa_profile prof;
    vxa_error e;
    if (vxa_profile_load(pname, &prof, NULL, &e)) {
        fprintf(stderr, "vmxaudit oracle run --record: the oracle's profile %s is not bundled\n", pname);
        return VXA_WRITE_REFUSED;
    }
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
        vxa_input in = { &prof, executed, &orig->entry, &mem, (uint8_t)m };
        vxa_audit(&in, &r);
        /* sdm: the SDM's answer; a named model: recorded where it predicts the observation. */
        if (m != VXA_MODEL_SDM && !vxa_observation_matches(&r.outcome, obs)) continue;
        vxa_expect *x = m == VXA_MODEL_SDM ? &c.expect : &c.expect_by_model[m];
        x->present = true;
        x->outcome = r.outcome;
        x->nfields = 0;
        if (m != VXA_MODEL_SDM) {   /* a model predicts one answer: the observed one */
            x->outcome.nerror = obs->nerror;
            memcpy(x->outcome.error, obs->error, sizeof obs->error);
            x->outcome.nqual = obs->nqual;
            memcpy(x->outcome.qual, obs->qual, sizeof obs->qual);
        }
    }
    cJSON *doc = vxa_case_to_tree(&c);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "observed");
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "origin");
    cJSON *ob = cJSON_AddObjectToObject(doc, "observed");
    cJSON *b = cJSON_AddObjectToObject(ob, o->backend);
    cJSON_AddStringToObject(b, "backend", o->backend);
    cJSON_AddStringToObject(b, "cpu", o->cpu ? o->cpu : "host");
    cJSON_AddStringToObject(b, "version", probe->backend_version);
    cJSON_AddItemToObject(b, "outcome", vxa_outcome_to_tree(obs));
    cJSON *rep = cJSON_AddObjectToObject(b, "harness_fields");
    for (size_t i = 0; i < res->nreplaced; i++) {
        vxa_field f = vxa_field_by_encoding(res->replaced[i].encoding);
        char v[24];
        snprintf(v, sizeof v, "0x%llx", (unsigned long long)res->replaced[i].value);
        if (f != VXA_F_NONE) cJSON_AddStringToObject(rep, vxa_field_get(f)->name, v);
    }
    if (res->log) cJSON_AddStringToObject(b, "log", res->log);
    cJSON *origin = cJSON_AddObjectToObject(doc, "origin");
    cJSON_AddStringToObject(origin, "campaign", "vmxaudit oracle run");
    const char *base = strrchr(path, '/');
    cJSON_AddStringToObject(origin, "parent", base ? base + 1 : path);   /* the case file it came from */
    char *out = cJSON_Print(doc);
    cJSON_Delete(doc);
    /* the case's name is never a path: a slug of it and a hash of it and its file (out_name.h) */
    char name[128], werr[600];
    vxa_out_name(orig->name, path, name, sizeof name);
    size_t len = out ? strlen(out) : 0;
    if (out) out[len] = '\n';            /* cJSON's NUL: the file ends in a newline */
    int rc = out ? vxa_write_in(dir, name, out, len + 1, 0, werr, sizeof werr) : VXA_WRITE_FAILED;
    if (!out) snprintf(werr, sizeof werr, "out of memory");
    if (rc) fprintf(stderr, "vmxaudit oracle run --record: %s: not recorded: %s\n", case_name_of(orig, path), werr);
    else snprintf(recorded, nrecorded, "%s/%s", dir, name);
    free(out);
    return rc;
}

static const char *case_name(const item *it)
{
    return it->c.name ? it->c.name : it->path;
}

static int do_run(const opts *o, char **paths, int npaths)
{
    cli_input_limit(o->max_input);
    char **files = NULL;
    size_t nfiles = 0;
    for (int i = 0; i < npaths; i++) cli_case_files(paths[i], &files, &nfiles);
    if (!nfiles) return cli_usage("oracle", "no case files");
    struct stat rst;
    if (o->record && (stat(o->record, &rst) || !S_ISDIR(rst.st_mode)))
        return cli_usage("oracle run", "--record %s: not a folder (create it first)", o->record);
    vxa_model model = vxa_model_by_name(o->model);

    item *items = calloc(nfiles, sizeof *items);
    for (size_t i = 0; i < nfiles; i++) {
        vxa_error e;
        items[i].path = files[i];
        if (vxa_case_load(files[i], &items[i].c, &e)) {
            int rc = cli_input_error(&e);
            for (size_t k = 0; k <= i; k++) vxa_case_free(&items[k].c);
            return rc;
        }
    }
    /* The oracle CPU's profile, from the oracle itself. */
    struct vxa_oracle_probe probe;
    vxa_profile prof;
    char err[512];
    int rc = probe_backend(o, &probe, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit oracle run: %s\n", err);
        return status_of(rc);
    }
    char *pname = oracle_name(o);
    vxa_probe_profile(&probe, &prof);
    struct vxa_oracle_case *cases = calloc(nfiles, sizeof *cases);
    for (size_t i = 0; i < nfiles; i++) {
        vxa_prepare(&items[i].c, &prof, (uint8_t)model, &items[i].prep);
        cases[i] = items[i].prep.oc;
    }
    struct vxa_oracle_result *res = calloc(nfiles, sizeof *res);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = run_backend(o, cases, nfiles, res, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != VXA_ORACLE_OK) {         /* it was probed a moment ago: failed, not unavailable */
        fprintf(stderr, "vmxaudit oracle run: %s\n", err);
        return rc == VXA_ORACLE_NOT_AVAILABLE ? EXIT_BACKEND : status_of(rc);
    }
    unsigned agree = 0, mismatch = 0, other = 0, lsame = 0, ldiff = 0, check_diff = 0, unrecorded = 0;
    int write_rc = 0;
    bool engine_ok = probe.engine_checks == VXA_CHECK_COUNT;   /* same catalogue in the payload */
    if (!engine_ok)
        fprintf(stderr, "vmxaudit oracle run: the payload's engine has %u checks, this one %u: "
                "in-guest audits not compared\n", probe.engine_checks, (unsigned)VXA_CHECK_COUNT);
    static vxa_report r;
    static vxa_vmcs executed;
    for (size_t i = 0; i < nfiles; i++) {
        item *it = &items[i];
        vxa_outcome obs;
        char ptxt[300], otxt[300];
        if (it->prep.unsupported || !vxa_observed_outcome(&res[i], &obs)) {
            other++;
            printf("%s-    %s%s: %s%s%s\n", C_DIM, case_name(it), C_RESET,
                   vxa_oracle_kind_name(res[i].kind),
                   res[i].detail ? " — " : "", res[i].detail ? res[i].detail : "");
            continue;
        }
        vxa_executed_layout(&it->prep, &res[i], &executed);
        vxa_memory mem = vxa_executed_memory(&it->prep);
        vxa_input in = { &prof, &executed, &it->c.entry, &mem, (uint8_t)model };
        vxa_audit(&in, &r);
        bool ok = vxa_observation_matches(&r.outcome, &obs);
        /* Where Bochs names the failed check, the engine must report one it stands for. */
        const char *named = NULL, *msg = NULL;
        if (ok && !strcmp(o->backend, "bochs") && res[i].log) {
            named = vxa_bochs_message_checks(res[i].log, &msg);
            if (named && !vxa_bochs_message_agrees(named, &r)) {
                ok = false;
                check_diff++;
            }
        }
        char lwhy[300];                       /* the in-guest audit against the hosted one */
        int live = res[i].live.present && engine_ok
                 ? vxa_prediction_same(&res[i].live, &r, lwhy, sizeof lwhy) : -1;
        lsame += live == 1;
        ldiff += live == 0;
        char recorded[4300] = "";
        int wrc = !ok && o->record
                ? record(o, o->record, pname, &probe, &it->c, it->path, &executed, &res[i], &obs,
                         recorded, sizeof recorded) : 0;
        if (wrc) unrecorded++;
        if (wrc > write_rc) write_rc = wrc;
        agree += ok;
        mismatch += !ok;
        vxa_outcome_to_text(&obs, otxt, sizeof otxt);
        vxa_outcome_to_text(&r.outcome, ptxt, sizeof ptxt);
        printf("%s%s%s %s\n", ok ? C_GREEN : C_RED, ok ? "ok  " : "DIFF", C_RESET, case_name(it));
        if (live == 0) printf("     %sIN-GUEST DIFF%s %s\n", C_RED, C_RESET, lwhy);
        if (live >= 0 && (live == 0 || o->verbose)) {
            char ltxt[1200];
            vxa_prediction_to_text(&res[i].live, ltxt, sizeof ltxt);
            printf("     in-guest audit: %s\n", ltxt);
        }
        if (!ok || o->verbose) {
            printf("     %s: %s\n     engine (%s): %s\n", o->backend, otxt, vxa_model_name(model), ptxt);
            if (named) printf("     %s names: %s\n", o->backend, named);
            unsigned nv = r.nviolations < VXA_MAX_VIOLATIONS ? r.nviolations : VXA_MAX_VIOLATIONS;
            for (unsigned k = 0; k < nv && k < 6; k++)
                printf("     engine: %s\n", vxa_check_get((vxa_check)r.violations[k].check)->id);
            if (res[i].log) {
                const char *line = res[i].log;
                while (line && *line) {
                    const char *nl = strchr(line, '\n');
                    int len = nl ? (int)(nl - line) : (int)strlen(line);
                    printf("     %s: %.*s\n", o->backend, len, line);
                    line = nl ? nl + 1 : NULL;
                }
            }
        }
        if (*recorded) printf("     recorded: %s\n", recorded);
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%zu cases on %s (%s): %u agree, %u differ (%u on the check the oracle names), %u not "
           "comparable; in-guest audit: %u equal to the hosted one, %u unequal; %.1f cases/s\n", nfiles,
           pname, vxa_model_name(model), agree, mismatch, check_diff, other, lsame, ldiff,
           secs > 0 ? (double)nfiles / secs : 0.0);
    if (unrecorded)
        fprintf(stderr, "vmxaudit oracle run --record: %u mismatching case%s not written to %s (see above)\n",
                unrecorded, unrecorded == 1 ? "" : "s", o->record);
    for (size_t i = 0; i < nfiles; i++) {
        vxa_oracle_result_free(&res[i]);
        vxa_prepared_free(&items[i].prep);
        vxa_case_free(&items[i].c);
        free(items[i].path);
    }
    free(items);
    free(files);
    free(cases);
    free(res);
    free(pname);
    if (write_rc) return write_rc == VXA_WRITE_REFUSED ? EXIT_USAGE : EXIT_BACKEND;
    return mismatch || ldiff ? EXIT_NEGATIVE : EXIT_OK;
}

/* The defaults that depend on the backend. */
static opts with_defaults(const opts *given)
{
    opts o = *given;
    bool bochs = !strcmp(o.backend, "bochs");
    if (!o.cpu && bochs) o.cpu = "corei7_skylake_x";
    if (!o.model) o.model = bochs ? "bochs-2.7" : "sdm";
    return o;
}

static int probe_run(const void *given, int argc, char **argv)
{
    (void)argc, (void)argv;
    opts o = with_defaults(given);
    return do_probe(&o);
}

static int run_run(const void *given, int argc, char **argv)
{
    opts o = with_defaults(given);
    return do_run(&o, argv, argc);
}
#endif
