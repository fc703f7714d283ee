/* campaign_state.c — what the journal says (campaign_impl.h).  The journal holds three kinds of
 * record: the header (what the campaign is), one record per batch (every case's verdict, the
 * checks seen failing and passing, the batch's time) and one per minimized mismatch.  The
 * in-memory state is only ever built by applying records — the same function for a live batch,
 * a resumed journal, a report and a merge — so a resumed campaign counts exactly what a
 * campaign that was never killed counts. */
#include <stdlib.h>
#include <string.h>
#include "campaign_impl.h"
#include "generator.h"
#include "out_name.h"

#define VXA_JOURNAL_MAX_CASES (1ull << 40)

void vxa_state_init(vxa_campaign_state *s, unsigned per_sig)
{
    memset(s, 0, sizeof *s);
    s->per_sig = per_sig;
    vxa_stats_init(&s->st);
}

void vxa_state_free(vxa_campaign_state *s)
{
    for (unsigned k = 0; k < s->npicks; k++) free(s->picks[k].c);
    free(s->picks);
    free(s->dropped);
    free(s->done);
    cJSON_Delete(s->header);
    free(s->st.sigs);
    free(s->st.skips);
    free(s->st.min_runs);
    free(s->st.min_cands);
    free(s->st.min_fields);
    free(s->st.min_ms);
    memset(s, 0, sizeof *s);
}

bool vxa_state_is_done(const vxa_campaign_state *s, unsigned long long i)
{
    return i < s->ndone_cap && (s->done[i >> 3] >> (i & 7) & 1);
}

bool vxa_state_owns(const vxa_campaign_state *s, unsigned long long i)
{
    return !s->shard_n || i % s->shard_n == s->shard_k;
}

/* i is below the header's case count (validate), itself at most VXA_JOURNAL_MAX_CASES. */
static int mark_done(vxa_campaign_state *s, unsigned long long i)
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
    while (s->low < s->cases && (!vxa_state_owns(s, s->low) || vxa_state_is_done(s, s->low))) s->low++;
    return 0;
}

const char *vxa_jstr(const cJSON *o, const char *k)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(it) ? it->valuestring : "";
}
double vxa_jnum(const cJSON *o, const char *k)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(it) ? it->valuedouble : 0;
}

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

/* The header's "shard": absent, or [K, N] with K < N. */
static bool header_shard(const cJSON *h, unsigned *k, unsigned *n)
{
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(h, "shard");
    *k = *n = 0;
    if (!sh) return true;
    if (!cJSON_IsArray(sh) || cJSON_GetArraySize(sh) != 2) return false;
    double dk = cJSON_GetNumberValue(cJSON_GetArrayItem(sh, 0)), dn = cJSON_GetNumberValue(cJSON_GetArrayItem(sh, 1));
    if (!(dn >= 1 && dn <= 1e6 && dk >= 0 && dk < dn && dk == (unsigned)dk && dn == (unsigned)dn)) return false;
    *k = (unsigned)dk;
    *n = (unsigned)dn;
    return true;
}

/* Every record is checked before it is used: indices below the header's case count (and in
 * its shard), counts non-negative integers, files inside mismatches/. */
static int validate_record(const vxa_campaign_state *s, const cJSON *rec, unsigned line)
{
    double d;
    if (cJSON_GetObjectItemCaseSensitive(rec, "journal")) {
        unsigned k, n;
        if (!jcount(rec, "cases", (double)VXA_JOURNAL_MAX_CASES, &d) || !jcount(rec, "seed", 1.8e19, &d))
            return damaged(line, "the header's \"cases\" or \"seed\" is not a count");
        if (!header_shard(rec, &k, &n)) return damaged(line, "the header's \"shard\" is not [K, N] with K < N");
        if (!jcount(rec, "batch_size", 100000, &d) || !jcount(rec, "minimize", 4e9, &d) ||
            !jcount(rec, "max_runs", 4e9, &d))
            return damaged(line, "the header's batch size or minimization limits are not counts");
        return 0;
    }
    if (!s->have_header) return damaged(line, "a record before the campaign's header");
    double total = (double)s->cases;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(rec, "cases");
    if (cases) {
        if (!cJSON_IsArray(cases)) return damaged(line, "\"cases\" is not an array");
        if (!jsecs(rec, "secs") || !jsecs(rec, "oracle_secs") || !jcount(rec, "oracle_runs", 1e15, &d))
            return damaged(line, "a time or count is negative or not a number");
        const cJSON *c;
        cJSON_ArrayForEach(c, cases) {
            if (!cJSON_GetObjectItemCaseSensitive(c, "i") || !jcount(c, "i", total - 1, &d))
                return damaged(line, "a case index outside the campaign's cases");
            if (!vxa_state_owns(s, (unsigned long long)d)) return damaged(line, "a case index outside the journal's shard");
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

/* Mismatch i of signature k: one of its signature's candidates if it is among the lowest
 * per_sig indices (every one with per_sig 0). */
static int add_candidate(vxa_campaign_state *s, unsigned k, unsigned long long i, const cJSON *c)
{
    if (k >= s->npicks) {
        unsigned n = s->st.nsigs > k ? s->st.nsigs : k + 1;
        vxa_pick *p = realloc(s->picks, n * sizeof *p);
        if (!p) return -1;
        memset(p + s->npicks, 0, (n - s->npicks) * sizeof *p);
        s->picks = p;
        s->npicks = n;
    }
    vxa_pick *p = &s->picks[k];
    if (s->per_sig && p->n == s->per_sig) {
        if (p->c[p->n - 1].index < i) return 0;      /* not among the lowest */
        const vxa_candidate *h = &p->c[p->n - 1];
        if (h->minimized && h->file[0]) {             /* its regression file goes too */
            char (*d)[300] = realloc(s->dropped, (s->ndropped + 1) * sizeof *d);
            if (!d) return -1;
            s->dropped = d;
            memcpy(d[s->ndropped++], h->file, sizeof *d);
        }
        p->n--;                                       /* the highest makes room */
    }
    if (p->n == p->cap) {
        vxa_candidate *nc = realloc(p->c, (p->cap = p->cap * 2 + 4) * sizeof *nc);
        if (!nc) return -1;
        p->c = nc;
    }
    unsigned at = p->n;
    while (at && p->c[at - 1].index > i) at--;
    memmove(&p->c[at + 1], &p->c[at], (p->n - at) * sizeof *p->c);
    vxa_candidate *cd = &p->c[at];
    memset(cd, 0, sizeof *cd);
    cd->index = i;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "r"), *x;
    if (cJSON_GetArraySize(r) == 5) {               /* validated: 5 numbers 0..255 */
        unsigned q = 0;
        cJSON_ArrayForEach(x, r) cd->ref[q++] = (uint8_t)x->valuedouble;
        cd->have_ref = true;
    }
    p->n++;
    s->st.sigs[k].selected = p->n;
    return 0;
}

static void apply_header(vxa_campaign_state *s, const cJSON *rec)
{
    vxa_campaign_stats *st = &s->st;
    s->have_header = true;
    cJSON_Delete(s->header);
    s->header = cJSON_Duplicate(rec, 1);
    snprintf(st->backend, sizeof st->backend, "%s", vxa_jstr(rec, "backend"));
    snprintf(st->cpu, sizeof st->cpu, "%s", vxa_jstr(rec, "cpu"));
    snprintf(st->model, sizeof st->model, "%s", vxa_jstr(rec, "model"));
    snprintf(st->profile, sizeof st->profile, "%s", vxa_jstr(rec, "profile"));
    snprintf(st->source, sizeof st->source, "%s", vxa_jstr(rec, "source"));
    header_shard(rec, &s->shard_k, &s->shard_n);    /* validated */
    if (s->shard_n) {
        size_t l = strlen(st->source);
        snprintf(st->source + l, sizeof st->source - l, ", shard %u/%u", s->shard_k, s->shard_n);
    }
    if (cJSON_GetObjectItemCaseSensitive(rec, "minimize")) s->per_sig = (unsigned)vxa_jnum(rec, "minimize");
    s->cases = (unsigned long long)vxa_jnum(rec, "cases");
    st->total = s->shard_n ? s->cases / s->shard_n + (s->shard_k < s->cases % s->shard_n) : s->cases;
    st->seed = (unsigned long long)vxa_jnum(rec, "seed");
    s->low = s->shard_n ? s->shard_k : 0;
    while (s->low < s->cases && vxa_state_is_done(s, s->low)) s->low++;
    if (s->low > s->cases) s->low = s->cases;
}

static int apply_batch(vxa_campaign_state *s, const cJSON *rec)
{
    vxa_campaign_stats *st = &s->st;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(rec, "cases");
    s->batches++;
    st->secs += vxa_jnum(rec, "secs");
    st->oracle_secs += vxa_jnum(rec, "oracle_secs");
    st->oracle_runs += (unsigned long long)vxa_jnum(rec, "oracle_runs");
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        unsigned long long i = (unsigned long long)vxa_jnum(c, "i");
        if (vxa_state_is_done(s, i)) continue;           /* never counted twice */
        if (mark_done(s, i)) { fprintf(stderr, "vmxaudit diff: out of memory\n"); return 4; }
        st->done++;
        const char *v = vxa_jstr(c, "v");
        if (!strcmp(v, "agree")) st->agree++;
        else if (!strcmp(v, "undetermined")) st->undetermined++;
        else if (!strcmp(v, "skipped")) {
            st->skipped++;
            vxa_stats_count_skip(st, vxa_jstr(c, "why"), vxa_jstr(c, "text"), i);
        }
        else if (!strcmp(v, "mismatch")) {
            st->mismatch++;
            unsigned k = vxa_stats_signature(st, vxa_jstr(c, "sig"), vxa_jstr(c, "e"), vxa_jstr(c, "o"),
                                             vxa_jstr(c, "checks"), vxa_jstr(c, "text"), i);
            if (add_candidate(s, k, i, c)) { fprintf(stderr, "vmxaudit diff: out of memory\n"); return 4; }
        }
        const char *o = vxa_jstr(c, "o");
        for (unsigned r = 0; r <= VXA_FAULT; r++)
            if (*o && !strncmp(o, vxa_result_name((vxa_result)r), strlen(vxa_result_name((vxa_result)r))))
                st->observed[r]++;
    }
    const cJSON *fail = cJSON_GetObjectItemCaseSensitive(rec, "fail"), *f;
    cJSON_ArrayForEach(f, fail) {
        vxa_check ck = vxa_check_by_id(f->string);
        if (ck < VXA_CHECK_COUNT) st->fail[ck] += (unsigned)f->valuedouble;
    }
    const char *pass = vxa_jstr(rec, "pass");
    for (unsigned k = 0; pass[k] && k * 4 < VXA_CHECK_COUNT; k++) {
        char h[2] = { pass[k], 0 };
        unsigned nib = (unsigned)strtoul(h, NULL, 16);
        for (unsigned b = 0; b < 4; b++)
            if (nib >> b & 1 && k * 4 + b < VXA_CHECK_COUNT) st->pass[k * 4 + b]++;
    }
    return 0;
}

static void apply_min(vxa_campaign_state *s, const cJSON *rec)
{
    vxa_campaign_stats *st = &s->st;
    unsigned long long i = (unsigned long long)vxa_jnum(rec, "min");
    unsigned runs = (unsigned)vxa_jnum(rec, "runs");
    st->oracle_runs += runs;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "superseded"))) {
        s->superseded_runs += runs;   /* a shard's minimization of a case merge did not keep */
        return;
    }
    for (unsigned k = 0; k < s->npicks; k++)
        for (unsigned q = 0; q < s->picks[k].n; q++) {
            vxa_candidate *cd = &s->picks[k].c[q];
            if (cd->index != i || cd->minimized) continue;
            cd->minimized = true;
            snprintf(cd->file, sizeof cd->file, "%s", vxa_jstr(rec, "file"));
            vxa_sig *g = &st->sigs[k];
            g->minimized++;
            g->file[0] = 0;                          /* the lowest index's regression case */
            for (unsigned z = 0; z < s->picks[k].n && !g->file[0]; z++)
                snprintf(g->file, sizeof g->file, "%s", s->picks[k].c[z].file);
        }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "reproduced")))
        vxa_stats_add_min(st, runs, (unsigned)vxa_jnum(rec, "candidates"),
                          (unsigned)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rec, "fields")),
                          (unsigned)(vxa_jnum(rec, "secs") * 1000.0 + 0.5));
}

int vxa_state_apply(void *ctx, const cJSON *rec, unsigned line)
{
    vxa_campaign_state *s = ctx;
    int bad = validate_record(s, rec, line);
    if (bad) return bad;
    if (cJSON_GetObjectItemCaseSensitive(rec, "journal")) apply_header(s, rec);
    else if (cJSON_GetObjectItemCaseSensitive(rec, "cases")) return apply_batch(s, rec);
    else if (cJSON_GetObjectItemCaseSensitive(rec, "min")) apply_min(s, rec);
    return 0;   /* a record of a later version: ignored */
}

vxa_candidate *vxa_state_next_pending(vxa_campaign_state *s)
{
    for (unsigned k = 0; k < s->npicks; k++)
        for (unsigned q = 0; q < s->picks[k].n; q++) {
            vxa_candidate *cd = &s->picks[k].c[q];
            if (!cd->minimized && cd->index < s->low) return cd;
        }
    return NULL;
}

bool vxa_state_complete(const vxa_campaign_state *s)
{
    if (s->st.done < s->st.total) return false;
    for (unsigned k = 0; k < s->npicks; k++)
        for (unsigned q = 0; q < s->picks[k].n; q++)
            if (!s->picks[k].c[q].minimized) return false;
    return true;
}

cJSON *vxa_header_record(const vxa_campaign_config *cfg, const vxa_backend *b, const char *model,
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
    if (cfg->shard_n) {
        const int sh[2] = { (int)cfg->shard_k, (int)cfg->shard_n };
        cJSON_AddItemToObject(h, "shard", cJSON_CreateIntArray(sh, 2));
    }
    cJSON_AddNumberToObject(h, "batch_size", cfg->batch);
    cJSON_AddNumberToObject(h, "jobs", cfg->jobs > 1 ? cfg->jobs : 1);   /* of the run that started it */
    cJSON_AddNumberToObject(h, "minimize", cfg->minimize_per_signature);
    cJSON_AddNumberToObject(h, "max_runs", cfg->min_max_runs);
    cJSON_AddNumberToObject(h, "timeout_s", cfg->timeout_s);
    cJSON_AddStringToObject(h, "engine", VMXAUDIT_VERSION);
    return h;
}

/* A number the command line gave (given) must equal the header's; one it left out comes from
 * there (a journal of an older vmxaudit has none: the default stays). */
static int header_number(const cJSON *h, const char *key, const char *opt, bool given, unsigned *v)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(h, key);
    if (!it) return 0;
    unsigned hv = (unsigned)it->valuedouble;
    if (!given) *v = hv;
    else if (*v != hv) {
        fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign has %s %u, not %u (leave %s out: "
                "a campaign keeps its own)\n", opt, hv, *v, opt);
        return 2;
    }
    return 0;
}

int vxa_header_check(vxa_campaign_config *cfg, const cJSON *h)
{
    struct { const char **opt; const char *key; } s[] = {
        { &cfg->backend, "backend" }, { &cfg->cpu, "cpu" }, { &cfg->model, "model" },
        { &cfg->cases_dir, "cases_dir" } };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        const char *hv = vxa_jstr(h, s[i].key);
        if (!*s[i].opt) { if (*hv) *s[i].opt = hv; }
        else if (strcmp(*s[i].opt, hv)) {
            fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign has %s '%s', not '%s'\n",
                    s[i].key, hv, *s[i].opt);
            return 2;
        }
    }
    if (!cfg->cases_dir) {
        unsigned long long seed = (unsigned long long)vxa_jnum(h, "seed"), n = (unsigned long long)vxa_jnum(h, "cases");
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
    unsigned hk, hn;
    header_shard(h, &hk, &hn);                       /* validated */
    if (cfg->shard_n && (hk != cfg->shard_k || hn != cfg->shard_n)) {
        if (hn) fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign is shard %u/%u, not %u/%u\n",
                        hk, hn, cfg->shard_k, cfg->shard_n);
        else fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign is not a shard (leave --shard out)\n");
        return 2;
    }
    cfg->shard_k = hk;
    cfg->shard_n = hn;
    if (header_number(h, "batch_size", "--batch", cfg->batch != 0, &cfg->batch) ||
        header_number(h, "minimize", "--minimize", cfg->minimize_set, &cfg->minimize_per_signature) ||
        header_number(h, "max_runs", "--max-runs", cfg->min_max_runs != 0, &cfg->min_max_runs))
        return 2;
    cfg->minimize_set = true;
    if (cfg->cpu && !strcmp(cfg->cpu, "host")) cfg->cpu = NULL;
    /* the same Bochs version as the journal's (the version is part of the campaign) */
    const char *hv = vxa_jstr(h, "oracle_version");
    if (!strcmp(vxa_jstr(h, "backend"), "bochs") && *hv) {
        if (!cfg->bochs_version) cfg->bochs_version = hv;
        else if (strcmp(cfg->bochs_version, hv)) {
            fprintf(stderr, "vmxaudit diff: --resume: the journal's campaign ran Bochs %s, not %s\n", hv, cfg->bochs_version);
            return 2;
        }
    }
    return 0;
}

const char *vxa_header_differs(const cJSON *a, const cJSON *b)
{
    /* what makes a campaign (the verdicts and regression cases): not its batch size, its
       shard or its times */
    static const char *const keys[] = { "journal", "version", "backend", "cpu", "model", "profile",
                                        "oracle_version", "cases_dir", "seed", "generator", "cases", "minimize",
                                        "max_runs", "timeout_s", "engine" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, keys[i]), *y = cJSON_GetObjectItemCaseSensitive(b, keys[i]);
        if ((x || y) && (!x || !y || !cJSON_Compare(x, y, true))) return keys[i];
    }
    return NULL;
}
