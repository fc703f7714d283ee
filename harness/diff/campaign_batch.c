/* campaign_batch.c — one batch of the campaign (campaign_impl.h): its cases loaded (generated or
 * from files), prepared, run in one oracle run, judged, and written as one journal record. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "campaign_impl.h"
#include "out_file.h"
#include "out_name.h"

volatile sig_atomic_t vxa_campaign_interrupted;

double vxa_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The exit status of an output the campaign could not write (docs/exit-codes.md): a full disk
 * stops it resumably (5), a refused target is bad usage (2), another I/O failure is 4. */
int vxa_write_status(int wrc)
{
    return wrc == VXA_WRITE_REFUSED ? 2 : vxa_write_no_space() ? 5 : 4;
}
int vxa_errno_status(int e)
{
    return e == ENOSPC || e == EFBIG
#ifdef EDQUOT
           || e == EDQUOT
#endif
           ? 5 : 4;
}

bool vxa_campaign_over_budget(const vxa_campaign *c)
{
    return c->cfg.budget_s > 0 && vxa_now() - c->t0 > c->cfg.budget_s;
}

int vxa_run_one(vxa_backend *b, uint8_t model, const vxa_case *c, vxa_verdict *v,
                vxa_prepared *pp, struct vxa_oracle_result *r)
{
    char err[512];
    vxa_prepare_case(c, &b->profile, model, pp);
    int rc = vxa_backend_run(b, &pp->oc, 1, r, err, sizeof err);
    vxa_judge_env env = vxa_judge_env_of(&b->profile, model, &b->oracle.id, &b->probe);
    if (rc == VXA_ORACLE_OK) vxa_judge(&env, c, pp, r, NULL, v);
    else fprintf(stderr, "vmxaudit: %s\n", err);
    return rc;
}

int vxa_load_item(const vxa_campaign *c, unsigned long long i, vxa_case *out)
{
    if (!c->cfg.cases_dir) {
        vxa_generate(&c->g, i, out);
        return 0;
    }
    vxa_error e;
    if (vxa_case_load(c->files[i], out, &e)) {
        char msg[1200];
        vxa_error_format(&e, msg, sizeof msg);
        fprintf(stderr, "vmxaudit diff: %s\n", msg);
        vxa_case_free(out);
        return 2;
    }
    return 0;
}

/* --record DIR: a mismatching case as executed, through the one regression writer, named and
 * with the origin `oracle run --record` gives it (a case file: the same bytes). */
static int record_case(const vxa_campaign *cp, const vxa_case *c, const char *path, unsigned long long index,
                       const vxa_prepared *pp, const struct vxa_oracle_result *r, const vxa_verdict *v)
{
    char salt[32];
    snprintf(salt, sizeof salt, "%llu", index);
    const char *base = path ? strrchr(path, '/') : NULL;
    vxa_origin og = { "vmxaudit --record", path ? (base ? base + 1 : path) : c->name, !path, cp->cfg.seed, index,
                      NULL, NULL };
    cJSON *doc = vxa_regression_case(&cp->ob, c, pp, r, v, &og);
    char name[128], err[600];
    vxa_out_name(c->name, path ? path : salt, name, sizeof name);
    int wrc = doc ? vxa_regression_write(cp->cfg.record, name, doc, err, sizeof err) : VXA_WRITE_FAILED;
    if (!doc) snprintf(err, sizeof err, "out of memory");
    cJSON_Delete(doc);
    if (wrc) fprintf(stderr, "vmxaudit diff --record: %s: not recorded: %s\n", c->name ? c->name : "case", err);
    return wrc;
}

/* One case's entry in the batch record; coverage into failc/passb. */
static cJSON *case_record(vxa_campaign *cp, size_t k, unsigned long long index, uint32_t *failc, uint8_t *passb)
{
    vxa_verdict v;
    const vxa_report *rep = cp->rep;
    vxa_judge(&cp->env, &cp->cases[k], &cp->pp[k], &cp->res[k], cp->rep, &v);
    /* coverage: failing = violated; passing = evaluated, neither violated nor undetermined */
    uint8_t seen[VXA_CHECK_COUNT];
    memset(seen, 0, sizeof seen);
    unsigned nv = rep->nviolations < VXA_MAX_VIOLATIONS ? rep->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned q = 0; q < nv; q++) seen[rep->violations[q].check] = 1;
    unsigned nu = rep->nundetermined < VXA_MAX_UNDETERMINED ? rep->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned q = 0; q < nu; q++) seen[rep->undetermined[q].check] |= 2;
    for (unsigned q = 0; q < VXA_CHECK_COUNT; q++) {
        if (seen[q] & 1) failc[q]++;
        else if (!seen[q]) passb[q / 4] |= (uint8_t)(1u << (q % 4));
    }
    cJSON *cj = cJSON_CreateObject();
    cJSON_AddNumberToObject(cj, "i", (double)index);
    char e[80], o[80];
    vxa_outcome_short(&v.predicted, true, e, sizeof e);
    vxa_outcome_short(&v.observed, true, o, sizeof o);
    if (v.status == VXA_V_SKIPPED) {
        cJSON_AddStringToObject(cj, "v", "skipped");
        cJSON_AddStringToObject(cj, "why", v.skip_reason);
        if (v.oracle_text[0]) cJSON_AddStringToObject(cj, "text", v.oracle_text);
        return cj;
    }
    cJSON_AddStringToObject(cj, "v", v.status == VXA_V_AGREE ? "agree"
                                     : v.status == VXA_V_UNDETERMINED ? "undetermined" : "mismatch");
    if (v.status == VXA_V_UNDETERMINED)
        cJSON_AddStringToObject(cj, "checks", vxa_check_get((vxa_check)v.checks[0])->id);
    cJSON_AddStringToObject(cj, "o", o);
    if (v.status != VXA_V_MISMATCH) return cj;
    char sig[512], checks[200] = "";
    vxa_verdict_signature(&v, sig, sizeof sig);
    for (unsigned q = 0; q < v.nchecks; q++)
        snprintf(checks + strlen(checks), sizeof checks - strlen(checks), "%s%s", q ? "," : "",
                 vxa_check_get((vxa_check)v.checks[q])->id);
    cJSON_AddStringToObject(cj, "e", e);
    cJSON_AddStringToObject(cj, "checks", checks);
    cJSON_AddStringToObject(cj, "text", v.oracle_text);
    cJSON_AddStringToObject(cj, "sig", sig);
    const int ref[5] = { v.predicted.result, v.observed.result, v.observed.error[0],
                         v.observed.exit_reason, v.observed.vector };
    cJSON_AddItemToObject(cj, "r", cJSON_CreateIntArray(ref, 5));
    if (cp->cfg.record) {   /* the mismatch as executed, as `oracle run --record` writes it */
        int wrc = record_case(cp, &cp->cases[k], cp->cfg.cases_dir ? cp->files[index] : NULL, index,
                              &cp->pp[k], &cp->res[k], &v);
        if (wrc && !cp->rec_rc) cp->rec_rc = vxa_write_status(wrc);
    }
    return cj;
}

int vxa_run_batch(vxa_campaign *cp, const unsigned long long *idx, size_t n, cJSON **out)
{
    char err[1024];
    double tg = vxa_now();
    for (size_t k = 0; k < n; k++) {
        int rc = vxa_load_item(cp, idx[k], &cp->cases[k]);
        if (rc) {
            for (size_t q = 0; q < k; q++) { vxa_case_free(&cp->cases[q]); vxa_prepared_free(&cp->pp[q]); }
            return rc;
        }
        vxa_prepare_case(&cp->cases[k], &cp->b.profile, cp->model, &cp->pp[k]);
        cp->oc[k] = cp->pp[k].oc;
    }
    double tb = vxa_now();
    int orc = vxa_backend_run(&cp->b, cp->oc, n, cp->res, err, sizeof err);
    double to = vxa_now();
    if (orc != VXA_ORACLE_OK) {
        fprintf(stderr, "%svmxaudit diff: %s\n", cp->cfg.progress ? "\n" : "", err);
        for (size_t k = 0; k < n; k++) { vxa_case_free(&cp->cases[k]); vxa_prepared_free(&cp->pp[k]); }
        return vxa_backend_run_status(orc);
    }
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddNumberToObject(rec, "batch", 0);
    cJSON *arr = cJSON_AddArrayToObject(rec, "cases");
    uint32_t *failc = calloc(VXA_CHECK_COUNT, sizeof *failc);
    uint8_t *passb = calloc((VXA_CHECK_COUNT + 3) / 4 + 1, 1);
    for (size_t k = 0; k < n; k++) {
        cJSON_AddItemToArray(arr, case_record(cp, k, idx[k], failc, passb));
        vxa_oracle_result_free(&cp->res[k]);
        vxa_prepared_free(&cp->pp[k]);
        vxa_case_free(&cp->cases[k]);
    }
    cJSON *fj = cJSON_AddObjectToObject(rec, "fail");
    for (unsigned q = 0; q < VXA_CHECK_COUNT; q++)
        if (failc[q]) cJSON_AddNumberToObject(fj, vxa_check_get((vxa_check)q)->id, failc[q]);
    char *hex = calloc((VXA_CHECK_COUNT + 3) / 4 + 1, 1);
    for (unsigned q = 0; q < (VXA_CHECK_COUNT + 3) / 4; q++) hex[q] = "0123456789abcdef"[passb[q]];
    cJSON_AddStringToObject(rec, "pass", hex);
    free(hex);
    free(failc);
    free(passb);
    cJSON_AddNumberToObject(rec, "secs", vxa_now() - tg);
    cJSON_AddNumberToObject(rec, "oracle_secs", to - tb);
    cJSON_AddNumberToObject(rec, "oracle_runs", 1);
    *out = rec;
    return 0;
}

int vxa_campaign_journal_batch(vxa_campaign *c, cJSON *rec)
{
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "batch"), (double)c->s.batches);
    if (vxa_journal_append(&c->j, rec)) {
        int e = errno;
        fprintf(stderr, "%svmxaudit diff: %s: %s\n", c->cfg.progress ? "\n" : "", c->j.path, strerror(e));
        return vxa_errno_status(e);
    }
    return vxa_state_apply(&c->s, rec, 0);
}

void vxa_campaign_progress(const vxa_campaign *c)
{
    if (!c->cfg.progress) return;
    const vxa_campaign_stats *st = &c->s.st;
    double el = vxa_now() - c->t0, rate = el > 0 ? (double)c->run_done / el : 0;
    double left = rate > 0 ? (double)(st->total - st->done) / rate : 0;
    if (c->cfg.budget_s > 0 && c->cfg.budget_s - el < left) left = c->cfg.budget_s - el;
    if (left < 0) left = 0;
    fprintf(stderr, "\r\033[K%llu/%llu cases  %.0f cases/s  %llu mismatches  %llu skipped  %dm%02ds left",
            st->done, st->total, rate, st->mismatch, st->skipped, (int)left / 60, (int)left % 60);
    fflush(stderr);
}
