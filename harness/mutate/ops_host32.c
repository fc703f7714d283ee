/* ops_host32.c — the single-fault setup for a host outside IA-32e mode (ops_single.c
 * VXA_SINGLE_HOST32): the VM entry made from protected mode with paging (entry.host_ia32e false),
 * which the oracle's payload runs (oracle/payload/host32.S).  SDM 27.2.4: outside IA-32e mode
 * "host address-space size" (HAS) and "IA-32e mode guest" must be 0; with HAS = 0, CR4.PCIDE,
 * CR4.FRED and bits 63:32 of the host's RIP, SSP and IA32_S_CET must be 0; 27.2.3: the host's SS
 * selector cannot be 0; 27.2.2: with "load IA32_EFER", its LMA and LME equal HAS.  The caller has
 * made the guest a 32-bit one; here the host's fields are made valid for such a host, the layout
 * repaired, then one of those rules is broken, or the guest's CR4.PCIDE set (27.3.1.1: not with
 * "IA-32e mode guest" = 0), or none (a 32-bit host's entry that succeeds). */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

bool vxa_mut_host32(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_entry *e = c->entry;
    vxa_vmcs *v = c->vmcs;
    e->host_ia32e = false;
    e->mode = VXA_MODE_PROTECTED;
    e->instruction = vxa_rng_below(&m->rng, 8) ? VXA_VMLAUNCH : VXA_VMRESUME;   /* launch state clear */
    e->launched = false;
    e->vmx_operation = true;
    if (!vxa_mut_control_on(c, VXA_WORD_EXIT, VXA_EXIT_HOST_ADDR_SPACE_SIZE, false)) return false;
    vxa_set(v, VXA_F_HOST_CR4, vxa_get(v, VXA_F_HOST_CR4) & ~(VXA_CR4_PCIDE | VXA_CR4_FRED));
    vxa_set(v, VXA_F_HOST_RIP, vxa_get(v, VXA_F_HOST_RIP) & 0xffffffffull);
    vxa_set(v, VXA_F_HOST_RSP, vxa_get(v, VXA_F_HOST_RSP) & 0xffffffffull);
    if (vxa_is_set(v, VXA_F_HOST_SSP)) vxa_set(v, VXA_F_HOST_SSP, vxa_get(v, VXA_F_HOST_SSP) & 0xffffffffull);
    if (vxa_is_set(v, VXA_F_HOST_S_CET)) vxa_set(v, VXA_F_HOST_S_CET, vxa_get(v, VXA_F_HOST_S_CET) & 0xffffffffull);
    if (!vxa_get(v, VXA_F_HOST_SS_SELECTOR)) vxa_set(v, VXA_F_HOST_SS_SELECTOR, 0x10);
    vxa_set(v, VXA_F_HOST_IA32_EFER, vxa_get(v, VXA_F_HOST_IA32_EFER) & ~(VXA_EFER_LMA | VXA_EFER_LME));
    vxa_mut_repair(m, c, 8);
    switch (vxa_rng_below(&m->rng, 9)) {
    case 0: vxa_mut_control_on(c, VXA_WORD_EXIT, VXA_EXIT_HOST_ADDR_SPACE_SIZE, true); break;
    case 1: vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, true); break;
    case 2: vxa_set(v, VXA_F_HOST_CR4, vxa_get(v, VXA_F_HOST_CR4) | VXA_CR4_PCIDE); break;
    case 3: vxa_set(v, VXA_F_HOST_RIP, vxa_get(v, VXA_F_HOST_RIP) | 1ull << (32 + vxa_rng_below(&m->rng, 32))); break;
    case 4: vxa_set(v, VXA_F_HOST_SS_SELECTOR, 0); break;
    case 5: {   /* "load CET state" where the CPU has it: S_CET or SSP bits 63:32 */
        if (!vxa_mut_enable(m, c, VXA_WORD_EXIT, VXA_EXIT_LOAD_CET_STATE)) break;
        vxa_field f = vxa_rng_below(&m->rng, 2) ? VXA_F_HOST_S_CET : VXA_F_HOST_SSP;
        vxa_set(v, VXA_F_HOST_S_CET, vxa_get(v, VXA_F_HOST_S_CET) & 0xffffffffull);
        vxa_set(v, VXA_F_HOST_SSP, vxa_get(v, VXA_F_HOST_SSP) & 0xffffffffull);
        vxa_set(v, f, vxa_get(v, f) | 1ull << (32 + vxa_rng_below(&m->rng, 32)));
        break;
    }
    case 6: vxa_set(v, VXA_F_HOST_CR4, vxa_get(v, VXA_F_HOST_CR4) | VXA_CR4_FRED); break;
    /* the guest's side of the same split (27.3.1.1): "IA-32e mode guest" = 0 needs CR4.PCIDE = 0 */
    case 7: vxa_set(v, VXA_F_GUEST_CR4, vxa_get(v, VXA_F_GUEST_CR4) | VXA_CR4_PCIDE); break;
    default: break;     /* no fault: the entry succeeds */
    }
    return true;
}
