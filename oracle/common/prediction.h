/* prediction.h — the payload's in-guest audit (struct vxa_oracle_prediction, the @R keys
 * pr..pok of payload_abi.h) in the engine's terms, and its comparison with a hosted audit. */
#ifndef VXA_PREDICTION_H
#define VXA_PREDICTION_H

#include <stdbool.h>
#include <stddef.h>
#include "oracle.h"
#include "vmxaudit/vmxaudit.h"

/* The predicted outcome as the engine's vxa_outcome. */
void vxa_prediction_outcome(const struct vxa_oracle_prediction *p, vxa_outcome *out);

/* Does the in-guest prediction equal the hosted report: the same outcome (vxa_outcome_equal)
 * and the same violated checks in the same order (the first VXA_ORACLE_MAX_CHECKS, and the
 * count)?  When not, `why` says what differs (first difference). */
bool vxa_prediction_same(const struct vxa_oracle_prediction *p, const vxa_report *hosted,
                         char *why, size_t whylen);

/* One line: "entry_failure reason=33 qualification=0; 2 violations: ID, ID". */
void vxa_prediction_to_text(const struct vxa_oracle_prediction *p, char *buf, size_t size);

#endif
