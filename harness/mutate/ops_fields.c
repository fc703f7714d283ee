/* ops_fields.c — operators on one field: a bit flip, a boundary value, unwritten/rewritten. */
#include "mutate.h"

/* Where a user gives the fields the rules read (the generator's baseline), those three times in
 * four; a field the layout gives otherwise (the fuzzer), one that exists on the CPU. */
static unsigned preferred(vxa_mutator *m)
{
    return VXA_PICK_WRITABLE | (vxa_rng_below(&m->rng, 4) ? VXA_PICK_READ | VXA_PICK_SET | VXA_PICK_EXISTS
                                                         : VXA_PICK_EXISTS);
}

bool vxa_op_flip(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_field f = vxa_pick_field(m, c, preferred(m));
    vxa_set(c->vmcs, f, vxa_get(c->vmcs, f) ^ 1ull << vxa_pick_bit(m, c, f));
    return true;
}

bool vxa_op_boundary(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_field f = vxa_pick_field(m, c, preferred(m));
    vxa_set(c->vmcs, f, vxa_boundary_value(m, c, f));
    return true;
}

bool vxa_op_unset(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_field f = (vxa_field)vxa_rng_below(&m->rng, VXA_FIELD_COUNT);
    if (vxa_is_set(c->vmcs, f) && vxa_rng_below(&m->rng, 2)) vxa_unset(c->vmcs, f);
    else vxa_set(c->vmcs, f, vxa_rng_below(&m->rng, 2) ? vxa_rng_below(&m->rng, 16) : vxa_rng_next(&m->rng));
    return true;
}
