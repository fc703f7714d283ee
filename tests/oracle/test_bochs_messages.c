/* test_bochs_messages.c — the Bochs message table names only real check IDs, and matching picks
 * the longest prefix of the failure line. */
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

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(ids_exist), cmocka_unit_test(longest_prefix) };
    return cmocka_run_group_tests_name("bochs_messages", tests, NULL, NULL);
}
