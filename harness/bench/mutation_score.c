/* mutation_score.c — `vxa-mutation-score`: the campaign generator's power measured as a mutation
 * score (docs/mutation-score.md).  Mutants of the engine (mutant_engine.h): every check of
 * checks.def disabled, and for every width / alignment / bit-position rule whose boundary a
 * shared helper or the profile defines, that boundary off by one, keyed by the check (the
 * mutant's report keeps the real engine's verdicts except the one check's).  Cases: vxa_generate
 * (seed S, indexes 0..N-1) on each profile of the set, each profile on its own (a mutant is killed
 * within N cases when one of some profile's first N cases kills it); on a "mutated:BASE" entry,
 * vxa_generate_mutated: BASE with features it lacks, each case its own profile (engine-only).  A
 * mutant is killed by a case when its predicted
 * outcome (result, VM-instruction error set, exit reason, qualifications: vxa_outcome_equal)
 * differs from the real engine's — what an oracle could see — not when only its violations do. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "baseline.h"
#include "generator.h"
#include "mutant_engine.h"
#include "out_file.h"
#include "vmxaudit/codec.h"

/* ---- the mutants ---- */

/* Boundaries the profile defines: the mutated run sees a profile changed in one place. */
enum prof_kind { PM_NONE, PM_MAXPHYADDR, PM_FIXED, PM_ALLOWED };

/* The boundary table: which checks each boundary applies to, from the catalogue (checks.def:
 * the rule's text or its ID), and where the value is defined. */
typedef struct boundary {
    const char *name;
    int hook;                  /* enum vxam_hook, or VXAM_HOOK_NONE */
    int prof;                  /* enum prof_kind, or PM_NONE */
    const char *rule_has;      /* the rule text contains this ... */
    const char *id_prefix;     /* ... or the ID starts with this ... */
    const char *id_suffix;     /* ... and ends with this (NULL: any) */
    const char *id_suffix2;
} boundary;

static const boundary boundaries[] = {
    /* vxa_canonical_fix: the linear-address width (48, or 57 with 5-level paging) */
    { "canonical-width", VXAM_HOOK_CANONICAL_WIDTH, PM_NONE, "canonical", NULL, NULL, NULL },
    /* the profile's MAXPHYADDR (vxa_pa_mask, and the CR3/PDPTE width rules that read it) */
    { "maxphyaddr", VXAM_HOOK_NONE, PM_MAXPHYADDR, "physical-address width", NULL, NULL, NULL },
    /* the alignment helpers of the control-field addresses (4 KiB pages, 16-byte MSR areas) */
    { "align", VXAM_HOOK_ALIGN, PM_NONE, NULL, "CTRL_", "_ALIGN", NULL },
    /* vxa_rule_s_cet: IA32_S_CET reserved bits */
    { "s-cet-reserved-mask", VXAM_HOOK_S_CET_RSVD, PM_NONE, NULL, "", "S_CET_RSVD", NULL },
    /* IA32_VMX_CR0/CR4_FIXED0/1 (the profile's table): fixed-bit masks shifted */
    { "fixed-mask", VXAM_HOOK_NONE, PM_FIXED, NULL, "", "_FIXED0", "_FIXED1" },
    /* the allowed-settings MSRs (the profile's table): must-be-1 / reserved masks shifted */
    { "allowed-mask", VXAM_HOOK_NONE, PM_ALLOWED, NULL, "", "_ALLOWED0", "_ALLOWED1" },
};
#define NBOUNDARIES (sizeof boundaries / sizeof boundaries[0])

enum mut_kind { MK_DISABLE, MK_BOUNDARY };

typedef struct mutant {
    char id[96];                 /* stable: "CHECK_ID/disabled", "CHECK_ID/canonical-width+1" */
    int kind;
    vxa_check check;
    const boundary *b;
    int delta;
    /* results */
    unsigned long long killed_at;  /* fewest cases of one profile that killed it (0: survived) */
    const char *killed_profile;    /* that profile (the first in the set, on a tie) */
    unsigned long long killed_index;
    unsigned nkilled_on;           /* profiles of the set that killed it */
    unsigned long long fired;      /* cases where the check's verdict counted (see run) */
    unsigned long long differed;   /* cases where its violations differed, outcome the same */
    const char *equivalent;        /* the argued reason (mutation_equivalent.def), or NULL */
} mutant;

/* Mutants argued equivalent: no outcome an oracle could see can differ (the table of survivors
 * with reasons, docs/mutation-score.md). */
static const struct { const char *id, *why; } equivalents[] = {
#define VXA_EQUIVALENT(id, why) { id, why },
#include "mutation_equivalent.def"
#undef VXA_EQUIVALENT
    { NULL, NULL }
};

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static bool boundary_applies(const boundary *b, const vxa_check_info *ci)
{
    if (ci->cls == VXA_CLASS_ADVISORY) return false;
    if (b->rule_has) return strstr(ci->rule, b->rule_has) != NULL;
    if (strncmp(ci->id, b->id_prefix, strlen(b->id_prefix))) return false;
    return ends_with(ci->id, b->id_suffix) || (b->id_suffix2 && ends_with(ci->id, b->id_suffix2));
}

/* --only: a comma-separated list of texts; does the id contain one of them? */
static bool selected(const char *id, const char *only)
{
    if (!only) return true;
    for (const char *p = only; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (const char *q = id; n && *q; q++)
            if (!strncmp(q, p, n)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

/* Every mutant, in catalogue order.  Returns the count (mutants allocated in *out). */
static unsigned enumerate(mutant **out, const char *only)
{
    unsigned cap = VXA_CHECK_COUNT * (1 + 2 * NBOUNDARIES), n = 0;
    mutant *m = calloc(cap, sizeof *m);
    if (!m) abort();
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)c);
        if (ci->cls == VXA_CLASS_ADVISORY) continue;   /* advisories decide no outcome */
        mutant *d = &m[n];
        snprintf(d->id, sizeof d->id, "%s/disabled", ci->id);
        d->kind = MK_DISABLE;
        d->check = (vxa_check)c;
        if (selected(d->id, only)) n++;
        for (unsigned k = 0; k < NBOUNDARIES; k++) {
            if (!boundary_applies(&boundaries[k], ci)) continue;
            for (int s = 0; s < 2; s++) {
                mutant *x = &m[n];
                x->kind = MK_BOUNDARY;
                x->check = (vxa_check)c;
                x->b = &boundaries[k];
                x->delta = s ? -1 : 1;
                snprintf(x->id, sizeof x->id, "%s/%s%s", ci->id, boundaries[k].name, s ? "-1" : "+1");
                if (selected(x->id, only)) n++;
            }
        }
    }
    for (unsigned i = 0; i < n; i++)
        for (size_t e = 0; equivalents[e].id; e++)
            if (!strcmp(m[i].id, equivalents[e].id)) m[i].equivalent = equivalents[e].why;
    *out = m;
    return n;
}

/* ---- one mutant on one case ---- */

static uint64_t shift_mask(uint64_t m, int delta) { return delta > 0 ? m << 1 : m >> 1; }

/* The profile of a boundary mutant's run (the one value moved). */
static void mutate_profile(vxa_profile *p, const mutant *m)
{
    const char *id = vxa_check_get(m->check)->id;
    switch (m->b->prof) {
    case PM_MAXPHYADDR:
        p->maxphyaddr = (uint8_t)(p->maxphyaddr + m->delta);
        break;
    case PM_FIXED: {
        /* FIXED0: the must-be-1 mask shifted; FIXED1: the reserved mask (~FIXED1) shifted */
        bool zero = ends_with(id, "_FIXED0");
        unsigned r[2] = { zero ? VXA_MSR_CR0_FIXED0 : VXA_MSR_CR0_FIXED1,
                          zero ? VXA_MSR_CR4_FIXED0 : VXA_MSR_CR4_FIXED1 };
        for (unsigned i = 0; i < 2; i++)
            p->msr[r[i]] = zero ? shift_mask(p->msr[r[i]], m->delta) : ~shift_mask(~p->msr[r[i]], m->delta);
        break;
    }
    case PM_ALLOWED: {
        /* ALLOWED0: the must-be-1 half (bits 31:0) shifted; ALLOWED1: the reserved half (the
         * complement of bits 63:32) shifted; 64-bit words (tertiary, secondary exit) are
         * allowed-1 masks as a whole (SDM A.3.4, A.4.2) */
        static const unsigned ctl[] = { VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS, VXA_MSR_EXIT_CTLS,
                                        VXA_MSR_ENTRY_CTLS, VXA_MSR_PROCBASED_CTLS2, VXA_MSR_TRUE_PINBASED_CTLS,
                                        VXA_MSR_TRUE_PROCBASED_CTLS, VXA_MSR_TRUE_EXIT_CTLS,
                                        VXA_MSR_TRUE_ENTRY_CTLS };
        bool zero = ends_with(id, "_ALLOWED0");
        for (size_t i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
            uint64_t v = p->msr[ctl[i]], lo = v & 0xffffffffull, hi = v >> 32;
            if (zero) lo = shift_mask(lo, m->delta) & 0xffffffffull;
            else hi = ~shift_mask(~hi & 0xffffffffull, m->delta) & 0xffffffffull;
            p->msr[ctl[i]] = hi << 32 | lo;
        }
        if (!zero) {
            p->msr[VXA_MSR_PROCBASED_CTLS3] = ~shift_mask(~p->msr[VXA_MSR_PROCBASED_CTLS3], m->delta);
            p->msr[VXA_MSR_EXIT_CTLS2] = ~shift_mask(~p->msr[VXA_MSR_EXIT_CTLS2], m->delta);
        }
        break;
    }
    default: break;
    }
}

static unsigned nviol(const vxa_report *r)
{
    return r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
}

static bool has_check(const vxa_report *r, vxa_check c)
{
    for (unsigned i = 0; i < nviol(r); i++)
        if (r->violations[i].check == c) return true;
    return false;
}

/* Do the check's violations in a and b say the same (count, qualification, MSR entry)? */
static bool same_verdict(const vxa_report *a, const vxa_report *b, vxa_check c)
{
    unsigned ia = 0, ib = 0;
    for (;;) {
        while (ia < nviol(a) && a->violations[ia].check != c) ia++;
        while (ib < nviol(b) && b->violations[ib].check != c) ib++;
        if (ia == nviol(a) || ib == nviol(b)) return ia == nviol(a) && ib == nviol(b);
        const vxa_violation *x = &a->violations[ia++], *y = &b->violations[ib++];
        if (x->qualification != y->qualification || x->index != y->index) return false;
    }
}

/* The real report r with check c's violations replaced by those of mr (which holds only c's),
 * each put where the catalogue order puts it (MSR-load ones by entry, as the loop visits them). */
static void merge(vxa_report *out, const vxa_report *r, const vxa_report *mr, vxa_check c)
{
    *out = *r;
    unsigned n = 0;
    const vxa_violation *ins = mr->violations;
    unsigned nins = nviol(mr), k = 0;
    bool msr = vxa_check_get(c)->cls == VXA_CLASS_MSRLOAD;
    for (unsigned i = 0; i <= nviol(r); i++) {
        const vxa_violation *v = i < nviol(r) ? &r->violations[i] : NULL;
        if (v && v->check == c) continue;
        while (k < nins && (!v || (msr && vxa_check_get((vxa_check)v->check)->cls == VXA_CLASS_MSRLOAD
                                       ? v->index > ins[k].index : v->check > c))) {
            if (n < VXA_MAX_VIOLATIONS) out->violations[n++] = ins[k];
            k++;
        }
        if (v && n < VXA_MAX_VIOLATIONS) out->violations[n++] = *v;
    }
    out->nviolations = (uint16_t)n;
}

typedef struct run_ctx {
    const vxa_input *in;          /* the real engine's input */
    const vxa_report *real;
    vxa_report rep, merged;
    vxa_profile prof;
} run_ctx;

/* Does mutant m's predicted outcome differ on this case? */
static bool kills(run_ctx *x, mutant *m)
{
    const vxa_report *R = x->real;
    if (m->kind == MK_DISABLE) {
        /* The check's rule fires nowhere in the real run: disabling it changes nothing (its
         * hooks act only when the rule is violated). */
        if (!has_check(R, m->check) && R->nviolations <= VXA_MAX_VIOLATIONS) return false;
        m->fired++;
        vxam_selector s = VXAM_NONE;
        s.disable = (int)m->check;
        vxam_select(&s);
        vxam_audit(x->in, &x->rep);
        return !vxa_outcome_equal(&R->outcome, &x->rep.outcome);
    }
    vxam_selector s = VXAM_NONE;
    s.keep_only = (int)m->check;
    s.hook = m->b->hook;
    s.delta = m->delta;
    vxam_select(&s);
    vxa_input in = *x->in;
    if (m->b->prof != PM_NONE) {
        x->prof = *in.profile;
        mutate_profile(&x->prof, m);
        in.profile = &x->prof;
    }
    vxam_audit(&in, &x->rep);
    if (has_check(R, m->check) || has_check(&x->rep, m->check)) m->fired++;
    if (same_verdict(R, &x->rep, m->check)) return false;
    merge(&x->merged, R, &x->rep, m->check);
    vxam_predict(x->in, &x->merged);
    if (vxa_outcome_equal(&R->outcome, &x->merged.outcome)) {
        m->differed++;
        return false;
    }
    return true;
}

/* ---- the command ---- */

#define MAX_PROFILES 96
typedef struct options {
    unsigned long long seed, cases;
    const char *profiles[MAX_PROFILES];
    unsigned nprofiles;
    char *lists[MAX_PROFILES];      /* the --profiles texts, split in place */
    unsigned nlists;
    const char *model, *only, *json;
    bool list, quiet;
} options;

/* The default set: the project's oracles' CPUs.  Bochs 2.7's two campaign CPUs; Bochs 3.0's
 * sapphire_rapids (tertiary controls, secondary exit controls, PKS, UINTR, LA57: the 3.0 model
 * with the most); real CPUs a KVM campaign may run on, with features no Bochs model has (Wildcat
 * Lake: FRED, LBR_CTL, RTIT, PKRS, UINV; Rocket Lake: MPX's BNDCFGS); and the mutated set on
 * sapphire_rapids for what no CPU here has (HLAT, IPI virtualization, PASID translation, FRED
 * state checks ...).  Granite Rapids (PASID translation, MAXPHYADDR 52) was measured and left out:
 * its 100,000 cases killed no mutant the others did not (docs/mutation-score.md). */
static const char *const default_profiles[] = {
    "bochs-2.7-corei7-skylake-x", "bochs-2.7-tigerlake", "bochs-3.0-sapphire-rapids",
    "il-core7-350-wildcatlake", "il-i9-11900k-rocketlake", "mutated:bochs-3.0-sapphire-rapids",
};
#define NDEFAULT (sizeof default_profiles / sizeof default_profiles[0])

static const char *default_set_text(void)
{
    static char buf[512];
    size_t n = 0;
    for (size_t i = 0; i < NDEFAULT; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "", default_profiles[i]);
    return buf;
}

static int add_profile(options *o, const char *name)
{
    if (!*name) {
        fprintf(stderr, "vxa-mutation-score: --profiles: an empty name\n");
        return 2;
    }
    if (o->nprofiles == MAX_PROFILES) {
        fprintf(stderr, "vxa-mutation-score: --profile/--profiles: at most %d profiles\n", MAX_PROFILES);
        return 2;
    }
    o->profiles[o->nprofiles++] = name;
    return 0;
}

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: vxa-mutation-score [--cases N] [--seed S] [--profiles LIST] [--profile NAME]...\n"
            "                          [--model M] [--only TEXT] [--json FILE|-] [--list] [--quiet]\n"
            "  The campaign generator's cases (vxa_generate, seed S, indexes 0..N-1; N = 100000)\n"
            "  on each profile of the set, each on its own, through the engine and every mutant; a\n"
            "  mutant is killed when its predicted outcome differs on one of some profile's N cases.\n"
            "  --profiles: comma-separated names as --profile takes them; mutated:NAME is NAME with\n"
            "  features it lacks, a profile per case (vxa_generate_mutated; engine-only).  Default:\n"
            "  %s.\n"
            "  --model: the model predicted (default sdm).  --only: the mutants whose id contains\n"
            "  one of the comma-separated texts.\n"
            "  --list: the mutants' ids, one a line.\n", default_set_text());
    return rc;
}

static int parse_u64(const char *opt, const char *s, unsigned long long *out)
{
    char *end;
    if (!s || !*s) {
        fprintf(stderr, "vxa-mutation-score: %s needs a number\n", opt);
        return 2;
    }
    *out = strtoull(s, &end, 0);
    if (*end || *s == '-') {
        fprintf(stderr, "vxa-mutation-score: %s: '%s' is not a number\n", opt, s);
        return 2;
    }
    return 0;
}

static int parse(int argc, char **argv, options *o)
{
    o->seed = 1;
    o->cases = 100000;
    o->model = "sdm";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0) - 1;
        if (!strcmp(a, "--list")) { o->list = true; continue; }
        if (!strcmp(a, "--quiet")) { o->quiet = true; continue; }
        bool takes = !strcmp(a, "--cases") || !strcmp(a, "--seed") || !strcmp(a, "--profile") ||
                     !strcmp(a, "--profiles") ||
                     !strcmp(a, "--model") || !strcmp(a, "--only") || !strcmp(a, "--json");
        if (!takes) {
            fprintf(stderr, "vxa-mutation-score: argument %d: unknown option '%s'\n", i, a);
            return usage(stderr, 2);
        }
        if (!v) {
            fprintf(stderr, "vxa-mutation-score: %s needs a value\n", a);
            return 2;
        }
        i++;
        int rc = 0;
        if (!strcmp(a, "--cases")) rc = parse_u64(a, v, &o->cases);
        else if (!strcmp(a, "--seed")) rc = parse_u64(a, v, &o->seed);
        else if (!strcmp(a, "--model")) o->model = v;
        else if (!strcmp(a, "--only")) o->only = v;
        else if (!strcmp(a, "--json")) o->json = v;
        else if (!strcmp(a, "--profile")) rc = add_profile(o, v);
        else {   /* --profiles LIST */
            char *t = o->lists[o->nlists++] = strdup(v);
            if (!t) abort();
            for (char *p = t, *e; !rc; p = e + 1) {
                e = strchr(p, ',');
                if (e) *e = 0;
                rc = add_profile(o, p);
                if (!e) break;
            }
        }
        if (rc) return rc;
    }
    if (!o->nprofiles) {
        for (size_t i = 0; i < NDEFAULT; i++) o->profiles[i] = default_profiles[i];
        o->nprofiles = NDEFAULT;
    }
    return 0;
}

typedef struct source {
    vxa_backend b;
    vxa_baselines bl;
    vxa_generator g;
    bool mutated;                  /* "mutated:BASE": vxa_generate_mutated on BASE */
    /* results */
    unsigned long long cases, disagree;
    unsigned killed, killed_only_here;
    double secs;
} source;

static int open_source(source *s, const char *spec, vxa_model model)
{
    const char *profile = spec;
    s->mutated = !strncmp(spec, "mutated:", 8);
    if (s->mutated) profile = spec + 8;
    vxa_error e;
    char *name = NULL, err[512];
    memset(&s->b, 0, sizeof s->b);
    if (vxa_profile_load(profile, &s->b.profile, &name, &e)) {
        fprintf(stderr, "vxa-mutation-score: profile '%s': %s\n", spec, e.message);
        return 2;
    }
    snprintf(s->b.profile_name, sizeof s->b.profile_name, "%s", name ? name : profile);
    free(name);
    s->b.profile_bundled = !vxa_profile_is_path(profile);
    /* the oracle a campaign on this profile has: Bochs for its models (an emulator: the
     * generator may leave read memory beyond its RAM, vxa_mark_unbacked), else KVM or silicon */
    s->b.name = strncmp(profile, "bochs-", 6) ? "kvm" : "bochs";
    if (!vxa_baselines_load(&s->b, (uint8_t)model, &s->bl, err, sizeof err)) {
        fprintf(stderr, "vxa-mutation-score: %s\n", err);
        return 2;
    }
    s->g = (vxa_generator){ &s->b, &s->bl, 0 };
    return 0;
}

static const char *survivor_reason(const mutant *m, char *buf, size_t n)
{
    if (m->equivalent) return m->equivalent;
    if (m->kind == MK_DISABLE) {
        if (!m->fired) return "not reached: no case violates the check";
        snprintf(buf, n, "shadowed in the %llu cases that violate it: the outcome was the same "
                 "without it", m->fired);
        return buf;
    }
    if (!m->fired && !m->differed) return "not reached: no case at the boundary (the check's verdict never changed)";
    if (!m->differed) {
        snprintf(buf, n, "the check was violated in %llu cases, never at the boundary", m->fired);
        return buf;
    }
    snprintf(buf, n, "the check's verdict changed in %llu cases, the outcome never", m->differed);
    return buf;
}

int main(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    mutant *m;
    unsigned nm = enumerate(&m, o.only);
    if (o.list) {
        for (unsigned i = 0; i < nm; i++) printf("%s\n", m[i].id);
        free(m);
        return 0;
    }
    if (!nm) {
        fprintf(stderr, "vxa-mutation-score: --only %s selects no mutant\n", o.only);
        return 2;
    }
    vxa_model model = vxa_model_by_name(o.model);
    if (model == VXA_MODEL_COUNT) {
        fprintf(stderr, "vxa-mutation-score: --model %s: unknown model\n", o.model);
        return 2;
    }
    static source src[MAX_PROFILES];
    for (unsigned k = 0; k < o.nprofiles; k++) {
        if ((rc = open_source(&src[k], o.profiles[k], model))) return rc;
        src[k].g.seed = o.seed;
    }
    /* killed_by[k * nm + j]: cases of profile k until mutant j was killed (0: not killed there) */
    unsigned long long *killed_by = calloc((size_t)o.nprofiles * nm, sizeof *killed_by);
    if (!killed_by) abort();
    static vxa_report real, check;
    static vxa_profile mprof;
    unsigned long long run = 0, disagree = 0;
    clock_t t0 = clock();
    for (unsigned k = 0; k < o.nprofiles; k++) {   /* each profile on its own: its own N cases */
        source *sk = &src[k];
        unsigned long long *kb = killed_by + (size_t)k * nm;
        clock_t tk = clock();
        for (unsigned long long i = 0; i < o.cases && sk->killed < nm; i++) {
            vxa_case c;
            const vxa_profile *prof = &sk->b.profile;
            if (sk->mutated) {
                vxa_generate_mutated(&sk->g, i, &c, &mprof);
                prof = &mprof;
            } else {
                vxa_generate(&sk->g, i, &c);
            }
            vxa_keep_in_arena(&c, prof);   /* as the campaign sends it */
            vxa_memory mem = vxa_case_memory(&c);
            vxa_input in = { prof, &c.vmcs, &c.entry, &mem, (uint8_t)model, NULL };
            vxa_audit(&in, &real);
            run++;
            sk->cases++;
            /* the mutant engine without a mutant is the shipped engine: checked on every case */
            vxam_selector none = VXAM_NONE;
            vxam_select(&none);
            vxam_audit(&in, &check);
            if (!vxa_outcome_equal(&real.outcome, &check.outcome) || real.nviolations != check.nviolations)
                sk->disagree++;
            static run_ctx x;
            x.in = &in;
            x.real = &real;
            for (unsigned j = 0; j < nm; j++) {
                if (kb[j] || !kills(&x, &m[j])) continue;
                kb[j] = i + 1;
                sk->killed++;
                m[j].nkilled_on++;
                if (!m[j].killed_at || i + 1 < m[j].killed_at) {
                    m[j].killed_at = i + 1;
                    m[j].killed_profile = o.profiles[k];
                    m[j].killed_index = i;
                }
            }
            vxa_case_free(&c);
        }
        sk->secs = (double)(clock() - tk) / CLOCKS_PER_SEC;
        disagree += sk->disagree;
    }
    for (unsigned j = 0; j < nm; j++)
        for (unsigned k = 0; k < o.nprofiles; k++)
            if (killed_by[(size_t)k * nm + j] && m[j].nkilled_on == 1) src[k].killed_only_here++;
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    unsigned killed = 0, equiv = 0, nd = 0, kd = 0, killed_real = 0, nreal = 0;
    for (unsigned k = 0; k < o.nprofiles; k++) nreal += !src[k].mutated;
    for (unsigned j = 0; j < nm; j++) {
        killed += m[j].killed_at != 0;
        bool real_kill = false;   /* on a profile an oracle has (not a mutated set) */
        for (unsigned k = 0; k < o.nprofiles; k++) real_kill |= !src[k].mutated && killed_by[(size_t)k * nm + j];
        killed_real += real_kill;
        if (!m[j].killed_at && m[j].equivalent) equiv++;
        if (m[j].kind == MK_DISABLE) { nd++; kd += m[j].killed_at != 0; }
    }
    unsigned alive = nm - killed;
    double score = 100.0 * killed / nm;
    double score_ne = nm > equiv ? 100.0 * killed / (nm - equiv) : 100.0;
    char buf[256];
    if (!o.quiet) {
        printf("mutation score of the campaign generator (seed %llu, model %s): a mutant counts as "
               "killed when one of the first %llu generated cases of some profile kills it\n",
               o.seed, o.model, o.cases);
        printf("%-64s %12s  %s\n", "mutant", "first kill", "killed on (profiles) / survivor: why");
        for (unsigned j = 0; j < nm; j++) {
            if (m[j].killed_at)
                printf("%-64s %12llu  %s (%u of %u)\n", m[j].id, m[j].killed_at, m[j].killed_profile,
                       m[j].nkilled_on, o.nprofiles);
            else
                printf("%-64s %12s  %s\n", m[j].id, "-", survivor_reason(&m[j], buf, sizeof buf));
        }
        printf("\n%-40s %10s %8s %10s %8s\n", "profile (each its own cases)", "cases", "killed", "only here",
               "CPU s");
        for (unsigned k = 0; k < o.nprofiles; k++)
            printf("%-40s %10llu %8u %10u %8.1f\n", o.profiles[k], src[k].cases, src[k].killed,
                   src[k].killed_only_here, src[k].secs);
        printf("%-40s %10llu %8u\n", "any profile", run, killed);
        if (nreal < o.nprofiles)
            printf("%-40s %10s %8u\n", "any profile an oracle has (not mutated:)", "", killed_real);
        printf("\nmutants %u (disabled checks %u, boundaries %u); killed %u (%u, %u); survived %u, "
               "%u of them argued equivalent\n", nm, nd, nm - nd, killed, kd, killed - kd, alive, equiv);
        printf("score %.1f %% (%.1f %% of the mutants not argued equivalent), killed within %llu cases a "
               "profile; %llu cases in %.1f s CPU; mutant engine without a mutant disagreed with the "
               "shipped one on %llu cases\n", score, score_ne, o.cases, run, secs, disagree);
    }
    if (o.json) {
        cJSON *j = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(j, "mutants");
        cJSON_AddNumberToObject(j, "seed", (double)o.seed);
        cJSON_AddNumberToObject(j, "cases_per_profile", (double)o.cases);
        cJSON_AddStringToObject(j, "kill_rule", "a mutant is killed when one of the first cases_per_profile "
                                "generated cases of some profile kills it (each profile its own cases)");
        cJSON *pa = cJSON_AddArrayToObject(j, "profiles");
        for (unsigned k = 0; k < o.nprofiles; k++) cJSON_AddItemToArray(pa, cJSON_CreateString(o.profiles[k]));
        cJSON *pp = cJSON_AddArrayToObject(j, "per_profile");
        for (unsigned k = 0; k < o.nprofiles; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "profile", o.profiles[k]);
            cJSON_AddStringToObject(e, "profile_name", src[k].b.profile_name);
            cJSON_AddBoolToObject(e, "mutated", src[k].mutated);
            cJSON_AddNumberToObject(e, "cases", (double)src[k].cases);
            cJSON_AddNumberToObject(e, "killed", src[k].killed);
            cJSON_AddNumberToObject(e, "killed_only_here", src[k].killed_only_here);
            cJSON_AddNumberToObject(e, "cpu_seconds", src[k].secs);
            cJSON_AddNumberToObject(e, "unmutated_disagreements", (double)src[k].disagree);
            cJSON_AddItemToArray(pp, e);
        }
        cJSON_AddStringToObject(j, "model", o.model);
        cJSON_AddNumberToObject(j, "mutants_total", nm);
        cJSON_AddNumberToObject(j, "killed", killed);
        cJSON_AddNumberToObject(j, "killed_on_oracle_profiles", killed_real);
        cJSON_AddNumberToObject(j, "survived", alive);
        cJSON_AddNumberToObject(j, "equivalent", equiv);
        cJSON_AddNumberToObject(j, "score_percent", score);
        cJSON_AddNumberToObject(j, "score_percent_not_equivalent", score_ne);
        cJSON_AddNumberToObject(j, "cpu_seconds", secs);
        cJSON_AddNumberToObject(j, "unmutated_disagreements", (double)disagree);
        for (unsigned i = 0; i < nm; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "id", m[i].id);
            cJSON_AddStringToObject(e, "check", vxa_check_get(m[i].check)->id);
            cJSON_AddStringToObject(e, "kind", m[i].kind == MK_DISABLE ? "disabled" : m[i].b->name);
            if (m[i].kind == MK_BOUNDARY) cJSON_AddNumberToObject(e, "delta", m[i].delta);
            cJSON_AddBoolToObject(e, "killed", m[i].killed_at != 0);
            if (m[i].killed_at) {
                cJSON_AddNumberToObject(e, "cases_to_first_kill", (double)m[i].killed_at);
                cJSON_AddStringToObject(e, "killed_on_profile", m[i].killed_profile);
                cJSON_AddNumberToObject(e, "killed_by_index", (double)m[i].killed_index);
                cJSON *on = cJSON_AddObjectToObject(e, "cases_to_kill_by_profile");
                for (unsigned k = 0; k < o.nprofiles; k++)
                    if (killed_by[(size_t)k * nm + i])
                        cJSON_AddNumberToObject(on, o.profiles[k], (double)killed_by[(size_t)k * nm + i]);
            } else {
                cJSON_AddStringToObject(e, "why", survivor_reason(&m[i], buf, sizeof buf));
                cJSON_AddBoolToObject(e, "equivalent", m[i].equivalent != NULL);
            }
            cJSON_AddItemToArray(arr, e);
        }
        char *text = cJSON_Print(j);
        char werr[4400];            /* written whole or not at all (out_file.h) */
        snprintf(werr, sizeof werr, "out of memory");
        int wrc = text ? vxa_write_file(o.json, text, strlen(text), 0, werr, sizeof werr) : VXA_WRITE_FAILED;
        free(text);
        if (wrc) {
            fprintf(stderr, "vxa-mutation-score: --json: %s\n", werr);
            return wrc;
        }
        cJSON_Delete(j);
    }
    free(m);
    free(killed_by);
    for (unsigned k = 0; k < o.nlists; k++) free(o.lists[k]);
    for (unsigned k = 0; k < o.nprofiles; k++) vxa_baselines_free(&src[k].bl);
    return disagree ? 1 : 0;
}
