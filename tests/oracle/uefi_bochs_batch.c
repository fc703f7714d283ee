/* uefi_bochs_batch.c — runs the case batch a UEFI image carries (BATCH.BIN) in Bochs 2.7 with
 * the payload code the image carries (the same objects; linked for Bochs at VXA_PAYLOAD_BASE)
 * and writes what it reports as a results file, the way the UEFI loader writes RESULTS.TXT:
 * the image's header, the probe between @P begin/end, @F/@R/@D per case, cases the image marks
 * unsupported answered without running, @E done.  `vmxaudit oracle ingest` then judges it, and
 * uefi_bochs.sh compares that with `vmxaudit oracle run --backend bochs` on the same cases.
 * usage: uefi_bochs_batch BATCH.BIN RESULTS.TXT OUT CPU-MODEL     (exit 77: no Bochs) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"
#include "session.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 20, n = 0, k;
    char *b = malloc(cap + 1);
    while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) b = realloc(b, (cap *= 2) + 1);
    }
    fclose(f);
    if (b) b[n] = 0;
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: uefi_bochs_batch BATCH.BIN RESULTS.TXT OUT CPU-MODEL\n");
        return 2;
    }
    size_t blen, rlen;
    char *batch = slurp(argv[1], &blen), *res = slurp(argv[2], &rlen);
    if (!batch || !res) { perror("read"); return 2; }
    char *s_line = strstr(res, "\n@S\n");
    if (!s_line) { fprintf(stderr, "no @S in %s\n", argv[2]); return 2; }
    s_line[4] = 0;                                   /* the header, @S included */
    static char skip[1 << 16];
    for (char *c = strstr(res, "\n@C "); c; c = strstr(c + 1, "\n@C ")) {
        unsigned long id = strtoul(c + 4, NULL, 16);
        char *eol = strchr(c + 1, '\n');
        char *u = strstr(c, "\"unsupported\":");
        if (id < sizeof skip && u && u < eol) skip[id] = 1;
    }
    FILE *out = fopen(argv[3], "w");
    if (!out) { perror(argv[3]); return 2; }
    fputs(res, out);
    fputs("@L boot 1 bochs\n@P begin\n", out);

    struct vxa_bochs_options opt = { 0 };
    struct bx_machine m;
    char err[1024];
    if (bx_machine_prepare(&m, &opt, argv[4], err, sizeof err) ||
        bx_machine_write_batch(&m, (const uint8_t *)batch, blen, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    const char *bochs = getenv("VXA_BOCHS");
    struct bx_session ss;
    if (bx_session_start(&ss, bochs && *bochs ? bochs : "bochs", m.dir, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        bx_machine_cleanup(&m);
        return 77;
    }
    const char *line;
    int got, in_probe = 1, done = 0;
    long open = -1;
    double deadline = bx_now() + 120;
    while (!done && (got = bx_session_line(&ss, deadline, &line)) == 1) {
        if (line[0] != '@') continue;                /* Bochs's own log lines */
        if (!strncmp(line, "@B ", 3)) {
            if (in_probe) fputs("@P end\n", out);
            in_probe = 0;
            open = strtol(line + 3, NULL, 16);
            fprintf(out, "@F %lx\n", (unsigned long)open);
            if (!skip[open]) fprintf(out, "%s\n", line);
        } else if (!strncmp(line, "@R ", 3) && open >= 0) {
            if (skip[open]) fprintf(out, "@R %lx unsupported what=environment-the-payload-cannot-produce\n",
                                    (unsigned long)open);
            else fprintf(out, "%s\n", line);
            fprintf(out, "@D %lx\n", (unsigned long)open);
            open = -1;
        } else if (!strcmp(line, "@E done")) {
            if (in_probe) fputs("@E done\n@P end\n", out);
            fputs("@E done\n", out);
            done = 1;
        } else if (in_probe) {
            fprintf(out, "%s\n", line);
        }
    }
    bx_session_kill(&ss);
    bx_session_finish(&ss, bx_now() + 5);
    bx_machine_cleanup(&m);
    if (fclose(out) || !done) {
        fprintf(stderr, "uefi_bochs_batch: Bochs did not finish the batch\n");
        return 1;
    }
    return 0;
}
