/* bench_oracle.c — oracle throughput (design §8: Bochs >= 200 cases/s per process in batches),
 * the engine/oracle ratio and the minimizer's oracle runs per mismatch. */
#include "benchmarks.h"
#include "measure.h"

void bench_oracle(const vxa_bench_options *o, bench_inputs *in, double engine_audits_per_s)
{
    (void)in;
    (void)engine_audits_per_s;
    bench_gap(o, "oracle/bochs", "cases/s", "the Bochs oracle (branch oracle-bochs) is not in this build");
    bench_gap(o, "oracle/kvm", "cases/s",
              "KVM nested VMX is not available on the development machine (AMD host, no VMX offered)");
    bench_gap(o, "minimizer/oracle-runs-per-mismatch", "runs",
              "the minimizer (harness/diff) does not exist yet");
}
