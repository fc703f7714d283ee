/* ops_segments.c — guest segment registers (SDM 25.4.1 Table 25-2; checks 27.3.1.2): access
 * rights from the valid classes of each register (code, data, system, unusable) plus one step off
 * a class, selectors (RPL, TI, null), and CS.DPL / SS.DPL / SS.RPL made to agree or not. */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

static const vxa_field ar_fields[] = { VXA_F_GUEST_ES_AR_BYTES, VXA_F_GUEST_CS_AR_BYTES,
    VXA_F_GUEST_SS_AR_BYTES, VXA_F_GUEST_DS_AR_BYTES, VXA_F_GUEST_FS_AR_BYTES, VXA_F_GUEST_GS_AR_BYTES,
    VXA_F_GUEST_LDTR_AR_BYTES, VXA_F_GUEST_TR_AR_BYTES };
static const vxa_field sel_fields[] = { VXA_F_GUEST_ES_SELECTOR, VXA_F_GUEST_CS_SELECTOR,
    VXA_F_GUEST_SS_SELECTOR, VXA_F_GUEST_DS_SELECTOR, VXA_F_GUEST_FS_SELECTOR, VXA_F_GUEST_GS_SELECTOR,
    VXA_F_GUEST_LDTR_SELECTOR, VXA_F_GUEST_TR_SELECTOR };
enum { SEG_CS = 1, SEG_LDTR = 6, SEG_TR = 7 };

static uint64_t ar_value(vxa_mutator *m, unsigned seg)
{
    static const uint8_t code[] = { 9, 11, 13, 15, 8, 10 }, data[] = { 1, 3, 5, 7, 0, 2 };
    static const uint8_t sys_tr[] = { 11, 3, 9, 1 };
    vxa_rng *r = &m->rng;
    uint64_t type, s = 1;
    if (seg == SEG_TR) { type = VXA_RNG_PICK(r, sys_tr); s = 0; }
    else if (seg == SEG_LDTR) { type = vxa_rng_below(r, 4) ? 2 : vxa_rng_below(r, 16); s = 0; }
    else type = seg == SEG_CS || vxa_rng_below(r, 4) == 0 ? VXA_RNG_PICK(r, code) : VXA_RNG_PICK(r, data);
    if (vxa_rng_below(r, 8) == 0) s ^= 1;                               /* S against the register */
    uint64_t v = type | s << 4 | (uint64_t)vxa_rng_below(r, 4) << 5 | VXA_SEG_AR_P;
    if (vxa_rng_below(r, 2)) v |= VXA_SEG_AR_G;
    if (vxa_rng_below(r, 2)) v |= VXA_SEG_AR_DB;
    if (seg == SEG_CS && vxa_rng_below(r, 2)) v = (v & ~VXA_SEG_AR_DB) | VXA_SEG_AR_L;   /* 64-bit code */
    switch (vxa_rng_below(r, 10)) {
    case 0: v |= VXA_SEG_AR_UNUSABLE; break;
    case 1: v ^= 1ull << vxa_rng_below(r, 17); break;                  /* one bit off */
    case 2: v |= 1ull << (8 + vxa_rng_below(r, 4)); break;             /* reserved 11:8 */
    case 3: v |= 1ull << (17 + vxa_rng_below(r, 15)); break;           /* reserved 31:17 */
    case 4: v = VXA_SEG_AR_UNUSABLE; break;                            /* unusable, nothing else */
    case 5: v &= ~VXA_SEG_AR_P; break;                                 /* not present */
    default: break;
    }
    return v;
}

bool vxa_op_segment(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    unsigned s = vxa_rng_below(r, 8);
    vxa_vmcs *v = c->vmcs;
    switch (vxa_rng_below(r, 6)) {
    case 0: vxa_set(v, sel_fields[s], vxa_get(v, sel_fields[s]) ^ 1ull << vxa_rng_below(r, 3)); break; /* RPL, TI */
    case 1: vxa_set(v, sel_fields[s], vxa_rng_below(r, 2) ? vxa_rng_below(r, 4) : vxa_rng_below(r, 0x80)); break;
    case 2: {   /* CS.DPL vs SS.DPL vs SS.RPL: made to (dis)agree */
        uint64_t d = vxa_rng_below(r, 4);
        vxa_set(v, VXA_F_GUEST_SS_AR_BYTES, (vxa_get(v, VXA_F_GUEST_SS_AR_BYTES) & ~VXA_SEG_AR_DPL) | d << 5);
        vxa_set(v, VXA_F_GUEST_SS_SELECTOR, (vxa_get(v, VXA_F_GUEST_SS_SELECTOR) & ~3ull) | vxa_rng_below(r, 4));
        if (vxa_rng_below(r, 2))
            vxa_set(v, VXA_F_GUEST_CS_AR_BYTES, (vxa_get(v, VXA_F_GUEST_CS_AR_BYTES) & ~VXA_SEG_AR_DPL) | d << 5);
        break;
    }
    default:
        vxa_set(v, ar_fields[s], ar_value(m, s));
        if (vxa_rng_below(r, 4) == 0) vxa_set(v, sel_fields[s], vxa_rng_below(r, 0x80));
    }
    return true;
}
