/* mutator.h — the structure-aware mutator of binary cases (vmxaudit/binary.h), shared by
 * libFuzzer (mutator_libfuzzer.c) and AFL++ (mutator_afl.c).  Needs only the engine core. */
#ifndef VMXAUDIT_FUZZ_MUTATOR_H
#define VMXAUDIT_FUZZ_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* Plain byte mutation (the engine's own havoc): mutates data[0..size) in place, may grow it up to
 * max; returns the new size. */
typedef size_t (*fuzz_bytes_fn)(uint8_t *data, size_t size, size_t max);

/* Mutates the case in data (size bytes, capacity max) semantically; deterministic for a seed.
 * Falls back to bytes() for undecodable inputs and for a share of the calls. */
size_t fuzz_mutate(uint8_t *data, size_t size, size_t max, unsigned seed, fuzz_bytes_fn bytes);
/* Splices two cases field by field into out (capacity max); 0 if neither decodes. */
size_t fuzz_crossover(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,
                      size_t max, unsigned seed);

#endif
