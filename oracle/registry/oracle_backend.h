/* oracle_backend.h — the one interface over the oracle backends (docs/oracles.md): a registry of
 * backends by name; open one (probe its CPU once), run batches of cases there, and read what it
 * is (backend, CPU model, version, host).  Every front end (vmxaudit oracle, diff, minimize,
 * bench, vxa-bochs, vxa-kvm) goes through it; the backends are oracle/bochs and oracle/kvm.
 * Types of cases, results and probes: oracle.h. */
#ifndef VXA_ORACLE_BACKEND_H
#define VXA_ORACLE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "oracle.h"
#include "vmxaudit/vmxaudit.h"

struct vxa_oracle_options {
    const char *cpu;                  /* the CPU model the oracle provides (Bochs: its model,
                                         default corei7_skylake_x); NULL: the backend's default */
    const char *program;              /* the backend's executable (Bochs: --bochs PATH) */
    const char *version;              /* the backend version wanted (Bochs: "2.7", "3.0") */
    double case_timeout_s;            /* per case; 0: the backend's default */
    const char *tmp_parent;           /* where temporary files go; NULL: $TMPDIR */
    FILE *trace;                      /* if set: every line the oracle prints */
    /* for the backends' own tools (vxa-bochs, vxa-kvm); zero elsewhere */
    const char *workdir;              /* Bochs: keep the machine's files here (not removed) */
    const char *payload;              /* KVM: the payload ELF; NULL: $VXA_KVM_PAYLOAD or the
                                         build's */
    uint64_t entry64;                 /* KVM: the payload's 64-bit entry; 0: its ELF symbol */
    const vxa_profile *restrict_to;   /* KVM: the vCPU's IA32_VMX_* MSRs cut to this profile */
    bool force;                       /* KVM: boot the payload where KVM offers no VMX (it
                                         reports that itself); open and run still say so */
};

/* A backend-specific fact recorded with every observation ("kernel", "kvm_intel.nested": a
 * dot makes a nested object in the regression case's `observed`). */
struct vxa_oracle_fact { char key[40]; char value[128]; };
#define VXA_ORACLE_MAX_FACTS 10

struct vxa_oracle_identity {
    char backend[16];                 /* "bochs", "kvm" */
    char cpu[64];                     /* the CPU model ("corei7_skylake_x"); "host" for KVM */
    char version[128];                /* the backend's version (Bochs banner, host kernel) */
    char host[128];                   /* the host's CPU (/proc/cpuinfo "model name") */
    char profile_name[96];            /* the probed profile's bundled name: "bochs-2.7-corei7-
                                         skylake-x", "kvm-host" */
    char model[32];                   /* the engine model that describes this oracle: "bochs-2.7",
                                         "bochs-3.0", "sdm" */
    bool log_names_checks;            /* its log names the check that failed (Bochs's messages) */
    struct vxa_oracle_fact facts[VXA_ORACLE_MAX_FACTS];
    unsigned nfacts;
};

typedef struct vxa_oracle vxa_oracle;

struct vxa_oracle_backend {
    const char *name;                 /* "bochs" */
    const char *summary;              /* one line for --help */
    /* Probes the oracle's CPU into o->probe and fills o->id (backend, cpu, version, profile_name,
     * model, facts; host is filled before).  Returns a VXA_ORACLE_* status, err says why. */
    int (*probe)(vxa_oracle *o, char *err, size_t errlen);
    /* Runs cases[0..n), fills out[0..n) (free each with vxa_oracle_result_free()). */
    int (*run)(vxa_oracle *o, const struct vxa_oracle_case *cases, size_t n,
               struct vxa_oracle_result *out, char *err, size_t errlen);
};

struct vxa_oracle {
    const struct vxa_oracle_backend *backend;
    struct vxa_oracle_options opt;
    struct vxa_oracle_probe probe;    /* from vxa_oracle_open */
    struct vxa_oracle_identity id;
    unsigned long long runs, cases_run;   /* batches and cases sent so far */
};

/* The registry: every backend this source knows, in order ("bochs", "kvm"); NULL past the end.
 * vxa_oracle_backend_find() gives NULL for a backend that is not built into this binary. */
const char *vxa_oracle_backend_name(size_t i);
const struct vxa_oracle_backend *vxa_oracle_backend_find(const char *name);

/* Opens backend `name` and probes it once.  Returns VXA_ORACLE_OK, VXA_ORACLE_BAD_INPUT (unknown
 * name), VXA_ORACLE_NOT_AVAILABLE (not built, or missing here: no Bochs, no VMX) or
 * VXA_ORACLE_FAILED; err says why.  opt may be NULL; its strings must outlive o. */
int vxa_oracle_open(vxa_oracle *o, const char *name, const struct vxa_oracle_options *opt,
                    char *err, size_t errlen);

/* Runs a batch on an opened oracle and counts it. */
int vxa_oracle_run(vxa_oracle *o, const struct vxa_oracle_case *cases, size_t n,
                   struct vxa_oracle_result *out, char *err, size_t errlen);

/* Helpers for the backends. */
void vxa_oracle_fact_add(struct vxa_oracle_identity *id, const char *key, const char *value);
/* "bochs-2.7-corei7_skylake_x" with '_' turned into '-'. */
void vxa_oracle_profile_name(char *buf, size_t n, const char *backend, const char *version, const char *cpu);

#endif
