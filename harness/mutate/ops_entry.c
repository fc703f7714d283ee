/* ops_entry.c — the entry environment (SDM 27.1 and the VMLAUNCH/VMRESUME/VMXON instruction
 * pages): instruction and launch state, current VMCS and whether it is a shadow VMCS, blocking by
 * MOV SS, CPL, SMM, VMX operation, the processor mode, the VMXON preconditions (CR0/CR4 fixed
 * bits, IA32_FEATURE_CONTROL), the current-VMCS address against the link pointer.  Under
 * VXA_MUT_ORACLE_SAFE only what the oracle's payload can set up (harness/diff/bridge.c says what
 * it cannot): instruction and launch state, no current VMCS, MOV SS, VMLAUNCH/VMRESUME outside
 * VMX operation (VMXOFF first) or in compatibility mode, a shadow VMCS as the current VMCS (VMPTRLD of a header with
 * bit 31), CPL 1..3 in 64-bit mode without MOV-SS blocking (#GP(0): Vol. 2 VMLAUNCH/VMRESUME)
 * and VMX non-root operation in 64-bit mode (a VM exit, SDM 26.1.2), one choice in 13 each;
 * VMXON cases come from the campaign generator's own path (generator_vmxon.c). */
#include "mutate.h"

static bool oracle_entry(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_entry *e = c->entry;
    switch (vxa_rng_below(&m->rng, 13)) {
    case 0: case 1: e->instruction = VXA_VMRESUME; e->launched = vxa_rng_below(&m->rng, 2); break;
    case 2: case 3: e->launched = !e->launched; break;
    case 4: e->current_vmcs = false; break;
    case 5: case 6: e->movss_blocking = !e->movss_blocking; break;
    case 7: e->instruction = VXA_VMLAUNCH; break;
    case 8: e->vmx_operation = false; break;    /* VMXOFF first: #UD (SDM 27.1) */
    case 9: e->mode = VXA_MODE_COMPAT; break;   /* CS.L = 0 in IA-32e mode: #UD (27.1) */
    case 10:                                    /* the payload's ring.S: 64-bit, no MOV SS */
        e->cpl = (uint8_t)(1 + vxa_rng_below(&m->rng, 3));
        e->mode = VXA_MODE_64BIT;
        e->movss_blocking = false;
        e->vmx_non_root = false;
        break;
    case 11:                                    /* the payload's own guest executes it */
        e->vmx_non_root = true;
        e->vmx_operation = true;
        e->mode = VXA_MODE_64BIT;
        e->movss_blocking = false;
        e->cpl = 0;
        break;
    default: e->current_vmcs = true; e->current_vmcs_shadow = true;
    }
    if (!e->host_ia32e) {   /* a 32-bit host (ops_host32.c): what the payload runs from it */
        e->mode = VXA_MODE_PROTECTED;
        e->launched = false;
        e->vmx_operation = true;
        e->cpl = 0;
        e->vmx_non_root = false;
    }
    return true;
}

bool vxa_op_entry(vxa_mutator *m, vxa_mut_case *c)
{
    if (m->flags & VXA_MUT_ORACLE_SAFE) return oracle_entry(m, c);
    vxa_rng *r = &m->rng;
    vxa_entry *e = c->entry;
    switch (vxa_rng_below(r, 11)) {
    case 0: e->instruction = (uint8_t)vxa_rng_below(r, 3); if (e->instruction == VXA_VMXON) e->vmx_operation = vxa_rng_below(r, 4) == 0; break;
    case 1: e->launched = !e->launched; break;
    case 2: e->host_ia32e = !e->host_ia32e; e->mode = e->host_ia32e ? VXA_MODE_64BIT : VXA_MODE_PROTECTED; break;
    case 3: e->mode = (uint8_t)vxa_rng_below(r, 5); break;
    case 4: e->smm = !e->smm; break;
    case 5: if (c->model) *c->model = (uint8_t)vxa_rng_below(r, VXA_MODEL_COUNT); break;
    case 6:     /* instruction preconditions, rarely: they end the audit early */
        switch (vxa_rng_below(r, 6)) {
        case 0: e->cpl = (uint8_t)vxa_rng_below(r, 4); break;
        case 1: e->movss_blocking = !e->movss_blocking; break;
        case 2: e->current_vmcs = !e->current_vmcs; break;
        case 3: e->vmx_non_root = !e->vmx_non_root; break;
        case 4: e->vmx_operation = !e->vmx_operation; break;
        default: e->current_vmcs_shadow = !e->current_vmcs_shadow; if (e->current_vmcs_shadow) e->current_vmcs = true;
        }
        break;
    case 7: {   /* VMXON: CR0/CR4 one bit off the profile's fixed bits */
        const vxa_profile *p = c->profile;
        e->cr0 = p->msr[VXA_MSR_CR0_FIXED0] | (0x80050033ull & p->msr[VXA_MSR_CR0_FIXED1]);
        e->cr4 = p->msr[VXA_MSR_CR4_FIXED0] | (0x2020ull & p->msr[VXA_MSR_CR4_FIXED1]);
        if (vxa_rng_below(r, 2)) e->cr0 ^= 1ull << vxa_rng_below(r, 32);
        else e->cr4 ^= 1ull << vxa_rng_below(r, 33);
        break;
    }
    case 8: e->feature_control ^= 1ull << (vxa_rng_below(r, 2) ? vxa_rng_below(r, 3) : vxa_rng_below(r, 64)); break;
    case 9: e->current_vmcs = true; e->current_vmcs_shadow = !e->current_vmcs_shadow; break;
    default:    /* the current-VMCS address against the link pointer */
        e->has_current_vmcs_address = !e->has_current_vmcs_address;
        e->current_vmcs_address = vxa_rng_below(r, 2) ? vxa_get(c->vmcs, VXA_F_VMCS_LINK_POINTER) : 0x3000;
    }
    return true;
}
