/* campaign_workers.c — --jobs N (campaign_impl.h): N worker processes (fork: each its own
 * oracle) run batches; this process hands out case indices, writes every batch record to the one
 * journal and minimizes.  A batch is journaled only once its record is whole, so a SIGKILL of
 * anything at any moment loses no verdict and repeats none after --resume.  A worker that dies
 * costs its batch once: it is run again on a fresh worker, and a second death records its cases
 * as crashed. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "campaign_impl.h"

typedef struct worker {
    pid_t pid;
    int to;                       /* requests: the indices of one batch, one line */
    FILE *from;                   /* answers: {"st": status, "wr": --record status, "rec": record} */
    unsigned long long *idx;      /* the batch in flight */
    size_t n;
    unsigned tries;
} worker;

static void worker_main(vxa_campaign *c, int in, int out, pid_t parent)
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
    unsigned long long *idx = calloc(c->cfg.batch, sizeof *idx);
    while (fi && fo && idx && getline(&line, &cap, fi) > 0) {
        size_t n = 0;
        char *p = line, *e;
        while (n < c->cfg.batch) {
            unsigned long long v = strtoull(p, &e, 10);
            if (e == p) break;
            idx[n++] = v;
            p = e;
        }
        cJSON *rec = NULL, *ans = cJSON_CreateObject();
        c->rec_rc = 0;
        int st = vxa_run_batch(c, idx, n, &rec), wr = c->rec_rc;
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

static int spawn_worker(vxa_campaign *c, worker *w, worker *all, unsigned nall)
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
        worker_main(c, req[0], ans[1], parent);
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

int vxa_run_workers(vxa_campaign *c)
{
    const vxa_campaign_config *cfg = &c->cfg;
    vxa_campaign_state *s = &c->s;
    unsigned long long total = s->cases;
    int *rec_rc = &c->rec_rc;
    unsigned nw = cfg->jobs;
    worker *w = calloc(nw, sizeof *w);
    struct pollfd *pfd = calloc(nw, sizeof *pfd);
    unsigned *who = calloc(nw, sizeof *who);
    unsigned long long *retry = calloc(cfg->batch, sizeof *retry), cursor = 0;
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
        if (spawn_worker(c, &w[k], w, nw)) {
            fprintf(stderr, "vmxaudit diff: cannot start a worker: %s\n", strerror(errno));
            rc = 4;
        }
    char *line = NULL;
    size_t cap = 0;
    while (!rc) {
        bool stop = vxa_campaign_interrupted || *rec_rc || vxa_campaign_over_budget(c);
        for (unsigned k = 0; k < nw && !stop; k++) {
            if (w[k].pid <= 0 || w[k].n) continue;
            if (nretry) {                         /* the batch of a worker that died: once more */
                memcpy(w[k].idx, retry, nretry * sizeof *retry);
                w[k].n = nretry;
                w[k].tries = 2;
                nretry = 0;
            } else {
                for (; cursor < total && w[k].n < cfg->batch; cursor++)
                    if (vxa_state_owns(s, cursor) && !vxa_state_is_done(s, cursor)) w[k].idx[w[k].n++] = cursor;
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
                    rc = vxa_campaign_journal_batch(c, rec);
                    cJSON_Delete(rec);
                }
                x->n = 0;
                if (!rc && spawn_worker(c, x, w, nw)) {
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
            rc = vxa_campaign_journal_batch(c, rec);
            cJSON_Delete(rec);
            if (rc) break;
            if (wr && !*rec_rc) *rec_rc = wr;
            c->run_done += n;
            vxa_campaign_progress(c);
            rc = vxa_minimize_pending(c);
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

