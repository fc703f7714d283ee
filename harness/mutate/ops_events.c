/* ops_events.c — event injection (VM-entry interruption information, error code, instruction
 * length: SDM 25.8.3, 27.2.1.3) and the guest's non-register state (activity, interruptibility,
 * pending debug exceptions, RFLAGS.TF/IF against them: 27.3.1.5). */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

static void inject(vxa_mutator *m, vxa_mut_case *c)
{
    static const uint8_t vectors[] = { 0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 17, 18, 20, 21, 31, 32, 255 };
    /* under VXA_MUT_ORACLE_SAFE types 1 (reserved) and 7 (other event) one time in 64 */
    static const uint8_t safe_types[] = { 0, 2, 3, 4, 5, 6 };
    static const uint64_t lengths[] = { 0, 1, 15, 16, 17 };
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    unsigned type = (m->flags & VXA_MUT_ORACLE_SAFE) && vxa_rng_below(r, 64) ? VXA_RNG_PICK(r, safe_types)
                                                                           : vxa_rng_below(r, 8);
    uint64_t vec = vxa_rng_below(r, 2) ? VXA_RNG_PICK(r, vectors) : vxa_rng_below(r, 3) ? vxa_rng_below(r, 32) : vxa_rng_below(r, 256);
    uint64_t info = VXA_INTR_INFO_VALID | (uint64_t)type << VXA_INTR_INFO_TYPE_SHIFT | vec;
    if (vxa_rng_below(r, 2)) info |= VXA_INTR_INFO_DELIVER_ERRCODE;
    if (vxa_rng_below(r, 8) == 0) info |= 1ull << (12 + vxa_rng_below(r, 19));   /* reserved 30:12 */
    if (vxa_rng_below(r, 16) == 0) info &= ~VXA_INTR_INFO_VALID;
    vxa_set(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
    if (vxa_rng_below(r, 2))
        vxa_set(v, VXA_F_VM_ENTRY_EXCEPTION_ERROR_CODE, vxa_rng_below(r, 3) ? vxa_rng_below(r, 0x10000) : vxa_rng_next(r));
    if (vxa_rng_below(r, 2))
        vxa_set(v, VXA_F_VM_ENTRY_INSTRUCTION_LEN, vxa_rng_below(r, 2) ? VXA_RNG_PICK(r, lengths)
                                                   : vxa_rng_below(r, 3) ? vxa_rng_below(r, 17) : vxa_rng_next(r));
}

bool vxa_op_event(vxa_mutator *m, vxa_mut_case *c)
{
    static const uint64_t rflags[] = { 0x2, 0x202, 0x102, 0x302, 0x20002, 0x0, 0x8002, 0x400002 };
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    switch (vxa_rng_below(r, 7)) {
    case 0: case 1: case 2: inject(m, c); break;
    case 3: {   /* STI, MOV SS, SMI, NMI blocking, enclave interruption; reserved bits */
        uint64_t x = vxa_rng_below(r, 3) ? vxa_rng_below(r, 32) : 1ull << vxa_rng_below(r, 32);
        vxa_set(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, x);
        break;
    }
    case 4: vxa_set(v, VXA_F_GUEST_ACTIVITY_STATE, vxa_rng_below(r, 6)); break;   /* 0-3 defined */
    case 5:     /* pending debug exceptions: BS (14), B3:B0, enabled breakpoint (12), reserved */
        vxa_set(v, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS,
                vxa_rng_below(r, 2) ? 1ull << 14 : vxa_rng_below(r, 2) ? vxa_rng_next(r) & 0x1f00f : 1ull << vxa_rng_below(r, 64));
        break;
    default:    /* RFLAGS against the blocking state and the injection */
        if (vxa_rng_below(r, 2)) vxa_set(v, VXA_F_GUEST_RFLAGS, VXA_RNG_PICK(r, rflags));
        else vxa_set(v, VXA_F_GUEST_RFLAGS, vxa_get(v, VXA_F_GUEST_RFLAGS) ^ (vxa_rng_below(r, 2) ? VXA_RFLAGS_TF : VXA_RFLAGS_IF));
    }
    return true;
}
