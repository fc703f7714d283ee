/* bench_binary.c — the libFuzzer audit target's work without libFuzzer: decode a compact binary
 * case (vmxaudit/binary.h) and audit it, on the committed seed corpus (corpus/fuzz/audit: every
 * layout on every bundled profile) and on the damaged8 layouts encoded the same way.  A fixed
 * input set, so engine changes can be compared where the fuzzer's own exec/s depends on what it
 * happens to explore. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "vmxaudit/binary.h"
#include "benchmarks.h"
#include "measure.h"

typedef struct bin_ctx {
    uint8_t **buf;
    size_t *len;
    unsigned n;
    vxa_bin_case c;
    vxa_report r;
} bin_ctx;

static void run_decode_audit(void *p, unsigned long long n)
{
    bin_ctx *a = p;
    unsigned k = 0;
    for (unsigned long long i = 0; i < n; i++) {
        if (vxa_bin_decode(a->buf[k], a->len[k], &a->c)) {
            vxa_memory m = vxa_bin_memory(&a->c);
            vxa_input in = { &a->c.profile, &a->c.vmcs, &a->c.entry, &m, a->c.model, NULL };
            vxa_audit(&in, &a->r);
            bench_sink += a->r.nviolations;
        }
        if (++k == a->n) k = 0;
    }
}

static bool add(bin_ctx *a, const uint8_t *data, size_t len)
{
    uint8_t **nb = realloc(a->buf, (a->n + 1) * sizeof *nb);
    size_t *nl = nb ? realloc(a->len, (a->n + 1) * sizeof *nl) : NULL;
    if (nb) a->buf = nb;
    if (!nl) return false;
    a->len = nl;
    if (!(a->buf[a->n] = malloc(len ? len : 1))) return false;
    memcpy(a->buf[a->n], data, len);
    a->len[a->n++] = len;
    return true;
}

static void load_dir(bin_ctx *a, const char dir[4096])
{
    DIR *d = opendir(dir);
    struct dirent *e;
    static uint8_t buf[1 << 16];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096 + 256 + 2];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (!add(a, buf, n)) abort();
    }
    if (d) closedir(d);
}

static void release(bin_ctx *a)
{
    for (unsigned i = 0; i < a->n; i++) free(a->buf[i]);
    free(a->buf);
    free(a->len);
}

static void measure(const vxa_bench_options *o, const char *name, bin_ctx *a, const char *what)
{
    char note[160];
    snprintf(note, sizeof note, "\"inputs\":%u,\"what\":\"%s\"", a->n, what);
    bench_spec s = { name, "cases/s", 0, run_decode_audit, a, 0, false, note };
    if (a->n) bench_measure(o, &s);
    else bench_gap(o, name, "cases/s", "no inputs (corpus/fuzz/audit not found: set VMXAUDIT_CORPUS to the source's corpus/)");
}

void bench_binary(const vxa_bench_options *o, bench_inputs *in)
{
    if (bench_selected(o, "binary/decode+audit/seeds")) {
        bin_ctx *a = calloc(1, sizeof *a);
        if (!a) abort();
        const char *root = getenv("VMXAUDIT_CORPUS");   /* the seeds are not installed data */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/fuzz/audit", root ? root : "");
        if (root) load_dir(a, dir);
        measure(o, "binary/decode+audit/seeds", a, "corpus/fuzz/audit");
        release(a);
        free(a);
    }
    if (bench_selected(o, "binary/decode+audit/damaged8")) {
        bin_ctx *a = calloc(1, sizeof *a);
        if (!a) abort();
        static uint8_t buf[1 << 16];
        for (unsigned i = 0; i < BENCH_LAYOUTS; i++)
            for (unsigned d = 0; d < BENCH_DAMAGED; d++) {
                a->c.profile = in->layout[i].c.profile;
                a->c.vmcs = in->multi[i * BENCH_DAMAGED + d];
                a->c.entry = in->layout[i].c.entry;
                a->c.model = VXA_MODEL_SDM;
                a->c.nblobs = 0;
                size_t n = vxa_bin_encode(&a->c, buf, sizeof buf);
                if (n && !add(a, buf, n)) abort();
            }
        measure(o, "binary/decode+audit/damaged8", a, "the damaged8 layouts, binary-encoded");
        release(a);
        free(a);
    }
}
