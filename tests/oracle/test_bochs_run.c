/* test_bochs_run.c — cases through the Bochs oracle: the outcomes of
 * shared/reference/bochs-checks.md §8, the launch-state and environment variants, and the
 * driver's survival of a host that triple-faults or hangs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "bochs_test.h"
#include "good_layout.h"
#include "session.h"
#include "vmxaudit/vmxaudit.h"

#define F_PIN 0x4000u
#define F_PROC 0x4002u
#define F_EXIT 0x400cu
#define F_ENTRY 0x4012u
#define F_ENTRY_MSR_LOAD_COUNT 0x4014u
#define F_ENTRY_MSR_LOAD_ADDR 0x200au
#define F_GUEST_RFLAGS 0x6820u
#define F_HOST_IDTR_BASE 0x6c0eu
#define F_HOST_RIP 0x6c16u
#define F_GUEST_RIP 0x681eu

static struct vxa_oracle_probe probe;
static const char *model = "corei7_skylake_x";

/* A case built on the known-good layout, with extra fields and blobs. */
struct tcase {
    struct vxa_good_layout g;
    struct vxa_oracle_blob blobs[8];
};

static void good(struct tcase *t)
{
    assert_int_equal(vxa_good_layout(&probe, &t->g), 0);
    for (size_t i = 0; i < t->g.c.nblobs; i++) t->blobs[i] = t->g.blobs[i];
    t->g.c.blobs = t->blobs;
}

static void add_blob(struct tcase *t, uint64_t addr, const void *data, size_t len)
{
    t->blobs[t->g.c.nblobs++] = (struct vxa_oracle_blob){ addr, data, len };
}

static void run(struct vxa_oracle_case *c, size_t n, struct vxa_oracle_result *r, double timeout)
{
    char err[1024];
    struct vxa_bochs_options o = { .case_timeout_s = timeout };
    int rc = vxa_bochs_run(&o, model, c, n, r, NULL, err, sizeof err);
    if (rc) fprintf(stderr, "vxa_bochs_run: %s\n", err);
    assert_int_equal(rc, 0);
}

static bool log_has(const struct vxa_oracle_result *r, const char *text)
{
    return r->log && strstr(r->log, text);
}

static bool replaced(const struct vxa_oracle_result *r, uint32_t enc)
{
    for (size_t i = 0; i < r->nreplaced; i++)
        if (r->replaced[i].encoding == enc) return true;
    return false;
}

static void free_all(struct vxa_oracle_result *r, size_t n)
{
    for (size_t i = 0; i < n; i++) vxa_oracle_result_free(&r[i]);
}

/* bochs-checks.md §8, plus MSR-load failures with their 1-based index (SDM 27.4). */
static void section8(void **state)
{
    (void)state;
    static struct tcase t[5];
    struct vxa_oracle_field lows[4] = {
        { F_PIN, (uint32_t)probe.msr[0xd] }, { F_PROC, (uint32_t)probe.msr[0xe] },
        { F_EXIT, (uint32_t)probe.msr[0xf] }, { F_ENTRY, (uint32_t)probe.msr[0x10] },
    };
    /* entry MSR-load lists: {index, reserved, value} entries of 16 bytes */
    static const uint8_t fsbase_second[32] = { 0x74, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                               0x00, 0x01, 0, 0xc0 };
    static const uint8_t unknown_msr[16] = { 0x78, 0x56, 0x34, 0x12 };
    for (int i = 0; i < 5; i++) good(&t[i]);
    vxa_good_set(&t[1].g, F_GUEST_RFLAGS, 0);
    vxa_good_set(&t[2].g, F_ENTRY_MSR_LOAD_COUNT, 2);
    vxa_good_set(&t[2].g, F_ENTRY_MSR_LOAD_ADDR, 0x9000);
    add_blob(&t[2], 0x9000, fsbase_second, sizeof fsbase_second);
    vxa_good_set(&t[3].g, F_ENTRY_MSR_LOAD_COUNT, 1);
    vxa_good_set(&t[3].g, F_ENTRY_MSR_LOAD_ADDR, 0x9000);
    add_blob(&t[3], 0x9000, unknown_msr, sizeof unknown_msr);
    struct vxa_oracle_case c[] = {
        { .no_fill = true },                                           /* all-zero VMCS */
        { .no_fill = true, .fields = lows, .nfields = 4 },             /* host state zero */
        { .instruction = VXA_ORACLE_VMRESUME },                        /* clear VMCS */
        t[0].g.c, t[1].g.c, t[2].g.c, t[3].g.c,
    };
    struct vxa_oracle_result r[7];
    run(c, 7, r, 5);
    assert_int_equal(r[0].kind, VXA_ORACLE_VMFAIL_VALID);
    assert_int_equal(r[0].error, 7);
    assert_true(log_has(&r[0], "pin-based controls allowed 0-settings"));
    assert_int_equal(r[0].nreplaced, 0);
    assert_int_equal(r[1].kind, VXA_ORACLE_VMFAIL_VALID);
    assert_int_equal(r[1].error, 8);
    assert_int_equal(r[2].kind, VXA_ORACLE_VMFAIL_VALID);
    assert_int_equal(r[2].error, 5);
    assert_int_equal(r[3].kind, VXA_ORACLE_EXITED);                  /* the guest's CPUID */
    assert_int_equal(r[3].exit_reason, 10);
    assert_true(replaced(&r[3], F_HOST_RIP));
    assert_false(replaced(&r[3], F_GUEST_RIP));                     /* the case set it */
    assert_null(r[3].log);
    assert_int_equal(r[4].kind, VXA_ORACLE_ENTRY_FAILURE);
    assert_int_equal(r[4].exit_reason, 0x80000021u);
    assert_int_equal(r[4].qualification, 0);
    assert_true(log_has(&r[4], "RFLAGS[1] cleared"));
    assert_int_equal(r[5].kind, VXA_ORACLE_ENTRY_FAILURE);
    assert_int_equal(r[5].exit_reason, 0x80000022u);
    assert_int_equal(r[5].qualification, 2);
    assert_int_equal(r[6].kind, VXA_ORACLE_ENTRY_FAILURE);            /* ignore_bad_msrs=0 */
    assert_int_equal(r[6].exit_reason, 0x80000022u);
    assert_int_equal(r[6].qualification, 1);
    free_all(r, 7);
}

/* Launch state, current-VMCS and MOV-SS variants (SDM 27.1), VMWRITE errors, an arena VMCS. */
static void entry_environment(void **state)
{
    (void)state;
    static struct tcase t[6];
    for (int i = 0; i < 6; i++) good(&t[i]);
    t[0].g.c.instruction = VXA_ORACLE_VMRESUME;
    t[0].g.c.launched = true;
    t[1].g.c.launched = true;
    t[2].g.c.movss_blocking = true;
    t[3].g.c.no_current_vmcs = true;
    vxa_good_set(&t[4].g, 0x1234, 5);                 /* no such field: VMWRITE error 12 */
    t[5].g.c.vmcs_address = 0x20000;
    struct vxa_oracle_case c[6];
    for (int i = 0; i < 6; i++) c[i] = t[i].g.c;
    struct vxa_oracle_result r[6];
    run(c, 6, r, 5);
    assert_int_equal(r[0].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[0].exit_reason, 10);
    assert_int_equal(r[1].kind, VXA_ORACLE_VMFAIL_VALID);
    assert_int_equal(r[1].error, 4);
    assert_int_equal(r[2].kind, VXA_ORACLE_VMFAIL_VALID);
    assert_int_equal(r[2].error, 26);
    assert_int_equal(r[3].kind, VXA_ORACLE_VMFAIL_INVALID);
    assert_int_equal(r[4].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[4].nvmwrite_errors, 1);
    assert_int_equal(r[4].vmwrite_errors[0].encoding, 0x1234);
    assert_int_equal(r[4].vmwrite_errors[0].error, 12);
    assert_int_equal(r[5].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[5].exit_reason, 10);
    free_all(r, 6);
}

/* A VM exit into an IDT of zeros: #UD -> #GP -> #DF -> triple fault kills Bochs; the driver
 * records the case as crashed and restarts Bochs at the next case. */
static void crash_restarts(void **state)
{
    (void)state;
    static struct tcase t[2];
    static const uint8_t ud2[] = { 0x0f, 0x0b };
    good(&t[0]);
    good(&t[1]);
    vxa_good_set(&t[0].g, F_HOST_IDTR_BASE, 0x9000);
    vxa_good_set(&t[0].g, F_HOST_RIP, 0x9100);
    add_blob(&t[0], 0x9100, ud2, sizeof ud2);
    struct vxa_oracle_case c[2] = { t[0].g.c, t[1].g.c };
    struct vxa_oracle_result r[2];
    run(c, 2, r, 5);
    assert_int_equal(r[0].kind, VXA_ORACLE_CRASHED);
    assert_true(log_has(&r[0], "3rd (13) exception with no resolution"));
    assert_int_equal(r[1].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[1].exit_reason, 10);
    free_all(r, 2);
}

/* A guest spinning on "jmp $" never exits: Bochs is killed at the case timeout. */
static void hang_times_out(void **state)
{
    (void)state;
    static struct tcase t[2];
    static const uint8_t spin[] = { 0xeb, 0xfe };
    good(&t[0]);
    good(&t[1]);
    add_blob(&t[0], VXA_GOOD_GUEST_RIP, spin, sizeof spin);
    struct vxa_oracle_case c[2] = { t[0].g.c, t[1].g.c };
    struct vxa_oracle_result r[2];
    double t0 = bx_now();
    run(c, 2, r, 1.0);
    double took = bx_now() - t0;
    assert_int_equal(r[0].kind, VXA_ORACLE_TIMEOUT);
    assert_int_equal(r[1].kind, VXA_ORACLE_EXITED);
    assert_true(took >= 1.0 && took < 10.0);
    free_all(r, 2);
}

/* A host fault the payload survives (HOST_RIP at UD2 with the payload's own IDT): the exit is
 * still reported, with the host's exception; the next case runs in the same Bochs. */
static void host_fault_recovered(void **state)
{
    (void)state;
    static struct tcase t[2];
    static const uint8_t ud2[] = { 0x0f, 0x0b };
    good(&t[0]);
    good(&t[1]);
    vxa_good_set(&t[0].g, F_HOST_RIP, 0x9100);
    add_blob(&t[0], 0x9100, ud2, sizeof ud2);
    struct vxa_oracle_case c[3] = { t[0].g.c, t[1].g.c, { .smm = true } };
    struct vxa_oracle_result r[3];
    run(c, 3, r, 5);
    assert_int_equal(r[0].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[0].exit_reason, 10);
    assert_int_equal(r[0].host_fault_vector, 6);
    assert_false(replaced(&r[0], F_HOST_RIP));
    assert_int_equal(r[1].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[1].host_fault_vector, -1);
    assert_int_equal(r[2].kind, VXA_ORACLE_UNSUPPORTED);
    free_all(r, 3);
}

/* 600 cases (~440 KB) need more than one 128 KiB optramimage (oracle/bochs/machine.c) and,
 * beyond 384 KiB, more than one Bochs boot: every case must still run as given. */
/* The payload's in-guest audit (the embedded engine on the live VMCS, model bochs-2.7) predicts
 * what Bochs does, names the violated rule, and stays silent for a case that asks for none. */
static void in_guest_audit(void **state)
{
    (void)state;
    static struct tcase t[3];
    for (int i = 0; i < 3; i++) good(&t[i]);
    vxa_good_set(&t[1].g, F_GUEST_RFLAGS, 0);
    struct vxa_oracle_case c[] = {
        { .no_fill = true },                                           /* all-zero VMCS */
        t[0].g.c, t[1].g.c, t[2].g.c,
    };
    for (int i = 0; i < 4; i++) c[i].model = VXA_MODEL_BOCHS_2_7;
    c[3].no_audit = true;
    struct vxa_oracle_result r[4];
    run(c, 4, r, 5);
    assert_int_equal(probe.engine_checks, VXA_CHECK_COUNT);        /* @H engine */
    assert_int_equal(probe.engine_fields, VXA_FIELD_COUNT);
    for (int i = 0; i < 3; i++) {
        assert_true(r[i].live.present);
        assert_int_equal(r[i].live.agrees, 1);                     /* vxa_outcome_within in the guest */
        assert_int_equal(r[i].live.nread_failed, 0);
    }
    assert_int_equal(r[0].live.result, VXA_VMFAIL_VALID);
    assert_int_equal(r[0].live.check[0], VXA_C_CTRL_PIN_ALLOWED0);
    assert_int_equal(r[1].kind, VXA_ORACLE_EXITED);
    assert_int_equal(r[1].live.result, VXA_ENTERED);
    assert_int_equal(r[1].live.nviolations, 0);
    assert_int_equal(r[2].kind, VXA_ORACLE_ENTRY_FAILURE);
    assert_int_equal(r[2].live.result, VXA_ENTRY_FAILURE);
    assert_int_equal(r[2].live.exit_reason, 33);
    assert_int_equal(r[2].live.nviolations, 1);
    assert_int_equal(r[2].live.check[0], VXA_C_GUEST_RFLAGS_BIT1);
    assert_int_equal(r[3].kind, VXA_ORACLE_EXITED);
    assert_false(r[3].live.present);
    free_all(r, 4);
}

static void large_batch(void **state)
{
    (void)state;
    enum { N = 600 };
    static struct tcase t;
    good(&t);
    struct vxa_oracle_case *c = calloc(N, sizeof *c);
    struct vxa_oracle_result *r = calloc(N, sizeof *r);
    assert_non_null(c);
    assert_non_null(r);
    for (size_t i = 0; i < N; i++) c[i] = t.g.c;
    run(c, N, r, 5);
    for (size_t i = 0; i < N; i++) {
        if (r[i].kind != VXA_ORACLE_EXITED) fprintf(stderr, "case %zu: %s\n", i, vxa_oracle_kind_name(r[i].kind));
        assert_int_equal(r[i].kind, VXA_ORACLE_EXITED);
        assert_int_equal(r[i].live.agrees, 1);
    }
    free_all(r, N);
    free(r);
    free(c);
}

int main(int argc, char **argv)
{
    if (argc > 1) model = argv[1];
    int rc = bochs_test_probe(model, &probe);
    if (rc) return rc;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(section8), cmocka_unit_test(entry_environment),
        cmocka_unit_test(crash_restarts), cmocka_unit_test(hang_times_out),
        cmocka_unit_test(host_fault_recovered), cmocka_unit_test(in_guest_audit),
        cmocka_unit_test(large_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
