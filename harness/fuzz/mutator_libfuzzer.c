/* mutator_libfuzzer.c — libFuzzer's custom mutator and crossover over the shared mutator
 * (mutator.c), with libFuzzer's own byte mutation as the fallback.  libFuzzer runs one mutation
 * at a time per process and passes no context: one mutator state for the process. */
#include <stdlib.h>
#include "mutator.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,
                                 size_t max_out, unsigned int seed);

static fuzz_mutator *state(void)
{
    static fuzz_mutator *st;
    if (!st && !(st = fuzz_mutator_new())) abort();
    return st;
}

static size_t bytes(void *ctx, uint8_t *data, size_t size, size_t max)
{
    (void)ctx;
    return LLVMFuzzerMutate(data, size, max);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    return fuzz_mutate(state(), data, size, max_size, seed, bytes, NULL);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,
                                 size_t max_out, unsigned int seed)
{
    return fuzz_crossover(state(), d1, s1, d2, s2, out, max_out, seed);
}
