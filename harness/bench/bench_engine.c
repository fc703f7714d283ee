/* bench_engine.c — audits/s and repairs/s of the engine on valid and damaged layouts
 * (docs/performance.md: full audit of a valid layout >= 1,000,000/s on one core). */
#include <stdlib.h>
#include <string.h>
#include "benchmarks.h"
#include "measure.h"

#define AUDIT_TARGET 1e6

typedef struct audit_ctx {
    const vxa_profile *profile;
    const vxa_entry *entry;
    vxa_memory mem;
    const vxa_vmcs *vmcs;        /* the inputs, cycled through */
    unsigned nvmcs;
    vxa_report report;
    vxa_vmcs fixed;
    unsigned max_rounds;
} audit_ctx;

static void run_audit(void *p, unsigned long long n)
{
    audit_ctx *a = p;
    unsigned k = 0;
    for (unsigned long long i = 0; i < n; i++) {
        vxa_input in = { a->profile, &a->vmcs[k], a->entry, &a->mem, VXA_MODEL_SDM, NULL };
        vxa_audit(&in, &a->report);
        bench_sink += a->report.nviolations;
        if (++k == a->nvmcs) k = 0;
    }
}

static void run_repair(void *p, unsigned long long n)
{
    audit_ctx *a = p;
    unsigned k = 0;
    for (unsigned long long i = 0; i < n; i++) {
        vxa_input in = { a->profile, &a->vmcs[k], a->entry, &a->mem, VXA_MODEL_SDM, NULL };
        vxa_repair_result res;
        bench_sink += vxa_repair(&in, a->max_rounds, &a->fixed, &a->report, &res) + res.rounds;
        if (++k == a->nvmcs) k = 0;
    }
}

/* Mean violations and repair rounds over the set, for the JSON note. */
static void describe(audit_ctx *a, bool repair, char *note, size_t n)
{
    double viol = 0, rounds = 0, clean = 0;
    for (unsigned k = 0; k < a->nvmcs; k++) {
        vxa_input in = { a->profile, &a->vmcs[k], a->entry, &a->mem, VXA_MODEL_SDM, NULL };
        vxa_audit(&in, &a->report);
        viol += a->report.nviolations;
        if (repair) {
            vxa_repair_result res;
            clean += vxa_repair(&in, a->max_rounds, &a->fixed, &a->report, &res);
            rounds += res.rounds;
        }
    }
    if (repair)
        snprintf(note, n, "\"inputs\":%u,\"mean_violations\":%.3g,\"mean_rounds\":%.3g,\"clean_fraction\":%.3g",
                 a->nvmcs, viol / a->nvmcs, rounds / a->nvmcs, clean / a->nvmcs);
    else
        snprintf(note, n, "\"inputs\":%u,\"mean_violations\":%.3g", a->nvmcs, viol / a->nvmcs);
}

static double one(const vxa_bench_options *o, bench_layout *l, const char *what, bool repair,
                  const vxa_vmcs *v, unsigned nv)
{
    char name[96], note[256];
    snprintf(name, sizeof name, "%s/%s/%s", repair ? "repair" : "audit", what, l->name);
    if (!bench_selected(o, name)) return 0;
    audit_ctx *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->profile = &l->c.profile;
    a->entry = &l->c.entry;
    a->mem = vxa_case_memory(&l->c);
    a->vmcs = v;
    a->nvmcs = nv;
    a->max_rounds = 32;       /* as `vmxaudit repair` */
    describe(a, repair, note, sizeof note);
    /* The design's target is for a valid layout; damaged ones are reported without one. */
    bench_spec s = { name, repair ? "repairs/s" : "audits/s", !repair && v == &l->c.vmcs ? AUDIT_TARGET : 0,
                     repair ? run_repair : run_audit, a, 0, false, note };
    double r = bench_measure(o, &s);
    free(a);
    return r;
}

double bench_engine(const vxa_bench_options *o, bench_inputs *in)
{
    double valid = 0;
    for (unsigned i = 0; i < BENCH_LAYOUTS; i++) {
        bench_layout *l = &in->layout[i];
        const vxa_vmcs *multi = &in->multi[i * BENCH_DAMAGED], *single = &in->single[i * BENCH_DAMAGED];
        double r = one(o, l, "valid", false, &l->c.vmcs, 1);
        if (i == 0) valid = r;
        one(o, l, "zero", false, &in->zero[i], 1);
        one(o, l, "damaged8", false, multi, BENCH_DAMAGED);
        one(o, l, "damaged1", false, single, BENCH_DAMAGED);
        one(o, l, "zero", true, &in->zero[i], 1);
        one(o, l, "damaged8", true, multi, BENCH_DAMAGED);
        one(o, l, "damaged1", true, single, BENCH_DAMAGED);
    }
    return valid;
}
