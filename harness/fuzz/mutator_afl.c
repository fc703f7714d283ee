/* mutator_afl.c — AFL++'s custom mutator API (docs/custom_mutators.md) over the shared mutator
 * (mutator.c).  Built as a shared object (fuzz_mutator_afl.so) and loaded with
 * AFL_CUSTOM_MUTATOR_LIBRARY; AFL++'s own havoc still runs unless AFL_CUSTOM_MUTATOR_ONLY=1.
 * Everything an instance holds is in the vxa_afl afl_custom_init returns (AFL++ may run several
 * instances in one process).  The byte fallback is a small havoc of its own (bit flips,
 * interesting values, random bytes); trimming is structure-aware (fuzz_trim_*: one field, one
 * MSR-load entry or one memory block dropped at a time). */
#include <stdlib.h>
#include <string.h>
#include "mutator.h"

typedef struct afl_state afl_state_t;   /* AFL++'s, opaque here */

typedef struct vxa_afl {
    fuzz_mutator *mut;
    uint8_t *buf;
    size_t cap;
    unsigned seed, havoc_seed;
} vxa_afl;

static size_t havoc(void *ctx, uint8_t *data, size_t size, size_t max)
{
    static const uint8_t interesting[] = { 0, 1, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x40 };
    vxa_afl *a = ctx;
    if (!size) return 0;
    unsigned n = 1 + a->havoc_seed % 4;
    for (unsigned i = 0; i < n; i++) {
        unsigned s = a->havoc_seed = a->havoc_seed * 1103515245u + 12345u;
        size_t at = (s >> 8) % size;
        switch (s % 3) {
        case 0: data[at] ^= (uint8_t)(1u << ((s >> 4) % 8)); break;
        case 1: data[at] = interesting[(s >> 5) % sizeof interesting]; break;
        default: data[at] = (uint8_t)(s >> 16);
        }
    }
    (void)max;
    return size;
}

void *afl_custom_init(afl_state_t *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf, uint8_t *add_buf,
                       size_t add_buf_size, size_t max_size);
int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size);
size_t afl_custom_trim(void *data, uint8_t **out_buf);
int32_t afl_custom_post_trim(void *data, unsigned char success);
void afl_custom_deinit(void *data);

void *afl_custom_init(afl_state_t *afl, unsigned int seed)
{
    (void)afl;
    vxa_afl *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    if (!(m->mut = fuzz_mutator_new())) {
        free(m);
        return NULL;
    }
    m->seed = seed;
    return m;
}

size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf, uint8_t *add_buf,
                       size_t add_buf_size, size_t max_size)
{
    vxa_afl *m = data;
    if (m->cap < max_size) {
        uint8_t *nb = realloc(m->buf, max_size);
        if (!nb) { *out_buf = buf; return buf_size; }
        m->buf = nb;
        m->cap = max_size;
    }
    unsigned seed = m->seed = m->seed * 0x2545f491u + 0x9e3779b9u;
    m->havoc_seed = seed;
    size_t n = 0;
    /* one in eight: splice with the second input AFL++ offers */
    if (add_buf && add_buf_size && seed % 8 == 0)
        n = fuzz_crossover(m->mut, buf, buf_size, add_buf, add_buf_size, m->buf, max_size, seed);
    if (!n) {
        n = buf_size < max_size ? buf_size : max_size;
        memcpy(m->buf, buf, n);
        n = fuzz_mutate(m->mut, m->buf, n, max_size, seed, havoc, m);
    }
    *out_buf = m->buf;
    return n;
}

int32_t afl_custom_init_trim(void *data, uint8_t *buf, size_t buf_size)
{
    vxa_afl *m = data;
    return fuzz_trim_init(m->mut, buf, buf_size);
}

size_t afl_custom_trim(void *data, uint8_t **out_buf)
{
    vxa_afl *m = data;
    return fuzz_trim_next(m->mut, out_buf);
}

int32_t afl_custom_post_trim(void *data, unsigned char success)
{
    vxa_afl *m = data;
    return fuzz_trim_done(m->mut, success);
}

void afl_custom_deinit(void *data)
{
    vxa_afl *m = data;
    fuzz_mutator_free(m->mut);
    free(m->buf);
    free(m);
}
