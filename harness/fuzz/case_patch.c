/* case_patch.c — layout + patch -> case (see case_patch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case_patch.h"

static cJSON *load_json(const char *sub, const char *name, char *err, size_t errsz)
{
    char *path = vxa_corpus_find(sub, name);
    if (!path) { snprintf(err, errsz, "no %s named %s", sub, name); return NULL; }
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f) { snprintf(err, errsz, "cannot open %s %s", sub, name); return NULL; }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = 0;
    fclose(f);
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    if (!j) snprintf(err, errsz, "%s %s is not JSON", sub, name);
    return j;
}

static void merge(cJSON *dst, const cJSON *src)
{
    for (const cJSON *it = src->child; it; it = it->next) {
        cJSON_DeleteItemFromObjectCaseSensitive(dst, it->string);
        if (!cJSON_IsNull(it)) cJSON_AddItemToObject(dst, it->string, cJSON_Duplicate(it, 1));
    }
}

int tc_build_case(const char *layout, const cJSON *patch, vxa_case *out, char *err, size_t errsz)
{
    cJSON *doc = load_json("layouts", layout, err, errsz);
    if (!doc) return -1;
    const cJSON *p;
    if (patch && (p = cJSON_GetObjectItemCaseSensitive(patch, "profile")))
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "profile", cJSON_Duplicate(p, 1));
    const cJSON *msrs = patch ? cJSON_GetObjectItemCaseSensitive(patch, "msrs") : NULL;
    const cJSON *cpuid = patch ? cJSON_GetObjectItemCaseSensitive(patch, "cpuid") : NULL;
    const cJSON *mpa = patch ? cJSON_GetObjectItemCaseSensitive(patch, "maxphyaddr") : NULL;
    const cJSON *pmu = patch ? cJSON_GetObjectItemCaseSensitive(patch, "pmu") : NULL;
    if (msrs || cpuid || mpa || pmu) {   /* inline the profile, then patch it */
        cJSON *prof = cJSON_GetObjectItemCaseSensitive(doc, "profile");
        cJSON *pj = cJSON_IsString(prof) ? load_json("profiles", prof->valuestring, err, errsz)
                                         : cJSON_Duplicate(prof, 1);
        if (!pj) { cJSON_Delete(doc); return -1; }
        if (msrs) {
            cJSON *m = cJSON_GetObjectItemCaseSensitive(pj, "msrs");
            if (!m) m = cJSON_AddObjectToObject(pj, "msrs");
            merge(m, msrs);
        }
        if (cpuid) {
            cJSON *c = cJSON_GetObjectItemCaseSensitive(pj, "cpuid");
            if (!c) c = cJSON_AddObjectToObject(pj, "cpuid");
            merge(c, cpuid);
        }
        if (mpa) cJSON_ReplaceItemInObjectCaseSensitive(pj, "maxphyaddr", cJSON_Duplicate(mpa, 1));
        if (pmu) {
            cJSON_DeleteItemFromObjectCaseSensitive(pj, "pmu");
            if (!cJSON_IsNull(pmu)) cJSON_AddItemToObject(pj, "pmu", cJSON_Duplicate(pmu, 1));
        }
        cJSON_ReplaceItemInObjectCaseSensitive(doc, "profile", pj);
    }
    if (patch && (p = cJSON_GetObjectItemCaseSensitive(patch, "vmcs"))) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "vmcs");
        /* Field names are case-insensitive and may be encodings: canonicalise by removing any
         * key of the layout that names the same field. */
        for (const cJSON *it = p->child; it; it = it->next) {
            vxa_field f = vxa_field_by_name(it->string);
            for (cJSON *k = v->child; k;) {
                cJSON *next = k->next;
                if (f != VXA_F_NONE && vxa_field_by_name(k->string) == f) cJSON_Delete(cJSON_DetachItemViaPointer(v, k));
                k = next;
            }
        }
        merge(v, p);
    }
    if (patch && (p = cJSON_GetObjectItemCaseSensitive(patch, "entry"))) {
        cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "entry");
        if (!e) e = cJSON_AddObjectToObject(doc, "entry");
        merge(e, p);
    }
    if (patch && (p = cJSON_GetObjectItemCaseSensitive(patch, "memory"))) {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(doc, "memory");
        if (!m) m = cJSON_AddArrayToObject(doc, "memory");
        for (const cJSON *it = p->child; it; it = it->next) cJSON_AddItemToArray(m, cJSON_Duplicate(it, 1));
    }
    vxa_error e;
    int rc = vxa_case_from_tree(doc, layout, out, &e);
    cJSON_Delete(doc);
    if (rc) vxa_error_format(&e, err, errsz);
    return rc;
}
