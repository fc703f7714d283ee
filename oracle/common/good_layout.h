/* good_layout.h — a known-good VMCS layout for a probed CPU: a 64-bit guest whose first
 * instruction is CPUID (VM exit reason 10), with its code and page tables as memory blobs in the
 * case arena.  Host fields are left to the oracle's harness.  Used by the oracle tests and the
 * benchmark; a baseline for building cases by hand. */
#ifndef VXA_GOOD_LAYOUT_H
#define VXA_GOOD_LAYOUT_H

#include "oracle.h"

#define VXA_GOOD_MAX_FIELDS 48
#define VXA_GOOD_GUEST_RIP  0x2000u   /* CPUID; HLT */

struct vxa_good_layout {
    struct vxa_oracle_field fields[VXA_GOOD_MAX_FIELDS];
    struct vxa_oracle_blob blobs[4];
    struct vxa_oracle_case c;         /* VMLAUNCH of the above; points into this struct:
                                         do not copy a vxa_good_layout */
};

/* Controls = the allowed-0 settings (TRUE MSRs if IA32_VMX_BASIC[55]) plus "host address-space
 * size" and "IA-32e mode guest" (SDM 27.2.1, 27.3.1); CR0/CR4 honour the FIXED MSRs.
 * Returns 0, or -1 if the probe lacks IA32_VMX_BASIC, a control or a FIXED MSR. */
int vxa_good_layout(const struct vxa_oracle_probe *p, struct vxa_good_layout *g);

/* Sets (or adds) one field of g->c. */
void vxa_good_set(struct vxa_good_layout *g, uint32_t encoding, uint64_t value);

#endif
