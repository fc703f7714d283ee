/* cmd_diff.c — `vmxaudit diff`: the differential campaign (harness/diff/campaign.h). */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#ifdef VXA_HAVE_ORACLES
#include "campaign.h"
#define DEF(x) .def = CLI_STR(x)
#define DEFAULT_OF(x) " (default " CLI_STR(x) ")"   /* a default the option does not fill in */
#else
#define DEF(x) .def = NULL
#define DEFAULT_OF(x) ""
#endif

typedef struct diff_opts {
    const char *backend, *cpu, *model, *cases, *out, *bochs, *bochs_version, *record, *shard;
    cli_uint generate, seed, batch, minimize, max_runs, show, max_input, jobs;
    double budget, timeout;
    bool resume, report, partial;
} diff_opts;
#define O(f) .offset = offsetof(diff_opts, f)

static const cli_option diff_options[] = {
    { "backend", 0, CLI_TEXT, .values = "bochs|kvm", O(backend), .help = "the oracle" },
    { "cpu", 0, CLI_TEXT, "MODEL", O(cpu), .help = "the Bochs CPU model (default corei7_skylake_x)" },
    { "bochs", 0, CLI_TEXT, "PATH", .complete = CLI_C_FILE, O(bochs), .help = "the Bochs executable (default $VXA_BOCHS, else bochs)" },
    { "bochs-version", 0, CLI_TEXT, "VERSION", .suggest = "2.7 3.0", O(bochs_version),
      .help = "the Bochs version: 2.7 (Debian 12) or one oracle/bochs/build-bochs.sh built" },
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, O(model),
      .help = "the engine's model (default: bochs-VERSION for Bochs, sdm for KVM)" },
    { "cases", 0, CLI_TEXT, "DIR", .complete = CLI_C_DIR, O(cases), .help = "the cases: *.json and *.bin in DIR" },
    { "generate", 0, CLI_UINT, "N", .min = 1, .max = UINT64_MAX, O(generate), .help = "or N generated cases (with --seed)" },
    { "seed", 0, CLI_UINT, "S", .max = UINT64_MAX, O(seed), .help = "the generator's seed" },
    { "out", 0, CLI_TEXT, "DIR", .complete = CLI_C_DIR, O(out),
      .help = "the campaign's folder: journal, mismatches, report" },
    { "record", 0, CLI_TEXT, "DIR", .complete = CLI_C_DIR, O(record),
      .help = "also write every mismatching case as executed (not minimized) to DIR, as\n"
              "'oracle run --record' does (the same files for the same case folder)" },
    { "budget", 0, CLI_TIME, "TIME", O(budget), .help = "stop starting batches after TIME (600, 90s, 10m, 1h)" },
    { "resume", 0, CLI_FLAG, O(resume), .help = "continue the campaign in DIR where it stopped" },
    { "shard", 0, CLI_TEXT, "K/N", O(shard),
      .help = "run only the cases i with i % N == K (K counts from 0: 0..N-1)" },
    { "batch", 0, CLI_UINT, "N", .min = 1, .max = 100000, O(batch),
      .help = "cases per oracle run" DEFAULT_OF(VXA_CAMPAIGN_BATCH) },
    { "jobs", 'j', CLI_UINT, "N", .min = 1, .max = 64, O(jobs),
      .help = "oracle worker processes, one journal (default: the online CPUs)" },
    { "timeout", 0, CLI_TIME, "SECONDS", DEF(VXA_CAMPAIGN_TIMEOUT_S), O(timeout), .help = "per case" },
    { "minimize", 0, CLI_UINT, "N", .max = UINT_MAX, O(minimize),
      .help = "minimize the N lowest case indices of each signature (0: all)" DEFAULT_OF(VXA_CAMPAIGN_MINIMIZE) },
    { "max-runs", 0, CLI_UINT, "N", .min = 1, .max = UINT_MAX, O(max_runs),
      .help = "oracle runs per minimization" DEFAULT_OF(VXA_CAMPAIGN_MAX_RUNS) },
    { "show", 0, CLI_UINT, "I", .max = UINT64_MAX, O(show),
      .help = "print case I of the campaign (generated or from --cases) as JSON; run nothing" },
    { "report", 0, CLI_FLAG, O(report),
      .help = "report.md in DIR for the campaigns named (a grid across their CPU models)" },
    { "partial", 0, CLI_FLAG, O(partial),
      .help = "diff merge: merge the shards given even if some are missing or unfinished" },
    CLI_MAX_INPUT_OPTION(diff_opts),
    { 0 } };

#ifndef VXA_HAVE_ORACLES
static int run(const void *opts, int argc, char **argv)
{
    (void)opts, (void)argc, (void)argv;
    return EXIT_UNAVAILABLE;
}
#else
static int run(const void *opts, int argc, char **argv)
{
    const diff_opts *o = opts;
    cli_input_limit(o->max_input);
    vxa_campaign_config c = { 0 };
    c.backend = o->backend;
    c.cpu = o->cpu;
    c.bochs = o->bochs;
    c.bochs_version = o->bochs_version;
    c.model = o->model;
    c.cases_dir = o->cases;
    c.out = o->out;
    c.record = o->record;
    c.generate = o->generate.v;
    c.seed = o->seed.v;
    c.budget_s = o->budget;
    c.resume = o->resume;
    c.batch = o->batch.set ? (unsigned)o->batch.v : 0;
    c.jobs = (unsigned)o->jobs.v;
    if (!o->jobs.set) {   /* one worker per online CPU */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        c.jobs = cpus < 1 ? 1 : cpus > 64 ? 64 : (unsigned)cpus;
    }
    c.timeout_s = o->timeout;
    c.minimize_per_signature = (unsigned)o->minimize.v;
    c.minimize_set = o->minimize.set;
    c.min_max_runs = o->max_runs.set ? (unsigned)o->max_runs.v : 0;
    c.show = o->show.set ? (long long)o->show.v : -1;
    if (argc && !strcmp(argv[0], "merge"))
        return argc >= 3 ? vxa_campaign_merge(argv[1], argv + 2, argc - 2, o->partial)
                         : cli_usage("diff", "merge needs OUT DIR... (the output folder, then the shards' folders)");
    if (o->partial) return cli_usage("diff", "--partial is for 'diff merge OUT DIR...'");
    if (o->shard) {
        unsigned k, n;
        int end = 0;
        if (sscanf(o->shard, "%u/%u%n", &k, &n, &end) != 2 || o->shard[end] || !n || o->shard[0] == '-' ||
            strchr(o->shard, '-'))
            return cli_usage("diff", "--shard %s: expected K/N (K of N shards, K counting from 0)", o->shard);
        if (k >= n)
            return cli_usage("diff", "--shard %s: K counts from 0: the shards of %u are 0/%u..%u/%u", o->shard,
                             n, n, n - 1, n);
        c.shard_k = k;
        c.shard_n = n;
    }
    if (!c.out && c.show < 0) return cli_usage("diff", "missing --out DIR");
    if (o->report) return argc ? vxa_campaign_report(c.out, argv, argc) : cli_usage("diff", "--report needs CAMPAIGN-DIR...");
    if (argc) return cli_usage("diff", "unexpected argument '%s'", argv[0]);
    struct stat rst;
    if (c.record && (stat(c.record, &rst) || !S_ISDIR(rst.st_mode)))
        return cli_usage("diff", "--record %s: not a folder (create it first)", c.record);
    if (!c.resume && !c.backend) return cli_usage("diff", "missing --backend bochs|kvm");
    if (c.cases_dir && c.generate) return cli_usage("diff", "--cases and --generate exclude each other");
    if (!c.resume && !c.cases_dir && !c.generate) return cli_usage("diff", "missing --cases DIR or --generate N --seed S");
    if (c.generate && !o->seed.set && !c.resume) return cli_usage("diff", "--generate needs --seed S");
    c.progress = isatty(2);
    return vxa_campaign_run(&c);
}
#endif

const cli_command cli_cmd_diff = { "diff", "\n--report --out DIR CAMPAIGN-DIR...\nmerge OUT SHARD-DIR...",
    "differential campaign: engine vs oracle, journaled, minimized",
    .description =
    "Runs cases on the oracle's CPU and compares each observation (outcome, VM-instruction error,\n"
    "exit reason, qualification) with the engine's prediction for the layout as executed; the\n"
    "oracle's own words for the failed check (Bochs's log) are recorded with each mismatch.\n"
    "Cases come from a folder (--cases: *.json cases, *.bin fuzz inputs) or are generated from a\n"
    "seed (--generate N --seed S): the bundled layouts repaired for the oracle's CPU, then\n"
    "mutated (one bit, boundary values, control bits against the allowed settings,\n"
    "repair-then-flip, events, segments, MSR-load lists, the entry environment), all memory\n"
    "inside the case arena (on Bochs also all-ones memory beyond its RAM, at the top of the\n"
    "physical-address width: docs/oracles.md).\n"
    "The --minimize lowest case indices of each signature are minimized (delta debugging toward the\n"
    "closest baseline, at most --max-runs oracle runs) and written to DIR/mismatches/ as\n"
    "regression cases.  DIR/journal.jsonl records every batch (fsync'd); after a kill, --resume\n"
    "continues without redoing or losing a case (with the campaign's own --batch, --minimize,\n"
    "--max-runs and --shard: a different one is refused).  At the end (and on Ctrl-C) a table of mismatch\n"
    "signatures and DIR/report.md (signatures, checks x profiles coverage, throughput).  Nothing\n"
    "is written outside DIR, not even after a SIGKILL: the oracle's temporary files are in\n"
    "DIR/.vxa-bochs.*, and DIR is locked (DIR/.lock) while a campaign runs there.\n"
    "--shard K/N runs one of N parts of the campaign (the case indices i with i % N == K), on\n"
    "this machine or another; 'diff merge OUT DIR...' joins the shards' folders into OUT as one\n"
    "run of the whole campaign writes it: the same verdict for every case, signatures, coverage\n"
    "and regression cases (the minimized case of a signature is its lowest case index, whatever\n"
    "the shards or --jobs); times and oracle runs are summed.  It refuses (exit 2) a shard given\n"
    "twice, shards of different campaigns or splits, and missing or unfinished shards (unless\n"
    "--partial).\n",
    .exit_status = "0 no unexplained mismatch, 1 mismatches remain, 2 bad input (or DIR in use, or\n"
                   "             a file in DIR refused), 3 backend not available here, 4 backend failed\n"
                   "             (or an I/O error), 5 stopped by a signal, --budget or a full disk:\n"
                   "             --resume continues.",
    .options = diff_options, .size = sizeof(diff_opts), .max_args = -1, .complete_args = CLI_C_DIR,
    .unavailable = VXA_UNLESS_ORACLES, .run = run };
