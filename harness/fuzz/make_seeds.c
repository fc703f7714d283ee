/* make_seeds.c — writes the generated seed corpora of the fuzz targets (docs/harness.md):
 *   audit/         every bundled layout on every bundled profile, repaired toward validity for
 *                  that profile, as binary cases; plus VMXON cases (region with the profile's
 *                  revision) and an MSR-load list case per layout on a few profiles;
 *   repair/        each layout on a few profiles, unrepaired (repair has work to do);
 *   case_json/     the same few cases as JSON cases with the profile inline, and the bundled
 *                  layouts and examples as they are;
 *   profile_json/  the bundled profiles as they are.
 * Hand-written bad inputs (corpus/fuzz/<target>/bad-*) and regression inputs are left alone.
 * usage: fuzz_make_seeds OUTDIR   (OUTDIR/<target>/ must exist) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

static const char *outdir;
static unsigned written;

static void write_file(const char *sub, const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", outdir, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) { fprintf(stderr, "cannot write %s\n", path); exit(1); }
    fclose(f);
    written++;
}

static void copy_file(const char *sub, const char *from, const char *name)
{
    FILE *f = fopen(from, "rb");
    if (!f) { fprintf(stderr, "cannot read %s\n", from); exit(1); }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(sub, name, buf, n);
}

static vxa_bin_case b;
static vxa_report r;
static uint8_t buf[1 << 16];

static void write_bin(const char *sub, const char *name)
{
    size_t len = vxa_bin_encode(&b, buf, sizeof buf);
    if (!len) { fprintf(stderr, "%s: does not encode\n", name); exit(1); }
    write_file(sub, name, buf, len);
}

static void write_json(const char *name)
{
    vxa_case c;
    vxa_error e;
    size_t len = vxa_bin_encode(&b, buf, sizeof buf);
    if (!len || vxa_case_from_binary(buf, len, NULL, &c, &e)) exit(1);
    char *s = vxa_case_to_json(&c);
    write_file("case_json", name, s, strlen(s));
    free(s);
    vxa_case_free(&c);
}

/* a few profiles for the smaller corpora: old, emulated and recent CPUs */
static bool few(const char *p)
{
    return !strcmp(p, "il-core2-x9650-yorkfield") || !strcmp(p, "il-i7-4770-haswell") ||
           !strcmp(p, "il-xeon-w7-2475x-sapphirerapids") || !strcmp(p, "bochs-head-sapphire-rapids") ||
           !strcmp(p, "qemu-icelake-server-v1") || !strcmp(p, "il-ultra7-155h-meteorlake");
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s OUTDIR\n", argv[0]); return 2; }
    outdir = argv[1];
    char **layouts = vxa_corpus_list("layouts"), **profiles = vxa_corpus_list("profiles");
    char name[512];
    static uint8_t region[4], msrlist[48];
    for (char **l = layouts; *l; l++) {
        char *lp = vxa_corpus_find("layouts", *l);
        vxa_case c;
        vxa_error e;
        if (vxa_case_load(lp, &c, &e)) { fprintf(stderr, "%s: %s\n", lp, e.message); return 1; }
        snprintf(name, sizeof name, "layout-%s.json", *l);
        copy_file("case_json", lp, name);
        for (char **p = profiles; *p; p++) {
            if (vxa_profile_load(*p, &b.profile, NULL, &e)) continue;
            b.entry = c.entry;
            b.model = 0;
            b.nblobs = 0;
            for (size_t k = 0; k < c.nmemory && b.nblobs < VXA_BIN_MAX_BLOBS; k++, b.nblobs++)
                b.blob[b.nblobs] = (vxa_bin_blob){ c.memory[k].address, c.memory[k].length, c.memory[k].data };
            if (few(*p)) {
                b.vmcs = c.vmcs;
                snprintf(name, sizeof name, "%s--%s.bin", *l, *p);
                write_bin("repair", name);
            }
            vxa_memory m = vxa_bin_memory(&b);
            vxa_input in = { &b.profile, &c.vmcs, &b.entry, &m, 0 };
            vxa_repair_result res;
            vxa_repair(&in, 32, &b.vmcs, &r, &res);
            snprintf(name, sizeof name, "%s--%s.bin", *l, *p);
            write_bin("audit", name);
            if (!few(*p)) continue;
            snprintf(name, sizeof name, "%s--%s.json", *l, *p);
            write_json(name);
            /* an MSR-load list of three entries (IA32_EFER, IA32_PAT, IA32_TSC) at 0x10000 */
            static const uint32_t idx[3] = { 0xc0000080u, 0x277u, 0x10u };
            static const uint64_t val[3] = { 0xd01, 0x0007040600070406ull, 0 };
            memset(msrlist, 0, sizeof msrlist);
            for (unsigned i = 0; i < 3; i++)
                for (unsigned k = 0; k < 8; k++) {
                    if (k < 4) msrlist[16 * i + k] = (uint8_t)(idx[i] >> (8 * k));
                    msrlist[16 * i + 8 + k] = (uint8_t)(val[i] >> (8 * k));
                }
            vxa_bin_case keep = b;
            b.blob[b.nblobs < VXA_BIN_MAX_BLOBS ? b.nblobs++ : 0] = (vxa_bin_blob){ 0x10000, sizeof msrlist, msrlist };
            vxa_set(&b.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, 0x10000);
            vxa_set(&b.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, 3);
            snprintf(name, sizeof name, "msrload-%s--%s.bin", *l, *p);
            write_bin("audit", name);
            b = keep;
            if (strcmp(*l, "linux64")) continue;
            /* VMXON outside VMX operation with a region holding the revision identifier */
            b.entry.instruction = VXA_VMXON;
            b.entry.vmx_operation = false;
            b.entry.has_vmxon_address = true;
            b.entry.vmxon_address = 0x50000;
            uint32_t rev = (uint32_t)b.profile.msr[VXA_MSR_BASIC] & 0x7fffffffu;
            for (unsigned k = 0; k < 4; k++) region[k] = (uint8_t)(rev >> (8 * k));
            b.nblobs = 1;
            b.blob[0] = (vxa_bin_blob){ 0x50000, 4, region };
            snprintf(name, sizeof name, "vmxon--%s.bin", *p);
            write_bin("audit", name);
            snprintf(name, sizeof name, "vmxon--%s.json", *p);
            write_json(name);
        }
        vxa_case_free(&c);
        free(lp);
    }
    char **ex = vxa_corpus_list("examples");
    for (char **x = ex; x && *x; x++) {
        char *xp = vxa_corpus_find("examples", *x);
        snprintf(name, sizeof name, "example-%s.json", *x);
        if (xp) copy_file("case_json", xp, name);
        free(xp);
    }
    for (char **p = profiles; *p; p++) {
        char *pp = vxa_corpus_find("profiles", *p);
        snprintf(name, sizeof name, "%s.json", *p);
        if (pp) copy_file("profile_json", pp, name);
        free(pp);
    }
    vxa_corpus_list_free(ex);
    vxa_corpus_list_free(layouts);
    vxa_corpus_list_free(profiles);
    printf("%u seeds\n", written);
    return 0;
}
