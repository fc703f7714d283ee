/* backend.h — one interface over the oracle backends for the campaign and the minimizer
 * (docs/oracles.md, docs/harness.md): probe the oracle's CPU once, then run batches of cases there. */
#ifndef VXA_DIFF_BACKEND_H
#define VXA_DIFF_BACKEND_H

#include "oracle.h"
#include "vmxaudit/codec.h"

typedef struct vxa_backend vxa_backend;

/* Runs cases[0..n) and fills out[0..n) (free each with vxa_oracle_result_free()).  Returns a
 * VXA_ORACLE_* status and says why in err. */
typedef int (*vxa_backend_run_fn)(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                                  struct vxa_oracle_result *out, char *err, size_t errlen);

struct vxa_backend {
    const char *name;                 /* "bochs", "kvm" */
    const char *cpu;                  /* Bochs CPU model; NULL for KVM (the host's CPU) */
    const char *bochs_path;           /* Bochs: --bochs PATH, and/or --bochs-version V; set them */
    const char *bochs_version;        /* before vxa_backend_open, which keeps them */
    double case_timeout_s;            /* 0: the backend's default */
    vxa_backend_run_fn run;           /* set by vxa_backend_open; a test may put its own here */
    void *ctx;                        /* for a run function of the caller's */
    struct vxa_oracle_probe probe;    /* the oracle CPU as probed */
    vxa_profile profile;              /* ... as a capability profile */
    char profile_name[96];            /* "bochs-2.7-corei7-skylake-x", "kvm-host" */
    bool profile_bundled;             /* corpus/profiles has a profile of that name */
    unsigned long long runs;          /* oracle runs (batches) so far */
    unsigned long long cases_run;     /* cases sent so far */
};

/* Probes the backend.  Returns VXA_ORACLE_OK, VXA_ORACLE_NOT_AVAILABLE, VXA_ORACLE_FAILED or
 * VXA_ORACLE_BAD_INPUT (unknown backend). */
int vxa_backend_open(vxa_backend *b, const char *name, const char *cpu, double timeout,
                     char *err, size_t errlen);

/* Runs a batch through b->run and counts it. */
int vxa_backend_run(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                    struct vxa_oracle_result *out, char *err, size_t errlen);

/* Exit status (docs/exit-codes.md) for a VXA_ORACLE_* status of vxa_backend_open. */
int vxa_backend_exit_status(int oracle_status);
/* ... of a run after the backend was opened: a backend that was available and then is not
 * failed (4), it is never "not available here" (3). */
int vxa_backend_run_status(int oracle_status);
/* Where the backends put their temporary files (a campaign: its output folder; NULL: $TMPDIR).
 * Set before vxa_backend_open. */
void vxa_backend_set_tmp(const char *dir);

#endif
