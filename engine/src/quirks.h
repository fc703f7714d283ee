/* quirks.h — named deviations of other implementations from the SDM (table: quirks.def; models:
 * vmxaudit/models.def).  A model is a set of quirks; a check consults a quirk, it never has a copy
 * of itself per model. */
#ifndef VMXAUDIT_QUIRKS_H
#define VMXAUDIT_QUIRKS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum vxa_quirk {
#define VXA_QUIRK(id, models, checks, does, sdm, cases) VXA_Q_##id,
#include "quirks.def"
#undef VXA_QUIRK
    VXA_Q_COUNT
} vxa_quirk;

VXA_PRIVATE bool vxa_model_has_quirk(uint8_t model, vxa_quirk q);
/* With VXA_Q_MSRLOAD_ONLY_KNOWN_MSRS: does the model implement WRMSR of this MSR? */
/* 1 yes, 0 no, -1 it depends on the emulated CPU model (which the profile does not name). */
VXA_PRIVATE int vxa_model_msr(uint8_t model, uint32_t index);

#endif
