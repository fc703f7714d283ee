/* baremetal.h — the rules that keep a case harmless on a real machine (a UEFI loader's boot block
 * with VXA_BOOT_BARE_METAL; README.md, "A silicon oracle", explains them to users).  Under Bochs and KVM
 * none of this runs: the machine is thrown away after the batch. */
#ifndef VXA_BAREMETAL_H
#define VXA_BAREMETAL_H

#include <stdint.h>
#include "payload_abi.h"

/* Saves the 8259 PIC masks as the host left them (before cpu_init() masks every line). */
void bm_save_pic(void);
/* Saves the MSRs a case can change (the MSR-load allowlist and the MSRs VM entry and VM exit
 * load), as the host left them; needs the payload's IDT (RDMSR of an absent MSR faults). */
void bm_save(void);
/* Writes back every saved MSR whose value changed (after each case). */
void bm_restore_msrs(void);
/* The MSRs and the PIC masks (before returning to the host). */
void bm_restore(void);

/* Before anything is written for the case: its memory blobs and VMCS page lie in arena pages
 * the host gave (else why not). */
const char *bm_memory(const struct vxa_batch_case *c);

/* With the case's VMCS current and written (harness fields included), right before the
 * instruction: NULL if the case may run here, else why not (reported as unsupported):
 *   bounded:   the guest cannot run an instruction: VMX-preemption timer active with value 0
 *              (SDM 26.7.4: the VM exit comes before the first guest instruction), or the
 *              harness guest (64-bit, the payload's page tables, no EPT, RIP at the CPUID stub,
 *              activity state active: CPUID exits unconditionally, SDM 26.1.2);
 *   confined:  no event injection (its delivery writes the guest stack wherever the case
 *              points it); no RTIT_CTL load with TraceEn (trace output to memory);
 *   memory:    the MSR-store list lies in arena pages the host gave;
 *   MSRs:      every entry of the VM-entry and VM-exit MSR-load lists (at most 64) lies in given
 *              pages and names an allowlisted MSR (restored by bm_restore). */
const char *bm_gate(uint64_t guest_stub, uint64_t harness_cr3);

#endif
