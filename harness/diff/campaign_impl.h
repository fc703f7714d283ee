/* campaign_impl.h — the campaign's insides, shared by its files (campaign.h is the interface):
 *   campaign_state.c     what the journal says: records checked and applied, the header, the
 *                        choice of the mismatches to minimize
 *   campaign_batch.c     one batch: cases loaded, prepared, run on the oracle, judged, a record
 *   campaign_workers.c   --jobs N: batches in worker processes, one journal
 *   campaign_minimize.c  the chosen mismatches minimized into regression cases
 *   campaign_merge.c     `vmxaudit diff merge`: shard journals into the whole campaign's
 *   campaign.c           vxa_campaign_run: setup, resume, batches, minimize, finish
 * A campaign is one vxa_campaign: no function-static state in these files (the audit buffers of
 * bridge.c, compare.c, baseline.c, generator.c and regression.c are still static, so campaigns
 * do not yet run side by side in threads). */
#ifndef VXA_DIFF_CAMPAIGN_IMPL_H
#define VXA_DIFF_CAMPAIGN_IMPL_H

#include <signal.h>
#include "campaign.h"
#include "generator.h"
#include "journal.h"
#include "regression.h"
#include "report.h"

/* A mismatch that may be minimized: ref is the batch's verdict in the numbers that
 * vxa_verdict_keeps compares (the journal's "r": predicted result, observed result, error, exit
 * reason, vector), so no oracle run is spent on it again; a journal of an older vmxaudit has no
 * "r" and the case is run once more for it. */
typedef struct vxa_candidate {
    unsigned long long index;
    bool have_ref, minimized;
    uint8_t ref[5];
    char file[300];               /* its regression case, once minimized ("" if it did not reproduce) */
} vxa_candidate;

/* Per signature, the candidates: its lowest case indices (all of them with --minimize 0), in
 * increasing order.  The lowest, not the first to arrive: the choice does not depend on the
 * order batches finish in, on --jobs or on shards (a shard's lowest include the whole
 * campaign's), so `diff merge` of shards writes what one run writes. */
typedef struct vxa_pick { vxa_candidate *c; unsigned n, cap; } vxa_pick;

typedef struct vxa_campaign_state {
    vxa_campaign_stats st;              /* st.total: the cases of this journal (its shard's) */
    unsigned long long cases;           /* the whole campaign's (the header's "cases") */
    unsigned shard_k, shard_n;          /* shard K of N (0-based; N 0: not sharded) */
    uint8_t *done;                      /* bitmap over case indices */
    unsigned long long ndone_cap;
    unsigned long long low;             /* every own case below it is done */
    vxa_pick *picks;                    /* parallel to st.sigs */
    unsigned npicks;
    unsigned long long batches;
    unsigned long long superseded_runs; /* oracle runs of minimizations `merge` did not keep */
    bool have_header;
    cJSON *header;
    unsigned per_sig;                   /* --minimize: 0 every mismatch */
    /* Regression files of minimized candidates a lower case index of their signature later
     * displaced (a --partial merge resumed: the missing shard's cases arrive last); the run
     * removes them, as one run of the whole campaign never writes them. */
    char (*dropped)[300];
    unsigned ndropped;
} vxa_campaign_state;

typedef struct vxa_campaign {
    vxa_campaign_config cfg;
    vxa_campaign_state s;
    vxa_backend b;
    vxa_baselines bl;
    vxa_generator g;
    uint8_t model;
    vxa_judge_env env;
    vxa_observer ob;
    vxa_report *rep;                    /* the judge's audit of the case in hand (coverage) */
    char **files;                       /* --cases: the sorted file list */
    size_t nfiles;
    vxa_journal j;
    double t0;
    unsigned long long run_done;        /* cases run by this process (progress) */
    int rec_rc;                         /* a --record write that failed */
    /* room for cfg.batch cases */
    vxa_case *cases;
    vxa_prepared *pp;
    struct vxa_oracle_case *oc;
    struct vxa_oracle_result *res;
} vxa_campaign;

extern volatile sig_atomic_t vxa_campaign_interrupted;   /* SIGINT, SIGTERM */

double vxa_now(void);
int vxa_errno_status(int e);          /* a journal append that failed: 5 (disk full) or 4 */
int vxa_write_status(int wrc);        /* an output not written: 2, 5 or 4 */
bool vxa_campaign_over_budget(const vxa_campaign *c);

/* campaign_state.c */
void vxa_state_init(vxa_campaign_state *s, unsigned per_sig);
void vxa_state_free(vxa_campaign_state *s);
bool vxa_state_is_done(const vxa_campaign_state *s, unsigned long long i);
bool vxa_state_owns(const vxa_campaign_state *s, unsigned long long i);   /* in this shard */
/* The journal's replay function (journal.h): checks a record, then counts it. */
int vxa_state_apply(void *state, const cJSON *rec, unsigned line);
/* The next candidate ready to minimize: not minimized, and every own case below it done (so
 * no lower index of its signature can come).  NULL: none now. */
vxa_candidate *vxa_state_next_pending(vxa_campaign_state *s);
bool vxa_state_complete(const vxa_campaign_state *s);   /* every case done, every candidate minimized */
cJSON *vxa_header_record(const vxa_campaign_config *cfg, const vxa_backend *b, const char *model,
                         unsigned long long total);
/* --resume: what the command line left out comes from the header; what it gives must agree. */
int vxa_header_check(vxa_campaign_config *cfg, const cJSON *h);
/* The first header key in which two campaigns differ (NULL: the same campaign). */
const char *vxa_header_differs(const cJSON *a, const cJSON *b);
const char *vxa_jstr(const cJSON *o, const char *k);
double vxa_jnum(const cJSON *o, const char *k);

/* campaign_batch.c */
int vxa_load_item(const vxa_campaign *c, unsigned long long i, vxa_case *out);
/* Loads, prepares, runs and judges cases idx[0..n) in one oracle run; *out gets the journal's
 * batch record ("batch" 0: the caller numbers it).  Returns 0, 2 (a case that does not load) or
 * the exit status of an oracle that failed; c->rec_rc gets the status of a --record write that
 * failed (the batch is still complete). */
int vxa_run_batch(vxa_campaign *c, const unsigned long long *idx, size_t n, cJSON **out);
/* Numbers rec, appends it to the journal and counts it.  0 or an exit status. */
int vxa_campaign_journal_batch(vxa_campaign *c, cJSON *rec);
void vxa_campaign_progress(const vxa_campaign *c);

/* campaign_workers.c: --jobs N > 1 */
int vxa_run_workers(vxa_campaign *c);

/* campaign_minimize.c: every candidate ready (vxa_state_next_pending) */
int vxa_minimize_pending(vxa_campaign *c);

#endif
