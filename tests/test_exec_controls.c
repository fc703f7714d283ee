/* test_exec_controls.c — SDM 27.2.1.1 checks beyond what the per-check JSON runner expresses:
 * undetermined rules (capability MSR not captured, virtual-APIC page unreadable) and the exact
 * fields, bits, allowed settings and fixes the violations carry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

static vxa_report rep;

/* Builds linux64 + patch (JSON text) and audits it with the case's memory, or with `mem`. */
static void run(const char *patch, const vxa_memory *mem)
{
    tc_audit("linux64", patch, mem, VXA_MODEL_SDM, &rep);
}

static const vxa_violation *viol(vxa_check id) { return tc_violation(&rep, vxa_check_get(id)->id); }

static const vxa_undetermined *undet(vxa_check id) { return tc_undetermined(&rep, vxa_check_get(id)->id); }

static uint64_t fix_of(const vxa_violation *v, vxa_field f) { return tc_fix_of(v, f); }

static void assert_undet(vxa_check id, vxa_undet_reason why, uint64_t aux)
{
    tc_assert_undetermined(&rep, vxa_check_get(id)->id, why, aux);
}

#define TERT "\"0x482\": \"0xfffbfffe0401e172\", \"0x48e\": \"0xfffbfffe04006172\""

/* ---- undetermined ---- */

static void proc3_msr_missing(void **s)
{
    (void)s;
    run("{\"msrs\": {" TERT ", \"0x492\": null}, \"vmcs\": {\"CPU_BASED_VM_EXEC_CONTROL\": "
        "\"0x94026172\", \"TERTIARY_VM_EXEC_CONTROL\": \"0x80\"}}", NULL);
    assert_int_equal(rep.nviolations, 0);
    assert_undet(VXA_C_CTRL_PROC3_ALLOWED1, VXA_UR_MSR_MISSING, 0x492);
    assert_true(rep.outcome_assumes_undetermined_pass);
    assert_int_equal(rep.outcome.result, VXA_ENTERED);
}

static void eptp_cap_missing(void **s)
{
    (void)s;
    run("{\"msrs\": {\"0x48c\": null}}", NULL);
    assert_int_equal(rep.nviolations, 0);
    assert_undet(VXA_C_CTRL_EPTP_MEMTYPE, VXA_UR_MSR_MISSING, 0x48c);
    assert_undet(VXA_C_CTRL_EPTP_WALK_LENGTH, VXA_UR_MSR_MISSING, 0x48c);
    assert_null(undet(VXA_C_CTRL_EPTP_AD));    /* bits 6 and 7 are 0: decided without the MSR */
    assert_null(undet(VXA_C_CTRL_EPTP_SSS));
    run("{\"msrs\": {\"0x48c\": null}, \"vmcs\": {\"EPT_POINTER\": \"0x200de\"}}", NULL);
    assert_undet(VXA_C_CTRL_EPTP_AD, VXA_UR_MSR_MISSING, 0x48c);
    assert_undet(VXA_C_CTRL_EPTP_SSS, VXA_UR_MSR_MISSING, 0x48c);
    /* the reserved-bit rule needs no capability MSR */
    run("{\"msrs\": {\"0x48c\": null}, \"vmcs\": {\"EPT_POINTER\": \"0x2021e\"}}", NULL);
    assert_non_null(viol(VXA_C_CTRL_EPTP_RESERVED));
}

static void vmfunc_msr_missing(void **s)
{
    (void)s;
    /* il-xeon-8180-skylake-sp allows "enable VM functions" but its dump lacks IA32_VMX_VMFUNC */
    run("{\"vmcs\": {\"SECONDARY_VM_EXEC_CONTROL\": \"0x302a\", \"VM_FUNCTION_CONTROL\": \"0x1\", "
        "\"EPTP_LIST_ADDRESS\": \"0x16000\"}}", NULL);
    assert_int_equal(rep.nviolations, 0);
    assert_undet(VXA_C_CTRL_VMFUNC_RESERVED, VXA_UR_MSR_MISSING, 0x491);
    /* no VM function enabled: nothing to decide */
    run("{\"vmcs\": {\"SECONDARY_VM_EXEC_CONTROL\": \"0x302a\", \"VM_FUNCTION_CONTROL\": \"0x0\"}}", NULL);
    assert_null(undet(VXA_C_CTRL_VMFUNC_RESERVED));
}

static void cr3_count_misc_missing(void **s)
{
    (void)s;
    run("{\"msrs\": {\"0x485\": null}, \"vmcs\": {\"CR3_TARGET_COUNT\": \"0x5\"}}", NULL);
    assert_null(viol(VXA_C_CTRL_CR3_TARGET_COUNT));
    assert_undet(VXA_C_CTRL_CR3_TARGET_COUNT, VXA_UR_MSR_MISSING, 0x485);
    run("{\"msrs\": {\"0x485\": null}, \"vmcs\": {\"CR3_TARGET_COUNT\": \"0x4\"}}", NULL);
    assert_null(undet(VXA_C_CTRL_CR3_TARGET_COUNT));
}

static void hlat_prefix_cap_missing(void **s)
{
    (void)s;
    run("{\"msrs\": {" TERT ", \"0x492\": \"0x2\", \"0x48c\": null}, \"vmcs\": {"
        "\"CPU_BASED_VM_EXEC_CONTROL\": \"0x94026172\", \"TERTIARY_VM_EXEC_CONTROL\": \"0x2\", "
        "\"HLAT_POINTER\": \"0x1c000\", \"HLAT_PREFIX_SIZE\": \"0x1\"}}", NULL);
    assert_null(viol(VXA_C_CTRL_HLAT_PREFIX_SIZE));
    assert_undet(VXA_C_CTRL_HLAT_PREFIX_SIZE, VXA_UR_MSR_MISSING, 0x48c);
}

static int unreadable(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    (void)ctx; (void)pa; (void)buf; (void)len;
    return -1;
}

static void vtpr_memory_unknown(void **s)
{
    (void)s;
    vxa_memory none = { unreadable, NULL };
    run("{\"vmcs\": {\"CPU_BASED_VM_EXEC_CONTROL\": \"0x94206172\", \"VIRTUAL_APIC_PAGE_ADDR\": "
        "\"0x11000\", \"TPR_THRESHOLD\": \"0x3\"}}", &none);
    assert_int_equal(rep.nviolations, 0);
    assert_undet(VXA_C_CTRL_TPR_THRESHOLD_VTPR, VXA_UR_MEMORY, 0x11080);
    /* a misaligned virtual-APIC address is reported; the page is not read */
    run("{\"vmcs\": {\"CPU_BASED_VM_EXEC_CONTROL\": \"0x94206172\", \"VIRTUAL_APIC_PAGE_ADDR\": "
        "\"0x11010\", \"TPR_THRESHOLD\": \"0x3\"}}", &none);
    assert_non_null(viol(VXA_C_CTRL_VAPIC_ADDR_ALIGN));
    assert_null(undet(VXA_C_CTRL_TPR_THRESHOLD_VTPR));
}

/* ---- what violations carry ---- */

static void allowed_settings_detail(void **s)
{
    (void)s;
    run("{\"vmcs\": {\"PIN_BASED_VM_EXEC_CONTROL\": \"0x114\"}}", NULL);
    const vxa_violation *v0 = viol(VXA_C_CTRL_PIN_ALLOWED0), *v1 = viol(VXA_C_CTRL_PIN_ALLOWED1);
    assert_non_null(v0);
    assert_non_null(v1);
    assert_int_equal(v0->bits, 0x2);
    assert_int_equal(v1->bits, 0x100);
    assert_true(v1->has_allowed);
    assert_int_equal(v1->must_be_1, 0x16);
    assert_int_equal(v1->may_be_1, 0xff);
    assert_int_equal(fix_of(v1, VXA_F_PIN_BASED_VM_EXEC_CONTROL), 0x16);
    assert_int_equal(rep.outcome.result, VXA_VMFAIL_VALID);
    assert_int_equal(rep.outcome.nerror, 1);
    assert_int_equal(rep.outcome.error[0], 7);
}

static void eptp_fixes(void **s)
{
    (void)s;
    run("{\"vmcs\": {\"EPT_POINTER\": \"0x2001d\"}}", NULL);   /* type 5 (WP) */
    const vxa_violation *v = viol(VXA_C_CTRL_EPTP_MEMTYPE);
    assert_non_null(v);
    assert_int_equal(fix_of(v, VXA_F_EPT_POINTER), 0x2001e);     /* WB */
    /* only UC supported: the fix picks UC */
    run("{\"msrs\": {\"0x48c\": \"0x00000f0106730141\"}, \"vmcs\": {\"EPT_POINTER\": \"0x2001e\"}}", NULL);
    v = viol(VXA_C_CTRL_EPTP_MEMTYPE);
    assert_non_null(v);
    assert_int_equal(fix_of(v, VXA_F_EPT_POINTER), 0x20018);
    /* neither: no fix */
    run("{\"msrs\": {\"0x48c\": \"0x00000f0106730041\"}, \"vmcs\": {\"EPT_POINTER\": \"0x2001e\"}}", NULL);
    v = viol(VXA_C_CTRL_EPTP_MEMTYPE);
    assert_non_null(v);
    assert_int_equal(v->nfix, 0);
    /* walk length 2 (3-level): 4-level it is */
    run("{\"vmcs\": {\"EPT_POINTER\": \"0x20016\"}}", NULL);
    v = viol(VXA_C_CTRL_EPTP_WALK_LENGTH);
    assert_non_null(v);
    assert_int_equal(fix_of(v, VXA_F_EPT_POINTER), 0x2001e);
    /* reserved bits 11:8 and beyond MAXPHYADDR 46 */
    run("{\"vmcs\": {\"EPT_POINTER\": \"0x800000002031e\"}}", NULL);
    v = viol(VXA_C_CTRL_EPTP_RESERVED);
    assert_non_null(v);
    assert_int_equal(v->bits, 0x8000000000300ull);
    assert_int_equal(fix_of(v, VXA_F_EPT_POINTER), 0x2001e);
}

static void dependency_fixes(void **s)
{
    (void)s;
    /* VID without external-interrupt exiting: the fix sets external-interrupt exiting */
    run("{\"vmcs\": {\"CPU_BASED_VM_EXEC_CONTROL\": \"0x94206172\", \"SECONDARY_VM_EXEC_CONTROL\": "
        "\"0x122a\"}}", NULL);
    const vxa_violation *v = viol(VXA_C_CTRL_VID_EXT_INTR_EXITING);
    assert_non_null(v);
    assert_int_equal(v->field[0], VXA_F_PIN_BASED_VM_EXEC_CONTROL);
    assert_int_equal(v->bits, 0x1);
    assert_int_equal(fix_of(v, VXA_F_PIN_BASED_VM_EXEC_CONTROL), 0x17);
    /* ... unless the profile forbids it: then the fix clears VID */
    run("{\"msrs\": {\"0x481\": \"0x000000fe00000016\", \"0x48d\": \"0x000000fe00000016\"}, \"vmcs\": "
        "{\"CPU_BASED_VM_EXEC_CONTROL\": \"0x94206172\", \"SECONDARY_VM_EXEC_CONTROL\": \"0x122a\"}}", NULL);
    v = viol(VXA_C_CTRL_VID_EXT_INTR_EXITING);
    assert_non_null(v);
    assert_int_equal(v->nfix, 1);
    assert_int_equal(fix_of(v, VXA_F_SECONDARY_VM_EXEC_CONTROL), 0x102a);
    /* Intel PT uses GPA: the fix sets the two missing controls, leaving EPT alone */
    run("{\"msrs\": {\"0x48b\": \"0x035f7fff00000000\", \"0x483\": \"0x03ffffff00036dff\", "
        "\"0x48f\": \"0x03ffffff00036dfb\", \"0x484\": \"0x0007ffff000011ff\", \"0x490\": "
        "\"0x0007ffff000011fb\"}, \"vmcs\": {\"SECONDARY_VM_EXEC_CONTROL\": \"0x100102a\"}}", NULL);
    v = viol(VXA_C_CTRL_PT_GPA_CONTROLS);
    assert_non_null(v);
    assert_int_equal(v->nfields, 3);
    assert_int_equal(v->nfix, 2);
    assert_int_equal(fix_of(v, VXA_F_VM_ENTRY_CONTROLS), 0x493fb);
    assert_int_equal(fix_of(v, VXA_F_VM_EXIT_CONTROLS), 0x233effb);
    /* APIC virtualization without TPR shadow: the offending secondary bits, cleared */
    run("{\"vmcs\": {\"PIN_BASED_VM_EXEC_CONTROL\": \"0x17\", \"SECONDARY_VM_EXEC_CONTROL\": \"0x133a\"}}", NULL);
    v = viol(VXA_C_CTRL_APICV_TPR_SHADOW);
    assert_non_null(v);
    assert_int_equal(v->bits, 0x310);
    assert_int_equal(fix_of(v, VXA_F_SECONDARY_VM_EXEC_CONTROL), 0x102a);
}

static void vtpr_detail(void **s)
{
    (void)s;
    run("{\"memory\": [{\"address\": \"0x11080\", \"data\": \"37\"}], \"vmcs\": {"
        "\"CPU_BASED_VM_EXEC_CONTROL\": \"0x94206172\", \"VIRTUAL_APIC_PAGE_ADDR\": \"0x11000\", "
        "\"TPR_THRESHOLD\": \"0x9\"}}", NULL);
    const vxa_violation *v = viol(VXA_C_CTRL_TPR_THRESHOLD_VTPR);
    assert_non_null(v);
    assert_int_equal(v->aux, 0x37);
    assert_int_equal(fix_of(v, VXA_F_TPR_THRESHOLD), 0x3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proc3_msr_missing),
        cmocka_unit_test(eptp_cap_missing),
        cmocka_unit_test(vmfunc_msr_missing),
        cmocka_unit_test(cr3_count_misc_missing),
        cmocka_unit_test(hlat_prefix_cap_missing),
        cmocka_unit_test(vtpr_memory_unknown),
        cmocka_unit_test(allowed_settings_detail),
        cmocka_unit_test(eptp_fixes),
        cmocka_unit_test(dependency_fixes),
        cmocka_unit_test(vtpr_detail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
