/* main.c — `vxa-bench`: the benchmarks as a standalone program, the same command line as
 * `vmxaudit bench` (harness/cli/cmd_bench.c). */
#include "cli.h"

const cli_command *const cli_commands[] = { &cli_cmd_bench };
const unsigned cli_ncommands = 1;

int main(int argc, char **argv) { return cli_run(&cli_cmd_bench, argc, argv); }
