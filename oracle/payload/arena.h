/* arena.h — the case arena (payload_abi.h): zeroed before each case, but only where the
 * previous case may have written. */
#ifndef VXA_ARENA_H
#define VXA_ARENA_H

#include <stdint.h>

void arena_mark(uint64_t addr, uint64_t len);   /* may have been written (clipped to the arena) */
void arena_mark_all(void);
void arena_clean(void);                         /* zero what is marked, then forget it */

/* A host that gives only some arena pages (a UEFI loader: payload_abi.h arena_map): the others
 * are never zeroed, and arena_given() says whether [addr, addr + len) lies in given pages. */
void arena_set_map(const uint8_t *map);
int arena_given(uint64_t addr, uint64_t len);

#endif
