/* measure.c — calibration, repetitions, median/IQR, peak RSS and JSON-lines output. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "measure.h"

volatile unsigned long long bench_sink;

double bench_cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

double bench_wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static unsigned nselected;

bool bench_selected(const vxa_bench_options *o, const char *name)
{
    bool yes = !o->only || strstr(name, o->only);
    nselected += yes;
    return yes;
}

unsigned bench_selected_count(void) { return nselected; }

/* Resets the kernel's RSS high-water mark to the current RSS (Linux >= 4.0: writing 5 to
 * /proc/self/clear_refs), so the next getrusage() gives this benchmark's own peak. */
static bool rss_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f) return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

static long peak_rss_kb(bool children)
{
    struct rusage ru;
    getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile by linear interpolation between order statistics (sorted input). */
static double quantile(const double *s, unsigned n, double q)
{
    double pos = q * (double)(n - 1);
    unsigned i = (unsigned)pos;
    if (i + 1 >= n) return s[n - 1];
    return s[i] + (pos - (double)i) * (s[i + 1] - s[i]);
}

static bench_stats stats_of(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, cmp_double);
    bench_stats st = { quantile(v, n, 0.5), v[0], v[n - 1], quantile(v, n, 0.25), quantile(v, n, 0.75) };
    return st;
}

static void json_stats(FILE *f, const char *key, const bench_stats *s)
{
    fprintf(f, "\"%s\":{\"median\":%.6g,\"min\":%.6g,\"max\":%.6g,\"q1\":%.6g,\"q3\":%.6g}", key,
            s->median, s->min, s->max, s->q1, s->q3);
}

static void text_rate(char *buf, size_t n, double v)
{
    if (v >= 1e6) snprintf(buf, n, "%.3gM", v / 1e6);
    else if (v >= 1e3) snprintf(buf, n, "%.3gk", v / 1e3);
    else snprintf(buf, n, "%.3g", v);
}

double bench_measure(const vxa_bench_options *o, const bench_spec *s)
{
    if (!bench_selected(o, s->name)) return 0;
    unsigned reps = o->reps ? o->reps : 1;
    double rep_s = o->rep_seconds > 0 ? o->rep_seconds : 0.25;
    bool reset = s->children ? false : rss_reset();

    /* Calibration doubles as warm-up: grow n until one batch costs rep_s / 8, then scale. */
    unsigned long long n = s->fixed_ops ? s->fixed_ops : 1;
    if (!s->fixed_ops) {
        for (;;) {
            double t0 = bench_cpu_now();
            s->fn(s->ctx, n);
            double dt = bench_cpu_now() - t0;
            if (dt >= rep_s / 8 || n >= (1ull << 40)) {
                double scaled = dt > 0 ? (double)n * rep_s / dt : (double)n * 8;
                n = scaled < 1 ? 1 : (unsigned long long)scaled;
                break;
            }
            n *= 2;
        }
    }
    s->fn(s->ctx, n);   /* warm-up repetition */

    double *cpu = calloc(reps, sizeof *cpu), *wall = calloc(reps, sizeof *wall);
    if (!cpu || !wall) abort();
    for (unsigned i = 0; i < reps; i++) {
        double c0 = bench_cpu_now(), w0 = bench_wall_now();
        s->fn(s->ctx, n);
        double dc = bench_cpu_now() - c0, dw = bench_wall_now() - w0;
        cpu[i] = dc > 0 ? (double)n / dc : 0;
        wall[i] = dw > 0 ? (double)n / dw : 0;
    }
    bench_stats sc = stats_of(cpu, reps), sw = stats_of(wall, reps);
    free(cpu);
    free(wall);
    long rss = peak_rss_kb(s->children);
    const bench_stats *main_stats = s->fixed_ops ? &sw : &sc;

    if (o->jsonl) {
        fprintf(o->jsonl, "{\"bench\":\"%s\",\"unit\":\"%s\",\"reps\":%u,\"ops_per_rep\":%llu,",
                s->name, s->unit, reps, n);
        if (!s->fixed_ops) { json_stats(o->jsonl, "per_cpu_second", &sc); fputc(',', o->jsonl); }
        json_stats(o->jsonl, "per_wall_second", &sw);
        fprintf(o->jsonl, ",\"peak_rss_kb\":%ld,\"rss_scope\":\"%s\"", rss,
                s->children ? "largest child process" : reset ? "this benchmark" : "process so far");
        if (s->target > 0)
            fprintf(o->jsonl, ",\"target\":%.6g,\"meets_target\":%s", s->target,
                    main_stats->median >= s->target ? "true" : "false");
        if (s->note) fprintf(o->jsonl, ",%s", s->note);
        fputs("}\n", o->jsonl);
        fflush(o->jsonl);
    }
    if (o->text) {
        char med[32], lo[32], hi[32], tg[32] = "";
        text_rate(med, sizeof med, main_stats->median);
        text_rate(lo, sizeof lo, main_stats->min);
        text_rate(hi, sizeof hi, main_stats->max);
        if (s->target > 0) {
            text_rate(tg, sizeof tg, s->target);
            strcat(tg, main_stats->median >= s->target ? " met" : " MISSED");
        }
        fprintf(o->text, "%-48s %9s %-12s [%s..%s]%s %7ld KB  %s\n", s->name, med, s->unit, lo, hi,
                s->fixed_ops ? " wall" : "", rss, tg);
        fflush(o->text);
    }
    return main_stats->median;
}

void bench_gap(const vxa_bench_options *o, const char *name, const char *unit, const char *why)
{
    if (!bench_selected(o, name)) return;
    if (o->jsonl) {
        fprintf(o->jsonl, "{\"bench\":\"%s\",\"unit\":\"%s\",\"gap\":\"", name, unit);
        for (const char *p = why; *p; p++) {
            if (*p == '"' || *p == '\\') fputc('\\', o->jsonl);
            fputc(*p, o->jsonl);
        }
        fputs("\"}\n", o->jsonl);
    }
    if (o->text) fprintf(o->text, "%-48s       GAP %-12s %s\n", name, unit, why);
}

void bench_value(const vxa_bench_options *o, const char *name, const char *unit, double value,
                 const char *note)
{
    if (!bench_selected(o, name)) return;
    if (o->jsonl)
        fprintf(o->jsonl, "{\"bench\":\"%s\",\"unit\":\"%s\",\"value\":%.6g%s%s}\n", name, unit,
                value, note ? "," : "", note ? note : "");
    if (o->text) fprintf(o->text, "%-48s %9.4g %-12s\n", name, value, unit);
}
