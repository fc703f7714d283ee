/* cmd_bench.c — `vmxaudit bench` (and the standalone vxa-bench): the benchmarks of
 * harness/bench. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out_file.h"
#ifdef VXA_HAVE_BENCH
#include "bench.h"
#define DEF(x) .def = CLI_STR(x)
#else
#define DEF(x) .def = NULL
#endif

typedef struct bench_opts {
    bool quick;
    cli_uint reps;
    double seconds;
    const char *only, *json, *bochs_model;
} bench_opts;
#define O(f) .offset = offsetof(bench_opts, f)

static const cli_option bench_options[] = {
    { "quick", 0, CLI_FLAG, O(quick), .help = "one short repetition each (smoke test; the numbers mean nothing)" },
    { "reps", 0, CLI_UINT, "N", .min = 1, .max = 1000, DEF(VXA_BENCH_REPS), O(reps), .help = "timed repetitions" },
    { "seconds", 0, CLI_TIME, "S", .max = 60, DEF(VXA_BENCH_REP_SECONDS), O(seconds),
      .help = "CPU seconds of one repetition" },
    { "only", 0, CLI_TEXT, "SUBSTRING", O(only), .help = "only the benchmarks whose name contains SUBSTRING" },
    { "json", 0, CLI_TEXT, "FILE|-", .complete = CLI_C_FILE, O(json),
      .help = "one JSON object per benchmark (JSON lines; - = stdout, the table goes to stderr)" },
    { "bochs-model", 0, CLI_TEXT, "MODEL", O(bochs_model),
      .help = "also run the Bochs oracle benchmarks with this CPU model" },
    { 0 } };

static int run(const void *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
#ifndef VXA_HAVE_BENCH
    (void)opts;
    return EXIT_UNAVAILABLE;
#else
    const bench_opts *b = opts;
    vxa_bench_options o;
    vxa_bench_options_init(&o);
    o.quick = b->quick;
    o.reps = (unsigned)b->reps.v;
    o.rep_seconds = b->seconds;
    o.only = b->only;
    o.bochs_model = b->bochs_model;
    /* --json FILE: the JSON lines are kept in memory and written at the end through the one
     * atomic writer (a kill leaves the previous file or the new one, never half of one). */
    char *jbuf = NULL;
    size_t jlen = 0;
    FILE *jf = NULL;
    if (b->json && !strcmp(b->json, "-")) {
        o.jsonl = stdout;
        o.text = stderr;
    } else if (b->json && !(o.jsonl = jf = open_memstream(&jbuf, &jlen))) {
        fprintf(stderr, "vmxaudit bench: out of memory\n");
        return EXIT_USAGE;
    }
    int rc = vxa_bench_run(&o);
    if (jf) {
        char err[600];
        int w = VXA_WRITE_FAILED;
        if (fclose(jf) || !jbuf) snprintf(err, sizeof err, "%s: out of memory", b->json);
        else w = vxa_write_file(b->json, jbuf, jlen, 0, err, sizeof err);
        if (w) {
            fprintf(stderr, "vmxaudit bench: cannot write %s\n", err);
            rc = rc ? rc : w;   /* 2: the target refused, 4: the write failed */
        }
        free(jbuf);
    }
    return rc;
#endif
}

const cli_command cli_cmd_bench = { "bench", NULL,
    "the benchmarks (audits/s, parse+audit, reports, Bochs oracle)",
    .description =
    "Measures the engine (audits/s, repairs/s on valid and damaged layouts), JSON parse + audit\n"
    "(cases/s) and report formatting, with a warm-up and N repetitions of about S CPU seconds\n"
    "each; prints median [min..max] per CPU second of one core and peak RSS.  The same program\n"
    "is built as vxa-bench (harness/bench).\n",
    .exit_status = "0 done, 2 bad usage, --only matches nothing, or the bundled corpus cannot be found.",
    .options = bench_options, .size = sizeof(bench_opts), .unavailable = VXA_UNLESS_BENCH, .run = run };
