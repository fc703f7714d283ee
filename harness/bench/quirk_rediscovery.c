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
 * is per quirk, so one campaign of at most the cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "baseline.h"
#include "bridge.h"
#include "compare.h"
#include "generator.h"
#include "mutant_engine.h"

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

static int usage(FILE *f, int rc)
{
    fprintf(f,
            "usage: vxa-quirk-rediscovery [--cpu MODEL] [--model M] [--seed S] [--cap-seconds T]\n"
            "                             [--max-cases N] [--batch N] [--quirk ID]...\n"
            "  Runs one Bochs campaign (generated cases, one Bochs at a time) and judges every\n"
            "  observation with the model minus each of its quirks in turn: per quirk, the cases\n"
            "  and seconds until the model without it shows a mismatch the full model explains.\n"
            "  Defaults: --cpu corei7_skylake_x, --model bochs-2.7, --seed 1, --cap-seconds 600,\n"
            "  --batch 100; --quirk: only these quirks (default: every quirk of the model).\n");
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

int main(int argc, char **argv)
{
    const char *cpu = "corei7_skylake_x", *model_name = "bochs-2.7", *only[64];
    unsigned nonly = 0;
    double seed = 1, cap = 600, max_cases = 0, batch = 100;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
        int rc = 0;
        if (!strcmp(a, "--cpu") && v) cpu = v;
        else if (!strcmp(a, "--model") && v) model_name = v;
        else if (!strcmp(a, "--seed")) rc = number(a, v, &seed);
        else if (!strcmp(a, "--cap-seconds")) rc = number(a, v, &cap);
        else if (!strcmp(a, "--max-cases")) rc = number(a, v, &max_cases);
        else if (!strcmp(a, "--batch")) rc = number(a, v, &batch);
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
            if (full.status == VXA_V_MISMATCH) full_mismatch++;
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
    for (unsigned j = 0; j < nq; j++) {
        if (qs[j].found) printf("%-36s %10llu %10.1f\n", qs[j].info->id, qs[j].cases, qs[j].seconds);
        else printf("%-36s %10s %10s  not rediscovered\n", qs[j].info->id, "-", "-");
    }
    printf("\nrediscovered %u of %u quirks (%.0f %%) within %.0f s; campaign: %llu cases judged in %.1f s "
           "(%llu skipped, %llu mismatches of the full model)\n",
           found, nq, nq ? 100.0 * found / nq : 0.0, cap, judged, total, skipped, full_mismatch);
    free(cases);
    free(pp);
    free(oc);
    free(res);
    vxa_baselines_free(&bl);
    return 0;
}
