/* report_text.c — the report for people: grouped by class, each violation with its field and
 * value, the offending bits by name, the allowed values and a fix ready to paste. */
#include <string.h>
#include "bitnames.h"
#include "cli.h"
#include "report_text.h"

const char *vxa_undet_text(unsigned reason);
const char *cli_undet_text(unsigned reason) { return vxa_undet_text(reason); }

/* The word or register a field holds, for naming bits. */
static vxa_word field_word(vxa_field f)
{
    switch (f) {
    case VXA_F_PIN_BASED_VM_EXEC_CONTROL: return VXA_WORD_PIN;
    case VXA_F_CPU_BASED_VM_EXEC_CONTROL: return VXA_WORD_PROC;
    case VXA_F_SECONDARY_VM_EXEC_CONTROL: return VXA_WORD_PROC2;
    case VXA_F_TERTIARY_VM_EXEC_CONTROL: return VXA_WORD_PROC3;
    case VXA_F_VM_EXIT_CONTROLS: return VXA_WORD_EXIT;
    case VXA_F_SECONDARY_VM_EXIT_CONTROLS: return VXA_WORD_EXIT2;
    case VXA_F_VM_ENTRY_CONTROLS: return VXA_WORD_ENTRY;
    case VXA_F_VM_FUNCTION_CONTROL: return VXA_WORD_VMFUNC;
    default: return VXA_WORD_NONE;
    }
}

static const char *field_reg(const char *name)
{
    if (strstr(name, "CR0") && !strstr(name, "MASK") && !strstr(name, "SHADOW")) return "CR0";
    if (strstr(name, "CR4") && !strstr(name, "MASK") && !strstr(name, "SHADOW")) return "CR4";
    if (strstr(name, "EFER")) return "EFER";
    if (strstr(name, "RFLAGS")) return "RFLAGS";
    return NULL;
}

void cli_field_bits(char *buf, size_t n, vxa_field f, uint64_t mask)
{
    const char *name = vxa_field_get(f)->name;
    vxa_word w = field_word(f);
    const char *reg = field_reg(name);
    size_t k = 0;
    buf[0] = 0;
    for (unsigned b = 0; b < 64 && k < n; b++) {
        if (!((mask >> b) & 1)) continue;
        const char *bn = w != VXA_WORD_NONE ? bitname_of(w, b) : reg ? regbit_name(reg, b) : NULL;
        k += (size_t)snprintf(buf + k, n - k, "%s%u%s%s%s", k ? ", " : "", b, bn ? " (" : "",
                              bn ? bn : "", bn ? ")" : "");
    }
}

static const char *const class_title[VXA_CLASS_COUNT] = {
    "VMXON preconditions", "instruction preconditions (SDM 27.1)",
    "VM-execution, VM-exit and VM-entry controls: VM-instruction error 7 (SDM 27.2.1)",
    "host state: VM-instruction error 8 (SDM 27.2.2-27.2.4)",
    "guest state: VM-entry failure, exit reason 33 (SDM 27.3.1)",
    "MSR loading: VM-entry failure, exit reason 34 (SDM 27.4)",
    "warnings (do not change the outcome)" };

void cli_print_report(FILE *out, const vxa_case *c, const vxa_report *r, vxa_model model,
                      const bool *highlight, bool quiet)
{
    char buf[600];
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
    int cls = -1;
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
        if (ci->cls != cls) {
            cls = ci->cls;
            fprintf(out, "\n%s%s%s\n", C_BOLD, class_title[cls], C_RESET);
        }
        bool hl = highlight && highlight[i];
        fprintf(out, "  %s%s%s%s  [SDM %s]%s\n", hl ? "* " : "", ci->cls == VXA_CLASS_ADVISORY ? C_YELLOW : C_RED,
                ci->id, C_RESET, ci->sdm, hl ? "  <- consistent with what the CPU reported" : "");
        fprintf(out, "    %s\n", ci->rule);
        for (unsigned k = 0; k < v->nfields; k++)
            fprintf(out, "    %s = 0x%llx\n", vxa_field_get((vxa_field)v->field[k])->name,
                    (unsigned long long)v->value[k]);
        if (v->bits && v->nfields) {
            cli_field_bits(buf, sizeof buf, (vxa_field)v->field[0], v->bits);
            fprintf(out, "    offending bit%s: %s\n", (v->bits & (v->bits - 1)) ? "s" : "", buf);
        }
        if (v->has_allowed) {
            fprintf(out, "    allowed: must be 1 0x%llx, may be 1 0x%llx\n",
                    (unsigned long long)v->must_be_1, (unsigned long long)v->may_be_1);
        }
        if (ci->cls == VXA_CLASS_MSRLOAD)
            fprintf(out, "    MSR-load entry %u: MSR 0x%llx\n", v->index, (unsigned long long)v->aux);
        if (ci->cls == VXA_CLASS_GUEST && v->qualification)
            fprintf(out, "    exit qualification %u\n", v->qualification);
        for (unsigned k = 0; k < v->nfix; k++)
            fprintf(out, "    %sfix:%s %s = 0x%llx\n", C_GREEN, C_RESET,
                    vxa_field_get((vxa_field)v->fix_field[k])->name, (unsigned long long)v->fix_value[k]);
    }
    if (r->nviolations > VXA_MAX_VIOLATIONS)
        fprintf(out, "  ... and %u more violations\n", r->nviolations - VXA_MAX_VIOLATIONS);
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    if (nu) fprintf(out, "\n%sundetermined%s\n", C_YELLOW, C_RESET);
    for (unsigned i = 0; i < nu; i++) {
        const vxa_undetermined *u = &r->undetermined[i];
        fprintf(out, "  %s: %s", vxa_check_get((vxa_check)u->check)->id, cli_undet_text(u->reason));
        if (u->reason == VXA_UR_MSR_MISSING)
            fprintf(out, " %s", vxa_msr_name((unsigned)u->aux - 0x480) ? vxa_msr_name((unsigned)u->aux - 0x480) : "?");
        fprintf(out, "\n");
    }
    if (r->nvmwrite) fprintf(out, "\n%sVMWRITE would fail%s\n", C_YELLOW, C_RESET);
    for (unsigned i = 0; i < r->nvmwrite; i++)
        fprintf(out, "  %s: VM-instruction error %u (%s)\n", vxa_field_get((vxa_field)r->vmwrite_field[i])->name,
                r->vmwrite_error[i], r->vmwrite_error[i] == 12 ? "the field does not exist on this CPU"
                                                              : "read-only field");
}
