/* backend.c — see backend.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "bridge.h"
#include "profile_json.h"
#ifdef VXA_HAVE_BOCHS
#include "bochs.h"
#endif
#ifdef VXA_HAVE_KVM
#include "kvm_oracle.h"
#endif

static const char *tmp_parent;

void vxa_backend_set_tmp(const char *dir) { tmp_parent = dir; }

#ifdef VXA_HAVE_BOCHS
static int run_bochs(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                     struct vxa_oracle_result *out, char *err, size_t errlen)
{
    struct vxa_bochs_options bo = { 0 };
    bo.tmp_parent = tmp_parent;
    if (b->case_timeout_s > 0) bo.case_timeout_s = b->case_timeout_s;
    return vxa_bochs_run(&bo, b->cpu, cases, n, out, NULL, err, errlen);
}
#endif

#ifdef VXA_HAVE_KVM
static int run_kvm(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                   struct vxa_oracle_result *out, char *err, size_t errlen)
{
    struct vxa_kvm_options ko = { 0 };
    if (b->case_timeout_s > 0) ko.case_timeout_s = b->case_timeout_s;
    return vxa_kvm_run(&ko, cases, n, out, NULL, err, errlen);
}
#endif

int vxa_backend_open(vxa_backend *b, const char *name, const char *cpu, double timeout,
                     char *err, size_t errlen)
{
    const char *bochs_path = b->bochs_path, *bochs_version = b->bochs_version;
    memset(b, 0, sizeof *b);
    b->bochs_path = bochs_path;
    b->bochs_version = bochs_version;
    b->name = name;
    b->cpu = cpu;
    b->case_timeout_s = timeout;
    int rc = VXA_ORACLE_NOT_AVAILABLE;
    snprintf(err, errlen, "backend '%s' is not built into this vmxaudit", name);
#ifdef VXA_HAVE_BOCHS
    if (!strcmp(name, "bochs")) {
        struct vxa_bochs_options bo = { 0 };
        bo.tmp_parent = tmp_parent;
        if (timeout > 0) bo.case_timeout_s = timeout;
        if (!b->cpu) b->cpu = "corei7_skylake_x";
        b->run = run_bochs;
        rc = vxa_bochs_probe(&bo, b->cpu, &b->probe, err, errlen);
    }
#endif
#ifdef VXA_HAVE_KVM
    if (!strcmp(name, "kvm")) {
        struct vxa_kvm_options ko = { 0 };
        if (timeout > 0) ko.case_timeout_s = timeout;
        b->run = run_kvm;
        rc = vxa_kvm_probe(&ko, &b->probe, err, errlen);
    }
#endif
    if (strcmp(name, "bochs") && strcmp(name, "kvm")) {
        snprintf(err, errlen, "unknown backend '%s' (bochs, kvm)", name);
        return VXA_ORACLE_BAD_INPUT;
    }
    if (rc != VXA_ORACLE_OK) return rc;
    /* The bundled name of the probed profile: bochs-2.7-<model with '-'>, as oracle probe. */
    if (!strcmp(name, "bochs")) {
        snprintf(b->profile_name, sizeof b->profile_name, "bochs-%s-%s",
                 b->probe.backend_version[0] ? b->probe.backend_version : "2.7", b->cpu);
        for (char *c = b->profile_name; *c; c++)
            if (*c == '_') *c = '-';
    } else {
        snprintf(b->profile_name, sizeof b->profile_name, "kvm-host");
    }
    vxa_probe_profile(&b->probe, &b->profile);
    char *path = vxa_corpus_find("profiles", b->profile_name);
    if (path) {
        /* Bundled: cases may name it, provided it is the profile the oracle has now. */
        vxa_profile bundled;
        vxa_error e;
        b->profile_bundled = !vxa_profile_load(b->profile_name, &bundled, NULL, &e) &&
                             !memcmp(bundled.msr, b->profile.msr, sizeof bundled.msr) &&
                             bundled.msr_present == b->profile.msr_present &&
                             bundled.maxphyaddr == b->profile.maxphyaddr;
        free(path);
    }
    return VXA_ORACLE_OK;
}

int vxa_backend_run(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                    struct vxa_oracle_result *out, char *err, size_t errlen)
{
    b->runs++;
    b->cases_run += n;
    return b->run(b, cases, n, out, err, errlen);
}

int vxa_backend_run_status(int rc)
{
    return rc == VXA_ORACLE_NOT_AVAILABLE ? 4 : vxa_backend_exit_status(rc);
}

int vxa_backend_exit_status(int rc)
{
    return rc == VXA_ORACLE_OK ? 0 : rc == VXA_ORACLE_NOT_AVAILABLE ? 3 : rc == VXA_ORACLE_BAD_INPUT ? 2 : 4;
}
