/* reach.c — which checks can the bundled profiles (corpus/profiles) make fail at all?
 * The capabilities a check needs are found by ablation of its own failing per-check test
 * (tests/checks/, one JSON file per SDM section): a VM-execution/exit/entry control bit set in the failing case is needed
 * when clearing it alone makes the check disappear; likewise a CPUID feature stated present.
 * A check is reachable under a bundled profile when that profile allows every needed control
 * bit as 1 (with the MSR captured) and states every needed feature present; a check none of
 * them reaches is named with
 * what it needs.  Only controls and CPUID features are ablated (other capability bits, such as
 * IA32_VMX_MISC activity states, are not), so "reachable" may be optimistic, never pessimistic
 * about those. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "case_patch.h"
#include "reach.h"

static vxa_report rep;

static bool reports(const vxa_case *c, uint8_t model, vxa_check id)
{
    vxa_memory m = vxa_case_memory(c);
    vxa_input in = { &c->profile, &c->vmcs, &c->entry, &m, model };
    vxa_audit(&in, &rep);
    for (unsigned i = 0; i < rep.nviolations && i < VXA_MAX_VIOLATIONS; i++)
        if (rep.violations[i].check == id) return true;
    return false;
}

/* The control bits needed, per control word (controls.def), and the CPUID features. */
typedef struct need { uint64_t ctl[VXA_WORD_COUNT]; uint32_t cpuid; } need;

static bool satisfied(const vxa_profile *p, const need *n)
{
    for (unsigned w = 0; w < VXA_WORD_COUNT; w++) {
        if (!n->ctl[w]) continue;
        uint64_t m1, a1;
        if (!vxa_allowed(p, (vxa_word)w, &m1, &a1, NULL) || (n->ctl[w] & ~a1)) return false;
    }
    return (n->cpuid & p->cpuid & p->cpuid_known) == n->cpuid;
}

static void describe(const need *n, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    for (unsigned w = 0; w < VXA_WORD_COUNT; w++)
        for (unsigned b = 0; b < 64; b++)
            if ((n->ctl[w] >> b) & 1u && o < size)
                o += (size_t)snprintf(buf + o, size - o, "%s%s bit %u", o ? ", " : "",
                                      vxa_word_name((vxa_word)w), b);
    for (unsigned b = 0; b < VXA_CPUID_COUNT; b++)
        if ((n->cpuid >> b) & 1u && o < size)
            o += (size_t)snprintf(buf + o, size - o, "%scpuid %s", o ? ", " : "", vxa_cpuid_name(b));
}

static void ablate(vxa_case *c, uint8_t model, vxa_check id, need *n)
{
    memset(n, 0, sizeof *n);
    for (unsigned w = 0; w < VXA_WORD_COUNT; w++) {
        const vxa_word_info *wi = vxa_word_get((vxa_word)w);
        if (!wi) continue;
        vxa_field f = (vxa_field)wi->field;
        uint64_t v = vxa_get(&c->vmcs, f), m1, a1 = 0;
        /* only bits the test's own profile allows as 1: a bit it forbids is the violation of an
         * allowed-settings check, which any profile forbidding some bit reaches */
        vxa_allowed(&c->profile, (vxa_word)w, &m1, &a1, NULL);
        for (unsigned b = 0; b < 64; b++) {
            if (!((v & a1) >> b & 1u)) continue;
            vxa_set(&c->vmcs, f, v & ~(1ull << b));
            if (!reports(c, model, id)) n->ctl[w] |= 1ull << b;
            vxa_set(&c->vmcs, f, v);
        }
    }
    uint32_t present = c->profile.cpuid & c->profile.cpuid_known;
    for (unsigned b = 0; b < VXA_CPUID_COUNT; b++) {
        if (!((present >> b) & 1u)) continue;
        c->profile.cpuid &= ~(1u << b);
        if (!reports(c, model, id)) n->cpuid |= 1u << b;
        c->profile.cpuid |= 1u << b;
    }
}

int fuzz_reach_compute(const char *dir, fuzz_reach *out)
{
    if (!dir) dir = getenv("VMXAUDIT_CHECK_TESTS");
#ifdef VXA_TESTS_CHECKS
    if (!dir) dir = VXA_TESTS_CHECKS;
#endif
    if (!dir) return -1;
    memset(out, 0, sizeof *out * VXA_CHECK_COUNT);
    char **names = vxa_corpus_list("profiles");
    if (!names) return -1;
    size_t np = 0;
    while (names[np]) np++;
    vxa_profile *prof = calloc(np ? np : 1, sizeof *prof);
    for (size_t i = 0; i < np; i++) {
        vxa_error e;
        if (vxa_profile_load(names[i], &prof[i], NULL, &e)) vxa_profile_init(&prof[i]);
    }
    DIR *d = opendir(dir);
    if (!d) { free(prof); vxa_corpus_list_free(names); return -1; }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 5, ".json")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static char text[1 << 21];
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = 0;
        cJSON *doc = cJSON_Parse(text);
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc, "tests")) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "check");
            const cJSON *fail = cJSON_GetObjectItemCaseSensitive(t, "fail");
            const cJSON *lay = cJSON_GetObjectItemCaseSensitive(t, "layout");
            const cJSON *mo = cJSON_GetObjectItemCaseSensitive(t, "model");
            if (!cJSON_IsString(id) || !fail) continue;
            vxa_check cid = vxa_check_by_id(id->valuestring);
            if (cid == VXA_CHECK_COUNT) continue;
            uint8_t model = cJSON_IsString(mo) ? (uint8_t)vxa_model_by_name(mo->valuestring) : VXA_MODEL_SDM;
            vxa_case c;
            char err[600];
            if (tc_build_case(cJSON_IsString(lay) ? lay->valuestring : "linux64", fail, &c, err, sizeof err))
                continue;
            if (reports(&c, model, cid)) {
                need nd;
                ablate(&c, model, cid, &nd);
                fuzz_reach *r = &out[cid];
                bool ok = false;
                for (size_t i = 0; i < np && !ok; i++) ok = satisfied(&prof[i], &nd);
                if (!r->known || (ok && !r->reachable)) describe(&nd, r->needs, sizeof r->needs);
                r->known = true;
                r->reachable |= ok;
            }
            vxa_case_free(&c);
        }
        cJSON_Delete(doc);
    }
    closedir(d);
    free(prof);
    vxa_corpus_list_free(names);
    return 0;
}
