/* rootcause_property.c — vxa-rootcause: measures the root-cause property.  Start from valid
 * layouts that are not only the bundled ones (random states repaired to enter, on several
 * complete profiles, plus the bundled layouts on their own profile), damage one field the rules
 * read (one bit flipped, a boundary value or a random value, seeded) so that entry fails, and
 * ask vxa_root_cause_find() for the smallest set of field changes that makes it enter again.
 * A trial is exact when that set is the damaged field alone; the only accepted exception is a
 * genuine ambiguity, another single field whose change also makes the layout enter (the search
 * verifies that by auditing it).  Also measured on the same trials: whether plain `repair`
 * (vxa_repair) and `repair --minimal` change exactly the damaged field.  Rates per check class
 * (of the first violation the damage causes); exceptions listed; --min-rate makes it a test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmxaudit/codec.h"

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

static bool complete(const vxa_profile *p)   /* as tests/test_repair.c */
{
    vxa_profile_warning w[32];
    unsigned n = vxa_profile_check(p, w, 32);
    for (unsigned i = 0; i < n && i < 32; i++)
        if (w[i].issue == VXA_PI_ADVERTISED_MISSING || w[i].issue == VXA_PI_NO_BASIC) return false;
    for (unsigned i = VXA_MSR_BASIC; i <= VXA_MSR_VMCS_ENUM; i++)
        if (!vxa_profile_has(p, i)) return false;
    return true;
}

static int first_class(const vxa_report *r)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) {
        unsigned cls = vxa_check_get((vxa_check)r->violations[i].check)->cls;
        if (cls >= VXA_CLASS_CONTROLS && cls <= VXA_CLASS_MSRLOAD) return (int)cls;
    }
    return -1;
}

typedef struct tally { unsigned trials, exact, ambiguous, repair_exact, minimal_exact; } tally;
static const char *const kinds[3] = { "bit", "boundary", "random" };

static struct {
    unsigned trials_per_layout, random_layouts, nprofiles, list_max;
    double min_rate;
    uint64_t seed;
    bool verbose;
} opt = { 200, 2, 6, 40, 0, 1, false };

static tally by_class[VXA_CLASS_COUNT], total, linux64;
static unsigned nexceptions, nfailures, nlayouts, skipped;

static void print_set(FILE *out, const vxa_vmcs *orig, const vxa_root_set *s)
{
    for (unsigned i = 0; i < s->n; i++)
        fprintf(out, "%s%s 0x%llx->0x%llx", i ? ", " : "", vxa_field_get((vxa_field)s->field[i])->name,
                (unsigned long long)orig->value[s->field[i]], (unsigned long long)s->value[i]);
}

/* Runs the trials on one valid layout. */
static void trials(const char *lname, const char *pname, const vxa_profile *p, const vxa_vmcs *valid,
                   const vxa_entry *e, const vxa_memory *m)
{
    static vxa_report r;
    static vxa_vmcs dmg, out;
    static vxa_root_cause rc;
    uint8_t reads[(VXA_FIELD_COUNT + 7) / 8] = { 0 };
    vxa_input in = { p, valid, e, m, VXA_MODEL_SDM, reads };
    vxa_audit(&in, &r);
    if (first_class(&r) >= 0) { fprintf(stderr, "%s on %s: not valid, skipped\n", lname, pname); return; }
    uint16_t fields[VXA_FIELD_COUNT];
    unsigned nf = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if ((reads[f >> 3] >> (f & 7)) & 1u) fields[nf++] = (uint16_t)f;
    nlayouts++;
    in.reads = NULL;
    in.vmcs = &dmg;
    for (unsigned t = 0; t < opt.trials_per_layout; t++) {
        unsigned f = 0, kind = t % 3, tries = 0;
        int cls = -1;
        for (; tries < 50 && cls < 0; tries++) {
            f = fields[rnd() % nf];
            uint64_t mask = vxa_field_mask((vxa_field)f), v = valid->value[f], nv = v;
            unsigned width = 64 - (unsigned)__builtin_clzll(mask);
            if (kind == 0) nv = v ^ (1ull << (rnd() % width));
            else if (kind == 1) {
                const uint64_t b[8] = { 0, mask, 1, mask >> 1, (mask >> 1) + 1, v + 1, v - 1, mask ^ 1 };
                nv = b[rnd() % 8] & mask;
            } else nv = rnd() & mask;
            if (nv == v) continue;
            dmg = *valid;
            vxa_set(&dmg, (vxa_field)f, nv);
            vxa_audit(&in, &r);
            cls = first_class(&r);
        }
        if (cls < 0) { skipped++; continue; }
        bool found = vxa_root_cause_find(&in, &rc);
        bool exact = found && rc.set[0].n == 1 && rc.set[0].field[0] == f;
        bool ambiguous = false, listed = false;
        for (unsigned i = 0; found && i < rc.nsets; i++)
            listed |= rc.set[i].n == 1 && rc.set[i].field[0] == f;
        if (!exact && found && rc.set[0].n == 1) {
            /* a genuine ambiguity: that other field's change alone makes the layout enter */
            static vxa_vmcs alt;
            alt = dmg;
            vxa_set(&alt, (vxa_field)rc.set[0].field[0], rc.set[0].value[0]);
            vxa_input ai = in;
            ai.vmcs = &alt;
            vxa_audit(&ai, &r);
            ambiguous = first_class(&r) < 0;
        }
        vxa_repair_result res;
        bool ok = vxa_repair(&in, 32, &out, &r, &res);
        bool rep_exact = ok && res.nchanged == 1 && ((res.changed[f >> 3] >> (f & 7)) & 1u);
        ok = vxa_repair_minimal(&in, &rc, &out, &r, &res);
        bool min_exact = ok && res.nchanged == 1 && ((res.changed[f >> 3] >> (f & 7)) & 1u);
        tally *ts[3] = { &by_class[cls], &total, !strcmp(lname, "linux64") ? &linux64 : NULL };
        for (unsigned k = 0; k < 3; k++) {
            if (!ts[k]) continue;
            ts[k]->trials++;
            ts[k]->exact += exact;
            ts[k]->ambiguous += ambiguous;
            ts[k]->repair_exact += rep_exact;
            ts[k]->minimal_exact += min_exact;
        }
        if (exact) continue;
        if (ambiguous) nexceptions++;
        else nfailures++;
        if (nexceptions + nfailures <= opt.list_max || (!ambiguous && opt.verbose)) {
            printf("  %s %s on %s: %s damage to %s 0x%llx->0x%llx (%s): ", ambiguous ? "ambiguous" : "FAILED",
                   lname, pname, kinds[kind], vxa_field_get((vxa_field)f)->name,
                   (unsigned long long)valid->value[f], (unsigned long long)dmg.value[f],
                   vxa_class_name((vxa_class)cls));
            if (!found) printf("no set found");
            for (unsigned i = 0; found && i < rc.nsets; i++) {
                printf("%s{", i ? " or " : "");
                print_set(stdout, &dmg, &rc.set[i]);
                printf("}");
            }
            printf("%s\n", ambiguous ? (listed ? " (the damaged field is an alternative)" : "") : "");
        }
    }
}

/* A random state repaired to enter: every field the rules read (on the profile's all-zero
 * layout, repaired) gets a random, zero or all-ones value with probability 1/2, then vxa_repair. */
static bool random_layout(const vxa_profile *p, vxa_vmcs *out)
{
    static vxa_vmcs v;
    static vxa_report r;
    vxa_repair_result res;
    for (unsigned attempt = 0; attempt < 20; attempt++) {
        vxa_vmcs_init(&v);
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
            if (rnd() & 1) continue;
            uint64_t m = vxa_field_mask((vxa_field)f);
            unsigned k = rnd() % 4;
            vxa_set(&v, (vxa_field)f, k == 0 ? 0 : k == 1 ? m : rnd() & m);
        }
        vxa_input in = { p, &v, NULL, NULL, VXA_MODEL_SDM, NULL };
        if (vxa_repair(&in, 64, out, &r, &res)) return true;
    }
    return false;
}

static void row(const char *name, const tally *t)
{
    if (!t->trials) return;
    double n = t->trials;
    printf("  %-12s %6u  %6.2f %%  %6.2f %%  %5u  %6.2f %%  %6.2f %%\n", name, t->trials, 100.0 * t->exact / n,
           100.0 * (t->exact + t->ambiguous) / n, t->ambiguous, 100.0 * t->repair_exact / n,
           100.0 * t->minimal_exact / n);
}

static int usage(void)
{
    fprintf(stderr, "usage: vxa-rootcause [--seed S] [--trials N] [--random-layouts N] [--profiles N] "
                    "[--min-rate R] [--list N] [-v]\n");
    return 2;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-v")) { opt.verbose = true; continue; }
        if (!val) return usage();
        i++;
        if (!strcmp(a, "--seed")) opt.seed = strtoull(val, &end, 0);
        else if (!strcmp(a, "--trials")) opt.trials_per_layout = (unsigned)strtoul(val, &end, 0);
        else if (!strcmp(a, "--random-layouts")) opt.random_layouts = (unsigned)strtoul(val, &end, 0);
        else if (!strcmp(a, "--profiles")) opt.nprofiles = (unsigned)strtoul(val, &end, 0);
        else if (!strcmp(a, "--list")) opt.list_max = (unsigned)strtoul(val, &end, 0);
        else if (!strcmp(a, "--min-rate")) opt.min_rate = strtod(val, &end);
        else return usage();
        if (!end || *end) { fprintf(stderr, "vxa-rootcause: %s: bad value '%s'\n", a, val); return 2; }
    }
    rng = opt.seed * 0x9e3779b97f4a7c15ull + 0x1234567;
    printf("exceptions (at most %u listed):\n", opt.list_max);

    /* The bundled layouts on their own profile. */
    char **layouts = vxa_corpus_list("layouts"), **profiles = vxa_corpus_list("profiles");
    if (!layouts || !profiles || !*layouts || !*profiles) {
        fprintf(stderr, "vxa-rootcause: no bundled layouts or profiles (set VMXAUDIT_CORPUS)\n");
        return 2;
    }
    for (char **l = layouts; *l; l++) {
        char *path = vxa_corpus_find("layouts", *l);
        vxa_case c;
        vxa_error e;
        if (!path || vxa_case_load(path, &c, &e)) { fprintf(stderr, "vxa-rootcause: %s: %s\n", *l, e.message); return 2; }
        free(path);
        vxa_memory m = vxa_case_memory(&c);
        trials(*l, c.profile_name ? c.profile_name : "?", &c.profile, &c.vmcs, &c.entry, &m);
        vxa_case_free(&c);
    }
    /* Random states repaired to enter on complete profiles spread over the list. */
    unsigned ncomplete = 0, used = 0;
    static vxa_profile cp[128];
    static const char *cn[128];
    for (char **p = profiles; *p && ncomplete < 128; p++) {
        vxa_error e;
        if (vxa_profile_load(*p, &cp[ncomplete], NULL, &e)) continue;
        if (complete(&cp[ncomplete])) cn[ncomplete++] = *p;
    }
    unsigned want = opt.nprofiles < ncomplete ? opt.nprofiles : ncomplete;
    for (unsigned k = 0; k < want; k++) {
        unsigned i = want ? k * ncomplete / want : 0;
        bool any = false;
        for (unsigned l = 0; l < opt.random_layouts; l++) {
            static vxa_vmcs v;
            if (!random_layout(&cp[i], &v)) { fprintf(stderr, "%s: a random state did not repair\n", cn[i]); continue; }
            char name[32];
            snprintf(name, sizeof name, "random%u", l);
            trials(name, cn[i], &cp[i], &v, NULL, NULL);
            any = true;
        }
        used += any;
    }
    if (nexceptions + nfailures > opt.list_max) printf("  ... %u more\n", nexceptions + nfailures - opt.list_max);

    printf("\nroot-cause property: seed %llu, %u valid layouts (3 bundled, the rest random states repaired "
           "to enter on %u complete profiles), %u trials each, %u damage draws that did not make entry fail\n",
           (unsigned long long)opt.seed, nlayouts, used, opt.trials_per_layout, skipped);
    printf("  %-12s %6s  %8s  %8s  %5s  %8s  %8s\n", "first class", "trials", "exact", "ex+amb", "amb",
           "repair", "minimal");
    for (unsigned c = 0; c < VXA_CLASS_COUNT; c++) row(vxa_class_name((vxa_class)c), &by_class[c]);
    row("all", &total);
    row("linux64", &linux64);
    printf("exact: the root-cause set is the damaged field alone; ex+amb: or another single field whose "
           "change alone makes it enter (genuine ambiguity); repair / minimal: `repair` / `repair --minimal` "
           "change exactly the damaged field\n");
    printf("failures (neither exact nor a genuine ambiguity): %u\n", nfailures);
    vxa_corpus_list_free(layouts);
    vxa_corpus_list_free(profiles);
    double rate = total.trials ? (double)(total.exact + total.ambiguous) / total.trials : 0;
    if (opt.min_rate > 0 && (!total.trials || rate < opt.min_rate)) {
        printf("FAIL: %.2f %% < %.2f %%\n", 100 * rate, 100 * opt.min_rate);
        return 1;
    }
    return 0;
}
