/* regression.c — see regression.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "regression.h"

cJSON *vxa_regression_case(const vxa_backend *b, const vxa_case *orig, const vxa_prepared *pp,
                           const struct vxa_oracle_result *res, const vxa_verdict *v,
                           const vxa_origin *o)
{
    static vxa_report r;
    vxa_case c = *orig;                           /* shallow: strings and blobs stay orig's */
    vxa_executed_layout(pp, res, &c.vmcs);
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) c.expect_by_model[m].present = false;
    vxa_memory mem = vxa_case_memory(orig);
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
        vxa_input in = { &b->profile, &c.vmcs, &orig->entry, &mem, (uint8_t)m, NULL };
        vxa_audit(&in, &r);
        /* sdm: the SDM's answer; another model: recorded where it predicts the observation */
        if (m != VXA_MODEL_SDM && !vxa_observation_matches(&r.outcome, &v->observed)) continue;
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
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "observed");   /* a regression case replayed */
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "origin");
    cJSON *ob = cJSON_AddObjectToObject(doc, "observed");
    cJSON *bo = cJSON_AddObjectToObject(ob, b->name);
    cJSON_AddStringToObject(bo, "backend", b->name);
    cJSON_AddStringToObject(bo, "cpu", b->cpu ? b->cpu : "host");
    cJSON_AddStringToObject(bo, "version", b->probe.backend_version);
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
