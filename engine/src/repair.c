/* repair.c — docs/architecture.md: iterate audit -> fix until the layout enters.  Each round applies, per
 * field, the fix of the first violation (in CPU order) that names it, so a fix computed from the
 * current value is never overwritten by another computed from the same stale value. */
#include "internal.h"

bool vxa_repair(const vxa_input *in, unsigned max_rounds, vxa_vmcs *out, vxa_report *report,
                vxa_repair_result *res)
{
    vxa_input cur = *in;
    uint8_t touched[(VXA_FIELD_COUNT + 7) / 8];
    *out = *in->vmcs;
    cur.vmcs = out;
    res->rounds = 0;
    res->clean = false;
    res->nchanged = 0;
    for (unsigned i = 0; i < sizeof res->changed; i++) res->changed[i] = 0;
    for (;;) {
        vxa_audit(&cur, report);
        if (!vxa_vmcs_violated(report)) { res->clean = true; break; }
        if (res->rounds >= max_rounds) break;
        res->rounds++;
        for (unsigned i = 0; i < sizeof touched; i++) touched[i] = 0;
        bool progress = false;
        unsigned n = report->nviolations < VXA_MAX_VIOLATIONS ? report->nviolations : VXA_MAX_VIOLATIONS;
        for (unsigned i = 0; i < n; i++) {
            const vxa_violation *v = &report->violations[i];
            for (unsigned k = 0; k < v->nfix; k++) {
                vxa_field f = (vxa_field)v->fix_field[k];
                if ((touched[f >> 3] >> (f & 7)) & 1u) continue;
                touched[f >> 3] |= (uint8_t)(1u << (f & 7));
                if (vxa_is_set(out, f) && vxa_get(out, f) == v->fix_value[k]) continue;
                vxa_set(out, f, v->fix_value[k]);
                progress = true;
                if (!((res->changed[f >> 3] >> (f & 7)) & 1u)) {
                    res->changed[f >> 3] |= (uint8_t)(1u << (f & 7));
                    res->nchanged++;
                }
            }
        }
        if (!progress) break;
    }
    return res->clean;
}
