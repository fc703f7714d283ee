/* nonroot.c — nonroot.h.  The guest is layout.c's primer (a 64-bit guest mirroring the host at
 * CPL 0 with CR4.VMXE set, as VM entry requires: SDM 26.3.1.1 and A.8), so the instruction meets
 * none of its #UD conditions and exits (SDM Vol. 2 VMLAUNCH/VMRESUME, VMXON "Operation":
 * "ELSIF in VMX non-root operation THEN VM exit"). */
#include "nonroot.h"
#include "layout.h"
#include "payload_abi.h"
#include "vmcs.h"
#include "x86.h"

extern char vxa_nonroot_vmlaunch[], vxa_nonroot_vmresume[], vxa_nonroot_vmxon[];   /* nonroot.S */

const char *nonroot_setup(uint8_t instruction)
{
    for (unsigned i = 0; i < layout_primer.n; i++)
        if (vmwrite(layout_primer.f[i].enc, layout_primer.f[i].val)) return "nonroot-vmwrite";
    const char *rip = instruction == VXA_INSN_VMRESUME ? vxa_nonroot_vmresume :
                      instruction == VXA_INSN_VMXON ? vxa_nonroot_vmxon : vxa_nonroot_vmlaunch;
    if (vmwrite(VMCS_GUEST_RIP, (uint64_t)(uintptr_t)rip)) return "nonroot-vmwrite";
    return 0;
}
