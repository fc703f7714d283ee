/* baseline.h — known-good layouts for the oracle's CPU: the bundled layouts (corpus/layouts)
 * adapted to the oracle's profile by repair (docs/architecture.md, docs/harness.md).  The generator mutates them; the
 * minimizer shrinks a mismatch toward the closest one. */
#ifndef VXA_DIFF_BASELINE_H
#define VXA_DIFF_BASELINE_H

#include "backend.h"

#define VXA_MAX_BASELINES 8

typedef struct vxa_baseline {
    vxa_case c;                                  /* the repaired layout (profile = the oracle's) */
    uint8_t reads[(VXA_FIELD_COUNT + 7) / 8];    /* fields the rules read for this layout */
} vxa_baseline;

typedef struct vxa_baselines {
    unsigned n;
    vxa_baseline b[VXA_MAX_BASELINES];
} vxa_baselines;

/* Loads and repairs every bundled layout for backend b's profile; a layout that repair cannot
 * make clean under `model` is left out.  Returns the number loaded (0: err says why). */
unsigned vxa_baselines_load(const vxa_backend *b, uint8_t model, vxa_baselines *out,
                            char *err, size_t errlen);
void vxa_baselines_free(vxa_baselines *bl);

/* Fields where a and b differ (set-ness or value). */
unsigned vxa_vmcs_distance(const vxa_vmcs *a, const vxa_vmcs *b);
/* The baseline closest to v (fewest differing fields). */
const vxa_baseline *vxa_baseline_closest(const vxa_baselines *bl, const vxa_vmcs *v);

/* Points case c at backend b's profile (by its bundled name, else inline). */
void vxa_case_use_profile(vxa_case *c, const vxa_backend *b);

/* Deep copy of a case's name, profile, layout, entry and memory (not its JSON or expectations). */
void vxa_case_copy(vxa_case *dst, const vxa_case *src);

#endif
