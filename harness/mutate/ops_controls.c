/* ops_controls.c — control bits against the allowed settings (SDM 27.2.1.1-27.2.1.3, A.3-A.5),
 * features turned on or off with the layout repaired around them, and repair-then-flip: a state
 * one rule away from valid, the kind that reaches the deep checks. */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

/* The words the allowed-settings rules cover: PIN..ENTRY in controls.def. */
#define NCTL (VXA_WORD_ENTRY - VXA_WORD_PIN + 1)

bool vxa_op_control(vxa_mutator *m, vxa_mut_case *c, unsigned how)
{
    for (unsigned tries = 0; tries < 8; tries++) {
        vxa_word w = (vxa_word)(VXA_WORD_PIN + vxa_rng_below(&m->rng, NCTL));
        vxa_field f = (vxa_field)vxa_word_get(w)->field;
        uint64_t must, may;
        if (!vxa_allowed(c->profile, w, &must, &may, NULL)) continue;
        uint64_t cur = vxa_get(c->vmcs, f), width = vxa_field_mask(f), pool;
        switch (how) {
        case 0: pool = must & cur; break;
        case 1: pool = ~may & ~cur & width; break;
        case 2: pool = may & ~cur & ~must; break;
        default: pool = cur & ~must; break;
        }
        int b = vxa_pick_in(m, pool);
        if (b < 0) continue;
        vxa_set(c->vmcs, f, cur ^ 1ull << b);
        /* "activate secondary/tertiary controls" turned on makes that word matter: give it an
         * allowed value (27.2.1.1) */
        if (how == 2 && w == VXA_WORD_PROC && (b == VXA_PROC_ACTIVATE_SECONDARY || b == VXA_PROC_ACTIVATE_TERTIARY)) {
            vxa_word on = b == VXA_PROC_ACTIVATE_SECONDARY ? VXA_WORD_PROC2 : VXA_WORD_PROC3;
            if (vxa_allowed(c->profile, on, &must, &may, NULL))
                vxa_set(c->vmcs, (vxa_field)vxa_word_get(on)->field, must | (vxa_rng_next(&m->rng) & may));
        }
        return true;
    }
    return false;
}

bool vxa_mut_repair(vxa_mutator *m, vxa_mut_case *c, unsigned rounds)
{
    vxa_input in = { c->profile, c->vmcs, c->entry, &c->memory, c->model ? *c->model : m->model, NULL };
    vxa_repair_result res;
    bool clean = vxa_repair(&in, rounds, &m->scratch, &m->report, &res);
    *c->vmcs = m->scratch;
    return clean;
}

/* Makes bit of word w allowed-1 in the profile (A.3-A.5, A.11: the high half of a 32-bit word's
 * MSR and of its TRUE MSR; the bit itself in the 64-bit words). */
static void allow(vxa_profile *p, vxa_word w, unsigned bit)
{
    static const unsigned true_msr[][2] = { { VXA_WORD_PIN, VXA_MSR_TRUE_PINBASED_CTLS },
        { VXA_WORD_PROC, VXA_MSR_TRUE_PROCBASED_CTLS }, { VXA_WORD_EXIT, VXA_MSR_TRUE_EXIT_CTLS },
        { VXA_WORD_ENTRY, VXA_MSR_TRUE_ENTRY_CTLS } };
    unsigned msr = vxa_word_get(w)->msr;
    p->msr_present |= 1u << msr;
    if (w == VXA_WORD_PROC3 || w == VXA_WORD_EXIT2 || w == VXA_WORD_VMFUNC) {
        p->msr[msr] |= 1ull << bit;
        return;
    }
    p->msr[msr] |= 1ull << (bit + 32);
    for (unsigned i = 0; i < sizeof true_msr / sizeof true_msr[0]; i++)
        if (true_msr[i][0] == w && vxa_profile_has(p, true_msr[i][1])) p->msr[true_msr[i][1]] |= 1ull << (bit + 32);
}

/* Turns bit of word w on, with the controls that make w exist; where the profile does not allow
 * one and may change (the fuzzer's), it is made to. */
static bool enable(vxa_mutator *m, vxa_mut_case *c, vxa_word w, unsigned bit, unsigned depth)
{
    vxa_word parent;
    unsigned pbit;
    if (vxa_mut_activation(w, &parent, &pbit) && depth < 4 && !enable(m, c, parent, pbit, depth + 1))
        return false;
    uint64_t must, may;
    if (!vxa_allowed(c->profile, w, &must, &may, NULL) || !(may >> bit & 1)) {
        if (m->flags & VXA_MUT_FIXED_PROFILE) return false;
        allow(c->profile, w, bit);
    }
    vxa_field f = (vxa_field)vxa_word_get(w)->field;
    vxa_set(c->vmcs, f, vxa_get(c->vmcs, f) | 1ull << bit);
    return true;
}

bool vxa_mut_enable(vxa_mutator *m, vxa_mut_case *c, vxa_word w, unsigned bit)
{
    return enable(m, c, w, bit, 0);
}

bool vxa_op_feature(vxa_mutator *m, vxa_mut_case *c)
{
    if (vxa_rng_below(&m->rng, 2)) {
        /* a feature controls.def names (any word), on: the layout repaired around it */
        const vxa_control_info *ci = vxa_control_get(vxa_rng_below(&m->rng, VXA_CONTROL_COUNT));
        if (!ci->display || !enable(m, c, (vxa_word)ci->word, ci->bit, 0)) return false;
    } else if (!vxa_op_control(m, c, 2 + vxa_rng_below(&m->rng, 2))) {
        return false;
    }
    vxa_mut_repair(m, c, 8);
    return true;
}

bool vxa_op_repair_flip(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_op_control(m, c, 2);
    vxa_mut_repair(m, c, 8);
    /* the fields the rules read for the repaired layout */
    for (unsigned i = 0; i < sizeof m->scratch_reads; i++) m->scratch_reads[i] = 0;
    vxa_input in = { c->profile, c->vmcs, c->entry, &c->memory, c->model ? *c->model : m->model, m->scratch_reads };
    vxa_audit(&in, &m->report);
    if (vxa_rng_below(&m->rng, 5)) {
        const uint8_t *keep = m->reads;
        m->reads = m->scratch_reads;
        vxa_field f = vxa_pick_field(m, c, VXA_PICK_WRITABLE | VXA_PICK_READ | VXA_PICK_EXISTS);
        m->reads = keep;
        vxa_set(c->vmcs, f, vxa_get(c->vmcs, f) ^ 1ull << vxa_pick_bit(m, c, f));
    }
    return true;
}
