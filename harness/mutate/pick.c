/* pick.c — field and bit pickers over the engine's catalogue: fields.def (widths, kinds, value
 * kinds, the gates that make a field exist) and controls.def (the bits each control word defines),
 * against the profile's allowed settings (SDM Appendix A). */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

unsigned vxa_field_bits(vxa_field f)
{
    switch (vxa_field_get(f)->width) {
    case VXA_W16: return 16;
    case VXA_W32: return 32;
    default: return 64;
    }
}

static bool qualifies(const vxa_mutator *m, const vxa_mut_case *c, vxa_field f, unsigned flags)
{
    if ((flags & VXA_PICK_WRITABLE) && vxa_field_get(f)->kind == VXA_KIND_RO) return false;
    if ((flags & VXA_PICK_SET) && !vxa_is_set(c->vmcs, f)) return false;
    if ((flags & VXA_PICK_READ) && m->reads && !((m->reads[f >> 3] >> (f & 7)) & 1)) return false;
    if ((flags & VXA_PICK_EXISTS) && vxa_field_exists(c->profile, f) != 1) return false;
    return true;
}

vxa_field vxa_pick_field(vxa_mutator *m, const vxa_mut_case *c, unsigned flags)
{
    /* relax the preferences one at a time: the rules' reads first, then "given", then "exists" */
    static const unsigned relax[] = { VXA_PICK_READ, VXA_PICK_SET, VXA_PICK_EXISTS };
    for (unsigned r = 0;; r++) {
        for (unsigned tries = 0; tries < 32; tries++) {
            vxa_field f = (vxa_field)vxa_rng_below(&m->rng, VXA_FIELD_COUNT);
            if (qualifies(m, c, f, flags)) return f;
        }
        if (r == sizeof relax / sizeof relax[0]) break;
        flags &= ~relax[r];
    }
    return VXA_F_GUEST_RFLAGS;
}

int vxa_pick_in(vxa_mutator *m, uint64_t pool)
{
    if (!pool) return -1;
    unsigned k = vxa_rng_below(&m->rng, (unsigned)__builtin_popcountll(pool));
    for (unsigned b = 0; b < 64; b++)
        if ((pool >> b & 1) && k-- == 0) return (int)b;
    return -1;
}

/* The bits controls.def defines for word w (reserved default1 bits included: clearing one is a
 * must-be-1 violation). */
static uint64_t defined_bits(vxa_word w)
{
    uint64_t mask = 0;
    for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++) {
        const vxa_control_info *ci = vxa_control_get(i);
        if (ci->word == w) mask |= 1ull << ci->bit;
    }
    return mask;
}

unsigned vxa_pick_bit(vxa_mutator *m, const vxa_mut_case *c, vxa_field f)
{
    unsigned bits = vxa_field_bits(f), roll = vxa_rng_below(&m->rng, 4);
    vxa_word w = vxa_field_control_word(f);
    if (w != VXA_WORD_NONE && roll) {
        int b = vxa_pick_in(m, defined_bits(w));
        if (b >= 0) return (unsigned)b;
    }
    if (w == VXA_WORD_NONE && roll == 0) {
        int b = vxa_boundary_bit(m, c, f);
        if (b >= 0 && (unsigned)b < bits) return (unsigned)b;
    }
    return vxa_rng_below(&m->rng, bits);
}

/* The control that makes a word exist: A.3.3 (secondary), A.3.4 (tertiary), A.4.2 (secondary
 * exit), A.11 (VM functions). */
static const struct { vxa_word w, parent; unsigned bit; } activation[] = {
    { VXA_WORD_PROC2, VXA_WORD_PROC, VXA_PROC_ACTIVATE_SECONDARY },
    { VXA_WORD_PROC3, VXA_WORD_PROC, VXA_PROC_ACTIVATE_TERTIARY },
    { VXA_WORD_EXIT2, VXA_WORD_EXIT, VXA_EXIT_ACTIVATE_SECONDARY },
    { VXA_WORD_VMFUNC, VXA_WORD_PROC2, VXA_PROC2_ENABLE_VMFUNC },
};

bool vxa_mut_activation(vxa_word w, vxa_word *parent, unsigned *bit)
{
    for (unsigned i = 0; i < sizeof activation / sizeof activation[0]; i++)
        if (activation[i].w == w) {
            *parent = activation[i].parent;
            *bit = activation[i].bit;
            return true;
        }
    return false;
}

bool vxa_mut_control_on(const vxa_mut_case *c, vxa_word w, unsigned bit, bool on)
{
    uint64_t must, may;
    if (!vxa_allowed(c->profile, w, &must, &may, NULL)) return false;
    if (on ? !(may >> bit & 1) : (must >> bit & 1)) return false;
    vxa_field f = (vxa_field)vxa_word_get(w)->field;
    uint64_t v = vxa_get(c->vmcs, f);
    vxa_set(c->vmcs, f, on ? v | 1ull << bit : v & ~(1ull << bit));
    return true;
}

void vxa_mut_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i));
}
