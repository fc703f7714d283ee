/* compare.c — see compare.h. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "bochs_messages.h"
#include "compare.h"
#include "prediction.h"

static vxa_report scratch;

/* The line of the oracle's log that names the failed check.  Bochs 2.7 writes "VMFAIL: ..." for
 * VMfailValid, "VMENTER FAIL: ..." before exit 33, "VMX LoadMSRs N: ..." before exit 34; a fault
 * on the instruction is a "#GP"/"#UD" line.  The generic "VMEXIT: Guest State Checks Failed" and
 * the guest's own exits ("VMEXIT: EPT violation ...") are not the check. */
static void oracle_text(const char *log, char *out, size_t n)
{
    static const char *const named[] = { "VMFAIL", "VMENTER FAIL", "VMX LoadMSRs", "WRMSR", "#GP",
                                         "#UD", "VMLAUNCH", "VMRESUME", "PANIC", NULL };
    out[0] = 0;
    for (const char *line = log; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        for (unsigned k = 0; named[k]; k++) {
            const char *hit = strstr(line, named[k]);
            if (!hit || hit >= line + len) continue;
            size_t o = 0;
            for (size_t i = 0; i < len && o + 2 < n; i++) {   /* numbers -> N */
                char ch = line[i];
                if (isdigit((unsigned char)ch) || (ch == 'x' && i && line[i - 1] == '0')) {
                    bool hex = false;
                    size_t j = i;
                    if (ch == '0' && i + 1 < len && line[i + 1] == 'x') { hex = true; j += 2; }
                    while (j < len && (isdigit((unsigned char)line[j]) ||
                                       (hex && isxdigit((unsigned char)line[j])))) j++;
                    /* keep digits that are part of a word (RFLAGS[1], CR4, tmpDR6) */
                    if (i && (isalpha((unsigned char)line[i - 1]) || line[i - 1] == '[')) {
                        out[o++] = ch;
                        continue;
                    }
                    out[o++] = 'N';
                    i = j - 1;
                    continue;
                }
                out[o++] = ch;
            }
            out[o] = 0;
            return;
        }
        line = nl ? nl + 1 : NULL;
    }
}

vxa_judge_env vxa_judge_env_of(const vxa_profile *p, uint8_t model, const struct vxa_oracle_identity *id,
                               const struct vxa_oracle_probe *probe)
{
    vxa_judge_env e = { p, model, id && id->log_names_checks,
                        probe && probe->engine_checks == VXA_CHECK_COUNT, NULL };
    return e;
}

const char *vxa_verdict_status_name(uint8_t s)
{
    return s == VXA_V_AGREE ? "agree" : s == VXA_V_MISMATCH ? "mismatch"
         : s == VXA_V_UNDETERMINED ? "undetermined" : "skipped";
}

static bool memory_beyond_payload(const vxa_case *c)
{
    for (size_t i = 0; i < c->nmemory; i++)
        if (c->memory[i].address >> 32) return true;
    return false;
}

void vxa_judge(const vxa_judge_env *env, const vxa_case *c, const vxa_prepared *pp,
               const struct vxa_oracle_result *r, vxa_report *report, vxa_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->in_guest = -1;
    if (!report) report = &scratch;
    vxa_vmcs executed;
    vxa_executed_layout(pp, r, &executed);
    vxa_memory mem = vxa_executed_memory(pp);
    (void)c;
    vxa_input in = { env->profile, &executed, &pp->c->entry, &mem, env->model, NULL };
    (env->audit ? env->audit : vxa_audit)(&in, report);
    v->predicted = report->outcome;
    unsigned nv = report->nviolations < VXA_MAX_VIOLATIONS ? report->nviolations : VXA_MAX_VIOLATIONS;
    int cls = -1;
    for (unsigned i = 0; i < nv && v->nchecks < VXA_VERDICT_CHECKS; i++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)report->violations[i].check);
        if (ci->cls == VXA_CLASS_ADVISORY) continue;
        if (cls < 0) cls = ci->cls;
        if (ci->cls != cls) break;
        bool dup = false;
        for (unsigned k = 0; k < v->nchecks; k++) dup |= v->checks[k] == report->violations[i].check;
        if (!dup) v->checks[v->nchecks++] = report->violations[i].check;
    }
    if (pp->unsupported) {
        v->status = VXA_V_SKIPPED;
        v->skip_reason = "unsupported";
        return;
    }
    if (!vxa_observed_outcome(r, &v->observed)) {
        v->status = VXA_V_SKIPPED;
        v->skip_reason = vxa_oracle_kind_name(r->kind);
        /* a crash's own words (Bochs: its PANIC line) */
        if (r->log) oracle_text(r->log, v->oracle_text, sizeof v->oracle_text);
        if (!v->oracle_text[0] && r->detail) snprintf(v->oracle_text, sizeof v->oracle_text, "%.150s", r->detail);
        return;
    }
    if (r->log) oracle_text(r->log, v->oracle_text, sizeof v->oracle_text);
    /* the in-guest audit against the hosted one (the same engine, the live VMCS); not where the
     * case gives memory at or above 4 GiB (an emulator's all-ones image, vxa_mark_unbacked): the
     * payload reads nothing beyond its RAM, its audit leaves those rules undetermined */
    if (env->in_guest && r->live.present && !memory_beyond_payload(pp->c))
        v->in_guest = vxa_prediction_same(&r->live, report, v->in_guest_why, sizeof v->in_guest_why) ? 1 : 0;
    v->status = vxa_outcome_within(&v->predicted, &v->observed) ? VXA_V_AGREE : VXA_V_MISMATCH;
    /* where the oracle names the failed check, the engine must report one it stands for */
    if (env->log_names_checks && r->log) {
        const char *msg = NULL;
        v->oracle_names = vxa_bochs_message_checks(r->log, &msg);
        if (v->status == VXA_V_AGREE && v->oracle_names && !vxa_bochs_message_agrees(v->oracle_names, report)) {
            v->status = VXA_V_MISMATCH;
            v->named_differs = true;
        }
    }
    if (v->status == VXA_V_MISMATCH) {
        vxa_check u = vxa_undetermined_explains(report, &v->observed);
        if (u != VXA_CHECK_COUNT) {
            v->status = VXA_V_UNDETERMINED;
            v->nchecks = 1;
            v->checks[0] = (uint16_t)u;
        }
    }
}

void vxa_outcome_short(const vxa_outcome *o, bool with_qual, char *buf, size_t n)
{
    int k = snprintf(buf, n, "%s", vxa_result_name((vxa_result)o->result));
    if (o->result == VXA_VMFAIL_VALID) {
        k += snprintf(buf + k, n - (size_t)k, o->nerror > 1 ? " {" : " ");
        for (unsigned i = 0; i < o->nerror && (size_t)k < n; i++)
            k += snprintf(buf + k, n - (size_t)k, "%s%u", i ? "," : "", o->error[i]);
        if (o->nerror > 1 && (size_t)k < n) snprintf(buf + k, n - (size_t)k, "}");
    } else if (o->result == VXA_ENTRY_FAILURE) {
        k += snprintf(buf + k, n - (size_t)k, " %u", o->exit_reason);
        if (with_qual && o->nqual && (size_t)k < n) {
            k += snprintf(buf + k, n - (size_t)k, " q=%s", o->nqual > 1 ? "{" : "");
            for (unsigned i = 0; i < o->nqual && (size_t)k < n; i++)
                k += snprintf(buf + k, n - (size_t)k, "%s%u", i ? "," : "", o->qual[i]);
            if (o->nqual > 1 && (size_t)k < n) snprintf(buf + k, n - (size_t)k, "}");
        }
    } else if (o->result == VXA_FAULT) {
        snprintf(buf + k, n - (size_t)k, " #%s", o->vector == 6 ? "UD" : o->vector == 13 ? "GP" : "?");
    }
}

void vxa_verdict_signature(const vxa_verdict *v, char *buf, size_t n)
{
    char e[80], o[80];
    vxa_outcome_short(&v->predicted, true, e, sizeof e);
    vxa_outcome_short(&v->observed, true, o, sizeof o);
    int k = snprintf(buf, n, "engine=%s;oracle=%s;checks=", e, o);
    for (unsigned i = 0; i < v->nchecks && (size_t)k < n; i++)
        k += snprintf(buf + k, n - (size_t)k, "%s%s", i ? "," : "", vxa_check_get((vxa_check)v->checks[i])->id);
    if ((size_t)k < n) snprintf(buf + k, n - (size_t)k, ";text=%s", v->oracle_text);
}

bool vxa_verdict_keeps(const vxa_verdict *ref, const vxa_verdict *v)
{
    if (v->status != VXA_V_MISMATCH) return false;
    if (v->predicted.result != ref->predicted.result) return false;
    const vxa_outcome *a = &ref->observed, *b = &v->observed;
    if (a->result != b->result) return false;
    if (a->result == VXA_VMFAIL_VALID && a->error[0] != b->error[0]) return false;
    if (a->result == VXA_ENTRY_FAILURE && a->exit_reason != b->exit_reason) return false;
    if (a->result == VXA_FAULT && a->vector != b->vector) return false;
    return true;
}
