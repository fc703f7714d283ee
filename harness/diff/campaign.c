/* campaign.c — see campaign.h; the parts are in campaign_impl.h.  vxa_campaign_run reads as
 * setup (the oracle, the cases, the journal) / resume (the journal replayed) / batches / minimize
 * / finish (the summary and report.md).  Everything a campaign holds is in one vxa_campaign. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "campaign_impl.h"
#include "out_file.h"
#include "out_lock.h"

static void on_signal(int s) { (void)s; vxa_campaign_interrupted = 1; }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* --cases DIR: every *.json and *.bin below DIR, sorted by path (the case index is the rank). */
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

/* Resume: the journal replayed into c->s; the options left out come from its header. */
static int resume(vxa_campaign *c, char *err, size_t errlen)
{
    vxa_campaign_config *cfg = &c->cfg;
    if (vxa_journal_open(&c->j, cfg->out, true, vxa_state_apply, &c->s, err, errlen)) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return 2;
    }
    if (!c->s.have_header) {
        fprintf(stderr, "vmxaudit diff: %s/journal.jsonl has no campaign header\n", cfg->out);
        return 2;
    }
    return vxa_header_check(cfg, c->s.header);
}

/* Setup: the options' defaults, the cases, the oracle, its baselines and the generator. */
static int setup(vxa_campaign *c, char *err, size_t errlen)
{
    vxa_campaign_config *cfg = &c->cfg;
    if (!cfg->batch) cfg->batch = VXA_CAMPAIGN_BATCH;
    if (cfg->timeout_s <= 0) cfg->timeout_s = VXA_CAMPAIGN_TIMEOUT_S;
    if (!cfg->min_max_runs) cfg->min_max_runs = VXA_CAMPAIGN_MAX_RUNS;
    if (!cfg->minimize_set) cfg->minimize_per_signature = VXA_CAMPAIGN_MINIMIZE;
    if (!cfg->resume && !cfg->backend) {
        fprintf(stderr, "vmxaudit diff: missing --backend bochs|kvm\n");
        return 2;
    }
    if (!cfg->cases_dir && !cfg->generate) {
        fprintf(stderr, "vmxaudit diff: give --cases DIR or --generate N --seed S\n");
        return 2;
    }
    if (cfg->model && vxa_model_by_name(cfg->model) == VXA_MODEL_COUNT) {
        fprintf(stderr, "vmxaudit diff: unknown model '%s' (sdm, bochs-2.7, bochs-3.0)\n", cfg->model);
        return 2;
    }
    if (cfg->cases_dir) {
        struct stat st;
        if (stat(cfg->cases_dir, &st) || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "vmxaudit diff: %s: not a folder of cases\n", cfg->cases_dir);
            return 2;
        }
        collect(cfg->cases_dir, &c->files, &c->nfiles);
        if (!c->nfiles) {
            fprintf(stderr, "vmxaudit diff: %s holds no *.json or *.bin case\n", cfg->cases_dir);
            return 2;
        }
    }
    c->b.bochs_path = cfg->bochs;
    c->b.bochs_version = cfg->bochs_version;
    c->b.tmp_parent = cfg->show < 0 ? cfg->out : NULL;   /* even a SIGKILL leaves nothing outside DIR */
    int rc = vxa_backend_open(&c->b, cfg->backend, cfg->cpu, cfg->timeout_s, err, errlen);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return vxa_backend_exit_status(rc);
    }
    if (!cfg->model) cfg->model = c->b.oracle.id.model;   /* the backend's: bochs-VERSION, sdm */
    c->model = (uint8_t)vxa_model_by_name(cfg->model);
    if (!vxa_baselines_load(&c->b, c->model, &c->bl, err, errlen)) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return 2;
    }
    c->g = (vxa_generator){ &c->b, &c->bl, cfg->seed };
    c->env = vxa_judge_env_of(&c->b.profile, c->model, &c->b.oracle.id, &c->b.probe);
    c->ob = vxa_observer_of(&c->b);
    c->rep = calloc(1, sizeof *c->rep);
    c->cases = calloc(cfg->batch, sizeof *c->cases);
    c->pp = calloc(cfg->batch, sizeof *c->pp);
    c->oc = calloc(cfg->batch, sizeof *c->oc);
    c->res = calloc(cfg->batch, sizeof *c->res);
    if (!c->rep || !c->cases || !c->pp || !c->oc || !c->res) {
        fprintf(stderr, "vmxaudit diff: out of memory\n");
        return 4;
    }
    return 0;
}

/* A fresh campaign's journal and its header. */
static int start_journal(vxa_campaign *c, char *err, size_t errlen)
{
    vxa_campaign_config *cfg = &c->cfg;
    if (vxa_journal_open(&c->j, cfg->out, false, NULL, NULL, err, errlen)) {
        fprintf(stderr, "vmxaudit diff: %s\n", err);
        return 2;
    }
    cJSON *h = vxa_header_record(cfg, &c->b, cfg->model, cfg->cases_dir ? c->nfiles : cfg->generate);
    if (vxa_journal_append(&c->j, h)) {
        int e = errno;
        fprintf(stderr, "vmxaudit diff: %s: %s\n", c->j.path, strerror(e));
        unlink(c->j.path);                  /* no campaign started: a fresh run starts it */
        cJSON_Delete(h);
        return 4;
    }
    vxa_state_apply(&c->s, h, 0);
    cJSON_Delete(h);
    return 0;
}

/* Batches in this process (--jobs 1), each journaled, its mismatches minimized as they become
 * the lowest of their signature. */
static int batches(vxa_campaign *c)
{
    if (c->cfg.jobs > 1) return vxa_run_workers(c);
    unsigned long long cursor = 0, total = c->s.cases;
    unsigned long long *idx = calloc(c->cfg.batch, sizeof *idx);
    int rc = idx ? 0 : 4;
    while (!rc && !vxa_campaign_interrupted && !vxa_campaign_over_budget(c)) {
        size_t n = 0;
        for (; cursor < total && n < c->cfg.batch; cursor++)
            if (vxa_state_owns(&c->s, cursor) && !vxa_state_is_done(&c->s, cursor)) idx[n++] = cursor;
        if (n == 0) break;
        cJSON *rec = NULL;
        if ((rc = vxa_run_batch(c, idx, n, &rec))) break;
        rc = vxa_campaign_journal_batch(c, rec);
        cJSON_Delete(rec);
        if (rc) break;
        if (c->rec_rc) {                   /* a --record file refused or not written: stop here */
            rc = c->rec_rc;
            break;
        }
        c->run_done += n;
        vxa_campaign_progress(c);
        rc = vxa_minimize_pending(c);
    }
    free(idx);
    if (!rc && c->rec_rc) rc = c->rec_rc;
    return rc;
}

/* The summary and DIR/report.md; 0, or the exit status of a report that was not written. */
static int finish(const char *out, bool progress, vxa_campaign_stats *st)
{
    if (progress) fputc('\n', stderr);
    vxa_summary_table(stdout, st);
    vxa_campaign_stats *all[1] = { st };
    char *md = vxa_report_markdown(all, 1), err[600];
    int wrc = md ? vxa_write_in(out, "report.md", md, strlen(md), 0, err, sizeof err) : VXA_WRITE_FAILED;
    free(md);
    if (!wrc) {
        printf("report: %s/report.md\n", out);
        return 0;
    }
    fprintf(stderr, "vmxaudit diff: cannot write the report: %s; the verdicts are safe in the "
            "journal: fix that and run 'vmxaudit diff --resume --out %s' to write it\n",
            md ? err : "out of memory", out);
    return vxa_write_status(wrc);
}

/* --show I: case I of the campaign as JSON; nothing run. */
static int show(vxa_campaign *c)
{
    vxa_case k;
    int rc = vxa_load_item(c, (unsigned long long)c->cfg.show, &k);
    if (rc) return rc;
    char *text = vxa_case_to_json(&k);
    puts(text);
    free(text);
    vxa_case_free(&k);
    return 0;
}

static void campaign_free(vxa_campaign *c)
{
    vxa_journal_close(&c->j);
    free(c->cases);
    free(c->pp);
    free(c->oc);
    free(c->res);
    free(c->rep);
    for (size_t i = 0; i < c->nfiles; i++) free(c->files[i]);
    free(c->files);
    vxa_baselines_free(&c->bl);
    vxa_state_free(&c->s);
}

static int campaign_run(vxa_campaign *c)
{
    vxa_campaign_config *cfg = &c->cfg;
    char err[1024] = "";
    char sub[4096];
    c->t0 = vxa_now();
    snprintf(sub, sizeof sub, "%s/mismatches", cfg->out);
    if (cfg->show < 0 && mkdir(sub, 0755) && errno != EEXIST) {
        fprintf(stderr, "vmxaudit diff: cannot create %s: %s\n", sub, strerror(errno));
        return 2;
    }
    int rc = cfg->resume ? resume(c, err, sizeof err) : 0;
    if (!rc) rc = setup(c, err, sizeof err);
    if (rc) return rc;
    if (cfg->show >= 0) return show(c);
    if (!cfg->resume && (rc = start_journal(c, err, sizeof err))) return rc;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    vxa_campaign_interrupted = 0;

    rc = vxa_minimize_pending(c);          /* what a killed run chose but did not minimize */
    if (!rc) rc = batches(c);
    if (!rc) rc = vxa_minimize_pending(c); /* the last batches' */
    vxa_journal_close(&c->j);
    for (unsigned k = 0; k < c->s.ndropped; k++) {   /* displaced candidates' files (state.c) */
        char path[PATH_MAX + 320];
        snprintf(path, sizeof path, "%s/%s", cfg->out, c->s.dropped[k]);
        if (remove(path) && errno != ENOENT)
            fprintf(stderr, "vmxaudit diff: %s: %s\n", path, strerror(errno));
    }
    if (rc == 0 || vxa_campaign_interrupted || rc == 1 || rc == 5) {
        int frc = finish(cfg->out, cfg->progress, &c->s.st);
        if (frc && rc != 5) rc = frc;
    }
    /* incomplete: a signal, the budget, a full disk (exit 5: --resume continues) */
    bool incomplete = !rc && (vxa_campaign_interrupted || !vxa_state_complete(&c->s));
    if (incomplete || rc == 5)
        fprintf(stderr, "vmxaudit diff: stopped after %llu of %llu cases (%s): 'vmxaudit diff --resume "
                "--out %s' continues\n", c->s.st.done, c->s.st.total,
                rc == 5 ? "the disk is full: make room first" : vxa_campaign_interrupted ? "interrupted" : "budget spent",
                cfg->out);
    if (rc) return rc;
    if (incomplete) return 5;
    return c->s.st.mismatch ? 1 : 0;
}

static int campaign_run_alloc(const vxa_campaign_config *cfg)
{
    vxa_campaign *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "vmxaudit diff: out of memory\n");
        return 4;
    }
    c->cfg = *cfg;
    c->j.fd = -1;
    vxa_state_init(&c->s, cfg->minimize_set ? cfg->minimize_per_signature : VXA_CAMPAIGN_MINIMIZE);
    int rc = campaign_run(c);
    campaign_free(c);
    free(c);
    return rc;
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
    if (cfg->show >= 0) return campaign_run_alloc(cfg);
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
    int rc = campaign_run_alloc(cfg);
    vxa_out_unlock(lock);
    return rc;
}

/* ---- the combined report ---- */

int vxa_campaign_report(const char *out, char **dirs, int n)
{
    vxa_campaign_stats **all = calloc((size_t)n, sizeof *all);
    vxa_campaign_state *states = calloc((size_t)n, sizeof *states);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char err[1024] = "";
        vxa_state_init(&states[i], 0);
        if (vxa_journal_read(dirs[i], vxa_state_apply, &states[i], err, sizeof err)) {
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
    for (int i = 0; i < n; i++) vxa_state_free(&states[i]);
    free(states);
    return rc;
}
