/* make_seeds.c — writes the audit target's seed corpus: every bundled layout on every bundled
 * profile, repaired toward validity for that profile, in the binary case encoding.
 * usage: fuzz_make_seeds OUTDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmxaudit/binary.h"
#include "vmxaudit/codec.h"

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s OUTDIR\n", argv[0]); return 2; }
    char **layouts = vxa_corpus_list("layouts"), **profiles = vxa_corpus_list("profiles");
    unsigned n = 0;
    static vxa_report r;
    static vxa_bin_case b;
    static uint8_t buf[1 << 16];
    for (char **l = layouts; *l; l++) {
        char *lp = vxa_corpus_find("layouts", *l);
        vxa_case c;
        vxa_error e;
        if (vxa_case_load(lp, &c, &e)) { fprintf(stderr, "%s: %s\n", lp, e.message); return 1; }
        for (char **p = profiles; *p; p++) {
            if (vxa_profile_load(*p, &b.profile, NULL, &e)) continue;
            b.entry = c.entry;
            b.model = 0;
            b.nblobs = 0;
            for (size_t k = 0; k < c.nmemory && b.nblobs < VXA_BIN_MAX_BLOBS; k++, b.nblobs++)
                b.blob[b.nblobs] = (vxa_bin_blob){ c.memory[k].address, c.memory[k].length, c.memory[k].data };
            vxa_memory m = vxa_bin_memory(&b);
            vxa_input in = { &b.profile, &c.vmcs, &b.entry, &m, 0 };
            vxa_repair_result res;
            vxa_repair(&in, 32, &b.vmcs, &r, &res);
            size_t len = vxa_bin_encode(&b, buf, sizeof buf);
            char path[4096];
            snprintf(path, sizeof path, "%s/%s--%s.bin", argv[1], *l, *p);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(buf, 1, len, f) != len) { fprintf(stderr, "cannot write %s\n", path); return 1; }
            fclose(f);
            n++;
        }
        vxa_case_free(&c);
        free(lp);
    }
    vxa_corpus_list_free(layouts);
    vxa_corpus_list_free(profiles);
    printf("%u seeds\n", n);
    return 0;
}
