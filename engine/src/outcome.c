/* outcome.c — comparing outcomes (vmxaudit.h "Agreement"; docs/outcome-model.md): the one
 * agreement predicate (an observation within a prediction), the undetermined rule that explains
 * an observation outside it, and the equality of two predictions.  Freestanding. */
#include "internal.h"

/* Sets are read up to VXA_MAX_SET: a count beyond it (a corrupt outcome) reads no further. */
static unsigned clamp(unsigned n) { return n < VXA_MAX_SET ? n : VXA_MAX_SET; }

static bool has_u8(const uint8_t *s, unsigned n, uint8_t v)
{
    for (unsigned i = 0; i < n; i++)
        if (s[i] == v) return true;
    return false;
}

static bool has_u32(const uint32_t *s, unsigned n, uint32_t v)
{
    for (unsigned i = 0; i < n; i++)
        if (s[i] == v) return true;
    return false;
}

/* a ⊆ b */
static bool subset_u8(const uint8_t *a, unsigned na, const uint8_t *b, unsigned nb)
{
    for (unsigned i = 0; i < na; i++)
        if (!has_u8(b, nb, a[i])) return false;
    return true;
}

static bool subset_u32(const uint32_t *a, unsigned na, const uint32_t *b, unsigned nb)
{
    for (unsigned i = 0; i < na; i++)
        if (!has_u32(b, nb, a[i])) return false;
    return true;
}

bool vxa_outcome_within(const vxa_outcome *p, const vxa_outcome *o)
{
    if (!p || !o || p->result != o->result || p->result > VXA_FAULT) return false;
    switch (p->result) {
    case VXA_VMFAIL_VALID: {             /* SDM 31.4: the CPU writes the VM-instruction error */
        unsigned np = clamp(p->nerror), no = clamp(o->nerror);
        return no > 0 && subset_u8(o->error, no, p->error, np);
    }
    case VXA_ENTRY_FAILURE: {            /* SDM 27.8: exit reason and exit qualification */
        if (p->exit_reason != o->exit_reason) return false;
        unsigned np = clamp(p->nqual), no = clamp(o->nqual);
        if (np == 0) return true;        /* the prediction leaves the qualification open */
        return no > 0 && subset_u32(o->qual, no, p->qual, np);
    }
    case VXA_FAULT: return p->vector == o->vector;
    default: return true;                /* entered, VMfailInvalid: nothing more to compare */
    }
}

/* The class of the answer an observation reports (controls and host state are one class for the
 * answer: 27.2 "may be performed in any order"); VXA_CLASS_COUNT when no rule class gives it. */
static unsigned observed_class(const vxa_outcome *o)
{
    if (o->result == VXA_VMFAIL_VALID && o->nerror && (o->error[0] == 7 || o->error[0] == 8))
        return VXA_CLASS_HOST;
    if (o->result == VXA_ENTRY_FAILURE && o->exit_reason == 33) return VXA_CLASS_GUEST;
    if (o->result == VXA_ENTRY_FAILURE && o->exit_reason == 34) return VXA_CLASS_MSRLOAD;
    return VXA_CLASS_COUNT;
}

vxa_check vxa_undetermined_explains(const vxa_report *r, const vxa_outcome *o)
{
    if (!r || !o || !r->outcome_assumes_undetermined_pass) return VXA_CHECK_COUNT;
    unsigned cls = observed_class(o);
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned i = 0; i < nu && cls != VXA_CLASS_COUNT; i++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)r->undetermined[i].check);
        if (!ci) continue;
        unsigned uc = ci->cls == VXA_CLASS_CONTROLS ? VXA_CLASS_HOST : ci->cls;
        if (uc == cls) return (vxa_check)r->undetermined[i].check;
    }
    return VXA_CHECK_COUNT;
}

bool vxa_outcome_equal(const vxa_outcome *a, const vxa_outcome *b)
{
    if (!a || !b) return a == b;
    if (a->result != b->result) return false;
    switch (a->result) {
    case VXA_VMFAIL_VALID: {
        unsigned na = clamp(a->nerror), nb = clamp(b->nerror);
        return subset_u8(a->error, na, b->error, nb) && subset_u8(b->error, nb, a->error, na);
    }
    case VXA_ENTRY_FAILURE: {
        unsigned na = clamp(a->nqual), nb = clamp(b->nqual);
        return a->exit_reason == b->exit_reason && subset_u32(a->qual, na, b->qual, nb) &&
               subset_u32(b->qual, nb, a->qual, na);
    }
    case VXA_FAULT: return a->vector == b->vector;
    default: return true;
    }
}
