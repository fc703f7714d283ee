/* report_text.c — the report for people: grouped by class, each violation with its field and
 * value, the offending bits by name, the allowed values and a fix ready to paste. */
#include "codec_internal.h"

/* ANSI colours where the caller asks for them (a `colour` in scope). */
#define SGR(code) (colour ? "\033[" code "m" : "")
#define C_RESET SGR("0")
#define C_BOLD SGR("1")
#define C_RED SGR("31")
#define C_GREEN SGR("32")
#define C_YELLOW SGR("33")
#define C_DIM SGR("2")

/* Why a violation the CPU did not report is still listed (SDM 27.2-27.4 order). */
static const char *inconsistent_why(const vxa_observed *o, const vxa_violation *v)
{
    unsigned cls = vxa_check_get((vxa_check)v->check)->cls;
    bool early = o->what == 7 || o->what == 8;
    if (early && (cls == VXA_CLASS_CONTROLS || cls == VXA_CLASS_HOST))
        return "a real violation too: the CPU checks controls and host state in any order "
               "(SDM 27.2) and reported the other one";
    if (early && cls >= VXA_CLASS_GUEST)
        return "checked only after the controls and host state pass: fix the culprits first";
    if (o->what == 33 && cls == VXA_CLASS_GUEST)
        return "another guest-state rule (different exit qualification): real, but not the one "
               "the CPU reported";
    if (o->what == 33 && cls == VXA_CLASS_MSRLOAD)
        return "MSR loading comes after the guest-state checks (SDM 27.4)";
    if (o->what == 34 && cls == VXA_CLASS_MSRLOAD)
        return "a later MSR-load entry: the CPU stops at the first bad one";
    return "contradicts what the CPU reported (it passed this class of checks): the profile or "
           "the layout may not be what the CPU ran";
}

/* What bit b of the violation's first field must be, from the allowed settings or the fix;
 * NULL when the rule is about the bits together (a Type field, a limit). */
static const char *bit_requirement(const vxa_violation *v, unsigned b)
{
    uint64_t m = 1ull << b;
    if (v->has_allowed) {
        if (v->must_be_1 & m) return "must be 1";
        if (!(v->may_be_1 & m)) return "must be 0";
    }
    for (unsigned k = 0; k < v->nfix; k++)
        if (v->fix_field[k] == v->field[0] && ((v->fix_value[k] ^ v->value[0]) & m))
            return v->fix_value[k] & m ? "must be 1" : "must be 0";
    return NULL;
}

/* An MSR-load violation: the entry (SDM 27.4: 16 bytes at VM_ENTRY_MSR_LOAD_ADDR + 16 x (i - 1))
 * with its value from the case's memory, and the offending bits, which are bits of that value
 * (not of the count or address fields the rule names). */
static void print_msrload_entry(FILE *out, const vxa_case *c, const vxa_violation *v)
{
    uint64_t addr = vxa_get(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR) + 16ull * (v->index - 1);
    uint8_t b[8];
    vxa_memory mem = vxa_case_memory(c);
    bool have = v->index && !mem.read(mem.ctx, addr + 8, b, 8);
    uint64_t value = 0;
    for (unsigned i = 0; have && i < 8; i++) value |= (uint64_t)b[i] << (8 * i);
    fprintf(out, "    MSR-load entry %u (at 0x%llx): MSR 0x%llx", v->index, (unsigned long long)addr,
            (unsigned long long)v->aux);
    if (have) fprintf(out, ", value 0x%llx", (unsigned long long)value);
    fprintf(out, "\n");
    if (!v->bits) return;
    bool efer = v->aux == 0xc0000080u;   /* IA32_EFER: bits named as GUEST_IA32_EFER's */
    unsigned nbits = (unsigned)__builtin_popcountll(v->bits);
    fprintf(out, "    offending bit%s of the entry's %s:", nbits > 1 ? "s" : "",
            v->check == VXA_C_MSRLOAD_RESERVED ? "bits 63:32 (reserved)" : "value");
    unsigned k = 0;
    for (unsigned bit = 0; bit < 64 && k < 16; bit++) {
        if (!((v->bits >> bit) & 1)) continue;
        const char *bn = efer ? vxa_register_bitname(VXA_VALUE_EFER, bit) : NULL;
        fprintf(out, "%s %u%s%s%s", k++ ? "," : "", bit, bn ? " (" : "", bn ? bn : "", bn ? ")" : "");
    }
    if (nbits > k) fprintf(out, ", ...");
    fprintf(out, " (mask 0x%llx)\n", (unsigned long long)v->bits);
}

static void print_violation(FILE *out, const vxa_case *c, const vxa_violation *v, const char *note,
                            bool colour)
{
    char buf[600];
    const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
    fprintf(out, "  %s%s%s  [SDM %s]\n", ci->cls == VXA_CLASS_ADVISORY ? C_YELLOW : C_RED, ci->id,
            C_RESET, ci->sdm);
    if (note) fprintf(out, "    %s(%s)%s\n", C_DIM, note, C_RESET);
    fprintf(out, "    %s\n", ci->rule);
    for (unsigned k = 0; k < v->nfields; k++) {
        vxa_field f = (vxa_field)v->field[k];
        fprintf(out, "    %s = 0x%llx", vxa_field_get(f)->name, (unsigned long long)v->value[k]);
        if (c && vxa_is_assumed(&c->vmcs, f))   /* docs/outcome-model.md: shown as assumed */
            fprintf(out, " %s(assumed: %s)%s", C_YELLOW, vxa_case_assumed_why(c, f), C_RESET);
        fprintf(out, "\n");
    }
    bool msrload = ci->cls == VXA_CLASS_MSRLOAD || (ci->cls == VXA_CLASS_ADVISORY && v->index);
    if (v->bits && v->nfields && !msrload) {
        vxa_field f = (vxa_field)v->field[0];
        unsigned nbits = (unsigned)__builtin_popcountll(v->bits);
        bool each = true;   /* every offending bit has its own requirement */
        for (unsigned b = 0; b < 64; b++)
            if ((v->bits >> b) & 1 && !bit_requirement(v, b)) each = false;
        if (nbits <= 8 && each) {
            for (unsigned b = 0; b < 64; b++) {
                if (!((v->bits >> b) & 1)) continue;
                const char *bn = vxa_field_bitname(f, b);
                fprintf(out, "    bit %u%s%s%s of %s %s\n", b, bn ? " (" : "", bn ? bn : "",
                        bn ? ")" : "", vxa_field_get(f)->name, bit_requirement(v, b));
            }
        } else {
            vxa_field_bits_text(buf, sizeof buf, f, v->bits);
            fprintf(out, "    offending bit%s of %s: %s (= 0x%llx there)\n", nbits > 1 ? "s" : "",
                    vxa_field_get(f)->name, buf, (unsigned long long)(v->value[0] & v->bits));
        }
    }
    if (v->has_allowed)
        fprintf(out, "    allowed: must be 1 0x%llx, may be 1 0x%llx\n",
                (unsigned long long)v->must_be_1, (unsigned long long)v->may_be_1);
    if (msrload)
        print_msrload_entry(out, c, v);
    if (ci->cls == VXA_CLASS_GUEST && v->qualification)
        fprintf(out, "    exit qualification %u\n", v->qualification);
    for (unsigned k = 0; k < v->nfix; k++)
        fprintf(out, "    %sfix:%s %s = 0x%llx\n", C_GREEN, C_RESET,
                vxa_field_get((vxa_field)v->fix_field[k])->name, (unsigned long long)v->fix_value[k]);
}

/* The fields of bitmap `map` (not captured or assumed, read by the rules), with c: their values
 * and why they were assumed. */
static void print_fields_read(FILE *out, const char *title, const uint8_t *map, const vxa_case *c,
                              bool colour)
{
    bool any = false;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        if (!((map[f >> 3] >> (f & 7)) & 1u)) continue;
        if (!any) fprintf(out, "\n%s%s%s\n", C_YELLOW, title, C_RESET);
        any = true;
        fprintf(out, "  %s", vxa_field_get((vxa_field)f)->name);
        if (c) fprintf(out, " = 0x%llx: %s", (unsigned long long)vxa_get(&c->vmcs, (vxa_field)f),
                       vxa_case_assumed_why(c, (vxa_field)f));
        fprintf(out, "\n");
    }
}

/* Prints violations i with pick(i) in class order, a heading per class. */
static void print_group(FILE *out, const vxa_case *c, const vxa_report *r, const vxa_observed *obs, int want, bool colour)
{
    static const char *const class_title[VXA_CLASS_COUNT] = {
        "VMXON preconditions", "instruction preconditions (SDM 27.1)",
        "VM-execution, VM-exit and VM-entry controls: VM-instruction error 7 (SDM 27.2.1)",
        "host state: VM-instruction error 8 (SDM 27.2.2-27.2.4)",
        "guest state: VM-entry failure, exit reason 33 (SDM 27.3.1)",
        "MSR loading: VM-entry failure, exit reason 34 (SDM 27.4)",
        "warnings (do not change the outcome)" };
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    int cls = -1;
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
        bool adv = ci->cls == VXA_CLASS_ADVISORY;
        if (want >= 0 && (adv || (int)vxa_observed_consistent(obs, v) != want)) continue;
        if (want < 0 && obs && obs->present && !adv) continue;
        if (ci->cls != cls) {
            cls = ci->cls;
            fprintf(out, "\n%s%s%s\n", C_BOLD, class_title[cls], C_RESET);
        }
        print_violation(out, c, v, want == 0 ? inconsistent_why(obs, v) : NULL, colour);
    }
}

/* The root cause of the case's violations (vxa_root_cause_find), computed once per report. */
static const vxa_root_cause *root_cause(const vxa_case *c, vxa_model model)
{
    static vxa_root_cause rc;
    vxa_memory mem = vxa_case_memory(c);
    vxa_input in = { &c->profile, &c->vmcs, &c->entry, &mem, (uint8_t)model, NULL };
    vxa_root_cause_find(&in, &rc);
    return &rc;
}

static void print_vmwrite(FILE *out, const vxa_case *c, unsigned f, uint64_t value)
{
    const vxa_field_info *fi = vxa_field_get((vxa_field)f);
    char call[64];
    snprintf(call, sizeof call, "vmwrite(0x%04x, 0x%llx);", fi->encoding, (unsigned long long)value);
    fprintf(out, "  %-34s /* %s, was 0x%llx */\n", call, fi->name, (unsigned long long)c->vmcs.value[f]);
}

/* The smallest change that makes the layout enter: the root-cause set, else vxa_repair's. */
static void print_fix_all(FILE *out, const vxa_case *c, vxa_model model, const vxa_root_cause *rc,
                          bool colour)
{
    if (rc->found) {
        fprintf(out, "\n%sfix all%s (these VMWRITEs make the layout enter; 'vmxaudit repair --minimal "
                "CASE -o OUT' writes the repaired case):\n", C_BOLD, C_RESET);
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            for (unsigned i = 0; i < rc->set[0].n; i++)
                if (rc->set[0].field[i] == f) print_vmwrite(out, c, f, rc->set[0].value[i]);
        return;
    }
    static vxa_vmcs fixed;
    static vxa_report rr;
    vxa_repair_result res;
    vxa_memory mem = vxa_case_memory(c);
    vxa_input in = { &c->profile, &c->vmcs, &c->entry, &mem, (uint8_t)model, NULL };
    bool ok = vxa_repair(&in, 32, &fixed, &rr, &res);
    if (!res.nchanged) return;
    fprintf(out, "\n%sfix all%s (%s; 'vmxaudit repair CASE -o OUT' writes the repaired case):\n",
            C_BOLD, C_RESET, ok ? "these VMWRITEs make the layout enter" : "these VMWRITEs fix what has a fix; "
            "other violations remain");
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if ((res.changed[f >> 3] >> (f & 7)) & 1u) print_vmwrite(out, c, f, fixed.value[f]);
}

static bool vmcs_class(unsigned cls) { return cls >= VXA_CLASS_CONTROLS && cls <= VXA_CLASS_MSRLOAD; }

static void observed_text(const vxa_observed *o, char *buf, size_t n)
{
    if (o->what == 7 || o->what == 8)
        snprintf(buf, n, "VMfailValid, VM-instruction error %u (%s)", o->what,
                 o->what == 7 ? "invalid control field" : "invalid host-state field");
    else if (o->has_qual)
        snprintf(buf, n, "VM-entry failure, exit reason %u, qualification %u", o->what, o->qual);
    else
        snprintf(buf, n, "VM-entry failure, exit reason %u", o->what);
}

/* Violations that share a cause: the root-cause set first (the smallest set of field changes
 * that removes every violation), what it explains of the CPU's answer, the violations about
 * the set's fields in full, then the rest as its consequences, one line each.  Returns false
 * (nothing printed) when every violation is about a field of the set (independent mistakes). */
static bool print_root_cause(FILE *out, const vxa_case *c, const vxa_report *r, const vxa_observed *obs,
                             const vxa_root_cause *rc, bool colour)
{
    if (!rc->found) return false;
    const vxa_root_set *set = &rc->set[0];
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    unsigned nall = 0, ncause = 0, ncons_obs = 0, ncause_obs = 0;
    const vxa_violation *first_obs = NULL, *first_cause_obs = NULL;
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        if (!vmcs_class(vxa_check_get((vxa_check)v->check)->cls)) continue;
        bool cause = vxa_root_set_names(set, v), cons = obs && obs->present && vxa_observed_consistent(obs, v);
        nall++;
        ncause += cause;
        ncause_obs += cause && cons;
        ncons_obs += cons;
        if (cons && !first_obs) first_obs = v;
        if (cons && cause && !first_cause_obs) first_cause_obs = v;
    }
    if (ncause == nall) return false;
    fprintf(out, "\n%sroot cause:%s changing %u field%s makes the layout enter: all %u violations go away\n",
            C_BOLD, C_RESET, set->n, set->n == 1 ? "" : "s", nall);
    for (unsigned i = 0; i < set->n; i++) print_vmwrite(out, c, set->field[i], set->value[i]);
    for (unsigned k = 1; k < rc->nsets && rc->set[k].n == set->n; k++) {
        fprintf(out, "  %sor, as small:%s", C_DIM, C_RESET);
        for (unsigned i = 0; i < rc->set[k].n; i++)
            fprintf(out, " %s = 0x%llx", vxa_field_get((vxa_field)rc->set[k].field[i])->name,
                    (unsigned long long)rc->set[k].value[i]);
        fprintf(out, "\n");
    }
    if (!rc->smallest) fprintf(out, "  %s(a small set; a smaller one was not searched for)%s\n", C_DIM, C_RESET);
    if (obs && obs->present) {
        if (ncause_obs)
            fprintf(out, "  explains what the CPU reported: %s is a rule of that class%s\n",
                    vxa_check_get((vxa_check)first_cause_obs->check)->id,
                    ncons_obs > ncause_obs ? ", and so are consequences of it" : "");
        else if (first_obs)
            fprintf(out, "  explains what the CPU reported: the rules of that class that fail (first %s) "
                    "are consequences of it\n", vxa_check_get((vxa_check)first_obs->check)->id);
        else
            fprintf(out, "  %sno violation explains what the CPU reported.%s Check that the profile is "
                    "this CPU's and the layout is what was executed\n", C_YELLOW, C_RESET);
    }
    if (ncause) {
        fprintf(out, "\n%sthe cause: %u violation%s about %s%s\n", C_BOLD, ncause, ncause == 1 ? "" : "s",
                set->n == 1 ? vxa_field_get((vxa_field)set->field[0])->name : "these fields", C_RESET);
        for (unsigned i = 0; i < n; i++) {
            const vxa_violation *v = &r->violations[i];
            if (vmcs_class(vxa_check_get((vxa_check)v->check)->cls) && vxa_root_set_names(set, v))
                print_violation(out, c, v, NULL, colour);
        }
    }
    fprintf(out, "\n%s%u consequence%s: rules on other fields that the change above also satisfies%s\n",
            C_BOLD, nall - ncause, nall - ncause == 1 ? "" : "s", C_RESET);
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
        if (!vmcs_class(ci->cls) || vxa_root_set_names(set, v)) continue;
        fprintf(out, "  %s%s%s  [SDM %s]  %s", C_RED, ci->id, C_RESET, ci->sdm,
                v->nfields ? vxa_field_get((vxa_field)v->field[0])->name : "");
        if (v->nfields) fprintf(out, " = 0x%llx", (unsigned long long)v->value[0]);
        if (obs && obs->present && !vxa_observed_consistent(obs, v)) fprintf(out, "  %s(not what the CPU reported)%s", C_DIM, C_RESET);
        fprintf(out, "\n");
    }
    return true;
}

/* The advisory violations only (with a root-cause section, which lists the others). */
static void print_warnings(FILE *out, const vxa_case *c, const vxa_report *r, bool colour)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    bool head = false;
    for (unsigned i = 0; i < n; i++) {
        if (vxa_check_get((vxa_check)r->violations[i].check)->cls != VXA_CLASS_ADVISORY) continue;
        if (!head) fprintf(out, "\n%swarnings (do not change the outcome)%s\n", C_BOLD, C_RESET);
        head = true;
        print_violation(out, c, &r->violations[i], NULL, colour);
    }
}

void vxa_report_print(FILE *out, const vxa_case *c, const vxa_report *r, vxa_model model,
                      const vxa_observed *obs, unsigned flags)
{
    char buf[600];
    bool colour = flags & VXA_TEXT_COLOUR, quiet = flags & VXA_TEXT_QUIET;
    vxa_outcome_to_text(&r->outcome, buf, sizeof buf);
    bool ok = r->outcome.result == VXA_ENTERED;
    if (quiet) {
        fprintf(out, "%s\n", buf);
        return;
    }
    fprintf(out, "%s%s%s  profile %s%s%s\n", C_BOLD, c->name ? c->name : "(case)", C_RESET,
            c->profile_name ? c->profile_name : "?", model != VXA_MODEL_SDM ? ", model " : "",
            model != VXA_MODEL_SDM ? vxa_model_name(model) : "");
    fprintf(out, "prediction: %s%s%s%s\n", ok ? C_GREEN : C_RED, C_BOLD, buf, C_RESET);
    if (r->outcome_assumes_undetermined_pass)
        fprintf(out, "%s(assuming the undetermined rules below pass)%s\n", C_YELLOW, C_RESET);
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    if (obs && obs->present) {
        observed_text(obs, buf, sizeof buf);
        fprintf(out, "observed:   %s%s%s\n", C_BOLD, buf, C_RESET);
    }
    const vxa_root_cause *rc = ok ? NULL : root_cause(c, model);
    bool rooted = rc && print_root_cause(out, c, r, obs, rc, colour);
    if (rooted) {
        print_warnings(out, c, r, colour);
    } else if (obs && obs->present) {
        unsigned ncons = 0, nother = 0;
        for (unsigned i = 0; i < n; i++) {
            if (vxa_check_get((vxa_check)r->violations[i].check)->cls == VXA_CLASS_ADVISORY) continue;
            if (vxa_observed_consistent(obs, &r->violations[i])) ncons++;
            else nother++;
        }
        if (ncons) {
            fprintf(out, "\n%s%u likely culprit%s: consistent with what the CPU reported%s\n", C_BOLD,
                    ncons, ncons == 1 ? "" : "s", C_RESET);
            print_group(out, c, r, obs, 1, colour);
        } else {
            fprintf(out, "\n%sno violation explains what the CPU reported.%s Check that the profile "
                    "is this CPU's and the layout is what was executed", C_YELLOW, C_RESET);
            unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
            unsigned want = obs->what == 7 ? VXA_CLASS_CONTROLS : obs->what == 8 ? VXA_CLASS_HOST
                          : obs->what == 33 ? VXA_CLASS_GUEST : VXA_CLASS_MSRLOAD;
            unsigned k = 0;
            for (unsigned i = 0; i < nu; i++)
                if (vxa_check_get((vxa_check)r->undetermined[i].check)->cls == want)
                    fprintf(out, "%s%s", k++ ? ", " : "; the suspects are the undetermined rules of "
                            "that class: ", vxa_check_get((vxa_check)r->undetermined[i].check)->id);
            fprintf(out, ".\n");
        }
        if (nother) {
            fprintf(out, "\n%s%u other violation%s: not what the CPU reported%s\n", C_BOLD, nother,
                    nother == 1 ? "" : "s", C_RESET);
            print_group(out, c, r, obs, 0, colour);
        }
    }
    if (!rooted) print_group(out, c, r, obs, -1, colour);
    if (r->nviolations > VXA_MAX_VIOLATIONS)
        fprintf(out, "  ... and %u more violations\n", r->nviolations - VXA_MAX_VIOLATIONS);
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    if (nu) fprintf(out, "\n%sundetermined%s\n", C_YELLOW, C_RESET);
    for (unsigned i = 0; i < nu; i++) {
        const vxa_undetermined *u = &r->undetermined[i];
        if (u->reason == VXA_UR_NOT_CAPTURED && vxa_field_get((vxa_field)u->aux))
            fprintf(out, "  %s: %s not captured", vxa_check_get((vxa_check)u->check)->id,
                    vxa_field_get((vxa_field)u->aux)->name);
        else
            fprintf(out, "  %s: %s", vxa_check_get((vxa_check)u->check)->id, vxa_undet_text(u->reason));
        if (u->reason == VXA_UR_MSR_MISSING)
            fprintf(out, " %s", vxa_msr_name((unsigned)u->aux - 0x480) ? vxa_msr_name((unsigned)u->aux - 0x480) : "?");
        if (u->reason == VXA_UR_PMU_UNKNOWN) fprintf(out, " 0x%llx", (unsigned long long)u->aux);
        fprintf(out, "\n");
    }
    print_fields_read(out, "not captured, read by the rules (those that pass with it as 0 and as all "
                      "ones are assumed to pass)", r->not_captured_read, NULL, colour);
    print_fields_read(out, "assumed, read by the rules", r->assumed_read, c, colour);
    if (r->nvmwrite) fprintf(out, "\n%sVMWRITE would fail%s\n", C_YELLOW, C_RESET);
    for (unsigned i = 0; i < r->nvmwrite; i++)
        fprintf(out, "  %s: VM-instruction error %u (%s)\n", vxa_field_get((vxa_field)r->vmwrite_field[i])->name,
                r->vmwrite_error[i], r->vmwrite_error[i] == 12 ? "the field does not exist on this CPU"
                                                              : "read-only field");
    if (!ok) print_fix_all(out, c, model, rc, colour);
}
