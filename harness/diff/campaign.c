/* campaign.c — see campaign.h.  The journal holds three kinds of record: the header (what the
 * campaign is), one record per batch (every case's verdict, the checks seen failing and
 * passing, the batch's time) and one per minimized mismatch.  The in-memory state is only ever
 * built by applying records — the same function for a live batch and for a resumed journal —
 * so a resumed campaign counts exactly what a campaign that was never killed counts. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "campaign.h"
#include "generator.h"
#include "journal.h"
#include "out_file.h"
#include "out_lock.h"
#include "out_name.h"
#include "regression.h"
#include "report.h"

static volatile sig_atomic_t interrupted;

/* The exit status of an output the campaign could not write (docs/exit-codes.md): a full disk
 * stops it resumably (5), a refused target is bad usage (2), another I/O failure is 4. */
static int write_status(int wrc)
{
    return wrc == VXA_WRITE_REFUSED ? 2 : vxa_write_no_space() ? 5 : 4;
}
static int errno_status(int e)
{
    return e == ENOSPC || e == EFBIG
#ifdef EDQUOT
           || e == EDQUOT
#endif
           ? 5 : 4;
}
static void on_signal(int s) { (void)s; interrupted = 1; }

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- cases from files ---- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void collect(const char *path, char ***list, size_t *n)
{
    DIR *d = opendir(path);
    struct dirent *e;
    size_t first = *n;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        struct stat st;
        size_t l = strlen(e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) collect(p, list, n);
        else if ((l > 5 && !strcmp(e->d_name + l - 5, ".json")) || (l > 4 && !strcmp(e->d_name + l - 4, ".bin"))) {
            *list = realloc(*list, (*n + 1) * sizeof **list);
            (*list)[(*n)++] = strdup(p);
        }
    }
    if (d) closedir(d);
    qsort(*list + first, *n - first, sizeof **list, cmp_str);
}

/* ---- running and judging ---- */

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

/* ---- state ---- */

/* A mismatch selected for minimization.  ref: the batch's verdict in the numbers that
 * vxa_verdict_keeps compares (the journal's "r": predicted result, observed result, error, exit
 * reason, vector), so no oracle run is spent on it again; a journal of an older vmxaudit has no
 * "r" and the case is run once more for it. */
typedef struct pending { unsigned long long index; unsigned sig; bool have_ref; uint8_t ref[5]; } pending;

typedef struct state {
    vxa_campaign_stats st;
    uint8_t *done;                  /* bitmap over case indices */
    unsigned long long ndone_cap;
    pending *pend;                  /* selected for minimization, no min record yet */
    size_t npend, cappend;
    unsigned long long batches;
    bool have_header;
    cJSON *header;
    unsigned per_sig;
} state;

static bool is_done(const state *s, unsigned long long i)
{
    return i < s->ndone_cap && (s->done[i >> 3] >> (i & 7) & 1);
}

/* i is below the header's case count (validate_record), itself at most VXA_JOURNAL_MAX_CASES. */
static int mark_done(state *s, unsigned long long i)
{
    if (i >= s->ndone_cap) {
        unsigned long long cap = s->ndone_cap ? s->ndone_cap : 1024;
        while (cap <= i) cap *= 2;
        uint8_t *d = realloc(s->done, cap / 8);
        if (!d) return -1;
        s->done = d;
        memset(s->done + s->ndone_cap / 8, 0, (cap - s->ndone_cap) / 8);
        s->ndone_cap = cap;
    }
    s->done[i >> 3] |= (uint8_t)(1u << (i & 7));
    return 0;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(it) ? it->valuestring : "";
}
static double jnum(const cJSON *o, const char *k)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(it) ? it->valuedouble : 0;
}

#define VXA_JOURNAL_MAX_CASES (1ull << 40)

/* A count in a record: absent (0), or an integer in 0..max. */
static bool jcount(const cJSON *o, const char *k, double max, double *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    *out = 0;
    if (!it) return true;
    if (!cJSON_IsNumber(it)) return false;
    double d = it->valuedouble;
    if (!(d >= 0 && d <= max && d == (double)(unsigned long long)d)) return false;
    *out = d;
    return true;
}
/* A time in a record: absent (0) or a finite number >= 0. */
static bool jsecs(const cJSON *o, const char *k)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    return !it || (cJSON_IsNumber(it) && it->valuedouble >= 0 && it->valuedouble < 1e12);
}

static int damaged(unsigned line, const char *what)
{
    fprintf(stderr, "vmxaudit diff: journal record %u: %s: the journal is damaged (an edit, a disk "
            "error): move journal.jsonl aside and start the campaign again\n", line, what);
    return 2;
}

/* Every record is checked before it is used: indices below the header's case count, counts
 * non-negative integers, files inside mismatches/. */
static int validate_record(const state *s, const cJSON *rec, unsigned line)
{
    double d;
    if (cJSON_GetObjectItemCaseSensitive(rec, "journal")) {
        if (!jcount(rec, "cases", (double)VXA_JOURNAL_MAX_CASES, &d) || !jcount(rec, "seed", 1.8e19, &d))
            return damaged(line, "the header's \"cases\" or \"seed\" is not a count");
        return 0;
    }
    if (!s->have_header) return damaged(line, "a record before the campaign's header");
    double total = (double)s->st.total;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(rec, "cases");
    if (cases) {
        if (!cJSON_IsArray(cases)) return damaged(line, "\"cases\" is not an array");
        if (!jsecs(rec, "secs") || !jsecs(rec, "oracle_secs") || !jcount(rec, "oracle_runs", 1e15, &d))
            return damaged(line, "a time or count is negative or not a number");
        const cJSON *c;
        cJSON_ArrayForEach(c, cases) {
            if (!cJSON_GetObjectItemCaseSensitive(c, "i") || !jcount(c, "i", total - 1, &d))
                return damaged(line, "a case index outside the campaign's cases");
            const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "r"), *x;
            if (r && (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != 5))
                return damaged(line, "a mismatch's reference verdict (\"r\") is not 5 numbers");
            cJSON_ArrayForEach(x, r)
                if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0 && x->valuedouble <= 255))
                    return damaged(line, "a mismatch's reference verdict (\"r\") is not 5 numbers");
        }
        const cJSON *fail = cJSON_GetObjectItemCaseSensitive(rec, "fail"), *f;
        cJSON_ArrayForEach(f, fail)
            if (!cJSON_IsNumber(f) || !(f->valuedouble >= 0 && f->valuedouble <= 4e9))
                return damaged(line, "a check's failure count is not a count");
        return 0;
    }
    if (cJSON_GetObjectItemCaseSensitive(rec, "min")) {
        if (!jcount(rec, "min", total - 1, &d)) return damaged(line, "a minimized case's index is outside the campaign");
        if (!jcount(rec, "runs", 1e9, &d) || !jcount(rec, "candidates", 1e12, &d) || !jcount(rec, "bits", 1e9, &d) ||
            !jsecs(rec, "secs"))
            return damaged(line, "a minimization count is not a count");
        const cJSON *fl = cJSON_GetObjectItemCaseSensitive(rec, "file");
        const char *file = cJSON_IsString(fl) ? fl->valuestring : "";
        if (*file && (strncmp(file, "mismatches/", 11) || !vxa_out_name_plain(file + 11)))
            return damaged(line, "a mismatch file outside mismatches/");
    }
    return 0;
}

static int apply_record(void *ctx, const cJSON *rec, unsigned line)
{
    state *s = ctx;
    vxa_campaign_stats *st = &s->st;
    int bad = validate_record(s, rec, line);
    if (bad) return bad;
    if (cJSON_GetObjectItemCaseSensitive(rec, "journal")) {
        s->have_header = true;
        if (s->header) cJSON_Delete(s->header);
        s->header = cJSON_Duplicate(rec, 1);
        snprintf(st->backend, sizeof st->backend, "%s", jstr(rec, "backend"));
        snprintf(st->cpu, sizeof st->cpu, "%s", jstr(rec, "cpu"));
        snprintf(st->model, sizeof st->model, "%s", jstr(rec, "model"));
        snprintf(st->profile, sizeof st->profile, "%s", jstr(rec, "profile"));
        snprintf(st->source, sizeof st->source, "%s", jstr(rec, "source"));
        st->total = (unsigned long long)jnum(rec, "cases");
        st->seed = (unsigned long long)jnum(rec, "seed");
        return 0;
    }
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(rec, "cases");
    if (cases) {   /* a batch */
        s->batches++;
        st->secs += jnum(rec, "secs");
        st->oracle_secs += jnum(rec, "oracle_secs");
        st->oracle_runs += (unsigned long long)jnum(rec, "oracle_runs");
        const cJSON *c;
        cJSON_ArrayForEach(c, cases) {
            unsigned long long i = (unsigned long long)jnum(c, "i");
            if (is_done(s, i)) continue;           /* never counted twice */
            if (mark_done(s, i)) { fprintf(stderr, "vmxaudit diff: out of memory\n"); return 4; }
            st->done++;
            const char *v = jstr(c, "v");
            if (!strcmp(v, "agree")) st->agree++;
            else if (!strcmp(v, "undetermined")) st->undetermined++;
            else if (!strcmp(v, "skipped")) {
                st->skipped++;
                vxa_stats_count_skip(st, jstr(c, "why"), jstr(c, "text"), i);
            }
            else if (!strcmp(v, "mismatch")) {
                st->mismatch++;
                unsigned k = vxa_stats_signature(st, jstr(c, "sig"), jstr(c, "e"), jstr(c, "o"),
                                                 jstr(c, "checks"), jstr(c, "text"), i);
                if (!s->per_sig || st->sigs[k].selected < s->per_sig) {
                    st->sigs[k].selected++;
                    if (s->npend == s->cappend)
                        s->pend = realloc(s->pend, (s->cappend = s->cappend * 2 + 16) * sizeof *s->pend);
                    pending p = { i, k, false, { 0 } };
                    const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "r"), *x;
                    if (cJSON_GetArraySize(r) == 5) {   /* validated: 5 numbers 0..255 */
                        unsigned q = 0;
                        cJSON_ArrayForEach(x, r) p.ref[q++] = (uint8_t)x->valuedouble;
                        p.have_ref = true;
                    }
                    s->pend[s->npend++] = p;
                }
            }
            const char *o = jstr(c, "o");
            for (unsigned r = 0; r <= VXA_FAULT; r++)
                if (*o && !strncmp(o, vxa_result_name((vxa_result)r), strlen(vxa_result_name((vxa_result)r))))
                    st->observed[r]++;
        }
        const cJSON *fail = cJSON_GetObjectItemCaseSensitive(rec, "fail"), *f;
        cJSON_ArrayForEach(f, fail) {
            vxa_check ck = vxa_check_by_id(f->string);
            if (ck < VXA_CHECK_COUNT) st->fail[ck] += (unsigned)f->valuedouble;
        }
        const char *pass = jstr(rec, "pass");
        for (unsigned k = 0; pass[k] && k * 4 < VXA_CHECK_COUNT; k++) {
            char h[2] = { pass[k], 0 };
            unsigned nib = (unsigned)strtoul(h, NULL, 16);
            for (unsigned b = 0; b < 4; b++)
                if (nib >> b & 1 && k * 4 + b < VXA_CHECK_COUNT) st->pass[k * 4 + b]++;
        }
        return 0;
    }
    if (cJSON_GetObjectItemCaseSensitive(rec, "min")) {
        unsigned long long i = (unsigned long long)jnum(rec, "min");
        for (size_t k = 0; k < s->npend; k++)
            if (s->pend[k].index == i) {
                vxa_sig *g = &st->sigs[s->pend[k].sig];
                g->minimized++;
                if (!g->file[0]) snprintf(g->file, sizeof g->file, "%s", jstr(rec, "file"));
                s->pend[k] = s->pend[--s->npend];
                break;
            }
        st->oracle_runs += (unsigned long long)jnum(rec, "runs");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "reproduced")))
            vxa_stats_add_min(st, (unsigned)jnum(rec, "runs"), (unsigned)jnum(rec, "candidates"),
                              (unsigned)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rec, "fields")),
                              (unsigned)(jnum(rec, "secs") * 1000.0 + 0.5));
        return 0;
    }
    return 0;   /* a record of a later version: ignored */
}

/* ---- the campaign ---- */

static void progress(const vxa_campaign_config *cfg, const state *s, double t0, unsigned long long run_done,
                     unsigned long long total)
{
    if (!cfg->progress) return;
    double el = now() - t0, rate = el > 0 ? (double)run_done / el : 0;
    double left = rate > 0 ? (double)(total - s->st.done) / rate : 0;
    if (cfg->budget_s > 0 && cfg->budget_s - el < left) left = cfg->budget_s - el;
    if (left < 0) left = 0;
    fprintf(stderr, "\r\033[K%llu/%llu cases  %.0f cases/s  %llu mismatches  %llu skipped  %dm%02ds left",
            s->st.done, total, rate, s->st.mismatch, s->st.skipped, (int)left / 60, (int)left % 60);
    fflush(stderr);
}

static double elapsed_since(double t0) { return now() - t0; }

static int load_item(const vxa_campaign_config *cfg, const vxa_generator *g, char **files,
                     unsigned long long i, vxa_case *c)
{
    if (!cfg->cases_dir) {
        vxa_generate(g, i, c);
        return 0;
    }
    vxa_error e;
    if (vxa_case_load(files[i], c, &e)) {
        char msg[1200];
        vxa_error_format(&e, msg, sizeof msg);
        fprintf(stderr, "vmxaudit diff: %s\n", msg);
        vxa_case_free(c);
        return 2;
    }
    return 0;
}

/* --record DIR: a mismatching case as executed, through the one regression writer, named and
 * with the origin `oracle run --record` gives it (a case file: the same bytes). */
static int record_case(const char *dir, const vxa_observer *ob, const vxa_case *c, const char *path,
                       const vxa_campaign_config *cfg, unsigned long long index, const vxa_prepared *pp,
                       const struct vxa_oracle_result *r, const vxa_verdict *v)
{
    char salt[32];
    snprintf(salt, sizeof salt, "%llu", index);
    const char *base = path ? strrchr(path, '/') : NULL;
    vxa_origin og = { "vmxaudit --record", path ? (base ? base + 1 : path) : c->name, !path, cfg->seed, index,
                      NULL, NULL };
    cJSON *doc = vxa_regression_case(ob, c, pp, r, v, &og);
    char name[128], err[600];
    vxa_out_name(c->name, path ? path : salt, name, sizeof name);
    int wrc = doc ? vxa_regression_write(dir, name, doc, err, sizeof err) : VXA_WRITE_FAILED;
    if (!doc) snprintf(err, sizeof err, "out of memory");
    cJSON_Delete(doc);
    if (wrc) fprintf(stderr, "vmxaudit diff --record: %s: not recorded: %s\n", c->name ? c->name : "case", err);
    return wrc;
}

static int minimize_pending(const vxa_campaign_config *cfg, state *s, vxa_backend *b, uint8_t model,
                            const vxa_baselines *bl, const vxa_generator *g, char **files,
                            vxa_journal *j, double t0)
{
    while (s->npend && !interrupted && !(cfg->budget_s > 0 && elapsed_since(t0) > cfg->budget_s)) {
        pending p = s->pend[0];
        vxa_case c;
        int rc = load_item(cfg, g, files, p.index, &c);
        if (rc) return rc;
        double tm = now();
        unsigned long long runs0 = b->runs;
        vxa_verdict ref;
        memset(&ref, 0, sizeof ref);
        if (p.have_ref) {
            /* the reference verdict: the campaign's own batch (no oracle run) */
            ref.status = VXA_V_MISMATCH;
            ref.predicted.result = p.ref[0];
            ref.observed.result = p.ref[1];
            ref.observed.error[0] = p.ref[2];
            ref.observed.nerror = 1;
            ref.observed.exit_reason = p.ref[3];
            ref.observed.vector = p.ref[4];
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
            rc = vxa_minimize_mismatch(b, model, bl, &c, &ref, cfg->min_max_runs, "vmxaudit diff",
                                       cfg->cases_dir ? files[p.index] : c.name, !cfg->cases_dir,
                                       cfg->seed, p.index, &doc, &res);
        if (rc != VXA_ORACLE_OK) { vxa_case_free(&c); return vxa_backend_run_status(rc); }
        char name[400] = "";
        if (doc) {
            /* the case's name is never a path (out_name.h); its index tells twins apart */
            char salt[32];
            snprintf(salt, sizeof salt, "%llu", p.index);
            vxa_out_name(c.name, salt, name, sizeof name);
            char dir[4096], err[600];
            snprintf(dir, sizeof dir, "%s/mismatches", cfg->out);
            int wrc = vxa_regression_write(dir, name, doc, err, sizeof err);
            cJSON_Delete(doc);
            if (wrc) {
                fprintf(stderr, "vmxaudit diff: cannot write a mismatch: %s\n", err);
                vxa_case_free(&c);
                return write_status(wrc);
            }
        }
        cJSON *rec = cJSON_CreateObject();
        cJSON_AddNumberToObject(rec, "min", (double)p.index);
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
        cJSON_AddNumberToObject(rec, "secs", now() - tm);
        vxa_case_free(&c);
        if (vxa_journal_append(j, rec)) {
            int e = errno;
            fprintf(stderr, "vmxaudit diff: %s: %s\n", j->path, strerror(e));
            cJSON_Delete(rec);
            return errno_status(e);
        }
        apply_record(s, rec, 0);
        cJSON_Delete(rec);
    }
    return 0;
}

static cJSON *header_record(const vxa_campaign_config *cfg, const vxa_backend *b, const char *model,
                            unsigned long long total)
{
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "journal", "vmxaudit diff");
    cJSON_AddNumberToObject(h, "version", 1);
    cJSON_AddStringToObject(h, "backend", b->name);
    cJSON_AddStringToObject(h, "cpu", b->cpu ? b->cpu : "host");
    cJSON_AddStringToObject(h, "model", model);
    cJSON_AddStringToObject(h, "profile", b->profile_name);
    cJSON_AddStringToObject(h, "oracle_version", b->probe.backend_version);
    char src[300];
    if (cfg->cases_dir) snprintf(src, sizeof src, "cases %s", cfg->cases_dir);
    else snprintf(src, sizeof src, "generated, seed %llu", cfg->seed);
    cJSON_AddStringToObject(h, "source", src);
    if (cfg->cases_dir) cJSON_AddStringToObject(h, "cases_dir", cfg->cases_dir);
    else cJSON_AddNumberToObject(h, "seed", (double)cfg->seed);
    if (!cfg->cases_dir) cJSON_AddNumberToObject(h, "generator", VXA_GENERATOR_VERSION);
    cJSON_AddNumberToObject(h, "cases", (double)total);
    cJSON_AddNumberToObject(h, "timeout_s", cfg->timeout_s);
    cJSON_AddStringToObject(h, "engine", VMXAUDIT_VERSION);
    return h;
}

/* With --resume: the options the command line left out come from the header; the ones it
 * gives must agree with it. */
static int check_header(vxa_campaign_config *cfg, const cJSON *h)
{
    struct { const char **opt; const char *key; } s[] = {
        { &cfg->backend, "backend" }, { &cfg->cpu, "cpu" }, { &cfg->model, "model" },
        { &cfg->cases_dir, "cases_dir" } };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        const char *hv = jstr(h, s[i].key);
        if (!*s[i].opt) { if (*hv) *s[i].opt = hv; }
        else if (strcmp(*s[i].opt, hv)) {
            fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign has %s '%s', not '%s'\n",
                    s[i].key, hv, *s[i].opt);
            return 2;
        }
    }
    if (!cfg->cases_dir) {
        unsigned long long seed = (unsigned long long)jnum(h, "seed"), n = (unsigned long long)jnum(h, "cases");
        if ((cfg->generate && cfg->generate != n) || (cfg->seed && cfg->seed != seed)) {
            fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign generates %llu cases from seed %llu\n", n, seed);
            return 2;
        }
        cfg->generate = n;
        cfg->seed = seed;
        /* case i of seed S is the generator version's (generator.h); a header without one is
         * version 1's */
        const cJSON *gv = cJSON_GetObjectItemCaseSensitive(h, "generator");
        unsigned ver = cJSON_IsNumber(gv) ? (unsigned)gv->valuedouble : 1;
        if (ver != VXA_GENERATOR_VERSION) {
            fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign was generated by generator version %u; "
                    "this vmxaudit generates version %u (other cases under the same seed): run it again as a new "
                    "campaign, or resume it with the vmxaudit that started it\n", ver, VXA_GENERATOR_VERSION);
            return 2;
        }
    }
    if (cfg->cpu && !strcmp(cfg->cpu, "host")) cfg->cpu = NULL;
    /* the same Bochs version as the journal's (the version is part of the campaign) */
    const char *hv = jstr(h, "oracle_version");
    if (!strcmp(jstr(h, "backend"), "bochs") && *hv) {
        if (!cfg->bochs_version) cfg->bochs_version = hv;
        else if (strcmp(cfg->bochs_version, hv)) {
            fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign ran Bochs %s, not %s\n", hv, cfg->bochs_version);
            return 2;
        }
    }
    return 0;
}

/* The summary and DIR/report.md; 0, or the exit status of a report that was not written. */
static int finish(const vxa_campaign_config *cfg, state *s)
{
    if (cfg->progress) fputc('\n', stderr);
    vxa_summary_table(stdout, &s->st);
    vxa_campaign_stats *all[1] = { &s->st };
    char *md = vxa_report_markdown(all, 1), err[600];
    int wrc = md ? vxa_write_in(cfg->out, "report.md", md, strlen(md), 0, err, sizeof err) : VXA_WRITE_FAILED;
    free(md);
    if (!wrc) {
        printf("report: %s/report.md\n", cfg->out);
        return 0;
    }
    fprintf(stderr, "vmxaudit diff: cannot write the report: %s; the verdicts are safe in the "
            "journal: fix that and run 'vmxaudit diff --resume --out %s' to write it\n",
            md ? err : "out of memory", cfg->out);
    return write_status(wrc);
}

/* What a batch needs: the campaign, the oracle, the judge, and room for cfg->batch cases. */
typedef struct batch_ctx {
    const vxa_campaign_config *cfg;
    const vxa_generator *g;
    char **files;
    vxa_backend *b;
    uint8_t model;
    const vxa_judge_env *env;
    const vxa_observer *ob;
    vxa_case *cases;
    vxa_prepared *pp;
    struct vxa_oracle_case *oc;
    struct vxa_oracle_result *res;
} batch_ctx;

/* Loads, prepares, runs and judges cases idx[0..n) in one oracle run; *out gets the journal's
 * batch record ("batch" 0: the caller numbers it).  Returns 0, 2 (a case that does not load) or
 * the exit status of an oracle that failed; *rec_rc gets the status of a --record write that
 * failed (the batch is still complete). */
static int run_batch(batch_ctx *bc, const unsigned long long *idx, size_t n, cJSON **out, int *rec_rc)
{
    const vxa_campaign_config *cfg = bc->cfg;
    char err[1024];
    static vxa_report rep;
    double tg = now();
    for (size_t k = 0; k < n; k++) {
        int rc = load_item(cfg, bc->g, bc->files, idx[k], &bc->cases[k]);
        if (rc) {
            for (size_t q = 0; q < k; q++) { vxa_case_free(&bc->cases[q]); vxa_prepared_free(&bc->pp[q]); }
            return rc;
        }
        vxa_prepare_case(&bc->cases[k], &bc->b->profile, bc->model, &bc->pp[k]);
        bc->oc[k] = bc->pp[k].oc;
    }
    double tb = now();
    int orc = vxa_backend_run(bc->b, bc->oc, n, bc->res, err, sizeof err);
    double to = now();
    if (orc != VXA_ORACLE_OK) {
        fprintf(stderr, "%svmxaudit diff: %s\n", cfg->progress ? "\n" : "", err);
        for (size_t k = 0; k < n; k++) { vxa_case_free(&bc->cases[k]); vxa_prepared_free(&bc->pp[k]); }
        return vxa_backend_run_status(orc);
    }
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddNumberToObject(rec, "batch", 0);
    cJSON *arr = cJSON_AddArrayToObject(rec, "cases");
    uint32_t *failc = calloc(VXA_CHECK_COUNT, sizeof *failc);
    uint8_t *passb = calloc((VXA_CHECK_COUNT + 3) / 4 + 1, 1);
    for (size_t k = 0; k < n; k++) {
        vxa_verdict v;
        vxa_judge(bc->env, &bc->cases[k], &bc->pp[k], &bc->res[k], &rep, &v);
        /* coverage: failing = violated; passing = evaluated, neither violated nor undetermined */
        uint8_t *seen = calloc(VXA_CHECK_COUNT, 1);
        unsigned nv = rep.nviolations < VXA_MAX_VIOLATIONS ? rep.nviolations : VXA_MAX_VIOLATIONS;
        for (unsigned q = 0; q < nv; q++) seen[rep.violations[q].check] = 1;
        unsigned nu = rep.nundetermined < VXA_MAX_UNDETERMINED ? rep.nundetermined : VXA_MAX_UNDETERMINED;
        for (unsigned q = 0; q < nu; q++) seen[rep.undetermined[q].check] |= 2;
        for (unsigned q = 0; q < VXA_CHECK_COUNT; q++) {
            if (seen[q] & 1) failc[q]++;
            else if (!seen[q]) passb[q / 4] |= (uint8_t)(1u << (q % 4));
        }
        free(seen);
        cJSON *cj = cJSON_CreateObject();
        cJSON_AddNumberToObject(cj, "i", (double)idx[k]);
        char e[80], o[80];
        vxa_outcome_short(&v.predicted, true, e, sizeof e);
        vxa_outcome_short(&v.observed, true, o, sizeof o);
        if (v.status == VXA_V_SKIPPED) {
            cJSON_AddStringToObject(cj, "v", "skipped");
            cJSON_AddStringToObject(cj, "why", v.skip_reason);
            if (v.oracle_text[0]) cJSON_AddStringToObject(cj, "text", v.oracle_text);
        } else {
            cJSON_AddStringToObject(cj, "v", v.status == VXA_V_AGREE ? "agree"
                                             : v.status == VXA_V_UNDETERMINED ? "undetermined" : "mismatch");
            if (v.status == VXA_V_UNDETERMINED)
                cJSON_AddStringToObject(cj, "checks", vxa_check_get((vxa_check)v.checks[0])->id);
            cJSON_AddStringToObject(cj, "o", o);
        }
        if (v.status == VXA_V_MISMATCH) {
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
            if (cfg->record) {   /* the mismatch as executed, as `oracle run --record` writes it */
                int wrc = record_case(cfg->record, bc->ob, &bc->cases[k], cfg->cases_dir ? bc->files[idx[k]] : NULL,
                                      cfg, idx[k], &bc->pp[k], &bc->res[k], &v);
                if (wrc && !*rec_rc) *rec_rc = write_status(wrc);
            }
        }
        cJSON_AddItemToArray(arr, cj);
        vxa_oracle_result_free(&bc->res[k]);
        vxa_prepared_free(&bc->pp[k]);
        vxa_case_free(&bc->cases[k]);
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
    cJSON_AddNumberToObject(rec, "secs", now() - tg);
    cJSON_AddNumberToObject(rec, "oracle_secs", to - tb);
    cJSON_AddNumberToObject(rec, "oracle_runs", 1);
    *out = rec;
    return 0;
}

/* ---- parallel workers (--jobs N) ----
 * N worker processes (fork: each its own oracle and static buffers) run batches; this process
 * hands out case indices, writes every batch record to the one journal and minimizes.  A batch is
 * journaled only once its record is whole, so a SIGKILL of anything at any moment loses no
 * verdict and repeats none after --resume.  A worker that dies costs its batch once: it is run
 * again on a fresh worker, and a second death records its cases as crashed. */
typedef struct worker {
    pid_t pid;
    int to;                       /* requests: the indices of one batch, one line */
    FILE *from;                   /* answers: {"st": status, "wr": --record status, "rec": record} */
    unsigned long long *idx;      /* the batch in flight */
    size_t n;
    unsigned tries;
} worker;

static void worker_main(batch_ctx *bc, int in, int out, pid_t parent)
{
    signal(SIGINT, SIG_IGN);      /* Ctrl-C reaches the process group: the campaign decides */
    signal(SIGTERM, SIG_DFL);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);   /* the campaign killed: its workers with it */
#endif
    if (getppid() != parent) _exit(0);
    FILE *fi = fdopen(in, "r"), *fo = fdopen(out, "w");
    char *line = NULL;
    size_t cap = 0;
    unsigned long long *idx = calloc(bc->cfg->batch, sizeof *idx);
    while (fi && fo && idx && getline(&line, &cap, fi) > 0) {
        size_t n = 0;
        char *p = line, *e;
        while (n < bc->cfg->batch) {
            unsigned long long v = strtoull(p, &e, 10);
            if (e == p) break;
            idx[n++] = v;
            p = e;
        }
        cJSON *rec = NULL, *ans = cJSON_CreateObject();
        int wr = 0, st = run_batch(bc, idx, n, &rec, &wr);
        cJSON_AddNumberToObject(ans, "st", st);
        cJSON_AddNumberToObject(ans, "wr", wr);
        if (rec) cJSON_AddItemToObject(ans, "rec", rec);
        char *t = cJSON_PrintUnformatted(ans);
        cJSON_Delete(ans);
        if (!t || fprintf(fo, "%s\n", t) < 0 || fflush(fo)) _exit(1);
        free(t);
    }
    _exit(0);
}

static int spawn_worker(batch_ctx *bc, worker *w, worker *all, unsigned nall)
{
    int req[2], ans[2];
    if (pipe(req)) return -1;
    if (pipe(ans)) { close(req[0]); close(req[1]); return -1; }
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) { close(req[0]); close(req[1]); close(ans[0]); close(ans[1]); return -1; }
    if (pid == 0) {
        for (unsigned k = 0; k < nall; k++) {     /* the other workers' pipes are not its own */
            if (all[k].pid > 0 && all[k].to >= 0) close(all[k].to);
            if (all[k].pid > 0 && all[k].from) close(fileno(all[k].from));
        }
        close(req[1]);
        close(ans[0]);
        worker_main(bc, req[0], ans[1], parent);
    }
    close(req[0]);
    close(ans[1]);
    w->pid = pid;
    w->to = req[1];
    w->from = fdopen(ans[0], "r");
    w->n = 0;
    return w->from ? 0 : -1;
}

static void reap_worker(worker *w)
{
    if (w->to >= 0) close(w->to);
    if (w->from) fclose(w->from);
    w->to = -1;
    w->from = NULL;
    if (w->pid > 0) waitpid(w->pid, NULL, 0);
    w->pid = 0;
}

/* A batch whose worker died twice: its cases are recorded as crashed. */
static cJSON *crashed_record(const worker *w)
{
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddNumberToObject(rec, "batch", 0);
    cJSON *arr = cJSON_AddArrayToObject(rec, "cases");
    for (size_t k = 0; k < w->n; k++) {
        cJSON *cj = cJSON_CreateObject();
        cJSON_AddNumberToObject(cj, "i", (double)w->idx[k]);
        cJSON_AddStringToObject(cj, "v", "skipped");
        cJSON_AddStringToObject(cj, "why", "crashed");
        cJSON_AddStringToObject(cj, "text", "the worker running this batch died twice");
        cJSON_AddItemToArray(arr, cj);
    }
    cJSON_AddObjectToObject(rec, "fail");
    cJSON_AddStringToObject(rec, "pass", "");
    cJSON_AddNumberToObject(rec, "oracle_runs", 2);
    return rec;
}

static int run_workers(batch_ctx *bc, state *s, vxa_journal *j, const vxa_baselines *bl, double t0,
                       unsigned long long total, int *rec_rc)
{
    const vxa_campaign_config *cfg = bc->cfg;
    unsigned nw = cfg->jobs;
    worker *w = calloc(nw, sizeof *w);
    struct pollfd *pfd = calloc(nw, sizeof *pfd);
    unsigned *who = calloc(nw, sizeof *who);
    unsigned long long *retry = calloc(cfg->batch, sizeof *retry), cursor = 0, run_done = 0;
    size_t nretry = 0;
    int rc = 0;
    struct sigaction ign, old_pipe;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);          /* a dead worker's pipe: EOF, not a signal */
    for (unsigned k = 0; k < nw; k++) {
        w[k].to = -1;
        w[k].idx = calloc(cfg->batch, sizeof *w[k].idx);
    }
    for (unsigned k = 0; k < nw && !rc; k++)
        if (spawn_worker(bc, &w[k], w, nw)) {
            fprintf(stderr, "vmxaudit diff: cannot start a worker: %s\n", strerror(errno));
            rc = 4;
        }
    char *line = NULL;
    size_t cap = 0;
    while (!rc) {
        bool stop = interrupted || *rec_rc || (cfg->budget_s > 0 && elapsed_since(t0) > cfg->budget_s);
        for (unsigned k = 0; k < nw && !stop; k++) {
            if (w[k].pid <= 0 || w[k].n) continue;
            if (nretry) {                         /* the batch of a worker that died: once more */
                memcpy(w[k].idx, retry, nretry * sizeof *retry);
                w[k].n = nretry;
                w[k].tries = 2;
                nretry = 0;
            } else {
                for (; cursor < total && w[k].n < cfg->batch; cursor++)
                    if (!is_done(s, cursor)) w[k].idx[w[k].n++] = cursor;
                w[k].tries = 1;
            }
            if (!w[k].n) continue;
            char buf[32];
            bool ok = true;
            for (size_t q = 0; q < w[k].n && ok; q++) {
                int len = snprintf(buf, sizeof buf, q + 1 < w[k].n ? "%llu " : "%llu\n", w[k].idx[q]);
                ok = write(w[k].to, buf, (size_t)len) == len;
            }
            (void)ok;                             /* a dead worker: its answer is EOF, below */
        }
        unsigned np = 0;
        for (unsigned k = 0; k < nw; k++)
            if (w[k].pid > 0 && w[k].n) {
                pfd[np] = (struct pollfd){ fileno(w[k].from), POLLIN, 0 };
                who[np++] = k;
            }
        if (!np) break;                           /* nothing in flight, nothing to hand out */
        if (poll(pfd, np, 500) <= 0) continue;
        for (unsigned q = 0; q < np && !rc; q++) {
            if (!pfd[q].revents) continue;
            worker *x = &w[who[q]];
            ssize_t got = getline(&line, &cap, x->from);
            cJSON *ans = got > 0 ? cJSON_Parse(line) : NULL;
            if (!ans) {                           /* the worker died with this batch in flight */
                reap_worker(x);
                if (x->tries < 2) {
                    fprintf(stderr, "%svmxaudit diff: a worker died: its %zu cases again on a fresh worker\n",
                            cfg->progress ? "\n" : "", x->n);
                    memcpy(retry, x->idx, x->n * sizeof *retry);
                    nretry = x->n;
                } else {
                    fprintf(stderr, "%svmxaudit diff: a worker died twice on one batch: its %zu cases are "
                            "recorded as crashed\n", cfg->progress ? "\n" : "", x->n);
                    cJSON *rec = crashed_record(x);
                    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "batch"), (double)s->batches);
                    if (vxa_journal_append(j, rec)) rc = errno_status(errno);
                    else apply_record(s, rec, 0);
                    cJSON_Delete(rec);
                }
                x->n = 0;
                if (!rc && spawn_worker(bc, x, w, nw)) {
                    fprintf(stderr, "vmxaudit diff: cannot start a worker: %s\n", strerror(errno));
                    rc = 4;
                }
                continue;
            }
            int st = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ans, "st"));
            int wr = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ans, "wr"));
            cJSON *rec = cJSON_DetachItemFromObjectCaseSensitive(ans, "rec");
            cJSON_Delete(ans);
            size_t n = x->n;
            x->n = 0;
            if (st || !rec) {
                cJSON_Delete(rec);
                rc = st ? st : 4;
                break;
            }
            cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "batch"), (double)s->batches);
            if (vxa_journal_append(j, rec)) {
                int e = errno;
                fprintf(stderr, "%svmxaudit diff: %s: %s\n", cfg->progress ? "\n" : "", j->path, strerror(e));
                cJSON_Delete(rec);
                rc = errno_status(e);
                break;
            }
            apply_record(s, rec, 0);
            cJSON_Delete(rec);
            if (wr && !*rec_rc) *rec_rc = wr;
            run_done += n;
            progress(cfg, s, t0, run_done, total);
            rc = minimize_pending(cfg, s, bc->b, bc->model, bl, bc->g, bc->files, j, t0);
        }
    }
    for (unsigned k = 0; k < nw; k++) {
        if (w[k].pid > 0 && w[k].n) kill(w[k].pid, SIGKILL);   /* stopped by an error: its batch is
                                                                   not journaled, --resume redoes it */
        reap_worker(&w[k]);
        free(w[k].idx);
    }
    sigaction(SIGPIPE, &old_pipe, NULL);
    free(line);
    free(w);
    free(pfd);
    free(who);
    free(retry);
    if (!rc && *rec_rc) rc = *rec_rc;
    return rc;
}

static int campaign_run(const vxa_campaign_config *cfg_in)
{
    vxa_campaign_config cfg = *cfg_in;
    if (!cfg.batch) cfg.batch = VXA_CAMPAIGN_BATCH;
    if (cfg.timeout_s <= 0) cfg.timeout_s = VXA_CAMPAIGN_TIMEOUT_S;
    if (!cfg.min_max_runs) cfg.min_max_runs = VXA_CAMPAIGN_MAX_RUNS;
    static state s;
    memset(&s, 0, sizeof s);
    s.per_sig = cfg.minimize_per_signature;
    vxa_stats_init(&s.st);
    double t0 = now();
    char err[1024] = "";
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/mismatches", cfg.out);
    if (cfg.show < 0 && mkdir(sub, 0755) && errno != EEXIST) {
        fprintf(stderr, "vmxaudit diff: cannot create %s: %s\n", sub, strerror(errno));
        return 2;
    }
    vxa_journal j = { -1, "" };
    if (cfg.resume) {
        if (vxa_journal_open(&j, cfg.out, true, apply_record, &s, err, sizeof err)) {
            fprintf(stderr, "vmxaudit diff: %s\n", err);
            return 2;
        }
        if (!s.have_header) {
            fprintf(stderr, "vmxaudit diff: %s/journal.jsonl has no campaign header\n", cfg.out);
            return 2;
        }
        if (check_header(&cfg, s.header)) return 2;
    } else if (!cfg.backend) {
        fprintf(stderr, "vmxaudit diff: missing --backend bochs|kvm\n");
        return 2;
    }
    if (!cfg.cases_dir && !cfg.generate) {
        fprintf(stderr, "vmxaudit diff: give --cases DIR or --generate N --seed S\n");
        return 2;
    }
    if (cfg.model && vxa_model_by_name(cfg.model) == VXA_MODEL_COUNT) {
        fprintf(stderr, "vmxaudit diff: unknown model '%s' (sdm, bochs-2.7, bochs-3.0)\n", cfg.model);
        return 2;
    }
    char **files = NULL;
    size_t nfiles = 0;
    if (cfg.cases_dir) {
        struct stat st;
        if (stat(cfg.cases_dir, &st) || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "vmxaudit diff: %s: not a folder of cases\n", cfg.cases_dir);
            return 2;
        }
        collect(cfg.cases_dir, &files, &nfiles);
        if (!nfiles) {
            fprintf(stderr, "vmxaudit diff: %s holds no *.json or *.bin case\n", cfg.cases_dir);
            return 2;
        }
    }
    unsigned long long total = cfg.cases_dir ? nfiles : cfg.generate;
    static vxa_backend b;
    b.bochs_path = cfg.bochs;
    b.bochs_version = cfg.bochs_version;
    b.tmp_parent = cfg.show < 0 ? cfg.out : NULL;   /* even a SIGKILL leaves nothing outside DIR */
    int rc = vxa_backend_open(&b, cfg.backend, cfg.cpu, cfg.timeout_s, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return vxa_backend_exit_status(rc);
    }
    if (!cfg.model) cfg.model = b.oracle.id.model;   /* the backend's: bochs-VERSION, sdm */
    vxa_model model = vxa_model_by_name(cfg.model);
    static vxa_baselines bl;
    if (!vxa_baselines_load(&b, (uint8_t)model, &bl, err, sizeof err)) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return 2;
    }
    vxa_generator g = { &b, &bl, cfg.seed };
    if (cfg.show >= 0) {
        vxa_case c;
        if ((rc = load_item(&cfg, &g, files, (unsigned long long)cfg.show, &c))) return rc;
        char *text = vxa_case_to_json(&c);
        puts(text);
        free(text);
        vxa_case_free(&c);
        return 0;
    }
    if (!cfg.resume) {
        if (vxa_journal_open(&j, cfg.out, false, NULL, NULL, err, sizeof err)) {
            fprintf(stderr, "vmxaudit diff: %s\n", err);
            return 2;
        }
        cJSON *h = header_record(&cfg, &b, cfg.model, total);
        if (vxa_journal_append(&j, h)) {
            int e = errno;
            fprintf(stderr, "vmxaudit diff: %s: %s\n", j.path, strerror(e));
            unlink(j.path);                  /* no campaign started: a fresh run starts it */
            return 4;
        }
        apply_record(&s, h, 0);
        cJSON_Delete(h);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    interrupted = 0;

    /* mismatches a killed run selected but did not minimize */
    rc = minimize_pending(&cfg, &s, &b, (uint8_t)model, &bl, &g, files, &j, t0);
    unsigned long long cursor = 0, run_done = 0;
    unsigned long long *idx = calloc(cfg.batch, sizeof *idx);
    const vxa_judge_env env = vxa_judge_env_of(&b.profile, (uint8_t)model, &b.oracle.id, &b.probe);
    const vxa_observer ob = vxa_observer_of(&b);
    batch_ctx bc = { &cfg, &g, files, &b, (uint8_t)model, &env, &ob,
                     calloc(cfg.batch, sizeof(vxa_case)), calloc(cfg.batch, sizeof(vxa_prepared)),
                     calloc(cfg.batch, sizeof(struct vxa_oracle_case)),
                     calloc(cfg.batch, sizeof(struct vxa_oracle_result)) };
    int rec_rc = 0;
    if (!rc && cfg.jobs > 1)
        rc = run_workers(&bc, &s, &j, &bl, t0, total, &rec_rc);
    while (!rc && !rec_rc && !interrupted && cfg.jobs <= 1) {
        if (cfg.budget_s > 0 && elapsed_since(t0) > cfg.budget_s) break;
        size_t n = 0;
        for (; cursor < total && n < cfg.batch; cursor++)
            if (!is_done(&s, cursor)) idx[n++] = cursor;
        if (n == 0) break;
        cJSON *rec = NULL;
        if ((rc = run_batch(&bc, idx, n, &rec, &rec_rc))) break;
        cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "batch"), (double)s.batches);
        if (vxa_journal_append(&j, rec)) {
            int e = errno;
            fprintf(stderr, "%svmxaudit diff: %s: %s\n", cfg.progress ? "\n" : "", j.path, strerror(e));
            cJSON_Delete(rec);
            rc = errno_status(e);
            break;
        }
        apply_record(&s, rec, 0);
        cJSON_Delete(rec);
        if (rec_rc) {                   /* a --record file refused or not written: stop here */
            rc = rec_rc;
            break;
        }
        run_done += n;
        progress(&cfg, &s, t0, run_done, total);
        rc = minimize_pending(&cfg, &s, &b, (uint8_t)model, &bl, &g, files, &j, t0);
    }
    free(bc.cases);
    free(bc.pp);
    free(bc.oc);
    free(bc.res);
    free(idx);
    vxa_journal_close(&j);
    if (rc == 0 || interrupted || rc == 1 || rc == 5) {
        int frc = finish(&cfg, &s);
        if (frc && rc != 5) rc = frc;
    }
    /* incomplete: a signal, the budget, a full disk (exit 5: --resume continues) */
    bool incomplete = !rc && (interrupted || s.st.done < total || s.npend);
    if (incomplete || rc == 5)
        fprintf(stderr, "vmxaudit diff: stopped after %llu of %llu cases (%s): 'vmxaudit diff --resume "
                "--out %s' continues\n", s.st.done, total,
                rc == 5 ? "the disk is full: make room first" : interrupted ? "interrupted" : "budget spent",
                cfg.out);
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    vxa_baselines_free(&bl);
    if (rc) return rc;
    if (incomplete) return 5;
    return s.st.mismatch ? 1 : 0;
}

/* Removes what a killed campaign's oracle left in DIR (.vxa-bochs.XXXXXX folders); the caller
 * holds DIR's lock, so no live campaign uses them. */
static void remove_stale_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, ".vxa-bochs.", 11)) continue;
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        DIR *t = opendir(p);
        struct dirent *f;
        while (t && (f = readdir(t))) {
            if (f->d_name[0] == '.') continue;
            char q[4700];
            snprintf(q, sizeof q, "%s/%s", p, f->d_name);
            unlink(q);
        }
        if (t) closedir(t);
        rmdir(p);
    }
    if (d) closedir(d);
}

static int count_record(void *ctx, const cJSON *rec, unsigned line)
{
    (void)rec, (void)line;
    ++*(unsigned *)ctx;
    return 0;
}

/* The campaign's folder, held with an advisory lock for the whole run (out_lock.h); the
 * oracle's temporary files go inside it. */
int vxa_campaign_run(const vxa_campaign_config *cfg)
{
    if (cfg->show >= 0) return campaign_run(cfg);
    struct stat st;
    if (cfg->resume && (stat(cfg->out, &st) || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "vmxaudit diff: --resume: %s is not a campaign's folder\n", cfg->out);
        return 2;
    }
    if (!cfg->resume && mkdir(cfg->out, 0755) && errno != EEXIST) {
        fprintf(stderr, "vmxaudit diff: cannot create %s: %s\n", cfg->out, strerror(errno));
        return 2;
    }
    char err[4400];
    int lock = vxa_out_lock(cfg->out, err, sizeof err);
    if (lock < 0) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return 2;
    }
    remove_stale_tmp(cfg->out);
    /* a journal without one complete record: a campaign killed while it started */
    char jp[4200];
    snprintf(jp, sizeof jp, "%s/journal.jsonl", cfg->out);
    unsigned nrec = 0;
    if (stat(jp, &st) == 0 && !vxa_journal_read(cfg->out, count_record, &nrec, err, sizeof err) && !nrec) {
        if (cfg->resume) {
            fprintf(stderr, "vmxaudit diff: %s holds no campaign yet (it was stopped while it started): "
                    "run the campaign again without --resume\n", jp);
            vxa_out_unlock(lock);
            return 2;
        }
        unlink(jp);                             /* nothing in it: start afresh */
    }
    int rc = campaign_run(cfg);
    vxa_out_unlock(lock);
    return rc;
}

/* ---- the combined report ---- */

int vxa_campaign_report(const char *out, char **dirs, int n)
{
    vxa_campaign_stats **all = calloc((size_t)n, sizeof *all);
    state *states = calloc((size_t)n, sizeof *states);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char err[1024] = "";
        vxa_stats_init(&states[i].st);
        states[i].per_sig = 0;
        if (vxa_journal_read(dirs[i], apply_record, &states[i], err, sizeof err)) {
            fprintf(stderr, "vmxaudit diff: %s\n", err);
            rc = 2;
        }
        /* minimized files are relative to their campaign */
        for (unsigned k = 0; k < states[i].st.nsigs; k++)
            if (states[i].st.sigs[k].file[0]) {
                char f[700];
                snprintf(f, sizeof f, "%s/%s", dirs[i], states[i].st.sigs[k].file);
                memcpy(states[i].st.sigs[k].file, f, sizeof states[i].st.sigs[k].file - 1);
            }
        all[i] = &states[i].st;
    }
    if (!rc) {
        if (mkdir(out, 0755) && errno != EEXIST) {
            fprintf(stderr, "vmxaudit diff: cannot create %s: %s\n", out, strerror(errno));
            rc = 2;
        } else {
            char *md = vxa_report_markdown(all, (size_t)n), err[600];
            int wrc = md ? vxa_write_in(out, "report.md", md, strlen(md), 0, err, sizeof err) : VXA_WRITE_FAILED;
            if (wrc) {
                fprintf(stderr, "vmxaudit diff: cannot write the report: %s\n", md ? err : "out of memory");
                rc = 2;
            } else {
                printf("report: %s/report.md\n", out);
            }
            free(md);
        }
    }
    free(all);
    free(states);
    return rc;
}
