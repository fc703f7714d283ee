/* profile_index.c — the bundled profiles with what people know their CPU by: the name of the
 * CPU ("cpu": its brand string or model name) and the CPUID.1:EAX signature where the profile
 * records one ("cpuid_signature"), and the ranking of `profile match` (cmd_profile_match.c) and
 * of interactive's profile aliases ("alderlake"). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* CPUID.1:EAX -> DisplayFamily, DisplayModel, stepping (SDM Vol. 2A, CPUID, Figure 3-6). */
void cli_signature_split(uint32_t eax, cli_cpu_id *id)
{
    unsigned fam = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;
    if (fam == 0xf) fam += (eax >> 20) & 0xff;
    if (fam == 0x6 || fam >= 0xf) model |= ((eax >> 16) & 0xf) << 4;
    id->family = fam;
    id->model = model;
    id->stepping = eax & 0xf;
    id->has_signature = id->has_stepping = true;
}

cli_profile_entry *cli_profile_index(unsigned *n)
{
    char **list = vxa_corpus_list("profiles");
    unsigned k = 0;
    for (char **l = list; *l; l++) k++;
    cli_profile_entry *e = calloc(k + 1, sizeof *e);
    *n = 0;
    for (char **l = list; *l; l++) {
        vxa_profile p;
        vxa_error err;
        cJSON *doc = vxa_profile_load_tree(*l, &p, &err);
        cli_profile_entry *x = &e[(*n)++];
        x->name = strdup(*l);
        if (!doc) continue;
        const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(doc, "cpu");
        if (cJSON_IsString(cpu)) x->cpu = strdup(cpu->valuestring);
        const cJSON *sig = cJSON_GetObjectItemCaseSensitive(doc, "cpuid_signature");
        uint64_t eax;
        if (cJSON_IsString(sig) && !vxa_parse_u64(sig->valuestring, &eax) && eax <= 0xffffffffu)
            cli_signature_split((uint32_t)eax, &x->id);
        cJSON_Delete(doc);
    }
    vxa_corpus_list_free(list);
    return e;
}

void cli_profile_index_free(cli_profile_entry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].cpu);
    }
    free(e);
}

/* Words that say nothing about which CPU it is. */
static bool stopword(const char *w)
{
    static const char *const stop[] = { "intel", "r", "tm", "cpu", "processor", "genuine", "gen",
        "th", "core", "with", "ghz", "mhz", "0", "model", "bochs", "qemu", "named", "as", "by", "v1",
        "the", "il", "vbox", "head", "2", "7", "cpu_map", "libvirt", "mirrored", "of", "and", NULL };
    for (const char *const *s = stop; *s; s++)
        if (!strcmp(w, *s)) return true;
    /* clock speeds ("3.70ghz" splits into 3, 70ghz) and bare short numbers */
    size_t l = strlen(w);
    if (l > 3 && !strcmp(w + l - 3, "ghz")) return true;
    bool digits = true;
    for (const char *c = w; *c; c++) digits &= isdigit((unsigned char)*c) != 0;
    return digits && l < 3;
}

/* The significant lower-case words of s (split at anything but letters and digits). */
static unsigned words(const char *s, char out[][24], unsigned max)
{
    unsigned n = 0;
    while (s && *s && n < max) {
        while (*s && !isalnum((unsigned char)*s)) s++;
        size_t l = 0;
        char w[24];
        while (*s && isalnum((unsigned char)*s)) {
            if (l < sizeof w - 1) w[l++] = (char)tolower((unsigned char)*s);
            s++;
        }
        w[l] = 0;
        if (l && !stopword(w)) strcpy(out[n++], w);
    }
    return n;
}

int cli_profile_score(const cli_profile_entry *e, const cli_cpu_id *id, const char *brand, char *why,
                      size_t n)
{
    int score = 0;
    size_t used = 0;
    why[0] = 0;
#define WHY(...) (used += (size_t)snprintf(why + used, used < n ? n - used : 0, __VA_ARGS__))
    if (id && id->has_signature && e->id.has_signature && id->family == e->id.family) {
        if (id->model == e->id.model) {
            score += 100;
            WHY("family %02X model %02X", e->id.family, e->id.model);
            if (id->has_stepping && id->stepping == e->id.stepping) {
                score += 10;
                WHY(" stepping %u", e->id.stepping);
            }
        }
    }
    if (brand && *brand) {
        char q[16][24], p[48][24];
        unsigned nq = words(brand, q, 16);
        char both[600];
        snprintf(both, sizeof both, "%s %s", e->name, e->cpu ? e->cpu : "");
        unsigned np = words(both, p, 48);
        for (unsigned i = 0; i < nq; i++) {
            int best = 0;
            for (unsigned k = 0; k < np; k++) {
                int s = 0;
                if (!strcmp(q[i], p[k])) s = 20;   /* "12900k", "alderlake", "xeon" */
                else if (strlen(q[i]) >= 4 && strlen(p[k]) >= 4 &&
                         (!strncmp(q[i], p[k], strlen(p[k])) || !strncmp(q[i], p[k], strlen(q[i]))))
                    s = 8;                           /* "8700" and "8700k", "alderlake" and "alderlakep" */
                if (s > best) best = s;
            }
            if (best) WHY("%s'%s'", used ? ", " : "", q[i]);
            score += best;
        }
    }
#undef WHY
    return score;
}

/* For qsort: higher score first, then by name. */
static const int *sort_scores;
static const cli_profile_entry *sort_entries;
static int by_score(const void *a, const void *b)
{
    unsigned i = *(const unsigned *)a, k = *(const unsigned *)b;
    if (sort_scores[i] != sort_scores[k]) return sort_scores[k] - sort_scores[i];
    return strcmp(sort_entries[i].name, sort_entries[k].name);
}

unsigned cli_profile_rank(const cli_profile_entry *e, unsigned n, const cli_cpu_id *id, const char *brand,
                          unsigned *order, int *scores)
{
    char why[300];
    unsigned m = 0;
    for (unsigned i = 0; i < n; i++) {
        scores[i] = cli_profile_score(&e[i], id, brand, why, sizeof why);
        if (scores[i] > 0) order[m++] = i;
    }
    sort_scores = scores;
    sort_entries = e;
    qsort(order, m, sizeof *order, by_score);
    return m;
}
