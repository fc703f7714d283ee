/* feature_control.h — a VMXON case that needs IA32_FEATURE_CONTROL unlocked or without VMX
 * outside SMX (payload_abi.h vxa_batch_vmxon.feature_control bits 0 and 2 not both set). */
#ifndef VXA_FEATURE_CONTROL_H
#define VXA_FEATURE_CONTROL_H

#include "payload_abi.h"

/* The batch's record `index` if it is such a case and the machine's IA32_FEATURE_CONTROL is
 * still unlocked (before the payload enables VMX); then the MSR holds the case's bits 0 and 2
 * on return.  NULL otherwise (nothing written). */
const struct vxa_batch_case *fc_early_case(const struct vxa_batch_header *h, uint32_t index);

#endif
