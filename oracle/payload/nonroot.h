/* nonroot.h — VMX non-root cases (payload_abi.h VXA_ENV_NON_ROOT): the payload's own known-good
 * guest executes the case's instruction. */
#ifndef VXA_NONROOT_H
#define VXA_NONROOT_H

#include <stdint.h>

/* On the current VMCS (clear, zeroed): the primer layout (layout.h) with GUEST_RIP at the guest
 * that executes instruction (VXA_INSN_*).  Returns NULL, or why the VMCS could not be written. */
const char *nonroot_setup(uint8_t instruction);

#endif
