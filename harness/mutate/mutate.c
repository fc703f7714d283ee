/* mutate.c — the mutation library's entry points: a mutator's state, operator choice by weight,
 * and dispatch (see mutate.h). */
#include "mutate.h"

static const char *const op_names[VXA_OP_COUNT] = {
    "flip", "boundary", "control", "feature", "repair-flip", "event", "segment", "msr-load",
    "memory", "entry", "profile", "unset", "correlated", "single-fault"
};

const char *vxa_mut_op_name(vxa_mut_op op) { return (unsigned)op < VXA_OP_COUNT ? op_names[op] : 0; }

void vxa_mut_init(vxa_mutator *m, uint64_t seed, unsigned flags)
{
    /* the scratch space (a report, a layout) is left as it is: it is written before it is read */
    vxa_rng_seed(&m->rng, seed);
    m->flags = flags;
    m->reads = NULL;
    m->model = VXA_MODEL_SDM;
}

vxa_mut_op vxa_mut_pick_op(vxa_mutator *m, const uint16_t w[VXA_OP_COUNT])
{
    unsigned total = 0;
    for (unsigned i = 0; i < VXA_OP_COUNT; i++) total += w[i];
    unsigned k = vxa_rng_below(&m->rng, total);
    for (unsigned i = 0; i < VXA_OP_COUNT; i++) {
        if (k < w[i]) return (vxa_mut_op)i;
        k -= w[i];
    }
    return VXA_OP_FLIP;
}

bool vxa_mut_apply(vxa_mutator *m, vxa_mut_case *c, vxa_mut_op op)
{
    switch (op) {
    case VXA_OP_FLIP: return vxa_op_flip(m, c);
    case VXA_OP_BOUNDARY: return vxa_op_boundary(m, c);
    case VXA_OP_CONTROL: return vxa_op_control(m, c, vxa_rng_below(&m->rng, 4));
    case VXA_OP_FEATURE: return vxa_op_feature(m, c);
    case VXA_OP_REPAIR_FLIP: return vxa_op_repair_flip(m, c);
    case VXA_OP_EVENT: return vxa_op_event(m, c);
    case VXA_OP_SEGMENT: return vxa_op_segment(m, c);
    case VXA_OP_MSR_LOAD: return vxa_op_msr_load(m, c);
    case VXA_OP_MEMORY: return vxa_op_memory(m, c);
    case VXA_OP_ENTRY: return vxa_op_entry(m, c);
    case VXA_OP_PROFILE: return !(m->flags & VXA_MUT_FIXED_PROFILE) && vxa_op_profile(m, c);
    case VXA_OP_UNSET: return vxa_op_unset(m, c);
    case VXA_OP_CORRELATED: return vxa_op_correlated(m, c);
    case VXA_OP_SINGLE_FAULT: return vxa_op_single_fault(m, c);
    default: return false;
    }
}
