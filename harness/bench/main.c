/* main.c — `vxa-bench`: the benchmarks of design §8 as a standalone program (the same as
 * `vmxaudit bench`). */
#include "bench.h"

int main(int argc, char **argv) { return vxa_bench_cli(argc, argv); }
