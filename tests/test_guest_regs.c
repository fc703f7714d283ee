/* test_guest_regs.c — what the per-check JSON runner cannot express for SDM 27.3.1.1 and
 * 27.3.1.3: rules that become undetermined (missing MSR, CPUID feature not stated, model-specific
 * bits), the "Intel 64 architecture" gate, and the allowed-settings detail of the CR0 rules. */
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

/* Audits linux64 with a JSON patch (check_cases.h format). */
static const vxa_report *run(const char *patch_json)
{
    tc_audit("linux64", patch_json, NULL, VXA_MODEL_SDM, &rep);
    return &rep;
}

#define violation tc_violation

#define undetermined tc_undetermined

/* The rule is undetermined with this reason (and aux), and not reported as violated. */
#define assert_undet tc_assert_undetermined

static void assert_decided(const vxa_report *r, const char *id)
{
    if (undetermined(r, id)) fail_msg("%s is undetermined", id);
}

static void cr_fixed_msrs_missing(void **s)
{
    (void)s;
    const vxa_report *r = run("{\"msrs\": {\"0x486\": null, \"0x487\": null, \"0x488\": null, \"0x489\": null}}");
    assert_undet(r, "GUEST_CR0_FIXED0", VXA_UR_MSR_MISSING, 0x486);
    assert_undet(r, "GUEST_CR0_FIXED1", VXA_UR_MSR_MISSING, 0x487);
    assert_undet(r, "GUEST_CR4_FIXED0", VXA_UR_MSR_MISSING, 0x488);
    assert_undet(r, "GUEST_CR4_FIXED1", VXA_UR_MSR_MISSING, 0x489);
    /* With one MSR present its half is still decided. */
    r = run("{\"msrs\": {\"0x487\": null}, \"vmcs\": {\"GUEST_CR0\": \"0x80050013\"}}");
    assert_non_null(violation(r, "GUEST_CR0_FIXED0"));
    assert_decided(r, "GUEST_CR0_FIXED0");
    assert_undet(r, "GUEST_CR0_FIXED1", VXA_UR_MSR_MISSING, 0x487);
}

static void cr0_allowed_settings_with_unrestricted_guest(void **s)
{
    (void)s;
    /* UG: PE/PG leave must_be_1; NW/CD are never checked, so they are in may_be_1. */
    const vxa_report *r = run("{\"msrs\": {\"0x487\": \"0x9ffeffff\"}, \"vmcs\": {"
                              "\"SECONDARY_VM_EXEC_CONTROL\": \"0x10aa\", \"GUEST_CR0\": \"0xe0050033\", \"HOST_CR0\": \"0x80040033\"}}");
    const vxa_violation *v = violation(r, "GUEST_CR0_FIXED1");
    assert_non_null(v);
    assert_true(v->has_allowed);
    assert_int_equal(v->must_be_1, 0x20);
    assert_int_equal(v->may_be_1, 0xfffeffffull);
    assert_int_equal(v->bits, 0x10000);
    assert_int_equal(v->nfix, 1);
    assert_int_equal(v->fix_value[0], 0xe0040033ull);
    assert_int_equal(r->outcome.result, VXA_ENTRY_FAILURE);
    assert_int_equal(r->outcome.exit_reason, 33);
    assert_int_equal(r->outcome.nqual, 1);
    assert_int_equal(r->outcome.qual[0], 0);
}

static void cr3_lam_bits_unknown(void **s)
{
    (void)s;
    /* The Skylake profile does not state LAM: bits 62:61 can be neither accepted nor refused. */
    const vxa_report *r = run("{\"vmcs\": {\"GUEST_CR3\": \"0x4000000000003000\"}}");
    assert_undet(r, "GUEST_CR3_WIDTH", VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LAM);
    /* A bit beyond MAXPHYADDR is a violation whatever LAM says. */
    r = run("{\"vmcs\": {\"GUEST_CR3\": \"0x4000400000003000\"}}");
    const vxa_violation *v = violation(r, "GUEST_CR3_WIDTH");
    assert_non_null(v);
    assert_int_equal(v->bits, 0x400000000000ull);
    /* Without LAM bits nothing is undetermined. */
    r = run("{}");
    assert_decided(r, "GUEST_CR3_WIDTH");
}

static void model_specific_msr_bits(void **s)
{
    (void)s;
    const char *e8 = "\"msrs\": {\"0x484\": \"0x00ffffff000011ff\", \"0x490\": \"0x00ffffff000011fb\"}";
    char buf[600];
    /* IA32_DEBUGCTL.RTM_DEBUG (15) exists only with RTM. */
    const vxa_report *r = run("{\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x93ff\", \"GUEST_IA32_DEBUGCTL\": \"0x8000\"}}");
    assert_undet(r, "GUEST_DEBUGCTL_RESERVED", VXA_UR_MODEL_SPECIFIC, 0);
    /* A bit reserved everywhere wins over a model-specific one. */
    r = run("{\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x93ff\", \"GUEST_IA32_DEBUGCTL\": \"0x8010\"}}");
    const vxa_violation *v = violation(r, "GUEST_DEBUGCTL_RESERVED");
    assert_non_null(v);
    assert_int_equal(v->bits, 0x10);
    assert_int_equal(v->fix_value[0], 0x8000);
    /* IA32_PERF_GLOBAL_CTRL: the counter enables depend on CPUID.0AH, which linux64's profile
     * (il-xeon-8180-skylake-sp) does not carry: undetermined, naming the bits. */
    r = run("{\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0xb3fb\", \"GUEST_IA32_PERF_GLOBAL_CTRL\": \"0x700000003\"}}");
    assert_undet(r, "GUEST_PERF_GLOBAL_CTRL_RESERVED", VXA_UR_PMU_UNKNOWN, 0x700000003ull);
    /* IA32_RTIT_CTL.CYCEn depends on CPUID.14H. */
    snprintf(buf, sizeof buf, "{%s, \"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x493fb\", \"GUEST_IA32_RTIT_CTL\": \"0x3\"}}", e8);
    r = run(buf);
    assert_undet(r, "GUEST_RTIT_CTL_RESERVED", VXA_UR_MODEL_SPECIFIC, 0);
    snprintf(buf, sizeof buf, "{%s, \"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x493fb\", \"GUEST_IA32_RTIT_CTL\": \"0x2c0d\"}}", e8);
    r = run(buf);
    assert_decided(r, "GUEST_RTIT_CTL_RESERVED");
    /* IA32_LBR_CTL.CALL_STACK depends on CPUID.1CH. */
    snprintf(buf, sizeof buf, "{%s, \"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x2093fb\", \"GUEST_IA32_LBR_CTL\": \"0x9\"}}", e8);
    r = run(buf);
    assert_undet(r, "GUEST_LBR_CTL_RESERVED", VXA_UR_MODEL_SPECIFIC, 0);
}

static void s_cet_feature_unknown(void **s)
{
    (void)s;
    const char *head = "{\"msrs\": {\"0x484\": \"0x00ffffff000011ff\", \"0x490\": \"0x00ffffff000011fb\"}, ";
    char buf[600];
    snprintf(buf, sizeof buf, "%s\"cpuid\": {\"cet_ss\": null, \"cet_ibt\": true}, "
             "\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x1093fb\", \"GUEST_S_CET\": \"0x1\"}}", head);
    const vxa_report *r = run(buf);
    assert_undet(r, "GUEST_S_CET_RESERVED", VXA_UR_CPUID_UNKNOWN, VXA_CPUID_CET_SS);
    snprintf(buf, sizeof buf, "%s\"cpuid\": {\"cet_ss\": true, \"cet_ibt\": null}, "
             "\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x1093fb\", \"GUEST_S_CET\": \"0x4\"}}", head);
    r = run(buf);
    assert_undet(r, "GUEST_S_CET_RESERVED", VXA_UR_CPUID_UNKNOWN, VXA_CPUID_CET_IBT);
    /* Bits 9:6 are reserved whatever the features. */
    snprintf(buf, sizeof buf, "%s\"cpuid\": {\"cet_ss\": null, \"cet_ibt\": null}, "
             "\"vmcs\": {\"VM_ENTRY_CONTROLS\": \"0x1093fb\", \"GUEST_S_CET\": \"0x80\"}}", head);
    r = run(buf);
    assert_non_null(violation(r, "GUEST_S_CET_RESERVED"));
}

static void no_intel64(void **s)
{
    (void)s;
    /* A CPU without Intel 64: the 64-bit-only bullets are not performed. */
    const vxa_report *r = run("{\"cpuid\": {\"lm\": false}, \"vmcs\": {"
                              "\"GUEST_SYSENTER_ESP\": \"0x800000000000\", \"GUEST_SYSENTER_EIP\": \"0x800000000000\", "
                              "\"GUEST_GDTR_BASE\": \"0x800000000000\", \"GUEST_IDTR_BASE\": \"0x800000000000\", "
                              "\"GUEST_CR3\": \"0x800000003000\", \"GUEST_GDTR_LIMIT\": \"0x10000\"}}");
    assert_null(violation(r, "GUEST_SYSENTER_ESP_CANONICAL"));
    assert_null(violation(r, "GUEST_SYSENTER_EIP_CANONICAL"));
    assert_null(violation(r, "GUEST_GDTR_BASE_CANONICAL"));
    assert_null(violation(r, "GUEST_IDTR_BASE_CANONICAL"));
    assert_null(violation(r, "GUEST_CR3_WIDTH"));
    assert_non_null(violation(r, "GUEST_GDTR_LIMIT_HIGH"));   /* not an Intel 64 bullet */
    /* The same with Intel 64 (the profile's default from IA32_VMX_BASIC[48] = 0). */
    r = run("{\"vmcs\": {\"GUEST_SYSENTER_ESP\": \"0x800000000000\", \"GUEST_GDTR_BASE\": \"0x800000000000\"}}");
    assert_non_null(violation(r, "GUEST_SYSENTER_ESP_CANONICAL"));
    assert_non_null(violation(r, "GUEST_GDTR_BASE_CANONICAL"));
}

static void la57_canonical(void **s)
{
    (void)s;
    /* With 57-bit linear addresses, 0x0000800000000000 is canonical and bit 56 is the sign. */
    const vxa_report *r = run("{\"vmcs\": {\"GUEST_IDTR_BASE\": \"0x800000000000\"}}");
    assert_non_null(violation(r, "GUEST_IDTR_BASE_CANONICAL"));
    cJSON *p = cJSON_Parse("{\"vmcs\": {\"GUEST_IDTR_BASE\": \"0x800000000000\", \"GUEST_SYSENTER_EIP\": \"0x100000000000000\"}}");
    vxa_case c;
    char err[600];
    if (tc_build_case("linux64", p, &c, err, sizeof err)) fail_msg("%s", err);
    cJSON_Delete(p);
    c.profile.linear_address_width = 57;
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM };
    assert_int_equal(vxa_audit(&in, &rep), 0);
    assert_null(violation(&rep, "GUEST_IDTR_BASE_CANONICAL"));
    const vxa_violation *v = violation(&rep, "GUEST_SYSENTER_EIP_CANONICAL");
    assert_non_null(v);
    assert_int_equal(v->fix_value[0], 0xff00000000000000ull);
    vxa_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(cr_fixed_msrs_missing),
        cmocka_unit_test(cr0_allowed_settings_with_unrestricted_guest),
        cmocka_unit_test(cr3_lam_bits_unknown),
        cmocka_unit_test(model_specific_msr_bits),
        cmocka_unit_test(s_cet_feature_unknown),
        cmocka_unit_test(no_intel64),
        cmocka_unit_test(la57_canonical),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
