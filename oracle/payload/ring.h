/* ring.h — VMLAUNCH, VMRESUME or VMXON at CPL 1..3 (ring.S; payload_abi.h VXA_ENV_CPL_MASK). */
#ifndef VXA_RING_H
#define VXA_RING_H

#include <stdbool.h>
#include <stdint.h>

/* Executes the instruction (how 0 VMLAUNCH, 1 VMRESUME, 2 VMXON [pa]) at CPL cpl (1..3) and
 * comes back to CPL 0.  Returns as vxa_vmenter does: 0 after a VM exit, 1 VMfailInvalid, 2
 * VMfailValid, 3 neither flag.  A fault of the instruction itself is not caught here: the
 * caller's vxa_fault_jmp gets it, with vxa_last_fault.rip inside ring_in_try(). */
int ring_run(unsigned how, const uint64_t *pa, unsigned cpl);

/* Is rip the instruction run by ring_run()? */
bool ring_in_try(uint64_t rip);

/* Undo ring_run's page-table change after its instruction faulted (idempotent). */
void ring_restore(void);

#endif
