/* vxa-kvm — the KVM oracle as a standalone program, a thin tool over the one oracle interface
 * (oracle/registry/oracle_backend.h: vxa_oracle_open, vxa_oracle_run) with the backends' one
 * result printer (oracle/common/result_text.h), as `vmxaudit oracle probe|run --backend kvm`.
 *
 *   vxa-kvm probe [OPTIONS]          boot the payload with no batch: the capability profile (JSON)
 *                                    of the VMX that KVM gives its guest; --raw: the report lines
 *   vxa-kvm run CASES|BATCH [OPTIONS]  run cases: a text file (oracle/common/case_text.h, one
 *                                    result line per case, like vxa-bochs) or a binary batch
 *                                    (payload_abi.h, "VXB1": the raw report lines)
 *
 * Raw output: the payload's report lines and the backend's "@K" lines (host facts) on stdout —
 * the oracle's trace.  A binary batch is the payload's own protocol, below the interface's cases
 * (a stand-in guest's crash and hang isolation is tested with it): it goes to kvm_oracle_run().
 * Errors on stderr.
 * Exit status (docs/exit-codes.md): 0 ok, 2 bad input or usage, 3 KVM offers no VMX here, 4 the backend
 * failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inttypes.h>

#include "case_text.h"
#include "kvm_oracle.h"
#include "oracle_backend.h"
#include "result_text.h"
#include "profile_json.h"
#include "vmxaudit/codec.h"

#ifndef VXA_KVM_PAYLOAD_ELF
#define VXA_KVM_PAYLOAD_ELF "payload.elf"
#endif

static void usage(FILE *f)
{
    fprintf(f,
        "usage: vxa-kvm probe [OPTIONS]\n"
        "       vxa-kvm run CASES|BATCH|- [OPTIONS]\n"
        "Runs the VMX probe payload on /dev/kvm (nested VMX; needs an Intel host with\n"
        "kvm_intel nested=1).\n"
        "  --payload FILE     payload ELF (default $VXA_KVM_PAYLOAD or %s)\n"
        "  --entry ADDRESS    64-bit entry point (default: ELF symbol vxa_entry64, for a flat\n"
        "                     image VXA_PAYLOAD_ENTRY64)\n"
        "  --profile NAME|PATH  restrict the vCPU's IA32_VMX_* MSRs to this capability profile\n"
        "  --timeout MS       per-case (and boot) timeout, default 3000\n"
        "  --raw              print the payload's report lines and the host facts (@K)\n"
        "  --force            boot the payload even where KVM offers no VMX (probe: raw\n"
        "                     output); still exits 3\n"
        "CASES: one case per line (as vxa-bochs), e.g.\n"
        "  vmlaunch GUEST_RFLAGS=0x2 0x681e=0x2000 @0x2000=0fa2\n"
        "BATCH: the payload's binary batch (oracle/common/payload_abi.h), raw output\n"
        "Exit status: 0 ok, 2 bad input, 3 KVM offers no VMX here, 4 the backend failed.\n",
        VXA_KVM_PAYLOAD_ELF);
}

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

static void *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) break;
        unsigned char *nb = realloc(b, cap * 2);
        if (!nb) { free(b); b = NULL; break; }
        b = nb;
        cap *= 2;
    }
    if (f != stdin) fclose(f);
    *len = n;
    return b;
}


/* A fact of the oracle's identity ("kernel", "kvm_intel.nested"); "?" when absent. */
static const char *fact(const struct vxa_oracle_identity *id, const char *key)
{
    for (unsigned i = 0; i < id->nfacts; i++)
        if (!strcmp(id->facts[i].key, key)) return id->facts[i].value;
    return "?";
}

/* The host facts recorded with every observation, in one line. */
static void host_line(const struct vxa_oracle_identity *id, char *buf, size_t size)
{
    snprintf(buf, size, "Linux %s on %s; kvm_intel nested=%s nested_early_check=%s ept=%s "
             "unrestricted_guest=%s enable_shadow_vmcs=%s", fact(id, "kernel"), fact(id, "host_cpu"),
             fact(id, "kvm_intel.nested"), fact(id, "kvm_intel.nested_early_check"),
             fact(id, "kvm_intel.ept"), fact(id, "kvm_intel.unrestricted_guest"),
             fact(id, "kvm_intel.enable_shadow_vmcs"));
}

/* probe: the VMX KVM gives its guest, as a capability profile. */
static int probe_profile(const vxa_oracle *o, bool restricted)
{
    if (!o->probe.vmx_on) {
        fprintf(stderr, "vxa-kvm: VMXON failed in the KVM guest: %s\n", o->probe.vmx_failure);
        return VXA_ORACLE_FAILED;
    }
    char name[192], cpu[320], src[1024], facts[512];
    snprintf(name, sizeof name, "kvm-%s", fact(&o->id, "kernel"));
    for (char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.')) *c = '-';
    snprintf(cpu, sizeof cpu, "KVM nested VMX (Linux %s) on %s", fact(&o->id, "kernel"), fact(&o->id, "host_cpu"));
    host_line(&o->id, facts, sizeof facts);
    snprintf(src, sizeof src, "RDMSR inside a KVM guest by vxa-kvm probe%s; %s",
             restricted ? " (restricted by a profile)" : "", facts);
    return vxa_probe_write_profile(stdout, &o->probe, name, cpu, src) ? VXA_ORACLE_FAILED : 0;
}

/* Reads text cases (oracle/common/case_text.h). */
static int read_cases(void *text, size_t len, const char *path, struct vxa_case_list *list)
{
    memset(list, 0, sizeof *list);
    if (!len) return 0;
    FILE *in = fmemopen(text, len, "r");
    if (!in) {
        perror("fmemopen");
        return VXA_ORACLE_FAILED;
    }
    char err[1024];
    int rc = vxa_case_text_read(in, list, err, sizeof err);
    fclose(in);
    if (rc) {
        fprintf(stderr, "vxa-kvm: %s: %s\n", path, err);
        return VXA_ORACLE_BAD_INPUT;
    }
    return 0;
}

/* run CASES: text cases on the opened oracle, one result line per case (--raw: the trace
 * only).  open_rc: what opening said (with --force, "not available" still runs). */
static int run_cases(vxa_oracle *o, int open_rc, struct vxa_case_list *list, bool raw)
{
    char err[1024];
    struct vxa_oracle_result *res = calloc(list->n + 1, sizeof *res);
    if (!res) return VXA_ORACLE_FAILED;
    int rc = vxa_oracle_run(o, list->cases, list->n, res, err, sizeof err);
    if (!raw && (rc == 0 || (o->opt.force && rc == VXA_ORACLE_NOT_AVAILABLE))) {
        char facts[512];
        host_line(&o->id, facts, sizeof facts);
        printf("# %s\n", facts);
        for (size_t i = 0; i < list->n; i++) vxa_oracle_result_print(stdout, i, &res[i], o->id.backend);
    }
    if (rc) fprintf(stderr, "%s%s\n", rc == VXA_ORACLE_NOT_AVAILABLE ? "" : "vxa-kvm: ", err);
    for (size_t i = 0; i < list->n; i++) vxa_oracle_result_free(&res[i]);
    free(res);
    return rc ? rc : open_rc;
}

/* run BATCH: the payload's binary batch, its report lines as they come. */
static int run_batch(const char *payload, uint64_t entry, const vxa_profile *pp, unsigned timeout,
                     bool force, const void *batch, size_t blen)
{
    struct kvm_oracle_image img;
    char err[512];
    if (kvm_oracle_image_load(payload, entry, &img, err, sizeof err)) {
        fprintf(stderr, "vxa-kvm: %s\n", err);
        return 2;
    }
    struct kvm_oracle_config cfg = { .image = &img, .profile = pp, .timeout_ms = timeout,
                                     .force = force, .on_line = print_line };
    struct kvm_oracle_run_result res;
    int st = kvm_oracle_run(&cfg, batch, blen, &res);
    if (st == KVM_ORACLE_UNAVAILABLE || st == KVM_ORACLE_BAD_INPUT)
        fprintf(stderr, "%s%s\n", st == KVM_ORACLE_BAD_INPUT ? "vxa-kvm: " : "", res.why);
    else if (st != KVM_ORACLE_OK)
        fprintf(stderr, "vxa-kvm: the backend failed: %s\n", res.why);
    if (st != KVM_ORACLE_BAD_INPUT) {
        unsigned n[4] = { 0, 0, 0, 0 };
        for (unsigned i = 0; i < res.ncases; i++) n[res.cases[i].kind]++;
        fprintf(stderr, "vxa-kvm: %u cases: %u reported, %u crashed, %u timed out, %u not run; "
                "%u VM(s)\n", res.ncases, n[0], n[1], n[2], n[3], res.vms);
    }
    free(res.cases);
    kvm_oracle_image_free(&img);
    return st;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1], *batch_path = NULL, *profile_arg = NULL;
    const char *payload = getenv("VXA_KVM_PAYLOAD");
    if (!payload || !*payload) payload = VXA_KVM_PAYLOAD_ELF;
    unsigned long long entry = 0;
    unsigned timeout = 0;
    bool force = false, raw = false;
    if (strcmp(cmd, "probe") != 0 && strcmp(cmd, "run") != 0) {
        fprintf(stderr, "vxa-kvm: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--force") == 0) {
            force = true;
        } else if (strcmp(a, "--raw") == 0) {
            raw = true;
        } else if (i + 1 < argc && strcmp(a, "--payload") == 0) {
            payload = argv[++i];
        } else if (i + 1 < argc && strcmp(a, "--profile") == 0) {
            profile_arg = argv[++i];
        } else if (i + 1 < argc && strcmp(a, "--entry") == 0) {
            errno = 0;
            entry = strtoull(argv[++i], &end, 0);
            if (errno || *end || !entry) {
                fprintf(stderr, "vxa-kvm: bad --entry '%s'\n", argv[i]);
                return 2;
            }
        } else if (i + 1 < argc && strcmp(a, "--timeout") == 0) {
            errno = 0;
            unsigned long t = strtoul(argv[++i], &end, 0);
            if (errno || *end || t == 0 || t > 3600000) {
                fprintf(stderr, "vxa-kvm: bad --timeout '%s' (milliseconds, 1..3600000)\n", argv[i]);
                return 2;
            }
            timeout = (unsigned)t;
        } else if (a[0] != '-' && strcmp(cmd, "run") == 0 && !batch_path) {
            batch_path = a;
        } else if (strcmp(a, "-") == 0 && strcmp(cmd, "run") == 0 && !batch_path) {
            batch_path = a;
        } else {
            fprintf(stderr, "vxa-kvm: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (strcmp(cmd, "run") == 0 && !batch_path) {
        fprintf(stderr, "vxa-kvm: run needs a CASES or BATCH file\n");
        return 2;
    }

    vxa_profile profile;
    const vxa_profile *pp = NULL;
    if (profile_arg) {
        vxa_error perr;
        char *name = NULL;
        if (vxa_profile_load(profile_arg, &profile, &name, &perr)) {
            char msg[1024];
            vxa_error_format(&perr, msg, sizeof msg);
            fprintf(stderr, "vxa-kvm: profile %s: %s\n", profile_arg, msg);
            return 2;
        }
        free(name);
        pp = &profile;
    }

    size_t blen = 0;
    void *batch = NULL;
    if (batch_path) {
        batch = read_file(batch_path, &blen);
        if (!batch) {
            fprintf(stderr, "vxa-kvm: %s: %s\n", batch_path, strerror(errno));
            return 2;
        }
    }

    bool is_batch = batch && blen >= 4 && memcmp(batch, "VXB1", 4) == 0;
    if (is_batch) {
        int rc = run_batch(payload, entry, pp, timeout, force, batch, blen);
        free(batch);
        return rc;
    }
    struct vxa_case_list cases = { 0 };
    int rc = batch_path ? read_cases(batch, blen, batch_path, &cases) : 0;
    free(batch);
    if (rc) return 2;

    /* Inputs are checked first (exit 2: the cases above, the payload when the oracle opens);
     * then availability: where KVM offers no VMX, say so in one line and stop (exit 3) —
     * unless --force, which boots the payload anyway (it reports the missing VMX itself). */
    struct vxa_oracle_options opt = { .payload = payload, .entry64 = entry, .restrict_to = pp,
                                      .case_timeout_s = timeout / 1000.0, .force = force,
                                      .trace = raw || (force && !batch_path) ? stdout : NULL };
    static vxa_oracle o;
    char err[1024];
    rc = vxa_oracle_open(&o, "kvm", &opt, err, sizeof err);
    if (rc && !(force && rc == VXA_ORACLE_NOT_AVAILABLE && batch_path)) {
        /* not available: the backend's one line ("KVM offers no VMX to guests: ...") */
        fprintf(stderr, "%s%s\n", rc != VXA_ORACLE_NOT_AVAILABLE ? "vxa-kvm: "
                : strncmp(err, "KVM ", 4) ? "KVM is not available: " : "", err);
        vxa_case_list_free(&cases);
        return rc;
    }
    if (batch_path) rc = run_cases(&o, rc, &cases, raw);
    else if (!raw && !force) rc = probe_profile(&o, pp != NULL);
    vxa_case_list_free(&cases);
    return rc;
}
