/* cmd_diff.c — `vmxaudit diff`: the differential campaign (design §7, harness/diff). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

const char cli_help_diff[] =
    "usage: vmxaudit diff --backend bochs|kvm [--cpu MODEL] [--model sdm|bochs-2.7]\n"
    "                     (--cases DIR | --generate N --seed S) --out DIR [--budget TIME]\n"
    "                     [--resume] [--batch N] [--timeout SECONDS] [--minimize N]\n"
    "                     [--max-runs N]\n"
    "       vmxaudit diff --report --out DIR CAMPAIGN-DIR...\n"
    "Runs cases on the oracle's CPU and compares each observation (outcome, VM-instruction error,\n"
    "exit reason, qualification) with the engine's prediction for the layout as executed; the\n"
    "oracle's own words for the failed check (Bochs's log) are recorded with each mismatch.\n"
    "Cases come from a folder (*.json cases, *.bin fuzz inputs) or are generated from a seed:\n"
    "the bundled layouts repaired for the oracle's CPU, then mutated (one bit, boundary values,\n"
    "control bits against the allowed settings, repair-then-flip, events, segments, MSR-load\n"
    "lists, the entry environment), all memory inside the case arena.\n"
    "The first N mismatches of each signature (--minimize, default 2; 0 = all) are minimized\n"
    "(delta debugging toward the closest baseline, at most --max-runs oracle runs, default 64)\n"
    "and written to DIR/mismatches/ as regression cases.  DIR/journal.jsonl records every batch\n"
    "(fsync'd); after a kill, --resume continues without redoing or losing a case.  At the end\n"
    "(and on Ctrl-C) a table of mismatch signatures and DIR/report.md (signatures, checks x\n"
    "profiles coverage, throughput).  Nothing is written outside DIR.\n"
    "--budget TIME: stop starting batches after TIME (600, 90s, 10m, 1h).\n"
    "--batch N: cases per oracle run (default 200).  --timeout: per case (default 1 s).\n"
    "--show I: print case I of the campaign (generated or from --cases) as JSON; run nothing.\n"
    "--report: report.md in DIR for the campaigns named (a grid across their CPU models).\n"
    "exit status: 0 no unexplained mismatch, 1 mismatches remain, 2 bad input, 3 backend not\n"
    "             available here, 4 backend failed.\n";

#ifndef VXA_HAVE_ORACLES
int cmd_diff(int argc, char **argv)
{
    if (cli_help_requested(argc, argv, cli_help_diff)) return EXIT_OK;
    fprintf(stderr, "vmxaudit diff: this vmxaudit was built without the oracle backends\n");
    return EXIT_UNAVAILABLE;
}
#else
#include "campaign.h"

/* "600", "90s", "10m", "1h" -> seconds; -1 if malformed. */
static double parse_time(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    if (!*end || !strcmp(end, "s")) return v;
    if (!strcmp(end, "m")) return v * 60;
    if (!strcmp(end, "h")) return v * 3600;
    return -1;
}

static bool parse_count(const char *s, unsigned long long *out)
{
    char *end;
    if (!*s || *s == '-') return false;
    *out = strtoull(s, &end, 10);
    return !*end;
}

int cmd_diff(int argc, char **argv)
{
    if (cli_help_requested(argc, argv, cli_help_diff)) return EXIT_OK;
    vxa_campaign_config c = { 0 };
    c.minimize_per_signature = 2;
    c.show = -1;
    bool report = false, have_seed = false;
    char **rest = calloc((size_t)argc, sizeof *rest);
    int nrest = 0, rc = -1;
    for (int i = 1; i < argc && rc < 0; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n = 0;
        if (!strcmp(a, "--resume")) c.resume = true;
        else if (!strcmp(a, "--report")) report = true;
        else if (a[0] == '-' && a[1] && !v) rc = cli_usage("diff", "option '%s' needs a value", a);
        else if (!strcmp(a, "--backend")) c.backend = argv[++i];
        else if (!strcmp(a, "--cpu")) c.cpu = argv[++i];
        else if (!strcmp(a, "--model")) c.model = argv[++i];
        else if (!strcmp(a, "--cases")) c.cases_dir = argv[++i];
        else if (!strcmp(a, "--out")) c.out = argv[++i];
        else if (!strcmp(a, "--generate")) {
            if (!parse_count(argv[++i], &c.generate) || !c.generate) rc = cli_usage("diff", "--generate needs a count > 0, not '%s'", argv[i]);
        } else if (!strcmp(a, "--seed")) {
            if (!parse_count(argv[++i], &c.seed)) rc = cli_usage("diff", "--seed needs a number, not '%s'", argv[i]);
            have_seed = true;
        } else if (!strcmp(a, "--budget")) {
            if ((c.budget_s = parse_time(argv[++i])) <= 0) rc = cli_usage("diff", "--budget: '%s' is not a time (600, 90s, 10m, 1h)", argv[i]);
        } else if (!strcmp(a, "--timeout")) {
            if ((c.timeout_s = parse_time(argv[++i])) <= 0) rc = cli_usage("diff", "--timeout: '%s' is not a time", argv[i]);
        } else if (!strcmp(a, "--batch")) {
            if (!parse_count(argv[++i], &n) || !n || n > 100000) rc = cli_usage("diff", "--batch needs 1..100000, not '%s'", argv[i]);
            c.batch = (unsigned)n;
        } else if (!strcmp(a, "--minimize")) {
            if (!parse_count(argv[++i], &n)) rc = cli_usage("diff", "--minimize needs a count, not '%s'", argv[i]);
            c.minimize_per_signature = (unsigned)n;
        } else if (!strcmp(a, "--show")) {
            if (!parse_count(argv[++i], &n)) rc = cli_usage("diff", "--show needs a case index, not '%s'", argv[i]);
            c.show = (long long)n;
        } else if (!strcmp(a, "--max-runs")) {
            if (!parse_count(argv[++i], &n) || !n) rc = cli_usage("diff", "--max-runs needs a count > 0, not '%s'", argv[i]);
            c.min_max_runs = (unsigned)n;
        } else if (a[0] == '-' && a[1]) rc = cli_usage("diff", "unknown option '%s'", a);
        else rest[nrest++] = argv[i];
    }
    if (rc >= 0) { free(rest); return rc; }
    if (!c.out && c.show < 0) rc = cli_usage("diff", "missing --out DIR");
    else if (report) rc = nrest ? vxa_campaign_report(c.out, rest, nrest) : cli_usage("diff", "--report needs CAMPAIGN-DIR...");
    else if (nrest) rc = cli_usage("diff", "unexpected argument '%s'", rest[0]);
    else if (c.backend && strcmp(c.backend, "bochs") && strcmp(c.backend, "kvm"))
        rc = cli_usage("diff", "unknown backend '%s' (bochs, kvm)", c.backend);
    else if (!c.resume && !c.backend) rc = cli_usage("diff", "missing --backend bochs|kvm");
    else if (c.cases_dir && c.generate) rc = cli_usage("diff", "--cases and --generate exclude each other");
    else if (!c.resume && !c.cases_dir && !c.generate) rc = cli_usage("diff", "missing --cases DIR or --generate N --seed S");
    else if (c.generate && !have_seed && !c.resume) rc = cli_usage("diff", "--generate needs --seed S");
    else {
        c.progress = isatty(2);
        rc = vxa_campaign_run(&c);
    }
    free(rest);
    return rc;
}
#endif
