/* bench_codec.c — JSON case parse + audit (docs/performance.md: >= 50,000 cases/s on one core) and the
 * two report formats: text (vxa_report_print into /dev/null, no colour: what a file or pipe
 * gets) and JSON (vxa_report_to_json). */
#include <stdlib.h>
#include <string.h>
#include "benchmarks.h"
#include "measure.h"

#define PARSE_TARGET 5e4

typedef struct parse_ctx {
    const char *text, *path;
    size_t len;
    vxa_report report;
} parse_ctx;

static void run_parse_audit(void *p, unsigned long long n)
{
    parse_ctx *a = p;
    for (unsigned long long i = 0; i < n; i++) {
        vxa_case c;
        vxa_error e;
        if (vxa_case_parse(a->text, a->len, a->path, &c, &e)) abort();   /* parsed once already */
        vxa_memory m = vxa_case_memory(&c);
        vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
        vxa_audit(&in, &a->report);
        bench_sink += a->report.nviolations;
        vxa_case_free(&c);
    }
}

typedef struct format_ctx {
    vxa_case c;                  /* shallow copy of the layout's case, with the audited vmcs */
    vxa_report report;
    FILE *devnull;
} format_ctx;

static void run_text(void *p, unsigned long long n)
{
    format_ctx *a = p;
    for (unsigned long long i = 0; i < n; i++)
        vxa_report_print(a->devnull, &a->c, &a->report, VXA_MODEL_SDM, NULL, 0);
    fflush(a->devnull);
}

static void run_json(void *p, unsigned long long n)
{
    format_ctx *a = p;
    for (unsigned long long i = 0; i < n; i++) {
        char *s = vxa_report_to_json(&a->report, &a->c.vmcs);
        bench_sink += (unsigned char)s[0];
        free(s);
    }
}

static void formats(const vxa_bench_options *o, bench_layout *l, const char *what, const vxa_vmcs *v,
                    FILE *devnull)
{
    char tname[96], jname[96], note[160];
    snprintf(tname, sizeof tname, "report-text/%s/%s", what, l->name);
    snprintf(jname, sizeof jname, "report-json/%s/%s", what, l->name);
    if (!bench_selected(o, tname) && !bench_selected(o, jname)) return;
    format_ctx *a = calloc(1, sizeof *a);
    if (!a) abort();
    a->c = l->c;
    a->c.vmcs = *v;
    a->devnull = devnull;
    vxa_memory m = vxa_case_memory(&l->c);
    vxa_input in = { &l->c.profile, v, &l->c.entry, &m, VXA_MODEL_SDM, NULL };
    vxa_audit(&in, &a->report);
    char *s = vxa_report_to_json(&a->report, v);
    snprintf(note, sizeof note, "\"violations\":%u,\"json_bytes\":%zu", a->report.nviolations, strlen(s));
    free(s);
    bench_spec t = { tname, "reports/s", 0, run_text, a, 0, false, note };
    bench_measure(o, &t);
    bench_spec j = { jname, "reports/s", 0, run_json, a, 0, false, note };
    bench_measure(o, &j);
    free(a);
}

void bench_codec(const vxa_bench_options *o, bench_inputs *in)
{
    FILE *devnull = fopen("/dev/null", "w");
    if (!devnull) abort();
    for (unsigned i = 0; i < BENCH_LAYOUTS; i++) {
        bench_layout *l = &in->layout[i];
        char name[96], note[128];
        parse_ctx a = { l->text, l->path, l->len };
        snprintf(name, sizeof name, "parse+audit/bundled-profile/%s", l->name);
        snprintf(note, sizeof note, "\"case_bytes\":%zu,\"profile\":\"by name: read from corpus/profiles\"", l->len);
        bench_spec s = { name, "cases/s", PARSE_TARGET, run_parse_audit, &a, 0, false, note };
        bench_measure(o, &s);
        parse_ctx b = { l->inline_text, l->path, l->inline_len };
        snprintf(name, sizeof name, "parse+audit/inline-profile/%s", l->name);
        snprintf(note, sizeof note, "\"case_bytes\":%zu,\"profile\":\"inline object\"", l->inline_len);
        bench_spec t = { name, "cases/s", PARSE_TARGET, run_parse_audit, &b, 0, false, note };
        bench_measure(o, &t);
    }
    for (unsigned i = 0; i < BENCH_LAYOUTS; i++) {
        formats(o, &in->layout[i], "valid", &in->layout[i].c.vmcs, devnull);
        formats(o, &in->layout[i], "damaged8", &in->multi[i * BENCH_DAMAGED], devnull);
        formats(o, &in->layout[i], "zero", &in->zero[i], devnull);
    }
    fclose(devnull);
}
