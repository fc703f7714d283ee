/* campaign_merge.c — `vmxaudit diff merge OUT DIR...` (campaign.h): the journals of the shards of
 * one campaign (diff --shard K/N) into OUT as one run of the whole campaign writes it.  Every
 * batch record is copied (the verdicts, coverage and signatures follow from them); of the
 * minimizations, those of the whole campaign's candidates (the lowest case indices of each
 * signature, campaign_state.c) are kept with their regression files copied byte for byte; the
 * others (a shard's lowest that another shard undercuts) are kept as "superseded" records, so
 * their oracle runs still count.  The result is a campaign folder like any other: diff --report
 * reads it, and after a --partial merge diff --resume runs the missing cases. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "campaign_impl.h"
#include "out_file.h"
#include "out_lock.h"

typedef struct shard {
    const char *dir;
    vxa_campaign_state s;
    unsigned k, n;
} shard;

static int cmp_shard(const void *a, const void *b)
{
    const shard *x = a, *y = b;
    return x->k < y->k ? -1 : x->k > y->k;
}

typedef struct copy_ctx {
    vxa_journal *j;
    vxa_campaign_state *m;
    const char *from, *out;
    bool mins;                 /* pass 1: batch records; pass 2: minimizations */
    int rc;
} copy_ctx;

static char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, k;
    do {
        if (n == cap) {
            char *nb = realloc(buf, (cap = cap * 2 + 65536));
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
        }
        k = fread(buf + n, 1, cap - n, f);
        n += k;
    } while (k > 0);
    fclose(f);
    *len = n;
    return buf;
}

static bool is_candidate(vxa_campaign_state *m, unsigned long long i)
{
    for (unsigned k = 0; k < m->npicks; k++)
        for (unsigned q = 0; q < m->picks[k].n; q++)
            if (m->picks[k].c[q].index == i && !m->picks[k].c[q].minimized) return true;
    return false;
}

static int copy_record(void *vctx, const cJSON *rec, unsigned line)
{
    (void)line;
    copy_ctx *cx = vctx;
    bool batch = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(rec, "cases"));
    bool min = cJSON_GetObjectItemCaseSensitive(rec, "min") != NULL;
    if (cx->rc || (cx->mins ? !min : !batch)) return 0;
    cJSON *r = cJSON_Duplicate(rec, 1);
    if (batch) cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(r, "batch"), (double)cx->m->batches);
    else if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "superseded"))) {
        const char *file = vxa_jstr(r, "file");     /* validated: mismatches/NAME or "" */
        if (!is_candidate(cx->m, (unsigned long long)vxa_jnum(r, "min")))
            cJSON_AddBoolToObject(r, "superseded", true);
        else if (*file) {
            char src[PATH_MAX + 400], err[PATH_MAX + 600];
            snprintf(src, sizeof src, "%s/%s", cx->from, file);
            size_t len;
            char *data = slurp_file(src, &len);
            char dir[PATH_MAX + 20];
            snprintf(dir, sizeof dir, "%s/mismatches", cx->out);
            int wrc = data ? vxa_write_in(dir, file + 11, data, len, 0, err, sizeof err) : VXA_WRITE_FAILED;
            if (!data) snprintf(err, sizeof err, "%s: %s", src, strerror(errno));
            free(data);
            if (wrc) {
                fprintf(stderr, "vmxaudit diff merge: %s\n", err);
                cx->rc = data ? vxa_write_status(wrc) : 2;
            }
        }
    }
    if (!cx->rc && vxa_journal_append(cx->j, r)) {
        fprintf(stderr, "vmxaudit diff merge: %s: %s\n", cx->j->path, strerror(errno));
        cx->rc = vxa_errno_status(errno);
    }
    if (!cx->rc) cx->rc = vxa_state_apply(cx->m, r, 0);
    cJSON_Delete(r);
    return 0;
}

/* The shards read and checked: one campaign, one split, each shard once, all there and finished
 * (unless partial).  Returns 0 or 2. */
static int check_shards(shard *sh, int n, bool partial)
{
    char err[1200];
    for (int i = 0; i < n; i++) {
        err[0] = 0;
        vxa_state_init(&sh[i].s, 0);
        if (vxa_journal_read(sh[i].dir, vxa_state_apply, &sh[i].s, err, sizeof err)) {
            fprintf(stderr, "vmxaudit diff merge: %s\n", err);
            return 2;
        }
        if (!sh[i].s.have_header) {
            fprintf(stderr, "vmxaudit diff merge: %s/journal.jsonl: no campaign header (not a campaign)\n", sh[i].dir);
            return 2;
        }
        sh[i].k = sh[i].s.shard_k;
        sh[i].n = sh[i].s.shard_n ? sh[i].s.shard_n : 1;
    }
    for (int i = 1; i < n; i++) {
        const char *key = vxa_header_differs(sh[0].s.header, sh[i].s.header);
        if (key) {
            char *a = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(sh[0].s.header, key));
            char *b = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(sh[i].s.header, key));
            fprintf(stderr, "vmxaudit diff merge: %s and %s are not shards of one campaign: their %s differs "
                    "(%s, %s)\n", sh[0].dir, sh[i].dir, key, a ? a : "none", b ? b : "none");
            free(a);
            free(b);
            return 2;
        }
        if (sh[i].n != sh[0].n) {
            fprintf(stderr, "vmxaudit diff merge: %s is shard %u/%u and %s shard %u/%u: shards of different "
                    "splits overlap (merge the shards of one --shard K/N split)\n",
                    sh[0].dir, sh[0].k, sh[0].n, sh[i].dir, sh[i].k, sh[i].n);
            return 2;
        }
    }
    qsort(sh, (size_t)n, sizeof *sh, cmp_shard);
    for (int i = 1; i < n; i++)
        if (sh[i].k == sh[i - 1].k) {
            fprintf(stderr, "vmxaudit diff merge: shard %u/%u is given twice: %s and %s\n",
                    sh[i].k, sh[i].n, sh[i - 1].dir, sh[i].dir);
            return 2;
        }
    unsigned N = sh[0].n, missing = 0;
    char list[512] = "";
    for (unsigned k = 0, i = 0; k < N; k++) {
        if (i < (unsigned)n && sh[i].k == k) { i++; continue; }
        if (missing++ < 16)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%u/%u", *list ? ", " : "", k, N);
    }
    if (missing && !partial) {
        fprintf(stderr, "vmxaudit diff merge: %u of %u shards missing: %s%s (give them, or --partial to merge "
                "without them)\n", missing, N, list, missing > 16 ? ", ..." : "");
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if (vxa_state_complete(&sh[i].s)) continue;
        fprintf(stderr, "vmxaudit diff merge: %s: shard %u/%u is not finished (%llu of %llu cases done)%s: "
                "'vmxaudit diff --resume --out %s' finishes it\n", sh[i].dir, sh[i].k, sh[i].n,
                sh[i].s.st.done, sh[i].s.st.total, partial ? ", merged as it is" : "", sh[i].dir);
        if (!partial) return 2;
    }
    if (missing) fprintf(stderr, "vmxaudit diff merge: --partial: without shards %s%s\n", list, missing > 16 ? ", ..." : "");
    return 0;
}

static int merge_into(const char *out, shard *sh, int n)
{
    char err[1200], sub[PATH_MAX + 20];
    snprintf(sub, sizeof sub, "%s/mismatches", out);
    if (mkdir(sub, 0755) && errno != EEXIST) {
        fprintf(stderr, "vmxaudit diff merge: cannot create %s: %s\n", sub, strerror(errno));
        return 2;
    }
    vxa_journal j = { -1, "" };
    if (vxa_journal_open(&j, out, false, NULL, NULL, err, sizeof err)) {
        fprintf(stderr, "vmxaudit diff merge: %s\n", err);
        return 2;
    }
    vxa_campaign_state *m = calloc(1, sizeof *m);
    vxa_state_init(m, 0);
    /* the whole campaign's header: no shard, batch size or jobs (each shard had its own) */
    cJSON *h = cJSON_Duplicate(sh[0].s.header, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(h, "shard");
    cJSON_DeleteItemFromObjectCaseSensitive(h, "batch_size");
    cJSON_DeleteItemFromObjectCaseSensitive(h, "jobs");
    cJSON_AddNumberToObject(h, "merged_shards", n);
    int rc = 0;
    if (vxa_journal_append(&j, h)) {
        fprintf(stderr, "vmxaudit diff merge: %s: %s\n", j.path, strerror(errno));
        rc = vxa_errno_status(errno);
    } else {
        rc = vxa_state_apply(m, h, 0);
    }
    cJSON_Delete(h);
    /* every shard's batches, then the minimizations: the candidates are then the whole campaign's */
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (int i = 0; i < n && !rc; i++) {
            copy_ctx cx = { &j, m, sh[i].dir, out, pass == 1, 0 };
            err[0] = 0;
            if (vxa_journal_read(sh[i].dir, copy_record, &cx, err, sizeof err)) {
                fprintf(stderr, "vmxaudit diff merge: %s\n", err);
                rc = 2;
            }
            if (cx.rc) rc = cx.rc;
        }
    vxa_journal_close(&j);
    if (!rc) {
        vxa_summary_table(stdout, &m->st);
        vxa_campaign_stats *all[1] = { &m->st };
        char *md = vxa_report_markdown(all, 1);
        int wrc = md ? vxa_write_in(out, "report.md", md, strlen(md), 0, err, sizeof err) : VXA_WRITE_FAILED;
        free(md);
        if (wrc) {
            fprintf(stderr, "vmxaudit diff merge: cannot write the report: %s\n", err);
            rc = vxa_write_status(wrc);
        } else {
            printf("merged %d shard%s: %llu of %llu cases, %llu minimization runs not kept\nreport: %s/report.md\n",
                   n, n == 1 ? "" : "s", m->st.done, m->st.total, m->superseded_runs, out);
        }
    }
    if (!rc && m->st.mismatch) rc = 1;
    vxa_state_free(m);
    free(m);
    return rc;
}

int vxa_campaign_merge(const char *out, char **dirs, int n, bool partial)
{
    if (n < 1) {
        fprintf(stderr, "vmxaudit diff merge: no shard folder given (vmxaudit diff merge OUT DIR...)\n");
        return 2;
    }
    char ro[PATH_MAX];
    shard *sh = calloc((size_t)n, sizeof *sh);
    int rc = sh ? 0 : 4;
    for (int i = 0; i < n && !rc; i++) {
        sh[i].dir = dirs[i];
        char rd[PATH_MAX];
        if (realpath(out, ro) && realpath(dirs[i], rd) && !strcmp(ro, rd)) {
            fprintf(stderr, "vmxaudit diff merge: %s is both the output and a shard\n", out);
            rc = 2;
        }
    }
    if (!rc) rc = check_shards(sh, n, partial);
    if (!rc && mkdir(out, 0755) && errno != EEXIST) {
        fprintf(stderr, "vmxaudit diff merge: cannot create %s: %s\n", out, strerror(errno));
        rc = 2;
    }
    if (!rc) {
        char err[PATH_MAX + 200];
        int lock = vxa_out_lock(out, err, sizeof err);
        if (lock < 0) {
            fprintf(stderr, "vmxaudit diff merge: %s\n", err);
            rc = 2;
        } else {
            rc = merge_into(out, sh, n);
            vxa_out_unlock(lock);
        }
    }
    for (int i = 0; sh && i < n; i++) vxa_state_free(&sh[i].s);
    free(sh);
    return rc;
}
