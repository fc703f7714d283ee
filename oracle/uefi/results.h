/* results.h — the silicon oracle's results file (RESULTS.TXT on the image's results partition;
 * the loader's line protocol is in loader.c, the payload's lines in payload_abi.h):
 *   vmxaudit-results 1 run=RUNID               written by `vmxaudit oracle image`
 *   @I cases=N created=DATE vmxaudit=VERSION
 *   @C ID CASE-JSON                            each case as sent (one line, compact)
 *   @S                                         the machine's part follows; then NUL padding
 * A reader stops at the first NUL byte. */
#ifndef VXA_UEFI_RESULTS_H
#define VXA_UEFI_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include "oracle.h"

#define VXA_RESULTS_MAGIC "vmxaudit-results 1 run="

/* The header (malloc'd text; *len its bytes). */
char *vxa_results_header(const char *run_id, const char *created, const char *version,
                         char *const *case_json, size_t n, size_t *len);

struct vxa_results {
    char run_id[32], created[64], version[32];
    size_t ncases;
    char **case_json;                    /* per case id */
    struct vxa_oracle_probe probe;
    bool probe_present;                  /* a complete @P section */
    char microcode[24];                  /* "0x.." from MSR 0x8b, or "" */
    struct vxa_oracle_result *res;       /* per case id */
    bool *has_result;
    unsigned boots, machine_resets;
    bool complete;                       /* "@E done" */
};

/* Reads a results file.  0, or VXA_ORACLE_BAD_INPUT with err = "PATH:LINE: what: the line". */
int vxa_results_read(const char *path, struct vxa_results *r, char *err, size_t errlen);
void vxa_results_free(struct vxa_results *r);

#endif
