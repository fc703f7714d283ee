/* replay_main.c — runs a fuzz target over files and folders without any fuzzing engine (any
 * compiler), so the tests replay the committed corpora and crash reproducers.
 * usage: fuzz_X_replay [--coverage] [--summary FILE.json] FILE|DIR...
 *   --coverage   print the check-coverage report: per check seen failing / seen passing
 *                (fuzz_common.h defines both), and the checks no bundled profile can make fail
 *                (reach.c); binary-case targets only
 *   --summary F  write the same as JSON to F */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz_common.h"
#include "reach.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
static unsigned files;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "%s: cannot open\n", path); exit(2); }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* a copy of exactly n bytes, so ASan sees reads past the input */
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    files++;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st)) { fprintf(stderr, "%s: not found\n", path); exit(2); }
    if (!S_ISDIR(st.st_mode)) { run_file(path); return; }
    DIR *d = opendir(path);
    if (!d) { fprintf(stderr, "%s: cannot open\n", path); exit(2); }
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);   /* a stable order: reproducible runs */
    for (size_t i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, names[i]);
        run_path(p);
        free(names[i]);
    }
    free(names);
}

static fuzz_reach reach[VXA_CHECK_COUNT];

static void report(FILE *txt, FILE *js)
{
    bool have_reach = fuzz_reach_compute(NULL, reach) == 0;
    unsigned both = 0, fail_only = 0, pass_only = 0, never = 0, unreachable = 0;
    if (txt) fprintf(txt, "%-48s %-8s %-8s %s\n", "check", "failing", "passing", "note");
    if (js) fprintf(js, "{\n  \"inputs\": %u,\n  \"checks\": [\n", files);
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        int f = vxa_check_counters[2 * c] != 0, p = vxa_check_counters[2 * c + 1] != 0;
        both += f && p; fail_only += f && !p; pass_only += !f && p; never += !f && !p;
        const char *id = vxa_check_get((vxa_check)c)->id;
        char note[300] = "";
        bool unr = have_reach && reach[c].known && !reach[c].reachable;
        if (unr) {
            unreachable++;
            snprintf(note, sizeof note, "no bundled profile offers: %s", reach[c].needs);
        } else if (have_reach && !reach[c].known) {
            snprintf(note, sizeof note, "no failing per-check test to ablate");
        }
        if (txt) fprintf(txt, "%-48s %-8s %-8s %s\n", id, f ? "yes" : "-", p ? "yes" : "-", note);
        if (js)
            fprintf(js, "    { \"check\": \"%s\", \"failing\": %s, \"passing\": %s, \"bundled_profiles_reach\": %s%s%s%s }%s\n",
                    id, f ? "true" : "false", p ? "true" : "false",
                    !have_reach || !reach[c].known ? "null" : unr ? "false" : "true",
                    unr ? ", \"needs\": \"" : "", unr ? reach[c].needs : "", unr ? "\"" : "",
                    c + 1 < VXA_CHECK_COUNT ? "," : "");
    }
    if (txt)
        fprintf(txt, "checks: %u seen failing and passing (%.1f %%), %u failing only, %u passing only, "
                     "%u never reached (of %u); %u no bundled profile can make fail\n",
                both, 100.0 * both / VXA_CHECK_COUNT, fail_only, pass_only, never,
                (unsigned)VXA_CHECK_COUNT, unreachable);
    if (js)
        fprintf(js, "  ],\n  \"total\": %u, \"both\": %u, \"failing_only\": %u, \"passing_only\": %u, "
                    "\"never\": %u, \"unreachable_by_bundled_profiles\": %u\n}\n",
                (unsigned)VXA_CHECK_COUNT, both, fail_only, pass_only, never, unreachable);
}

int main(int argc, char **argv)
{
    int cov = 0;
    const char *summary = NULL;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--coverage")) cov = 1;
        else if (!strcmp(argv[i], "--summary") && i + 1 < argc) summary = argv[++i];
        else run_path(argv[i]);
    }
    printf("replayed %u inputs\n", files);
    FILE *js = NULL;
    if (summary && !(js = fopen(summary, "w"))) { fprintf(stderr, "%s: cannot write\n", summary); return 2; }
    if (cov || js) report(cov ? stdout : NULL, js);
    if (js) fclose(js);
    return 0;
}
