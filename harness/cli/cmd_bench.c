/* cmd_bench.c — `vmxaudit bench`: the benchmarks of design §8 (harness/bench). */
#include "cli.h"

#ifdef VXA_HAVE_BENCH
#include "bench.h"
int cmd_bench(int argc, char **argv) { return vxa_bench_cli(argc, argv); }
#else
int cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "vmxaudit bench: this vmxaudit was built without the benchmarks\n");
    return EXIT_UNAVAILABLE;
}
#endif
