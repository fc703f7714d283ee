/* backend.c — see backend.h.  No backend is named here: the registry (oracle_backend.h) is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "bridge.h"
#include "profile_json.h"

static int run_oracle(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                      struct vxa_oracle_result *out, char *err, size_t errlen)
{
    return vxa_oracle_run(&b->oracle, cases, n, out, err, errlen);
}

int vxa_backend_open(vxa_backend *b, const char *name, const char *cpu, double timeout,
                     char *err, size_t errlen)
{
    const char *bochs_path = b->bochs_path, *bochs_version = b->bochs_version, *tmp = b->tmp_parent;
    memset(b, 0, sizeof *b);
    b->bochs_path = bochs_path;
    b->bochs_version = bochs_version;
    b->tmp_parent = tmp;
    b->name = name;
    b->cpu = cpu;
    b->case_timeout_s = timeout;
    struct vxa_oracle_options opt = { .cpu = cpu, .program = bochs_path, .version = bochs_version,
                                      .case_timeout_s = timeout, .tmp_parent = tmp };
    int rc = vxa_oracle_open(&b->oracle, name, &opt, err, errlen);
    if (rc != VXA_ORACLE_OK) return rc;
    const struct vxa_oracle_identity *id = &b->oracle.id;
    b->name = id->backend;
    b->cpu = strcmp(id->cpu, "host") ? id->cpu : NULL;
    b->run = run_oracle;
    b->probe = b->oracle.probe;
    snprintf(b->profile_name, sizeof b->profile_name, "%s", id->profile_name);
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
