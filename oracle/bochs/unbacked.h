/* unbacked.h — the memory a Bochs machine has no RAM for, and what Bochs does with it
 * (oracle/bochs/unbacked.c). */
#ifndef VXA_BOCHS_UNBACKED_H
#define VXA_BOCHS_UNBACKED_H

#include <stddef.h>
#include "oracle.h"

/* Copies of cases[0..n) without the memory blobs that lie at or above 4 GiB and hold all ones:
 * the Bochs machine (VXA_GUEST_MEGS MiB of RAM, its ROM and MMIO below 4 GiB) has no memory
 * there, and Bochs 2.7 and 3.0 read all ones from such addresses (tests/oracle/width_top.sh), so the blob is what the machine holds already.  Other blobs stay
 * (outside the arena the payload refuses them).  *blobs: one array for all; free it and the
 * result with free().  NULL when out of memory. */
struct vxa_oracle_case *bx_drop_unbacked(const struct vxa_oracle_case *cases, size_t n,
                                         struct vxa_oracle_blob **blobs);

/* Does the log of a case that ended in a VMX abort show that its VM entry succeeded?  Bochs 2.7
 * and 3.0 log "VMABORT: Error when saving guest MSR number N" when a VM exit fails storing an
 * MSR-store entry (SDM 28.4, VMX-abort indicator 1; an area beyond the machine's RAM reads all
 * ones): only a VM exit after a successful VM entry saves MSRs (a VM-entry failure saves none,
 * SDM 27.8), so the entry succeeded.  "VMABORT: Error when loading host MSR number N" (28.6,
 * indicator 4) follows a VM-entry failure as well (27.8 loads the VM-exit MSR-load list too); Bochs
 * logs each of its VM-entry failures first ("VMEXIT: Guest State Checks Failed", exit 33;
 * "VMEXIT: Error when loading guest MSR number N", exit 34; seen 7 Dec 2026, 2.7 and 3.0), so
 * without either line the entry succeeded.  Otherwise 0. */
int bx_vmx_abort_after_entry(const char *log);

#endif
