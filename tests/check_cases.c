/* check_cases.c — layout + patch -> case (see check_cases.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>
#include "check_cases.h"

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
    if (msrs || cpuid || mpa) {   /* inline the profile, then patch it */
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
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    vxa_error e;
    int rc = vxa_case_parse(text, strlen(text), layout, out, &e);
    free(text);
    if (rc) vxa_error_format(&e, err, errsz);
    return rc;
}

void tc_audit(const char *layout, const char *patch_json, const vxa_memory *mem, uint8_t model,
              vxa_report *r)
{
    char err[600];
    vxa_case c;
    cJSON *p = cJSON_Parse(patch_json);
    if (!p) fail_msg("bad patch JSON: %s", patch_json);
    if (tc_build_case(layout, p, &c, err, sizeof err)) fail_msg("%s", err);
    cJSON_Delete(p);
    vxa_memory m = mem ? *mem : vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, model };
    assert_int_equal(vxa_audit(&in, r), 0);
    vxa_case_free(&c);
}

static vxa_check known(const char *id)
{
    vxa_check k = vxa_check_by_id(id);
    if (k == VXA_CHECK_COUNT) fail_msg("unknown check ID %s", id);
    return k;
}

const vxa_violation *tc_violation(const vxa_report *r, const char *id)
{
    vxa_check k = known(id);
    for (unsigned i = 0; i < r->nviolations && i < VXA_MAX_VIOLATIONS; i++)
        if (r->violations[i].check == k) return &r->violations[i];
    return NULL;
}

const vxa_undetermined *tc_undetermined(const vxa_report *r, const char *id)
{
    vxa_check k = known(id);
    for (unsigned i = 0; i < r->nundetermined && i < VXA_MAX_UNDETERMINED; i++)
        if (r->undetermined[i].check == k) return &r->undetermined[i];
    return NULL;
}

void tc_assert_undetermined(const vxa_report *r, const char *id, unsigned reason, uint64_t aux)
{
    const vxa_undetermined *u = tc_undetermined(r, id);
    if (!u) fail_msg("%s is not undetermined", id);
    assert_int_equal(u->reason, reason);
    assert_int_equal(u->aux, aux);
    if (tc_violation(r, id)) fail_msg("%s is both undetermined and violated", id);
}

bool tc_names(const vxa_violation *v, const char *field, uint64_t value)
{
    vxa_field f = vxa_field_by_name(field);
    for (unsigned i = 0; i < v->nfields; i++)
        if (v->field[i] == f) return v->value[i] == value;
    return false;
}

bool tc_fixes(const vxa_violation *v, const char *field, uint64_t value)
{
    vxa_field f = vxa_field_by_name(field);
    for (unsigned i = 0; i < v->nfix; i++)
        if (v->fix_field[i] == f) return v->fix_value[i] == value;
    return false;
}

uint64_t tc_fix_of(const vxa_violation *v, vxa_field f)
{
    for (unsigned i = 0; i < v->nfix; i++)
        if (v->fix_field[i] == f) return v->fix_value[i];
    fail_msg("no fix for field %s", vxa_field_get(f)->name);
    return 0;
}
