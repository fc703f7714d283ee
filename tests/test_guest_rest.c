/* test_guest_rest.c — what the per-check JSON runner cannot express for SDM 27.3.1.4-27.3.1.6,
 * 27.4 and the advisories: undetermined rules (missing MSRs, model-specific rules, unreadable
 * memory, MSR values the profile cannot judge), the bound on the MSR-load list, and outcomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "check_cases.h"

static vxa_report r;

/* Builds linux64 + a JSON patch and audits it with the given memory reader (NULL: the case's). */
static void run(const char *patch, const vxa_memory *mem, uint8_t model)
{
    tc_audit("linux64", patch, mem, model, &r);
}

static const vxa_undetermined *undet(vxa_check id) { return tc_undetermined(&r, vxa_check_get(id)->id); }

static unsigned nviol(void) { return r.nviolations; }

static const vxa_violation *viol(vxa_check id) { return tc_violation(&r, vxa_check_get(id)->id); }

/* NMI injection under blocking by STI: model-specific in the SDM (qualification 3 where a
 * processor requires bit 0 = 0) — undetermined, and the prediction says it assumes a pass. */
static void nmi_sti_undetermined(void **s)
{
    (void)s;
    run("{\"vmcs\":{\"GUEST_INTERRUPTIBILITY_INFO\":\"0x1\",\"GUEST_RFLAGS\":\"0x202\","
        "\"VM_ENTRY_INTR_INFO_FIELD\":\"0x80000202\"}}", NULL, VXA_MODEL_SDM);
    assert_int_equal(nviol(), 0);
    const vxa_undetermined *u = undet(VXA_C_GUEST_INTR_NMI_STI);
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MODEL_SPECIFIC);
    assert_int_equal(r.outcome.result, VXA_ENTERED);
    assert_true(r.outcome_assumes_undetermined_pass);
    /* Bochs 2.7 fails it, with qualification 0 */
    run("{\"vmcs\":{\"GUEST_INTERRUPTIBILITY_INFO\":\"0x1\",\"GUEST_RFLAGS\":\"0x202\","
        "\"VM_ENTRY_INTR_INFO_FIELD\":\"0x80000202\"}}", NULL, VXA_MODEL_BOCHS_2_7);
    assert_non_null(viol(VXA_C_GUEST_INTR_NMI_STI));
    assert_int_equal(r.outcome.nqual, 1);
    assert_int_equal(r.outcome.qual[0], 0);
}

/* A missing IA32_VMX_MISC makes the activity-state support undetermined, not a pass or a fail. */
static void activity_misc_missing(void **s)
{
    (void)s;
    run("{\"msrs\":{\"0x485\":null},\"vmcs\":{\"GUEST_ACTIVITY_STATE\":\"0x1\"}}", NULL, VXA_MODEL_SDM);
    assert_null(viol(VXA_C_GUEST_ACTIVITY_UNSUPPORTED));
    const vxa_undetermined *u = undet(VXA_C_GUEST_ACTIVITY_UNSUPPORTED);
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MSR_MISSING);
    assert_int_equal(u->aux, 0x485);
    /* the active state needs no support bit */
    run("{\"msrs\":{\"0x485\":null},\"vmcs\":{\"GUEST_ACTIVITY_STATE\":\"0x0\"}}", NULL, VXA_MODEL_SDM);
    assert_null(undet(VXA_C_GUEST_ACTIVITY_UNSUPPORTED));
}

/* The enclave-interruption bit and the RTM bit need CPUID features the profile does not carry. */
static void sgx_rtm_undetermined(void **s)
{
    (void)s;
    run("{\"vmcs\":{\"GUEST_INTERRUPTIBILITY_INFO\":\"0x10\",\"GUEST_PENDING_DBG_EXCEPTIONS\":\"0x11000\"}}",
        NULL, VXA_MODEL_SDM);
    assert_int_equal(nviol(), 0);
    assert_non_null(undet(VXA_C_GUEST_INTR_ENCLAVE));
    assert_non_null(undet(VXA_C_GUEST_PENDING_DBG_RTM));
}

/* The link pointer: qualification 4 in the outcome; a guest failure with other qualifications
 * predicts the set. */
static void link_pointer_outcome(void **s)
{
    (void)s;
    run("{\"vmcs\":{\"VMCS_LINK_POINTER\":\"0x30000\",\"GUEST_RFLAGS\":\"0x0\"},"
        "\"memory\":[{\"address\":\"0x30000\",\"data\":\"05000000\"}]}", NULL, VXA_MODEL_SDM);
    assert_non_null(viol(VXA_C_GUEST_LINK_PTR_REVISION));
    assert_int_equal(viol(VXA_C_GUEST_LINK_PTR_REVISION)->qualification, 4);
    assert_int_equal(r.outcome.result, VXA_ENTRY_FAILURE);
    assert_int_equal(r.outcome.exit_reason, 33);
    assert_int_equal(r.outcome.nqual, 2);
    assert_int_equal(r.outcome.qual[0], 0);
    assert_int_equal(r.outcome.qual[1], 4);
    /* without IA32_VMX_BASIC the revision cannot be compared */
    run("{\"msrs\":{\"0x480\":null},\"vmcs\":{\"VMCS_LINK_POINTER\":\"0x30000\"},"
        "\"memory\":[{\"address\":\"0x30000\",\"data\":\"05000000\"}]}", NULL, VXA_MODEL_SDM);
    assert_null(viol(VXA_C_GUEST_LINK_PTR_REVISION));
    assert_non_null(undet(VXA_C_GUEST_LINK_PTR_REVISION));
}

/* A reader that knows nothing: every memory-reading rule is undetermined. */
static int reads_fail(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    (void)ctx; (void)pa; (void)buf; (void)len;
    return -1;
}

static void memory_unknown(void **s)
{
    (void)s;
    vxa_memory none = { reads_fail, NULL };
    run("{\"vmcs\":{\"VMCS_LINK_POINTER\":\"0x30000\",\"VM_ENTRY_CONTROLS\":\"0x91fb\",\"GUEST_IA32_EFER\":\"0x0\","
        "\"GUEST_CS_AR_BYTES\":\"0xc09b\",\"SECONDARY_VM_EXEC_CONTROL\":\"0x1028\","
        "\"VM_ENTRY_MSR_LOAD_ADDR\":\"0x20000\",\"VM_ENTRY_MSR_LOAD_COUNT\":\"0x2\"}}", &none, VXA_MODEL_SDM);
    assert_int_equal(nviol(), 0);
    const vxa_undetermined *u = undet(VXA_C_GUEST_LINK_PTR_REVISION);
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MEMORY);
    assert_int_equal(u->aux, 0x30000);
    assert_non_null(undet(VXA_C_GUEST_LINK_PTR_SHADOW));
    u = undet(VXA_C_GUEST_PDPTE2_RSVD);
    assert_non_null(u);
    assert_int_equal(u->aux, 0x3010);
    u = undet(VXA_C_MSRLOAD_RESERVED);
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MEMORY);
    assert_int_equal(u->aux, 0x20000);
    assert_true(r.outcome_assumes_undetermined_pass);
}

/* MSRs whose acceptance of a value the profile cannot judge. */
static void msr_value_undetermined(void **s)
{
    (void)s;
    /* IA32_DEBUGCTL (1D9H) = 1, then a microcode MSR */
    run("{\"vmcs\":{\"VM_ENTRY_MSR_LOAD_ADDR\":\"0x20000\",\"VM_ENTRY_MSR_LOAD_COUNT\":\"0x2\"},"
        "\"memory\":[{\"address\":\"0x20000\",\"data\":\"d9010000000000000100000000000000"
        "790000000000000000000000000000ff\"}]}", NULL, VXA_MODEL_SDM);
    const vxa_undetermined *u = undet(VXA_C_MSRLOAD_VALUE_GP);
    assert_non_null(u);
    assert_int_equal(u->reason, VXA_UR_MSR_VALUE);
    assert_int_equal(u->aux, 0x1d9);
    const vxa_violation *v = viol(VXA_C_ADV_MSRLOAD_MODEL_SPECIFIC);
    assert_non_null(v);
    assert_int_equal(v->index, 2);
    assert_int_equal(v->aux, 0x79);
    assert_int_equal(r.outcome.result, VXA_ENTERED);            /* advisories never decide */
    assert_true(r.outcome_assumes_undetermined_pass);
}

/* The MSR-load outcome: exit 34, the first failing entry; a guest-state failure comes first. */
static void msr_outcome(void **s)
{
    (void)s;
    const char *list = "\"memory\":[{\"address\":\"0x20000\",\"data\":\"810000c0000000000000000000000000"
                       "000100c000000000000000000000000008080000000000000000000000000000\"}]";
    char buf[600];
    snprintf(buf, sizeof buf, "{\"vmcs\":{\"VM_ENTRY_MSR_LOAD_ADDR\":\"0x20000\",\"VM_ENTRY_MSR_LOAD_COUNT\":\"0x3\"},%s}", list);
    run(buf, NULL, VXA_MODEL_SDM);
    assert_non_null(viol(VXA_C_MSRLOAD_FS_GS_BASE));
    assert_int_equal(viol(VXA_C_MSRLOAD_FS_GS_BASE)->index, 2);
    assert_int_equal(viol(VXA_C_MSRLOAD_X2APIC)->index, 3);
    assert_int_equal(r.outcome.result, VXA_ENTRY_FAILURE);
    assert_int_equal(r.outcome.exit_reason, 34);
    assert_int_equal(r.outcome.nqual, 1);
    assert_int_equal(r.outcome.qual[0], 2);
    snprintf(buf, sizeof buf, "{\"vmcs\":{\"VM_ENTRY_MSR_LOAD_ADDR\":\"0x20000\",\"VM_ENTRY_MSR_LOAD_COUNT\":\"0x3\","
             "\"GUEST_RFLAGS\":\"0x0\"},%s}", list);
    run(buf, NULL, VXA_MODEL_SDM);
    assert_int_equal(r.outcome.exit_reason, 33);
}

/* The list is read at most up to the recommended maximum + 1 entries, whatever the count. */
static unsigned nreads;
static uint64_t last_pa;
static int count_reads(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    (void)ctx;
    if (pa >= 0x20000 && len == 16) { nreads++; last_pa = pa; }
    memset(buf, 0, len);
    ((uint8_t *)buf)[0] = len == 16 ? 0x81 : 0;   /* IA32_STAR at each entry: accepted */
    if (len == 16) { ((uint8_t *)buf)[1] = 0; ((uint8_t *)buf)[2] = 0; ((uint8_t *)buf)[3] = 0xc0; }
    return 0;
}

static void msr_list_bounded(void **s)
{
    (void)s;
    vxa_memory m = { count_reads, NULL };
    nreads = 0;
    run("{\"vmcs\":{\"VM_ENTRY_MSR_LOAD_ADDR\":\"0x20000\",\"VM_ENTRY_MSR_LOAD_COUNT\":\"0xffffffff\"}}", &m, VXA_MODEL_SDM);
    assert_int_equal(nreads, 513);                       /* MISC[27:25] = 0: 512 + 1 */
    assert_int_equal(last_pa, 0x20000 + 16 * 512);
    assert_non_null(viol(VXA_C_ADV_MSRLOAD_COUNT_MAX));
    nreads = 0;
    run("{\"msrs\":{\"0x485\":null},\"vmcs\":{\"VM_ENTRY_MSR_LOAD_ADDR\":\"0x20000\",\"VM_ENTRY_MSR_LOAD_COUNT\":\"0xffffffff\"}}",
        &m, VXA_MODEL_SDM);
    assert_int_equal(nreads, 4097);                      /* MISC unknown: the largest maximum + 1 */
    assert_non_null(undet(VXA_C_ADV_MSRLOAD_COUNT_MAX));
    assert_null(viol(VXA_C_ADV_MSRLOAD_COUNT_MAX));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nmi_sti_undetermined),
        cmocka_unit_test(activity_misc_missing),
        cmocka_unit_test(sgx_rtm_undetermined),
        cmocka_unit_test(link_pointer_outcome),
        cmocka_unit_test(memory_unknown),
        cmocka_unit_test(msr_value_undetermined),
        cmocka_unit_test(msr_outcome),
        cmocka_unit_test(msr_list_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
