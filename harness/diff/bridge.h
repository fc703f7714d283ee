/* bridge.h — from a JSON case (docs/formats.md) to an oracle run and back (docs/oracles.md, docs/harness.md):
 * which fields the oracle's harness may replace, the layout as executed, the observed outcome in
 * the engine's terms, and whether an observation matches a prediction. */
#ifndef VMXAUDIT_BRIDGE_H
#define VMXAUDIT_BRIDGE_H

#include "oracle.h"
#include "vmxaudit/codec.h"

typedef struct vxa_prepared {
    struct vxa_oracle_case oc;        /* what is sent; points into the arrays below */
    struct vxa_oracle_field *fields;
    struct vxa_oracle_blob *blobs;
    vxa_vmcs sent;                    /* the case's fields as sent (harness fields dropped) */
    const char *unsupported;          /* non-NULL: the oracle cannot produce this entry */
    const vxa_case *c;                /* the case (its memory) */
    uint32_t vmcs_revision;           /* what the payload writes at oc.vmcs_address */
} vxa_prepared;

/* Prepares case c for an oracle whose CPU is `p`: the harness fields (host CR0/CR3/CR4, RSP, RIP,
 * CS/SS/TR selectors, TR/GDTR/IDTR bases, host PAT/EFER, exception bitmap, guest RIP/CR3) are
 * left to the payload unless a rule that the case violates on `p` names them (then the case's
 * own value is what the case tests), or, for guest CR3, the guest uses PAE paging without EPT
 * (its PDPTEs are read through CR3). */
int vxa_prepare(const vxa_case *c, const vxa_profile *p, uint8_t model, vxa_prepared *out);
void vxa_prepared_free(vxa_prepared *pp);
/* The one preparation step of every command that runs cases on an oracle (oracle run, diff,
 * minimize, oracle image): every address VM entry or the guest's run may read moved into the case arena
 * (vxa_keep_in_arena: outside it the oracle's memory is the payload's, not the zeroes the engine
 * reads), then vxa_prepare().  The layout as executed is the moved one; out->c is c. */
int vxa_prepare_case(const vxa_case *c, const vxa_profile *p, uint8_t model, vxa_prepared *out);
/* The same for a case already prepared once (its fields are those sent: a silicon oracle's
 * results file carries the cases so): no field is left to the harness. */
int vxa_prepare_sent(const vxa_case *c, const vxa_profile *p, uint8_t model, vxa_prepared *out);

/* The layout as executed: the fields sent plus the harness fields the oracle reports, less the
 * fields whose VMWRITE failed (they were never written: they do not exist on the oracle's CPU
 * or are read-only, SDM 31.4 errors 12/13).  An entry whose VM exit aborted
 * (VXA_ORACLE_EXIT_ABORTED) reports no harness fields: the case's own values stand for them. */
void vxa_executed_layout(const vxa_prepared *pp, const struct vxa_oracle_result *r, vxa_vmcs *out);

/* The memory as executed: the case's blobs, then, when the case names its VMCS address, that
 * page as the payload leaves it before VMPTRLD: zero but the revision identifier in its first
 * 4 bytes (SDM 25.2; what the CPU keeps in the rest of the region is its own business). */
vxa_memory vxa_executed_memory(const vxa_prepared *pp);

/* The observed outcome in the engine's terms; false when the oracle observed nothing comparable
 * (crashed, timeout, unsupported, error). */
bool vxa_observed_outcome(const struct vxa_oracle_result *r, vxa_outcome *out);

#endif
