/* case_binary.c — a binary case (vmxaudit/binary.h: the fuzz targets' and oracle batches'
 * compact encoding) as a case, for every reader of cases. */
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"
#include "vmxaudit/binary.h"

bool vxa_is_binary_case(const uint8_t *buf, size_t len)
{
    return len >= 2 && buf[0] == 'V' && buf[1] == 1;   /* never the start of JSON text */
}

/* The decoded case as a case: the profile as the profile format states it, inline. */
static int from_bin(const vxa_bin_case *b, const char *filename, vxa_case *c)
{
    if (filename) {
        const char *base = strrchr(filename, '/');
        c->name = strdup(base ? base + 1 : filename);
    }
    c->profile = b->profile;
    vxa_profile_normalize(&c->profile);
    const vxa_profile_about about = { "(binary case)", NULL, NULL };
    c->profile_json = vxa_profile_to_tree(&c->profile, &about);
    c->profile_name = strdup(about.name);
    c->vmcs = b->vmcs;
    c->entry = b->entry;
    c->memory = calloc(b->nblobs ? b->nblobs : 1, sizeof *c->memory);
    if (!c->memory) return -1;
    for (unsigned k = 0; k < b->nblobs; k++) {
        vxa_blob *d = &c->memory[c->nmemory++];
        d->address = b->blob[k].address;
        d->length = b->blob[k].length;
        d->data = malloc(d->length + 1u);
        if (!d->data) return -1;
        if (d->length) memcpy(d->data, b->blob[k].data, d->length);
    }
    return 0;
}

int vxa_case_from_binary(const uint8_t *buf, size_t len, const char *filename, vxa_case *c,
                         vxa_error *err)
{
    jctx j = { NULL, 0, filename, err, NULL };
    vxa_case_init(c);
    vxa_bin_case *b = malloc(sizeof *b);   /* a few KiB: off the stack */
    int rc;
    if (!b) rc = jerr(&j, "", NULL, "out of memory");
    else if (!vxa_bin_decode(buf, len, b))
        rc = jerr(&j, "", NULL, "not a binary case (it starts with 'V' and version 1)");
    else if (from_bin(b, filename, c)) rc = jerr(&j, "", NULL, "out of memory");
    else rc = 0;
    free(b);
    return rc;
}
