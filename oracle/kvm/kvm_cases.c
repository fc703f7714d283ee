/* kvm_cases.c — the KVM backend on the shared oracle types (oracle/common/oracle.h): cases are
 * encoded with the shared batch encoder, run by kvm_oracle_run(), and the payload's report lines
 * read with the shared reader — the same path as the Bochs backend. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "kvm_oracle.h"
#include "payload_abi.h"
#include "report.h"

#ifndef VXA_KVM_PAYLOAD_ELF
#define VXA_KVM_PAYLOAD_ELF "payload.elf"
#endif

struct sink {
    const struct vxa_kvm_options *opt;
    struct vxa_oracle_probe *probe;
    bool probe_done;
};

static void on_line(void *ctx, const char *line)
{
    struct sink *s = ctx;
    if (s->opt->trace) fprintf(s->opt->trace, "%s\n", line);
    if (s->probe && !s->probe_done) {
        vxa_report_probe_line(line, s->probe);
        if (strncmp(line, "@H vmxon ", 9) == 0) s->probe_done = true;   /* the last probe line */
    }
}

static int status_of(int kvm_status)
{
    switch (kvm_status) {
    case KVM_ORACLE_OK: return VXA_ORACLE_OK;
    case KVM_ORACLE_BAD_INPUT: return VXA_ORACLE_BAD_INPUT;
    case KVM_ORACLE_UNAVAILABLE: return VXA_ORACLE_NOT_AVAILABLE;
    default: return VXA_ORACLE_FAILED;
    }
}

static const char *payload_path(const struct vxa_kvm_options *opt)
{
    if (opt->payload && *opt->payload) return opt->payload;
    const char *e = getenv("VXA_KVM_PAYLOAD");
    return e && *e ? e : VXA_KVM_PAYLOAD_ELF;
}

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    if (d) strcpy(d, s);
    return d;
}

/* Runs one batch (NULL: probe only). */
static int run_batch(const struct vxa_kvm_options *opt, const struct kvm_oracle_image *img,
                     const void *batch, size_t len, struct vxa_oracle_probe *probe,
                     struct kvm_oracle_run_result *res, char *err, size_t errlen)
{
    struct sink s = { .opt = opt, .probe = probe };
    unsigned ms = opt->case_timeout_s > 0 ? (unsigned)(opt->case_timeout_s * 1000.0 + 0.5) : 0;
    struct kvm_oracle_config cfg = { .image = img, .profile = opt->profile,
                                     .timeout_ms = ms ? ms : 3000, .force = opt->force,
                                     .on_line = on_line, .ctx = &s };
    int st = kvm_oracle_run(&cfg, batch, len, res);
    if (opt->host) *opt->host = res->host;
    if (probe) {
        size_t k = strnlen(res->host.kernel, sizeof probe->backend_version - 1);
        memcpy(probe->backend_version, res->host.kernel, k);
        probe->backend_version[k] = 0;
    }
    if (st != KVM_ORACLE_OK) snprintf(err, errlen, "%s", res->why);
    return status_of(st);
}

int vxa_kvm_probe(const struct vxa_kvm_options *opt, struct vxa_oracle_probe *probe,
                  char *err, size_t errlen)
{
    memset(probe, 0, sizeof *probe);
    struct kvm_oracle_image img;
    if (kvm_oracle_image_load(payload_path(opt), opt->entry64, &img, err, errlen))
        return VXA_ORACLE_BAD_INPUT;
    struct kvm_oracle_run_result res;
    int st = run_batch(opt, &img, NULL, 0, probe, &res, err, errlen);
    free(res.cases);
    kvm_oracle_image_free(&img);
    return st;
}

int vxa_kvm_run(const struct vxa_kvm_options *opt, const struct vxa_oracle_case *cases, size_t n,
                struct vxa_oracle_result *out, struct vxa_oracle_probe *probe,
                char *err, size_t errlen)
{
    if (probe) memset(probe, 0, sizeof *probe);
    size_t *idx = calloc(n + 1, sizeof *idx), nrun = 0;
    if (!idx) {
        snprintf(err, errlen, "out of memory");
        return VXA_ORACLE_FAILED;
    }
    for (size_t i = 0; i < n; i++) {
        vxa_oracle_result_init(&out[i]);
        int unsupported = 0;
        const char *why = vxa_case_check(&cases[i], &unsupported);
        if (why) {
            out[i].kind = unsupported ? VXA_ORACLE_UNSUPPORTED : VXA_ORACLE_ERROR;
            out[i].detail = dup_str(why);
        } else {
            idx[nrun++] = i;
        }
    }
    struct kvm_oracle_image img;
    if (kvm_oracle_image_load(payload_path(opt), opt->entry64, &img, err, errlen)) {
        free(idx);
        return VXA_ORACLE_BAD_INPUT;
    }
    int st = VXA_ORACLE_OK;
    size_t done = 0;
    bool first = true;
    while (done < nrun || (first && probe)) {
        size_t len = 0, encoded = 0;
        uint8_t *b = NULL;
        if (nrun) {
            b = vxa_batch_encode(cases, idx + done, nrun - done, VXA_BATCH_MAX, &len, &encoded);
            if (!b || !encoded) {
                snprintf(err, errlen, "case %zu does not fit a batch", idx[done]);
                free(b);
                st = VXA_ORACLE_BAD_INPUT;
                break;
            }
        }
        struct kvm_oracle_run_result res;
        st = run_batch(opt, &img, b, len, first ? probe : NULL, &res, err, errlen);
        free(b);
        first = false;
        for (unsigned k = 0; k < res.ncases; k++) {
            const struct kvm_oracle_case_result *c = &res.cases[k];
            if (c->id >= n) continue;
            struct vxa_oracle_result *r = &out[c->id];
            uint32_t id;
            switch (c->kind) {
            case KVM_CASE_REPORTED:
                if (vxa_report_result_line(c->line, &id, r) != 1) {
                    r->kind = VXA_ORACLE_ERROR;
                    r->detail = dup_str(c->line);
                }
                break;
            case KVM_CASE_CRASHED:
            case KVM_CASE_TIMEOUT:
                r->kind = c->kind == KVM_CASE_CRASHED ? VXA_ORACLE_CRASHED : VXA_ORACLE_TIMEOUT;
                r->detail = dup_str(c->detail);
                break;
            case KVM_CASE_NOT_RUN: {
                char d[320];
                snprintf(d, sizeof d, "not run: the payload stopped before it%s%s",
                         res.why[0] ? ": " : "", res.why);
                r->kind = VXA_ORACLE_ERROR;
                r->detail = dup_str(d);
                break;
            }
            }
        }
        free(res.cases);
        done += encoded;
        if (st != VXA_ORACLE_OK) break;
    }
    kvm_oracle_image_free(&img);
    free(idx);
    return st;
}
