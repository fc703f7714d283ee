/* probe.h — what the payload learns about its CPU: CPUID leaves and the VMX capability MSRs. */
#ifndef VXA_PROBE_H
#define VXA_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#define PROBE_NMSR 20                  /* IA32_VMX_BASIC 0x480 .. IA32_VMX_EXIT_CTLS2 0x493 */

struct probe {
    uint64_t msr[PROBE_NMSR];
    uint32_t present;                  /* bit i: RDMSR of 0x480 + i succeeded */
    bool vmx;                          /* CPUID.1:ECX.VMX[bit 5] */
};

/* Reads and reports (@H lines) CPUID and the VMX MSRs. */
void probe_run(struct probe *p);

/* IA32_FEATURE_CONTROL, CR0/CR4 from the FIXED MSRs, VMXON (SDM Vol. 3C 25.7/25.8).  Reports
 * "@H vmxon ok" or "@H vmxon fail WHY"; returns 0 on success. */
int probe_enable_vmx(const struct probe *p, void *vmxon_region);

static inline bool probe_has(const struct probe *p, unsigned msr)
{
    return msr >= 0x480 && msr < 0x480 + PROBE_NMSR && (p->present >> (msr - 0x480) & 1);
}

/* Allowed-0 (must be 1) and allowed-1 (may be 1) settings of a control MSR pair, honouring
 * IA32_VMX_BASIC[55] (SDM Appendix A.3-A.5): `msr` is the non-TRUE index (0x481..0x484). */
uint32_t probe_ctl_allowed0(const struct probe *p, unsigned msr);
uint32_t probe_ctl_allowed1(const struct probe *p, unsigned msr);

#endif
