/* host32.h — VMLAUNCH/VMRESUME made by a host outside IA-32e mode (payload_abi.h
 * VXA_CASE2_HOST32): the harness fields of such a host and the way there and back (host32.S). */
#ifndef VXA_HOST32_H
#define VXA_HOST32_H

#include <stdbool.h>
#include <stdint.h>
#include "layout.h"

/* host32.S's parameter block (offsets H32_* there). */
struct host32_block {
    uint64_t vmxon_pa;          /* VMXON operand in 32-bit mode: the payload's own region */
    uint64_t vmcs_pa;           /* the case's VMCS (VMPTRLD, then VMCLEAR after) */
    uint32_t cr3, cr4;          /* the 32-bit host's paging */
    uint32_t how;               /* bit 0 VMRESUME, bit 1 after MOV SS, bit 2 no current VMCS */
    uint32_t status;            /* out: 0 VM exit, 1 VMfailInvalid, 2 VMfailValid, 3 neither,
                                   4 VMXON failed, 5 VMPTRLD failed */
};
_Static_assert(sizeof(struct host32_block) == 32, "host32.S offsets");

#define HOST32_HOW_RESUME 1u
#define HOST32_HOW_MOVSS 2u
#define HOST32_HOW_NO_VMCS 4u

/* Builds the 32-bit paging structures (identity map); after layout_init(). */
void host32_init(void);

/* The harness fields of a 32-bit host with PAE paging (pae) or 32-bit paging: layout_fill's
 * with HOST_CR3, HOST_CR4, HOST_RSP, HOST_RIP, HOST_CS_SELECTOR and HOST_IA32_EFER replaced. */
const struct layout *host32_fill(bool pae);

/* Outside VMX operation, the VMCS cleared: runs the instruction from that host (host32.S) and
 * comes back to 64-bit mode, still outside VMX operation.  Returns the block's status. */
unsigned host32_enter(uint64_t vmxon_pa, uint64_t vmcs_pa, unsigned how, bool pae);

#endif
