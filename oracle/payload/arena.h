/* arena.h — the case arena (payload_abi.h): zeroed before each case, but only where the
 * previous case may have written. */
#ifndef VXA_ARENA_H
#define VXA_ARENA_H

#include <stdint.h>

void arena_mark(uint64_t addr, uint64_t len);   /* may have been written (clipped to the arena) */
void arena_mark_all(void);
void arena_clean(void);                         /* zero what is marked, then forget it */

#endif
