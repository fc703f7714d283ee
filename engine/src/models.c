/* models.c — which model has which quirk (design §3.5).  The quirks are documented in quirks.h;
 * the evidence for each Bochs 2.7 quirk is in ../shared/reference/bochs-checks.md and the
 * regression cases that record it. */
#include "internal.h"

static const char *const model_names[VXA_MODEL_COUNT] = { "sdm", "bochs-2.7" };

static const uint64_t model_quirks[VXA_MODEL_COUNT] = {
    [VXA_MODEL_SDM] = 0,
    [VXA_MODEL_BOCHS_2_7] = 1ull << VXA_Q_FIRST_FAILURE_ONLY | 1ull << VXA_Q_NMI_STI_BLOCKING_FAILS,
};

bool vxa_model_has_quirk(uint8_t model, vxa_quirk q)
{
    return model < VXA_MODEL_COUNT && (model_quirks[model] >> q) & 1u;
}

const char *vxa_model_name(vxa_model m) { return m < VXA_MODEL_COUNT ? model_names[m] : 0; }

vxa_model vxa_model_by_name(const char *name)
{
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++)
        if (vxa_strcasecmp(name, model_names[m]) == 0) return (vxa_model)m;
    return VXA_MODEL_COUNT;
}
