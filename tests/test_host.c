/* test_host.c — what the per-check JSON runner cannot express for the host-state (27.2.2-27.2.4)
 * and VMXON checks: undetermined rules, violation details (bits, allowed settings, fixes) and
 * profile properties that a patch cannot set (linear-address width, an unknown CPUID.LM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

static vxa_case cs;
static vxa_report rep;

/* Builds linux64 + patch (JSON text) into cs. */
static void build(const char *patch)
{
    char err[600];
    cJSON *p = cJSON_Parse(patch);
    if (!p) fail_msg("bad patch JSON: %s", patch);
    if (tc_build_case("linux64", p, &cs, err, sizeof err)) fail_msg("%s", err);
    cJSON_Delete(p);
}

static void audit(void)
{
    vxa_memory m = vxa_case_memory(&cs);
    vxa_input in = { &cs.profile, &cs.vmcs, &cs.entry, &m, VXA_MODEL_SDM };
    assert_int_equal(vxa_audit(&in, &rep), 0);
}

static const vxa_violation *viol(const char *id) { return tc_violation(&rep, id); }

static const vxa_undetermined *undet(const char *id) { return tc_undetermined(&rep, id); }

#define fix_of tc_fix_of

static void teardown(void) { vxa_case_free(&cs); }

/* ---- 27.2.2 ---- */

static void perf_global_ctrl_undetermined(void **st)
{
    (void)st;
    build("{\"vmcs\": {\"VM_EXIT_CONTROLS\": \"0x33fffb\", \"HOST_IA32_PERF_GLOBAL_CTRL\": \"0x70000000f\"}}");
    audit();
    assert_int_equal(rep.nviolations, 0);
    const vxa_undetermined *u = undet("HOST_PERF_GLOBAL_CTRL_RSVD");
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_PMU_UNKNOWN);   /* linux64's profile carries no CPUID.0AH */
    assert_int_equal(u->aux, 0x70000000full);
    assert_int_equal(rep.outcome.result, VXA_ENTERED);
    assert_true(rep.outcome_assumes_undetermined_pass);
    teardown();
    /* Zero has no reserved bit set; without the control, nothing is read. */
    build("{\"vmcs\": {\"VM_EXIT_CONTROLS\": \"0x33fffb\", \"HOST_IA32_PERF_GLOBAL_CTRL\": \"0x0\"}}");
    audit();
    assert_null(undet("HOST_PERF_GLOBAL_CTRL_RSVD"));
    teardown();
    build("{\"vmcs\": {\"HOST_IA32_PERF_GLOBAL_CTRL\": \"0xffffffffffffffff\"}}");
    audit();
    assert_null(undet("HOST_PERF_GLOBAL_CTRL_RSVD"));
    teardown();
}

static void cr_fixed_msr_missing(void **st)
{
    (void)st;
    /* FIXED1 missing: its half is undetermined; the FIXED0 half is still decided. */
    build("{\"msrs\": {\"0x487\": null}, \"vmcs\": {\"HOST_CR0\": \"0x0\"}}");
    audit();
    assert_non_null(viol("HOST_CR0_FIXED0"));
    assert_null(viol("HOST_CR0_FIXED1"));
    assert_null(undet("HOST_CR0_FIXED0"));
    const vxa_undetermined *u = undet("HOST_CR0_FIXED1");
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MSR_MISSING);
    assert_int_equal(u->aux, 0x487);
    teardown();
}

static void cr_fixed_details(void **st)
{
    (void)st;
    /* NE and PE missing, bit 32 set, CD/NW set (never checked). */
    build("{\"vmcs\": {\"HOST_CR0\": \"0x1e0050012\"}}");
    audit();
    const vxa_violation *v0 = viol("HOST_CR0_FIXED0"), *v1 = viol("HOST_CR0_FIXED1");
    assert_non_null(v0);
    assert_non_null(v1);
    assert_int_equal(v0->bits, 0x21);
    assert_int_equal(v1->bits, 0x100000000ull);
    assert_true(v0->has_allowed);
    assert_int_equal(v0->must_be_1, 0x80000021ull);
    assert_int_equal(v0->may_be_1, 0xffffffffull);
    assert_int_equal(fix_of(v0, VXA_F_HOST_CR0), 0xe0050033ull);
    assert_int_equal(rep.outcome.result, VXA_VMFAIL_VALID);
    assert_int_equal(rep.outcome.nerror, 1);
    assert_int_equal(rep.outcome.error[0], 8);
    teardown();
}

static void cr3_lam_unknown(void **st)
{
    (void)st;
    /* The skylake profile does not state LAM: bit 62 alone is undetermined. */
    build("{\"vmcs\": {\"HOST_CR3\": \"0x4000000000001000\"}}");
    audit();
    assert_null(viol("HOST_CR3_WIDTH"));
    const vxa_undetermined *u = undet("HOST_CR3_WIDTH");
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_CPUID_UNKNOWN);
    assert_int_equal(u->aux, VXA_CPUID_LAM);
    teardown();
    /* Bit 63 is reserved either way; the fix clears it and leaves the LAM bit. */
    build("{\"vmcs\": {\"HOST_CR3\": \"0xc000000000001000\"}}");
    audit();
    const vxa_violation *v = viol("HOST_CR3_WIDTH");
    assert_non_null(v);
    assert_int_equal(v->bits, 0x8000000000000000ull);
    assert_int_equal(fix_of(v, VXA_F_HOST_CR3), 0x4000000000001000ull);
    teardown();
}

static void pat_fix(void **st)
{
    (void)st;
    build("{\"vmcs\": {\"VM_EXIT_CONTROLS\": \"0x3beffb\", \"HOST_IA32_PAT\": \"0x0206050403000706\"}}");
    audit();
    const vxa_violation *v = viol("HOST_PAT_MEMTYPE");
    assert_non_null(v);
    assert_int_equal(v->bits, 0xff000000ff000000ull);
    assert_int_equal(fix_of(v, VXA_F_HOST_IA32_PAT), 0x0006050400000706ull);
    teardown();
}

static void efer_lma_lme(void **st)
{
    (void)st;
    build("{\"vmcs\": {\"HOST_IA32_EFER\": \"0xc01\"}}");   /* LMA, NXE set; LME clear; HAS = 1 */
    audit();
    const vxa_violation *v = viol("HOST_EFER_LMA_LME");
    assert_non_null(v);
    assert_int_equal(v->bits, 0x100);
    assert_int_equal(fix_of(v, VXA_F_HOST_IA32_EFER), 0xd01);
    assert_null(viol("HOST_EFER_RSVD"));   /* bit 11 (NXE) is defined */
    teardown();
}

/* ---- 27.2.3 / 27.2.4: processor without a stated CPUID.LM, 57-bit linear addresses ---- */

static void intel64_unknown(void **st)
{
    (void)st;
    build("{\"vmcs\": {\"HOST_IA32_SYSENTER_ESP\": \"0x800000000000\", \"HOST_FS_BASE\": \"0x800000000000\", \"HOST_CR3\": \"0x400000000000\"}}");
    cs.profile.cpuid_known &= ~(uint32_t)VXA_CPUID_LM;
    cs.profile.cpuid &= ~(uint32_t)VXA_CPUID_LM;
    audit();
    assert_null(viol("HOST_SYSENTER_ESP_CANONICAL"));
    assert_null(viol("HOST_FS_BASE_CANONICAL"));
    assert_null(viol("HOST_CR3_WIDTH"));
    assert_non_null(undet("HOST_SYSENTER_ESP_CANONICAL"));
    assert_non_null(undet("HOST_FS_BASE_CANONICAL"));
    assert_non_null(undet("HOST_CR3_WIDTH"));
    const vxa_undetermined *u = undet("HOST_NO_INTEL64_ADDRSZ");   /* HAS and IA-32e guest are 1 */
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_CPUID_UNKNOWN);
    assert_int_equal(u->aux, VXA_CPUID_LM);
    teardown();
}

static void la57_canonical(void **st)
{
    (void)st;
    /* 57-bit canonical values: fine for bases and MSRs on an LA57 processor; host RIP is
     * canonical relative to the host CR4.LA57 that VM exit loads. */
    build("{\"msrs\": {\"0x489\": \"0x7777ff\"}, \"vmcs\": {\"HOST_RIP\": \"0xff80000000000000\", \"HOST_FS_BASE\": \"0xff80000000000000\", \"HOST_IA32_SYSENTER_EIP\": \"0x00ff000000000000\"}}");
    cs.profile.linear_address_width = 57;
    audit();
    assert_null(viol("HOST_FS_BASE_CANONICAL"));
    assert_null(viol("HOST_SYSENTER_EIP_CANONICAL"));
    const vxa_violation *v = viol("HOST_HAS1_RIP_CANONICAL");
    assert_non_null(v);
    assert_int_equal(fix_of(v, VXA_F_HOST_RIP), 0);
    vxa_set(&cs.vmcs, VXA_F_HOST_CR4, 0x3020);   /* CR4.LA57 = 1 */
    audit();
    assert_null(viol("HOST_HAS1_RIP_CANONICAL"));
    assert_int_equal(rep.nviolations, 0);
    teardown();
}

/* ---- VMXON ---- */

#define VMXON_BASE "\"entry\": {\"instruction\": \"vmxon\", \"vmx_operation\": false"

static void vmxon_enters(void **st)
{
    (void)st;
    build("{" VMXON_BASE ", \"vmxon_address\": \"0x20000\"}, \"memory\": [{\"address\": \"0x20000\", \"data\": \"04000000\"}]}");
    audit();
    assert_int_equal(rep.nviolations, 0);
    assert_int_equal(rep.nundetermined, 0);
    assert_int_equal(rep.outcome.result, VXA_ENTERED);
    teardown();
}

static void vmxon_no_address(void **st)
{
    (void)st;
    build("{" VMXON_BASE "}}");
    audit();
    assert_int_equal(rep.nviolations, 0);
    assert_non_null(undet("VMXON_PTR_ALIGN"));
    assert_non_null(undet("VMXON_REVISION"));
    assert_true(rep.outcome_assumes_undetermined_pass);
    teardown();
}

static void vmxon_no_basic(void **st)
{
    (void)st;
    build("{" VMXON_BASE ", \"vmxon_address\": \"0x20000\"}, \"msrs\": {\"0x480\": null}, \"memory\": [{\"address\": \"0x20000\", \"data\": \"04000000\"}]}");
    audit();
    assert_null(viol("VMXON_REVISION"));
    const vxa_undetermined *u = undet("VMXON_REVISION");
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MSR_MISSING);
    assert_int_equal(u->aux, 0x480);
    teardown();
}

static void vmxon_order(void **st)
{
    (void)st;
    /* #UD (CR4.VMXE) comes before #GP (feature control) and VMfailInvalid (revision). */
    build("{" VMXON_BASE ", \"vmxon_address\": \"0x20000\", \"cr4\": \"0x20\", \"feature_control\": \"0x0\"}}");
    audit();
    assert_non_null(viol("VMXON_UD_CR4_VMXE"));
    assert_non_null(viol("VMXON_FEATURE_CONTROL_LOCK"));
    assert_non_null(viol("VMXON_REVISION"));
    assert_int_equal(rep.outcome.result, VXA_FAULT);
    assert_int_equal(rep.outcome.vector, 6);
    teardown();
    /* A bad pointer: the region is not read. */
    build("{" VMXON_BASE ", \"vmxon_address\": \"0x20010\"}}");
    audit();
    assert_non_null(viol("VMXON_PTR_ALIGN"));
    assert_null(viol("VMXON_REVISION"));
    assert_int_equal(rep.outcome.result, VXA_VMFAIL_INVALID);
    teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(perf_global_ctrl_undetermined),
        cmocka_unit_test(cr_fixed_msr_missing),
        cmocka_unit_test(cr_fixed_details),
        cmocka_unit_test(cr3_lam_unknown),
        cmocka_unit_test(pat_fix),
        cmocka_unit_test(efer_lma_lme),
        cmocka_unit_test(intel64_unknown),
        cmocka_unit_test(la57_canonical),
        cmocka_unit_test(vmxon_enters),
        cmocka_unit_test(vmxon_no_address),
        cmocka_unit_test(vmxon_no_basic),
        cmocka_unit_test(vmxon_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
