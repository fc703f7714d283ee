/* regression.c — see regression.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "out_file.h"
#include "regression.h"

vxa_observer vxa_observer_of(const vxa_backend *b)
{
    vxa_observer ob = { b->name, b->oracle.id.cpu, b->probe.backend_version, &b->oracle.id, NULL, NULL, NULL,
                        &b->profile, b->profile_name, b->cpu ? b->cpu : b->name, b->profile_bundled };
    return ob;
}

/* A Bochs model's expectation comes only from an observation of that Bochs version. */
static bool speaks_for(const vxa_observer *ob, unsigned m)
{
    const vxa_model_info *mi = vxa_model_get((vxa_model)m);
    if (m == VXA_MODEL_SDM || strcmp(mi->implementation, "Bochs")) return true;
    return !ob->silicon && !strcmp(ob->backend, "bochs") && !strcmp(mi->version, ob->version);
}

static void add_facts(cJSON *bo, const struct vxa_oracle_identity *id)
{
    for (unsigned k = 0; id && k < id->nfacts; k++) {
        const char *key = id->facts[k].key, *dot = strchr(key, '.');
        cJSON *at = bo;
        if (dot) {                                /* "kvm_intel.nested": a nested object */
            char group[40];
            snprintf(group, sizeof group, "%.*s", (int)(dot - key), key);
            at = cJSON_GetObjectItemCaseSensitive(bo, group);
            if (!at) at = cJSON_AddObjectToObject(bo, group);
            key = dot + 1;
        }
        cJSON_AddStringToObject(at, key, id->facts[k].value);
    }
}

cJSON *vxa_regression_case(const vxa_observer *ob, const vxa_case *orig, const vxa_prepared *pp,
                           const struct vxa_oracle_result *res, const vxa_verdict *v,
                           const vxa_origin *o)
{
    static vxa_report r;
    vxa_case c = *orig;                           /* shallow: strings and blobs stay orig's */
    vxa_executed_layout(pp, res, &c.vmcs);
    /* the oracle's CPU: by name where bundled, else inline */
    c.profile = *ob->profile;
    c.profile_name = (char *)ob->profile_name;
    c.profile_json = NULL;
    if (!ob->profile_bundled) {
        const vxa_profile_about about = { ob->profile_name, ob->profile_cpu,
                                          ob->silicon ? "the vmxaudit UEFI image's probe" : "oracle probe" };
        c.profile_json = vxa_profile_to_tree(ob->profile, &about);
    }
    c.expect.present = false;
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) c.expect_by_model[m].present = false;
    vxa_memory mem = vxa_executed_memory(pp);
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
        vxa_input in = { ob->profile, &c.vmcs, &orig->entry, &mem, (uint8_t)m, NULL };
        vxa_audit(&in, &r);
        /* sdm: the SDM's answer; another model: recorded where it predicts the observation */
        if (m != VXA_MODEL_SDM && (!vxa_outcome_within(&r.outcome, &v->observed) || !speaks_for(ob, m)))
            continue;
        vxa_expect *x = m == VXA_MODEL_SDM ? &c.expect : &c.expect_by_model[m];
        memset(x, 0, sizeof *x);
        x->present = true;
        x->outcome = r.outcome;
        if (m != VXA_MODEL_SDM) {                 /* a model's expectation: the observed value */
            x->outcome.nerror = v->observed.nerror;
            memcpy(x->outcome.error, v->observed.error, sizeof x->outcome.error);
            x->outcome.nqual = v->observed.nqual;
            memcpy(x->outcome.qual, v->observed.qual, sizeof x->outcome.qual);
        }
    }
    c.expect_by_model[VXA_MODEL_SDM].present = false;
    cJSON *doc = vxa_case_to_tree(&c);
    if (c.profile_json) cJSON_Delete(c.profile_json);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "observed");   /* a regression case replayed */
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "origin");
    cJSON *obs = cJSON_AddObjectToObject(doc, "observed");
    cJSON *bo = cJSON_AddObjectToObject(obs, ob->backend);
    cJSON_AddStringToObject(bo, "backend", ob->backend);
    cJSON_AddStringToObject(bo, "cpu", ob->cpu ? ob->cpu : "host");
    cJSON_AddStringToObject(bo, "version", ob->version);
    add_facts(bo, ob->id);
    if (ob->silicon) {                            /* observed on silicon: which CPU, when */
        cJSON_AddStringToObject(bo, "silicon", ob->silicon);
        cJSON_AddStringToObject(bo, "microcode", ob->microcode);
        cJSON_AddStringToObject(bo, "date", ob->date);
    }
    cJSON_AddItemToObject(bo, "outcome", vxa_outcome_to_tree(&v->observed));
    cJSON *hf = cJSON_AddObjectToObject(bo, "harness_fields");
    for (size_t i = 0; i < res->nreplaced; i++) {
        vxa_field f = vxa_field_by_encoding(res->replaced[i].encoding);
        char val[24];
        snprintf(val, sizeof val, "0x%llx", (unsigned long long)res->replaced[i].value);
        if (f != VXA_F_NONE) cJSON_AddStringToObject(hf, vxa_field_get(f)->name, val);
    }
    if (res->nvmwrite_errors) {
        cJSON *we = cJSON_AddObjectToObject(bo, "vmwrite_errors");
        for (size_t i = 0; i < res->nvmwrite_errors; i++) {
            vxa_field f = vxa_field_by_encoding(res->vmwrite_errors[i].encoding);
            char enc[16];
            snprintf(enc, sizeof enc, "0x%x", res->vmwrite_errors[i].encoding);
            cJSON_AddNumberToObject(we, f != VXA_F_NONE ? vxa_field_get(f)->name : enc,
                                    res->vmwrite_errors[i].error);
        }
    }
    if (res->log) cJSON_AddStringToObject(bo, "log", res->log);
    cJSON *og = cJSON_AddObjectToObject(doc, "origin");
    cJSON_AddStringToObject(og, "campaign", o->campaign);
    if (o->parent) cJSON_AddStringToObject(og, "parent", o->parent);
    if (o->generated) {
        cJSON_AddNumberToObject(og, "seed", (double)o->seed);
        cJSON_AddNumberToObject(og, "index", (double)o->index);
    }
    if (o->min) {
        cJSON *mn = cJSON_AddObjectToObject(og, "minimized");
        if (o->baseline) cJSON_AddStringToObject(mn, "baseline", o->baseline);
        cJSON_AddNumberToObject(mn, "oracle_runs", o->min->runs);
        cJSON_AddNumberToObject(mn, "candidates", o->min->candidates);
        cJSON *fl = cJSON_AddArrayToObject(mn, "fields_changed");
        for (unsigned i = 0; i < o->min->nfields; i++)
            cJSON_AddItemToArray(fl, cJSON_CreateString(vxa_field_get((vxa_field)o->min->fields[i])->name));
        if (o->min->entry_differs) cJSON_AddItemToArray(fl, cJSON_CreateString("entry"));
        if (o->min->memory_differs) cJSON_AddItemToArray(fl, cJSON_CreateString("memory"));
        cJSON_AddNumberToObject(mn, "bits_changed", o->min->nbits);
        cJSON_AddBoolToObject(mn, "one_minimal", o->min->complete);
    }
    char sig[512];
    vxa_verdict_signature(v, sig, sizeof sig);
    cJSON_AddStringToObject(og, "signature", sig);
    return doc;
}

int vxa_regression_write(const char *dir, const char *name, const cJSON *doc, char *err, size_t errlen)
{
    char *text = cJSON_Print(doc);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return VXA_WRITE_FAILED;
    }
    size_t len = strlen(text);
    text[len++] = '\n';                           /* over cJSON's NUL: the file ends in a newline */
    int rc = vxa_write_in(dir, name, text, len, 0, err, errlen);
    free(text);
    return rc;
}
