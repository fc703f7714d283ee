/* check_cases.h — the per-check tests' helpers (cmocka): cases built from a bundled layout and
 * a patch (harness/fuzz/case_patch.h), audited, and the report searched. */
#ifndef VMXAUDIT_TESTS_CHECK_CASES_H
#define VMXAUDIT_TESTS_CHECK_CASES_H

#include "case_patch.h"

/* For cmocka tests (they fail the running test on error):
 * builds `layout` + patch (JSON text) and audits it into *r with the case's memory (or `mem`)
 * under `model`. */
void tc_audit(const char *layout, const char *patch_json, const vxa_memory *mem, uint8_t model,
              vxa_report *r);
/* The violation / undetermined entry of a check in a report, or NULL (the ID must exist). */
const vxa_violation *tc_violation(const vxa_report *r, const char *id);
const vxa_undetermined *tc_undetermined(const vxa_report *r, const char *id);
/* Asserts the check is undetermined for `reason` with `aux`, and not violated. */
void tc_assert_undetermined(const vxa_report *r, const char *id, unsigned reason, uint64_t aux);
/* Does the violation name field = value / fix field to value? */
bool tc_names(const vxa_violation *v, const char *field, uint64_t value);
bool tc_fixes(const vxa_violation *v, const char *field, uint64_t value);
/* The violation's fix for f (fails the test if it has none). */
uint64_t tc_fix_of(const vxa_violation *v, vxa_field f);

#endif
