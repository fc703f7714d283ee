/* fuzz_case_json.c — the case reader (vxa_case_parse, design §4.2) on arbitrary bytes.
 * Invariants: bad input gives an error that names something (never a crash); a case that parses
 * is written (vxa_case_to_json), read back to the same case, and written again identically; it
 * audits without crash and with an outcome consistent with its violations. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    fuzz_find_corpus(**argv);
    return 0;
}

static vxa_report r;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_profile_is_path(data, size)) return 0;
    vxa_case c1, c2;
    vxa_error err;
    memset(&err, 0, sizeof err);
    if (vxa_case_parse((const char *)data, size, "<fuzz>", &c1, &err)) {
        if (!err.message[0]) fuzz_die("case JSON: rejected without a message");
        vxa_case_free(&c1);
        return 0;
    }
    char *s1 = vxa_case_to_json(&c1);
    if (!s1) fuzz_die("case JSON: writer failed");
    if (vxa_case_parse(s1, strlen(s1), "<fuzz>", &c2, &err)) {
        char b[1200];
        vxa_error_format(&err, b, sizeof b);
        fprintf(stderr, "%s\n%s\n", s1, b);
        fuzz_die("case JSON: the writer's output does not parse");
    }
    const char *d = fuzz_case_diff(&c1, &c2);
    if (d) {
        fprintf(stderr, "%s\ndiffers in: %s\n", s1, d);
        fuzz_die("case JSON: round trip changes the case");
    }
    char *s2 = vxa_case_to_json(&c2);
    if (!s2 || strcmp(s1, s2)) {
        fprintf(stderr, "first:\n%s\nsecond:\n%s\n", s1, s2 ? s2 : "(null)");
        fuzz_die("case JSON: written twice, not identical");
    }
    vxa_memory m = vxa_case_memory(&c1);
    vxa_input in = { &c1.profile, &c1.vmcs, &c1.entry, &m, VXA_MODEL_SDM };
    memset(&r, 0, sizeof r);
    vxa_audit(&in, &r);
    const char *why = fuzz_outcome_inconsistent(&r, &c1.entry);
    if (why) fuzz_die(why);
    free(s1);
    free(s2);
    vxa_case_free(&c1);
    vxa_case_free(&c2);
    return 0;
}
