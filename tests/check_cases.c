/* check_cases.c — the per-check tests' helpers (see check_cases.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>
#include "check_cases.h"

void tc_audit(const char *layout, const char *patch_json, const vxa_memory *mem, uint8_t model,
              vxa_report *r)
{
    char err[600];
    vxa_case c;
    cJSON *p = cJSON_Parse(patch_json);
    if (!p) fail_msg("bad patch JSON: %s", patch_json);
    if (tc_build_case(layout, p, &c, err, sizeof err)) fail_msg("%s", err);
    cJSON_Delete(p);
    vxa_memory m = mem ? *mem : vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, model };
    assert_int_equal(vxa_audit(&in, r), 0);
    vxa_case_free(&c);
}

static vxa_check known(const char *id)
{
    vxa_check k = vxa_check_by_id(id);
    if (k == VXA_CHECK_COUNT) fail_msg("unknown check ID %s", id);
    return k;
}

const vxa_violation *tc_violation(const vxa_report *r, const char *id)
{
    vxa_check k = known(id);
    for (unsigned i = 0; i < r->nviolations && i < VXA_MAX_VIOLATIONS; i++)
        if (r->violations[i].check == k) return &r->violations[i];
    return NULL;
}

const vxa_undetermined *tc_undetermined(const vxa_report *r, const char *id)
{
    vxa_check k = known(id);
    for (unsigned i = 0; i < r->nundetermined && i < VXA_MAX_UNDETERMINED; i++)
        if (r->undetermined[i].check == k) return &r->undetermined[i];
    return NULL;
}

void tc_assert_undetermined(const vxa_report *r, const char *id, unsigned reason, uint64_t aux)
{
    const vxa_undetermined *u = tc_undetermined(r, id);
    if (!u) fail_msg("%s is not undetermined", id);
    assert_int_equal(u->reason, reason);
    assert_int_equal(u->aux, aux);
    if (tc_violation(r, id)) fail_msg("%s is both undetermined and violated", id);
}

bool tc_names(const vxa_violation *v, const char *field, uint64_t value)
{
    vxa_field f = vxa_field_by_name(field);
    for (unsigned i = 0; i < v->nfields; i++)
        if (v->field[i] == f) return v->value[i] == value;
    return false;
}

bool tc_fixes(const vxa_violation *v, const char *field, uint64_t value)
{
    vxa_field f = vxa_field_by_name(field);
    for (unsigned i = 0; i < v->nfix; i++)
        if (v->fix_field[i] == f) return v->fix_value[i] == value;
    return false;
}

uint64_t tc_fix_of(const vxa_violation *v, vxa_field f)
{
    for (unsigned i = 0; i < v->nfix; i++)
        if (v->fix_field[i] == f) return v->fix_value[i];
    fail_msg("no fix for field %s", vxa_field_get(f)->name);
    return 0;
}
