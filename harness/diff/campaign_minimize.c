/* campaign_minimize.c — the campaign's chosen mismatches (campaign_state.c: the lowest case
 * indices of each signature) minimized toward the closest baseline and written to
 * DIR/mismatches/ as regression cases, one journal record each.  Shared with `vmxaudit
 * minimize` (vxa_minimize_mismatch). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "campaign_impl.h"
#include "out_name.h"

typedef struct min_ctx {
    vxa_backend *b;
    uint8_t model;
    const vxa_verdict *ref;
} min_ctx;

static int min_test(void *vctx, const vxa_case *cands, size_t n, bool *keep)
{
    min_ctx *m = vctx;
    vxa_prepared *pp = calloc(n, sizeof *pp);
    struct vxa_oracle_case *oc = calloc(n, sizeof *oc);
    struct vxa_oracle_result *res = calloc(n, sizeof *res);
    for (size_t i = 0; i < n; i++) {
        vxa_prepare_case(&cands[i], &m->b->profile, m->model, &pp[i]);
        oc[i] = pp[i].oc;
    }
    char err[512];
    int rc = vxa_backend_run(m->b, oc, n, res, err, sizeof err);
    if (rc != VXA_ORACLE_OK) fprintf(stderr, "vmxaudit: minimize: %s\n", err);
    for (size_t i = 0; i < n; i++) {
        if (rc == VXA_ORACLE_OK) {
            vxa_verdict v;
            vxa_judge_env env = vxa_judge_env_of(&m->b->profile, m->model, &m->b->oracle.id, &m->b->probe);
            vxa_judge(&env, &cands[i], &pp[i], &res[i], NULL, &v);
            keep[i] = vxa_verdict_keeps(m->ref, &v);
            vxa_oracle_result_free(&res[i]);
        }
        vxa_prepared_free(&pp[i]);
    }
    free(pp);
    free(oc);
    free(res);
    return rc;
}

int vxa_minimize_mismatch(vxa_backend *b, uint8_t model, const vxa_baselines *bl, const vxa_case *c,
                          const vxa_verdict *ref, unsigned max_runs, const char *campaign,
                          const char *parent, bool generated, unsigned long long seed,
                          unsigned long long index, cJSON **doc, vxa_min_result *res)
{
    *doc = NULL;
    const vxa_baseline *base = vxa_baseline_closest(bl, &c->vmcs);
    min_ctx m = { b, model, ref };
    vxa_case small;
    vxa_case work;
    vxa_case_copy(&work, c);
    vxa_case_use_profile(&work, b);   /* the oracle's CPU: the case runs there */
    int rc = vxa_minimize(&work, &base->c, min_test, &m, max_runs, &small, res);
    vxa_case_free(&work);
    if (rc == VXA_ORACLE_OK && res->reproduced) {
        free(small.name);
        small.name = strdup(c->name ? c->name : "case");
        /* one more run: the minimized case as executed, for the record */
        vxa_prepared pp;
        struct vxa_oracle_result r;
        vxa_verdict v;
        res->runs++;
        res->candidates++;
        rc = vxa_run_one(b, model, &small, &v, &pp, &r);
        if (rc == VXA_ORACLE_OK) {
            vxa_origin o = { campaign, parent, generated, seed, index, res, base->c.name };
            vxa_observer ob = vxa_observer_of(b);
            *doc = vxa_regression_case(&ob, &small, &pp, &r, &v, &o);
            if (!vxa_verdict_keeps(ref, &v)) {   /* flaky: keep what was seen, say so */
                cJSON *og = cJSON_GetObjectItemCaseSensitive(*doc, "origin");
                cJSON_AddBoolToObject(og, "reproduced_on_confirmation", false);
            }
            vxa_oracle_result_free(&r);
        }
        vxa_prepared_free(&pp);
    }
    vxa_case_free(&small);
    return rc;
}

int vxa_minimize_pending(vxa_campaign *cp)
{
    const vxa_campaign_config *cfg = &cp->cfg;
    vxa_backend *b = &cp->b;
    uint8_t model = cp->model;
    vxa_candidate *p;
    while ((p = vxa_state_next_pending(&cp->s)) && !vxa_campaign_interrupted && !vxa_campaign_over_budget(cp)) {
        unsigned long long index = p->index;
        vxa_case c;
        int rc = vxa_load_item(cp, index, &c);
        if (rc) return rc;
        double tm = vxa_now();
        unsigned long long runs0 = b->runs;
        vxa_verdict ref;
        memset(&ref, 0, sizeof ref);
        if (p->have_ref) {
            /* the reference verdict: the campaign's own batch (no oracle run) */
            ref.status = VXA_V_MISMATCH;
            ref.predicted.result = p->ref[0];
            ref.observed.result = p->ref[1];
            ref.observed.error[0] = p->ref[2];
            ref.observed.nerror = 1;
            ref.observed.exit_reason = p->ref[3];
            ref.observed.vector = p->ref[4];
        } else {
            /* a journal without it: this case once more (the oracle decides what it does now) */
            vxa_prepared pp;
            struct vxa_oracle_result r;
            rc = vxa_run_one(b, model, &c, &ref, &pp, &r);
            if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); vxa_prepared_free(&pp); return vxa_backend_run_status(rc); }
            vxa_oracle_result_free(&r);
            vxa_prepared_free(&pp);
        }
        cJSON *doc = NULL;
        vxa_min_result res;
        memset(&res, 0, sizeof res);
        if (ref.status == VXA_V_MISMATCH)
            rc = vxa_minimize_mismatch(b, model, &cp->bl, &c, &ref, cfg->min_max_runs, "vmxaudit diff",
                                       cfg->cases_dir ? cp->files[index] : c.name, !cfg->cases_dir,
                                       cfg->seed, index, &doc, &res);
        if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); return vxa_backend_run_status(rc); }
        char name[400] = "";
        if (doc) {
            /* the case's name is never a path (out_name.h); its index tells twins apart */
            char salt[32];
            snprintf(salt, sizeof salt, "%llu", index);
            vxa_out_name(c.name, salt, name, sizeof name);
            char dir[4096], err[600];
            snprintf(dir, sizeof dir, "%s/mismatches", cfg->out);
            int wrc = vxa_regression_write(dir, name, doc, err, sizeof err);
            cJSON_Delete(doc);
            if (wrc) {
                fprintf(stderr, "vmxaudit diff: cannot write a mismatch: %s\n", err);
                vxa_case_free(&c);
                return vxa_write_status(wrc);
            }
        }
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddNumberToObject(rec, "min", (double)index);
        char file[420];
        snprintf(file, sizeof file, "mismatches/%s", name);
        cJSON_AddStringToObject(rec, "file", doc ? file : "");
        cJSON_AddBoolToObject(rec, "reproduced", res.reproduced && doc);
        cJSON_AddNumberToObject(rec, "runs", (double)(b->runs - runs0));
        cJSON_AddNumberToObject(rec, "candidates", res.candidates);
        cJSON *fl = cJSON_AddArrayToObject(rec, "fields");
        for (unsigned k = 0; k < res.nfields; k++)
            cJSON_AddItemToArray(fl, cJSON_CreateString(vxa_field_get((vxa_field)res.fields[k])->name));
        if (res.entry_differs) cJSON_AddItemToArray(fl, cJSON_CreateString("entry"));
        if (res.memory_differs) cJSON_AddItemToArray(fl, cJSON_CreateString("memory"));
        cJSON_AddNumberToObject(rec, "bits", res.nbits);
        cJSON_AddNumberToObject(rec, "secs", vxa_now() - tm);
        vxa_case_free(&c);
        if (vxa_journal_append(&cp->j, rec)) {
            int e = errno;
            fprintf(stderr, "vmxaudit diff: %s: %s\n", cp->j.path, strerror(e));
            cJSON_Delete(rec);
            return vxa_errno_status(e);
        }
        vxa_state_apply(&cp->s, rec, 0);
        cJSON_Delete(rec);
    }
    return 0;
}

