/* bench_cli.c — the options of `vmxaudit bench` and `vxa-bench` (one parser for both). */
#include <stdlib.h>
#include <string.h>
#include "bench.h"

const char vxa_bench_help[] =
    "usage: vmxaudit bench | vxa-bench [--quick] [--reps N] [--seconds S] [--only SUBSTRING] [--json FILE|-]\n"
    "                 [--bochs-model MODEL]\n"
    "Measures the engine (audits/s, repairs/s on valid and damaged layouts), JSON parse + audit\n"
    "(cases/s) and report formatting, with a warm-up and N repetitions (default 7) of about S\n"
    "CPU seconds each (default 0.25); prints median [min..max] per CPU second of one core and\n"
    "peak RSS.  --json writes one JSON object per benchmark (JSON lines; - = stdout, and the\n"
    "table goes to stderr).  --bochs-model runs the Bochs oracle benchmarks with that CPU model.\n"
    "--quick: one short repetition each (smoke test; the numbers mean nothing).\n"
    "exit status: 0 done, 2 bad usage or the bundled corpus cannot be found.\n";

int vxa_bench_cli(int argc, char **argv)
{
    vxa_bench_options o;
    vxa_bench_options_init(&o);
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(vxa_bench_help, stdout); return 0; }
        else if (!strcmp(a, "--quick")) o.quick = true;
        else if (!strcmp(a, "--reps") && v) {
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 1000) { fprintf(stderr, "vxa-bench: bad --reps '%s' (1..1000)\n", v); return 2; }
            o.reps = (unsigned)n;
            i++;
        } else if (!strcmp(a, "--seconds") && v) {
            double s = strtod(v, &end);
            if (*end || !(s > 0 && s <= 60)) { fprintf(stderr, "vxa-bench: bad --seconds '%s' (0..60]\n", v); return 2; }
            o.rep_seconds = s;
            i++;
        } else if (!strcmp(a, "--only") && v) o.only = argv[++i];
        else if (!strcmp(a, "--json") && v) json = argv[++i];
        else if (!strcmp(a, "--bochs-model") && v) o.bochs_model = argv[++i];
        else { fprintf(stderr, "vxa-bench: unknown or incomplete option '%s' (see --help)\n", a); return 2; }
    }
    FILE *jf = NULL;
    if (json && !strcmp(json, "-")) { o.jsonl = stdout; o.text = stderr; }
    else if (json && !(o.jsonl = jf = fopen(json, "w"))) { fprintf(stderr, "vxa-bench: %s: cannot write\n", json); return 2; }
    int rc = vxa_bench_run(&o);
    if (jf && fclose(jf)) { fprintf(stderr, "vxa-bench: %s: write error\n", json); return 2; }
    return rc;
}
