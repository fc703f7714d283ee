/* fuzz_profile_json.c — the profile reader (vxa_profile_parse, docs/formats.md) on arbitrary bytes.
 * Invariants: bad input gives an error with a message (never a crash); a profile that parses
 * is written as a JSON profile and read back to the same profile; the sanity check
 * (vxa_profile_check) and the allowed settings of every control word run without crash, and
 * a control word whose must-be-1 and may-be-1 bits contradict is flagged by the sanity check. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vxa_profile p, q;
    vxa_error err;
    char *name = NULL;
    memset(&err, 0, sizeof err);
    if (vxa_profile_parse((const char *)data, size, "<fuzz>", &p, &name, &err)) {
        if (!err.message[0]) fuzz_die("profile JSON: rejected without a message");
        return 0;
    }
    free(name);
    const vxa_profile_about about = { "fuzz", NULL, NULL };
    char *s = vxa_profile_to_json(&p, &about);
    if (vxa_profile_parse(s, strlen(s), "<fuzz>", &q, NULL, &err)) {
        fprintf(stderr, "%s\n%s\n", s, err.message);
        fuzz_die("profile JSON: written profile does not parse");
    }
    const char *d = fuzz_profile_diff(&p, &q);
    if (d) {
        fprintf(stderr, "%s\ndiffers in: %s\n", s, d);
        fuzz_die("profile JSON: round trip changes the profile");
    }
    free(s);
    vxa_profile_warning w[32];
    unsigned nw = vxa_profile_check(&p, w, 32);
    bool flagged = false;
    for (unsigned i = 0; i < nw && i < 32; i++)   /* any of the warnings that explain it */
        flagged |= w[i].issue == VXA_PI_ALLOWED0_NOT_IN_ALLOWED1 || w[i].issue == VXA_PI_DEFAULT1_NOT_SET ||
                   w[i].issue == VXA_PI_TRUE_DISAGREES || w[i].issue == VXA_PI_NO_BASIC;
    for (unsigned wd = VXA_WORD_PIN; wd <= VXA_WORD_ENTRY; wd++) {
        uint64_t m1, a1;
        unsigned missing;
        if (vxa_allowed(&p, (vxa_word)wd, &m1, &a1, &missing) && (m1 & ~a1) && nw <= 32 && !flagged)
            fuzz_die("profile: a control must be 1 and must be 0 at once, and the sanity check is silent");
    }
    return 0;
}
