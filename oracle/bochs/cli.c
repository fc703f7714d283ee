/* cli.c — vxa-bochs: the Bochs oracle from the command line.
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
#include "bochs.h"
#include "case_text.h"
#include "good_layout.h"
#include "profile_json.h"
#include "session.h"
#include "vmxaudit/vmxaudit.h"

static int usage(FILE *f, int rc)
{
    fputs("usage: vxa-bochs probe --cpu MODEL [--source TEXT] [options]\n"
          "       vxa-bochs run --cpu MODEL [options] CASES|-\n"
          "       vxa-bochs bench --cpu MODEL [--batch 1,10,100] [options]\n"
          "options: --bochs PATH  --timeout SECONDS (per case, default 5)  --trace FILE\n"
          "         --workdir DIR (keep the machine's files there)\n"
          "CASES: one case per line, e.g.\n"
          "  vmlaunch PIN_BASED_VM_EXEC_CONTROL=0x16 0x4002=0x0401e172 @0x2000=0fa2\n"
          "  vmresume launched nofill novmcs movss vmcs=0x5000 ...\n", f);
    return rc;
}

static const char *field_name(uint32_t enc)
{
    vxa_field f = vxa_field_by_encoding(enc);
    return f == VXA_F_NONE ? NULL : vxa_field_get(f)->name;
}

static void print_field(uint32_t enc)
{
    const char *n = field_name(enc);
    if (n) fputs(n, stdout);
    else printf("0x%" PRIx32, enc);
}

static void print_result(size_t i, const struct vxa_oracle_result *r)
{
    printf("%zu %s", i, vxa_oracle_kind_name(r->kind));
    switch (r->kind) {
    case VXA_ORACLE_VMFAIL_VALID: printf(" error=%" PRIu32, r->error); break;
    case VXA_ORACLE_ENTRY_FAILURE:
    case VXA_ORACLE_EXITED:
        printf(" reason=0x%" PRIx32 " qualification=0x%" PRIx64, r->exit_reason, r->qualification);
        if ((r->exit_reason & 0xffff) == 0) printf(" intr_info=0x%" PRIx32, r->exit_intr_info);
        break;
    case VXA_ORACLE_FAULT: printf(" vector=%d", r->fault_vector); break;
    default: break;
    }
    if (r->host_fault_vector >= 0) printf(" host_fault_vector=%d", r->host_fault_vector);
    if (r->detail) printf(" (%s)", r->detail);
    putchar('\n');
    for (size_t j = 0; j < r->nvmwrite_errors; j++) {
        fputs("  vmwrite ", stdout);
        print_field(r->vmwrite_errors[j].encoding);
        printf(": error %" PRIu32 "\n", r->vmwrite_errors[j].error);
    }
    if (r->nreplaced) {
        fputs("  harness fields:", stdout);
        for (size_t j = 0; j < r->nreplaced; j++) {
            putchar(' ');
            print_field(r->replaced[j].encoding);
            printf("=0x%" PRIx64, r->replaced[j].value);
        }
        putchar('\n');
    }
    if (r->log) {
        char *save, *copy = strdup(r->log);
        for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
            printf("  bochs: %s\n", l);
        free(copy);
    }
}

/* Batches of the known-good layout: "entered" cases exit on CPUID; "failing" cases clear
 * RFLAGS bit 1 and so run every guest-state check before the entry fails (exit 33).  Each batch
 * is one vxa_bochs_run(): Bochs boot included. */
static int bench(const struct vxa_bochs_options *opt, const char *cpu, const char *sizes)
{
    char err[1024];
    struct vxa_oracle_probe p;
    int rc = vxa_bochs_probe(opt, cpu, &p, err, sizeof err);
    static struct vxa_good_layout g[2];
    if (rc || vxa_good_layout(&p, &g[0]) || vxa_good_layout(&p, &g[1])) {
        fprintf(stderr, "vxa-bochs: %s\n", rc ? err : "no control MSRs");
        return rc ? rc : VXA_ORACLE_FAILED;
    }
    vxa_good_set(&g[1], 0x6820, 0);                     /* GUEST_RFLAGS: bit 1 clear */
    printf("model %s, Bochs %s; one Bochs process per batch, boot included\n", cpu,
           p.backend_version);
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
            double t0 = bx_now();
            rc = vxa_bochs_run(opt, cpu, c, n, r, NULL, err, sizeof err);
            double dt = bx_now() - t0;
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

int main(int argc, char **argv)
{
    if (argc < 2) return usage(stderr, 2);
    const char *cmd = argv[1], *cpu = NULL, *source = NULL, *input = NULL, *trace = NULL;
    const char *sizes = "1,10,100";
    struct vxa_bochs_options opt = { 0 };
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return usage(stdout, 0);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
        else if (!strcmp(a, "--cpu") && v) cpu = v, i++;
        else if (!strcmp(a, "--source") && v) source = v, i++;
        else if (!strcmp(a, "--batch") && v) sizes = v, i++;
        else if (!strcmp(a, "--bochs") && v) opt.bochs = v, i++;
        else if (!strcmp(a, "--trace") && v) trace = v, i++;
        else if (!strcmp(a, "--workdir") && v) opt.workdir = v, i++;
        else if (!strcmp(a, "--timeout") && v) opt.case_timeout_s = atof(v), i++;
        else if ((a[0] != '-' || !strcmp(a, "-")) && !input) input = a;
        else return usage(stderr, 2);
    }
    if (!cpu || (strcmp(cmd, "probe") && strcmp(cmd, "run") && strcmp(cmd, "bench")))
        return usage(stderr, 2);
    if (trace && !(opt.trace = fopen(trace, "w"))) {
        perror(trace);
        return 2;
    }
    char err[1024];
    int rc;
    if (!strcmp(cmd, "bench")) {
        rc = bench(&opt, cpu, sizes);
        if (opt.trace) fclose(opt.trace);
        return rc;
    } else if (!strcmp(cmd, "probe")) {
        struct vxa_oracle_probe p;
        rc = vxa_bochs_probe(&opt, cpu, &p, err, sizeof err);
        if (rc == 0) {
            char name[160], desc[160], src[256];
            snprintf(name, sizeof name, "bochs-%s-%s", p.backend_version, cpu);
            for (char *c = name; *c; c++) if (*c == '_') *c = '-';
            snprintf(desc, sizeof desc, "Bochs %s model %s", p.backend_version, cpu);
            snprintf(src, sizeof src, "RDMSR inside Bochs %s by vmxaudit oracle probe",
                     p.backend_version);
            vxa_probe_write_profile(stdout, &p, name, desc, source ? source : src);
        }
    } else {
        if (!input) return usage(stderr, 2);
        FILE *in = strcmp(input, "-") ? fopen(input, "r") : stdin;
        if (!in) {
            perror(input);
            return 2;
        }
        struct vxa_case_list list;
        rc = vxa_case_text_read(in, &list, err, sizeof err);
        if (in != stdin) fclose(in);
        if (rc) {
            fprintf(stderr, "vxa-bochs: %s: %s\n", input, err);
            return 2;
        }
        struct vxa_oracle_result *res = calloc(list.n + 1, sizeof *res);
        if (!res) return 4;
        rc = vxa_bochs_run(&opt, cpu, list.cases, list.n, res, NULL, err, sizeof err);
        if (rc == 0)
            for (size_t i = 0; i < list.n; i++) print_result(i, &res[i]);
        for (size_t i = 0; i < list.n; i++) vxa_oracle_result_free(&res[i]);
        free(res);
        vxa_case_list_free(&list);
    }
    if (opt.trace) fclose(opt.trace);
    if (rc) fprintf(stderr, "vxa-bochs: %s\n", err);
    return rc;
}
