/* test_import_dumps.c — the VMCS dump importers on text as published dumps were written
 * (tests/realworld holds the raw messages): lines a mail client wrapped where no '=' or ','
 * marks the break are re-joined, a reply written between the dump's lines is not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/import.h"

static vxa_vmcs v;
static vxa_dump_info info;

static void import_xen(const char *text)
{
    vxa_error e;
    if (vxa_import_xen(text, strlen(text), "dump.txt", &v, &info, &e)) fail_msg("refused: %s", e.message);
}

static void expect_field(const char *name, uint64_t want)
{
    vxa_field f = vxa_field_by_name(name);
    if (f == VXA_F_NONE) fail_msg("no field %s", name);
    if (!vxa_is_set(&v, f)) fail_msg("%s not imported", name);
    if (vxa_get(&v, f) != want)
        fail_msg("%s = 0x%llx, expected 0x%llx", name, (unsigned long long)vxa_get(&v, f), (unsigned long long)want);
}

static unsigned warnings_about(const char *needle)
{
    unsigned n = 0;
    for (unsigned i = 0; i < info.nwarnings && i < VXA_DUMP_MAX_WARNINGS; i++)
        if (strstr(info.warning[i].text, needle)) n++;
    return n;
}

/* xen-devel, 2019-11-04 (tests/realworld/xen-movss-icebp-singlestep.txt): Thunderbird wrapped
 * the quoted "(XEN) [time] " lines at 72 columns after a complete value or in a key. */
static const char wrapped[] =
    ">>>> (XEN) [2019-11-02 14:09:46] *** Guest State ***\n"
    ">>>> (XEN) [2019-11-02 14:09:46] RSP = 0xffff8c0f4dd71e98\n"
    ">>>> (0xffff8c0f4dd71e98)  RIP = 0xffffd18a040bb75e (0xffffd18a040bb75e)\n"
    ">>>> (XEN) [2019-11-02 14:09:46] *** Host State ***\n"
    ">>>> (XEN) [2019-11-02 14:09:46] RIP = 0xffff82d080341950\n"
    ">>>> (vmx_asm_vmexit_handler)  RSP = 0xffff83083ff0ff70\n"
    ">>>> (XEN) [2019-11-02 14:09:46] *** Control State ***\n"
    ">>>> (XEN) [2019-11-02 14:09:46] VMEntry: intr_info=80000501\n"
    ">>>> errcode=00000000 ilen=00000001\n"
    ">>>> (XEN) [2019-11-02 14:09:46] VMExit: intr_info=80000501\n"
    ">>>> errcode=00000000 ilen=00000001\n"
    ">>>> (XEN) [2019-11-02 14:09:46]         reason=80000021\n"
    ">>>> qualification=0000000000000003\n"
    ">>>> (XEN) [2019-11-02 14:09:46] TSC Offset = 0xfffff45ded46dd57  TSC\n"
    ">>>> Multiplier = 0x0001000000000000\n"
    ">>>> (XEN) [2019-11-02 14:09:46] EPT pointer = 0x000000054e3a701e  EPTP\n"
    ">>>> index = 0x0002\n"
    ">>>> (XEN) [2019-11-02 14:09:46] Virtual processor ID = 0x5a02 VMfunc\n"
    ">>>> controls = 0000000000000001\n"
    ">>>> (XEN) [2019-11-02 14:09:46] **************************************\n";

static void test_wrapped_without_marker(void **state)
{
    (void)state;
    import_xen(wrapped);
    expect_field("GUEST_RSP", 0xffff8c0f4dd71e98ull);
    expect_field("GUEST_RIP", 0xffffd18a040bb75eull);
    expect_field("HOST_RIP", 0xffff82d080341950ull);
    expect_field("HOST_RSP", 0xffff83083ff0ff70ull);
    expect_field("VM_ENTRY_INTR_INFO_FIELD", 0x80000501);
    expect_field("VM_ENTRY_EXCEPTION_ERROR_CODE", 0);
    expect_field("VM_ENTRY_INSTRUCTION_LEN", 1);
    expect_field("TSC_OFFSET", 0xfffff45ded46dd57ull);
    expect_field("TSC_MULTIPLIER", 0x0001000000000000ull);
    expect_field("EPT_POINTER", 0x000000054e3a701eull);
    expect_field("EPTP_INDEX", 2);
    expect_field("VIRTUAL_PROCESSOR_ID", 0x5a02);
    expect_field("VM_FUNCTION_CONTROL", 1);
    assert_true(info.has_exit);
    assert_int_equal(info.exit_reason, 0x80000021);
    assert_int_equal(info.exit_qualification, 3);
    if (info.nwarnings) fail_msg("%u warnings, the first: line %u %s", info.nwarnings, info.warning[0].line, info.warning[0].text);
}

/* A reply written between the dump's lines (kvm@vger, 2023-08-02) is no continuation: it stays a
 * warning, and the line before it keeps its value. */
static const char reply[] =
    "> *** Guest State ***\n"
    "> GDTR:                           limit=0x00001031, base=0x001f000000000200\n"
    "\n"
    "The GDT base is non-canonical, that's likely the direct source of the consistency\n"
    "check.  \n"
    "\n"
    "> IDTR:                           limit=0x00000000, base=0x0000000000000000\n"
    "> Interruptibility = 00000000  ActivityState = 00000000\n"
    "Frobnicator = 12\n"
    "> *** Host State ***\n"
    "> RIP = 0xffffffffc09a444f  RSP = 0xffffa3aa0d2fbd50\n";

static void test_reply_not_joined(void **state)
{
    (void)state;
    vxa_error e;
    if (vxa_import_kvm_dmesg(reply, strlen(reply), "reply.txt", &v, &info, &e)) fail_msg("refused: %s", e.message);
    expect_field("GUEST_GDTR_BASE", 0x001f000000000200ull);
    expect_field("GUEST_IDTR_LIMIT", 0);
    expect_field("GUEST_ACTIVITY_STATE", 0);
    expect_field("HOST_RSP", 0xffffa3aa0d2fbd50ull);
    assert_int_equal(warnings_about("The GDT base is non-canonical"), 1);
    assert_int_equal(warnings_about("'check.'"), 1);
    /* a line right after a dump line, with a key the dump does not have, is not its continuation */
    assert_int_equal(warnings_about("Frobnicator = 12"), 1);
    assert_int_equal(info.nwarnings, 3);
}

/* A repeated warning of the line a continuation is joined to is dropped (it was given once). */
static void test_join_keeps_one_warning(void **state)
{
    (void)state;
    import_xen("(XEN) *** Guest State ***\n"
               "(XEN) RSP = 0x10  Interruptibility = 1000000000  SM\n"
               "Base = 0x00000020\n");
    expect_field("GUEST_RSP", 0x10);
    expect_field("GUEST_SMBASE", 0x20);
    assert_int_equal(warnings_about("wider than the field GUEST_INTERRUPTIBILITY_INFO"), 1);
    assert_int_equal(info.nwarnings, 1);
}

/* Timestamps the writer elided ("[…]", U+2026, or "[...]") are prefixes like the timestamps
 * (kvm@vger, 2023-03-30, tests/realworld/kvm-nested-cr0wp-triple-fault-entered.txt). */
static void test_elided_timestamps(void **state)
{
    (void)state;
    static const char text[] =
        "[\xe2\x80\xa6] VMX: TRIPLE FAULT!\n"
        "[\xe2\x80\xa6] *** Guest State ***\n"
        "[\xe2\x80\xa6] CR3 = 0x0000000002684000\n"
        "[...] RSP = 0xfffffe8040087f50  RIP = 0xffffffff8105d435\n"
        "[ \xe2\x80\xa6 ] TR:   sel=0x0000, attr=0x0008b, limit=0x0000ffff,\n"
        "base=0x0000000000000000\n";
    vxa_error e;
    if (vxa_import_kvm_dmesg(text, strlen(text), "elided.txt", &v, &info, &e)) fail_msg("refused: %s", e.message);
    expect_field("GUEST_CR3", 0x2684000);
    expect_field("GUEST_RSP", 0xfffffe8040087f50ull);
    expect_field("GUEST_TR_AR_BYTES", 0x8b);
    expect_field("GUEST_TR_BASE", 0);
    if (info.nwarnings) fail_msg("%u warnings, the first: %s", info.nwarnings, info.warning[0].text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapped_without_marker),
        cmocka_unit_test(test_reply_not_joined),
        cmocka_unit_test(test_join_keeps_one_warning),
        cmocka_unit_test(test_elided_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
