/* oracle_scaling.c — vxa-oracle-scaling: the campaign's throughput against the raw oracle's, and
 * its scaling with worker processes, on the same generated cases (harness/bench/README.md,
 * "Oracle scaling").  For each repetition, one after the other:
 *   raw     the cases 0..N-1 of the seed, generated and prepared as the campaign does
 *           (vxa_generate, vxa_prepare_case), then sent in batches of B through the backend
 *           interface (vxa_backend_run: one Bochs boot per batch, what `bench --only oracle`
 *           measures on one repeated case); timed: the oracle runs only;
 *   jobs J  `vmxaudit diff --backend bochs --generate N --seed S --batch B --jobs J` into a fresh
 *           folder, for J = 1..--max-jobs; timed: the whole process (probe, baselines, batches,
 *           any minimization, the report), wall clock.
 * Printed: the median cases/s of each, the campaign's % of raw, cases/s per worker and the
 * speed-up over one worker; --json: one JSON object per line. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bridge.h"
#include "campaign.h"
#include "generator.h"
#include "out_file.h"

extern char **environ;

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU seconds of this process (who = RUSAGE_SELF) or of its waited-for descendants. */
static double cpu_secs(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 + (double)u.ru_stime.tv_sec +
           (double)u.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vxa-oracle-scaling --vmxaudit PATH [--cpu MODEL] [--generate N] [--seed S] [--batch B]\n"
               "                          [--max-jobs J] [--reps R] [--timeout S] [--json FILE] [--keep DIR]\n"
               "Raw oracle batch throughput (vxa_backend_run on the generated, prepared cases) and\n"
               "`vmxaudit diff --jobs 1..J` on the same cases: cases/s, %% of raw, per worker, speed-up.\n"
               "Defaults: --cpu corei7_skylake_x --generate 2000 --seed 7, --batch and --timeout (per case) the campaign's\n"
               "--max-jobs: the number of online CPUs, --reps 3.  exit: 0 done, 2 usage, 3 no Bochs, 4 a run failed.\n");
}

static unsigned long long num(const char *opt, const char *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v ? v : "", &end, 10);
    if (!v || !*v || *end || errno || x == 0) {
        fprintf(stderr, "vxa-oracle-scaling: %s needs a positive number, not '%s'\n", opt, v ? v : "");
        exit(2);
    }
    return x;
}

/* The raw oracle on cases[0..n) in batches of `batch`: cases per wall second of the runs. */
static double raw_run(vxa_backend *b, const vxa_prepared *pp, size_t n, unsigned batch, int *failed,
                      unsigned long long *lost, double *cpu)
{
    struct vxa_oracle_case *oc = calloc(batch, sizeof *oc);
    struct vxa_oracle_result *res = calloc(batch, sizeof *res);
    if (!oc || !res) abort();
    double secs = 0, c0 = cpu_secs(RUSAGE_SELF) + cpu_secs(RUSAGE_CHILDREN);
    for (size_t at = 0; at < n; at += batch) {
        size_t k = n - at < batch ? n - at : batch;
        for (size_t q = 0; q < k; q++) oc[q] = pp[at + q].oc;
        char err[1024];
        double t0 = wall();
        int rc = vxa_backend_run(b, oc, k, res, err, sizeof err);
        secs += wall() - t0;
        if (rc != VXA_ORACLE_OK) {
            fprintf(stderr, "vxa-oracle-scaling: raw oracle run: %s\n", err);
            *failed = 1;
            break;
        }
        for (size_t q = 0; q < k; q++) {
            *lost += res[q].kind == VXA_ORACLE_TIMEOUT || res[q].kind == VXA_ORACLE_CRASHED;
            vxa_oracle_result_free(&res[q]);
        }
    }
    *cpu = cpu_secs(RUSAGE_SELF) + cpu_secs(RUSAGE_CHILDREN) - c0;
    free(oc);
    free(res);
    return secs > 0 ? (double)n / secs : 0;
}

/* One campaign: the wall-clock cases/s of the whole `vmxaudit diff` process, or 0. */
static double campaign_run(const char *vmxaudit, const char *cpu, unsigned long long n, unsigned long long seed,
                           unsigned batch, unsigned jobs, double timeout, const char *dir, int *status,
                           double *cpu_out)
{
    char sn[32], ss[32], sb[32], sj[32], stt[32];
    snprintf(stt, sizeof stt, "%g", timeout);
    snprintf(sn, sizeof sn, "%llu", n);
    snprintf(ss, sizeof ss, "%llu", seed);
    snprintf(sb, sizeof sb, "%u", batch);
    snprintf(sj, sizeof sj, "%u", jobs);
    char *argv[] = { (char *)vmxaudit, "diff", "--backend", "bochs", "--cpu", (char *)cpu, "--generate", sn,
                     "--seed", ss, "--batch", sb, "--jobs", sj, "--timeout", stt, "--out", (char *)dir, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);   /* its summary: not ours */
    pid_t pid;
    double t0 = wall(), c0 = cpu_secs(RUSAGE_CHILDREN);
    int rc = posix_spawn(&pid, vmxaudit, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        fprintf(stderr, "vxa-oracle-scaling: %s: %s\n", vmxaudit, strerror(rc));
        *status = -1;
        return 0;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    double secs = wall() - t0;
    *cpu_out = cpu_secs(RUSAGE_CHILDREN) - c0;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return *status <= 1 ? (double)n / secs : 0;   /* 0 no mismatch, 1 mismatches: both complete */
}

/* Sums "oracle_secs" and "secs" of the journal's batch records (what the workers spent). */
static void journal_secs(const char *dir, double *batch_secs, double *oracle_secs, unsigned long long *lost)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    *batch_secs = *oracle_secs = 0;
    *lost = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        const char *p;
        if (strncmp(line, "{\"batch\":", 9)) continue;
        if ((p = strstr(line, ",\"secs\":"))) *batch_secs += strtod(p + 8, NULL);
        if ((p = strstr(line, ",\"oracle_secs\":"))) *oracle_secs += strtod(p + 15, NULL);
        static const char skip[] = "\"v\":\"skipped\",\"why\":\"";   /* the oracle lost the case */
        for (p = line; (p = strstr(p, skip)); p++)
            *lost += !strncmp(p + sizeof skip - 1, "timeout", 7) || !strncmp(p + sizeof skip - 1, "crashed", 7);
    }
    free(line);
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *vmxaudit = NULL, *cpu = "corei7_skylake_x", *json = NULL, *keep = NULL;
    unsigned long long n = 2000, seed = 7;
    unsigned batch = VXA_CAMPAIGN_BATCH, reps = 3;
    double timeout = VXA_CAMPAIGN_TIMEOUT_S;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned maxjobs = ncpu > 0 ? (unsigned)ncpu : 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        else if (!strcmp(a, "--vmxaudit") && v) { vmxaudit = v; i++; }
        else if (!strcmp(a, "--cpu") && v) { cpu = v; i++; }
        else if (!strcmp(a, "--json") && v) { json = v; i++; }
        else if (!strcmp(a, "--keep") && v) { keep = v; i++; }
        else if (!strcmp(a, "--generate")) { n = num(a, v); i++; }
        else if (!strcmp(a, "--seed")) { errno = 0; seed = strtoull(v ? v : "x", NULL, 10); i++; }
        else if (!strcmp(a, "--batch")) { batch = (unsigned)num(a, v); i++; }
        else if (!strcmp(a, "--max-jobs")) { maxjobs = (unsigned)num(a, v); i++; }
        else if (!strcmp(a, "--reps")) { reps = (unsigned)num(a, v); i++; }
        else if (!strcmp(a, "--timeout") && v && atof(v) > 0) { timeout = atof(v); i++; }
        else { fprintf(stderr, "vxa-oracle-scaling: unknown option or missing value: %s\n", a); usage(stderr); return 2; }
    }
    if (!vmxaudit) { fprintf(stderr, "vxa-oracle-scaling: give --vmxaudit PATH (the CLI that runs the campaigns)\n"); return 2; }
    if (maxjobs > 64 || reps > 99) { fprintf(stderr, "vxa-oracle-scaling: --max-jobs <= 64, --reps <= 99\n"); return 2; }

    /* the backend, its baselines and the cases, as the campaign makes them */
    char err[1024];
    static vxa_backend b;
    int rc = vxa_backend_open(&b, "bochs", cpu, timeout, err, sizeof err);
    if (rc != VXA_ORACLE_OK) { fprintf(stderr, "vxa-oracle-scaling: %s\n", err); return vxa_backend_exit_status(rc); }
    vxa_model model = vxa_model_by_name(b.oracle.id.model);
    static vxa_baselines bl;
    if (!vxa_baselines_load(&b, (uint8_t)model, &bl, err, sizeof err)) {
        fprintf(stderr, "vxa-oracle-scaling: %s (the bundled corpus: set VMXAUDIT_CORPUS=SOURCE/corpus)\n", err);
        return 2;
    }
    vxa_generator g = { &b, &bl, seed };
    vxa_case *cases = calloc(n, sizeof *cases);
    vxa_prepared *pp = calloc(n, sizeof *pp);
    if (!cases || !pp) abort();
    double t0 = wall();
    for (unsigned long long i = 0; i < n; i++) {
        vxa_generate(&g, i, &cases[i]);
        vxa_prepare_case(&cases[i], &b.profile, (uint8_t)model, &pp[i]);
    }
    double gen_rate = (double)n / (wall() - t0);

    char tmpl[] = "/tmp/vxa-oracle-scaling.XXXXXX";
    const char *root = keep;
    if (!root && !(root = mkdtemp(tmpl))) { perror("vxa-oracle-scaling: mkdtemp"); return 4; }
    double *raw = calloc(reps, sizeof *raw), *camp = calloc((size_t)reps * maxjobs, sizeof *camp);
    double *orc_share = calloc((size_t)reps * maxjobs, sizeof *orc_share);
    unsigned long long raw_lost = 0, *camp_lost = calloc(maxjobs, sizeof *camp_lost);
    double *raw_cpu = calloc(reps, sizeof *raw_cpu), *camp_cpu = calloc((size_t)reps * maxjobs, sizeof *camp_cpu);
    int failed = 0;
    fprintf(stderr, "vxa-oracle-scaling: Bochs %s %s (model %s), %llu cases of seed %llu, batch %u, jobs 1..%u, %u reps\n",
            b.oracle.id.version, cpu, b.oracle.id.model, n, seed, batch, maxjobs, reps);
    for (unsigned r = 0; r < reps && !failed; r++) {
        raw[r] = raw_run(&b, pp, n, batch, &failed, &raw_lost, &raw_cpu[r]);
        fprintf(stderr, "  rep %u: raw %.1f cases/s", r + 1, raw[r]);
        for (unsigned j = 1; j <= maxjobs && !failed; j++) {
            char dir[4200], cmd[4300];
            snprintf(dir, sizeof dir, "%s/rep%u-jobs%u", root, r + 1, j);
            int st;
            double c = campaign_run(vmxaudit, cpu, n, seed, batch, j, timeout, dir, &st, &camp_cpu[r * maxjobs + j - 1]);
            if (st < 0 || st > 1) { fprintf(stderr, "\nvxa-oracle-scaling: vmxaudit diff --jobs %u: exit %d\n", j, st); failed = 1; break; }
            double bs, os;
            unsigned long long lost;
            journal_secs(dir, &bs, &os, &lost);
            camp_lost[j - 1] += lost;
            camp[r * maxjobs + j - 1] = c;
            orc_share[r * maxjobs + j - 1] = bs > 0 ? os / bs : 0;
            fprintf(stderr, ", jobs %u %.1f", j, c);
            if (!keep) { snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir); if (system(cmd)) {} }
        }
        fprintf(stderr, "\n");
    }
    if (!keep) rmdir(root);
    if (failed) return 4;

    double loads[3] = { 0 };
    getloadavg(loads, 3);
    double raw_med = median(raw, reps);
    double one = 0;
    char *jtext = NULL;             /* --json: gathered, then written whole (out_file.h) */
    size_t jlen = 0;
    FILE *jf = json ? open_memstream(&jtext, &jlen) : NULL;
    if (json && !jf) { perror("--json"); return 4; }
    double raw_cpu_med = median(raw_cpu, reps) / (double)n * 1e3;
    printf("%-22s %9s %9s %11s %9s %13s %12s %6s\n", "measure", "cases/s", "% of raw", "per worker", "speed-up",
           "oracle share", "CPU ms/case", "lost");
    printf("%-22s %9.1f %9s %11s %9s %13s %12.2f %6llu\n", "raw oracle (batches)", raw_med, "100", "", "", "",
           raw_cpu_med, raw_lost);
    if (jf)
        fprintf(jf, "{\"name\":\"oracle-scaling/raw\",\"cases_per_s\":%.6g,\"cases\":%llu,\"seed\":%llu,\"batch\":%u,"
                    "\"cpu\":\"%s\",\"bochs\":\"%s\",\"model\":\"%s\",\"reps\":%u,\"timeout_s\":%g,"
                    "\"generate_prepare_cases_per_s\":%.6g,\"lost_cases\":%llu,\"cpu_ms_per_case\":%.4g}\n",
                raw_med, n, seed, batch, cpu, b.oracle.id.version, b.oracle.id.model, reps, timeout, gen_rate, raw_lost,
                raw_cpu_med);
    for (unsigned j = 1; j <= maxjobs; j++) {
        double v[99], s[99], c[99];
        for (unsigned r = 0; r < reps; r++) {
            v[r] = camp[r * maxjobs + j - 1];
            s[r] = orc_share[r * maxjobs + j - 1];
            c[r] = camp_cpu[r * maxjobs + j - 1];
        }
        double m = median(v, reps), share = median(s, reps), cms = median(c, reps) / (double)n * 1e3;
        if (j == 1) one = m;
        char name[64];
        snprintf(name, sizeof name, "campaign --jobs %u", j);
        printf("%-22s %9.1f %9.1f %11.1f %9.2f %12.0f%% %12.2f %6llu\n", name, m, 100 * m / raw_med, m / j,
               one > 0 ? m / one : 0, 100 * share, cms, camp_lost[j - 1]);
        if (jf)
            fprintf(jf, "{\"name\":\"oracle-scaling/jobs%u\",\"cases_per_s\":%.6g,\"percent_of_raw\":%.4g,"
                        "\"per_worker\":%.6g,\"speedup\":%.4g,\"oracle_share_of_batch_time\":%.4g,\"lost_cases\":%llu,"
                        "\"cpu_ms_per_case\":%.4g}\n",
                    j, m, 100 * m / raw_med, m / j, one > 0 ? m / one : 0, share, camp_lost[j - 1], cms);
    }
    printf("generate + prepare (engine side, one core): %.0f cases/s; load average at the end %.2f %.2f %.2f, %ld CPUs\n",
           gen_rate, loads[0], loads[1], loads[2], ncpu);
    if (jf) {
        fprintf(jf, "{\"name\":\"oracle-scaling/machine\",\"cpus\":%ld,\"loadavg\":[%.2f,%.2f,%.2f]}\n", ncpu, loads[0], loads[1], loads[2]);
        char werr[4400];
        int wrc = fclose(jf) ? VXA_WRITE_FAILED : vxa_write_file(json, jtext, jlen, 0, werr, sizeof werr);
        free(jtext);
        if (wrc) { fprintf(stderr, "vxa-oracle-scaling: --json: %s\n", werr); return wrc; }
    }
    for (unsigned long long i = 0; i < n; i++) { vxa_prepared_free(&pp[i]); vxa_case_free(&cases[i]); }
    free(cases);
    free(pp);
    free(raw);
    free(camp);
    free(orc_share);
    free(camp_lost);
    free(raw_cpu);
    free(camp_cpu);
    vxa_baselines_free(&bl);
    return 0;
}
