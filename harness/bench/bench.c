/* bench.c — vxa_bench_run(): the machine line, then the benchmark groups in order. */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "benchmarks.h"
#include "measure.h"

void vxa_bench_options_init(vxa_bench_options *o)
{
    memset(o, 0, sizeof *o);
    o->reps = VXA_BENCH_REPS;
    o->rep_seconds = VXA_BENCH_REP_SECONDS;
    o->text = stdout;
}

static void cpu_model(char *buf, size_t n)
{
    snprintf(buf, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *c = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && c) {
            snprintf(buf, n, "%s", c + 2);
            buf[strcspn(buf, "\n")] = 0;
            break;
        }
    }
    fclose(f);
}

/* The machine and the load on it: the numbers mean little without them (the development
 * machine's 2 cores are shared). */
static void machine_line(const vxa_bench_options *o, const char *when)
{
    char cpu[256];
    double load[3] = { -1, -1, -1 };
    cpu_model(cpu, sizeof cpu);
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = load[1] = load[2] = -1;
        fclose(la);
    }
    struct utsname u;
    if (uname(&u)) strcpy(u.release, "?");
#ifdef __OPTIMIZE__
    const char *opt = "optimized";
#else
    const char *opt = "not optimized";
#endif
    if (o->jsonl)
        fprintf(o->jsonl, "{\"machine\":\"%s\",\"when\":\"%s\",\"cpus_online\":%ld,\"loadavg\":[%.2f,%.2f,%.2f],"
                "\"kernel\":\"%s\",\"compiler\":\"%s\",\"build\":\"%s\",\"quick\":%s,\"reps\":%u,\"rep_seconds\":%.3g}\n",
                cpu, when, sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2], u.release,
                __VERSION__, opt, o->quick ? "true" : "false", o->reps, o->rep_seconds);
    if (o->text)
        fprintf(o->text, "# %s: %s, %ld CPUs online, load %.2f %.2f %.2f, kernel %s, %s (%s)\n", when, cpu,
                sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2], u.release, __VERSION__, opt);
}

int vxa_bench_run(const vxa_bench_options *opt)
{
    vxa_bench_options o = *opt;
    if (o.quick) {
        o.reps = 1;
        o.rep_seconds = 0.005;
    }
    if (!o.reps) o.reps = 1;
    machine_line(&o, "start");
    if (o.text)
        fprintf(o.text, "# %-46s %9s %-12s [min..max]        peak RSS  target\n", "benchmark", "median", "unit");
    bench_inputs *in = calloc(1, sizeof *in);
    if (!in) return 2;
    int rc = bench_inputs_load(in);
    if (!rc) {
        double audit = bench_engine(&o, in);
        bench_codec(&o, in);
        bench_binary(&o, in);
        bench_oracle(&o, in, audit);
        machine_line(&o, "end");
        if (!bench_selected_count()) {
            fprintf(stderr, "vmxaudit bench: no benchmark name contains '%s' (--only)\n", o.only);
            rc = 2;
        }
    }
    bench_inputs_free(in);
    free(in);
    return rc;
}
