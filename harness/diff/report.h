/* report.h — what a campaign counted (built only from journal records) and how it is shown: the
 * summary table of mismatch signatures (engine said / oracle said / checks involved / count) and
 * report.md: signatures, check coverage as a checks × profiles grid, throughput, minimization. */
#ifndef VXA_DIFF_REPORT_H
#define VXA_DIFF_REPORT_H

#include <stdio.h>
#include "vmxaudit/vmxaudit.h"

typedef struct vxa_sig {
    char sig[512];
    char engine[80], oracle[80], checks[200], text[160];
    unsigned long long count, first_index;
    unsigned selected, minimized;    /* chosen for minimization / minimized so far */
    char file[300];                  /* the first minimized case (relative to the campaign) */
} vxa_sig;

typedef struct vxa_campaign_stats {
    char backend[16], cpu[64], model[16], profile[96], source[300];
    unsigned long long seed, total;
    unsigned long long done, agree, mismatch, skipped;
    unsigned long long undetermined;         /* explained by a rule the engine could not decide */
    unsigned long long observed[5];          /* by vxa_result */
    unsigned long long skip_unsupported, skip_crashed, skip_timeout, skip_other;
    double secs;                             /* batch wall time (generation, oracle, engine) */
    double oracle_secs;                      /* of which the oracle's */
    unsigned long long oracle_runs;          /* batches + minimization runs */
    unsigned nsigs, capsigs;
    vxa_sig *sigs;
    unsigned nskips, capskips;               /* not comparable, by reason and oracle's words */
    vxa_sig *skips;
    uint32_t fail[VXA_CHECK_COUNT];          /* cases in which the check failed */
    uint32_t pass[VXA_CHECK_COUNT];          /* batches in which it was seen passing */
    unsigned nmin, capmin;                   /* reproduced minimizations */
    unsigned *min_runs, *min_cands, *min_fields, *min_ms;   /* min_ms: wall time, milliseconds */
} vxa_campaign_stats;

void vxa_stats_init(vxa_campaign_stats *s);
/* The signature's slot (added with count 0 if new), its count incremented. */
unsigned vxa_stats_signature(vxa_campaign_stats *s, const char *sig, const char *engine,
                             const char *oracle, const char *checks, const char *text,
                             unsigned long long index);
/* A case the oracle could not observe: counted by reason and grouped by the oracle's words. */
void vxa_stats_count_skip(vxa_campaign_stats *s, const char *why, const char *text,
                          unsigned long long index);
void vxa_stats_add_min(vxa_campaign_stats *s, unsigned runs, unsigned cands, unsigned fields, unsigned ms);
/* The median of v[0..n) (0 if n == 0). */
double vxa_median(const unsigned *v, unsigned n);

/* The summary on f: counts, then the table of signatures by count. */
void vxa_summary_table(FILE *f, const vxa_campaign_stats *s);
/* report.md for one or more campaigns (malloc'd). */
char *vxa_report_markdown(vxa_campaign_stats **s, size_t n);

#endif
