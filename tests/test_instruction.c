/* test_instruction.c — the shadow-VMCS precondition of VMLAUNCH/VMRESUME (SDM 27.1: a current
 * VMCS that is a shadow VMCS gives VMfailInvalid) across the engine, the bochs models' quirk, the
 * case codec (entry.current_vmcs_shadow, default false) and the binary encoding (flags bit 7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/binary.h"
#include "vmxaudit/codec.h"
#include "case_patch.h"

/* the linux64 layout with a shadow VMCS as the current VMCS */
static void shadow_case(vxa_case *c)
{
    cJSON *patch = cJSON_Parse("{ \"entry\": { \"current_vmcs_shadow\": true } }");
    char err[600];
    assert_int_equal(tc_build_case("linux64", patch, c, err, sizeof err), 0);
    cJSON_Delete(patch);
}

static int listed(const vxa_report *r, vxa_check id)
{
    int n = 0;
    for (unsigned i = 0; i < r->nviolations && i < VXA_MAX_VIOLATIONS; i++) n += r->violations[i].check == id;
    return n;
}

static void audit(const vxa_case *c, const vxa_entry *e, uint8_t model, vxa_report *r)
{
    vxa_memory m = vxa_case_memory(c);
    vxa_input in = { &c->profile, &c->vmcs, e, &m, model };
    assert_int_equal(vxa_audit(&in, r), 0);
}

static void shadow_vmcs_fails_invalid(void **state)
{
    (void)state;
    vxa_case c;
    static vxa_report r;
    shadow_case(&c);
    assert_true(c.entry.current_vmcs_shadow);
    audit(&c, &c.entry, VXA_MODEL_SDM, &r);
    assert_int_equal(listed(&r, VXA_C_VMLAUNCH_SHADOW_VMCS), 1);
    assert_int_equal(r.outcome.result, VXA_VMFAIL_INVALID);
    /* no current VMCS at all: that precondition alone, it comes first */
    vxa_entry e = c.entry;
    e.current_vmcs = false;
    audit(&c, &e, VXA_MODEL_SDM, &r);
    assert_int_equal(listed(&r, VXA_C_VMLAUNCH_SHADOW_VMCS), 0);
    assert_int_equal(listed(&r, VXA_C_VMLAUNCH_NO_CURRENT_VMCS), 1);
    /* before MOV-SS blocking (VMfailValid 26) */
    e = c.entry;
    e.movss_blocking = true;
    audit(&c, &e, VXA_MODEL_SDM, &r);
    assert_int_equal(r.outcome.result, VXA_VMFAIL_INVALID);
    /* VMRESUME too */
    e = c.entry;
    e.instruction = VXA_VMRESUME;
    e.launched = true;
    audit(&c, &e, VXA_MODEL_SDM, &r);
    assert_int_equal(r.outcome.result, VXA_VMFAIL_INVALID);
    /* the bochs models do not test the indicator (quirk SHADOW_VMCS_LAUNCHED): entered */
    audit(&c, &c.entry, VXA_MODEL_BOCHS_2_7, &r);
    assert_int_equal(listed(&r, VXA_C_VMLAUNCH_SHADOW_VMCS), 0);
    assert_int_equal(r.outcome.result, VXA_ENTERED);
    audit(&c, &c.entry, VXA_MODEL_BOCHS_3_0, &r);
    assert_int_equal(r.outcome.result, VXA_ENTERED);
    /* an ordinary current VMCS */
    e = c.entry;
    e.current_vmcs_shadow = false;
    audit(&c, &e, VXA_MODEL_SDM, &r);
    assert_int_equal(r.outcome.result, VXA_ENTERED);
    vxa_case_free(&c);
}

static void shadow_key_round_trips(void **state)
{
    (void)state;
    vxa_case c, d;
    vxa_error err;
    shadow_case(&c);
    char *s = vxa_case_to_json(&c);
    char *at = strstr(s, "\"current_vmcs_shadow\":\ttrue");
    assert_non_null(at);
    assert_int_equal(vxa_case_parse(s, strlen(s), "<test>", &d, &err), 0);
    assert_true(d.entry.current_vmcs_shadow);
    vxa_case_free(&d);
    /* not a boolean: an error naming the key */
    memcpy(strstr(at, "true"), "1234", 4);
    assert_int_not_equal(vxa_case_parse(s, strlen(s), "bad.json", &d, &err), 0);
    char msg[1200];
    vxa_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "current_vmcs_shadow"));
    free(s);
    /* the default (false) is not written */
    c.entry.current_vmcs_shadow = false;
    s = vxa_case_to_json(&c);
    assert_null(strstr(s, "current_vmcs_shadow"));
    free(s);
    vxa_case_free(&c);
}

static void shadow_flag_in_binary_cases(void **state)
{
    (void)state;
    static vxa_bin_case a, b;
    static uint8_t buf[4096];
    memset(&a, 0, sizeof a);
    vxa_profile_init(&a.profile);
    vxa_vmcs_init(&a.vmcs);
    vxa_entry_init(&a.entry);
    assert_false(a.entry.current_vmcs_shadow);
    a.entry.current_vmcs_shadow = true;
    size_t n = vxa_bin_encode(&a, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(buf[3] >> 7, 1);   /* the flags byte, bit 7 */
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    assert_true(b.entry.current_vmcs_shadow);
    buf[3] &= 0x7f;
    assert_int_equal(vxa_bin_decode(buf, n, &b), n);
    assert_false(b.entry.current_vmcs_shadow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shadow_vmcs_fails_invalid),
        cmocka_unit_test(shadow_key_round_trips),
        cmocka_unit_test(shadow_flag_in_binary_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
