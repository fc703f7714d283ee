/* rng.c — the mutation library's random numbers: splitmix64 (Steele, Lea, Flood 2014), its whole
 * state one word in the caller's vxa_rng. */
#include "mutate.h"

void vxa_rng_seed(vxa_rng *r, uint64_t seed)
{
    r->s = seed;
    vxa_rng_next(r);
}

uint64_t vxa_rng_next(vxa_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

unsigned vxa_rng_below(vxa_rng *r, unsigned n)
{
    return n ? (unsigned)(vxa_rng_next(r) % n) : 0;
}
