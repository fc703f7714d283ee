/* minimizer.c — see minimizer.h.  ddmin over a list of "changes" from the baseline; a candidate
 * is the baseline with a subset of the changes applied.  Batched: each step tests every subset
 * and complement of the current partition in one oracle run; the first step also tests each
 * change alone, which ends most minimizations at one change in one run. */
#include <stdlib.h>
#include <string.h>
#include "baseline.h"
#include "minimizer.h"

enum { CH_FIELD, CH_ENTRY, CH_MEMORY, CH_BIT };
typedef struct change { uint8_t kind, bit; uint16_t field; } change;

typedef struct mstate {
    const vxa_case *c, *base;
    vxa_min_test test;
    void *ctx;
    unsigned max_runs;
    vxa_min_result *res;
    int status;
} mstate;

static void apply(const mstate *s, const vxa_case *from, const change *set, size_t n, vxa_case *out)
{
    vxa_case_copy(out, from);
    for (size_t i = 0; i < n; i++) {
        const change *ch = &set[i];
        vxa_field f = (vxa_field)ch->field;
        switch (ch->kind) {
        case CH_FIELD:
            if (vxa_is_set(&s->c->vmcs, f)) vxa_set(&out->vmcs, f, vxa_get(&s->c->vmcs, f));
            else vxa_unset(&out->vmcs, f);
            break;
        case CH_ENTRY: out->entry = s->c->entry; break;
        case CH_MEMORY: {
            for (size_t k = 0; k < out->nmemory; k++) free(out->memory[k].data);
            free(out->memory);
            vxa_case tmp;
            vxa_case_copy(&tmp, s->c);
            out->memory = tmp.memory;
            out->nmemory = tmp.nmemory;
            tmp.memory = NULL;
            tmp.nmemory = 0;
            vxa_case_free(&tmp);
            break;
        }
        case CH_BIT:
            vxa_set(&out->vmcs, f, vxa_get(&out->vmcs, f) ^ 1ull << ch->bit);
            break;
        }
    }
}

/* Tests subsets[0..n) (each a list of changes applied to `from`) in one oracle run; fills
 * keep[0..n).  Returns false when the run budget is spent or the test failed. */
static bool run_step(mstate *s, const vxa_case *from, change **subsets, size_t *sizes, size_t n,
                     bool *keep)
{
    if (s->res->runs >= s->max_runs) return false;
    vxa_case *cands = calloc(n, sizeof *cands);
    for (size_t i = 0; i < n; i++) apply(s, from, subsets[i], sizes[i], &cands[i]);
    memset(keep, 0, n * sizeof *keep);
    s->res->runs++;
    s->res->candidates += (unsigned)n;
    s->status = s->test(s->ctx, cands, n, keep);
    for (size_t i = 0; i < n; i++) vxa_case_free(&cands[i]);
    free(cands);
    return s->status == 0;
}

static int first_kept(const bool *keep, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        if (keep[i]) return (int)i;
    return -1;
}

/* ddmin over cur[0..*ncur) applied to `from`; *ncur shrinks in place.  With check_orig the
 * first step also tests the whole set (the original case), which must reproduce.  Returns true
 * when ddmin ran to its end (1-minimal). */
static bool ddmin(mstate *s, const vxa_case *from, change *cur, size_t *ncur, bool check_orig)
{
    size_t m0 = *ncur, cap = 3 * m0 + 3;
    change **subs = calloc(cap, sizeof *subs);
    size_t *sizes = calloc(cap, sizeof *sizes);
    bool *keep = calloc(cap, sizeof *keep);
    change *buf = calloc(cap * (m0 + 1), sizeof *buf);
    size_t n = 2;
    bool first = true, complete = false;
    while (*ncur > 0) {
        size_t m = *ncur, nsub = 0;
        if (n > m) n = m;
#define NEWSUB(len) (subs[nsub] = buf + nsub * (m0 + 1), sizes[nsub] = (len), subs[nsub++])
        if (first && check_orig) memcpy(NEWSUB(m), cur, m * sizeof *cur);
        size_t sing0 = nsub;
        if (first && m > 2)                         /* each change alone */
            for (size_t i = 0; i < m; i++) NEWSUB(1)[0] = cur[i];
        size_t chunk0 = nsub;
        if (m > 1)
            for (size_t c = 0; c < n; c++) {
                size_t lo = c * m / n, hi = (c + 1) * m / n;
                memcpy(NEWSUB(hi - lo), cur + lo, (hi - lo) * sizeof *cur);
            }
        size_t comp0 = nsub;
        if (n > 2)
            for (size_t c = 0; c < n; c++) {
                size_t lo = c * m / n, hi = (c + 1) * m / n;
                change *d = NEWSUB(m - (hi - lo));
                memcpy(d, cur, lo * sizeof *cur);
                memcpy(d + lo, cur + hi, (m - hi) * sizeof *cur);
            }
#undef NEWSUB
        if (nsub == 0) { complete = true; break; }   /* one change, nothing to test */
        if (!run_step(s, from, subs, sizes, nsub, keep)) break;
        if (first && check_orig) {
            s->res->reproduced = keep[0];
            if (!keep[0]) break;
        }
        first = false;
        int hit;
        if ((hit = first_kept(keep, sing0, chunk0)) >= 0 || (hit = first_kept(keep, chunk0, comp0)) >= 0) {
            memmove(cur, subs[hit], sizes[hit] * sizeof *cur);
            *ncur = sizes[hit];
            n = 2;
        } else if ((hit = first_kept(keep, comp0, nsub)) >= 0) {
            memmove(cur, subs[hit], sizes[hit] * sizeof *cur);
            *ncur = sizes[hit];
            n = n - 1 < 2 ? 2 : n - 1;
        } else if (n < m) {
            n = 2 * n < m ? 2 * n : m;
        } else {
            complete = true;
            break;
        }
        if (*ncur == 1) { complete = true; break; }
    }
    free(subs);
    free(sizes);
    free(keep);
    free(buf);
    return complete;
}

static bool memory_equal(const vxa_case *a, const vxa_case *b)
{
    if (a->nmemory != b->nmemory) return false;
    for (size_t i = 0; i < a->nmemory; i++)
        if (a->memory[i].address != b->memory[i].address || a->memory[i].length != b->memory[i].length ||
            memcmp(a->memory[i].data, b->memory[i].data, a->memory[i].length))
            return false;
    return true;
}

int vxa_minimize(const vxa_case *c, const vxa_case *baseline, vxa_min_test test, void *ctx,
                 unsigned max_runs, vxa_case *out, vxa_min_result *res)
{
    memset(res, 0, sizeof *res);
    mstate s = { c, baseline, test, ctx, max_runs ? max_runs : 64, res, 0 };
    /* Phase 1: the changes from the baseline. */
    change *cur = calloc(VXA_FIELD_COUNT + 2, sizeof *cur);
    size_t n = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        bool sc = vxa_is_set(&c->vmcs, (vxa_field)f), sb = vxa_is_set(&baseline->vmcs, (vxa_field)f);
        if (sc != sb || (sc && c->vmcs.value[f] != baseline->vmcs.value[f]))
            cur[n++] = (change){ CH_FIELD, 0, (uint16_t)f };
    }
    if (memcmp(&c->entry, &baseline->entry, sizeof c->entry)) cur[n++] = (change){ CH_ENTRY, 0, 0 };
    if (!memory_equal(c, baseline)) cur[n++] = (change){ CH_MEMORY, 0, 0 };
    bool complete = ddmin(&s, baseline, cur, &n, true);
    vxa_case mid;
    apply(&s, baseline, cur, n, &mid);
    /* Phase 2: bit by bit inside the fields that remain (set in both the case and the result). */
    change *bits = calloc(64 * (n + 1), sizeof *bits);
    size_t nb = 0;
    vxa_case from;
    vxa_case_copy(&from, &mid);
    for (size_t i = 0; i < n; i++) {
        vxa_field f = (vxa_field)cur[i].field;
        if (cur[i].kind != CH_FIELD || !vxa_is_set(&c->vmcs, f)) continue;
        uint64_t bv = vxa_is_set(&baseline->vmcs, f) ? vxa_get(&baseline->vmcs, f) : 0;
        uint64_t x = vxa_get(&c->vmcs, f) ^ bv;
        if (__builtin_popcountll(x) < 2) continue;     /* one bit: nothing to split */
        vxa_set(&from.vmcs, f, bv);
        for (unsigned b = 0; b < 64; b++)
            if (x >> b & 1) bits[nb++] = (change){ CH_BIT, (uint8_t)b, (uint16_t)f };
    }
    if (res->reproduced && nb && s.status == 0) {
        size_t nb0 = nb;
        bool done = ddmin(&s, &from, bits, &nb, false);
        if (s.status == 0 && nb < nb0) {
            vxa_case_free(&mid);
            apply(&s, &from, bits, nb, &mid);
        }
        complete = complete && done;
    }
    res->complete = complete && s.status == 0;
    *out = mid;
    for (size_t i = 0; i < n; i++) {
        if (cur[i].kind == CH_ENTRY) res->entry_differs = true;
        else if (cur[i].kind == CH_MEMORY) res->memory_differs = true;
        else if (res->nfields < VXA_MIN_FIELDS) res->fields[res->nfields++] = cur[i].field;
    }
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_is_set(&out->vmcs, (vxa_field)f))
            res->nbits += (unsigned)__builtin_popcountll(out->vmcs.value[f] ^
                                                         (vxa_is_set(&baseline->vmcs, (vxa_field)f) ? baseline->vmcs.value[f] : 0));
    vxa_case_free(&from);
    free(bits);
    free(cur);
    return s.status;
}
