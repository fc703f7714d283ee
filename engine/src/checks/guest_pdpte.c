/* guest_pdpte.c — SDM 27.3.1.6 Checks on guest page-directory-pointer-table entries.
 * A VM entry to a guest that uses PAE paging (CR0.PG = 1, CR4.PAE = 1, "IA-32e mode guest" = 0)
 * checks the PDPTEs as MOV to CR3 would (Vol. 3A 4.4.1): with "enable EPT" = 1 the PDPTE fields
 * of the guest-state area, else the four PDPTEs at guest CR3[31:5].  A failure is exit reason 33
 * with qualification 2. */
#include "../internal.h"

#define PDPTE_P BIT(0)
/* Vol. 3A Table 4-8 "Format of a PAE Page-Directory-Pointer-Table Entry": bits 2:1 and 8:5 are
 * reserved, and bits 63:MAXPHYADDR. */
#define PDPTE_RSVD_LOW (BIT(1) | BIT(2) | BIT(5) | BIT(6) | BIT(7) | BIT(8))

static const vxa_check pdpte_id[4] = { VXA_C_GUEST_PDPTE0_RSVD, VXA_C_GUEST_PDPTE1_RSVD,
                                       VXA_C_GUEST_PDPTE2_RSVD, VXA_C_GUEST_PDPTE3_RSVD };
static const vxa_field pdpte_field[4] = { VXA_F_GUEST_PDPTR0, VXA_F_GUEST_PDPTR1,
                                          VXA_F_GUEST_PDPTR2, VXA_F_GUEST_PDPTR3 };

/* The reserved bits a PDPTE has set (0 if it is not present).  The physical-address width is
 * MAXPHYADDR (the 32-bit limit of IA32_VMX_BASIC[48] applies to VMX structures, not to paging). */
static uint64_t pdpte_bad(const vxa_ctx *c, uint64_t e)
{
    unsigned w = c->p->maxphyaddr;
    uint64_t high = w >= 64 ? 0 : ~0ull << w;
    return (e & PDPTE_P) ? e & (PDPTE_RSVD_LOW | high) : 0;
}

void vxa_checks_guest_pdpte(vxa_ctx *c)
{
    uint64_t cr0 = FV(c, GUEST_CR0), cr4 = FV(c, GUEST_CR4), cr3 = FV(c, GUEST_CR3);
    if (!(cr0 & VXA_CR0_PG) || !(cr4 & VXA_CR4_PAE) || entry(c, VXA_ENTRY_IA32E_MODE_GUEST)) return;

    if (proc2(c, VXA_PROC2_ENABLE_EPT)) {
        /* The PDPTE fields of the guest-state area. */
        for (unsigned i = 0; i < 4; i++) {
            uint64_t e = vxa_fv(c, pdpte_field[i]), bad = pdpte_bad(c, e);
            if (!bad) continue;
            vxa_violation *v = vxa_fail(c, pdpte_id[i]);
            vxa_vfield(v, pdpte_field[i], e);
            v->bits = bad;
            v->qualification = 2;
            vxa_vfix(v, pdpte_field[i], e & ~bad);
        }
        return;
    }
    /* Without EPT: the PDPTEs in memory at CR3 bits 31:5 (32-byte aligned table).  The SDM checks
     * them when PAE paging was not in use before the entry or CR3 changes, and allows it always;
     * the checker assumes the check is made. */
    uint64_t table = cr3 & 0xffffffe0ull;
    for (unsigned i = 0; i < 4; i++) {
        uint8_t b[8];
        uint64_t pa = table + 8u * i;
        if (vxa_not_captured(c, VXA_F_GUEST_CR3)) {
            vxa_undet_nc(c, pdpte_id[i], VXA_F_GUEST_CR3);
            continue;
        }
        if (vxa_read(c, pa, b, 8)) {
            vxa_undet(c, pdpte_id[i], VXA_UR_MEMORY, pa);
            continue;
        }
        uint64_t e = vxa_read_u64_le(b), bad = pdpte_bad(c, e);
        if (!bad) continue;
        vxa_violation *v = vxa_fail(c, pdpte_id[i]);
        vxa_vfield(v, VXA_F_GUEST_CR3, cr3);
        v->bits = bad;
        v->aux = e;                      /* the PDPTE read from memory (at CR3[31:5] + 8 * i) */
        v->qualification = 2;
    }
}
