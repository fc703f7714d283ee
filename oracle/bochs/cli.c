/* cli.c — vxa-bochs: the Bochs oracle from the command line, a thin tool over the one oracle
 * interface (oracle/registry/oracle_backend.h: vxa_oracle_open, vxa_oracle_run) with the
 * backends' one result printer (oracle/common/result_text.h).  It sends oracle cases as written
 * (oracle/common/case_text.h: no preparation, no judging); `vmxaudit oracle run` prepares and
 * judges the project's case files on the same interface.
 *   vxa-bochs probe --cpu MODEL [--source TEXT]         a capability profile (JSON) on stdout
 *   vxa-bochs run --cpu MODEL [--timeout S] CASES|-     one result line per case
 *   vxa-bochs bench --cpu MODEL [--batch N,N...]        cases per second, by batch size
 * Common options: --bochs PATH, --trace FILE (all Bochs output), --workdir DIR.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "case_text.h"
#include "good_layout.h"
#include "oracle_backend.h"
#include "profile_json.h"
#include "result_text.h"
#include "vmxaudit/vmxaudit.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int usage(FILE *f, int rc)
{
    fputs("usage: vxa-bochs probe --cpu MODEL [--source TEXT] [options]\n"
          "       vxa-bochs run --cpu MODEL [options] CASES|-\n"
          "       vxa-bochs bench --cpu MODEL [--batch 1,10,100] [--audit sdm|bochs-2.7|none]\n"
          "                 [options]\n"
          "options: --bochs PATH  --timeout SECONDS (per case, default 5)  --trace FILE\n"
          "         --workdir DIR (keep the machine's files there)\n"
          "CASES: one case per line, e.g.\n"
          "  vmlaunch GUEST_RFLAGS=0x2 0x681e=0x2000 @0x2000=0fa2\n"
          "  vmresume launched nofill novmcs movss vmcs=0x5000 model=bochs-2.7 noaudit ...\n"
          "bench --audit: the model of the payload's in-guest audit (default bochs-2.7), none: off\n", f);
    return rc;
}


/* Batches of the known-good layout: "entered" cases exit on CPUID; "failing" cases clear
 * RFLAGS bit 1 and so run every guest-state check before the entry fails (exit 33).  Each batch
 * is one vxa_oracle_run(): Bochs boot included. */
static int bench(vxa_oracle *o, const char *sizes, const char *audit)
{
    vxa_model model = strcmp(audit, "none") ? vxa_model_by_name(audit) : VXA_MODEL_SDM;
    if (model == VXA_MODEL_COUNT) {
        fprintf(stderr, "vxa-bochs: unknown --audit '%s' (sdm, bochs-2.7, none)\n", audit);
        return VXA_ORACLE_BAD_INPUT;
    }
    char err[1024];
    static struct vxa_good_layout g[2];
    if (vxa_good_layout(&o->probe, &g[0]) || vxa_good_layout(&o->probe, &g[1])) {
        fprintf(stderr, "vxa-bochs: no control MSRs\n");
        return VXA_ORACLE_FAILED;
    }
    vxa_good_set(&g[1], 0x6820, 0);                     /* GUEST_RFLAGS: bit 1 clear */
    for (int k = 0; k < 2; k++) {
        g[k].c.model = (uint8_t)model;
        g[k].c.no_audit = !strcmp(audit, "none");
    }
    printf("model %s, Bochs %s, in-guest audit: %s; one Bochs process per batch, boot included\n",
           o->id.cpu, o->id.version, audit);
    printf("%8s %10s %12s %12s\n", "batch", "kind", "seconds", "cases/s");
    for (const char *s = sizes; *s;) {
        size_t n = strtoul(s, NULL, 10);
        s += strcspn(s, ",");
        s += *s == ',';
        if (!n) continue;
        for (int k = 0; k < 2; k++) {
            struct vxa_oracle_case *c = calloc(n, sizeof *c);
            struct vxa_oracle_result *r = calloc(n, sizeof *r);
            if (!c || !r) return VXA_ORACLE_FAILED;
            for (size_t i = 0; i < n; i++) c[i] = g[k].c;
            double t0 = now();
            int rc = vxa_oracle_run(o, c, n, r, err, sizeof err);
            double dt = now() - t0;
            size_t ok = 0;
            for (size_t i = 0; i < n; i++) {
                ok += r[i].kind == (k ? VXA_ORACLE_ENTRY_FAILURE : VXA_ORACLE_EXITED);
                vxa_oracle_result_free(&r[i]);
            }
            free(c);
            free(r);
            if (rc || ok != n) {
                fprintf(stderr, "vxa-bochs: bench batch %zu: %s\n", n, rc ? err : "unexpected outcome");
                return rc ? rc : VXA_ORACLE_FAILED;
            }
            printf("%8zu %10s %12.3f %12.1f\n", n, k ? "failing" : "entered", dt, (double)n / dt);
        }
    }
    return 0;
}

/* run: the cases as written, one result per case (the one printer). */
static int run(vxa_oracle *o, struct vxa_case_list *list)
{
    char err[1024];
    struct vxa_oracle_result *res = calloc(list->n + 1, sizeof *res);
    if (!res) return VXA_ORACLE_FAILED;
    int rc = vxa_oracle_run(o, list->cases, list->n, res, err, sizeof err);
    if (rc == 0)
        for (size_t i = 0; i < list->n; i++) vxa_oracle_result_print(stdout, i, &res[i], o->id.backend);
    else
        fprintf(stderr, "vxa-bochs: %s\n", err);
    for (size_t i = 0; i < list->n; i++) vxa_oracle_result_free(&res[i]);
    free(res);
    return rc;
}

/* The cases of `run`, read before the oracle boots (bad input: exit 2 at once). */
static int read_cases(const char *input, struct vxa_case_list *list)
{
    FILE *in = strcmp(input, "-") ? fopen(input, "r") : stdin;
    if (!in) {
        perror(input);
        return VXA_ORACLE_BAD_INPUT;
    }
    char err[1024];
    int rc = vxa_case_text_read(in, list, err, sizeof err);
    if (in != stdin) fclose(in);
    if (rc) fprintf(stderr, "vxa-bochs: %s: %s\n", input, err);
    return rc ? VXA_ORACLE_BAD_INPUT : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage(stderr, 2);
    const char *cmd = argv[1], *cpu = NULL, *source = NULL, *input = NULL, *trace = NULL;
    const char *sizes = "1,10,100", *audit = "bochs-2.7";
    struct vxa_oracle_options opt = { 0 };
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return usage(stdout, 0);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
        else if (!strcmp(a, "--cpu") && v) cpu = v, i++;
        else if (!strcmp(a, "--source") && v) source = v, i++;
        else if (!strcmp(a, "--batch") && v) sizes = v, i++;
        else if (!strcmp(a, "--audit") && v) audit = v, i++;
        else if (!strcmp(a, "--bochs") && v) opt.program = v, i++;
        else if (!strcmp(a, "--trace") && v) trace = v, i++;
        else if (!strcmp(a, "--workdir") && v) opt.workdir = v, i++;
        else if (!strcmp(a, "--timeout") && v) opt.case_timeout_s = atof(v), i++;
        else if ((a[0] != '-' || !strcmp(a, "-")) && !input) input = a;
        else return usage(stderr, 2);
    }
    if (!cpu || (strcmp(cmd, "probe") && strcmp(cmd, "run") && strcmp(cmd, "bench")))
        return usage(stderr, 2);
    if (!strcmp(cmd, "run") && !input) return usage(stderr, 2);
    opt.cpu = cpu;
    struct vxa_case_list list = { 0 };
    if (!strcmp(cmd, "run") && read_cases(input, &list)) return VXA_ORACLE_BAD_INPUT;
    if (trace && !(opt.trace = fopen(trace, "w"))) {
        perror(trace);
        vxa_case_list_free(&list);
        return 2;
    }
    char err[1024];
    static vxa_oracle o;
    int rc = vxa_oracle_open(&o, "bochs", &opt, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vxa-bochs: %s\n", err);
    } else if (!strcmp(cmd, "bench")) {
        rc = bench(&o, sizes, audit);
    } else if (!strcmp(cmd, "probe")) {
        char desc[160], src[256];
        snprintf(desc, sizeof desc, "Bochs %s model %s", o.probe.backend_version, cpu);
        snprintf(src, sizeof src, "RDMSR inside Bochs %s by vmxaudit oracle probe",
                 o.probe.backend_version);
        if (vxa_probe_write_profile(stdout, &o.probe, o.id.profile_name, desc, source ? source : src))
            rc = VXA_ORACLE_FAILED;
    } else {
        rc = run(&o, &list);
    }
    vxa_case_list_free(&list);
    if (opt.trace) fclose(opt.trace);
    return rc;
}
