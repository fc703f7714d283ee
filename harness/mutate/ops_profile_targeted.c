/* ops_profile_targeted.c — the profile-mutation operator of the campaign generator's engine-only
 * mode (harness/diff/generator.c, vxa_generate_mutated; vxa-mutation-score's "mutated:" profile
 * sets): one or two features the CPU lacks made allowed (ops_profile.c, vxa_op_profile_feature),
 * the focus turned on with what it needs, and half the time one move one of its rules away.
 * Never for an oracle: no oracle CPU has the features it adds. */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

/* Controls a feature needs that repair does not turn on (it turns the feature off instead):
 * SDM 27.2.1.1 (virtual NMIs -> NMI exiting; NMI-window exiting -> virtual NMIs; virtualize x2APIC
 * mode, APIC-register virtualization, virtual-interrupt delivery, IPI virtualization -> use TPR
 * shadow; virtual-interrupt delivery -> external-interrupt exiting; process posted interrupts ->
 * virtual-interrupt delivery, acknowledge interrupt on exit; Intel PT uses guest physical
 * addresses -> enable EPT, load/clear IA32_RTIT_CTL), 27.2.1.2 (save VMX-preemption timer value
 * -> activate VMX-preemption timer). */
static const struct { uint8_t w, bit, need_w, need_bit; } prereq[] = {
    { VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS, VXA_WORD_PIN, VXA_PIN_NMI_EXITING },
    { VXA_WORD_PROC, VXA_PROC_NMI_WINDOW_EXITING, VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS },
    { VXA_WORD_PIN, VXA_PIN_POSTED_INTR, VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY },
    { VXA_WORD_PIN, VXA_PIN_POSTED_INTR, VXA_WORD_EXIT, VXA_EXIT_ACK_INTR_ON_EXIT },
    { VXA_WORD_PROC2, VXA_PROC2_VIRTUALIZE_X2APIC, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_APIC_REGISTER_VIRT, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY, VXA_WORD_PIN, VXA_PIN_EXT_INTR_EXITING },
    { VXA_WORD_PROC3, VXA_PROC3_IPI_VIRT, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_WORD_ENTRY, VXA_ENTRY_LOAD_RTIT_CTL },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_WORD_EXIT, VXA_EXIT_CLEAR_RTIT_CTL },
    { VXA_WORD_EXIT, VXA_EXIT_SAVE_PREEMPTION_TIMER, VXA_WORD_PIN, VXA_PIN_PREEMPTION_TIMER },
};

unsigned vxa_mut_prereqs(const vxa_profile *p, uint8_t need[][2], unsigned max)
{
    unsigned n = 1;
    for (unsigned j = 0; j < n; j++)
        for (size_t i = 0; i < sizeof prereq / sizeof prereq[0] && n < max; i++) {
            uint64_t must, may;
            if (prereq[i].w != need[j][0] || prereq[i].bit != need[j][1] ||
                !vxa_allowed(p, (vxa_word)prereq[i].need_w, &must, &may, NULL) || !(may >> prereq[i].need_bit & 1))
                continue;
            need[n][0] = prereq[i].need_w;
            need[n++][1] = prereq[i].need_bit;
        }
    return n;
}

/* Control bit w.bit on, and the controls that make its word exist (A.3.3, A.3.4, A.4.2, A.11:
 * vxa_mut_activation). */
static void control_on(vxa_mut_case *mc, vxa_word w, unsigned bit)
{
    do {
        vxa_field f = (vxa_field)vxa_word_get(w)->field;
        vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) | 1ull << bit);
    } while (vxa_mut_activation(w, &w, &bit));
}

/* One or two features the CPU lacks made allowed as a CPU with them reports them (vxa_op_profile_feature).
 * The focus, mostly the first of them (else any named control the profile now allows), is turned
 * on with the controls it needs and its CR4 bit and the layout repaired around it (as the fuzzer's "feature"
 * operator does).  Then, half the time, one move makes a state one of the focus's rules away from
 * valid and nothing else changes: a field it brings (its fields.def gate) at a boundary value or
 * one bit off, or one control it needs (the table above, or one repair turned on) cleared; else
 * the usual operators follow, the fields the rules now read preferred.  Either way the profile
 * stays as it now is.  Returns true in the first case. */
bool vxa_op_profile_targeted(vxa_mutator *m, vxa_mut_case *mc)
{
    vxa_word w = VXA_WORD_NONE;
    unsigned bit = 0, n = 1 + (vxa_rng_below(&m->rng, 4) == 0);
    for (unsigned k = 0; k < n; k++) {
        vxa_word wk;
        unsigned bk;
        if (!vxa_op_profile_feature(m, mc, &wk, &bk)) return false;
        if (!k) w = wk, bit = bk;
    }
    if (!vxa_rng_below(&m->rng, 3)) {   /* any named control the profile allows */
        const vxa_control_info *ci = vxa_control_get(vxa_rng_below(&m->rng, VXA_CONTROL_COUNT));
        uint64_t must, may;
        if (ci->display && vxa_allowed(mc->profile, (vxa_word)ci->word, &must, &may, NULL) && (may >> ci->bit & 1))
            w = (vxa_word)ci->word, bit = ci->bit;
    }
    control_on(mc, w, bit);
    /* the feature's state on too: its CR4 bit in the guest's CR4 (an entry control) or the host's */
    int cr4 = vxa_feature_cr4_bit(w, bit);
    if (cr4 >= 0 && (w == VXA_WORD_ENTRY || w == VXA_WORD_EXIT || w == VXA_WORD_EXIT2)) {
        vxa_field f = w == VXA_WORD_ENTRY ? VXA_F_GUEST_CR4 : VXA_F_HOST_CR4;
        vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) | 1ull << cr4);
    }
    /* the controls it needs, and those they need (the table's closure) */
    uint8_t need[8][2] = { { (uint8_t)w, (uint8_t)bit } };
    unsigned nneed = vxa_mut_prereqs(mc->profile, need, 8);
    for (unsigned j = 1; j < nneed; j++) control_on(mc, (vxa_word)need[j][0], need[j][1]);
    /* the control words before repair: the bits it turns on are controls the focus needs */
    static const vxa_word words[] = { VXA_WORD_PIN, VXA_WORD_PROC, VXA_WORD_PROC2, VXA_WORD_PROC3,
                                      VXA_WORD_EXIT, VXA_WORD_EXIT2, VXA_WORD_ENTRY };
    enum { NW = sizeof words / sizeof words[0] };
    uint64_t before[NW];
    for (unsigned i = 0; i < NW; i++) before[i] = vxa_get(mc->vmcs, (vxa_field)vxa_word_get(words[i])->field);
    vxa_mut_repair(m, mc, 8);
    for (unsigned i = 0; i < sizeof m->scratch_reads; i++) m->scratch_reads[i] = 0;
    vxa_input in = { mc->profile, mc->vmcs, mc->entry, &mc->memory, m->model, m->scratch_reads };
    vxa_audit(&in, &m->report);
    m->reads = m->scratch_reads;
    /* the moves one rule away: (field, bit) with bit < 0 for "a boundary value or one bit off" */
    struct { vxa_field f; int bit; } move[32];   /* bit -2..-4: FRED's moves (below) */
    unsigned nm = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT && nm < 16; f++) {
        const vxa_field_info *fi = vxa_field_get((vxa_field)f);
        if ((fi->gate_word[0] == w && fi->gate_bit[0] == bit) || (fi->gate_word[1] == w && fi->gate_bit[1] == bit))
            move[nm].f = (vxa_field)f, move[nm++].bit = -1;
    }
    for (unsigned i = 0; i < NW && nm < 32; i++) {
        vxa_field f = (vxa_field)vxa_word_get(words[i])->field;
        uint64_t now = vxa_get(mc->vmcs, f), on = now & ~before[i];
        for (unsigned j = 1; j < nneed; j++)
            if (need[j][0] == words[i]) on |= now & 1ull << need[j][1];
        for (int b = 0; b < 64 && nm < 32; b++)
            if (on >> b & 1) move[nm].f = f, move[nm++].bit = b;
    }
    /* FRED's state in the guest (CR4.FRED): an event with the nested-exception bit and another
     * type (27.2.1.3), the guest at CPL 1, 2 or 3 with SS.DPL, CS.DPL and their RPLs agreeing
     * (27.3.1.2: SS.DPL 0 or 3), at CPL 3 with blocking by STI (27.3.1.5) */
    if (cr4 == 32 && w == VXA_WORD_ENTRY)
        for (int kind = -2; kind >= -4 && nm < 32; kind--) move[nm].f = VXA_F_GUEST_CR4, move[nm++].bit = kind;
    if (!nm || vxa_rng_below(&m->rng, 2)) return false;
    unsigned k = vxa_rng_below(&m->rng, nm);
    vxa_field f = move[k].f;
    if (move[k].bit == -2) {
        static const uint64_t other[] = { (uint64_t)VXA_INTR_TYPE_EXT_INTR << VXA_INTR_INFO_TYPE_SHIFT | 32,
                                          (uint64_t)VXA_INTR_TYPE_NMI << VXA_INTR_INFO_TYPE_SHIFT | 2 };
        vxa_set(mc->vmcs, VXA_F_VM_ENTRY_INTR_INFO_FIELD,
                VXA_INTR_INFO_VALID | VXA_INTR_INFO_FRED_NESTED | VXA_RNG_PICK(&m->rng, other));
    } else if (move[k].bit <= -3) {
        unsigned cpl = move[k].bit == -4 ? 3 : 1 + vxa_rng_below(&m->rng, 3);
        static const vxa_field ar[] = { VXA_F_GUEST_CS_AR_BYTES, VXA_F_GUEST_SS_AR_BYTES },
                               sel[] = { VXA_F_GUEST_CS_SELECTOR, VXA_F_GUEST_SS_SELECTOR };
        for (unsigned i = 0; i < 2; i++) {
            vxa_set(mc->vmcs, ar[i], (vxa_get(mc->vmcs, ar[i]) & ~VXA_SEG_AR_DPL) | (uint64_t)cpl << 5);
            vxa_set(mc->vmcs, sel[i], (vxa_get(mc->vmcs, sel[i]) & ~3ull) | cpl);
        }
        if (move[k].bit == -4) {
            vxa_set(mc->vmcs, VXA_F_GUEST_RFLAGS, vxa_get(mc->vmcs, VXA_F_GUEST_RFLAGS) | VXA_RFLAGS_IF);
            vxa_set(mc->vmcs, VXA_F_GUEST_INTERRUPTIBILITY_INFO, vxa_get(mc->vmcs, VXA_F_GUEST_INTERRUPTIBILITY_INFO) | 1);
        }
    } else if (move[k].bit >= 0) vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) & ~(1ull << move[k].bit));
    else if (vxa_rng_below(&m->rng, 2)) vxa_set(mc->vmcs, f, vxa_boundary_value(m, mc, f));
    else vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) ^ 1ull << vxa_pick_bit(m, mc, f));
    return true;
}
