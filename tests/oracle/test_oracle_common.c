/* test_oracle_common.c — the host-side oracle helpers without any backend: report lines,
 * batch encoding, case checks, the text case form, the in-guest prediction. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "batch.h"
#include "case_text.h"
#include "payload_abi.h"
#include "prediction.h"
#include "report.h"

static void result_line_vmfail(void **state)
{
    (void)state;
    struct vxa_oracle_result r;
    uint32_t id = 0;
    vxa_oracle_result_init(&r);
    assert_int_equal(vxa_report_result_line("@R 1f vmfail_valid err=7 fill=6c16:1001337,4004:ffffffff w=1234:c", &id, &r), 1);
    assert_int_equal(id, 0x1f);
    assert_int_equal(r.kind, VXA_ORACLE_VMFAIL_VALID);
    assert_int_equal(r.error, 7);
    assert_int_equal(r.nreplaced, 2);
    assert_int_equal(r.replaced[0].encoding, 0x6c16);
    assert_int_equal(r.replaced[0].value, 0x1001337);
    assert_int_equal(r.replaced[1].value, 0xffffffff);
    assert_int_equal(r.nvmwrite_errors, 1);
    assert_int_equal(r.vmwrite_errors[0].encoding, 0x1234);
    assert_int_equal(r.vmwrite_errors[0].error, 12);
    vxa_oracle_result_free(&r);
}

static void result_line_exits(void **state)
{
    (void)state;
    struct vxa_oracle_result r;
    uint32_t id;
    vxa_oracle_result_init(&r);
    assert_int_equal(vxa_report_result_line("@R 0 exited reason=80000022 qual=1", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_ENTRY_FAILURE);
    assert_int_equal(r.exit_reason, 0x80000022u);
    assert_int_equal(r.qualification, 1);
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 2 exited reason=0 qual=0 intr=80000b06 hostfault=e", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_EXITED);
    assert_int_equal(r.exit_intr_info, 0x80000b06u);
    assert_int_equal(r.host_fault_vector, 14);
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 3 unsupported what=prime-exit", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_UNSUPPORTED);
    assert_string_equal(r.detail, "prime-exit");
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 4 nonroot_exit reason=1b qual=0", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_NONROOT_EXIT);
    assert_int_equal(r.exit_reason, 27);
    assert_string_equal(vxa_oracle_kind_name(r.kind), "nonroot_exit");
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 3 nonsense", &id, &r), -1);
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 3 exited reason=zz", &id, &r), -1);
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@B 3", &id, &r), 0);
}

/* The in-guest audit's keys and the host-written lines (payload_abi.h). */
static void result_line_prediction(void **state)
{
    (void)state;
    struct vxa_oracle_result r;
    uint32_t id;
    vxa_oracle_result_init(&r);
    assert_false(r.live.present);
    assert_int_equal(r.live.agrees, -1);
    assert_int_equal(vxa_report_result_line("@R 4 exited reason=80000021 qual=0 fill=6c16:1 pr=3 "
                                            "px=21 pq=0,3 pn=2 pc=10,1a pu=1 pa=1 pf=2 pok=1", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_ENTRY_FAILURE);
    assert_true(r.live.present);
    assert_int_equal(r.live.result, 3);
    assert_int_equal(r.live.exit_reason, 33);
    assert_int_equal(r.live.nqual, 2);
    assert_int_equal(r.live.qual[1], 3);
    assert_int_equal(r.live.nviolations, 2);
    assert_int_equal(r.live.ncheck, 2);
    assert_int_equal(r.live.check[0], 0x10);
    assert_int_equal(r.live.check[1], 0x1a);
    assert_int_equal(r.live.nundetermined, 1);
    assert_true(r.live.assumes_undetermined_pass);
    assert_int_equal(r.live.nread_failed, 2);
    assert_int_equal(r.live.agrees, 1);
    assert_int_equal(r.nreplaced, 1);
    vxa_oracle_result_free(&r);
    assert_false(r.live.present);

    assert_int_equal(vxa_report_result_line("@R 5 vmfail_valid err=7 pr=2 pe=7,8 pn=0 pu=0 pok=0", &id, &r), 1);
    assert_int_equal(r.live.nerror, 2);
    assert_int_equal(r.live.error[1], 8);
    assert_int_equal(r.live.ncheck, 0);
    assert_int_equal(r.live.agrees, 0);
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 5 vmfail_valid err=7 pc=1,", &id, &r), -1);
    vxa_oracle_result_free(&r);

    /* more check indices than the line may carry: the first VXA_ORACLE_MAX_CHECKS are kept */
    char line[512] = "@R 6 vmfail_valid err=7 pr=2 pe=7 pn=30 pc=0";
    for (int i = 1; i < 30; i++) snprintf(line + strlen(line), sizeof line - strlen(line), ",%x", i);
    assert_int_equal(vxa_report_result_line(line, &id, &r), 1);
    assert_int_equal(r.live.ncheck, VXA_ORACLE_MAX_CHECKS);
    assert_int_equal(r.live.check[VXA_ORACLE_MAX_CHECKS - 1], VXA_ORACLE_MAX_CHECKS - 1);
    vxa_oracle_result_free(&r);

    assert_int_equal(vxa_report_result_line("@R 7 crash what=triple-fault", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_CRASHED);
    assert_string_equal(r.detail, "triple-fault");
    vxa_oracle_result_free(&r);
    assert_int_equal(vxa_report_result_line("@R 8 timeout ms=3000", &id, &r), 1);
    assert_int_equal(r.kind, VXA_ORACLE_TIMEOUT);
    assert_string_equal(r.detail, "no report within 3000 ms");
    vxa_oracle_result_free(&r);
}

/* The prediction against a hosted report: outcome and violated checks. */
static void prediction_compare(void **state)
{
    (void)state;
    static vxa_report h;
    memset(&h, 0, sizeof h);
    h.outcome.result = VXA_VMFAIL_VALID;
    h.outcome.nerror = 1;
    h.outcome.error[0] = 7;
    h.nviolations = 2;
    h.violations[0].check = 3;
    h.violations[1].check = 9;
    struct vxa_oracle_prediction p = { .present = true, .result = VXA_VMFAIL_VALID, .nerror = 1,
                                       .error = { 7 }, .nviolations = 2, .ncheck = 2,
                                       .check = { 3, 9 } };
    char why[256];
    assert_true(vxa_prediction_same(&p, &h, why, sizeof why));
    p.check[1] = 10;
    assert_false(vxa_prediction_same(&p, &h, why, sizeof why));
    assert_non_null(strstr(why, "violation 2"));
    p.check[1] = 9;
    p.nviolations = 3;
    assert_false(vxa_prediction_same(&p, &h, why, sizeof why));
    p.nviolations = 2;
    p.error[0] = 8;
    assert_false(vxa_prediction_same(&p, &h, why, sizeof why));
    assert_non_null(strstr(why, "outcome"));
    p.error[0] = 7;
    vxa_prediction_to_text(&p, why, sizeof why);
    assert_non_null(strstr(why, "2 violations: "));
}

static void probe_lines(void **state)
{
    (void)state;
    struct vxa_oracle_probe p;
    memset(&p, 0, sizeof p);
    assert_int_equal(vxa_report_probe_line("@H msr 481 7f00000016", &p), 1);
    assert_int_equal(vxa_report_probe_line("@H msr 492 absent d", &p), 1);
    assert_int_equal(vxa_report_probe_line("@H cpuid 80000008 0 3028 0 0 0", &p), 1);
    assert_int_equal(vxa_report_probe_line("@H vmxon ok", &p), 1);
    assert_int_equal(vxa_report_probe_line("@H engine api=1 checks=17b fields=c7", &p), 1);
    assert_int_equal(p.engine_api, 1);
    assert_int_equal(p.engine_checks, 0x17b);
    assert_int_equal(p.engine_fields, 0xc7);
    assert_int_equal(vxa_report_probe_line("@R 0 vmfail_invalid", &p), 0);
    assert_int_equal(p.msr_present, 1u << 1);
    assert_int_equal(p.msr[1], 0x7f00000016ull);
    assert_int_equal(vxa_oracle_probe_maxphyaddr(&p), 40);
    assert_int_equal(vxa_oracle_probe_linear_width(&p), 48);
    assert_true(p.vmx_on);
}

static void batch_layout(void **state)
{
    (void)state;
    const uint8_t data[3] = { 0x0f, 0xa2, 0xf4 };
    struct vxa_oracle_field f[2] = { { 0x4000, 0x16 }, { 0x681e, 0x2000 } };
    struct vxa_oracle_blob b = { 0x2000, data, sizeof data };
    struct vxa_oracle_case c[2] = {
        { .instruction = VXA_ORACLE_VMRESUME, .launched = true, .fields = f, .nfields = 2,
          .blobs = &b, .nblobs = 1, .vmx_non_root = true },
        { .instruction = VXA_ORACLE_VMLAUNCH, .movss_blocking = true, .model = 1, .no_audit = true,
          .cpl = 2 },
    };
    size_t idx[2] = { 1, 0 }, len, n;
    uint8_t *buf = vxa_batch_encode(c, idx, 2, 1 << 20, &len, &n);
    assert_non_null(buf);
    assert_int_equal(n, 2);
    struct vxa_batch_header h;
    memcpy(&h, buf, sizeof h);
    assert_int_equal(h.magic, VXA_BATCH_MAGIC);
    assert_int_equal(h.count, 2);
    assert_int_equal(h.size, len);
    struct vxa_batch_case r0, r1;
    memcpy(&r0, buf + 16, sizeof r0);
    assert_int_equal(r0.id, 1);
    assert_int_equal(r0.size, 24);
    assert_int_equal(r0.flags, VXA_CASE_MOVSS_BLOCKING | VXA_CASE_NO_AUDIT);
    assert_int_equal(r0.model, VXA_BATCH_MODEL_BOCHS_2_7);
    assert_int_equal(r0.env, 2);                             /* CPL 2 */
    memcpy(&r1, buf + 16 + 24, sizeof r1);
    assert_int_equal(r1.id, 0);
    assert_int_equal(r1.instruction, VXA_INSN_VMRESUME);
    assert_int_equal(r1.flags, VXA_CASE_LAUNCHED);
    assert_int_equal(r1.model, VXA_BATCH_MODEL_SDM);
    assert_int_equal(r1.env, VXA_ENV_NON_ROOT);
    assert_int_equal(r1.size, 24 + 2 * 16 + 16 + 8);
    struct vxa_batch_field bf;
    memcpy(&bf, buf + 16 + 24 + 24 + 16, sizeof bf);
    assert_int_equal(bf.encoding, 0x681e);
    assert_int_equal(bf.value, 0x2000);
    assert_memory_equal(buf + 16 + 24 + 24 + 32 + 16, data, 3);
    assert_int_equal(len, 16 + 24 + r1.size);
    free(buf);
}

/* A VMXON record: the vxa_batch_vmxon after the case header, flags for VMXOFF and shadow. */
static void batch_vmxon(void **state)
{
    (void)state;
    const uint8_t rev[4] = { 0x2b, 0, 0, 0 };
    struct vxa_oracle_blob b = { 0x20000, rev, 4 };
    struct vxa_oracle_case c = { .instruction = VXA_ORACLE_VMXON, .outside_vmx = true,
                                 .vmxon_address = 0x20000, .cr0 = 0x80050033, .cr4 = 0x2020,
                                 .feature_control = 5, .blobs = &b, .nblobs = 1 };
    int unsupported;
    assert_null(vxa_case_check(&c, &unsupported));
    size_t idx = 0, len, enc;
    uint8_t *buf = vxa_batch_encode(&c, &idx, 1, VXA_BATCH_MAX, &len, &enc);
    assert_non_null(buf);
    assert_int_equal(len, 16 + 24 + 32 + 16 + 8);
    struct vxa_batch_case bc;
    struct vxa_batch_vmxon x;
    memcpy(&bc, buf + 16, sizeof bc);
    memcpy(&x, buf + 16 + 24, sizeof x);
    assert_int_equal(bc.instruction, VXA_INSN_VMXON);
    assert_int_equal(bc.flags, VXA_CASE_OUTSIDE_VMX);
    assert_int_equal(x.vmxon_address, 0x20000);
    assert_int_equal(x.cr0, 0x80050033);
    assert_int_equal(x.cr4, 0x2020);
    assert_int_equal(x.feature_control, 5);
    assert_memory_equal(buf + 16 + 24 + 32 + 16, rev, 4);
    free(buf);
    struct vxa_oracle_field f = { 0x681e, 0 };
    c.fields = &f;
    c.nfields = 1;                                          /* VMXON writes no VMCS */
    assert_non_null(vxa_case_check(&c, &unsupported));
    c.instruction = VXA_ORACLE_VMLAUNCH;
    c.shadow_vmcs = true;
    buf = vxa_batch_encode(&c, &idx, 1, VXA_BATCH_MAX, &len, &enc);
    memcpy(&bc, buf + 16, sizeof bc);
    assert_int_equal(bc.flags, VXA_CASE_OUTSIDE_VMX | VXA_CASE_SHADOW_VMCS);
    assert_int_equal(len, 16 + 24 + 16 + 16 + 8);
    free(buf);
}

static void case_checks(void **state)
{
    (void)state;
    int unsupported;
    const uint8_t d[16] = { 0 };
    struct vxa_oracle_blob out = { 0x9f000 - 8, d, 16 };     /* crosses the arena's end */
    struct vxa_oracle_case c = { .blobs = &out, .nblobs = 1 };
    assert_non_null(vxa_case_check(&c, &unsupported));
    assert_int_equal(unsupported, 0);
    out.address = 0x100000;
    assert_null(vxa_case_check(&c, &unsupported));
    c.cpl = 3;                                               /* ring.S runs it */
    assert_null(vxa_case_check(&c, &unsupported));
    c.compat = true;                                         /* but not in compatibility mode */
    assert_non_null(vxa_case_check(&c, &unsupported));
    assert_int_equal(unsupported, 1);
    c.compat = false;
    c.vmx_non_root = true;                                   /* nor in VMX non-root operation */
    assert_non_null(vxa_case_check(&c, &unsupported));
    assert_int_equal(unsupported, 1);
    c.cpl = 0;
    assert_null(vxa_case_check(&c, &unsupported));
    c.vmx_non_root = false;
    c.smm = true;
    assert_non_null(vxa_case_check(&c, &unsupported));
    assert_int_equal(unsupported, 1);
    c.smm = false;
    c.vmcs_address = 0x5008;
    assert_non_null(vxa_case_check(&c, &unsupported));
    c.vmcs_address = 0;
    c.model = VXA_BATCH_MODEL_BOCHS_3_0 + 1;                 /* no such engine model */
    assert_non_null(vxa_case_check(&c, &unsupported));
    assert_int_equal(unsupported, 0);
}

static void text_cases(void **state)
{
    (void)state;
    char text[] = "# comment\n\nvmresume launched GUEST_RIP=0x2000 0x4000=22 @0x2000=0fa2\n"
                  "vmlaunch nofill novmcs movss vmcs=0x5000 model=bochs-2.7 noaudit\n";
    FILE *f = fmemopen(text, strlen(text), "r");
    struct vxa_case_list l;
    char err[256];
    assert_int_equal(vxa_case_text_read(f, &l, err, sizeof err), 0);
    fclose(f);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.cases[0].instruction, VXA_ORACLE_VMRESUME);
    assert_true(l.cases[0].launched);
    assert_int_equal(l.cases[0].nfields, 2);
    assert_int_equal(l.cases[0].fields[0].encoding, 0x681e);
    assert_int_equal(l.cases[0].fields[1].value, 22);
    assert_int_equal(l.cases[0].nblobs, 1);
    assert_int_equal(l.cases[0].blobs[0].length, 2);
    assert_int_equal(l.cases[0].blobs[0].data[1], 0xa2);
    assert_true(l.cases[1].no_fill && l.cases[1].no_current_vmcs && l.cases[1].movss_blocking);
    assert_int_equal(l.cases[1].vmcs_address, 0x5000);
    assert_int_equal(l.cases[0].model, 0);
    assert_false(l.cases[0].no_audit);
    assert_int_equal(l.cases[1].model, 1);
    assert_true(l.cases[1].no_audit);
    vxa_case_list_free(&l);

    char badmodel[] = "vmlaunch model=kvm\n";
    f = fmemopen(badmodel, strlen(badmodel), "r");
    assert_int_equal(vxa_case_text_read(f, &l, err, sizeof err), -1);
    fclose(f);
    assert_non_null(strstr(err, "unknown model 'kvm'"));

    char bad[] = "vmlaunch GUEST_RIPP=1\n";
    f = fmemopen(bad, strlen(bad), "r");
    assert_int_equal(vxa_case_text_read(f, &l, err, sizeof err), -1);
    fclose(f);
    assert_non_null(strstr(err, "line 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(result_line_vmfail), cmocka_unit_test(result_line_exits),
        cmocka_unit_test(result_line_prediction), cmocka_unit_test(prediction_compare),
        cmocka_unit_test(probe_lines), cmocka_unit_test(batch_layout),
        cmocka_unit_test(case_checks),
        cmocka_unit_test(batch_vmxon), cmocka_unit_test(text_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
