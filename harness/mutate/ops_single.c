/* ops_single.c — single-fault cases: a state one rule away from valid, the one rule chosen.
 * A VM entry reports one VM-instruction error or one exit for many failing checks of a class
 * (SDM 27.2: error 7 for any control check, error 8 for any host-state check; 27.3: exit 33 with
 * one qualification), so a case that breaks two rules of a class tells an oracle nothing about
 * either.  Each move sets up what the rule needs around it, repairs the rest (vxa_repair), makes
 * one fault, then keeps one violation: the fixes the engine gives for the others are applied
 * (never to a field the kept rule reads).  Setups:
 *   - a field that exists only with a control (fields.def GATE: the I/O bitmaps with "use I/O
 *     bitmaps", the VMREAD bitmap with "VMCS shadowing", the PDPTE fields with "enable EPT", ...):
 *     the control turned on with the controls that make its word exist, then a boundary value of
 *     the field's kind (boundary.c) or a boundary bit flipped;
 *   - the VM-exit MSR-store / MSR-load and VM-entry MSR-load areas, whose address rules apply
 *     when the count is not zero (27.2.1.2, 27.2.1.3): a count of 1-4, then the address's boundary;
 *   - a guest using PAE paging (CR0.PG = 1, CR4.PAE = 1, not IA-32e; 27.3.1.6), with EPT (the
 *     PDPTE fields) or without (the PDPTEs at CR3): one PDPTE given a reserved bit;
 *   - a named control turned on (the repair adds what it needs), then one control that may be 0
 *     cleared: a feature without one of its prerequisites (27.2.1.1);
 *   - a table of rules whose fault spans two or three fields (CR4.CET without CR0.WP, STI and
 *     MOV SS blocking together, CS type 3 with DPL 3 under "unrestricted guest", RTM pending
 *     debug exceptions under MOV SS blocking, ...);
 *   - one move of another operator (control, event, segment, field boundary, correlated) on the
 *     repaired layout;
 *   - a host outside IA-32e mode with a PAE guest (ops_host32.c): one rule of 27.2.4, HOST_SS
 *     null (27.2.3) or none.
 * Costs up to 8 repair rounds and 3 audits: the campaign generator's, not the fuzzer's (its
 * weight there is 0). */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

/* The address fields whose rules apply only with a count not zero, and that count (27.2.1.2-3) */
static const struct { vxa_field addr, count; } counted[] = {
    { VXA_F_VM_EXIT_MSR_STORE_ADDR, VXA_F_VM_EXIT_MSR_STORE_COUNT },
    { VXA_F_VM_EXIT_MSR_LOAD_ADDR, VXA_F_VM_EXIT_MSR_LOAD_COUNT },
    { VXA_F_VM_ENTRY_MSR_LOAD_ADDR, VXA_F_VM_ENTRY_MSR_LOAD_COUNT },
};

/* Rules whose one fault takes two or three fields at once (each alone is valid, or fails another
 * rule first): value = (old & ~clear) | set, after the fields' gating controls and the row's own
 * controls (up to two, with the controls that make their words exist) are on and the layout
 * repaired.  The rule each row is for, with its SDM section. */
#define NOF VXA_FIELD_COUNT
#define NOC { { 0, 0 } }, 0
static const struct recipe {
    vxa_field f[3];
    uint64_t set[3], clear[3];
    struct { uint8_t w, bit; } ctl[2];
    uint8_t nctl;
} recipes[] = {
    /* GUEST_CR4_CET_CR0_WP (27.3.1.1): CR4.CET = 1 needs CR0.WP = 1 */
    { { VXA_F_GUEST_CR4, VXA_F_GUEST_CR0, NOF }, { VXA_CR4_CET, 0, 0 }, { 0, VXA_CR0_WP, 0 }, NOC },
    /* HOST_CR4_CET_WP (27.2.2): likewise in the host-state area */
    { { VXA_F_HOST_CR4, VXA_F_HOST_CR0, NOF }, { VXA_CR4_CET, 0, 0 }, { 0, VXA_CR0_WP, 0 }, NOC },
    /* HOST_S_CET_SUPPRESS_TRACKER (27.2.2): IA32_S_CET bits 10 (SUPPRESS) and 11 (TRACKER) not both */
    { { VXA_F_HOST_S_CET, NOF, NOF }, { VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER, 0, 0 }, { 0, 0, 0 }, NOC },
    /* GUEST_INTR_STI_AND_MOVSS (27.3.1.5): blocking by STI and by MOV SS not both (IF = 1: STI
     * blocking with IF = 0 is another rule) */
    { { VXA_F_GUEST_INTERRUPTIBILITY_INFO, VXA_F_GUEST_RFLAGS, NOF }, { 3, VXA_RFLAGS_IF, 0 }, { ~0ull, 0, 0 }, NOC },
    /* GUEST_INTR_EXTINT_BLOCKING (27.3.1.5): an external interrupt (vector 0x20) injected under
     * blocking by STI, IF = 1 (injecting one needs it) */
    { { VXA_F_VM_ENTRY_INTR_INFO_FIELD, VXA_F_GUEST_INTERRUPTIBILITY_INFO, VXA_F_GUEST_RFLAGS },
      { VXA_INTR_INFO_VALID | 0x20, 1, VXA_RFLAGS_IF }, { ~0ull, ~0ull, 0 }, NOC },
    /* GUEST_ACTIVITY_HLT_SS_DPL (27.3.1.5): HLT with SS.DPL (the CPL) 3, SS.RPL agreeing */
    { { VXA_F_GUEST_ACTIVITY_STATE, VXA_F_GUEST_SS_AR_BYTES, VXA_F_GUEST_SS_SELECTOR },
      { 1, VXA_SEG_AR_DPL, 3 }, { ~0ull, 0, 0 }, NOC },
    /* GUEST_CS_AR_DPL_TYPE3 (27.3.1.2): CS type 3 (read/write accessed data, allowed with
     * "unrestricted guest", which needs "enable EPT") with DPL 3; SS.DPL 0 (the CPL: 27.3.1.2 wants
     * SS.DPL 0 with CS type 3, so only the CS rule fails) */
    { { VXA_F_GUEST_CS_AR_BYTES, VXA_F_GUEST_SS_AR_BYTES, NOF }, { 3 | VXA_SEG_AR_DPL, 0, 0 },
      { VXA_SEG_AR_TYPE | VXA_SEG_AR_DPL, VXA_SEG_AR_DPL, 0 },
      { { VXA_WORD_PROC2, VXA_PROC2_UNRESTRICTED_GUEST }, { VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT } }, 2 },
    /* GUEST_PENDING_DBG_RTM_MOVSS (27.3.1.5): pending debug exceptions RTM (bit 16) with bit 12
     * and nothing else (the RTM rule's own form: met, or undetermined where RTM support is not
     * known), under blocking by MOV SS alone, RFLAGS.TF 0 (no BS wanted) */
    { { VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, VXA_F_GUEST_INTERRUPTIBILITY_INFO, VXA_F_GUEST_RFLAGS },
      { 0x11000, 2, 0 }, { ~0ull, ~0ull, VXA_RFLAGS_TF }, NOC },
};

/* Can the setup turn gate word w on in this profile?  (BASIC and SEAM gates are not controls.) */
static bool gate_is_control(unsigned w)
{
    return w >= VXA_WORD_PIN && w < VXA_WORD_BASIC;
}

/* A writable field with a control gate that exists on the profile's CPU; VXA_FIELD_COUNT if none
 * is found in a few draws. */
static vxa_field pick_gated(vxa_mutator *m, const vxa_mut_case *c)
{
    for (unsigned tries = 0; tries < 64; tries++) {
        vxa_field f = (vxa_field)vxa_rng_below(&m->rng, VXA_FIELD_COUNT);
        const vxa_field_info *fi = vxa_field_get(f);
        if (fi->kind == VXA_KIND_RO || !gate_is_control(fi->gate_word[0])) continue;
        if (vxa_field_exists(c->profile, f) == 1) return f;
    }
    return VXA_FIELD_COUNT;
}

/* The fault on field f: a boundary value of its kind three times in four, else one bit flipped
 * (a boundary bit position of its kind where it has one). */
static void fault_on(vxa_mutator *m, vxa_mut_case *c, vxa_field f)
{
    uint64_t v = vxa_get(c->vmcs, f);
    if (vxa_rng_below(&m->rng, 4)) v = vxa_boundary_value(m, c, f);
    else v ^= 1ull << vxa_pick_bit(m, c, f);
    vxa_set(c->vmcs, f, v & vxa_field_mask(f));
}

/* Turns the gate of f on (either of its two gates: the first allowed) with the controls it needs
 * that the repair would not add (vxa_mut_prereqs: posted interrupts -> virtual-interrupt delivery
 * -> use TPR shadow, ...), true if it did. */
static bool gate_on(vxa_mutator *m, vxa_mut_case *c, vxa_field f)
{
    const vxa_field_info *fi = vxa_field_get(f);
    for (unsigned g = 0; g < 2; g++)
        if (gate_is_control(fi->gate_word[g]) && vxa_mut_enable(m, c, (vxa_word)fi->gate_word[g], fi->gate_bit[g])) {
            uint8_t need[8][2] = { { fi->gate_word[g], fi->gate_bit[g] } };
            unsigned n = vxa_mut_prereqs(c->profile, need, 8);
            for (unsigned i = 1; i < n; i++) vxa_mut_enable(m, c, (vxa_word)need[i][0], need[i][1]);
            return true;
        }
    return false;
}

/* A PAE guest (27.3.1.6 applies with CR0.PG = 1, CR4.PAE = 1, "IA-32e mode guest" = 0): 32-bit
 * code segment, EFER.LMA/LME clear; with EPT where the CPU allows it, half the time. */
static void pae_guest(vxa_mutator *m, vxa_mut_case *c, bool ept)
{
    vxa_vmcs *v = c->vmcs;
    vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, false);
    vxa_set(v, VXA_F_GUEST_IA32_EFER, vxa_get(v, VXA_F_GUEST_IA32_EFER) & ~(VXA_EFER_LMA | VXA_EFER_LME));
    vxa_set(v, VXA_F_GUEST_CR0, vxa_get(v, VXA_F_GUEST_CR0) | VXA_CR0_PG | VXA_CR0_PE);
    vxa_set(v, VXA_F_GUEST_CR4, (vxa_get(v, VXA_F_GUEST_CR4) | VXA_CR4_PAE) & ~(uint64_t)VXA_CR4_PCIDE);
    vxa_set(v, VXA_F_GUEST_CS_AR_BYTES, (vxa_get(v, VXA_F_GUEST_CS_AR_BYTES) & ~VXA_SEG_AR_L) | VXA_SEG_AR_DB);
    vxa_set(v, VXA_F_GUEST_RIP, vxa_get(v, VXA_F_GUEST_RIP) & 0xffffffffull);
    if (ept) vxa_mut_enable(m, c, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT);
    /* the PDPTEs themselves valid before the fault: present, pointing into the arena */
    uint8_t b[32];
    for (unsigned i = 0; i < 4; i++) vxa_mut_le(b + 8 * i, 0x41000ull + 0x1000ull * i + 1, 8);
    vxa_set(v, VXA_F_GUEST_CR3, 0x40000);     /* its own table: the 4-level tables stay as they are */
    c->put_mem(c->ctx, 0x40000, b, 32);
    static const vxa_field pdptr[4] = { VXA_F_GUEST_PDPTR0, VXA_F_GUEST_PDPTR1, VXA_F_GUEST_PDPTR2, VXA_F_GUEST_PDPTR3 };
    for (unsigned i = 0; i < 4; i++) vxa_set(v, pdptr[i], 0x41000ull + 0x1000ull * i + 1);
}

/* One PDPTE given one reserved bit (2:1, 8:5, or at/above MAXPHYADDR: Vol. 3A Table 4-8), or
 * its present bit cleared; in the VMCS with EPT, else at CR3. */
static void pdpte_fault(vxa_mutator *m, vxa_mut_case *c)
{
    static const vxa_field pdptr[4] = { VXA_F_GUEST_PDPTR0, VXA_F_GUEST_PDPTR1, VXA_F_GUEST_PDPTR2, VXA_F_GUEST_PDPTR3 };
    static const uint8_t low[] = { 1, 2, 5, 6, 7, 8, 0 };
    unsigned i = vxa_rng_below(&m->rng, 4), w = c->profile->maxphyaddr;
    unsigned bit = vxa_rng_below(&m->rng, 2) ? VXA_RNG_PICK(&m->rng, low) : w - 1 + vxa_rng_below(&m->rng, 3);
    uint64_t e = 0x41000ull + 0x1000ull * i + 1;
    if (bit < 64) e ^= 1ull << bit;
    bool ept = vxa_get(c->vmcs, VXA_F_SECONDARY_VM_EXEC_CONTROL) & 1ull << VXA_PROC2_ENABLE_EPT &&
               vxa_get(c->vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL) & 1ull << VXA_PROC_ACTIVATE_SECONDARY;
    if (ept) {
        vxa_set(c->vmcs, pdptr[i], e);
        return;
    }
    uint8_t b[8];
    vxa_mut_le(b, e, 8);
    c->put_mem(c->ctx, (vxa_get(c->vmcs, VXA_F_GUEST_CR3) & 0xffffffe0ull) + 8 * i, b, 8);
}

/* Clears one control bit that is set and may be 0 (A.3-A.5), other than w.bit, in a word that
 * exists: a control a feature turned on by the repair needs (27.2.1.1: virtual-interrupt delivery
 * needs external-interrupt exiting, PML and EPTP switching need EPT, ...). */
static void clear_one_control(vxa_mutator *m, vxa_mut_case *c, vxa_word w, unsigned bit)
{
    static const vxa_word words[] = { VXA_WORD_PIN, VXA_WORD_PROC, VXA_WORD_PROC2, VXA_WORD_EXIT, VXA_WORD_ENTRY };
    for (unsigned tries = 0; tries < 8; tries++) {
        vxa_word cw = VXA_RNG_PICK(&m->rng, words);
        vxa_field f = (vxa_field)vxa_word_get(cw)->field;
        uint64_t must, may, cur = vxa_get(c->vmcs, f);
        if (!vxa_allowed(c->profile, cw, &must, &may, NULL)) continue;
        uint64_t pool = cur & ~must & vxa_field_mask(f);
        if (cw == w) pool &= ~(1ull << bit);
        int b = vxa_pick_in(m, pool);
        if (b < 0) continue;
        vxa_set(c->vmcs, f, cur & ~(1ull << b));
        return;
    }
}

/* Keeps one violation: the engine's fixes for the others applied, up to three rounds, never to a
 * field the kept violation reads. */
void vxa_mut_keep_one(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_input in = { c->profile, c->vmcs, c->entry, &c->memory, c->model ? *c->model : m->model, NULL };
    int keep = -1;
    for (unsigned round = 0; round < 3; round++) {
        vxa_audit(&in, &m->report);
        const vxa_report *r = &m->report;
        unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS, k = n;
        if (n <= 1) return;
        if (keep < 0) keep = r->violations[vxa_rng_below(&m->rng, n)].check;
        for (unsigned i = 0; i < n; i++)
            if (r->violations[i].check == keep) { k = i; break; }
        if (k == n) return;
        const vxa_violation *kv = &r->violations[k];
        bool changed = false;
        for (unsigned i = 0; i < n; i++) {
            const vxa_violation *u = &r->violations[i];
            if (u->check == keep || !u->nfix) continue;
            bool clash = false;
            for (unsigned j = 0; j < u->nfix && !clash; j++)
                for (unsigned q = 0; q < kv->nfields && q < VXA_VIOL_FIELDS; q++)
                    clash |= u->fix_field[j] == kv->field[q];
            if (clash) continue;
            for (unsigned j = 0; j < u->nfix && j < VXA_VIOL_FIXES; j++) {
                vxa_field f = (vxa_field)u->fix_field[j];
                if (vxa_get(c->vmcs, f) != u->fix_value[j] || !vxa_is_set(c->vmcs, f)) changed = true;
                vxa_set(c->vmcs, f, u->fix_value[j]);
            }
        }
        if (!changed) return;
    }
}

bool vxa_op_single_fault_one(vxa_mutator *m, vxa_mut_case *c, vxa_single which)
{
    vxa_rng *r = &m->rng;
    switch (which) {
    case VXA_SINGLE_GATED_FIELD: {
        vxa_field f = pick_gated(m, c);
        if (f == VXA_FIELD_COUNT || !gate_on(m, c, f)) return false;
        vxa_mut_repair(m, c, 8);
        fault_on(m, c, f);
        break;
    }
    case VXA_SINGLE_COUNTED_AREA: {
        unsigned i = vxa_rng_below(r, sizeof counted / sizeof counted[0]);
        vxa_set(c->vmcs, counted[i].count, 1 + vxa_rng_below(r, 4));
        vxa_mut_repair(m, c, 8);
        if (!vxa_get(c->vmcs, counted[i].count)) return true;     /* the repair took the list away */
        fault_on(m, c, counted[i].addr);
        break;
    }
    case VXA_SINGLE_PAE_PDPTE:
        pae_guest(m, c, vxa_rng_below(r, 2));
        vxa_mut_repair(m, c, 8);
        pdpte_fault(m, c);
        break;
    case VXA_SINGLE_CONTROL_PAIR: {
        const vxa_control_info *ci = vxa_control_get(vxa_rng_below(r, VXA_CONTROL_COUNT));
        if (!ci->display || !vxa_mut_enable(m, c, (vxa_word)ci->word, ci->bit)) return false;
        vxa_mut_repair(m, c, 8);
        clear_one_control(m, c, (vxa_word)ci->word, ci->bit);
        break;
    }
    case VXA_SINGLE_HOST32:     /* a 32-bit guest (PAE, as above) under a 32-bit host */
        pae_guest(m, c, vxa_rng_below(r, 2));
        if (!vxa_mut_host32(m, c)) return false;
        break;
    case VXA_SINGLE_RECIPE: {
        const struct recipe *rc = &recipes[vxa_rng_below(r, sizeof recipes / sizeof recipes[0])];
        for (unsigned i = 0; i < 3 && rc->f[i] != NOF; i++)
            if (vxa_field_get(rc->f[i])->gate_word[0] != VXA_WORD_NONE && vxa_field_exists(c->profile, rc->f[i]) != 1)
                return false;
        for (unsigned i = 0; i < rc->nctl; i++)
            if (!vxa_mut_enable(m, c, (vxa_word)rc->ctl[i].w, rc->ctl[i].bit)) return false;
        for (unsigned i = 0; i < 3 && rc->f[i] != NOF; i++)
            if (gate_is_control(vxa_field_get(rc->f[i])->gate_word[0])) gate_on(m, c, rc->f[i]);
        vxa_mut_repair(m, c, 8);
        for (unsigned i = 0; i < 3 && rc->f[i] != NOF; i++)
            vxa_set(c->vmcs, rc->f[i], ((vxa_get(c->vmcs, rc->f[i]) & ~rc->clear[i]) | rc->set[i]) & vxa_field_mask(rc->f[i]));
        break;
    }
    default: {
        static const vxa_mut_op ops[] = { VXA_OP_CONTROL, VXA_OP_EVENT, VXA_OP_SEGMENT, VXA_OP_BOUNDARY,
                                          VXA_OP_FLIP, VXA_OP_CORRELATED };
        vxa_mut_repair(m, c, 8);
        vxa_mut_apply(m, c, VXA_RNG_PICK(r, ops));
    }
    }
    vxa_mut_keep_one(m, c);
    return true;
}

bool vxa_op_single_fault(vxa_mutator *m, vxa_mut_case *c)
{
    static const uint8_t mix[] = { VXA_SINGLE_GATED_FIELD, VXA_SINGLE_GATED_FIELD, VXA_SINGLE_GATED_FIELD,
                                   VXA_SINGLE_COUNTED_AREA, VXA_SINGLE_PAE_PDPTE, VXA_SINGLE_CONTROL_PAIR,
                                   VXA_SINGLE_RECIPE, VXA_SINGLE_OTHER_MOVE, VXA_SINGLE_OTHER_MOVE,
                                   VXA_SINGLE_OTHER_MOVE, VXA_SINGLE_HOST32 };
    return vxa_op_single_fault_one(m, c, (vxa_single)VXA_RNG_PICK(&m->rng, mix));
}
