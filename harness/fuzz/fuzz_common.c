/* fuzz_common.c — invariants, per-check coverage and case conversion shared by the fuzz targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "fuzz_common.h"

/* libFuzzer reads this section as extra coverage counters (and clears it before each input);
 * the replay main accumulates them for the coverage report. */
#if defined(__clang__) && defined(VXA_LIBFUZZER)
__attribute__((used, section("__libfuzzer_extra_counters")))
#endif
uint8_t vxa_check_counters[2 * VXA_CHECK_COUNT];

void fuzz_die(const char *why)
{
    fprintf(stderr, "vmxaudit fuzz invariant violated: %s\n", why);
    abort();
}

const char *fuzz_outcome_inconsistent(const vxa_report *r, const vxa_entry *e)
{
    bool cls[VXA_CLASS_COUNT] = { 0 };
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) cls[vxa_check_get((vxa_check)r->violations[i].check)->cls] = true;
    const vxa_outcome *o = &r->outcome;
    if (cls[VXA_CLASS_INSTRUCTION] || cls[VXA_CLASS_VMXON]) {
        return o->result == VXA_ENTERED ? "instruction violation but outcome entered" : NULL;
    }
    if (e->instruction == VXA_VMXON) return o->result == VXA_ENTERED ? NULL : "VMXON failed without violation";
    if (cls[VXA_CLASS_CONTROLS] || cls[VXA_CLASS_HOST]) {
        if (o->result != VXA_VMFAIL_VALID || o->nerror == 0) return "control/host violation but not VMfailValid";
        for (unsigned i = 0; i < o->nerror; i++) {
            if (o->error[i] == 7 && !cls[VXA_CLASS_CONTROLS]) return "error 7 without a control violation";
            if (o->error[i] == 8 && !cls[VXA_CLASS_HOST]) return "error 8 without a host violation";
        }
        return NULL;
    }
    if (cls[VXA_CLASS_GUEST])
        return o->result == VXA_ENTRY_FAILURE && o->exit_reason == 33 && o->nqual ? NULL
                                                                                 : "guest violation but not exit 33";
    if (cls[VXA_CLASS_MSRLOAD])
        return o->result == VXA_ENTRY_FAILURE && o->exit_reason == 34 && o->nqual == 1 && o->qual[0] >= 1
                   ? NULL : "MSR-load violation but not exit 34 with an entry index";
    return o->result == VXA_ENTERED ? NULL : "no violation but the entry fails";
}

#ifdef __AFL_COMPILER
/* AFL++ sees edges, not libFuzzer's counters: one branch per check outcome, so a new outcome is
 * a new edge. */
static volatile unsigned afl_sink;
static void afl_edges(const uint8_t *fail, const uint8_t *pass)
{
#define VXA_CHECK(id, cls, sdm, rule) \
    if (fail[VXA_C_##id]) afl_sink++;  \
    if (pass[VXA_C_##id]) afl_sink += 2;
#include "vmxaudit/checks.def"
#undef VXA_CHECK
}
#endif

static uint8_t group(uint8_t cls) { return cls == VXA_CLASS_CONTROLS ? VXA_CLASS_HOST : cls; }

/* Each check's class, from the catalogue at compile time: this runs on every input, and a
 * vxa_check_get() call per check was a tenth of the fuzzer's time. */
static const uint8_t check_class[VXA_CHECK_COUNT] = {
#define VXA_CHECK(id, cls, sdm, rule) VXA_CLASS_##cls,
#include "vmxaudit/checks.def"
#undef VXA_CHECK
};

void fuzz_count_checks(const vxa_report *r, const vxa_entry *e, uint8_t *counters)
{
    /* state[c]: 0 not listed, 1 failing, 2 undetermined (a failure wins) */
    uint8_t state[VXA_CHECK_COUNT], pass[VXA_CHECK_COUNT];
    memset(state, 0, sizeof state);
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned i = 0; i < nu; i++) state[r->undetermined[i].check] = 2;
    /* the first failing class (controls and host state are one), and the first failing check of
     * the ordered classes (VMXON, instruction: the first failure is the CPU's answer) */
    uint8_t first_cls = VXA_CLASS_COUNT;
    unsigned first_ordered = VXA_CHECK_COUNT;
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) {
        unsigned c = r->violations[i].check;
        state[c] = 1;
        uint8_t cls = check_class[c];
        if (cls == VXA_CLASS_ADVISORY) continue;
        if (group(cls) < first_cls) first_cls = group(cls);
        if (cls <= VXA_CLASS_INSTRUCTION && c < first_ordered) first_ordered = c;
    }
    bool vmxon = e->instruction == VXA_VMXON;
    /* a truncated report does not list every violation: passes are then unknown */
    bool complete = r->nviolations <= VXA_MAX_VIOLATIONS && r->nundetermined <= VXA_MAX_UNDETERMINED;
    /* which classes are reached, as the CPU orders them */
    bool reached_cls[VXA_CLASS_COUNT];
    for (unsigned k = 0; k < VXA_CLASS_COUNT; k++) {
        switch (k) {
        case VXA_CLASS_VMXON: reached_cls[k] = vmxon; break;
        case VXA_CLASS_INSTRUCTION: reached_cls[k] = !vmxon; break;
        case VXA_CLASS_ADVISORY: reached_cls[k] = !vmxon && first_cls >= VXA_CLASS_HOST; break;
        default: reached_cls[k] = !vmxon && first_cls >= group((uint8_t)k); break;
        }
    }
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        pass[c] = 0;
        if (state[c] == 1) {
            if (counters[2 * c] < 255) counters[2 * c]++;
            continue;
        }
        if (state[c] || !complete) continue;
        uint8_t cls = check_class[c];
        /* within the ordered classes only the checks before the first failing one */
        if (reached_cls[cls] && (cls > VXA_CLASS_INSTRUCTION || c < first_ordered)) {
            pass[c] = 1;
            if (counters[2 * c + 1] < 255) counters[2 * c + 1]++;
        }
    }
#ifdef __AFL_COMPILER
    uint8_t fail[VXA_CHECK_COUNT];
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) fail[c] = state[c] == 1;
    afl_edges(fail, pass);
#else
    (void)pass;
#endif
}

/* ---- binary case <-> JSON case ---- */

const char *fuzz_profile_diff(const vxa_profile *p, const vxa_profile *q)
{
    if (p->msr_present != q->msr_present) return "profile MSR set";
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if (vxa_profile_has(p, i) && p->msr[i] != q->msr[i]) return "profile MSR value";
    if (p->maxphyaddr != q->maxphyaddr || p->maxphyaddr_default != q->maxphyaddr_default) return "MAXPHYADDR";
    if (p->linear_address_width != q->linear_address_width) return "linear-address width";
    if (p->cpuid != q->cpuid || p->cpuid_known != q->cpuid_known) return "CPUID features";
    if (p->pmu_types != q->pmu_types || p->pmu_perf_caps_known != q->pmu_perf_caps_known) return "PMU";
    for (unsigned t = 0; t < p->pmu_types && t < VXA_PMU_TYPES; t++) {
        for (unsigned i = 0; i < 4; i++)
            if (p->pmu_cpuid_0a[t][i] != q->pmu_cpuid_0a[t][i]) return "PMU CPUID.0AH";
        if (((p->pmu_perf_caps_known >> t) & 1u) && p->pmu_perf_caps[t] != q->pmu_perf_caps[t])
            return "PMU IA32_PERF_CAPABILITIES";
    }
    return NULL;
}

const char *fuzz_case_diff(const vxa_case *a, const vxa_case *b)
{
    const char *d = fuzz_profile_diff(&a->profile, &b->profile);
    if (d) return d;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        if (vxa_is_set(&a->vmcs, (vxa_field)f) != vxa_is_set(&b->vmcs, (vxa_field)f)) return "set of VMCS fields";
        if (a->vmcs.value[f] != b->vmcs.value[f]) return "VMCS field value";
    }
    const vxa_entry *x = &a->entry, *y = &b->entry;
    if (x->instruction != y->instruction || x->launched != y->launched || x->current_vmcs != y->current_vmcs ||
        x->current_vmcs_shadow != y->current_vmcs_shadow ||
        x->host_ia32e != y->host_ia32e || x->mode != y->mode || x->vmx_operation != y->vmx_operation ||
        x->vmx_non_root != y->vmx_non_root || x->movss_blocking != y->movss_blocking || x->cpl != y->cpl ||
        x->smm != y->smm)
        return "entry environment";
    if (x->has_current_vmcs_address != y->has_current_vmcs_address ||
        x->current_vmcs_address != y->current_vmcs_address || x->has_vmxon_address != y->has_vmxon_address ||
        x->vmxon_address != y->vmxon_address || x->feature_control != y->feature_control || x->cr0 != y->cr0 ||
        x->cr4 != y->cr4)
        return "entry addresses or VMXON state";
    if (a->nmemory != b->nmemory) return "number of memory blobs";
    for (size_t i = 0; i < a->nmemory; i++)
        if (a->memory[i].address != b->memory[i].address || a->memory[i].length != b->memory[i].length ||
            (a->memory[i].length && memcmp(a->memory[i].data, b->memory[i].data, a->memory[i].length)))
            return "memory blob";
    return NULL;
}

void fuzz_find_corpus(const char *argv0)
{
    if (getenv("VMXAUDIT_CORPUS") || !argv0) return;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", argv0);
    char *slash = strrchr(dir, '/');
    if (!slash) return;
    snprintf(slash, sizeof dir - (size_t)(slash - dir), "/vmxaudit-corpus");
    FILE *f = NULL;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/profiles", dir);
    if ((f = fopen(probe, "r"))) {
        fclose(f);
        setenv("VMXAUDIT_CORPUS", dir, 0);
    }
}

void fuzz_case_round_trip(const vxa_case *c1, vxa_case *c2)
{
    vxa_error err;
    char *s1 = vxa_case_to_json(c1);
    if (!s1) fuzz_die("case JSON: writer failed");
    if (vxa_case_parse(s1, strlen(s1), "<fuzz>", c2, &err)) {
        char b[1200];
        vxa_error_format(&err, b, sizeof b);
        fprintf(stderr, "%s\n%s\n", s1, b);
        fuzz_die("case JSON: the writer's output does not parse");
    }
    const char *d = fuzz_case_diff(c1, c2);
    if (d) {
        fprintf(stderr, "%s\ndiffers in: %s\n", s1, d);
        fuzz_die("case JSON: round trip changes the case");
    }
    char *s2 = vxa_case_to_json(c2);
    if (!s2 || strcmp(s1, s2)) {
        fprintf(stderr, "first:\n%s\nsecond:\n%s\n", s1, s2 ? s2 : "(null)");
        fuzz_die("case JSON: written twice, not identical");
    }
    free(s1);
    free(s2);
}
