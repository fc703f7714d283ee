/* fuzz_repair.c — the expensive invariants (docs/harness.md), on binary cases (vmxaudit/binary.h):
 *   - repair soundness: a layout that vxa_repair declares clean audits clean (no control, host,
 *     guest or MSR-load violation) in an independent audit;
 *   - repair idempotence: repairing the repaired layout changes nothing;
 *   - JSON round trip of the case: binary -> JSON case -> parse -> the same case, and the JSON
 *     written twice is identical; the parsed case audits to the same report as the binary one;
 *   - the report as JSON (vxa_report_to_json) parses back with cJSON and lists every violation.
 * Shares the binary mutator with fuzz_audit (same corpus format). */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "fuzz_common.h"

static vxa_bin_case fc;
static vxa_vmcs fixed, again;
static vxa_report r0, r1, r2;

static bool vmcs_violation(const vxa_report *r)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) {
        uint8_t cls = vxa_check_get((vxa_check)r->violations[i].check)->cls;
        if (cls >= VXA_CLASS_CONTROLS && cls <= VXA_CLASS_MSRLOAD) return true;
    }
    return r->nviolations > VXA_MAX_VIOLATIONS;
}

static void repair_invariants(const vxa_input *in)
{
    vxa_repair_result res, res2;
    vxa_repair(in, 16, &fixed, &r1, &res);
    if (res.clean != !vmcs_violation(&r1)) fuzz_die("repair: 'clean' disagrees with its last audit");
    if (!res.clean) return;
    vxa_input in2 = *in;
    in2.vmcs = &fixed;
    memset(&r2, 0, sizeof r2);
    vxa_audit(&in2, &r2);
    if (vmcs_violation(&r2)) fuzz_die("repair: declared clean, but the repaired layout does not audit clean");
    if (r2.nviolations == 0 && r2.outcome.result != VXA_ENTERED && fc.entry.instruction != VXA_VMXON)
        fuzz_die("repair: clean layout without violations does not enter");
    vxa_repair(&in2, 16, &again, &r2, &res2);
    if (!res2.clean || res2.nchanged || res2.rounds || memcmp(&again, &fixed, sizeof fixed))
        fuzz_die("repair: not idempotent (repairing the repaired layout changed it)");
}

static void json_invariants(const vxa_input *in, const uint8_t *data, size_t size)
{
    vxa_case c1, c2;
    vxa_error err;
    if (vxa_case_from_binary(data, size, NULL, &c1, &err)) fuzz_die(err.message);
    fuzz_case_round_trip(&c1, &c2);
    /* The parsed case audits like the binary one, where the JSON format holds the same profile
     * (it keeps only the CPUID features it names and derives IA-32e support). */
    if (!fuzz_profile_diff(&fc.profile, &c1.profile)) {
        vxa_memory m = vxa_case_memory(&c2);
        vxa_input in2 = { &c2.profile, &c2.vmcs, &c2.entry, &m, in->model };
        memset(&r2, 0, sizeof r2);
        vxa_audit(&in2, &r2);
        if (memcmp(&r0, &r2, sizeof r0)) fuzz_die("case JSON: the parsed case audits differently");
    }
    vxa_case_free(&c1);
    vxa_case_free(&c2);

    /* the report: its text parses (the round trip of a self-produced text is the invariant) */
    char *rj = vxa_report_to_json(&r0, in->vmcs);
    cJSON *doc = rj ? cJSON_Parse(rj) : NULL;
    if (!doc) fuzz_die("report JSON: does not parse");
    unsigned listed = (unsigned)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "violations")) +
                      (unsigned)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "warnings"));
    if (listed != (r0.nviolations < VXA_MAX_VIOLATIONS ? r0.nviolations : VXA_MAX_VIOLATIONS))
        fuzz_die("report JSON: does not list every violation");
    cJSON_Delete(doc);
    free(rj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!vxa_bin_decode(data, size, &fc)) return 0;
    vxa_memory m = vxa_bin_memory(&fc);
    vxa_input in = { &fc.profile, &fc.vmcs, &fc.entry, &m, fc.model };
    memset(&r0, 0, sizeof r0);
    vxa_audit(&in, &r0);
    const char *why = fuzz_outcome_inconsistent(&r0, &fc.entry);
    if (why) fuzz_die(why);
    fuzz_count_checks(&r0, &fc.entry, vxa_check_counters);
    repair_invariants(&in);
    json_invariants(&in, data, size);
    return 0;
}
