/* kvm_backend.c — the KVM backend on the one oracle interface (oracle_backend.h). */
#include <stdio.h>
#include <string.h>
#include "kvm_oracle.h"
#include "oracle_backend.h"

static struct vxa_kvm_options options_of(const vxa_oracle *o, struct kvm_oracle_host *h)
{
    struct vxa_kvm_options ko = { 0 };
    ko.trace = o->opt.trace;
    ko.host = h;
    ko.payload = o->opt.payload;
    ko.entry64 = o->opt.entry64;
    ko.profile = o->opt.restrict_to;
    ko.force = o->opt.force;
    if (o->opt.case_timeout_s > 0) ko.case_timeout_s = o->opt.case_timeout_s;
    return ko;
}

static int probe(vxa_oracle *o, char *err, size_t errlen)
{
    /* the host's CPU: a CPU model given is not one KVM can provide, and is ignored */
    struct kvm_oracle_host h;
    kvm_oracle_host_facts(&h);
    struct vxa_oracle_identity *id = &o->id;
    /* KVM's checks change with the kernel and the module: recorded with every observation */
    vxa_oracle_fact_add(id, "host_cpu", h.cpu_model);
    vxa_oracle_fact_add(id, "kernel", h.kernel);
    for (unsigned k = 0; k < KVM_ORACLE_NPARAMS; k++) {
        char key[40];
        snprintf(key, sizeof key, "kvm_intel.%s", kvm_oracle_param_names[k]);
        vxa_oracle_fact_add(id, key, h.kvm_intel[k]);
    }
    snprintf(id->cpu, sizeof id->cpu, "host");
    snprintf(id->version, sizeof id->version, "%s", h.kernel);
    vxa_oracle_profile_name(id->profile_name, sizeof id->profile_name, "kvm", NULL, NULL);
    snprintf(id->model, sizeof id->model, "sdm");
    struct vxa_kvm_options ko = options_of(o, NULL);
    return vxa_kvm_probe(&ko, &o->probe, err, errlen);
}

static int run(vxa_oracle *o, const struct vxa_oracle_case *cases, size_t n,
               struct vxa_oracle_result *out, char *err, size_t errlen)
{
    struct vxa_kvm_options ko = options_of(o, NULL);
    return vxa_kvm_run(&ko, cases, n, out, NULL, err, errlen);
}

const struct vxa_oracle_backend vxa_oracle_backend_kvm = {
    "kvm", "/dev/kvm with nested VMX on an Intel host", probe, run };
