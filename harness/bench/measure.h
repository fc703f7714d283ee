/* measure.h — timing, statistics and result output shared by the benchmarks (see bench.h). */
#ifndef VXA_BENCH_MEASURE_H
#define VXA_BENCH_MEASURE_H

#include "bench.h"

/* Performs n operations of the benchmark (ctx is the benchmark's own state). */
typedef void (*bench_fn)(void *ctx, unsigned long long n);

typedef struct bench_spec {
    const char *name;        /* "audit/valid/linux64" */
    const char *unit;        /* "audits/s" */
    double target;           /* docs/performance.md target in unit, or 0 */
    bench_fn fn;
    void *ctx;
    /* Oracle-style benchmarks: a fixed number of operations per repetition, timed by the wall
     * clock (the work happens in a child process); peak RSS of the largest child. */
    unsigned long long fixed_ops;
    bool children;
    const char *note;        /* extra JSON text (an object's members) or NULL */
} bench_spec;

typedef struct bench_stats { double median, min, max, q1, q3; } bench_stats;

/* Runs the benchmark (warm-up, repetitions), prints its line, returns the median rate per CPU
 * second (per wall second for fixed_ops benchmarks); 0 when skipped by --only. */
double bench_measure(const vxa_bench_options *o, const bench_spec *s);

/* Prints a "gap" line: a figure the design asks for that cannot be measured here, and why. */
void bench_gap(const vxa_bench_options *o, const char *name, const char *unit, const char *why);

/* Prints a derived figure (e.g. an engine/oracle ratio). */
void bench_value(const vxa_bench_options *o, const char *name, const char *unit, double value,
                 const char *note);

bool bench_selected(const vxa_bench_options *o, const char *name);
unsigned bench_selected_count(void);   /* how many times bench_selected() said yes */
double bench_cpu_now(void);      /* CPU seconds of this thread */
double bench_wall_now(void);     /* monotonic seconds */

/* Consumes a value so the compiler cannot drop the work that produced it. */
extern volatile unsigned long long bench_sink;

#endif
