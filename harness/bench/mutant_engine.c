/* mutant_engine.c — see mutant_engine.h.  The generated amalgamation (engine/amalgamate.sh) is
 * compiled here with VXA_MUTANTS: every engine name is hidden, so this library links beside
 * the shipped libvmxaudit without a clash. */
#define VXA_MUTANTS 1
#define VXA_API __attribute__((visibility("hidden")))
#include "vmxaudit.c"
#include "mutant_engine.h"

_Static_assert((int)VXAM_HOOK_CANONICAL_WIDTH == (int)VXA_MB_CANONICAL_WIDTH && (int)VXAM_HOOK_ALIGN == (int)VXA_MB_ALIGN &&
               (int)VXAM_HOOK_S_CET_RSVD == (int)VXA_MB_S_CET_RSVD, "hook kinds agree with internal.h");

#define EXPORT __attribute__((visibility("default")))

EXPORT void vxam_select(const vxam_selector *s)
{
    vxa_mut.disable = s->disable;
    vxa_mut.keep_only = s->keep_only;
    vxa_mut.boundary = s->hook;
    vxa_mut.delta = s->delta;
    vxa_mut.without_quirk = s->without_quirk;
}

EXPORT int vxam_audit(const vxa_input *in, vxa_report *out) { return vxa_audit(in, out); }

EXPORT void vxam_predict(const vxa_input *in, vxa_report *r)
{
    vxa_ctx ctx;
    vxa_entry defaults;
    if (!in->entry) vxa_entry_init(&defaults);
    ctx.p = in->profile;
    ctx.v = in->vmcs;
    ctx.e = in->entry ? in->entry : &defaults;
    ctx.mem = in->memory;
    ctx.r = r;
    ctx.model = in->model < VXA_MODEL_COUNT ? in->model : VXA_MODEL_SDM;
    ctx.reads = 0;
    ctx.track = false;
    ctx.probe = ctx.probe_pending = false;
    predict(&ctx);
}
