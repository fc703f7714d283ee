/* backend.h — an opened oracle (oracle_backend.h, the one interface over Bochs and KVM) with
 * what the campaign, the minimizer and `vmxaudit oracle` need besides: the probed CPU as a
 * capability profile and whether that profile is bundled (docs/oracles.md, docs/harness.md). */
#ifndef VXA_DIFF_BACKEND_H
#define VXA_DIFF_BACKEND_H

#include "oracle_backend.h"
#include "vmxaudit/codec.h"

typedef struct vxa_backend vxa_backend;

/* Runs cases[0..n) and fills out[0..n) (free each with vxa_oracle_result_free()).  Returns a
 * VXA_ORACLE_* status and says why in err. */
typedef int (*vxa_backend_run_fn)(vxa_backend *b, const struct vxa_oracle_case *cases, size_t n,
                                  struct vxa_oracle_result *out, char *err, size_t errlen);

struct vxa_backend {
    vxa_oracle oracle;                /* the backend itself: identity, probe, counters */
    const char *name;                 /* = oracle.id.backend */
    const char *cpu;                  /* = oracle.id.cpu; NULL for KVM (the host's CPU) */
    const char *bochs_path;           /* Bochs: --bochs PATH, and/or --bochs-version V; set them */
    const char *bochs_version;        /* before vxa_backend_open, which keeps them */
    const char *tmp_parent;           /* the oracle's temporary files (NULL: $TMPDIR); idem */
    double case_timeout_s;            /* 0: the backend's default */
    vxa_backend_run_fn run;           /* set by vxa_backend_open; a test may put its own here */
    void *ctx;                        /* for a run function of the caller's */
    struct vxa_oracle_probe probe;    /* = oracle.probe: the oracle CPU as probed */
    vxa_profile profile;              /* ... as a capability profile */
    char profile_name[96];            /* = oracle.id.profile_name */
    bool profile_bundled;             /* corpus/profiles has that profile, equal to the probe */
    unsigned long long runs;          /* oracle runs (batches) so far */
    unsigned long long cases_run;     /* cases sent so far */
};

/* Opens and probes the backend through the registry.  Returns VXA_ORACLE_OK,
 * VXA_ORACLE_NOT_AVAILABLE, VXA_ORACLE_FAILED or VXA_ORACLE_BAD_INPUT (unknown backend). */
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

#endif
