/* audit.h — the in-guest audit: the embedded engine (the vmxaudit amalgamation) audits the live
 * VMCS through its live adapter right before VMLAUNCH/VMRESUME, reads back what the CPU did,
 * and appends both to the case's @R line (keys pr, pe, px, pq, pv, pn, pc, pu, pa, pf, pok:
 * payload_abi.h). */
#ifndef VXA_AUDIT_H
#define VXA_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include "payload_abi.h"

/* Reports "@H engine api=A checks=N fields=M". */
void audit_init(void);

/* Checks the case's model byte: NULL, or why the case is bad. */
const char *audit_check_model(const struct vxa_batch_case *c);

/* Forgets the previous case's prediction (nothing is reported until audit_before runs). */
void audit_reset(void);

/* Audits the current VMCS (region at vmcs_pa; VMXON region at vmxon_pa) for case c, unless the
 * case asks for no audit.  Call it with the case's VMCS current, after the VMWRITEs and the
 * memory placement, before VMCLEAR (no current VMCS) and before the instruction. */
void audit_before(const struct vxa_batch_case *c, uint64_t vmcs_pa, uint64_t vmxon_pa);

/* What the CPU did, right after the instruction and before any other VMREAD: how is
 * vxa_vmenter()'s result (0 VM exit, 1 VMfailInvalid, 2 VMfailValid); fault_vector >= 0 when the
 * instruction itself raised an exception (then how is ignored). */
void audit_after(int how, int fault_vector);

/* The VMXON case's audit, right before VMXON: CR0, CR4 and IA32_FEATURE_CONTROL as they are,
 * the operand and the region in memory; no VMCS is read. */
void audit_vmxon(const struct vxa_batch_case *c, uint64_t operand, bool vmx_operation,
                 bool current_vmcs);

/* What VMXON did: how as audit_after's (0 VMsucceed), error the VM-instruction error of a
 * VMfailValid, fault_vector >= 0 for a fault. */
void audit_after_vmxon(int how, uint64_t error, int fault_vector);

/* A VMX non-root case (payload_abi.h VXA_ENV_NON_ROOT): the instruction in VMX non-root
 * operation at CPL 0 with the payload's CR0/CR4, audited on the current VMCS (runner.c audits
 * only VMXON this way: it reads no VMCS). */
void audit_nonroot(const struct vxa_batch_case *c);

/* What the guest's instruction did: the VM exit's basic reason and qualification, or
 * fault_vector >= 0 when it raised an exception in the guest instead. */
void audit_after_nonroot(uint32_t reason, uint64_t qual, int fault_vector);

/* Appends the prediction keys to the current @R line (nothing if no audit ran). */
void audit_report(void);

#endif
