/* mutator_afl.c — AFL++'s custom mutator API (docs/custom_mutators.md) over the shared mutator
 * core (mutator.c).  Built as a shared object (fuzz_mutator_afl.so) and loaded with
 * AFL_CUSTOM_MUTATOR_LIBRARY; AFL++'s own havoc still runs unless AFL_CUSTOM_MUTATOR_ONLY=1.
 * The byte fallback is a small havoc of its own (bit flips, interesting values, random bytes). */
#include <stdlib.h>
#include <string.h>
#include "mutator.h"

typedef struct afl_state afl_state_t;   /* AFL++'s, opaque here */

typedef struct vxa_afl {
    uint8_t *buf;
    size_t cap;
    unsigned seed;
} vxa_afl;

static unsigned havoc_seed;
static size_t havoc(uint8_t *data, size_t size, size_t max)
{
    static const uint8_t interesting[] = { 0, 1, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x40 };
    if (!size) return 0;
    unsigned n = 1 + havoc_seed % 4;
    for (unsigned i = 0; i < n; i++) {
        havoc_seed = havoc_seed * 1103515245u + 12345u;
        size_t at = (havoc_seed >> 8) % size;
        switch (havoc_seed % 3) {
        case 0: data[at] ^= (uint8_t)(1u << ((havoc_seed >> 4) % 8)); break;
        case 1: data[at] = interesting[(havoc_seed >> 5) % sizeof interesting]; break;
        default: data[at] = (uint8_t)(havoc_seed >> 16);
        }
    }
    (void)max;
    return size;
}

void *afl_custom_init(afl_state_t *afl, unsigned int seed);
size_t afl_custom_fuzz(void *data, uint8_t *buf, size_t buf_size, uint8_t **out_buf, uint8_t *add_buf,
                       size_t add_buf_size, size_t max_size);
void afl_custom_deinit(void *data);

void *afl_custom_init(afl_state_t *afl, unsigned int seed)
{
    (void)afl;
    vxa_afl *m = calloc(1, sizeof *m);
    if (!m) return NULL;
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
    havoc_seed = seed;
    size_t n = 0;
    /* one in eight: splice with the second input AFL++ offers */
    if (add_buf && add_buf_size && seed % 8 == 0)
        n = fuzz_crossover(buf, buf_size, add_buf, add_buf_size, m->buf, max_size, seed);
    if (!n) {
        n = buf_size < max_size ? buf_size : max_size;
        memcpy(m->buf, buf, n);
        n = fuzz_mutate(m->buf, n, max_size, seed, havoc);
    }
    *out_buf = m->buf;
    return n;
}

void afl_custom_deinit(void *data)
{
    vxa_afl *m = data;
    free(m->buf);
    free(m);
}
