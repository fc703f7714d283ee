/* report_json.c — the report as JSON (docs/formats.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

static cJSON *outcome_json(const vxa_outcome *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "result", vxa_result_name((vxa_result)o->result));
    if (o->result == VXA_VMFAIL_VALID) {
        cJSON *a = cJSON_AddArrayToObject(j, "error");
        for (unsigned i = 0; i < o->nerror; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(o->error[i]));
    }
    if (o->result == VXA_ENTRY_FAILURE) {
        cJSON_AddNumberToObject(j, "exit_reason", o->exit_reason);
        cJSON *a = cJSON_AddArrayToObject(j, "qualification");
        for (unsigned i = 0; i < o->nqual; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(o->qual[i]));
    }
    if (o->result == VXA_FAULT) cJSON_AddNumberToObject(j, "vector", o->vector);
    return j;
}

static const char *const undet_reasons[] = {
    "the profile lacks capability MSR", "the SDM leaves this model-specific",
    "the memory it reads is not available", "the profile does not state CPUID feature",
    "whether the MSR accepts the value is not in the profile", "a field it needs was not captured",
    "the profile's PMU (CPUID.0AH, IA32_PERF_CAPABILITIES) does not decide IA32_PERF_GLOBAL_CTRL bits"
};

const char *vxa_undet_text(unsigned reason)
{
    return reason < sizeof undet_reasons / sizeof undet_reasons[0] ? undet_reasons[reason] : "?";
}

/* key: the fields of bitmap map, when there are any */
static void fields_read(cJSON *o, const char *key, const uint8_t *map)
{
    cJSON *a = NULL;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if ((map[f >> 3] >> (f & 7)) & 1u) {
            if (!a) a = cJSON_AddArrayToObject(o, key);
            cJSON_AddItemToArray(a, cJSON_CreateString(vxa_field_get((vxa_field)f)->name));
        }
}

cJSON *vxa_report_to_tree(const vxa_report *r, const vxa_vmcs *v, const vxa_observed *obs)
{
    if (obs && !obs->present) obs = NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "schema", VXA_SCHEMA_REPORT);
    cJSON_AddItemToObject(o, "outcome", outcome_json(&r->outcome));
    if (r->outcome_assumes_undetermined_pass)
        cJSON_AddBoolToObject(o, "outcome_assumes_undetermined_pass", true);
    cJSON *va = cJSON_AddArrayToObject(o, "violations");
    cJSON *wa = NULL;
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *x = &r->violations[i];
        const vxa_check_info *ci = vxa_check_get((vxa_check)x->check);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "check", ci->id);
        cJSON_AddStringToObject(j, "class", vxa_class_name((vxa_class)ci->cls));
        cJSON_AddStringToObject(j, "sdm", ci->sdm);
        cJSON *f = cJSON_AddObjectToObject(j, "fields");
        for (unsigned k = 0; k < x->nfields; k++)
            cJSON_AddItemToObject(f, vxa_field_get((vxa_field)x->field[k])->name, jhexitem(x->value[k]));
        cJSON *as = NULL;   /* the fields whose values are assumed (docs/outcome-model.md) */
        for (unsigned k = 0; v && k < x->nfields; k++)
            if (vxa_is_assumed(v, (vxa_field)x->field[k])) {
                if (!as) as = cJSON_AddArrayToObject(j, "assumed");
                cJSON_AddItemToArray(as, cJSON_CreateString(vxa_field_get((vxa_field)x->field[k])->name));
            }
        if (x->bits) cJSON_AddItemToObject(j, "bits", jhexitem(x->bits));
        if (x->has_allowed) {
            cJSON_AddItemToObject(j, "must_be_1", jhexitem(x->must_be_1));
            cJSON_AddItemToObject(j, "may_be_1", jhexitem(x->may_be_1));
        }
        if (ci->cls == VXA_CLASS_GUEST) cJSON_AddNumberToObject(j, "qualification", x->qualification);
        if (ci->cls == VXA_CLASS_MSRLOAD) {
            cJSON_AddNumberToObject(j, "entry", x->index);
            cJSON_AddItemToObject(j, "msr", jhexitem(x->aux));
        }
        cJSON_AddStringToObject(j, "message", ci->rule);
        if (x->nfix) {
            cJSON *fx = cJSON_AddObjectToObject(j, "fix");
            for (unsigned k = 0; k < x->nfix; k++)
                cJSON_AddItemToObject(fx, vxa_field_get((vxa_field)x->fix_field[k])->name,
                                      jhexitem(x->fix_value[k]));
        }
        if (obs && ci->cls != VXA_CLASS_ADVISORY)
            cJSON_AddBoolToObject(j, "consistent", vxa_observed_consistent(obs, x));
        if (ci->cls == VXA_CLASS_ADVISORY) {
            if (!wa) wa = cJSON_CreateArray();
            cJSON_AddItemToArray(wa, j);
        } else {
            cJSON_AddItemToArray(va, j);
        }
    }
    if (r->nviolations > VXA_MAX_VIOLATIONS)
        cJSON_AddNumberToObject(o, "violations_not_listed", r->nviolations - VXA_MAX_VIOLATIONS);
    if (wa) cJSON_AddItemToObject(o, "warnings", wa);
    cJSON *ua = cJSON_AddArrayToObject(o, "undetermined");
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned i = 0; i < nu; i++) {
        const vxa_undetermined *u = &r->undetermined[i];
        cJSON *j = cJSON_CreateObject();
        char reason[200];
        cJSON_AddStringToObject(j, "check", vxa_check_get((vxa_check)u->check)->id);
        if (u->reason == VXA_UR_MSR_MISSING)
            snprintf(reason, sizeof reason, "%s 0x%llx (%s)", vxa_undet_text(u->reason),
                     (unsigned long long)u->aux, vxa_msr_name((unsigned)u->aux - 0x480)
                         ? vxa_msr_name((unsigned)u->aux - 0x480) : "?");
        else if (u->reason == VXA_UR_CPUID_UNKNOWN)
            snprintf(reason, sizeof reason, "%s %s", vxa_undet_text(u->reason),
                     vxa_cpuid_name((unsigned)__builtin_ctzll(u->aux | (1ull << 63))));
        else if (u->reason == VXA_UR_NOT_CAPTURED)
            snprintf(reason, sizeof reason, "%s not captured",
                     vxa_field_get((vxa_field)u->aux) ? vxa_field_get((vxa_field)u->aux)->name : "?");
        else if (u->reason == VXA_UR_PMU_UNKNOWN)
            snprintf(reason, sizeof reason, "%s 0x%llx", vxa_undet_text(u->reason), (unsigned long long)u->aux);
        else if (u->reason == VXA_UR_MEMORY)
            snprintf(reason, sizeof reason, "%s (0x%llx)", vxa_undet_text(u->reason), (unsigned long long)u->aux);
        else
            snprintf(reason, sizeof reason, "%s", vxa_undet_text(u->reason));
        cJSON_AddStringToObject(j, "reason", reason);
        cJSON_AddItemToArray(ua, j);
    }
    fields_read(o, "not_captured_read", r->not_captured_read);
    fields_read(o, "assumed_read", r->assumed_read);
    cJSON *w = cJSON_AddObjectToObject(o, "vmwrite_errors");
    for (unsigned i = 0; i < r->nvmwrite; i++)
        cJSON_AddNumberToObject(w, vxa_field_get((vxa_field)r->vmwrite_field[i])->name, r->vmwrite_error[i]);
    if (obs) {
        cJSON *ob = cJSON_AddObjectToObject(o, "observed");
        cJSON_AddStringToObject(ob, "result", obs->what < 33 ? "vmfail_valid" : "entry_failure");
        cJSON_AddNumberToObject(ob, obs->what < 33 ? "error" : "exit_reason", obs->what);
        if (obs->has_qual) cJSON_AddNumberToObject(ob, "qualification", obs->qual);
    }
    return o;
}

static cJSON *root_set_json(const vxa_root_set *s, const vxa_vmcs *v)
{
    cJSON *o = cJSON_CreateObject();
    for (unsigned i = 0; i < s->n; i++) {
        cJSON *x = cJSON_AddObjectToObject(o, vxa_field_get((vxa_field)s->field[i])->name);
        cJSON_AddItemToObject(x, "from", jhexitem(v ? v->value[s->field[i]] : 0));
        cJSON_AddItemToObject(x, "to", jhexitem(s->value[i]));
    }
    return o;
}

void vxa_report_add_root_cause(cJSON *doc, const vxa_report *r, const vxa_vmcs *v, const vxa_root_cause *rc)
{
    if (!doc || !rc->found) return;
    cJSON *o = cJSON_AddObjectToObject(doc, "root_cause");
    cJSON_AddItemToObject(o, "fields", root_set_json(&rc->set[0], v));
    cJSON_AddBoolToObject(o, "smallest", rc->smallest);
    cJSON *alt = cJSON_AddArrayToObject(o, "alternatives");
    for (unsigned k = 1; k < rc->nsets && rc->set[k].n == rc->set[0].n; k++)
        cJSON_AddItemToArray(alt, root_set_json(&rc->set[k], v));
    /* the "violations" array holds the non-advisory violations in report order */
    cJSON *va = cJSON_GetObjectItemCaseSensitive(doc, "violations"), *j = va ? va->child : NULL;
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS, ncons = 0;
    for (unsigned i = 0; i < n && j; i++) {
        if (vxa_check_get((vxa_check)r->violations[i].check)->cls == VXA_CLASS_ADVISORY) continue;
        bool cons = !vxa_root_set_names(&rc->set[0], &r->violations[i]);
        cJSON_AddBoolToObject(j, "consequence", cons);
        ncons += cons;
        j = j->next;
    }
    cJSON_AddNumberToObject(o, "consequences", ncons);
}

char *vxa_report_to_json(const vxa_report *r, const vxa_vmcs *v)
{
    cJSON *o = vxa_report_to_tree(r, v, NULL);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

bool vxa_observed_consistent(const vxa_observed *o, const vxa_violation *v)
{
    unsigned cls = vxa_check_get((vxa_check)v->check)->cls;
    switch (o->what) {
    case 7: return cls == VXA_CLASS_CONTROLS;
    case 8: return cls == VXA_CLASS_HOST;
    case 33: return cls == VXA_CLASS_GUEST && (!o->has_qual || v->qualification == o->qual);
    case 34: return cls == VXA_CLASS_MSRLOAD && (!o->has_qual || v->index == o->qual);
    default: return false;
    }
}

void vxa_outcome_to_text(const vxa_outcome *o, char *buf, size_t size)
{
    size_t n = 0;
    switch (o->result) {
    case VXA_ENTERED: snprintf(buf, size, "VM entry succeeds"); return;
    case VXA_VMFAIL_INVALID: snprintf(buf, size, "VMfailInvalid (CF=1: no current VMCS)"); return;
    case VXA_FAULT:
        snprintf(buf, size, "fault: %s", o->vector == 6 ? "#UD" : o->vector == 13 ? "#GP(0)" : "exception");
        return;
    case VXA_VMFAIL_VALID:
        n = (size_t)snprintf(buf, size, "VMfailValid, VM-instruction error ");
        for (unsigned i = 0; i < o->nerror && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, "%s%u", i ? " or " : "", o->error[i]);
        return;
    case VXA_ENTRY_FAILURE:
        if (o->exit_reason != 33 && o->exit_reason != 34 && o->exit_reason != 41) {
            snprintf(buf, size, "VM exit, reason %u (executed in VMX non-root operation)", o->exit_reason);
            return;
        }
        n = (size_t)snprintf(buf, size, "VM-entry failure: exit reason %u (0x%x), qualification ",
                             o->exit_reason, 0x80000000u | o->exit_reason);
        for (unsigned i = 0; i < o->nqual && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, "%s%u", i ? " or " : "", o->qual[i]);
        return;
    default: snprintf(buf, size, "?");
    }
}
