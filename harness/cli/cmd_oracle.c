/* cmd_oracle.c — `vmxaudit oracle probe|run`: real VM entries (docs/oracles.md).  `probe` prints the
 * oracle CPU's capability profile; `run` executes cases there and compares each observation with
 * the engine's prediction for the layout as executed. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

typedef struct opts {
    const char *backend, *cpu, *model, *record, *format, *bochs, *bochs_version;
    double timeout;
    bool verbose;
    cli_uint max_input;
} opts;
#define O(f) .offset = offsetof(opts, f)
/* The options every oracle subcommand has. */
#define ORACLE_OPTIONS \
    { "backend", 0, CLI_TEXT, .values = "bochs|kvm", .required = true, O(backend), \
      .help = "bochs (Bochs 2.7 or 3.0) or kvm (/dev/kvm with nested VMX on an Intel host)" }, \
    { "cpu", 0, CLI_TEXT, "MODEL", O(cpu), .help = "the Bochs CPU model (default corei7_skylake_x)" }, \
    { "timeout", 0, CLI_TIME, "SECONDS", O(timeout), .help = "per case (default: the backend's)" }, \
    { "bochs", 0, CLI_TEXT, "PATH", .complete = CLI_C_FILE, O(bochs), \
      .help = "the Bochs executable (default $VXA_BOCHS, else bochs)" }, \
    { "bochs-version", 0, CLI_TEXT, "VERSION", .suggest = "2.7 3.0", O(bochs_version), \
      .help = "the Bochs version: 2.7 (Debian 12) or one oracle/bochs/build-bochs.sh built" },

static const cli_option probe_options[] = { ORACLE_OPTIONS { 0 } };
static const cli_option run_options[] = {
    ORACLE_OPTIONS
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, O(model),
      .help = "the engine's model to compare with (default bochs-VERSION for Bochs, sdm for KVM)" },
    { "verbose", 'v', CLI_FLAG, O(verbose), .help = "details for every case, not only the mismatches" },
    { "record", 0, CLI_TEXT, "DIR", .complete = CLI_C_DIR, O(record),
      .help = "write every mismatching case to DIR as a regression case" },
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", O(format),
      .help = "text for people, json for tools (one document: every case and the totals)" },
    CLI_MAX_INPUT_OPTION(opts),
    { 0 } };

const cli_command cli_cmd_oracle = { "oracle", .summary = "real VM entries (Bochs, KVM) compared with the engine",
    .description =
    "probe boots the oracle and prints its CPU's capability profile; run executes cases there\n"
    "and compares each observation with the engine's prediction (see 'vmxaudit oracle run --help').\n" };

static int probe_run(const void *o, int argc, char **argv);
static int run_run(const void *o, int argc, char **argv);
static int image_run(const void *o, int argc, char **argv);
static int ingest_run(const void *o, int argc, char **argv);

typedef struct image_opts {
    const char *cases, *output, *profile, *finish, *cpus;
    cli_uint test_reset_at, test_reset_cpu;
    bool test_run_without_vmx;
} image_opts;
#undef O
#define O(f) .offset = offsetof(image_opts, f)
static const cli_option image_options[] = {
    { "cases", 0, CLI_TEXT, "DIR|FILE", .required = true, .complete = CLI_C_FILE, O(cases),
      .help = "the cases (a folder of *.json or a file); more may follow as arguments" },
    { "output", 'o', CLI_TEXT, "IMAGE", .required = true, .complete = CLI_C_FILE, O(output),
      .help = "the disk image to write (replaced atomically)" },
    { "profile", 0, CLI_TEXT, "PROFILE", .complete = CLI_C_PROFILE, O(profile),
      .help = "prepare the batch for this CPU profile (default: each case's own)" },
    { "finish", 0, CLI_TEXT, .values = "wait|poweroff", .def = "wait", O(finish),
      .help = "after the run: wait for a key (120 s) then power off, or power off at once" },
    { "cpus", 0, CLI_TEXT, .values = "boot|all", .def = "boot", O(cpus),
      .help = "run on the boot CPU, or on every enabled logical CPU in turn (UEFI MP Services)" },
    { "test-reset-at", 0, CLI_UINT, "ID", .max = 1000000, O(test_reset_at),
      .help = "testing: reset the machine once, with case ID in flight (the resume path)" },
    { "test-reset-cpu", 0, CLI_UINT, "N", .max = 1000000, O(test_reset_cpu),
      .help = "testing: ... on logical CPU N (MP Services' number; default the first to run it)" },
    { "test-run-without-vmx", 0, CLI_FLAG, O(test_run_without_vmx),
      .help = "testing: enter the payload for every case even without VMX (each is reported\n"
              "unsupported), so that the per-case path runs in QEMU" },
    { 0 } };

typedef struct ingest_opts { const char *record, *model; bool verbose; } ingest_opts;
#undef O
#define O(f) .offset = offsetof(ingest_opts, f)
static const cli_option ingest_options[] = {
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, .def = "sdm", O(model),
      .help = "the engine's model to compare with" },
    { "verbose", 'v', CLI_FLAG, O(verbose), .help = "details for every case, not only the mismatches" },
    { "record", 0, CLI_TEXT, "DIR", .complete = CLI_C_DIR, O(record),
      .help = "write every mismatching case to DIR as a regression case observed on silicon" },
    { 0 } };
#undef O
#define O(f) .offset = offsetof(opts, f)

const cli_command cli_cmd_oracle_image = { "oracle image", "[DIR|FILE...]",
    "a bootable UEFI image that runs cases on a real Intel CPU",
    .description =
    "Writes a disk image (GPT: an EFI system partition with the UEFI loader, the probe payload\n"
    "and the case batch; a FAT results partition with RESULTS.TXT preallocated) to write to a\n"
    "USB stick (README: 'A silicon oracle').  Booted, it probes the CPU (VMX MSRs, CPUID,\n"
    "microcode, IA32_FEATURE_CONTROL), runs each case on the boot CPU (--cpus all: on every\n"
    "enabled logical CPU in turn, each recorded apart) and records each outcome in RESULTS.TXT\n"
    "before the next case; after a reset it resumes.  'vmxaudit oracle ingest'\n"
    "reads RESULTS.TXT back.  Needs the Debian packages mtools and fdisk (sfdisk) at run time.\n",
    .exit_status = "0 written, 2 bad input or the image cannot be written, 3 the UEFI application\n"
                   "             is not built into this vmxaudit.",
    .options = image_options, .size = sizeof(image_opts), .max_args = -1,
    .complete_args = CLI_C_FILE, .run = image_run, .unavailable = VXA_UNLESS_ORACLES };

const cli_command cli_cmd_oracle_ingest = { "oracle ingest", "RESULTS",
    "read a UEFI image's results file and compare with the engine",
    .description =
    "Reads RESULTS.TXT from a run of 'vmxaudit oracle image' (copy it off the stick's results\n"
    "partition) and judges each observation as 'oracle run' does: the engine's prediction for\n"
    "the layout as executed, on the CPU's profile from the probe.  Prints the CPU, whether VMX\n"
    "was usable, the cases not run and why.  --record DIR writes the mismatches as regression\n"
    "cases marked observed on silicon (CPU, microcode, date).\n",
    .exit_status = "0 all agree, 1 mismatches, 2 bad input (a malformed, truncated or foreign\n"
                   "             file: its path, line and text on stderr).",
    .options = ingest_options, .size = sizeof(ingest_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_FILE, .run = ingest_run, .unavailable = VXA_UNLESS_ORACLES };




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
    "`expect_by_model` (bochs-2.7, bochs-3.0, where it matches the observation), `observed` (backend, CPU,\n"
    "version, outcome, harness fields, the oracle's own words) and `origin`.\n"
    "--format json prints one document (docs/schemas/oracle-run.schema.json) instead of the text.\n",
    .exit_status = "0 all agree, 1 mismatches (observation or in-guest audit), 2 bad input\n"
                   "             (or a --record file refused), 3 backend not available here, 4 backend\n"
                   "             failed (or a --record write failed: the run still ends with its summary).",
    .options = run_options, .size = sizeof(opts), .min_args = 1, .max_args = -1,
    .complete_args = CLI_C_FILE, .run = run_run, .unavailable = VXA_UNLESS_ORACLES };

#ifndef VXA_HAVE_ORACLES
static int image_run(const void *o, int argc, char **argv) { (void)o, (void)argc, (void)argv; return EXIT_UNAVAILABLE; }
static int ingest_run(const void *o, int argc, char **argv) { (void)o, (void)argc, (void)argv; return EXIT_UNAVAILABLE; }
int cli_import_uefi_results(const char *path, const char *name, const char *outp, long cpu)
{ (void)path, (void)name, (void)outp, (void)cpu; return EXIT_UNAVAILABLE; }
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
#include "compare.h"
#include "regression.h"
#include "prediction.h"
#include "profile_json.h"
#include "batch.h"
#include "image.h"
#include "payload_abi.h"
#include "results.h"
#include "backend.h"

/* Opens the oracle (the registry of backends, oracle_backend.h) and probes it. */
static int open_backend(const opts *o, vxa_backend *b, char *err, size_t n)
{
    memset(b, 0, sizeof *b);
    b->bochs_path = o->bochs;
    b->bochs_version = o->bochs_version;
    return vxa_backend_open(b, o->backend, o->cpu, o->timeout > 0 ? o->timeout : 0, err, n);
}

static int status_of(int rc)
{
    return rc == VXA_ORACLE_NOT_AVAILABLE ? EXIT_UNAVAILABLE
         : rc == VXA_ORACLE_BAD_INPUT ? EXIT_USAGE : EXIT_BACKEND;
}

static int do_probe(const opts *o)
{
    static vxa_backend b;
    char err[512];
    int rc = open_backend(o, &b, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit oracle probe: %s\n", err);
        return status_of(rc);
    }
    char source[256];
    snprintf(source, sizeof source, "RDMSR/CPUID inside %s %s by vmxaudit oracle probe",
             b.name, b.probe.backend_version);
    vxa_probe_write_profile(stdout, &b.probe, b.profile_name, b.cpu ? b.cpu : b.name, source);
    return EXIT_OK;
}

/* ---- run ---- */

typedef struct item {
    char *path;
    vxa_case c;
    vxa_prepared prep;
} item;

static const char *case_name(const item *it)
{
    return it->c.name ? it->c.name : it->path;
}

/* --record: the case as a regression case in dir (regression.h, the one writer; out_name.h: the
 * file is named by a slug of the case's name and a hash of it and its file, never a path).
 * Returns a VXA_WRITE_* status; a failure is reported for this case, and the run goes on. */
static int record(const char *dir, const vxa_observer *ob, const item *it, const struct vxa_oracle_result *res,
                  const vxa_verdict *v, char *recorded, size_t nrecorded)
{
    const char *base = strrchr(it->path, '/');
    vxa_origin og = { "vmxaudit --record", base ? base + 1 : it->path, false, 0, 0, NULL, NULL };
    cJSON *doc = vxa_regression_case(ob, &it->c, &it->prep, res, v, &og);
    char name[128], werr[600];
    vxa_out_name(it->c.name, it->path, name, sizeof name);
    int rc = doc ? vxa_regression_write(dir, name, doc, werr, sizeof werr) : VXA_WRITE_FAILED;
    if (!doc) snprintf(werr, sizeof werr, "out of memory");
    cJSON_Delete(doc);
    if (rc) fprintf(stderr, "vmxaudit oracle run --record: %s: not recorded: %s\n", case_name(it), werr);
    else snprintf(recorded, nrecorded, "%s/%s", dir, name);
    return rc;
}

/* Prints the observations through the one judge (compare.h: the same verdicts as `vmxaudit
 * diff`): a line per case and the summary; --record writes the mismatches.  Returns the exit
 * status. */
static int judge(const opts *o, const vxa_observer *ob, const struct vxa_oracle_probe *probe,
                 const vxa_judge_env *env, item *items, size_t n, struct vxa_oracle_result *res,
                 double secs)
{
    unsigned agree = 0, mismatch = 0, other = 0, undetermined = 0, lsame = 0, ldiff = 0, check_diff = 0,
             unrecorded = 0, lnone = 0;
    int write_rc = 0;
    if (!env->in_guest && probe->engine_checks)
        fprintf(stderr, "vmxaudit oracle run: the payload's engine has %u checks, this one %u: "
                "in-guest audits not compared\n", probe->engine_checks, (unsigned)VXA_CHECK_COUNT);
    static vxa_report r;
    bool json = o->format && !strcmp(o->format, "json");
    const char *pname = ob->profile_name;
    vxa_model model = (vxa_model)env->model;
    cJSON *jcases = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        item *it = &items[i];
        vxa_verdict v;
        char ptxt[300], otxt[300];
        cJSON *jc = cJSON_CreateObject();
        cJSON_AddItemToArray(jcases, jc);
        cJSON_AddStringToObject(jc, "case", case_name(it));
        cJSON_AddStringToObject(jc, "file", it->path);
        vxa_judge(env, &it->c, &it->prep, &res[i], &r, &v);
        if (v.status == VXA_V_SKIPPED) {
            other++;
            cJSON_AddStringToObject(jc, "status", "not_comparable");
            cJSON_AddStringToObject(jc, "kind", it->prep.unsupported ? "unsupported" : vxa_oracle_kind_name(res[i].kind));
            const char *detail = it->prep.unsupported ? it->prep.unsupported : res[i].detail;
            if (detail) cJSON_AddStringToObject(jc, "detail", detail);
            if (!json)
            printf("%s-    %s%s: %s%s%s\n", C_DIM, case_name(it), C_RESET,
                   it->prep.unsupported ? "unsupported" : vxa_oracle_kind_name(res[i].kind),
                   detail ? " — " : "", detail ? detail : "");
            continue;
        }
        bool ok = v.status == VXA_V_AGREE, und = v.status == VXA_V_UNDETERMINED;
        check_diff += v.named_differs;
        lsame += v.in_guest == 1;
        ldiff += v.in_guest == 0;
        lnone += v.in_guest < 0 && env->in_guest;   /* no report (a VMX abort), or memory beyond it */
        char recorded[4300] = "";
        int wrc = v.status == VXA_V_MISMATCH && o->record
                ? record(o->record, ob, it, &res[i], &v, recorded, sizeof recorded) : 0;
        if (wrc) unrecorded++;
        if (wrc > write_rc) write_rc = wrc;
        agree += ok;
        undetermined += und;
        mismatch += v.status == VXA_V_MISMATCH;
        cJSON_AddStringToObject(jc, "status", ok ? "agree" : und ? "undetermined" : "differ");
        if (und) cJSON_AddStringToObject(jc, "undetermined_check", vxa_check_get((vxa_check)v.checks[0])->id);
        cJSON_AddItemToObject(jc, "observed", vxa_outcome_to_tree(&v.observed));
        cJSON_AddItemToObject(jc, "predicted", vxa_outcome_to_tree(&r.outcome));
        cJSON *jv = cJSON_AddArrayToObject(jc, "violations");
        unsigned nviol = r.nviolations < VXA_MAX_VIOLATIONS ? r.nviolations : VXA_MAX_VIOLATIONS;
        for (unsigned k = 0; k < nviol; k++)
            cJSON_AddItemToArray(jv, cJSON_CreateString(vxa_check_get((vxa_check)r.violations[k].check)->id));
        if (v.oracle_names) cJSON_AddStringToObject(jc, "oracle_names", v.oracle_names);
        if (v.in_guest >= 0) cJSON_AddStringToObject(jc, "in_guest_audit", v.in_guest ? "same" : "differs");
        if (v.in_guest == 0) cJSON_AddStringToObject(jc, "in_guest_difference", v.in_guest_why);
        if (res[i].log) cJSON_AddStringToObject(jc, "log", res[i].log);
        if (*recorded) cJSON_AddStringToObject(jc, "recorded", recorded);
        if (json) continue;
        vxa_outcome_to_text(&v.observed, otxt, sizeof otxt);
        vxa_outcome_to_text(&r.outcome, ptxt, sizeof ptxt);
        printf("%s%s%s %s\n", ok ? C_GREEN : und ? C_DIM : C_RED, ok ? "ok  " : und ? "UND " : "DIFF", C_RESET,
               case_name(it));
        if (und) printf("     explained: the engine could not decide %s\n", vxa_check_get((vxa_check)v.checks[0])->id);
        if (v.in_guest == 0) printf("     %sIN-GUEST DIFF%s %s\n", C_RED, C_RESET, v.in_guest_why);
        if (v.in_guest >= 0 && (v.in_guest == 0 || o->verbose)) {
            char ltxt[1200];
            vxa_prediction_to_text(&res[i].live, ltxt, sizeof ltxt);
            printf("     in-guest audit: %s\n", ltxt);
        }
        if (!ok || o->verbose) {
            printf("     %s: %s\n     engine (%s): %s\n", o->backend, otxt, vxa_model_name(model), ptxt);
            if (v.oracle_names) printf("     %s names: %s\n", o->backend, v.oracle_names);
            for (unsigned k = 0; k < nviol && k < 6; k++)
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
    int jrc = EXIT_OK;
    if (json) {
        cJSON *doc = cli_json_doc(CLI_SCHEMA_ORACLE_RUN);
        cJSON_AddStringToObject(doc, "backend", o->backend);
        cJSON_AddStringToObject(doc, "version", probe->backend_version);
        if (o->cpu) cJSON_AddStringToObject(doc, "cpu", o->cpu);
        cJSON_AddStringToObject(doc, "profile", pname);
        cJSON_AddStringToObject(doc, "model", vxa_model_name(model));
        cJSON_AddItemToObject(doc, "cases", jcases);
        cJSON *t = cJSON_AddObjectToObject(doc, "totals");
        cJSON_AddNumberToObject(t, "cases", (double)n);
        cJSON_AddNumberToObject(t, "agree", agree);
        cJSON_AddNumberToObject(t, "differ", mismatch);
        cJSON_AddNumberToObject(t, "differ_on_named_check", check_diff);
        cJSON_AddNumberToObject(t, "undetermined", undetermined);
        cJSON_AddNumberToObject(t, "not_comparable", other);
        cJSON_AddNumberToObject(t, "in_guest_same", lsame);
        cJSON_AddNumberToObject(t, "in_guest_differs", ldiff);
        cJSON_AddNumberToObject(t, "in_guest_not_compared", lnone);
        cJSON_AddNumberToObject(t, "cases_per_second", secs > 0 ? (double)n / secs : 0.0);
        jrc = cli_json_write(stdout, doc);
    } else {
        cJSON_Delete(jcases);
        printf("%zu cases on %s (%s): %u agree, %u differ (%u on the check the oracle names), %u explained "
               "by an undetermined rule, %u not comparable; in-guest audit: %u equal to the hosted one, "
               "%u unequal, %u not compared; %.1f cases/s\n", n, pname, vxa_model_name(model), agree, mismatch,
               check_diff, undetermined, other, lsame, ldiff, lnone, secs > 0 ? (double)n / secs : 0.0);
    }
    if (unrecorded)
        fprintf(stderr, "vmxaudit oracle run --record: %u mismatching case%s not written to %s (see above)\n",
                unrecorded, unrecorded == 1 ? "" : "s", o->record);
    if (write_rc) return write_rc == VXA_WRITE_REFUSED ? EXIT_USAGE : EXIT_BACKEND;
    if (jrc) return jrc;
    return mismatch || ldiff ? EXIT_NEGATIVE : EXIT_OK;
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
    static vxa_backend b;
    char err[512];
    int rc = open_backend(o, &b, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit oracle run: %s\n", err);
        return status_of(rc);
    }
    vxa_model model = vxa_model_by_name(o->model ? o->model : b.oracle.id.model);
    struct vxa_oracle_case *cases = calloc(nfiles, sizeof *cases);
    for (size_t i = 0; i < nfiles; i++) {
        vxa_prepare_case(&items[i].c, &b.profile, (uint8_t)model, &items[i].prep);
        cases[i] = items[i].prep.oc;
    }
    struct vxa_oracle_result *res = calloc(nfiles, sizeof *res);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = vxa_backend_run(&b, cases, nfiles, res, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != VXA_ORACLE_OK) {         /* it was probed a moment ago: failed, not unavailable */
        fprintf(stderr, "vmxaudit oracle run: %s\n", err);
        return rc == VXA_ORACLE_NOT_AVAILABLE ? EXIT_BACKEND : status_of(rc);
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    vxa_observer ob = vxa_observer_of(&b);
    vxa_judge_env env = vxa_judge_env_of(&b.profile, (uint8_t)model, &b.oracle.id, &b.probe);
    int status = judge(o, &ob, &b.probe, &env, items, nfiles, res, secs);
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
    return status;
}

/* The defaults that depend on the backend. */
static opts with_defaults(const opts *given)
{
    opts o = *given;
    bool bochs = !strcmp(o.backend, "bochs");
    if (!o.cpu && bochs) o.cpu = "corei7_skylake_x";
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

#ifdef VXA_HAVE_ORACLES
/* ---- image: the silicon oracle (oracle/uefi) ---- */
#include <unistd.h>

static int image_run(const void *given, int argc, char **argv)
{
    const image_opts *o = given;
    const char *efi = getenv("VXA_UEFI_APP");
    if (!efi || !*efi) efi = VXA_UEFI_EFI;
    if (access(efi, R_OK)) {
        fprintf(stderr, "vmxaudit oracle image: the UEFI application %s is missing (built with "
                "Debian's gnu-efi; $VXA_UEFI_APP names another)\n", efi);
        return EXIT_UNAVAILABLE;
    }
    const char *ppath = getenv("VXA_UEFI_PAYLOAD");
    if (!ppath || !*ppath) ppath = VXA_PAYLOAD_UEFI_BIN;
    size_t plen = 0;
    char *payload = NULL;
    FILE *pf = fopen(ppath, "rb");
    if (pf && fseek(pf, 0, SEEK_END) == 0 && ftell(pf) > 0) {
        plen = (size_t)ftell(pf);
        payload = malloc(plen);
        rewind(pf);
        if (payload && fread(payload, 1, plen, pf) != plen) { free(payload); payload = NULL; }
    }
    if (pf) fclose(pf);
    if (!payload) {
        fprintf(stderr, "vmxaudit oracle image: the payload %s is missing ($VXA_UEFI_PAYLOAD names another)\n", ppath);
        return EXIT_UNAVAILABLE;
    }
    char **files = NULL;
    size_t nfiles = 0;
    cli_case_files(o->cases, &files, &nfiles);
    for (int i = 0; i < argc; i++) cli_case_files(argv[i], &files, &nfiles);
    if (!nfiles) return cli_usage("oracle image", "no case files");
    vxa_profile forced;
    vxa_error e;
    if (o->profile && vxa_profile_load(o->profile, &forced, NULL, &e)) return cli_input_error(&e);

    item *items = calloc(nfiles, sizeof *items);
    struct vxa_oracle_case *cases = calloc(nfiles, sizeof *cases);
    size_t *idx = calloc(nfiles, sizeof *idx);
    char **json = calloc(nfiles, sizeof *json);
    int rc = EXIT_OK;
    for (size_t i = 0; i < nfiles && rc == EXIT_OK; i++) {
        items[i].path = files[i];
        if (vxa_case_load(files[i], &items[i].c, &e)) {
            rc = cli_input_error(&e);
            break;
        }
        vxa_prepare_case(&items[i].c, o->profile ? &forced : &items[i].c.profile, VXA_MODEL_SDM, &items[i].prep);
        cases[i] = items[i].prep.oc;
        idx[i] = i;
        vxa_case sent = items[i].c;            /* shallow: the case as sent */
        sent.vmcs = items[i].prep.sent;
        if (!sent.name) {
            const char *b = strrchr(files[i], '/');
            sent.name = (char *)(b ? b + 1 : files[i]);
        }
        cJSON *t = vxa_case_to_tree(&sent);
        if (items[i].prep.unsupported) cJSON_AddStringToObject(t, "unsupported", items[i].prep.unsupported);
        json[i] = cJSON_PrintUnformatted(t);
        cJSON_Delete(t);
    }
    size_t blen = 0, encoded = 0;
    uint8_t *batch = NULL;
    if (rc == EXIT_OK) {
        batch = vxa_batch_encode(cases, idx, nfiles, VXA_BATCH_MAX, &blen, &encoded);
        if (!batch || encoded != nfiles) {
            fprintf(stderr, "vmxaudit oracle image: the batch holds %zu of %zu cases (at most %d bytes)\n",
                    encoded, nfiles, VXA_BATCH_MAX);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        char run_id[32], created[64], config[256];
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(run_id, sizeof run_id, "%08lx%08lx", (unsigned long)ts.tv_sec,
                 (unsigned long)((unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 12)));
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&ts.tv_sec));
        int n = snprintf(config, sizeof config, "run=%s\nfinish=%s\ncpus=%s\n", run_id, o->finish, o->cpus);
        if (o->test_reset_at.set)
            n += snprintf(config + n, sizeof config - (size_t)n, "test_reset_at=%llu\n",
                          (unsigned long long)o->test_reset_at.v);
        if (o->test_reset_cpu.set)
            n += snprintf(config + n, sizeof config - (size_t)n, "test_reset_cpu=%llu\n",
                          (unsigned long long)o->test_reset_cpu.v);
        if (o->test_run_without_vmx) snprintf(config + n, sizeof config - (size_t)n, "test_run_without_vmx=1\n");
        size_t hlen;
        char *head = vxa_results_header(run_id, created, vxa_version(), json, nfiles, &hlen);
        /* room for every case's report (an @R line with the in-guest audit is < 1 KiB) */
        struct vxa_uefi_image im = { efi, (const uint8_t *)payload, plen, batch, blen,
                                     config, head, hlen, hlen + 65536 + nfiles * 4096 };
        char err[1024];
        if (vxa_uefi_write_image(o->output, &im, err, sizeof err)) {
            fprintf(stderr, "vmxaudit oracle image: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            printf("%s: %zu cases, batch %zu bytes, run %s; write it to a USB stick (README: "
                   "'A silicon oracle'), boot it, bring back RESULTS.TXT\n", o->output, nfiles, blen, run_id);
        }
        free(head);
    }
    for (size_t i = 0; i < nfiles; i++) {
        free(json[i]);
        vxa_prepared_free(&items[i].prep);
        vxa_case_free(&items[i].c);
        free(items[i].path);
    }
    free(json); free(idx); free(cases); free(items); free(files); free(batch); free(payload);
    return rc;
}

/* ---- ingest ---- */

/* "GenuineIntel family 6 model 0x55 stepping 4" and the brand string, from the probe's CPUID. */
static void cpu_words(const struct vxa_oracle_probe *p, char *sig, size_t n, char *brand, size_t bn)
{
    struct vxa_oracle_cpuid c0, c1, b;
    snprintf(sig, n, "unknown CPU");
    snprintf(brand, bn, "unknown");
    if (vxa_oracle_probe_cpuid(p, 0, 0, &c0) && vxa_oracle_probe_cpuid(p, 1, 0, &c1)) {
        char vendor[13];
        memcpy(vendor, &c0.ebx, 4); memcpy(vendor + 4, &c0.edx, 4); memcpy(vendor + 8, &c0.ecx, 4);
        vendor[12] = 0;
        unsigned fam = c1.eax >> 8 & 15, model = c1.eax >> 4 & 15, step = c1.eax & 15;
        if (fam == 15) fam += c1.eax >> 20 & 0xff;           /* SDM Vol. 2A CPUID: display family */
        if (fam == 6 || fam >= 15) model += (c1.eax >> 16 & 15) << 4;
        snprintf(sig, n, "%s family 0x%x model 0x%x stepping 0x%x", vendor, fam, model, step);
    }
    char s[49] = "";
    for (unsigned l = 0; l < 3; l++) {
        if (!vxa_oracle_probe_cpuid(p, 0x80000002u + l, 0, &b)) return;
        memcpy(s + 16 * l, &b.eax, 4); memcpy(s + 16 * l + 4, &b.ebx, 4);
        memcpy(s + 16 * l + 8, &b.ecx, 4); memcpy(s + 16 * l + 12, &b.edx, 4);
    }
    s[48] = 0;
    const char *t = s;
    while (*t == ' ') t++;
    snprintf(brand, bn, "%s", t);
}

static const char *vmx_words(const char *why)
{
    if (!strncmp(why, "no-vmx-in-cpuid", 15)) return "VMX is absent (CPUID.1:ECX.VMX = 0)";
    if (!strncmp(why, "vmx-disabled-by-feature-control", 31))
        return "VMX is locked off by the firmware (IA32_FEATURE_CONTROL: locked, VMX outside SMX off)";
    return "VMX could not be enabled";
}

static int read_results(const char *path, struct vxa_results *r)
{
    char err[1024];
    if (vxa_results_read(path, r, err, sizeof err)) {
        fprintf(stderr, "vmxaudit: %s\n", err);
        return EXIT_USAGE;
    }
    if (!r->probe_present) {
        fprintf(stderr, "vmxaudit: %s: no probe in the file (the image has not run yet)\n", path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Judges what CPU c of the results file observed (prints the CPU, VMX and every case). */
static int ingest_cpu(const ingest_opts *io, const char *path, struct vxa_results *rs,
                      const struct vxa_results_cpu *c, char **names)
{
    char sig[128], brand[64], pname[128];
    cpu_words(&c->probe, sig, sizeof sig, brand, sizeof brand);
    bool other = c != &rs->cpu[rs->boot_cpu];
    if (other) printf("\n== CPU %u (APIC ID 0x%llx) ==\n", c->number, c->apic);
    char ctype[48];
    const char *core = vxa_results_core_type(&c->probe, ctype, sizeof ctype);
    printf("CPU: %s (%s%s%s), microcode %s; IA32_FEATURE_CONTROL 0x%llx\n", brand, sig, core ? ", " : "",
           core ? core : "", c->microcode[0] ? c->microcode : "unknown", (unsigned long long)c->probe.feature_control);
    if (!other)
        printf("run %s made %s by vmxaudit %s; %u boot%s, %u machine reset%s, %s\n", rs->run_id, rs->created,
               rs->version, rs->boots, rs->boots == 1 ? "" : "s", rs->machine_resets,
               rs->machine_resets == 1 ? "" : "s", rs->complete ? "complete" : "INCOMPLETE (boot it again to resume)");
    if (!other && rs->cpus_all) {
        printf("CPUs: %zu (the run asked for every logical CPU; MP Services: %s%s):", rs->ncpus, rs->mp,
               rs->skipped_cpus ? ", some skipped" : "");
        for (size_t k = 0; k < rs->ncpus; k++) {      /* the boot CPU first */
            const struct vxa_results_cpu *x = &rs->cpu[k ? k - (k <= rs->boot_cpu) : rs->boot_cpu];
            if (x->apic_known) printf("%s CPU %u (APIC ID 0x%llx%s)", k ? "," : "", x->number, x->apic, x->bsp ? ", boot" : "");
            else printf("%s the boot CPU", k ? "," : "");
        }
        printf("\n");
    }
    if (!c->probe_present) {
        printf("no probe recorded on this CPU (the run has not reached it)\n");
        return EXIT_OK;
    }
    if (!c->probe.vmx_on)
        printf("VMX: %s [%s]: no case ran on this CPU\n", vmx_words(c->probe.vmx_failure), c->probe.vmx_failure);
    if (other) snprintf(pname, sizeof pname, "silicon-%s-cpu%u", rs->run_id, c->number);
    else snprintf(pname, sizeof pname, "silicon-%s", rs->run_id);
    vxa_profile prof;
    vxa_probe_profile(&c->probe, &prof);
    char date[16];
    snprintf(date, sizeof date, "%.10s", rs->created);
    opts o = { .backend = "uefi", .cpu = brand, .model = io->model, .record = io->record,
               .verbose = io->verbose };
    vxa_model model = vxa_model_by_name(io->model);
    item *items = calloc(rs->ncases ? rs->ncases : 1, sizeof *items);
    size_t n = 0;
    int rc = EXIT_OK;
    for (size_t i = 0; i < rs->ncases; i++, n++) {
        vxa_error e;
        char where[96];
        if (other) snprintf(where, sizeof where, "%s (case %zx, CPU %u)", path, i, c->number);
        else snprintf(where, sizeof where, "%s (case %zx)", path, i);
        items[i].path = strdup(where);
        if (vxa_case_parse(rs->case_json[i], strlen(rs->case_json[i]), where, &items[i].c, &e)) {
            rc = cli_input_error(&e);
            n++;
            break;
        }
        if (names && !names[i]) names[i] = strdup(items[i].c.name ? items[i].c.name : where);
        vxa_prepare_sent(&items[i].c, &prof, (uint8_t)model, &items[i].prep);
        if (!c->has_result[i]) {
            free(c->res[i].detail);
            c->res[i].detail = strdup(!c->probe.vmx_on ? "not run: VMX unavailable on this CPU"
                                      : rs->complete ? "no result" : "not run yet");
        }
    }
    vxa_observer ob = { "uefi", brand, c->microcode, NULL, sig, c->microcode, date, &prof, pname, brand, false };
    vxa_judge_env env = vxa_judge_env_of(&prof, (uint8_t)model, NULL, &c->probe);
    if (!rc) rc = judge(&o, &ob, &c->probe, &env, items, rs->ncases, c->res, 0);
    for (size_t i = 0; i < n; i++) {
        vxa_prepared_free(&items[i].prep);
        vxa_case_free(&items[i].c);
        free(items[i].path);
    }
    free(items);
    return rc;
}

static int ingest_run(const void *given, int argc, char **argv)
{
    (void)argc;
    const ingest_opts *io = given;
    struct vxa_results rs;
    int rc = read_results(argv[0], &rs);
    if (rc) return rc;
    /* the boot CPU first, then every other CPU of a --cpus all run, then how they differ */
    char **names = calloc(rs.ncases + 1, sizeof *names);
    rc = ingest_cpu(io, argv[0], &rs, &rs.cpu[rs.boot_cpu], names);
    for (size_t k = 0; k < rs.ncpus && (rc == EXIT_OK || rc == EXIT_NEGATIVE); k++) {
        if (k == rs.boot_cpu) continue;
        int r = ingest_cpu(io, argv[0], &rs, &rs.cpu[k], names);
        if (r != EXIT_OK) rc = r;
    }
    if (rs.ncpus > 1 && (rc == EXIT_OK || rc == EXIT_NEGATIVE)) {
        printf("\n");
        if (vxa_results_cpu_differences(&rs, (const char *const *)names, stdout)) rc = EXIT_NEGATIVE;
    }
    for (size_t i = 0; names && i < rs.ncases; i++) free(names[i]);
    free(names);
    vxa_results_free(&rs);
    return rc;
}

/* `profile import --format uefi-results`: the probe of a results file as a profile: the boot
 * CPU's, or (cpu >= 0) that of the CPU with that processor number in a --cpus all run. */
int cli_import_uefi_results(const char *path, const char *name, const char *outp, long cpu)
{
    struct vxa_results rs;
    int rc = read_results(path, &rs);
    if (rc) return rc;
    const struct vxa_results_cpu *c = cpu >= 0 ? vxa_results_cpu_number(&rs, (unsigned)cpu) : &rs.cpu[rs.boot_cpu];
    if (!c || !c->probe_present) {
        fprintf(stderr, "vmxaudit profile import: %s: %s CPU %ld (its CPUs:", path, c ? "no probe of" : "no", cpu);
        for (size_t k = 0; k < rs.ncpus; k++) fprintf(stderr, " %u", rs.cpu[k].number);
        fprintf(stderr, ")\n");
        vxa_results_free(&rs);
        return EXIT_USAGE;
    }
    char sig[128], brand[64], nm[128], src[512], which[48] = "";
    cpu_words(&c->probe, sig, sizeof sig, brand, sizeof brand);
    if (c != &rs.cpu[rs.boot_cpu]) snprintf(which, sizeof which, "-cpu%u", c->number);
    snprintf(nm, sizeof nm, "%s", name ? name : "silicon");
    if (!name) snprintf(nm, sizeof nm, "silicon-%s%s", rs.run_id, which);
    if (c->apic_known)
        snprintf(which, sizeof which, ", CPU %u APIC ID 0x%llx", c->number, c->apic);
    snprintf(src, sizeof src, "RDMSR/CPUID on %s%s, microcode %s, by the vmxaudit UEFI image (run %s, %s)",
             sig, which, c->microcode[0] ? c->microcode : "unknown", rs.run_id, rs.created);
    /* the profile as text, then written atomically like every -o (harness/common/out_file.h) */
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    if (!f || vxa_probe_write_profile(f, &c->probe, nm, brand, src) || fclose(f)) {
        fprintf(stderr, "vmxaudit profile import: cannot write the profile: %s\n", strerror(errno));
        rc = EXIT_USAGE;
    } else {
        while (tlen && text[tlen - 1] == '\n') text[--tlen] = 0;   /* cli_write_output adds one */
        rc = cli_write_output("profile import", outp ? outp : "-", text, false);
    }
    free(text);
    vxa_results_free(&rs);
    return rc;
}
#endif
