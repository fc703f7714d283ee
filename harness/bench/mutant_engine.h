/* mutant_engine.h — the engine built once more with VXA_MUTANTS (engine/src/internal.h), as a
 * library of its own whose only exported names are these: a mutant selector and the audit it
 * changes.  The shipped libvmxaudit is never built with the hooks (docs/mutation-score.md). */
#ifndef VXA_MUTANT_ENGINE_H
#define VXA_MUTANT_ENGINE_H

#include "vmxaudit/vmxaudit.h"

/* The boundaries defined in the engine's shared helpers (= VXA_MB_* of internal.h). */
enum vxam_hook {
    VXAM_HOOK_NONE,
    VXAM_HOOK_CANONICAL_WIDTH,   /* vxa_canonical_fix: linear-address width 48/57 -> +-1 */
    VXAM_HOOK_ALIGN,             /* page / MSR-area alignment helpers: 4096 -> 8192 / 2048 */
    VXAM_HOOK_S_CET_RSVD,        /* vxa_rule_s_cet: the reserved-bit mask shifted by one bit */
};

typedef struct vxam_selector {
    int disable;        /* check whose rule never fires, or -1 */
    int keep_only;      /* record only this check's violations (control flow unchanged), or -1 */
    int hook;           /* enum vxam_hook */
    int delta;          /* +1 / -1 */
    int without_quirk;  /* quirk removed from every model, or -1 */
} vxam_selector;

#define VXAM_NONE { -1, -1, VXAM_HOOK_NONE, 0, -1 }

void vxam_select(const vxam_selector *s);
/* vxa_audit of the mutant engine under the current selector. */
int vxam_audit(const vxa_input *in, vxa_report *out);
/* Recomputes r->outcome from r's violations and undetermined rules (the engine's own
 * prediction), for a report the caller has edited. */
void vxam_predict(const vxa_input *in, vxa_report *r);

#endif
