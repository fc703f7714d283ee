/* prediction.c — see prediction.h. */
#include <stdio.h>
#include <string.h>
#include "prediction.h"
#include "vmxaudit/codec.h"

void vxa_prediction_outcome(const struct vxa_oracle_prediction *p, vxa_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->result = p->result;
    o->nerror = p->nerror < VXA_MAX_SET ? p->nerror : VXA_MAX_SET;
    memcpy(o->error, p->error, o->nerror);
    o->exit_reason = p->exit_reason;
    o->nqual = p->nqual < VXA_MAX_SET ? p->nqual : VXA_MAX_SET;
    for (unsigned i = 0; i < o->nqual; i++) o->qual[i] = p->qual[i];
    o->vector = p->vector;
}

static const char *check_id(unsigned c)
{
    return c < VXA_CHECK_COUNT ? vxa_check_get((vxa_check)c)->id : "?";
}

bool vxa_prediction_same(const struct vxa_oracle_prediction *p, const vxa_report *r,
                         char *why, size_t n)
{
    vxa_outcome o;
    char a[200], b[200];
    vxa_prediction_outcome(p, &o);
    if (!vxa_outcome_equal(&o, &r->outcome)) {
        vxa_outcome_to_text(&o, a, sizeof a);
        vxa_outcome_to_text(&r->outcome, b, sizeof b);
        snprintf(why, n, "outcome: in-guest %s, hosted %s", a, b);
        return false;
    }
    /* Only the classes the CPU reaches are compared: after a control/host failure it reads no
     * guest state or MSR-load list, and memory outside the case arena (which the payload has
     * and the hosted reader reads as zero) may then differ without consequence. */
    unsigned limit = VXA_CLASS_COUNT;
    if (o.result == VXA_VMFAIL_INVALID || o.result == VXA_FAULT || o.result == VXA_VMFAIL_VALID)
        limit = VXA_CLASS_HOST;
    else if (o.result == VXA_ENTRY_FAILURE && o.exit_reason == 33)
        limit = VXA_CLASS_GUEST;
    else if (o.result == VXA_ENTRY_FAILURE)
        limit = VXA_CLASS_MSRLOAD;
    unsigned hn = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    unsigned gi = 0, hi = 0, compared = 0;
    for (;;) {
        while (gi < p->ncheck && vxa_check_get((vxa_check)p->check[gi])->cls > limit) gi++;
        while (hi < hn && vxa_check_get((vxa_check)r->violations[hi].check)->cls > limit) hi++;
        if (gi >= p->ncheck || compared >= VXA_ORACLE_MAX_CHECKS) break;
        unsigned g = p->check[gi];
        unsigned h = hi < hn ? r->violations[hi].check : VXA_CHECK_COUNT;
        if (g != h) {
            snprintf(why, n, "violation %u: in-guest %s, hosted %s", compared + 1, check_id(g),
                     h < VXA_CHECK_COUNT ? check_id(h) : "none");
            return false;
        }
        gi++, hi++, compared++;
    }
    bool beyond = false;   /* the hosted report has violations in classes the CPU never reached */
    for (unsigned k = 0; k < hn; k++) beyond |= vxa_check_get((vxa_check)r->violations[k].check)->cls > limit;
    if (!beyond && p->nviolations != r->nviolations) {
        snprintf(why, n, "violations: in-guest %u, hosted %u", p->nviolations, r->nviolations);
        return false;
    }
    if (why && n) why[0] = 0;
    return true;
}

void vxa_prediction_to_text(const struct vxa_oracle_prediction *p, char *buf, size_t size)
{
    vxa_outcome o;
    char t[200];
    vxa_prediction_outcome(p, &o);
    vxa_outcome_to_text(&o, t, sizeof t);
    size_t k = (size_t)snprintf(buf, size, "%s; %u violation%s", t, p->nviolations,
                                p->nviolations == 1 ? "" : "s");
    for (unsigned i = 0; i < p->ncheck && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s", i ? ", " : ": ", check_id(p->check[i]));
    if (p->nviolations > p->ncheck && k < size) snprintf(buf + k, size - k, ", ...");
}
