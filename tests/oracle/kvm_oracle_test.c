/* kvm_oracle_test.c — the KVM backend on this machine's /dev/kvm, VMX or not:
 *   - the real payload boots in 64-bit mode and reports CPUID.1:ECX.VMX as KVM gives it
 *     (0 here: the payload itself says "@H vmxon fail no-vmx-in-cpuid");
 *   - the no-VMX reason; a profile KVM cannot offer is refused by MSR and bits;
 *   - a guest that triple-faults, dies or hangs costs one case, and the next case still runs;
 *     a broken entry address fails the run, and the next run works.
 * Exits 77 (CTest SKIP_RETURN_CODE) where /dev/kvm cannot be opened, saying why.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "kvm_oracle.h"
#include "payload_abi.h"

static struct kvm_oracle_caps caps;
static struct kvm_oracle_host host;

/* ---- helpers ---------------------------------------------------------------------------------- */

struct lines { char **v; unsigned n; };

static void collect(void *ctx, const char *line)
{
    struct lines *l = ctx;
    l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
    assert_non_null(l->v);
    l->v[l->n++] = strdup(line);
}

static void lines_free(struct lines *l)
{
    for (unsigned i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static const char *find_prefix(const struct lines *l, const char *prefix)
{
    for (unsigned i = 0; i < l->n; i++)
        if (strncmp(l->v[i], prefix, strlen(prefix)) == 0) return l->v[i];
    return NULL;
}

/* A batch of field-less cases; instruction bytes select the fake guest's behaviour. */
static size_t make_batch(uint8_t *b, const uint32_t *ids, const uint8_t *insn, unsigned n)
{
    struct vxa_batch_header h = { VXA_BATCH_MAGIC, 0, n, 0 };
    size_t p = sizeof h;
    for (unsigned i = 0; i < n; i++) {
        struct vxa_batch_case c = { .size = sizeof c, .id = ids[i], .instruction = insn[i] };
        memcpy(b + p, &c, sizeof c);
        p += sizeof c;
    }
    h.size = (uint32_t)p;
    memcpy(b, &h, sizeof h);
    return p;
}

static int expected_ok(void) { return caps.vmx ? KVM_ORACLE_OK : KVM_ORACLE_UNAVAILABLE; }

static void load(const char *path, uint64_t entry, struct kvm_oracle_image *img)
{
    char err[512];
    if (kvm_oracle_image_load(path, entry, img, err, sizeof err)) fail_msg("%s", err);
}

/* ---- tests ------------------------------------------------------------------------------------- */

static void test_host_facts(void **state)
{
    (void)state;
    assert_true(host.kernel[0] != 0);
    assert_true(host.cpu_model[0] != 0);
    for (unsigned i = 0; i < KVM_ORACLE_NPARAMS; i++) assert_true(host.kvm_intel[i][0] != 0);
    if (access("/sys/module/kvm_intel", F_OK) != 0) assert_string_equal(host.kvm_intel[0], "absent");
}

static void test_no_vmx_reason(void **state)
{
    (void)state;
    assert_true(caps.kvm_usable);
    if (caps.vmx) skip();                            /* an Intel host with nested=1 */
    assert_false((caps.cpuid1_ecx >> 5) & 1);
    assert_true(strncmp(caps.why, "host CPU is ", 12) == 0 || strncmp(caps.why, "kvm_intel", 9) == 0);
    assert_non_null(strstr(caps.why, "CPUID.1:ECX.VMX = 0"));
    assert_null(strchr(caps.why, '\n'));
}

/* The real payload, entered in 64-bit mode, probes its CPU and reports. */
static void test_payload_boots_and_reports_vmx_bit(void **state)
{
    (void)state;
    struct kvm_oracle_image img;
    load(VXA_KVM_PAYLOAD_ELF, 0, &img);
    assert_string_equal(img.entry_symbol, "vxa_entry64");   /* at the ABI's fixed address */
    assert_int_equal(img.entry64, VXA_PAYLOAD_ENTRY64);
    struct lines l = { 0 };
    struct kvm_oracle_config cfg = { .image = &img, .timeout_ms = 5000, .force = true,
                                     .on_line = collect, .ctx = &l };
    struct kvm_oracle_run_result r;
    int st = kvm_oracle_run(&cfg, NULL, 0, &r);
    assert_int_equal(st, expected_ok());
    assert_true(r.done);
    assert_int_equal(r.vms, 1);
    const char *c1 = find_prefix(&l, "@H cpuid 1 0 ");
    assert_non_null(c1);
    unsigned a, b, c, d;
    assert_int_equal(sscanf(c1, "@H cpuid 1 0 %x %x %x %x", &a, &b, &c, &d), 4);
    assert_int_equal((c >> 5) & 1, caps.vmx);        /* the payload sees what KVM offers */
    assert_non_null(find_prefix(&l, "@H msr 480 "));
    assert_non_null(find_prefix(&l, "@K kernel "));
    assert_non_null(find_prefix(&l, "@K kvm_intel nested="));
    if (!caps.vmx) {
        assert_non_null(find_prefix(&l, "@H vmxon fail no-vmx-in-cpuid"));
        assert_non_null(find_prefix(&l, "@H msr 480 absent"));
        assert_true(strncmp(r.why, "KVM offers no VMX to guests: ", 29) == 0);
    } else {
        assert_non_null(find_prefix(&l, "@H vmxon ok"));
    }
    assert_non_null(find_prefix(&l, "@E done"));
    free(r.cases);
    lines_free(&l);
    kvm_oracle_image_free(&img);
}

static void test_crash_costs_one_case(void **state)
{
    (void)state;
    struct kvm_oracle_image img;
    load(VXA_KVM_FAKE_GUEST, 0, &img);
    uint8_t b[512];
    const uint32_t ids[] = { 0x11, 0x22, 0x33, 0x44, 0x55 };
    const uint8_t insn[] = { 0, 0xfe, 0, 0xfc, 1 };    /* ok, triple fault, ok, shutdown, ok */
    size_t n = make_batch(b, ids, insn, 5);
    struct lines l = { 0 };
    struct kvm_oracle_config cfg = { .image = &img, .timeout_ms = 5000, .force = true,
                                     .on_line = collect, .ctx = &l };
    struct kvm_oracle_run_result r;
    assert_int_equal(kvm_oracle_run(&cfg, b, n, &r), expected_ok());
    assert_int_equal(r.ncases, 5);
    assert_int_equal(r.vms, 3);
    assert_true(r.done);
    assert_int_equal(r.cases[0].kind, KVM_CASE_REPORTED);
    assert_string_equal(r.cases[0].line, "@R 11 vmfail_invalid");
    assert_int_equal(r.cases[1].kind, KVM_CASE_CRASHED);
    assert_string_equal(r.cases[1].line, "@R 22 crash what=triple-fault");
    assert_int_equal(r.cases[2].kind, KVM_CASE_REPORTED);
    assert_int_equal(r.cases[2].vm, 1);
    assert_int_equal(r.cases[3].kind, KVM_CASE_CRASHED);
    assert_string_equal(r.cases[3].line, "@R 44 crash what=payload-shutdown");
    assert_non_null(strstr(r.cases[3].detail, "fault vec=d"));
    assert_int_equal(r.cases[4].kind, KVM_CASE_REPORTED);
    assert_int_equal(r.cases[4].vm, 2);
    assert_non_null(find_prefix(&l, "@R 22 crash"));
    free(r.cases);
    lines_free(&l);
    kvm_oracle_image_free(&img);
}

static void test_hang_costs_one_case(void **state)
{
    (void)state;
    struct kvm_oracle_image img;
    load(VXA_KVM_FAKE_GUEST, 0, &img);
    uint8_t b[512];
    const uint32_t ids[] = { 1, 2, 3 };
    const uint8_t insn[] = { 0, 0xfd, 0 };
    size_t n = make_batch(b, ids, insn, 3);
    struct kvm_oracle_config cfg = { .image = &img, .timeout_ms = 200, .force = true };
    struct kvm_oracle_run_result r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(kvm_oracle_run(&cfg, b, n, &r), expected_ok());
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(s < 3.0);
    assert_int_equal(r.cases[0].kind, KVM_CASE_REPORTED);
    assert_int_equal(r.cases[1].kind, KVM_CASE_TIMEOUT);
    assert_string_equal(r.cases[1].line, "@R 2 timeout ms=200");
    assert_int_equal(r.cases[2].kind, KVM_CASE_REPORTED);
    assert_int_equal(r.vms, 2);
    free(r.cases);
    kvm_oracle_image_free(&img);
}

/* An entry point outside the identity map: #PF with no IDT, a triple fault before any case.  The
 * run fails (status 4) and the next run works. */
static void test_broken_entry_then_next_run(void **state)
{
    (void)state;
    struct kvm_oracle_image img;
    load(VXA_KVM_FAKE_GUEST, 0x100000000ull, &img);
    uint8_t b[512];
    const uint32_t ids[] = { 7 };
    const uint8_t insn[] = { 0 };
    size_t n = make_batch(b, ids, insn, 1);
    struct kvm_oracle_config cfg = { .image = &img, .timeout_ms = 2000, .force = true };
    struct kvm_oracle_run_result r;
    assert_int_equal(kvm_oracle_run(&cfg, b, n, &r), KVM_ORACLE_FAILED);
    assert_non_null(strstr(r.why, "died before its first case"));
    assert_int_equal(r.cases[0].kind, KVM_CASE_NOT_RUN);
    free(r.cases);
    kvm_oracle_image_free(&img);

    load(VXA_KVM_FAKE_GUEST, 0, &img);
    cfg.image = &img;
    assert_int_equal(kvm_oracle_run(&cfg, b, n, &r), expected_ok());
    assert_int_equal(r.cases[0].kind, KVM_CASE_REPORTED);
    free(r.cases);
    kvm_oracle_image_free(&img);
}

static void test_bad_batch(void **state)
{
    (void)state;
    struct kvm_oracle_image img;
    load(VXA_KVM_FAKE_GUEST, 0, &img);
    uint8_t b[64] = "not a batch";
    struct kvm_oracle_config cfg = { .image = &img, .force = true };
    struct kvm_oracle_run_result r;
    assert_int_equal(kvm_oracle_run(&cfg, b, sizeof b, &r), KVM_ORACLE_BAD_INPUT);
    assert_non_null(strstr(r.why, "magic"));
    const uint32_t ids[] = { 1 };
    const uint8_t insn[] = { 0 };
    size_t n = make_batch(b, ids, insn, 1);
    ((struct vxa_batch_case *)(b + 16))->size = 12;   /* not a multiple of 8 */
    assert_int_equal(kvm_oracle_run(&cfg, b, n, &r), KVM_ORACLE_BAD_INPUT);
    kvm_oracle_image_free(&img);
}

/* The profile plan is pure: test it against a made-up KVM maximum. */
static void test_profile_plan(void **state)
{
    (void)state;
    struct kvm_oracle_caps k = { .kvm_usable = true, .vmx = true };
    k.vmx_msr[VXA_MSR_BASIC] = 0x00da100011e57ed0ull;
    k.vmx_msr[VXA_MSR_TRUE_PROCBASED_CTLS] = 0xfff9fffe04006172ull;
    k.vmx_msr[VXA_MSR_PROCBASED_CTLS] = 0xfff9fffe0401e172ull;
    k.vmx_msr[VXA_MSR_CR0_FIXED0] = 0x80000021ull;
    k.vmx_msr[VXA_MSR_MISC] = 0x00000000200001e5ull | (4ull << 16) | (1ull << 5);
    k.vmx_msr_present = 1u << VXA_MSR_BASIC | 1u << VXA_MSR_TRUE_PROCBASED_CTLS |
                        1u << VXA_MSR_PROCBASED_CTLS | 1u << VXA_MSR_CR0_FIXED0 | 1u << VXA_MSR_MISC;
    vxa_profile p;
    vxa_profile_init(&p);
    p.msr[VXA_MSR_BASIC] = 0x00da040000000004ull;               /* a real CPU's revision/size */
    p.msr[VXA_MSR_TRUE_PROCBASED_CTLS] = 0x7ff9fffe04006172ull;    /* drops bit 31 (secondary) */
    p.msr[VXA_MSR_CR0_FIXED0] = 0x80000021ull;
    p.msr_present = 1u << VXA_MSR_BASIC | 1u << VXA_MSR_TRUE_PROCBASED_CTLS | 1u << VXA_MSR_CR0_FIXED0;
    struct kvm_oracle_msr w[VXA_MSR_COUNT];
    unsigned nw;
    char err[1024], notes[1024];
    assert_int_equal(kvm_oracle_profile_plan(&k, &p, w, &nw, err, sizeof err, notes, sizeof notes), 0);
    assert_int_equal(nw, 3);
    assert_int_equal(w[0].index, 0x480);
    assert_true(w[0].value == 0x00da100011e57ed0ull);          /* KVM's revision and size kept */
    assert_non_null(strstr(notes, "revision"));
    assert_int_equal(w[1].index, 0x486);
    assert_int_equal(w[2].index, 0x48e);
    assert_true(w[2].value == 0x7ff9fffe04006172ull);

    /* offering more than KVM: refused, naming the MSR and the bits */
    p.msr[VXA_MSR_TRUE_PROCBASED_CTLS] = 0xfffffffe04006172ull;    /* + bits 17, 18 */
    p.msr[VXA_MSR_CR0_FIXED0] = 0x1ull;                           /* allows PG=0, NE=0 */
    p.msr[VXA_MSR_MISC] = 0x4020ull;                 /* bit 14: Intel PT in VMX operation */
    p.msr_present |= 1u << VXA_MSR_MISC;
    assert_int_equal(kvm_oracle_profile_plan(&k, &p, w, &nw, err, sizeof err, notes, sizeof notes), -1);
    assert_non_null(strstr(err, "IA32_VMX_TRUE_PROCBASED_CTLS (0x48e): allowed-1 bits 0x60000"));
    assert_non_null(strstr(err, "IA32_VMX_CR0_FIXED0 (0x486): KVM requires bits 0x80000020"));
    assert_non_null(strstr(err, "IA32_VMX_MISC (0x485): profile sets bits 0x4000 "));

    /* an MSR KVM lacks */
    vxa_profile_init(&p);
    p.msr[VXA_MSR_VMFUNC] = 1;
    p.msr_present = 1u << VXA_MSR_VMFUNC;
    assert_int_equal(kvm_oracle_profile_plan(&k, &p, w, &nw, err, sizeof err, notes, sizeof notes), -1);
    assert_non_null(strstr(err, "IA32_VMX_VMFUNC (0x491): KVM does not offer this MSR"));
}

/* The shared-type API (oracle/common/oracle.h), as `vmxaudit oracle` calls it. */
static void test_shared_api_probe(void **state)
{
    (void)state;
    struct kvm_oracle_host h;
    struct vxa_kvm_options opt = { .payload = VXA_KVM_PAYLOAD_ELF, .force = true, .host = &h,
                                   .case_timeout_s = 5 };
    struct vxa_oracle_probe p;
    char err[512] = "";
    int st = vxa_kvm_probe(&opt, &p, err, sizeof err);
    assert_int_equal(st, caps.vmx ? VXA_ORACLE_OK : VXA_ORACLE_NOT_AVAILABLE);
    assert_true(p.ncpuid >= 3);
    struct vxa_oracle_cpuid c1;
    assert_true(vxa_oracle_probe_cpuid(&p, 1, 0, &c1));
    assert_int_equal((c1.ecx >> 5) & 1, caps.vmx);
    assert_int_equal(p.vmx_on, caps.vmx);
    if (!caps.vmx) {
        assert_string_equal(p.vmx_failure, "no-vmx-in-cpuid");
        assert_int_equal(p.msr_present, 0);
        assert_true(strncmp(err, "KVM offers no VMX to guests: ", 29) == 0);
    }
    assert_string_equal(p.backend_version, h.kernel);
    assert_string_equal(h.kernel, host.kernel);
}

static void test_shared_api_run(void **state)
{
    (void)state;
    struct vxa_oracle_case cases[3];
    memset(cases, 0, sizeof cases);
    cases[0].instruction = VXA_ORACLE_VMLAUNCH;
    cases[1].instruction = VXA_ORACLE_VMLAUNCH;
    cases[1].smm = true;                              /* the payload cannot run it */
    cases[2].instruction = VXA_ORACLE_VMRESUME;
    cases[2].launched = true;
    struct vxa_oracle_result out[3];
    struct vxa_kvm_options opt = { .payload = VXA_KVM_FAKE_GUEST, .force = true };
    char err[512];
    int st = vxa_kvm_run(&opt, cases, 3, out, NULL, err, sizeof err);
    assert_int_equal(st, caps.vmx ? VXA_ORACLE_OK : VXA_ORACLE_NOT_AVAILABLE);
    assert_int_equal(out[0].kind, VXA_ORACLE_VMFAIL_INVALID);
    assert_int_equal(out[1].kind, VXA_ORACLE_UNSUPPORTED);
    assert_non_null(out[1].detail);
    assert_int_equal(out[2].kind, VXA_ORACLE_VMFAIL_INVALID);
    for (int i = 0; i < 3; i++) vxa_oracle_result_free(&out[i]);

    /* the real payload without VMX reaches no case: each says why */
    if (caps.vmx) return;
    opt.payload = VXA_KVM_PAYLOAD_ELF;
    st = vxa_kvm_run(&opt, cases, 1, out, NULL, err, sizeof err);
    assert_int_equal(st, VXA_ORACLE_NOT_AVAILABLE);
    assert_int_equal(out[0].kind, VXA_ORACLE_ERROR);
    assert_non_null(strstr(out[0].detail, "not run"));
    vxa_oracle_result_free(&out[0]);

    /* without force: not available, nothing run */
    opt.force = false;
    st = vxa_kvm_run(&opt, cases, 1, out, NULL, err, sizeof err);
    assert_int_equal(st, VXA_ORACLE_NOT_AVAILABLE);
    assert_true(strncmp(err, "KVM offers no VMX to guests: ", 29) == 0);
    vxa_oracle_result_free(&out[0]);
}

int main(void)
{
    const char *dev = getenv("VXA_KVM_DEVICE");
    if (!dev || !*dev) dev = "/dev/kvm";
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        printf("SKIP: %s is not accessible here: %s\n", dev, strerror(errno));
        return 77;
    }
    close(fd);
    kvm_oracle_host_facts(&host);
    kvm_oracle_probe_caps(&host, &caps);
    printf("host: %s, %s; KVM %s\n", host.kernel, host.cpu_model,
           caps.vmx ? "offers VMX to guests" : caps.why);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_facts),
        cmocka_unit_test(test_no_vmx_reason),
        cmocka_unit_test(test_payload_boots_and_reports_vmx_bit),
        cmocka_unit_test(test_crash_costs_one_case),
        cmocka_unit_test(test_hang_costs_one_case),
        cmocka_unit_test(test_broken_entry_then_next_run),
        cmocka_unit_test(test_bad_batch),
        cmocka_unit_test(test_profile_plan),
        cmocka_unit_test(test_shared_api_probe),
        cmocka_unit_test(test_shared_api_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
