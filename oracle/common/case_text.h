/* case_text.h — oracle cases as text, one per line (for vxa-bochs and tests):
 *
 *   vmlaunch|vmresume [launched] [nofill] [novmcs] [movss] [vmcs=ADDR] FIELD=VALUE... @ADDR=HEX...
 *
 * FIELD is a canonical VMCS field name (engine catalogue, case-insensitive) or an encoding
 * ("0x4002"); VALUE and ADDR are hex (0x...) or decimal; @ADDR=HEX places bytes (memory order)
 * at a guest-physical address.  '#' starts a comment; blank lines are skipped.
 */
#ifndef VXA_CASE_TEXT_H
#define VXA_CASE_TEXT_H

#include <stdio.h>
#include "oracle.h"

struct vxa_case_list {
    struct vxa_oracle_case *cases;    /* fields/blobs arrays and blob data owned by the list */
    size_t n;
};

/* Reads all cases; on a bad line returns -1 with "LINE: message" in err. */
int vxa_case_text_read(FILE *in, struct vxa_case_list *list, char *err, size_t errlen);
void vxa_case_list_free(struct vxa_case_list *list);

#endif
