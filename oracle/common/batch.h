/* batch.h — encoding cases as the binary batch the payload reads (format: payload_abi.h);
 * shared by every backend. */
#ifndef VXA_BATCH_H
#define VXA_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include "oracle.h"

/* Why a case cannot be run by the payload at all (NULL when it can): "unsupported" reasons
 * (environment) set *unsupported = 1; malformed cases (memory outside the arena, ...) set 0. */
const char *vxa_case_check(const struct vxa_oracle_case *c, int *unsupported);

/* Bytes of one case record in a batch (the batch header adds 16). */
size_t vxa_batch_case_size(const struct vxa_oracle_case *c);

/* Encodes cases idx[0..n) (ids = the idx values) as a batch.  Stops before the batch would
 * exceed `max` bytes (at most VXA_BATCH_MAX); *encoded says how many went in.  Returns a
 * malloc'ed buffer or NULL (out of memory, or a first case larger than `max`). */
uint8_t *vxa_batch_encode(const struct vxa_oracle_case *cases, const size_t *idx, size_t n,
                          size_t max, size_t *len, size_t *encoded);

#endif
