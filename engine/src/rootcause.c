/* rootcause.c — the smallest set of field changes that makes a failing layout enter, from the
 * rules and the profile alone.  One mistake often violates many rules: RFLAGS.VM = 1 in a
 * 64-bit guest breaks RFLAGS.VM's own rule (SDM 27.3.1.4) and turns on the virtual-8086 segment
 * rules (27.3.1.2), 18 more; changing GUEST_RFLAGS alone removes all 19.
 *
 * A candidate set S is tried by fix_within(): audit, apply the violated rules' fixes to the
 * fields of S only, audit again, until the layout audits clean or no fix applies.  Candidate
 * fields are the ones the violated rules read or fix.  The search: each candidate alone (its
 * fixes; then each of its bits flipped, then its fixes: this undoes a control bit or a flag that
 * no rule offers to fix), then pairs, then the full repair minimised field by field. */
#include "internal.h"

#define FB ((VXA_FIELD_COUNT + 7) / 8)
#define MAX_CAND 48        /* candidate fields kept, in CPU order */
#define PAIR_CAND 24       /* pairs are searched among the first ones */
#define ROUNDS 8           /* fix rounds per candidate set */

typedef struct rc_search {
    const vxa_vmcs *orig;
    vxa_root_cause *rc;
    vxa_input cur;                /* the input with the layout being tried (rc->work.vmcs) */
    uint16_t cand[MAX_CAND];
    uint8_t reads[MAX_CAND];      /* how many violated rules read or fix the candidate */
    unsigned ncand;
} rc_search;

static unsigned rc_popcount(uint64_t x)   /* not __builtin_popcountll, which may need libgcc */
{
    unsigned n = 0;
    for (; x; x &= x - 1) n++;
    return n;
}
static bool rc_has(const uint8_t *m, unsigned f) { return (m[f >> 3] >> (f & 7)) & 1u; }
static void rc_add(uint8_t *m, unsigned f) { m[f >> 3] |= (uint8_t)(1u << (f & 7)); }
static unsigned rc_nviol(const vxa_report *r)
{
    return r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
}
static bool rc_vmcs_class(const vxa_violation *v)
{
    uint8_t cls = vxa_check_get((vxa_check)v->check)->cls;
    return cls >= VXA_CLASS_CONTROLS && cls <= VXA_CLASS_MSRLOAD;
}

bool vxa_vmcs_violated(const vxa_report *r)
{
    for (unsigned i = 0; i < rc_nviol(r); i++)
        if (rc_vmcs_class(&r->violations[i])) return true;
    return r->nviolations > VXA_MAX_VIOLATIONS;
}

static bool rc_differs(const vxa_vmcs *a, const vxa_vmcs *b, unsigned f)
{
    return a->value[f] != b->value[f] || rc_has(a->set, f) != rc_has(b->set, f);
}

/* Audits rc->work.vmcs and applies the fixes that name fields in `allowed` (NULL: any field),
 * round by round (per field the first violation's fix, in CPU order, as vxa_repair does).
 * True when the layout audits clean. */
static bool fix_within(rc_search *s, const uint8_t *allowed)
{
    vxa_vmcs *w = &s->rc->work.vmcs;
    const vxa_report *r = &s->rc->work.report;
    for (unsigned round = 0;; round++) {
        if (s->rc->naudits >= VXA_ROOT_MAX_AUDITS) return false;
        s->rc->naudits++;
        vxa_audit(&s->cur, &s->rc->work.report);
        if (!vxa_vmcs_violated(r)) return true;
        if (round == ROUNDS) return false;
        uint8_t touched[FB] = { 0 };
        bool progress = false;
        for (unsigned i = 0; i < rc_nviol(r); i++) {
            const vxa_violation *v = &r->violations[i];
            for (unsigned k = 0; k < v->nfix; k++) {
                unsigned f = v->fix_field[k];
                if ((allowed && !rc_has(allowed, f)) || rc_has(touched, f)) continue;
                rc_add(touched, f);
                if (vxa_is_set(w, (vxa_field)f) && w->value[f] == v->fix_value[k]) continue;
                vxa_set(w, (vxa_field)f, v->fix_value[k]);
                progress = true;
            }
        }
        if (!progress) return false;
    }
}

/* The changed fields of the clean work layout as a set; false if more than VXA_ROOT_FIELDS. */
static bool rc_take(const rc_search *s, vxa_root_set *out)
{
    out->n = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        if (!rc_differs(s->orig, &s->rc->work.vmcs, f)) continue;
        if (out->n == VXA_ROOT_FIELDS) return false;
        out->field[out->n] = (uint16_t)f;
        out->value[out->n++] = s->rc->work.vmcs.value[f];
    }
    return out->n > 0;
}

/* Ranking of equally small sets: the fields more violated rules read first (the shared cause
 * is what the consequences have in common), then the fewest changed bits. */
static unsigned rc_reads(const rc_search *s, const vxa_root_set *set)
{
    unsigned n = 0;
    for (unsigned i = 0; i < set->n; i++)
        for (unsigned c = 0; c < s->ncand; c++)
            if (s->cand[c] == set->field[i]) n += s->reads[c];
    return n;
}
static unsigned rc_bits(const rc_search *s, const vxa_root_set *set)
{
    unsigned n = 0;
    for (unsigned i = 0; i < set->n; i++)
        n += (unsigned)rc_popcount(set->value[i] ^ s->orig->value[set->field[i]]);
    return n;
}
static bool rc_better(const rc_search *s, const vxa_root_set *a, const vxa_root_set *b)
{
    unsigned ra = rc_reads(s, a), rb = rc_reads(s, b);
    if (ra != rb) return ra > rb;
    return rc_bits(s, a) < rc_bits(s, b);
}

/* Keeps a found set of the current smallest size, ranked; drops duplicates by field set. */
static void rc_keep(rc_search *s, const vxa_root_set *set)
{
    vxa_root_cause *rc = s->rc;
    for (unsigned i = 0; i < rc->nsets; i++) {
        bool same = rc->set[i].n == set->n;
        for (unsigned k = 0; same && k < set->n; k++) same = rc->set[i].field[k] == set->field[k];
        if (same) return;
    }
    unsigned at = rc->nsets;
    while (at > 0 && rc_better(s, set, &rc->set[at - 1])) at--;
    if (at >= VXA_ROOT_SETS) return;
    unsigned last = rc->nsets < VXA_ROOT_SETS ? rc->nsets : VXA_ROOT_SETS - 1;
    for (unsigned i = last; i > at; i--) rc->set[i] = rc->set[i - 1];
    rc->set[at] = *set;
    if (rc->nsets < VXA_ROOT_SETS) rc->nsets++;
    rc->found = true;
}

/* Tries the set `fields` (n of them) from the original layout, the first one changed to
 * `first` when flip is set; keeps the result when it is clean and changes only those fields. */
static void rc_try(rc_search *s, const uint16_t *fields, unsigned n, bool flip, uint64_t first)
{
    uint8_t allowed[FB] = { 0 };
    for (unsigned i = 0; i < n; i++) rc_add(allowed, fields[i]);
    s->rc->work.vmcs = *s->orig;
    if (flip) vxa_set(&s->rc->work.vmcs, (vxa_field)fields[0], first);
    vxa_root_set set;
    if (fix_within(s, allowed) && rc_take(s, &set) && set.n == n) rc_keep(s, &set);
}

/* How far the work layout is from entering: its control, host, guest and MSR-load violations,
 * then their offending bits (a selector RPL that differs from SS's in one bit, not two). */
static unsigned rc_score(const vxa_report *r)
{
    unsigned n = 0;
    for (unsigned i = 0; i < rc_nviol(r); i++)
        if (rc_vmcs_class(&r->violations[i])) n += 128 + (unsigned)rc_popcount(r->violations[i].bits);
    return n + 128 * (r->nviolations > VXA_MAX_VIOLATIONS ? (unsigned)r->nviolations - VXA_MAX_VIOLATIONS : 0u);
}

/* One field, when neither its fixes nor one flipped bit suffice (a random value in a control
 * word turns on several features; a selector's RPL is two bits): a descent that flips, one at a
 * time, the bit that leaves the fewest violations after the field's fixes, while that number
 * falls.  Bounded by the field's width times DESCENT_STEPS audits. */
#define DESCENT_STEPS 12
static void rc_descend(rc_search *s, unsigned c)
{
    uint16_t f = s->cand[c];
    uint64_t mask = vxa_field_mask((vxa_field)f), base = s->orig->value[f];
    uint8_t allowed[FB] = { 0 };
    rc_add(allowed, f);
    s->rc->work.vmcs = *s->orig;
    if (fix_within(s, allowed)) return;   /* found by the first phase already */
    unsigned best = rc_score(&s->rc->work.report);
    base = s->rc->work.vmcs.value[f];
    for (unsigned step = 0; step < DESCENT_STEPS; step++) {
        uint64_t next = base;
        for (unsigned b = 0; b < 64; b++) {
            if (!((mask >> b) & 1u)) continue;
            s->rc->work.vmcs = *s->orig;
            vxa_set(&s->rc->work.vmcs, (vxa_field)f, base ^ (1ull << b));
            vxa_root_set set;
            if (fix_within(s, allowed)) {
                if (rc_take(s, &set) && set.n == 1) rc_keep(s, &set);
                return;
            }
            unsigned sc = rc_score(&s->rc->work.report);
            if (sc < best) { best = sc; next = s->rc->work.vmcs.value[f]; }
        }
        if (next == base) return;
        base = next;
    }
}

static void rc_candidates(rc_search *s, const vxa_report *r)
{
    s->ncand = 0;
    for (unsigned i = 0; i < rc_nviol(r); i++) {
        const vxa_violation *v = &r->violations[i];
        if (!rc_vmcs_class(v)) continue;
        uint16_t named[VXA_VIOL_FIELDS + VXA_VIOL_FIXES];
        unsigned nn = 0;
        for (unsigned k = 0; k < v->nfields; k++) named[nn++] = v->field[k];
        for (unsigned k = 0; k < v->nfix; k++) named[nn++] = v->fix_field[k];
        for (unsigned k = 0; k < nn; k++) {
            bool dup = false;
            for (unsigned j = 0; j < k; j++) dup |= named[j] == named[k];
            if (dup || named[k] >= VXA_FIELD_COUNT) continue;
            unsigned c = 0;
            while (c < s->ncand && s->cand[c] != named[k]) c++;
            if (c == s->ncand) {
                if (s->ncand == MAX_CAND) continue;
                s->cand[s->ncand] = named[k];
                s->reads[s->ncand++] = 0;
            }
            if (s->reads[c] < 255) s->reads[c]++;
        }
    }
}

/* The gates: fields whose bits turn rules on and off (the VM-execution, VM-exit and VM-entry
 * controls, SDM 27.2.1; RFLAGS.VM, CR0.PE/PG and CR4.PAE for the guest rules, 27.3.1).  A rule
 * they enable names the fields it checks, not always the gate: "use TPR shadow" = 1 makes the
 * virtual-APIC address rules fail without naming CPU_BASED_VM_EXEC_CONTROL.  They are candidates
 * after the named fields. */
static const uint16_t rc_gates[] = {
    VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_F_CPU_BASED_VM_EXEC_CONTROL, VXA_F_SECONDARY_VM_EXEC_CONTROL,
    VXA_F_TERTIARY_VM_EXEC_CONTROL, VXA_F_VM_EXIT_CONTROLS, VXA_F_SECONDARY_VM_EXIT_CONTROLS,
    VXA_F_VM_ENTRY_CONTROLS, VXA_F_GUEST_RFLAGS, VXA_F_GUEST_CR0, VXA_F_GUEST_CR4 };

static void rc_add_gates(rc_search *s)
{
    for (unsigned g = 0; g < sizeof rc_gates / sizeof rc_gates[0] && s->ncand < MAX_CAND; g++) {
        unsigned c = 0;
        while (c < s->ncand && s->cand[c] != rc_gates[g]) c++;
        if (c < s->ncand) continue;
        s->cand[s->ncand] = rc_gates[g];
        s->reads[s->ncand++] = 0;
    }
}

bool vxa_root_cause_find(const vxa_input *in, vxa_root_cause *rc)
{
    rc->found = rc->smallest = false;
    rc->nsets = 0;
    rc->naudits = 0;
    if (!in || !in->vmcs || !in->profile) return false;
    rc_search s = { .orig = in->vmcs, .rc = rc, .cur = *in };
    s.cur.vmcs = &rc->work.vmcs;
    s.cur.reads = NULL;
    rc->work.vmcs = *in->vmcs;
    rc->naudits++;
    vxa_audit(&s.cur, &rc->work.report);
    if (!vxa_vmcs_violated(&rc->work.report)) return false;
    rc_candidates(&s, &rc->work.report);
    rc_add_gates(&s);

    /* One field: its fixes; then each bit of it flipped, then its fixes. */
    for (unsigned c = 0; c < s.ncand; c++) rc_try(&s, &s.cand[c], 1, false, 0);
    for (unsigned c = 0; c < s.ncand; c++) {
        uint64_t mask = vxa_field_mask((vxa_field)s.cand[c]), v = in->vmcs->value[s.cand[c]];
        /* a control word: only the bits the profile lets either way (SDM A.3-A.5) */
        vxa_word w = vxa_field_control_word((vxa_field)s.cand[c]);
        uint64_t m1, may1;
        unsigned missing;
        if (w != VXA_WORD_NONE && vxa_allowed(in->profile, w, &m1, &may1, &missing)) mask &= may1 & ~m1;
        bool done = false;
        for (unsigned i = 0; i < rc->nsets; i++) done |= rc->set[i].field[0] == s.cand[c];
        for (unsigned b = 0; b < 64 && !done; b++) {
            if (!((mask >> b) & 1u)) continue;
            unsigned before = rc->nsets;
            rc_try(&s, &s.cand[c], 1, true, v ^ (1ull << b));
            done = rc->nsets != before;
        }
    }
    if (!rc->found)
        for (unsigned c = 0; c < s.ncand; c++) rc_descend(&s, c);
    if (rc->found) { rc->smallest = true; return true; }

    /* Two fields: their fixes. */
    unsigned np = s.ncand < PAIR_CAND ? s.ncand : PAIR_CAND;
    for (unsigned a = 0; a < np; a++)
        for (unsigned b = a + 1; b < np; b++) {
            uint16_t pair[2] = { s.cand[a], s.cand[b] };
            if (pair[0] > pair[1]) { pair[0] = s.cand[b]; pair[1] = s.cand[a]; }
            rc_try(&s, pair, 2, false, 0);
        }
    if (rc->found) { rc->smallest = np == s.ncand; return true; }

    /* Every field: the repair, then drop each changed field the others' fixes can do without
     * (the least-read first).  A small set, not proven the smallest. */
    rc->work.vmcs = *in->vmcs;
    vxa_root_set set;
    if (!fix_within(&s, NULL) || !rc_take(&s, &set)) return false;
    uint8_t keep[FB] = { 0 };
    for (unsigned i = 0; i < set.n; i++) rc_add(keep, set.field[i]);
    uint8_t tried[FB] = { 0 };
    for (unsigned pass = 0; pass < set.n; pass++) {
        unsigned drop = VXA_FIELD_COUNT, least = 256;
        for (unsigned i = 0; i < set.n; i++) {
            unsigned f = set.field[i], r = 0;
            if (!rc_has(keep, f) || rc_has(tried, f)) continue;
            for (unsigned c = 0; c < s.ncand; c++) if (s.cand[c] == f) r = s.reads[c];
            if (r < least) { least = r; drop = f; }
        }
        if (drop == VXA_FIELD_COUNT) break;
        rc_add(tried, drop);
        keep[drop >> 3] &= (uint8_t)~(1u << (drop & 7));
        rc->work.vmcs = *in->vmcs;
        if (!fix_within(&s, keep)) rc_add(keep, drop);
    }
    rc->work.vmcs = *in->vmcs;
    if (!fix_within(&s, keep) || !rc_take(&s, &set)) return false;
    rc_keep(&s, &set);
    return rc->found;
}

bool vxa_root_set_names(const vxa_root_set *s, const vxa_violation *v)
{
    for (unsigned i = 0; i < s->n; i++) {
        if (v->nfields && v->field[0] == s->field[i]) return true;
        for (unsigned k = 0; k < v->nfix; k++)
            if (v->fix_field[k] == s->field[i]) return true;
    }
    return false;
}

bool vxa_repair_minimal(const vxa_input *in, vxa_root_cause *rc, vxa_vmcs *out, vxa_report *report,
                        vxa_repair_result *res)
{
    if (!vxa_root_cause_find(in, rc)) return vxa_repair(in, 32, out, report, res);
    vxa_input cur = *in;
    *out = *in->vmcs;
    cur.vmcs = out;
    res->rounds = 1;
    res->nchanged = 0;
    for (unsigned i = 0; i < sizeof res->changed; i++) res->changed[i] = 0;
    for (unsigned i = 0; i < rc->set[0].n; i++) {
        unsigned f = rc->set[0].field[i];
        vxa_set(out, (vxa_field)f, rc->set[0].value[i]);
        rc_add(res->changed, f);
        res->nchanged++;
    }
    vxa_audit(&cur, report);
    res->clean = !vxa_vmcs_violated(report);
    return res->clean;
}
