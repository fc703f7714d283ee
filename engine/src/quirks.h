/* quirks.h — named deviations of other implementations from the SDM (design §3.5).
 * A model is a set of quirks; a check consults a quirk, it never has a copy of itself per model.
 * The table of which model has which quirk is in models.c. */
#ifndef VMXAUDIT_QUIRKS_H
#define VMXAUDIT_QUIRKS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum vxa_quirk {
    /* The implementation stops at the first failing check of a class and reports that one
     * (Bochs: controls before host, guest checks in its own order). */
    VXA_Q_FIRST_FAILURE_ONLY,
    /* NMI injection with blocking by STI, which the SDM leaves model-specific (27.3.1.5), fails
     * the entry with exit 33, qualification 0 (Bochs: never qualification 3). */
    VXA_Q_NMI_STI_BLOCKING_FAILS,
    VXA_Q_COUNT
} vxa_quirk;

bool vxa_model_has_quirk(uint8_t model, vxa_quirk q);

#endif
