/* fuzz_case_json.c — the case reader (vxa_case_parse, docs/formats.md) on arbitrary bytes.
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
    vxa_case c1, c2;
    vxa_error err;
    memset(&err, 0, sizeof err);
    if (vxa_case_parse((const char *)data, size, "<fuzz>", &c1, &err)) {
        if (!err.message[0]) fuzz_die("case JSON: rejected without a message");
        vxa_case_free(&c1);
        return 0;
    }
    fuzz_case_round_trip(&c1, &c2);
    vxa_memory m = vxa_case_memory(&c1);
    vxa_input in = { &c1.profile, &c1.vmcs, &c1.entry, &m, VXA_MODEL_SDM };
    memset(&r, 0, sizeof r);
    vxa_audit(&in, &r);
    const char *why = fuzz_outcome_inconsistent(&r, &c1.entry);
    if (why) fuzz_die(why);
    vxa_case_free(&c1);
    vxa_case_free(&c2);
    return 0;
}
