/* campaign.h — the differential campaign (docs/harness.md): cases from a folder or the generator →
 * engine prediction and oracle observation in batches → verdicts → mismatches minimized and
 * written as regression cases; journaled so a killed campaign resumes without redoing or losing
 * work; a summary of mismatch signatures and a report (report.md). */
#ifndef VXA_DIFF_CAMPAIGN_H
#define VXA_DIFF_CAMPAIGN_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include "baseline.h"
#include "compare.h"
#include "minimizer.h"

/* The defaults (vmxaudit diff shows them in its --help). */
#define VXA_CAMPAIGN_BATCH 200
#define VXA_CAMPAIGN_TIMEOUT_S 0.5
#define VXA_CAMPAIGN_MAX_RUNS 64
#define VXA_CAMPAIGN_MINIMIZE 2

typedef struct vxa_campaign_config {
    const char *backend, *cpu, *model;   /* model: "sdm", "bochs-2.7" (NULL: the backend's: Bochs's
                                            version's model where there is one, e.g. bochs-3.0) */
    const char *bochs, *bochs_version;   /* the Bochs binary: path and/or version (NULL: $VXA_BOCHS, bochs) */
    const char *cases_dir;               /* cases from here (*.json, *.bin), or: */
    unsigned long long generate, seed;   /* generate cases 0..generate-1 from seed */
    unsigned shard_k, shard_n;           /* run only the cases i with i % shard_n == shard_k
                                            (0-based; shard_n 0: every case) */
    const char *out;
    const char *record;                  /* every mismatch as executed, unminimized, to this folder
                                            (as `oracle run --record`); NULL: none */
    double budget_s;                     /* 0: none */
    bool resume;
    unsigned batch;                      /* cases per oracle run (0: the journal's with --resume,
                                            else VXA_CAMPAIGN_BATCH) */
    unsigned jobs;                       /* oracle worker processes (0, 1: the campaign's own) */
    double timeout_s;                    /* per case (0: VXA_CAMPAIGN_TIMEOUT_S) */
    unsigned minimize_per_signature;     /* the lowest N case indices of each signature (0: every
                                            mismatch); unless minimize_set: the journal's with
                                            --resume, else VXA_CAMPAIGN_MINIMIZE */
    bool minimize_set;
    unsigned min_max_runs;               /* oracle runs per minimization (0: the journal's with
                                            --resume, else VXA_CAMPAIGN_MAX_RUNS) */
    bool progress;                       /* a progress line on stderr */
    long long show;                      /* >= 0: print generated case `show` as JSON, run nothing */
} vxa_campaign_config;

/* Runs the campaign; returns the exit status of docs/exit-codes.md (0 no mismatch, 1 mismatches,
 * 2 bad input, 3 backend unavailable, 4 backend failed). */
int vxa_campaign_run(const vxa_campaign_config *cfg);

/* `vmxaudit diff merge OUT DIR...`: the shard journals in dirs[0..n) into OUT as one run of the
 * whole campaign would have written it (the same verdict for every case index, signatures,
 * coverage and regression files; times and oracle runs summed).  partial: a missing or
 * unfinished shard is left out instead of refused.  Returns 0, 1 (mismatches) or 2 (refused). */
int vxa_campaign_merge(const char *out, char **dirs, int n, bool partial);

/* Writes OUT/report.md for the campaigns in dirs[0..n) (a checks × profiles grid across them). */
int vxa_campaign_report(const char *out, char **dirs, int n);

/* ---- shared with `vmxaudit minimize` ---- */

/* Minimizes case c (a mismatch with verdict ref on backend b) toward the closest baseline and
 * runs the result once more to record it as executed.  *doc gets the regression case (caller
 * deletes; NULL if the mismatch did not reproduce).  Returns a VXA_ORACLE_* status. */
int vxa_minimize_mismatch(vxa_backend *b, uint8_t model, const vxa_baselines *bl, const vxa_case *c,
                          const vxa_verdict *ref, unsigned max_runs, const char *campaign,
                          const char *parent, bool generated, unsigned long long seed,
                          unsigned long long index, cJSON **doc, vxa_min_result *res);

/* Runs one case on b and judges it. */
int vxa_run_one(vxa_backend *b, uint8_t model, const vxa_case *c, vxa_verdict *v,
                vxa_prepared *pp, struct vxa_oracle_result *r);

#endif
