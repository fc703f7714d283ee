/* arena.c — dirty-range bookkeeping for the case arena. */
#include <stdbool.h>
#include "lib.h"
#include "arena.h"
#include "payload_abi.h"

#define MAX_RANGES 64

static struct { uint64_t lo, hi; } ranges[MAX_RANGES];
static unsigned nranges;
static bool all = true;                 /* at boot the arena holds whatever the BIOS left */
static const uint8_t *map;              /* NULL: every arena page is ours */

void arena_set_map(const uint8_t *m) { map = m; }

static bool page_given(uint64_t page)
{
    return !map || (page < VXA_ARENA_PAGES && (map[page / 8] >> (page % 8) & 1));
}

int arena_given(uint64_t addr, uint64_t len)
{
    if (!vxa_in_arena(addr, len)) return 0;
    for (uint64_t p = addr / 4096; len && p <= (addr + len - 1) / 4096; p++)
        if (!page_given(p)) return 0;
    return 1;
}

/* memset 0 of [lo, hi), skipping the pages that are not ours. */
static void zero(uint64_t lo, uint64_t hi)
{
    if (!map) {
        memset((void *)(uintptr_t)lo, 0, hi - lo);
        return;
    }
    while (lo < hi) {
        uint64_t next = (lo & ~4095ull) + 4096;
        if (next > hi) next = hi;
        if (page_given(lo / 4096)) memset((void *)(uintptr_t)lo, 0, next - lo);
        lo = next;
    }
}

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
        zero(VXA_ARENA_LOW_BASE, VXA_ARENA_LOW_END);
        zero(VXA_ARENA_HIGH_BASE, VXA_ARENA_HIGH_END);
    } else {
        for (unsigned i = 0; i < nranges; i++)
            zero(ranges[i].lo, ranges[i].hi);
    }
    all = false;
    nranges = 0;
}
