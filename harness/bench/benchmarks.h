/* benchmarks.h — the benchmark groups (one file each), run in this order by bench.c. */
#ifndef VXA_BENCH_BENCHMARKS_H
#define VXA_BENCH_BENCHMARKS_H

#include "bench.h"
#include "inputs.h"

/* Engine: audits/s and repairs/s; returns the audits/s of the valid linux64 layout. */
double bench_engine(const vxa_bench_options *o, bench_inputs *in);
/* Codec: JSON case parse + audit (cases/s), report to text and to JSON (reports/s). */
void bench_codec(const vxa_bench_options *o, bench_inputs *in);
/* Binary cases: decode + audit, the fuzz target's work without libFuzzer (cases/s). */
void bench_binary(const vxa_bench_options *o, bench_inputs *in);
/* Oracles: Bochs cases/s by batch size, boot cost, engine/oracle ratio; KVM; the minimizer. */
void bench_oracle(const vxa_bench_options *o, bench_inputs *in, double engine_audits_per_s);

#endif
