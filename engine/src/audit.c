/* audit.c — runs the check sections in the CPU's order and predicts the outcome (docs/outcome-model.md):
 * instruction checks (27.1) -> controls and host state (error 7/8, any order: a set) -> guest
 * state (exit 33; qualifications as a set) -> MSR loading (exit 34, first failing entry). */
#include "internal.h"

/* ---- helpers shared by the check files ---- */

uint64_t vxa_pa_mask(const vxa_ctx *c)
{
    unsigned w = c->p->maxphyaddr;
    if (vxa_profile_has(c->p, VXA_MSR_BASIC) && (msr(c, VXA_MSR_BASIC) & VXA_BASIC_32BIT_ADDR)) w = 32;
    return w >= 64 ? ~0ull : (1ull << w) - 1;
}

bool vxa_pa_ok(const vxa_ctx *c, uint64_t pa) { return (pa & ~vxa_pa_mask(c)) == 0; }

uint64_t vxa_canonical_fix(const vxa_ctx *c, uint64_t la)
{
    /* VM entry's canonical checks use the processor's maximum linear-address width (57 with
     * 5-level paging, whatever CR4.LA57); VXA_Q_CANONICAL_48_WITH_LA57: Bochs 3.0 uses 48 */
    bool la57 = c->p->linear_address_width == 57 && !quirk(c, VXA_Q_CANONICAL_48_WITH_LA57);
    unsigned sh = 64u - VXA_MUT_WIDTH(VXA_MB_CANONICAL_WIDTH, la57 ? 57u : 48u);
    return (uint64_t)((int64_t)(la << sh) >> sh);
}

bool vxa_canonical(const vxa_ctx *c, uint64_t la) { return vxa_canonical_fix(c, la) == la; }

int vxa_read(const vxa_ctx *c, uint64_t pa, void *buf, uint32_t len)
{
    uint8_t *b = buf;
    if (!c->mem || !c->mem->read) {
        for (uint32_t i = 0; i < len; i++) b[i] = 0;
        return 0;
    }
    return c->mem->read(c->mem->ctx, pa, buf, len);
}

uint64_t vxa_read_u64_le(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | b[i];
    return v;
}

static void probe_finish(vxa_ctx *c);

vxa_violation *vxa_fail(vxa_ctx *c, vxa_check id)
{
    vxa_report *r = c->r;
    bool unrecorded = VXA_MUT_UNRECORDED(id);   /* a mutant engine's: scratch, nothing recorded */
    if (unrecorded && c->probe && c->probe_pending) probe_finish(c);
    if (unrecorded) c->probe_pending = false;
    if (c->probe && !unrecorded) {   /* the probe records in scratch, judged at the next violation or the end */
        if (c->probe_pending) probe_finish(c);
        c->probe_pending = true;
        vxa_violation *v = &c->scratch;
        v->check = (uint16_t)id;
        v->nfields = v->nfix = 0;
        v->bits = v->must_be_1 = v->may_be_1 = v->aux = 0;
        v->has_allowed = false;
        v->qualification = v->index = 0;
        return v;
    }
    /* A full report counts the violation and hands out the context's scratch record. */
    vxa_violation *v = r->nviolations < VXA_MAX_VIOLATIONS && !unrecorded ? &r->violations[r->nviolations]
                                                                          : &c->scratch;
    if (r->nviolations < 0xffff && !unrecorded) r->nviolations++;
    v->check = (uint16_t)id;
    v->nfields = 0;
    v->nfix = 0;
    v->bits = 0;
    v->has_allowed = false;
    v->must_be_1 = v->may_be_1 = 0;
    v->qualification = 0;
    v->index = 0;
    v->aux = 0;
    return v;
}

void vxa_vfield(vxa_violation *v, vxa_field f, uint64_t value)
{
    if (v->nfields < VXA_VIOL_FIELDS) {
        v->field[v->nfields] = (uint16_t)f;
        v->value[v->nfields++] = value;
    }
}

void vxa_vfix(vxa_violation *v, vxa_field f, uint64_t value)
{
    for (unsigned i = 0; i < v->nfix; i++)
        if (v->fix_field[i] == f) { v->fix_value[i] = value; return; }
    if (v->nfix < VXA_VIOL_FIXES) {
        v->fix_field[v->nfix] = (uint16_t)f;
        v->fix_value[v->nfix++] = value;
    }
}

void vxa_vdepends(const vxa_ctx *c, vxa_violation *v, vxa_field f)
{
    if (vxa_not_captured(c, f)) vxa_vfield(v, f, 0);
}

void vxa_vallowed(vxa_violation *v, uint64_t must_be_1, uint64_t may_be_1)
{
    v->has_allowed = true;
    v->must_be_1 = must_be_1;
    v->may_be_1 = may_be_1;
}

static void undet_add(vxa_ctx *c, vxa_check id, vxa_undet_reason why, uint64_t aux);

void vxa_undet(vxa_ctx *c, vxa_check id, vxa_undet_reason why, uint64_t aux)
{
    if (!c->probe) undet_add(c, id, why, aux);   /* the probe decides nothing by itself */
}

void vxa_undet_nc(vxa_ctx *c, vxa_check id, vxa_field f)
{
    undet_add(c, id, VXA_UR_NOT_CAPTURED, f);
}

static void undet_add(vxa_ctx *c, vxa_check id, vxa_undet_reason why, uint64_t aux)
{
    vxa_report *r = c->r;
    if (VXA_MUT_UNRECORDED(id)) return;
    for (unsigned i = 0; i < r->nundetermined && i < VXA_MAX_UNDETERMINED; i++)
        if (r->undetermined[i].check == id) return;
    if (r->nundetermined < VXA_MAX_UNDETERMINED) {
        r->undetermined[r->nundetermined].check = (uint16_t)id;
        r->undetermined[r->nundetermined].reason = (uint8_t)why;
        r->undetermined[r->nundetermined].aux = aux;
    }
    if (r->nundetermined < 0xffff) r->nundetermined++;
}

uint64_t vxa_fv_tracked(const vxa_ctx *c, vxa_field f)
{
    c->reads[f >> 3] |= (uint8_t)(1u << (f & 7));
    if (c->probe && vxa_is_not_captured(c->v, f)) return vxa_field_mask(f);
    return c->v->value[f];   /* vxa_fv, out of line */
}


bool vxa_rule(vxa_ctx *c, vxa_check id, bool violated, vxa_field f, uint64_t bits, bool has_fix,
              uint64_t fix)
{
    if (c->reads) c->reads[f >> 3] |= (uint8_t)(1u << (f & 7));
    if (VXA_MUT_DISABLED(id)) violated = false;
    if (!violated) return false;
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, f, vxa_fv(c, f));
    v->bits = bits;
    if (has_fix) vxa_vfix(v, f, fix);
    return true;
}

/* IA32_S_CET reserved bits (SDM Vol. 1 ch. 18 "CET MSRs"; Vol. 3C 27.2.2 host, 27.3.1.1 guest):
 * 9:6 always; SH_STK_EN/WR_SHSTK_EN (1:0) without CPUID CET_SS; ENDBR_EN..SUPPRESS_DIS (5:2)
 * and 63:10 (SUPPRESS, TRACKER, legacy bitmap) without CPUID CET_IBT.  A feature the profile
 * does not state leaves its bits undetermined. */
#define S_CET_SHSTK_BITS 0x3ull
#define S_CET_IBT_BITS ((0xfull << 2) | ~0x3ffull)

void vxa_rule_s_cet(vxa_ctx *c, vxa_check id, vxa_field f)
{
    uint64_t s = vxa_fv(c, f);
    int ss = vxa_cpuid(c, VXA_CPUID_CET_SS), ibt = vxa_cpuid(c, VXA_CPUID_CET_IBT);
    uint64_t rsvd = VXA_MUT_MASK(VXA_MB_S_CET_RSVD, VXA_S_CET_RSVD | (ss == 0 ? S_CET_SHSTK_BITS : 0) |
                                                     (ibt == 0 ? S_CET_IBT_BITS : 0));
    if (vxa_rule(c, id, (s & rsvd) != 0, f, s & rsvd, true, s & ~rsvd)) return;
    if (ss < 0 && (s & S_CET_SHSTK_BITS))
        vxa_undet(c, id, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_CET_SS);
    else if (ibt < 0 && (s & S_CET_IBT_BITS))
        vxa_undet(c, id, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_CET_IBT);
}

void vxa_rule_perf_global_ctrl(vxa_ctx *c, vxa_check id, vxa_field f)
{
    uint64_t v = vxa_fv(c, f), exists, known;
    vxa_perf_global_ctrl_bits(c->p, &exists, &known);
    uint64_t bad = v & known & ~exists;
    if (vxa_rule(c, id, bad != 0, f, bad, true, v & ~bad)) return;
    if (v & ~known) vxa_undet(c, id, VXA_UR_PMU_UNKNOWN, v & ~known);
}

/* Records the two halves of an allowed-settings rule on `value`: id0 when a bit of must_be_1 is
 * 0, id1 when a bit outside may_be_1 is 1; both with the allowed values and one fix. */
static void allowed_halves(vxa_ctx *c, vxa_check id0, vxa_check id1, vxa_field f, uint64_t value,
                           uint64_t m1, uint64_t a1)
{
    uint64_t fix = (value & a1) | m1;
    if (m1 & ~value) {
        vxa_violation *v = vxa_fail(c, id0);
        vxa_vfield(v, f, value);
        v->bits = m1 & ~value;
        vxa_vallowed(v, m1, a1);
        vxa_vfix(v, f, fix);
    }
    if (value & ~a1) {
        vxa_violation *v = vxa_fail(c, id1);
        vxa_vfield(v, f, value);
        v->bits = value & ~a1;
        vxa_vallowed(v, m1, a1);
        vxa_vfix(v, f, fix);
    }
}

void vxa_rule_allowed(vxa_ctx *c, vxa_check id0, vxa_check id1, vxa_word w, vxa_field f,
                      uint64_t value)
{
    uint64_t m1, a1;
    unsigned missing;
    if (!vxa_allowed(c->p, w, &m1, &a1, &missing)) {
        vxa_undet(c, id0, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(missing));
        vxa_undet(c, id1, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(missing));
        return;
    }
    allowed_halves(c, id0, id1, f, value, m1, a1);
}

void vxa_rule_fixed(vxa_ctx *c, vxa_check id0, vxa_check id1, vxa_field f, unsigned fixed0,
                    unsigned fixed1, uint64_t exempt)
{
    bool h0 = has_msr(c, fixed0), h1 = has_msr(c, fixed1);
    if (!h0) vxa_undet(c, id0, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(fixed0));
    if (!h1) vxa_undet(c, id1, VXA_UR_MSR_MISSING, VXA_MSR_INDEX(fixed1));
    allowed_halves(c, id0, id1, f, vxa_fv(c, f), h0 ? msr(c, fixed0) & ~exempt : 0,
                   h1 ? msr(c, fixed1) | exempt : ~0ull);
}

int vxa_intel64(const vxa_ctx *c)
{
    int r = vxa_cpuid(c, VXA_CPUID_LM);
    /* IA32_VMX_BASIC[48] = 1 (32-bit addresses) is never reported by an Intel 64 processor. */
    if (r < 0 && has_msr(c, VXA_MSR_BASIC) && (msr(c, VXA_MSR_BASIC) & VXA_BASIC_32BIT_ADDR)) r = 0;
    return r;
}

int vxa_cpuid(const vxa_ctx *c, uint32_t feature)
{
    if (!(c->p->cpuid_known & feature)) return -1;
    return (c->p->cpuid & feature) ? 1 : 0;
}

vxa_violation *vxa_fail_answer(vxa_ctx *c, vxa_check id, vxa_result result, unsigned code)
{
    vxa_violation *v = vxa_fail(c, id);
    v->aux = VXA_ANSWER(result, code);
    return v;
}

void vxa_entry_init(vxa_entry *e)
{
    e->instruction = VXA_VMLAUNCH;
    e->launched = false;
    e->current_vmcs = true;
    e->current_vmcs_shadow = false;
    e->host_ia32e = true;
    e->mode = VXA_MODE_64BIT;
    e->vmx_operation = true;
    e->vmx_non_root = false;
    e->movss_blocking = false;
    e->cpl = 0;
    e->smm = false;
    e->has_current_vmcs_address = false;
    e->current_vmcs_address = 0;
    e->has_vmxon_address = false;
    e->vmxon_address = 0;
    e->feature_control = 0x5;
    e->cr0 = 0x80050033;
    e->cr4 = 0x2020;
}

/* ---- orchestration ---- */

static bool is_link(uint16_t check)
{
    return check >= VXA_C_GUEST_LINK_PTR_ALIGN && check <= VXA_C_GUEST_LINK_PTR_EXECUTIVE_VMCS;
}

static void add_qual(vxa_outcome *o, uint32_t q)
{
    for (unsigned i = 0; i < o->nqual; i++)
        if (o->qual[i] == q) return;
    if (o->nqual < VXA_MAX_SET) {
        unsigned i = o->nqual++;
        while (i > 0 && o->qual[i - 1] > q) { o->qual[i] = o->qual[i - 1]; i--; }
        o->qual[i] = q;
    }
}

/* With VXA_Q_LINK_PTR_BEFORE_NONREG: is v a 27.3.1.5 violation other than the link pointer's
 * while the link pointer also fails (so v is not the first failure the model reports)? */
static bool quirk_link_first(const vxa_ctx *c, const vxa_report *r, unsigned n, const vxa_violation *v)
{
    if (!vxa_model_has_quirk(c->model, VXA_Q_LINK_PTR_BEFORE_NONREG)) return false;
    /* deferred: the rest of 27.3.1.5, and RFLAGS.IF for an injected external interrupt (Bochs
     * checks event injection against the guest state after the link pointer) */
    bool deferred = !vxa_strcasecmp(vxa_check_get((vxa_check)v->check)->sdm, "27.3.1.5") ||
                    v->check == VXA_C_GUEST_RFLAGS_IF_EXTINT;
    if (!deferred || is_link(v->check)) return false;
    for (unsigned i = 0; i < n; i++)
        if (is_link(r->violations[i].check)) return true;
    return false;
}

static void predict(vxa_ctx *c)
{
    vxa_report *r = c->r;
    vxa_outcome *o = &r->outcome;
    bool first_only = vxa_model_has_quirk(c->model, VXA_Q_FIRST_FAILURE_ONLY);
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    bool ctrl = false, host = false, guest = false, msrload = false;
    const vxa_violation *first_answer = 0, *first_guest = 0, *first_msr = 0;
    uint8_t decided = VXA_CLASS_COUNT;

    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        switch (vxa_check_get((vxa_check)v->check)->cls) {
        case VXA_CLASS_VMXON:
        case VXA_CLASS_INSTRUCTION: if (!first_answer) first_answer = v; break;
        case VXA_CLASS_CONTROLS: ctrl = true; break;
        case VXA_CLASS_HOST: host = true; break;
        case VXA_CLASS_GUEST: guest = true; if (!first_guest) first_guest = v; break;
        case VXA_CLASS_MSRLOAD: msrload = true; if (!first_msr) first_msr = v; break;
        default: break;
        }
    }
    o->nerror = 0;
    o->nqual = 0;
    o->exit_reason = 0;
    o->vector = 0;
    if (first_answer) {
        o->result = (uint8_t)(first_answer->aux >> 8);
        unsigned code = (unsigned)(first_answer->aux & 0xff);
        if (o->result == VXA_VMFAIL_VALID) { o->nerror = 1; o->error[0] = (uint8_t)code; }
        if (o->result == VXA_FAULT) o->vector = (uint8_t)code;
        if (o->result == VXA_ENTRY_FAILURE) o->exit_reason = (uint8_t)code;   /* non-root exit */
        decided = VXA_CLASS_INSTRUCTION;
    } else if (ctrl || host) {
        o->result = VXA_VMFAIL_VALID;
        if (ctrl) o->error[o->nerror++] = 7;
        if (host && !(ctrl && first_only)) o->error[o->nerror++] = 8;
        decided = VXA_CLASS_HOST;
    } else if (guest) {
        o->result = VXA_ENTRY_FAILURE;
        o->exit_reason = 33;
        for (unsigned i = 0; i < n; i++) {
            const vxa_violation *v = &r->violations[i];
            if (vxa_check_get((vxa_check)v->check)->cls != VXA_CLASS_GUEST) continue;
            /* Model-only (VXA_Q_LINK_PTR_BEFORE_NONREG): a link-pointer failure precedes the
             * other 27.3.1.5 checks. */
            if (first_only && quirk_link_first(c, r, n, v)) continue;
            add_qual(o, v->qualification);
            if (first_only) break;
        }
        (void)first_guest;
        decided = VXA_CLASS_GUEST;
    } else if (msrload) {
        o->result = VXA_ENTRY_FAILURE;
        o->exit_reason = 34;
        add_qual(o, first_msr->index);
        decided = VXA_CLASS_MSRLOAD;
    } else {
        o->result = VXA_ENTERED;   /* VMXON: succeeded */
    }
    /* The prediction assumes that undetermined rules of the classes reached pass. */
    r->outcome_assumes_undetermined_pass = false;
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned i = 0; i < nu; i++) {
        uint8_t cls = vxa_check_get((vxa_check)r->undetermined[i].check)->cls;
        if (cls == VXA_CLASS_ADVISORY) continue;
        if (cls == VXA_CLASS_CONTROLS) cls = VXA_CLASS_HOST;   /* one class for the answer */
        if (cls <= decided) r->outcome_assumes_undetermined_pass = true;
    }
}

/* The field not captured that violation v names (its fields, then its fixes); VXA_F_NONE. */
static vxa_field names_not_captured(const vxa_ctx *c, const vxa_violation *v)
{
    for (unsigned k = 0; k < v->nfields && k < VXA_VIOL_FIELDS; k++)
        if (vxa_is_not_captured(c->v, (vxa_field)v->field[k])) return (vxa_field)v->field[k];
    for (unsigned k = 0; k < v->nfix && k < VXA_VIOL_FIXES; k++)
        if (vxa_is_not_captured(c->v, (vxa_field)v->fix_field[k])) return (vxa_field)v->fix_field[k];
    return VXA_F_NONE;
}

/* A field not captured has no value (docs/outcome-model.md): a violation found on the 0 it reads
 * as is no violation but an undetermined rule ("VMCS_LINK_POINTER not captured"), and takes no
 * part in the prediction. */
static void not_captured_undetermined(vxa_ctx *c)
{
    vxa_report *r = c->r;
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS, kept = 0;
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        vxa_field f = names_not_captured(c, v);
        if (f == VXA_F_NONE) {
            if (kept != i) r->violations[kept] = *v;
            kept++;
        } else {
            vxa_undet(c, (vxa_check)v->check, VXA_UR_NOT_CAPTURED, f);
        }
    }
    r->nviolations = (uint16_t)(r->nviolations - (n - kept));
}

/* The first field not captured that the rules read (VXA_F_NONE: none). */
static vxa_field first_not_captured_read(const vxa_ctx *c)
{
    for (unsigned i = 0; i < sizeof c->v->not_captured; i++) {
        uint8_t m = c->reads[i] & c->v->not_captured[i];
        for (unsigned b = 0; m && b < 8; b++)
            if ((m >> b) & 1u) return (vxa_field)(i * 8u + b);
    }
    return VXA_F_NONE;
}

/* The probe's violation in scratch: a rule that passed with the fields not captured read as 0
 * but fails with them all ones depends on them, so it is undetermined, naming the field not
 * captured it names, else the first one the rules read. */
static void probe_finish(vxa_ctx *c)
{
    const vxa_violation *s = &c->scratch;
    vxa_report *r = c->r;
    c->probe_pending = false;
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++)
        if (r->violations[i].check == s->check) return;   /* violated either way */
    vxa_field f = names_not_captured(c, s);
    if (f == VXA_F_NONE) f = first_not_captured_read(c);
    if (f != VXA_F_NONE) undet_add(c, (vxa_check)s->check, VXA_UR_NOT_CAPTURED, f);
}

static void run_sections(vxa_ctx *c);

/* Rules that pass on the 0 a field not captured reads as may fail on its real value: run them
 * again with every field not captured read as all ones, and make those that then fail
 * undetermined.  (A rule that passes on both is taken as passing: not proof for every value —
 * a canonical address is canonical as 0 and as all ones — which is why the prediction still
 * says it assumes the undetermined rules pass.) */
static void probe(vxa_ctx *c)
{
    c->probe = true;
    c->probe_pending = false;
    run_sections(c);
    if (c->probe_pending) probe_finish(c);
    c->probe = false;
}

/* The effective control words (SDM 25.6.2, 25.7.1) and the check sections, in the CPU's order. */
static void run_sections(vxa_ctx *c)
{
    c->pin = (uint32_t)FV(c, PIN_BASED_VM_EXEC_CONTROL);
    c->proc = (uint32_t)FV(c, CPU_BASED_VM_EXEC_CONTROL);
    c->proc2 = proc(c, VXA_PROC_ACTIVATE_SECONDARY) ? (uint32_t)FV(c, SECONDARY_VM_EXEC_CONTROL) : 0;
    c->proc3 = proc(c, VXA_PROC_ACTIVATE_TERTIARY) ? FV(c, TERTIARY_VM_EXEC_CONTROL) : 0;
    c->exit = (uint32_t)FV(c, VM_EXIT_CONTROLS);
    c->exit2 = exitc(c, VXA_EXIT_ACTIVATE_SECONDARY) ? FV(c, SECONDARY_VM_EXIT_CONTROLS) : 0;
    c->entry = (uint32_t)FV(c, VM_ENTRY_CONTROLS);
    if (c->e->instruction == VXA_VMXON) {
        vxa_checks_vmxon(c);
        return;
    }
    vxa_checks_instruction(c);
    vxa_checks_exec_controls(c);
    vxa_checks_exit_controls(c);
    vxa_checks_entry_controls(c);
    vxa_checks_host_regs(c);
    vxa_checks_host_segs(c);
    vxa_checks_host_addrsize(c);
    vxa_checks_guest_regs(c);
    vxa_checks_guest_segs(c);
    vxa_checks_guest_dtr(c);
    vxa_checks_guest_rip_rflags(c);
    vxa_checks_guest_nonreg(c);
    vxa_checks_guest_pdpte(c);
    vxa_checks_msr_load(c);
}

static void vmwrite_errors(vxa_ctx *c)
{
    vxa_report *r = c->r;
    bool ro_writable = has_msr(c, VXA_MSR_MISC) && (msr(c, VXA_MSR_MISC) >> 29 & 1u);  /* A.6 */
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        if (!vxa_is_set(c->v, (vxa_field)f)) continue;
        unsigned err = 0;
        if (vxa_field_exists(c->p, (vxa_field)f) == 0) err = 12;
        else if (vxa_field_get((vxa_field)f)->kind == VXA_KIND_RO && has_msr(c, VXA_MSR_MISC) &&
                 !ro_writable)
            err = 13;
        if (!err) continue;
        if (r->nvmwrite < VXA_MAX_VMWRITE) {
            r->vmwrite_field[r->nvmwrite] = (uint16_t)f;
            r->vmwrite_error[r->nvmwrite] = (uint8_t)err;
            r->nvmwrite++;
        }
    }
}

int vxa_audit(const vxa_input *in, vxa_report *out)
{
    if (!in || !out || !in->profile || !in->vmcs) return -1;
    vxa_entry defaults;
    vxa_ctx ctx;
    vxa_ctx *c = &ctx;
    if (!in->entry) vxa_entry_init(&defaults);
    c->p = in->profile;
    c->v = in->vmcs;
    c->e = in->entry ? in->entry : &defaults;
    c->mem = in->memory;
    c->r = out;
    c->model = in->model < VXA_MODEL_COUNT ? in->model : VXA_MODEL_SDM;
    c->reads = in->reads;
    /* Fields not captured or assumed: the rules' reads are tracked (in the caller's bitmap for
     * `check --lint`, else in the audit's own) to say which of them the rules read. */
    uint8_t any = 0;
    for (unsigned i = 0; i < sizeof in->vmcs->not_captured; i++)
        any |= in->vmcs->not_captured[i] | in->vmcs->assumed[i];
    c->track = any != 0;
    if (c->track && !c->reads) {
        for (unsigned i = 0; i < sizeof c->own_reads; i++) c->own_reads[i] = 0;
        c->reads = c->own_reads;
    }
    c->probe = c->probe_pending = false;
    out->nviolations = 0;
    out->nundetermined = 0;
    out->nvmwrite = 0;
    if (c->e->instruction != VXA_VMXON) vmwrite_errors(c);
    run_sections(c);
    if (c->track) not_captured_undetermined(c);
    if (c->track && first_not_captured_read(c) != VXA_F_NONE) probe(c);
    predict(c);
    for (unsigned i = 0; i < sizeof out->not_captured_read; i++)
        out->not_captured_read[i] = out->assumed_read[i] = 0;
    if (c->track) {
        uint8_t nc_read = 0;
        for (unsigned i = 0; i < sizeof out->not_captured_read; i++) {
            out->not_captured_read[i] = c->reads[i] & in->vmcs->not_captured[i];
            out->assumed_read[i] = c->reads[i] & in->vmcs->assumed[i];
            nc_read |= out->not_captured_read[i];
        }
        /* a rule that passed on a field not captured (as 0 and as all ones) is assumed to
         * pass */
        if (nc_read) out->outcome_assumes_undetermined_pass = true;
    }
    return 0;
}
