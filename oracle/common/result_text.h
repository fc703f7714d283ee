/* result_text.h — an oracle result as one line plus details, for the backends' own tools. */
#ifndef VXA_RESULT_TEXT_H
#define VXA_RESULT_TEXT_H

#include <stdio.h>
#include "oracle.h"

/* "I KIND details" and indented lines: VMWRITE errors, harness fields, the in-guest audit and the
 * oracle's own words (prefixed with `backend`). */
void vxa_oracle_result_print(FILE *out, size_t i, const struct vxa_oracle_result *r, const char *backend);

#endif
