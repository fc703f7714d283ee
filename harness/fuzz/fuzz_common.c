/* fuzz_common.c — invariants and check coverage shared by the fuzz targets. */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_common.h"

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

void fuzz_count_checks(const vxa_report *r, uint8_t *counters)
{
    bool failed[VXA_CHECK_COUNT] = { 0 };
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) failed[r->violations[i].check] = true;
    /* The classes the CPU reaches: all up to the first failing class. */
    uint8_t reached = VXA_CLASS_MSRLOAD;
    for (unsigned i = 0; i < n; i++) {
        uint8_t c = vxa_check_get((vxa_check)r->violations[i].check)->cls;
        if (c == VXA_CLASS_CONTROLS) c = VXA_CLASS_HOST;
        if (c < reached && c != VXA_CLASS_ADVISORY) reached = c;
    }
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        if (failed[c]) { if (counters[2 * c] < 255) counters[2 * c]++; continue; }
        uint8_t cls = vxa_check_get((vxa_check)c)->cls;
        if (cls == VXA_CLASS_CONTROLS) cls = VXA_CLASS_HOST;
        if (cls <= reached && counters[2 * c + 1] < 255) counters[2 * c + 1]++;
    }
}
