/* inputs.c — see inputs.h. */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "inputs.h"

static const char *const layout_names[BENCH_LAYOUTS] = { "linux64", "protected32", "realmode-ug" };

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, (cap *= 2) + 1);
            if (!nb) { free(buf); buf = NULL; }
            buf = nb;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    *len = n;
    return buf;
}

/* The case text with "profile": "<name>" replaced by the bundled profile object, so parsing
 * it reads no file. */
static char *inline_profile(const char *text, const char *profile_name, size_t *len)
{
    char *ppath = vxa_corpus_find("profiles", profile_name);
    size_t plen;
    char *ptext = ppath ? read_file(ppath, &plen) : NULL;
    free(ppath);
    cJSON *doc = cJSON_Parse(text), *prof = ptext ? cJSON_Parse(ptext) : NULL;
    free(ptext);
    char *out = NULL;
    if (doc && prof && cJSON_ReplaceItemInObjectCaseSensitive(doc, "profile", prof)) {
        prof = NULL;
        out = cJSON_Print(doc);
    }
    cJSON_Delete(prof);
    cJSON_Delete(doc);
    *len = out ? strlen(out) : 0;
    return out;
}

/* xorshift64*: a fixed, portable sequence. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static vxa_field random_set_field(const vxa_vmcs *v, uint64_t *rng)
{
    unsigned nset = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) nset += vxa_is_set(v, (vxa_field)f);
    if (!nset) return (vxa_field)(rng_next(rng) % VXA_FIELD_COUNT);
    unsigned k = (unsigned)(rng_next(rng) % nset);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_is_set(v, (vxa_field)f) && k-- == 0) return (vxa_field)f;
    return (vxa_field)0;
}

static void flip_bit(vxa_vmcs *v, vxa_field f, uint64_t *rng)
{
    unsigned width = vxa_field_mask(f) == 0xffffull ? 16 : vxa_field_mask(f) == 0xffffffffull ? 32 : 64;
    vxa_set(v, f, vxa_get(v, f) ^ (1ull << (rng_next(rng) % width)));
}

int bench_inputs_load(bench_inputs *in)
{
    memset(in, 0, sizeof *in);
    size_t nd = (size_t)BENCH_LAYOUTS * BENCH_DAMAGED;
    in->zero = calloc(BENCH_LAYOUTS, sizeof *in->zero);
    in->multi = calloc(nd, sizeof *in->multi);
    in->single = calloc(nd, sizeof *in->single);
    if (!in->zero || !in->multi || !in->single) { fprintf(stderr, "bench: out of memory\n"); return 2; }
    uint64_t rng = 0x766d786175646974ull;   /* "vmxaudit" */
    for (unsigned i = 0; i < BENCH_LAYOUTS; i++) {
        bench_layout *l = &in->layout[i];
        l->name = layout_names[i];
        vxa_case_init(&l->c);
        l->path = vxa_corpus_find("layouts", l->name);
        if (!l->path || !(l->text = read_file(l->path, &l->len))) {
            fprintf(stderr, "bench: cannot find the bundled layout %s (set VMXAUDIT_CORPUS)\n", l->name);
            return 2;
        }
        vxa_error e;
        if (vxa_case_parse(l->text, l->len, l->path, &l->c, &e)) {
            char msg[1024];
            vxa_error_format(&e, msg, sizeof msg);
            fprintf(stderr, "bench: %s\n", msg);
            return 2;
        }
        l->inline_text = inline_profile(l->text, l->c.profile_name, &l->inline_len);
        if (!l->inline_text) {
            fprintf(stderr, "bench: %s: cannot inline profile %s\n", l->path, l->c.profile_name);
            return 2;
        }
        vxa_vmcs_init(&in->zero[i]);
        for (unsigned d = 0; d < BENCH_DAMAGED; d++) {
            vxa_vmcs *m = &in->multi[i * BENCH_DAMAGED + d], *s = &in->single[i * BENCH_DAMAGED + d];
            *m = *s = l->c.vmcs;
            for (unsigned k = 0; k < 8; k++) {
                vxa_field f = random_set_field(m, &rng);
                unsigned bits = 1 + (unsigned)(rng_next(&rng) % 3);
                while (bits--) flip_bit(m, f, &rng);
            }
            flip_bit(s, random_set_field(s, &rng), &rng);
        }
    }
    return 0;
}

void bench_inputs_free(bench_inputs *in)
{
    for (unsigned i = 0; i < BENCH_LAYOUTS; i++) {
        free(in->layout[i].path);
        free(in->layout[i].text);
        free(in->layout[i].inline_text);
        vxa_case_free(&in->layout[i].c);
    }
    free(in->zero);
    free(in->multi);
    free(in->single);
}
