/* arena.c — dirty-range bookkeeping for the case arena. */
#include <stdbool.h>
#include "lib.h"
#include "arena.h"
#include "payload_abi.h"

#define MAX_RANGES 64

static struct { uint64_t lo, hi; } ranges[MAX_RANGES];
static unsigned nranges;
static bool all = true;                 /* at boot the arena holds whatever the BIOS left */

static void mark_clipped(uint64_t lo, uint64_t hi, uint64_t base, uint64_t end)
{
    if (lo < base) lo = base;
    if (hi > end) hi = end;
    if (lo >= hi) return;
    if (nranges == MAX_RANGES) {
        all = true;
        return;
    }
    ranges[nranges].lo = lo;
    ranges[nranges].hi = hi;
    nranges++;
}

void arena_mark(uint64_t addr, uint64_t len)
{
    uint64_t hi = addr + len < addr ? ~0ull : addr + len;
    mark_clipped(addr, hi, VXA_ARENA_LOW_BASE, VXA_ARENA_LOW_END);
    mark_clipped(addr, hi, VXA_ARENA_HIGH_BASE, VXA_ARENA_HIGH_END);
}

void arena_mark_all(void) { all = true; }

void arena_clean(void)
{
    if (all) {
        memset((void *)(uintptr_t)VXA_ARENA_LOW_BASE, 0, VXA_ARENA_LOW_END - VXA_ARENA_LOW_BASE);
        memset((void *)(uintptr_t)VXA_ARENA_HIGH_BASE, 0, VXA_ARENA_HIGH_END - VXA_ARENA_HIGH_BASE);
    } else {
        for (unsigned i = 0; i < nranges; i++)
            memset((void *)(uintptr_t)ranges[i].lo, 0, ranges[i].hi - ranges[i].lo);
    }
    all = false;
    nranges = 0;
}
