/* replay_main.c — runs a fuzz target over files and folders without any fuzzing engine (any
 * compiler), so the tests replay the committed seed corpora and crash reproducers.
 * usage: fuzz_X_replay [--coverage] FILE|DIR...   (--coverage: print the check-coverage report) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz_common.h"

extern uint8_t vxa_check_counters[2 * VXA_CHECK_COUNT];
static unsigned files;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "%s: cannot open\n", path); exit(2); }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    files++;
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st)) { fprintf(stderr, "%s: not found\n", path); exit(2); }
    if (!S_ISDIR(st.st_mode)) { run_file(path); return; }
    DIR *d = opendir(path);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        run_path(p);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    int cov = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--coverage")) cov = 1;
        else run_path(argv[i]);
    }
    printf("replayed %u inputs\n", files);
    if (cov) {
        unsigned both = 0, fail_only = 0, pass_only = 0, never = 0;
        for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
            int f = vxa_check_counters[2 * c] != 0, p = vxa_check_counters[2 * c + 1] != 0;
            both += f && p; fail_only += f && !p; pass_only += !f && p; never += !f && !p;
            printf("%-48s %s %s\n", vxa_check_get((vxa_check)c)->id, f ? "failing" : "-", p ? "passing" : "-");
        }
        printf("checks: %u seen failing and passing, %u failing only, %u passing only, %u never reached (of %u)\n",
               both, fail_only, pass_only, never, (unsigned)VXA_CHECK_COUNT);
    }
    return 0;
}
