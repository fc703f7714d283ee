/* baseline.c — see baseline.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "baseline.h"

void vxa_case_use_profile(vxa_case *c, const vxa_backend *b)
{
    c->profile = b->profile;
    free(c->profile_name);
    c->profile_name = strdup(b->profile_name);
    if (c->profile_json) cJSON_Delete(c->profile_json);
    c->profile_json = NULL;
    if (b->profile_bundled) return;
    const vxa_profile_about about = { b->profile_name, b->cpu ? b->cpu : b->name, "oracle probe" };
    c->profile_json = vxa_profile_to_tree(&b->profile, &about);
}

void vxa_case_copy(vxa_case *dst, const vxa_case *src)
{
    vxa_case_init(dst);
    dst->name = src->name ? strdup(src->name) : NULL;
    dst->profile_name = src->profile_name ? strdup(src->profile_name) : NULL;
    dst->profile = src->profile;
    dst->profile_json = src->profile_json ? cJSON_Duplicate(src->profile_json, 1) : NULL;
    dst->vmcs = src->vmcs;
    dst->entry = src->entry;
    dst->nmemory = src->nmemory;
    dst->memory = src->nmemory ? calloc(src->nmemory, sizeof *dst->memory) : NULL;
    for (size_t i = 0; i < src->nmemory; i++) {
        dst->memory[i] = src->memory[i];
        dst->memory[i].data = malloc(src->memory[i].length ? src->memory[i].length : 1);
        memcpy(dst->memory[i].data, src->memory[i].data, src->memory[i].length);
    }
}

/* With EPT on, the oracle's guest (the payload's CPUID stub and page tables, below 32 MiB) needs
 * an EPT identity map, or its first fetch is an EPT violation — an entered case all the same,
 * but one after which the payload must zero the whole arena (~30 ms in Bochs).  The map: PML4,
 * PDPT and one PD of 2-MiB WB pages over the first 64 MiB, in the arena at the EPTP's page. */
static void add_ept_map(vxa_case *c)
{
    uint64_t proc = vxa_get(&c->vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL);
    uint64_t proc2 = vxa_get(&c->vmcs, VXA_F_SECONDARY_VM_EXEC_CONTROL);
    uint64_t eptp = vxa_get(&c->vmcs, VXA_F_EPT_POINTER), pml4 = eptp & ~0xfffull;
    if (!(proc >> 31 & 1) || !(proc2 >> 1 & 1) || pml4 < 0x1000 || pml4 + 0x3000 > 0x9f000 || c->nmemory)
        return;
    c->memory = calloc(3, sizeof *c->memory);
    c->nmemory = 3;
    uint64_t e0 = (pml4 + 0x1000) | 7, e1 = (pml4 + 0x2000) | 7;
    c->memory[0] = (vxa_blob){ pml4, 8, malloc(8) };
    memcpy(c->memory[0].data, &e0, 8);
    c->memory[1] = (vxa_blob){ pml4 + 0x1000, 8, malloc(8) };
    memcpy(c->memory[1].data, &e1, 8);
    c->memory[2] = (vxa_blob){ pml4 + 0x2000, 32 * 8, malloc(32 * 8) };
    for (uint64_t i = 0; i < 32; i++) {
        uint64_t pde = i << 21 | 1u << 7 | 6u << 3 | 7;   /* 2-MiB page, WB, RWX */
        memcpy(c->memory[2].data + 8 * i, &pde, 8);
    }
}

unsigned vxa_baselines_load(const vxa_backend *b, uint8_t model, vxa_baselines *out,
                            char *err, size_t errlen)
{
    static vxa_report r;
    memset(out, 0, sizeof *out);
    char **names = vxa_corpus_list("layouts");
    snprintf(err, errlen, "no bundled layout (corpus/layouts) repairs clean on %s", b->profile_name);
    for (char **n = names; *n && out->n < VXA_MAX_BASELINES; n++) {
        char *path = vxa_corpus_find("layouts", *n);
        vxa_baseline *bl = &out->b[out->n];
        vxa_error e;
        if (!path || vxa_case_load(path, &bl->c, &e)) {
            free(path);
            vxa_case_free(&bl->c);
            continue;
        }
        free(path);
        vxa_case_use_profile(&bl->c, b);
        bl->c.expect.present = false;
        for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) bl->c.expect_by_model[m].present = false;
        vxa_memory mem = vxa_case_memory(&bl->c);
        vxa_input in = { &b->profile, &bl->c.vmcs, &bl->c.entry, &mem, VXA_MODEL_SDM, NULL };
        vxa_repair_result res;
        static vxa_vmcs fixed;
        bool clean = vxa_repair(&in, 16, &fixed, &r, &res);
        if (clean) {   /* and clean for the campaign's model too */
            vxa_input in2 = { &b->profile, &fixed, &bl->c.entry, &mem, model, bl->reads };
            memset(bl->reads, 0, sizeof bl->reads);
            vxa_audit(&in2, &r);
            clean = r.outcome.result == VXA_ENTERED;
        }
        if (!clean) {
            vxa_case_free(&bl->c);
            continue;
        }
        bl->c.vmcs = fixed;
        add_ept_map(&bl->c);
        out->n++;
    }
    vxa_corpus_list_free(names);
    return out->n;
}

void vxa_baselines_free(vxa_baselines *bl)
{
    for (unsigned i = 0; i < bl->n; i++) vxa_case_free(&bl->b[i].c);
    bl->n = 0;
}

unsigned vxa_vmcs_distance(const vxa_vmcs *a, const vxa_vmcs *b)
{
    unsigned d = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        bool sa = vxa_is_set(a, (vxa_field)f), sb = vxa_is_set(b, (vxa_field)f);
        d += sa != sb || (sa && a->value[f] != b->value[f]);
    }
    return d;
}

const vxa_baseline *vxa_baseline_closest(const vxa_baselines *bl, const vxa_vmcs *v)
{
    const vxa_baseline *best = NULL;
    unsigned bd = ~0u;
    for (unsigned i = 0; i < bl->n; i++) {
        unsigned d = vxa_vmcs_distance(&bl->b[i].c.vmcs, v);
        if (d < bd) { bd = d; best = &bl->b[i]; }
    }
    return best;
}
