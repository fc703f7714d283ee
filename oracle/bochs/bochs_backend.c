/* bochs_backend.c — the Bochs backend on the one oracle interface (oracle_backend.h). */
#include <stdio.h>
#include <string.h>
#include "bochs.h"
#include "oracle_backend.h"
#include "vmxaudit/vmxaudit.h"

static struct vxa_bochs_options options_of(const vxa_oracle *o)
{
    struct vxa_bochs_options bo = { 0 };
    bo.bochs = o->opt.program;
    bo.version = o->opt.version;
    bo.tmp_parent = o->opt.tmp_parent;
    bo.trace = o->opt.trace;
    bo.workdir = o->opt.workdir;
    if (o->opt.case_timeout_s > 0) bo.case_timeout_s = o->opt.case_timeout_s;
    return bo;
}

static int probe(vxa_oracle *o, char *err, size_t errlen)
{
    if (!o->opt.cpu) o->opt.cpu = "corei7_skylake_x";
    struct vxa_bochs_options bo = options_of(o);
    int rc = vxa_bochs_probe(&bo, o->opt.cpu, &o->probe, err, errlen);
    if (rc != VXA_ORACLE_OK) return rc;
    struct vxa_oracle_identity *id = &o->id;
    const char *v = o->probe.backend_version[0] ? o->probe.backend_version : "2.7";
    snprintf(id->cpu, sizeof id->cpu, "%s", o->opt.cpu);
    snprintf(id->version, sizeof id->version, "%s", v);
    vxa_oracle_profile_name(id->profile_name, sizeof id->profile_name, "bochs", v, o->opt.cpu);
    /* the engine's model of this Bochs version, where there is one */
    snprintf(id->model, sizeof id->model, "bochs-%.24s", v);
    if (vxa_model_by_name(id->model) == VXA_MODEL_COUNT) snprintf(id->model, sizeof id->model, "bochs-2.7");
    id->log_names_checks = true;
    return VXA_ORACLE_OK;
}

static int run(vxa_oracle *o, const struct vxa_oracle_case *cases, size_t n,
               struct vxa_oracle_result *out, char *err, size_t errlen)
{
    struct vxa_bochs_options bo = options_of(o);
    return vxa_bochs_run(&bo, o->opt.cpu, cases, n, out, NULL, err, errlen);
}

const struct vxa_oracle_backend vxa_oracle_backend_bochs = {
    "bochs", "Bochs 2.7 or 3.0 (an emulated CPU model)", probe, run };
