/* bochs_messages.c — which checks a Bochs 2.7 failure message names (bochs_messages.def). */
#include <string.h>
#include "bochs_messages.h"

static const struct { const char *prefix, *ids; } messages[] = {
#define BOCHS_MESSAGE(prefix, ids) { prefix, ids },
#include "bochs_messages.def"
#undef BOCHS_MESSAGE
};

const char *vxa_bochs_message_checks(const char *log, const char **message)
{
    const char *best = NULL;
    size_t best_len = 0;
    *message = NULL;
    for (const char *line = log; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if ((len > 7 && !strncmp(line, "VMFAIL:", 7)) || (len > 13 && !strncmp(line, "VMENTER FAIL:", 13))) {
            if (!*message) *message = line;
            for (size_t i = 0; i < sizeof messages / sizeof messages[0]; i++) {
                size_t pl = strlen(messages[i].prefix);
                if (pl <= len && pl > best_len && !strncmp(line, messages[i].prefix, pl)) {
                    best = messages[i].ids;
                    best_len = pl;
                    *message = line;
                }
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return best;
}

bool vxa_bochs_message_agrees(const char *ids, const vxa_report *r)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) {
        const char *id = vxa_check_get((vxa_check)r->violations[i].check)->id;
        size_t l = strlen(id);
        for (const char *p = ids; (p = strstr(p, id)); p += l)
            if ((p == ids || p[-1] == ' ') && (p[l] == ' ' || p[l] == 0)) return true;
    }
    return false;
}

size_t vxa_bochs_message_count(void) { return sizeof messages / sizeof messages[0]; }
const char *vxa_bochs_message_ids(size_t i) { return i < vxa_bochs_message_count() ? messages[i].ids : NULL; }
