/* quirk_rediscovery.c — `vxa-quirk-rediscovery`: the oracle-in-the-loop mutation score
 * (docs/mutation-score.md).  For each quirk of the Bochs model, the model with that one quirk
 * removed (the mutant engine's "model minus quirk Q", mutant_engine.h) is the engine a campaign
 * would run with: is the quirk rediscovered as a mismatch, and after how many cases and seconds?
 *
 * One campaign serves every quirk: the generator's cases (seed S, as `vmxaudit diff` makes them)
 * run in Bochs in batches, one at a time (--jobs 1), and each observation is judged by the
 * campaign's own judge (vxa_judge) once with the full model and once per quirk not yet
 * rediscovered with the model minus that quirk.  A quirk is rediscovered by the first case that
 * the model minus Q calls a mismatch and the full model does not (the quirk explains it).  The
 * time of a quirk is the campaign's wall time when that case was judged — what a campaign of
 * its own with the same seed would have taken (the same cases, the same observations; only its
 * baselines would be repaired under the model minus Q).  The cap (--cap-seconds, default 600)
 * is per quirk, so one campaign of at most the cap.
 *
 * --engine-only: no Bochs.  The same cases on the bundled profile of the CPU, audited by the
 * full model and by the model minus each quirk; a case distinguishes Q when an outcome the full
 * model predicts (each VM-instruction error / qualification of its sets on its own: what one
 * observation can be) is not within the prediction of the model minus Q, and no undetermined
 * rule of the latter explains it — the judge's mismatch (compare.h) for an oracle that agrees
 * with the full model.  A necessary condition for the campaign to rediscover Q (the harness
 * fields are the case's own, not the payload's; Bochs's message is not modelled).
 *
 * Some quirks can never show as a mismatch (never_mismatch below): counted apart, with the
 * reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "baseline.h"
#include "bochs_messages.h"
#include "bridge.h"
#include "compare.h"
#include "generator.h"
#include "mutant_engine.h"
#include "vmxaudit/codec.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct quirk_state {
    unsigned q;                    /* index in the quirk table (= vxa_quirk) */
    const vxa_quirk_info *info;
    bool found;
    unsigned long long cases;      /* cases judged when rediscovered */
    double seconds;
    char signature[320];
} quirk_state;

/* Quirks no campaign can rediscover as a mismatch, and why (docs/mutation-score.md). */
static const struct { const char *id, *why; } never_mismatch[] = {
    { "FIRST_FAILURE_ONLY",
      "narrows the predicted set to Bochs's one answer: the model without it predicts a superset, "
      "which still contains every observation" },
    { "SHADOW_VMCS_LAUNCHED",
      "needs a shadow VMCS as the current VMCS, which this oracle bridge refuses (vxa_prepare: "
      "\"a shadow VMCS as the current VMCS\"): every such case is skipped (asked of the bridge at "
      "start: where it runs them, the quirk is measured like the others)" },
    { "NMI_STI_BLOCKING_FAILS",
      "without it the rule is model-specific (SDM 27.3.1.5: a processor may require blocking by STI "
      "to be 0 for NMI injection), an undetermined rule that explains Bochs's exit 33" },
    { "MSR_AREA_SPAN_32BIT",
      "count x 16 and its 32-bit wrap differ in whether the area ends past MAXPHYADDR only for an "
      "area starting within 2^36 of the width's top, or at address 0 with count x 16 a multiple of "
      "2^32; the campaign places every area in the payload's arena (0x1000 to 16 MiB, "
      "vxa_keep_in_arena) and the Bochs profiles have MAXPHYADDR 40" },
    { "LINK_REVISION_WITH_SHADOW_BIT",
      "with it or without it the outcome is exit 33 with qualification 4, and Bochs's message "
      "(\"link pointer incorrect revision ID\") stands for both GUEST_LINK_PTR_REVISION and "
      "GUEST_LINK_PTR_SHADOW (bochs_messages.def): no observation tells the two models apart" },
    { "MSRLOAD_ONLY_KNOWN_MSRS",
      "without it, WRMSR of an MSR whose value the engine cannot decide is undetermined "
      "(VXA_UR_MSR_VALUE), which explains Bochs's exit 34; every MSR the engine decides is one "
      "Bochs implements" },
};

/* Whether the bridge refuses a shadow VMCS as the current VMCS is asked of the bridge itself
 * (shadow_refused): where it runs such cases, SHADOW_VMCS_LAUNCHED is measured like the rest. */
static bool bridge_refuses_shadow = true;

static void ask_bridge_about_shadow(const vxa_baselines *bl, const vxa_profile *p, vxa_model model)
{
    if (!bl->n) return;
    vxa_case c;
    vxa_prepared pp;
    vxa_case_copy(&c, &bl->b[0].c);
    c.entry.current_vmcs = true;
    c.entry.current_vmcs_shadow = true;
    vxa_prepare_case(&c, p, (uint8_t)model, &pp);
    bridge_refuses_shadow = pp.unsupported && strstr(pp.unsupported, "shadow");
    vxa_prepared_free(&pp);
    vxa_case_free(&c);
}

static const char *never_why(const char *id)
{
    if (!strcmp(id, "SHADOW_VMCS_LAUNCHED") && !bridge_refuses_shadow) return NULL;
    for (size_t i = 0; i < sizeof never_mismatch / sizeof never_mismatch[0]; i++)
        if (!strcmp(id, never_mismatch[i].id)) return never_mismatch[i].why;
    return NULL;
}

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: vxa-quirk-rediscovery [--cpu MODEL] [--model M] [--seed S] [--cap-seconds T]\n"
            "                             [--max-cases N] [--batch N] [--quirk ID]...\n"
            "       vxa-quirk-rediscovery --engine-only [--cases N] [--cpu MODEL]... [--profile P]...\n"
            "                             [--model M] [--seed S] [--quirk ID]...\n"
            "  Runs one Bochs campaign (generated cases, one Bochs at a time) and judges every\n"
            "  observation with the model minus each of its quirks in turn: per quirk, the cases\n"
            "  and seconds until the model without it shows a mismatch the full model explains.\n"
            "  Defaults: --cpu corei7_skylake_x, --model bochs-2.7, --seed 1, --cap-seconds 600,\n"
            "  --batch 100; --quirk: only these quirks (default: every quirk of the model).\n"
            "  --engine-only: no Bochs; N generated cases (default 100000) on each bundled profile\n"
            "  (default <model>-<cpu> for each --cpu, e.g. bochs-2.7-corei7-skylake-x): per quirk,\n"
            "  the cases on which an outcome the full model predicts is outside the model-minus-\n"
            "  quirk's prediction, or Bochs's message would name a check it does not report\n"
            "  (necessary for a campaign to see it), and the first such case.\n"
            "  Quirks that can never show as a mismatch are listed apart with the reason.\n");
    return rc;
}

static int number(const char *opt, const char *s, double *out)
{
    char *end;
    *out = s ? strtod(s, &end) : 0;
    if (!s || !*s || *end || *out < 0) {
        fprintf(stderr, "vxa-quirk-rediscovery: %s: '%s' is not a number\n", opt, s ? s : "");
        return 2;
    }
    return 0;
}


/* One observation for each value of the outcome's sets (what one run of an oracle can show). */
static unsigned singletons(const vxa_outcome *o, vxa_outcome *out, unsigned max)
{
    unsigned n = 0;
    if (o->result == VXA_VMFAIL_VALID && o->nerror > 1) {
        for (unsigned i = 0; i < o->nerror && i < VXA_MAX_SET && n < max; i++) {
            out[n] = *o;
            out[n].nerror = 1;
            out[n++].error[0] = o->error[i];
        }
    } else if (o->result == VXA_ENTRY_FAILURE && o->nqual > 1) {
        for (unsigned i = 0; i < o->nqual && i < VXA_MAX_SET && n < max; i++) {
            out[n] = *o;
            out[n].nqual = 1;
            out[n++].qual[0] = o->qual[i];
        }
    } else {
        out[n++] = *o;
    }
    return n;
}

/* The Bochs message ids (bochs_messages.def) that stand for the check Bochs would name: the
 * full model's first violation of the class that decides its outcome (Bochs reports the first
 * failing check); NULL when no message stands for it. */
static const char *bochs_names(const vxa_report *full)
{
    unsigned nv = full->nviolations < VXA_MAX_VIOLATIONS ? full->nviolations : VXA_MAX_VIOLATIONS;
    const char *id = NULL;
    for (unsigned i = 0; i < nv && !id; i++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)full->violations[i].check);
        if (ci->cls != VXA_CLASS_ADVISORY) id = ci->id;
    }
    if (!id) return NULL;
    size_t l = strlen(id);
    for (size_t k = 0; k < vxa_bochs_message_count(); k++) {
        const char *ids = vxa_bochs_message_ids(k);
        for (const char *p = ids; (p = strstr(p, id)); p += l)
            if ((p == ids || p[-1] == ' ') && (p[l] == ' ' || p[l] == 0)) return ids;
    }
    return NULL;
}

/* Would an oracle that shows one of full's outcomes be a mismatch for the model minus Q?  By
 * the outcome, or (as the judge does for Bochs, whose log names the failed check) by the check
 * Bochs's message names, which the model minus Q does not report. */
static bool distinguishes(const vxa_report *full, const vxa_report *minus)
{
    vxa_outcome obs[VXA_MAX_SET];
    unsigned n = singletons(&full->outcome, obs, VXA_MAX_SET);
    const char *names = bochs_names(full);
    bool named_differs = names && !vxa_bochs_message_agrees(names, minus);
    for (unsigned i = 0; i < n; i++)   /* as vxa_judge: an undetermined rule may explain either */
        if ((named_differs || !vxa_outcome_within(&minus->outcome, &obs[i])) &&
            vxa_undetermined_explains(minus, &obs[i]) == VXA_CHECK_COUNT)
            return true;
    return false;
}

typedef struct engine_count {
    unsigned long long cases;      /* cases that distinguish the quirk */
    unsigned long long first;      /* 1-based: cases generated until the first (0: none) */
} engine_count;

/* One profile's cases through the full model and each model minus Q: counts into cnt[j]. */
static int engine_profile(const char *profile, vxa_model model, uint64_t seed, unsigned long long ncases,
                          const quirk_state *qs, unsigned nq, engine_count *cnt, char *name_out, size_t name_len,
                          unsigned long long *skipped)
{
    static vxa_backend b;
    static vxa_baselines bl;
    vxa_error e;
    char *name = NULL, err[512];
    memset(&b, 0, sizeof b);
    if (vxa_profile_load(profile, &b.profile, &name, &e)) {
        fprintf(stderr, "vxa-quirk-rediscovery: --profile %s: %s\n", profile, e.message);
        return 2;
    }
    snprintf(b.profile_name, sizeof b.profile_name, "%.*s", (int)sizeof b.profile_name - 1, name ? name : profile);
    snprintf(name_out, name_len, "%s", b.profile_name);
    free(name);
    b.profile_bundled = !vxa_profile_is_path(profile);
    b.name = "bochs";
    if (!vxa_baselines_load(&b, (uint8_t)model, &bl, err, sizeof err)) {
        fprintf(stderr, "vxa-quirk-rediscovery: %s\n", err);
        return 2;
    }
    ask_bridge_about_shadow(&bl, &b.profile, model);
    vxa_generator g = { &b, &bl, seed };
    static vxa_report full, minus;
    for (unsigned long long i = 0; i < ncases; i++) {
        vxa_case c;
        vxa_prepared pp;
        vxa_generate(&g, i, &c);
        vxa_prepare_case(&c, &b.profile, (uint8_t)model, &pp);
        if (!pp.unsupported) {
            vxa_keep_in_arena(&c, &b.profile);   /* as the campaign sends it */
            vxa_memory mem = vxa_case_memory(&c);
            vxa_input in = { &b.profile, &c.vmcs, &c.entry, &mem, (uint8_t)model, NULL };
            vxa_audit(&in, &full);
            for (unsigned j = 0; j < nq; j++) {
                vxam_selector s = VXAM_NONE;
                s.without_quirk = (int)qs[j].q;
                vxam_select(&s);
                vxam_audit(&in, &minus);
                if (distinguishes(&full, &minus) && !cnt[j].cases++) cnt[j].first = i + 1;
            }
        } else {
            ++*skipped;                    /* the campaign skips it: the oracle cannot run it */
        }
        vxa_prepared_free(&pp);
        vxa_case_free(&c);
    }
    vxam_selector none = VXAM_NONE;
    vxam_select(&none);
    vxa_baselines_free(&bl);
    return 0;
}

#define MAX_PROFILES 8

static int engine_only(const char *const *profiles, unsigned np, vxa_model model, uint64_t seed,
                       unsigned long long ncases, const quirk_state *qs, unsigned nq)
{
    static engine_count cnt[MAX_PROFILES][64];
    static char names[MAX_PROFILES][96];
    unsigned long long skipped[MAX_PROFILES] = { 0 };
    double t0 = now();
    for (unsigned k = 0; k < np; k++) {
        int rc = engine_profile(profiles[k], model, seed, ncases, qs, nq, cnt[k], names[k], sizeof names[k], &skipped[k]);
        if (rc) return rc;
    }
    printf("quirk rediscovery, engine only: model %s minus one quirk at a time, seed %llu, %llu cases a "
           "profile, %.1f s\n", vxa_model_name(model), (unsigned long long)seed, ncases, now() - t0);
    printf("per profile: the cases that distinguish the quirk / the first of them (1-based)\n\n%-34s", "quirk");
    for (unsigned k = 0; k < np; k++) printf(" %26.26s", names[k]);
    printf("\n");
    unsigned seen = 0, observable = 0, nnever = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned j = 0; j < nq; j++) {
            const char *why = never_why(qs[j].info->id);
            if ((pass == 0) != !why) continue;
            if (pass == 1 && !nnever++) printf("\nnever a mismatch (counted apart):\n");
            bool any = false;
            printf("%-34s", qs[j].info->id);
            for (unsigned k = 0; k < np; k++) {
                char cell[40];
                if (cnt[k][j].cases) snprintf(cell, sizeof cell, "%llu / %llu", cnt[k][j].cases, cnt[k][j].first);
                else snprintf(cell, sizeof cell, "0 / -");
                printf(" %26s", cell);
                any |= cnt[k][j].cases != 0;
            }
            if (pass == 0) {
                observable++;
                seen += any;
                printf("%s\n", any ? "" : "  never distinguished");
            } else {
                printf("  %s\n", why);
            }
        }
    }
    printf("\ndistinguished %u of %u quirks that can show as a mismatch within %llu cases", seen, observable, ncases);
    for (unsigned k = 0; k < np; k++) printf("%s%s %llu skipped", k ? ", " : " (", names[k], skipped[k]);
    printf("); %u more can never show as one\n", nnever);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cpu = "corei7_skylake_x", *model_name = "bochs-2.7", *only[64];
    const char *profiles[MAX_PROFILES], *cpus[MAX_PROFILES];
    unsigned nonly = 0, nprofiles = 0, ncpus = 0;
    bool engine = false;
    double seed = 1, cap = 600, max_cases = 0, batch = 100, ncases = 100000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
        if (!strcmp(a, "--engine-only")) { engine = true; continue; }
        int rc = 0;
        if (!strcmp(a, "--cpu") && v && ncpus < MAX_PROFILES) cpu = cpus[ncpus++] = v;
        else if (!strcmp(a, "--model") && v) model_name = v;
        else if (!strcmp(a, "--seed")) rc = number(a, v, &seed);
        else if (!strcmp(a, "--cap-seconds")) rc = number(a, v, &cap);
        else if (!strcmp(a, "--max-cases")) rc = number(a, v, &max_cases);
        else if (!strcmp(a, "--batch")) rc = number(a, v, &batch);
        else if (!strcmp(a, "--cases")) rc = number(a, v, &ncases);
        else if (!strcmp(a, "--profile") && v && nprofiles < MAX_PROFILES) profiles[nprofiles++] = v;
        else if (!strcmp(a, "--quirk") && v && nonly < 64) only[nonly++] = v;
        else {
            fprintf(stderr, "vxa-quirk-rediscovery: argument %d: unknown option or missing value '%s'\n", i, a);
            return usage(stderr, 2);
        }
        if (rc) return rc;
        i++;
    }
    if (batch < 1) batch = 1;
    vxa_model model = vxa_model_by_name(model_name);
    if (model == VXA_MODEL_COUNT) {
        fprintf(stderr, "vxa-quirk-rediscovery: --model %s: unknown model\n", model_name);
        return 2;
    }
    static quirk_state qs[64];
    unsigned nq = 0;
    for (unsigned i = 0; i < vxa_quirk_count() && nq < 64; i++) {
        const vxa_quirk_info *qi = vxa_quirk_get(i);
        if (!(qi->models >> model & 1u)) continue;
        bool want = !nonly;
        for (unsigned k = 0; k < nonly; k++) want |= !strcmp(only[k], qi->id);
        if (want) qs[nq++] = (quirk_state){ i, qi, false, 0, 0, "" };
    }
    for (unsigned k = 0; k < nonly; k++) {
        const vxa_quirk_info *qi = vxa_quirk_by_id(only[k]);
        if (!qi || !(qi->models >> model & 1u)) {
            fprintf(stderr, "vxa-quirk-rediscovery: --quirk %s: not a quirk of %s\n", only[k], model_name);
            return 2;
        }
    }
    if (engine) {
        static char def[MAX_PROFILES][128];
        if (!ncpus) cpus[ncpus++] = cpu;
        for (unsigned k = 0; !nprofiles && k < ncpus; k++) {
            /* the bundled profile of each Bochs CPU model: bochs-2.7-corei7-skylake-x */
            snprintf(def[k], sizeof def[k], "%s-%s", model_name, cpus[k]);
            for (char *p = def[k]; *p; p++)
                if (*p == '_') *p = '-';
        }
        if (!nprofiles)
            for (unsigned k = 0; k < ncpus; k++) profiles[nprofiles++] = def[k];
        return engine_only(profiles, nprofiles, model, (uint64_t)seed, (unsigned long long)ncases, qs, nq);
    }
    if (ncpus > 1 || nprofiles) {
        fprintf(stderr, "vxa-quirk-rediscovery: --profile and a second --cpu only with --engine-only "
                        "(one Bochs campaign has one CPU model)\n");
        return 2;
    }
    static vxa_backend b;
    char err[512];
    int rc = vxa_backend_open(&b, "bochs", cpu, 0, err, sizeof err);
    if (rc != VXA_ORACLE_OK) {
        fprintf(stderr, "vxa-quirk-rediscovery: %s\n", err);
        return vxa_backend_exit_status(rc);
    }
    static vxa_baselines bl;
    if (!vxa_baselines_load(&b, (uint8_t)model, &bl, err, sizeof err)) {
        fprintf(stderr, "vxa-quirk-rediscovery: %s\n", err);
        return 2;
    }
    ask_bridge_about_shadow(&bl, &b.profile, model);
    vxa_generator g = { &b, &bl, (uint64_t)seed };
    vxa_judge_env env = vxa_judge_env_of(&b.profile, (uint8_t)model, &b.oracle.id, &b.probe);
    vxa_judge_env menv = env;
    menv.audit = vxam_audit;
    size_t nb = (size_t)batch;
    vxa_case *cases = calloc(nb, sizeof *cases);
    vxa_prepared *pp = calloc(nb, sizeof *pp);
    struct vxa_oracle_case *oc = calloc(nb, sizeof *oc);
    struct vxa_oracle_result *res = calloc(nb, sizeof *res);
    if (!cases || !pp || !oc || !res) abort();
    double t0 = now();
    unsigned long long judged = 0, full_mismatch = 0, skipped = 0, index = 0;
    unsigned left = nq;
    printf("quirk rediscovery: Bochs %s, model %s minus one quirk at a time, seed %.0f, cap %.0f s\n",
           cpu, model_name, seed, cap);
    fflush(stdout);
    while (left && now() - t0 < cap && (!max_cases || judged < (unsigned long long)max_cases)) {
        for (size_t k = 0; k < nb; k++) {
            vxa_generate(&g, index + k, &cases[k]);
            vxa_prepare_case(&cases[k], &b.profile, (uint8_t)model, &pp[k]);
            oc[k] = pp[k].oc;
        }
        index += nb;
        rc = vxa_backend_run(&b, oc, nb, res, err, sizeof err);
        if (rc != VXA_ORACLE_OK) {
            fprintf(stderr, "vxa-quirk-rediscovery: %s\n", err);
            return vxa_backend_run_status(rc);
        }
        double t = now() - t0;
        for (size_t k = 0; k < nb; k++) {
            vxa_verdict full, minus;
            vxam_selector none = VXAM_NONE;
            judged++;
            vxa_judge(&env, &cases[k], &pp[k], &res[k], NULL, &full);
            if (full.status == VXA_V_SKIPPED) skipped++;
            if (full.status == VXA_V_MISMATCH) {   /* a finding of its own: say which case */
                char sig[512];
                vxa_verdict_signature(&full, sig, sizeof sig);
                printf("  full-model mismatch at case index %llu: %s\n", index - nb + k, sig);
                full_mismatch++;
            }
            for (unsigned j = 0; j < nq && full.status != VXA_V_MISMATCH && full.status != VXA_V_SKIPPED; j++) {
                if (qs[j].found) continue;
                vxam_selector s = none;
                s.without_quirk = (int)qs[j].q;
                vxam_select(&s);
                vxa_judge(&menv, &cases[k], &pp[k], &res[k], NULL, &minus);
                if (minus.status != VXA_V_MISMATCH) continue;
                qs[j].found = true;
                qs[j].cases = judged;
                qs[j].seconds = t;
                vxa_verdict_signature(&minus, qs[j].signature, sizeof qs[j].signature);
                left--;
                printf("  %-36s rediscovered at case %llu (%.1f s): %s\n", qs[j].info->id, judged, t,
                       qs[j].signature);
                fflush(stdout);
            }
            vxam_select(&none);
            vxa_oracle_result_free(&res[k]);
            vxa_prepared_free(&pp[k]);
            vxa_case_free(&cases[k]);
        }
    }
    double total = now() - t0;
    unsigned found = nq - left;
    printf("\n%-36s %10s %10s\n", "quirk", "cases", "seconds");
    unsigned nnever = 0, found_never = 0;
    for (unsigned j = 0; j < nq; j++) {
        const char *why = never_why(qs[j].info->id);
        if (why) {
            nnever++;
            found_never += qs[j].found;
            continue;
        }
        if (qs[j].found) printf("%-36s %10llu %10.1f\n", qs[j].info->id, qs[j].cases, qs[j].seconds);
        else printf("%-36s %10s %10s  not rediscovered\n", qs[j].info->id, "-", "-");
    }
    if (nnever) printf("\nnever a mismatch (counted apart):\n");
    for (unsigned j = 0; j < nq; j++) {
        const char *why = never_why(qs[j].info->id);
        if (!why) continue;
        if (qs[j].found) printf("%-36s %10llu %10.1f  (expected never: %s)\n", qs[j].info->id, qs[j].cases, qs[j].seconds, why);
        else printf("%-36s %10s %10s  %s\n", qs[j].info->id, "-", "-", why);
    }
    unsigned obs = nq - nnever;
    found -= found_never;
    printf("\nrediscovered %u of %u quirks (%.0f %%) within %.0f s; %u more can never show as a mismatch; "
           "campaign: %llu cases judged in %.1f s (%llu skipped, %llu mismatches of the full model)\n",
           found, obs, obs ? 100.0 * found / obs : 0.0, cap, nnever, judged, total, skipped, full_mismatch);
    free(cases);
    free(pp);
    free(oc);
    free(res);
    vxa_baselines_free(&bl);
    return 0;
}
