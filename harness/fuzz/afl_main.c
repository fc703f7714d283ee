/* afl_main.c — AFL++ persistent-mode driver for a fuzz target (instrumentation/
 * README.persistent_mode.md): the input arrives in shared memory, many inputs per process.
 * Built with afl-clang-fast; without AFL++ it reads one input from stdin. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
#ifdef __AFL_FUZZ_TESTCASE_LEN
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) LLVMFuzzerTestOneInput(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
#else
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, stdin);
    LLVMFuzzerTestOneInput(buf, n);
#endif
    return 0;
}
