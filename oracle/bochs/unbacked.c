/* unbacked.c — see unbacked.h. */
#include <stdlib.h>
#include <string.h>
#include "unbacked.h"

static int unbacked(const struct vxa_oracle_blob *b)
{
    if (b->address >> 32 == 0 || b->address + b->length < b->address) return 0;
    for (size_t i = 0; i < b->length; i++)
        if (b->data[i] != 0xff) return 0;
    return 1;
}

struct vxa_oracle_case *bx_drop_unbacked(const struct vxa_oracle_case *cases, size_t n,
                                         struct vxa_oracle_blob **blobs)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += cases[i].nblobs;
    struct vxa_oracle_case *out = malloc((n ? n : 1) * sizeof *out);
    struct vxa_oracle_blob *b = malloc((total ? total : 1) * sizeof *b);
    if (!out || !b) {
        free(out);
        free(b);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = cases[i];
        out[i].blobs = b + k;
        out[i].nblobs = 0;
        for (size_t j = 0; j < cases[i].nblobs; j++)
            if (!unbacked(&cases[i].blobs[j])) { b[k++] = cases[i].blobs[j]; out[i].nblobs++; }
    }
    *blobs = b;
    return out;
}

int bx_vmx_abort_after_entry(const char *log)
{
    if (!log) return 0;
    if (strstr(log, "VMABORT: Error when saving guest MSR")) return 1;
    return strstr(log, "VMABORT: Error when loading host MSR") &&
           !strstr(log, "VMEXIT: Guest State Checks Failed") &&
           !strstr(log, "VMEXIT: Error when loading guest MSR");
}
