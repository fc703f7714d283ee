/* regression.h — the one regression writer (docs/formats.md): a case an oracle executed, as a
 * regression case: the layout as executed, `expect` (the sdm model's prediction),
 * `expect_by_model` (each other model where it predicts what the oracle observed; a Bochs model
 * only from an observation of its own Bochs version), `observed` (backend, CPU, version, the
 * backend's facts, outcome, harness fields, failed VMWRITEs, the oracle's words) and `origin`
 * (campaign, parent, seed and index, minimization, signature).  `oracle run --record`,
 * `oracle ingest --record`, `diff` (its mismatches and --record) and `minimize` all write here. */
#ifndef VXA_DIFF_REGRESSION_H
#define VXA_DIFF_REGRESSION_H

#include <cjson/cJSON.h>
#include "backend.h"
#include "compare.h"
#include "minimizer.h"

/* Who observed. */
typedef struct vxa_observer {
    const char *backend;                 /* "bochs", "kvm", "uefi" */
    const char *cpu;                     /* the CPU model; "host" */
    const char *version;                 /* the backend's version; a silicon CPU's microcode */
    const struct vxa_oracle_identity *id;   /* the backend's facts (KVM's kernel...); NULL: none */
    const char *silicon, *microcode, *date; /* observed on silicon (oracle ingest); else NULL */
    const vxa_profile *profile;          /* the oracle CPU's profile */
    const char *profile_name;
    const char *profile_cpu;             /* an inline profile's description */
    bool profile_bundled;                /* cases name the profile; else it goes inline */
} vxa_observer;

/* The observer of an opened backend. */
vxa_observer vxa_observer_of(const vxa_backend *b);

typedef struct vxa_origin {
    const char *campaign;        /* "vmxaudit diff", "vmxaudit minimize", "vmxaudit --record" */
    const char *parent;          /* the case it came from (file or generated name) */
    bool generated;
    unsigned long long seed, index;
    const vxa_min_result *min;   /* NULL: not minimized */
    const char *baseline;        /* the baseline's name */
} vxa_origin;

/* The regression case as a cJSON document (caller deletes). */
cJSON *vxa_regression_case(const vxa_observer *ob, const vxa_case *c, const vxa_prepared *pp,
                           const struct vxa_oracle_result *r, const vxa_verdict *v,
                           const vxa_origin *o);

/* Writes doc as DIR/NAME (out_file.h: atomic, never outside DIR; the file ends in a newline).
 * Returns a VXA_WRITE_* status with err set. */
int vxa_regression_write(const char *dir, const char *name, const cJSON *doc, char *err, size_t errlen);

#endif
