/* bench_oracle.c — oracle throughput (docs/performance.md: Bochs >= 200 cases/s per process in batches),
 * Bochs's boot cost, the engine/oracle ratio on the same cases, KVM and the minimizer.
 *
 * Bochs (through the registry of backends, oracle_backend.h, where Bochs is built): the probe's known-good
 * layout (oracle/common/good_layout.h) as "entered" cases (the guest exits on CPUID) and the same
 * with GUEST_RFLAGS bit 1 clear as "failing" cases (every guest-state check runs, then exit 33),
 * in batches of 1, 10, 100 and 1000 cases; one vxa_oracle_run() per batch, so each batch pays one
 * Bochs boot.  The engine then audits the same cases as the oracle executed them (the case's
 * fields plus the harness fields the oracle filled in, its memory blobs, the bochs-2.7 profile
 * the oracle's probe produced) and the ratio engine/oracle is taken in the same run. */
#include <stdlib.h>
#include <string.h>
#include "benchmarks.h"
#include "measure.h"

#ifdef VXA_BENCH_ORACLES
#include "good_layout.h"
#include "oracle_backend.h"

#define BOCHS_TARGET 200.0

typedef struct oracle_ctx {
    const vxa_bench_options *o;
    vxa_oracle *oracle;
    const struct vxa_oracle_case *proto;
    int expect;                       /* enum vxa_oracle_kind every case must give */
    unsigned long long bad;           /* cases with another outcome, or a failed run */
    struct vxa_oracle_result first;   /* the first result, kept (harness fields as executed) */
    bool have_first;
    unsigned long long cases;         /* cases run, warm-up included */
    const char *version;
    char note[512];                   /* JSON members, updated after every batch */
} oracle_ctx;

static void run_batch(void *p, unsigned long long n)
{
    oracle_ctx *a = p;
    struct vxa_oracle_case *c = calloc(n, sizeof *c);
    struct vxa_oracle_result *r = calloc(n, sizeof *r);
    if (!c || !r) abort();
    for (unsigned long long i = 0; i < n; i++) c[i] = *a->proto;
    char err[512];
    if (vxa_oracle_run(a->oracle, c, n, r, err, sizeof err)) {
        fprintf(stderr, "bench: bochs: %s\n", err);
        a->bad += n;
    } else {
        for (unsigned long long i = 0; i < n; i++) {
            a->bad += r[i].kind != (enum vxa_oracle_kind)a->expect;
            if (!a->have_first) { a->first = r[i]; a->have_first = true; }
            else vxa_oracle_result_free(&r[i]);
        }
    }
    free(c);
    free(r);
    a->cases += n;
    snprintf(a->note, sizeof a->note, "\"backend\":\"bochs %s\",\"expected_outcome\":\"%s\","
             "\"cases_run\":%llu,\"unexpected_outcomes\":%llu", a->version,
             vxa_oracle_kind_name((enum vxa_oracle_kind)a->expect), a->cases, a->bad);
}

typedef struct probe_ctx { struct vxa_oracle_options opt; unsigned long long bad; } probe_ctx;

static void run_probe(void *p, unsigned long long n)
{
    probe_ctx *a = p;
    for (unsigned long long i = 0; i < n; i++) {
        static vxa_oracle pr;
        char err[512];
        a->bad += vxa_oracle_open(&pr, "bochs", &a->opt, err, sizeof err) != 0;
    }
}

/* The engine's side of the same cases. */
typedef struct blob_mem { const struct vxa_oracle_blob *b; size_t n; } blob_mem;

static int blob_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    const blob_mem *m = ctx;
    uint8_t *out = buf;
    for (uint32_t i = 0; i < len; i++) {
        out[i] = 0;
        for (size_t k = 0; k < m->n; k++)
            if (pa + i >= m->b[k].address && pa + i < m->b[k].address + m->b[k].length)
                out[i] = m->b[k].data[pa + i - m->b[k].address];
    }
    return 0;
}

typedef struct engine_ctx {
    vxa_profile profile;
    vxa_vmcs vmcs[2];
    vxa_entry entry;
    vxa_memory mem[2];
    blob_mem bm[2];
    vxa_model model;
    vxa_report report;
} engine_ctx;

static void run_engine(void *p, unsigned long long n)
{
    engine_ctx *a = p;
    for (unsigned long long i = 0; i < n; i++) {
        vxa_input in = { &a->profile, &a->vmcs[i & 1], &a->entry, &a->mem[i & 1], (uint8_t)a->model, NULL };
        vxa_audit(&in, &a->report);
        bench_sink += a->report.nviolations;
    }
}

/* The layout as the oracle executed it: the case's fields, then the harness fields. */
static void executed_layout(const struct vxa_oracle_case *c, const struct vxa_oracle_result *r, vxa_vmcs *v)
{
    vxa_vmcs_init(v);
    for (size_t i = 0; i < c->nfields; i++) {
        vxa_field f = vxa_field_by_encoding(c->fields[i].encoding);
        if (f != VXA_F_NONE) vxa_set(v, f, c->fields[i].value);
    }
    for (size_t i = 0; r && i < r->nreplaced; i++) {
        vxa_field f = vxa_field_by_encoding(r->replaced[i].encoding);
        if (f != VXA_F_NONE) vxa_set(v, f, r->replaced[i].value);
    }
}

static void bochs(const vxa_bench_options *o)
{
    const char *model = o->bochs_model;
    char name[96], note[1024];
    struct vxa_oracle_options opt = { .cpu = model };
    static vxa_oracle orc;
    char err[512];
    int rc = vxa_oracle_open(&orc, "bochs", &opt, err, sizeof err);
    const struct vxa_oracle_probe *pr = &orc.probe;
    static struct vxa_good_layout g[2];
    if (rc || vxa_good_layout(pr, &g[0]) || vxa_good_layout(pr, &g[1])) {
        snprintf(note, sizeof note, "Bochs model %s not usable here: %s", model, rc ? err : "no control MSRs");
        bench_gap(o, "oracle/bochs", "cases/s", note);
        return;
    }
    vxa_good_set(&g[1], 0x6820, 0);   /* GUEST_RFLAGS: bit 1 (reserved, must be 1) clear: exit 33 */
    static const char *const kinds[2] = { "entered", "failing" };
    static const int expect[2] = { VXA_ORACLE_EXITED, VXA_ORACLE_ENTRY_FAILURE };
    static const unsigned sizes[] = { 1, 10, 100, 1000 };
    double at1000[2] = { 0, 0 };
    struct vxa_oracle_result executed[2];
    bool have[2] = { false, false };

    snprintf(name, sizeof name, "oracle/bochs/%s/boot", model);
    probe_ctx pc = { opt, 0 };
    snprintf(note, sizeof note, "\"backend\":\"bochs %s\",\"what\":\"vxa_oracle_open: boot, MSR probe, VMXON, no case\"",
             pr->backend_version);
    bench_spec ps = { name, "boots/s", 0, run_probe, &pc, 1, true, note };
    bench_measure(o, &ps);

    for (unsigned k = 0; k < 2; k++)
        for (unsigned s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            snprintf(name, sizeof name, "oracle/bochs/%s/%s/batch%u", model, kinds[k], sizes[s]);
            if (!bench_selected(o, name)) continue;
            oracle_ctx a = { o, &orc, &g[k].c, expect[k], 0, { 0 }, false, 0, pr->backend_version, "" };
            bench_spec b = { name, "cases/s", sizes[s] >= 100 ? BOCHS_TARGET : 0, run_batch, &a,
                             sizes[s], true, a.note };
            double rate = bench_measure(o, &b);
            if (sizes[s] == 1000) at1000[k] = rate;
            if (a.have_first && !have[k]) { executed[k] = a.first; have[k] = true; }
            else if (a.have_first) vxa_oracle_result_free(&a.first);
        }

    /* The engine on the same cases, as executed, with the profile the probe gave. */
    engine_ctx *e = calloc(1, sizeof *e);
    if (!e) abort();
    const char *pname = orc.id.profile_name;   /* bochs-VERSION-MODEL */
    e->model = vxa_model_by_name(orc.id.model);
    vxa_error ve;
    char *pn = NULL;
    if (!have[0] || !have[1] || vxa_profile_load(pname, &e->profile, &pn, &ve)) {
        bench_gap(o, "oracle/bochs/ratio-engine-vs-oracle", "ratio", !have[0] || !have[1] ? "no oracle results to compare with"
                                                                           : "no bundled profile for this Bochs model");
    } else {
        vxa_entry_init(&e->entry);
        unsigned agree = 0;
        for (unsigned k = 0; k < 2; k++) {
            executed_layout(&g[k].c, &executed[k], &e->vmcs[k]);
            e->bm[k] = (blob_mem){ g[k].c.blobs, g[k].c.nblobs };
            e->mem[k] = (vxa_memory){ blob_read, &e->bm[k] };
            vxa_input in = { &e->profile, &e->vmcs[k], &e->entry, &e->mem[k], (uint8_t)e->model, NULL };
            vxa_audit(&in, &e->report);
            agree += (k == 0) == (e->report.outcome.result == VXA_ENTERED);
        }
        snprintf(name, sizeof name, "oracle/bochs/%s/engine-same-cases", model);
        snprintf(note, sizeof note, "\"model\":\"%s\",\"profile\":\"%s\",\"cases\":\"entered and failing, as executed\","
                 "\"engine_agrees_with_oracle\":\"%u of 2\"", orc.id.model, pname, agree);
        bench_spec es = { name, "audits/s", 0, run_engine, e, 0, false, note };
        double eng = bench_measure(o, &es);
        double orc = (at1000[0] + at1000[1]) / 2;
        if (orc > 0 && eng > 0) {
            snprintf(note, sizeof note, "\"engine_audits_per_cpu_s\":%.6g,\"bochs_cases_per_wall_s_batch1000\":%.6g",
                     eng, orc);
            snprintf(name, sizeof name, "oracle/bochs/%s/ratio-engine-vs-oracle", model);
            bench_value(o, name, "engine/oracle", eng / orc, note);
        }
    }
    free(pn);
    for (unsigned k = 0; k < 2; k++) if (have[k]) vxa_oracle_result_free(&executed[k]);
    free(e);
}
#endif

void bench_oracle(const vxa_bench_options *o, bench_inputs *in, double engine_audits_per_s)
{
    (void)in;
    (void)engine_audits_per_s;
#ifdef VXA_BENCH_ORACLES
    if (!vxa_oracle_backend_find("bochs"))
        bench_gap(o, "oracle/bochs", "cases/s", "the Bochs oracle (oracle/bochs) is not in this build");
    else if (o->quick)
        bench_gap(o, "oracle/bochs", "cases/s", "not run in quick mode");
    else if (!o->bochs_model)
        bench_gap(o, "oracle/bochs", "cases/s", "not run: give --bochs-model MODEL (e.g. corei7_skylake_x)");
    else
        bochs(o);
    /* KVM: only the availability is measured: the KVM throughput benchmark is not written, since
     * no machine here offers VMX to check it on. */
    static vxa_oracle kvm;
    char err[512], why[1024];
    int rc = vxa_oracle_open(&kvm, "kvm", NULL, err, sizeof err);
    if (rc == VXA_ORACLE_OK)
        snprintf(why, sizeof why, "KVM offers VMX on this host (%s, kernel %s) but the KVM throughput "
                 "benchmark is not written yet", kvm.id.host, kvm.id.version);
    else
        snprintf(why, sizeof why, "KVM oracle unavailable here (%s%s%s): %s", kvm.id.host,
                 kvm.id.version[0] ? ", kernel " : "", kvm.id.version, err);
    bench_gap(o, "oracle/kvm", "cases/s", why);
#else
    bench_gap(o, "oracle/bochs", "cases/s", "the oracles (oracle/) are not in this build");
    bench_gap(o, "oracle/kvm", "cases/s", "the oracles (oracle/) are not in this build");
#endif
    bench_gap(o, "minimizer/oracle-runs-per-mismatch", "runs",
              "measured by the campaign, not here: vmxaudit diff --minimize (report.md; FINDINGS.md: median 3, max 11)");
}
