/* mutator.h — the structure-aware mutator of binary cases (vmxaudit/binary.h) for libFuzzer
 * (mutator_libfuzzer.c) and AFL++ (mutator_afl.c), over the mutation library (harness/mutate).
 * Its state is a fuzz_mutator the caller owns: one per AFL++ instance (afl_custom_init), one for
 * libFuzzer's process.  Needs only the engine core. */
#ifndef VMXAUDIT_FUZZ_MUTATOR_H
#define VMXAUDIT_FUZZ_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* Plain byte mutation (the engine's own havoc): mutates data[0..size) in place, may grow it up to
 * max; returns the new size.  ctx: the caller's, passed through fuzz_mutate. */
typedef size_t (*fuzz_bytes_fn)(void *ctx, uint8_t *data, size_t size, size_t max);

typedef struct fuzz_mutator fuzz_mutator;
fuzz_mutator *fuzz_mutator_new(void);          /* NULL when out of memory */
void fuzz_mutator_free(fuzz_mutator *st);

/* Mutates the case in data (size bytes, capacity max) semantically; deterministic for a seed
 * (whatever the state's repair cache holds).  Falls back to bytes() for undecodable inputs and for
 * a share of the calls. */
size_t fuzz_mutate(fuzz_mutator *st, uint8_t *data, size_t size, size_t max, unsigned seed, fuzz_bytes_fn bytes,
                   void *bytes_ctx);
/* Splices two cases field by field into out (capacity max); 0 if the first does not decode. */
size_t fuzz_crossover(fuzz_mutator *st, const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
                      uint8_t *out, size_t max, unsigned seed);

/* Structure-aware trimming: the candidates drop one given field, one guest-memory block or one
 * VM-entry MSR-load entry at a time; a candidate the fuzzer keeps (same coverage: for the audit
 * target, the same check outcomes) becomes the input the next one starts from.
 * fuzz_trim_init: the number of steps (0: the input does not decode).  fuzz_trim_next: the next
 * candidate's encoding in the state's buffer (*out), its size; 0 when there is none left.
 * fuzz_trim_done: the fuzzer's verdict on the last candidate (kept or not); returns the steps
 * done so far (the steps of fuzz_trim_init when finished). */
int fuzz_trim_init(fuzz_mutator *st, const uint8_t *data, size_t size);
size_t fuzz_trim_next(fuzz_mutator *st, uint8_t **out);
int fuzz_trim_done(fuzz_mutator *st, int kept);

#endif
