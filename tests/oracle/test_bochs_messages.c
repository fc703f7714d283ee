/* test_bochs_messages.c — the Bochs message table names only real check IDs, matching picks
 * the longest prefix of the failure line, and the messages whose Bochs check covers two of the
 * SDM's bullets stand for both (observed in generated campaigns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "bochs_messages.h"

static void ids_exist(void **s)
{
    (void)s;
    for (size_t i = 0; i < vxa_bochs_message_count(); i++) {
        char buf[600];
        strncpy(buf, vxa_bochs_message_ids(i), sizeof buf - 1);
        buf[sizeof buf - 1] = 0;
        for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
            if (vxa_check_by_id(t) == VXA_CHECK_COUNT) fail_msg("unknown check ID %s in entry %zu", t, i);
    }
    assert_true(vxa_bochs_message_count() > 100);
}

static void longest_prefix(void **s)
{
    (void)s;
    const char *msg;
    const char *log = "WRMSR: whatever\nVMFAIL: VMCS host EFER reserved bits set !\nVMEXIT: x\n";
    assert_string_equal(vxa_bochs_message_checks(log, &msg), "HOST_EFER_RSVD");   /* not "host EFER" */
    assert_non_null(msg);
    assert_string_equal(vxa_bochs_message_checks("VMFAIL: VMCS host EFER (0x00000901) inconsistent value !", &msg),
                        "HOST_EFER_LMA_LME");
    assert_null(vxa_bochs_message_checks("VMEXIT: EPT violation\n", &msg));
    assert_null(msg);
    assert_null(vxa_bochs_message_checks("VMFAIL: something new\n", &msg));
    assert_non_null(msg);   /* a failure message the table does not know */
}

/* A report holding one violation of check c: does the message's line agree with it? */
static bool agrees(const char *line, vxa_check c)
{
    static vxa_report r;
    memset(&r, 0, sizeof r);
    r.nviolations = 1;
    r.violations[0].check = (uint16_t)c;
    const char *msg, *ids = vxa_bochs_message_checks(line, &msg);
    return ids && vxa_bochs_message_agrees(ids, &r);
}

static void one_message_two_bullets(void **s)
{
    (void)s;
    /* Bochs 2.7 masks the 32-bit pending debug exceptions with 0xFFFFFFFFFFFFAFF0: bit 16 (RTM)
     * set on a CPU without RTM fails as "reserved bits" (a campaign of generator version 3, seed
     * 21, corei7_skylake_x, model sdm); the engine names 27.3.1.5's RTM bullet */
    assert_true(agrees("VMENTER FAIL: VMCS guest tmpDR6 reserved bits", VXA_C_GUEST_PENDING_DBG_RTM));
    assert_true(agrees("VMENTER FAIL: VMCS guest tmpDR6 reserved bits", VXA_C_GUEST_PENDING_DBG_RESERVED));
    /* Bochs compares all 32 bits at the link pointer with the revision identifier when "VMCS
     * shadowing" is 0: bit 31 set fails as "incorrect revision ID -N != N" (the same campaign);
     * the engine names the shadow-indicator bullet */
    assert_true(agrees("VMFAIL: VMCS link pointer incorrect revision ID -2147483647 != 1", VXA_C_GUEST_LINK_PTR_SHADOW));
    assert_true(agrees("VMFAIL: VMCS link pointer incorrect revision ID 2 != 1", VXA_C_GUEST_LINK_PTR_REVISION));
    assert_false(agrees("VMFAIL: VMCS link pointer incorrect revision ID 2 != 1", VXA_C_GUEST_LINK_PTR_WIDTH));
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(ids_exist), cmocka_unit_test(longest_prefix),
                                        cmocka_unit_test(one_message_two_bullets) };
    return cmocka_run_group_tests_name("bochs_messages", tests, NULL, NULL);
}
