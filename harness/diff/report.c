/* report.c — see report.h. */
#include <stdlib.h>
#include <string.h>
#include "report.h"

void vxa_stats_init(vxa_campaign_stats *s) { memset(s, 0, sizeof *s); }

unsigned vxa_stats_signature(vxa_campaign_stats *s, const char *sig, const char *engine,
                             const char *oracle, const char *checks, const char *text,
                             unsigned long long index)
{
    for (unsigned i = 0; i < s->nsigs; i++)
        if (!strcmp(s->sigs[i].sig, sig)) {
            s->sigs[i].count++;
            return i;
        }
    if (s->nsigs == s->capsigs) s->sigs = realloc(s->sigs, (s->capsigs = s->capsigs * 2 + 16) * sizeof *s->sigs);
    vxa_sig *g = &s->sigs[s->nsigs];
    memset(g, 0, sizeof *g);
    snprintf(g->sig, sizeof g->sig, "%s", sig);
    snprintf(g->engine, sizeof g->engine, "%s", engine);
    snprintf(g->oracle, sizeof g->oracle, "%s", oracle);
    snprintf(g->checks, sizeof g->checks, "%s", checks);
    snprintf(g->text, sizeof g->text, "%s", text);
    g->count = 1;
    g->first_index = index;
    return s->nsigs++;
}

void vxa_stats_count_skip(vxa_campaign_stats *s, const char *why, const char *text,
                          unsigned long long index)
{
    char key[400];
    snprintf(key, sizeof key, "%s;%s", why, text);
    unsigned i = 0;
    for (; i < s->nskips; i++)
        if (!strcmp(s->skips[i].sig, key)) { s->skips[i].count++; break; }
    if (i == s->nskips) {
        if (s->nskips == s->capskips) s->skips = realloc(s->skips, (s->capskips = s->capskips * 2 + 8) * sizeof *s->skips);
        vxa_sig *g = &s->skips[s->nskips++];
        memset(g, 0, sizeof *g);
        snprintf(g->sig, sizeof g->sig, "%s", key);
        snprintf(g->oracle, sizeof g->oracle, "%s", why);
        snprintf(g->text, sizeof g->text, "%s", text);
        g->count = 1;
        g->first_index = index;
    }
    if (!strcmp(why, "unsupported")) s->skip_unsupported++;
    else if (!strcmp(why, "crashed")) s->skip_crashed++;
    else if (!strcmp(why, "timeout")) s->skip_timeout++;
    else s->skip_other++;
}

void vxa_stats_add_min(vxa_campaign_stats *s, unsigned runs, unsigned cands, unsigned fields, unsigned ms)
{
    if (s->nmin == s->capmin) {
        s->capmin = s->capmin * 2 + 16;
        s->min_runs = realloc(s->min_runs, s->capmin * sizeof *s->min_runs);
        s->min_cands = realloc(s->min_cands, s->capmin * sizeof *s->min_cands);
        s->min_fields = realloc(s->min_fields, s->capmin * sizeof *s->min_fields);
        s->min_ms = realloc(s->min_ms, s->capmin * sizeof *s->min_ms);
    }
    s->min_ms[s->nmin] = ms;
    s->min_runs[s->nmin] = runs;
    s->min_cands[s->nmin] = cands;
    s->min_fields[s->nmin] = fields;
    s->nmin++;
}

static int cmp_u(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

double vxa_median(const unsigned *v, unsigned n)
{
    if (!n) return 0;
    unsigned *c = malloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_u);
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2.0;
    free(c);
    return m;
}

static int cmp_sig(const void *a, const void *b)
{
    const vxa_sig *x = *(const vxa_sig *const *)a, *y = *(const vxa_sig *const *)b;
    return x->count > y->count ? -1 : x->count < y->count ? 1 : strcmp(x->sig, y->sig);
}

static const vxa_sig **sorted(const vxa_campaign_stats *s)
{
    const vxa_sig **v = malloc((s->nsigs + 1) * sizeof *v);
    for (unsigned i = 0; i < s->nsigs; i++) v[i] = &s->sigs[i];
    qsort(v, s->nsigs, sizeof *v, cmp_sig);
    return v;
}

void vxa_summary_table(FILE *f, const vxa_campaign_stats *s)
{
    fprintf(f, "%s %s (%s), model %s: %llu of %llu cases, %llu agree, %llu mismatch, %llu explained"
               " by an undetermined rule, %llu skipped (%llu unsupported, %llu crashed, %llu timeout,"
               " %llu other); %.1f cases/s\n",
            s->backend, s->cpu, s->profile, s->model, s->done, s->total, s->agree, s->mismatch, s->undetermined,
            s->skipped, s->skip_unsupported, s->skip_crashed, s->skip_timeout, s->skip_other,
            s->secs > 0 ? (double)s->done / s->secs : 0.0);
    if (!s->nsigs) return;
    fprintf(f, "%8s  %-22s  %-22s  %s\n", "count", "engine said", "oracle said", "checks involved / oracle's words");
    const vxa_sig **v = sorted(s);
    for (unsigned i = 0; i < s->nsigs; i++)
        fprintf(f, "%8llu  %-22s  %-22s  %s%s%s\n", v[i]->count, v[i]->engine, v[i]->oracle,
                v[i]->checks[0] ? v[i]->checks : "-", v[i]->text[0] ? " / " : "", v[i]->text);
    free(v);
    if (s->nmin)
        fprintf(f, "minimized %u mismatches: median %.1f oracle runs (%.1f cases), median %.1f fields changed "
                   "from baseline, median %.2f s each\n",
                s->nmin, vxa_median(s->min_runs, s->nmin), vxa_median(s->min_cands, s->nmin),
                vxa_median(s->min_fields, s->nmin), vxa_median(s->min_ms, s->nmin) / 1000.0);
}

/* A growing string. */
typedef struct sb { char *p; size_t n, cap; } sb;
static void put(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void put(sb *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (b->p && (size_t)k < b->cap - b->n) { b->n += (size_t)k; return; }
        b->cap = (b->cap + (size_t)k + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
}

/* Markdown table cells: no '|' or newlines. */
static const char *cell(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    for (; *s && o + 3 < n; s++) {
        if (*s == '|') { buf[o++] = '\\'; buf[o++] = '|'; }
        else buf[o++] = *s == '\n' ? ' ' : *s;
    }
    buf[o] = 0;
    return buf;
}

char *vxa_report_markdown(vxa_campaign_stats **s, size_t n)
{
    sb b = { 0 };
    put(&b, "# Differential campaign: vmxaudit engine vs. real VM entries\n\n");
    put(&b, "| oracle | CPU model | profile | engine model | source | cases | agree | mismatch | undetermined | skipped | cases/s | oracle runs |\n"
            "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < n; i++)
        put(&b, "| %s | %s | %s | %s | %s | %llu / %llu | %llu | **%llu** | %llu | %llu | %.1f | %llu |\n",
            s[i]->backend, s[i]->cpu, s[i]->profile, s[i]->model, s[i]->source, s[i]->done, s[i]->total,
            s[i]->agree, s[i]->mismatch, s[i]->undetermined, s[i]->skipped, s[i]->secs > 0 ? (double)s[i]->done / s[i]->secs : 0.0,
            s[i]->oracle_runs);
    put(&b, "\nUndetermined = the observation differs, but the engine said it could not decide a rule "
            "of the class the oracle failed in (e.g. whether an MSR-load value would #GP: the profile "
            "does not describe the MSR) and assumed it passes: explained, not a mismatch.\n");
    put(&b, "\nSkipped = not comparable: the oracle cannot produce the environment (unsupported), or the "
            "oracle machine died or hung on the case (crashed, timeout: it costs that case only).\n");
    for (size_t i = 0; i < n; i++) {
        if (!s[i]->nskips) continue;
        put(&b, "\n| %s %s: skipped | count | oracle's words | first case |\n|---|---:|---|---:|\n", s[i]->cpu, s[i]->model);
        char t[300];
        for (unsigned k = 0; k < s[i]->nskips; k++)
            put(&b, "| %s | %llu | %s | %llu |\n", s[i]->skips[k].oracle, s[i]->skips[k].count,
                s[i]->skips[k].text[0] ? cell(s[i]->skips[k].text, t, sizeof t) : "—", s[i]->skips[k].first_index);
    }
    for (size_t i = 0; i < n; i++) {
        const vxa_campaign_stats *c = s[i];
        put(&b, "\n## Mismatch signatures: %s %s, model %s\n\n", c->backend, c->cpu, c->model);
        if (!c->nsigs) { put(&b, "None: every comparable case agreed.\n"); continue; }
        put(&b, "| count | engine said | oracle said | checks involved (engine) | oracle's words | minimized case |\n"
                "|---:|---|---|---|---|---|\n");
        const vxa_sig **v = sorted(c);
        char t1[300], t2[300];
        for (unsigned k = 0; k < c->nsigs; k++) {
            put(&b, "| %llu | %s | %s | %s | %s | ", v[k]->count, v[k]->engine, v[k]->oracle,
                v[k]->checks[0] ? cell(v[k]->checks, t1, sizeof t1) : "—",
                v[k]->text[0] ? cell(v[k]->text, t2, sizeof t2) : "—");
            if (v[k]->file[0]) put(&b, "[%s](%s) |\n", v[k]->file, v[k]->file);
            else put(&b, "(not minimized) |\n");
        }
        free(v);
        if (c->nmin)
            put(&b, "\nMinimized %u mismatches: median **%.1f oracle runs** (%.1f candidate cases), "
                    "**%.1f fields** changed from the baseline, **%.2f s** wall time each.\n", c->nmin,
                vxa_median(c->min_runs, c->nmin), vxa_median(c->min_cands, c->nmin),
                vxa_median(c->min_fields, c->nmin), vxa_median(c->min_ms, c->nmin) / 1000.0);
    }
    /* checks × profiles */
    put(&b, "\n## Check coverage (checks × profiles)\n\nEach cell: how many cases failed the check "
            "(✗ n) and whether a case was seen passing it (✓). Checks never seen failing anywhere are "
            "listed after the grid.\n\n| check |");
    for (size_t i = 0; i < n; i++) put(&b, " %s (%s) |", s[i]->profile, s[i]->model);
    put(&b, "\n|---|");
    for (size_t i = 0; i < n; i++) put(&b, "---|");
    put(&b, "\n");
    unsigned seen_fail = 0, seen_pass = 0;
    for (unsigned q = 0; q < VXA_CHECK_COUNT; q++) {
        bool any = false, anyp = false;
        for (size_t i = 0; i < n; i++) { any |= s[i]->fail[q] > 0; anyp |= s[i]->pass[q] > 0; }
        seen_fail += any;
        seen_pass += anyp;
        if (!any) continue;
        put(&b, "| %s |", vxa_check_get((vxa_check)q)->id);
        for (size_t i = 0; i < n; i++) {
            if (s[i]->fail[q]) put(&b, " ✗ %u%s |", s[i]->fail[q], s[i]->pass[q] ? " ✓" : "");
            else put(&b, "%s |", s[i]->pass[q] ? " ✓" : " ·");
        }
        put(&b, "\n");
    }
    put(&b, "\n%u of %u checks seen failing, %u seen passing. Never seen failing:", seen_fail,
        (unsigned)VXA_CHECK_COUNT, seen_pass);
    for (unsigned q = 0; q < VXA_CHECK_COUNT; q++) {
        bool any = false;
        for (size_t i = 0; i < n; i++) any |= s[i]->fail[q] > 0;
        if (!any) put(&b, " `%s`", vxa_check_get((vxa_check)q)->id);
    }
    put(&b, "\n\n## Throughput\n\n| campaign | cases | seconds (batches) | of which oracle | cases/s | oracle cases/s | engine+generator cases/s | oracle runs |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < n; i++) {
        double rest = s[i]->secs - s[i]->oracle_secs;
        put(&b, "| %s %s %s | %llu | %.1f | %.1f | %.1f | %.1f | %.0f | %llu |\n", s[i]->backend, s[i]->cpu,
            s[i]->model, s[i]->done, s[i]->secs, s[i]->oracle_secs,
            s[i]->secs > 0 ? (double)s[i]->done / s[i]->secs : 0.0,
            s[i]->oracle_secs > 0 ? (double)s[i]->done / s[i]->oracle_secs : 0.0,
            rest > 0 ? (double)s[i]->done / rest : 0.0, s[i]->oracle_runs);
    }
    put(&b, "\nObserved outcomes:");
    for (size_t i = 0; i < n; i++) {
        put(&b, "\n- %s %s:", s[i]->cpu, s[i]->model);
        for (unsigned r = 0; r <= VXA_FAULT; r++)
            put(&b, " %s %llu%s", vxa_result_name((vxa_result)r), s[i]->observed[r], r < VXA_FAULT ? "," : "");
    }
    put(&b, "\n");
    return b.p;
}
