/* bench.h — the benchmarks of docs/performance.md, as a library the `vmxaudit bench` subcommand and the
 * standalone `vxa-bench` program both call.
 *
 * Each benchmark runs a calibrated batch of operations: one warm-up repetition, then `reps`
 * timed repetitions; it reports the median, minimum, maximum and interquartile range of the
 * per-repetition rate (operations per second), both per CPU second of the measuring thread
 * ("per core": what the design's targets mean, and robust to other processes on the machine)
 * and per wall-clock second, plus the peak RSS while it ran (getrusage after resetting the
 * high-water mark through /proc/self/clear_refs where the kernel allows it).
 * Results go out as JSON lines (one object per benchmark) and as a text table. */
#ifndef VXA_BENCH_H
#define VXA_BENCH_H

#include <stdbool.h>
#include <stdio.h>

#define VXA_BENCH_REPS 7
#define VXA_BENCH_REP_SECONDS 0.25

typedef struct vxa_bench_options {
    bool quick;              /* smoke mode: 1 repetition of ~5 ms each, no oracle boots */
    unsigned reps;           /* timed repetitions (default VXA_BENCH_REPS; quick: 1) */
    double rep_seconds;      /* target CPU time of one repetition (default VXA_BENCH_REP_SECONDS) */
    const char *only;        /* run only benchmarks whose name contains this; NULL = all */
    const char *bochs_model; /* Bochs CPU model for the oracle benchmarks; NULL = skip them */
    FILE *jsonl;             /* JSON lines, or NULL */
    FILE *text;              /* table for people, or NULL */
} vxa_bench_options;

void vxa_bench_options_init(vxa_bench_options *o);

/* Runs every selected benchmark.  Returns 0, or 2 when the bundled corpus (layouts, profiles,
 * cases) cannot be loaded or --only selects nothing (the message is on stderr).  The command
 * line of `vmxaudit bench` and `vxa-bench` is harness/cli/cmd_bench.c. */
int vxa_bench_run(const vxa_bench_options *o);

#endif
