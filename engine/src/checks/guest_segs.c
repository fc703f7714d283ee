/* guest_segs.c — SDM 27.3.1.2 "Checks on Guest Segment Registers" (CS, SS, DS, ES, FS, GS, TR,
 * LDTR).  Guest-state checks: VM-entry failure, exit reason 33, qualification 0.
 *
 * Terms (SDM): the guest will be virtual-8086 if RFLAGS.VM (bit 17) is 1 in the RFLAGS field; it
 * will be IA-32e mode if the "IA-32e mode guest" VM-entry control is 1; a register is usable if
 * the unusable bit (bit 16) of its access-rights field is 0.
 *
 * The rules are listed in SDM order.  Where a bullet names several registers, one line loops over
 * a static table of the registers it names, each with its own check ID (GUEST_CS_AR_P,
 * GUEST_SS_AR_P, ...).  The FRED rules (CR4.FRED = 1: SS.DPL is 0 or 3; SS.DPL = 0 needs CS.L = 1)
 * sit with the other DPL and L/D rules. */
#include "../internal.h"

/* Selector and access-rights bits (SDM 25.4.1, Table 25-2). */
#define SEL_RPL 0x3ull
#define SEL_TI BIT(2)
#define AR_RSVD_11_8 0xf00ull
#define AR_RSVD_31_17 0xfffe0000ull
#define AR_V86 0xf3ull                 /* the only access rights allowed in virtual-8086 mode */
#define LIMIT_V86 0xffffull
#define NOF VXA_FIELD_COUNT            /* "no further field" in the helpers below */

static inline unsigned type_of(uint64_t ar) { return (unsigned)(ar & VXA_SEG_AR_TYPE); }
static inline unsigned dpl_of(uint64_t ar) { return (unsigned)((ar & VXA_SEG_AR_DPL) >> 5); }
static inline uint64_t with_dpl(uint64_t ar, unsigned dpl) { return (ar & ~VXA_SEG_AR_DPL) | (uint64_t)dpl << 5; }
static inline bool usable(uint64_t ar) { return !(ar & VXA_SEG_AR_UNUSABLE); }

/* The six registers the CS..GS bullets name, in the SDM's order, with their fields and the check
 * ID of each per-register bullet (VXA_CHECK_COUNT where the bullet does not name the register). */
typedef struct seg {
    vxa_field sel, base, limit, ar;
    vxa_check base_v86, limit_v86, ar_v86, s, p, rsvd_11_8, g_11_0, g_31_20, rsvd_31_17;
    vxa_check accessed, readable, dpl_rpl;   /* DS, ES, FS, GS only */
} seg;

#define SEG_COMMON(R)                                                                              \
    VXA_F_GUEST_##R##_SELECTOR, VXA_F_GUEST_##R##_BASE, VXA_F_GUEST_##R##_LIMIT,                   \
    VXA_F_GUEST_##R##_AR_BYTES, VXA_C_GUEST_##R##_BASE_V86, VXA_C_GUEST_##R##_LIMIT_V86,           \
    VXA_C_GUEST_##R##_AR_V86, VXA_C_GUEST_##R##_AR_S, VXA_C_GUEST_##R##_AR_P,                      \
    VXA_C_GUEST_##R##_AR_RSVD_11_8, VXA_C_GUEST_##R##_AR_G_LIMIT_11_0,                             \
    VXA_C_GUEST_##R##_AR_G_LIMIT_31_20, VXA_C_GUEST_##R##_AR_RSVD_31_17
#define SEG(R) { SEG_COMMON(R), VXA_CHECK_COUNT, VXA_CHECK_COUNT, VXA_CHECK_COUNT }
#define SEG_DATA(R)                                                                                \
    { SEG_COMMON(R), VXA_C_GUEST_##R##_AR_TYPE_ACCESSED, VXA_C_GUEST_##R##_AR_TYPE_READABLE,       \
      VXA_C_GUEST_##R##_AR_DPL_RPL }

enum { I_CS, I_SS, I_DS, I_ES, I_FS, I_GS, NSEG };
static const seg segs[NSEG] = { SEG(CS), SEG(SS), SEG_DATA(DS), SEG_DATA(ES), SEG_DATA(FS),
                                SEG_DATA(GS) };

/* ---- helpers ---- */

static inline uint64_t val(const vxa_ctx *c, vxa_field f) { return vxa_fv(c, f); }

/* A rule on field f (with the offending bits and the value f should get), naming up to two more
 * fields it reads (the registers or controls that make the rule apply). */
static bool rule(vxa_ctx *c, vxa_check id, bool violated, vxa_field f, uint64_t bits, uint64_t fix,
                 vxa_field r1, vxa_field r2)
{
    if (!violated) return false;
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, f, val(c, f));
    if (r1 != NOF) vxa_vfield(v, r1, val(c, r1));
    if (r2 != NOF) vxa_vfield(v, r2, val(c, r2));
    v->bits = bits;
    vxa_vfix(v, f, fix);
    return true;
}


/* The base-address bullets "performed on processors that support Intel 64 architecture": a value
 * that would violate one is undetermined when the profile does not say whether the CPU has it. */
static bool rule64(vxa_ctx *c, vxa_check id, bool violated, vxa_field f, uint64_t bits, uint64_t fix)
{
    if (!violated) return false;
    int lm = vxa_intel64(c);
    if (lm < 0) vxa_undet(c, id, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LM);
    return lm > 0 && rule(c, id, true, f, bits, fix, NOF, NOF);
}

/* Intel 64: the address in field f must be canonical. */
static bool canonical(vxa_ctx *c, vxa_check id, bool applies, vxa_field f)
{
    if (!applies) return false;   /* a rule that does not apply needs no field */
    uint64_t a = val(c, f), fix = vxa_canonical_fix(c, a);
    return rule64(c, id, applies && a != fix, f, a ^ fix, fix);
}

/* Intel 64: bits 63:32 of the address in field f must be 0. */
static bool high32_zero(vxa_ctx *c, vxa_check id, bool applies, vxa_field f)
{
    if (!applies) return false;
    uint64_t a = val(c, f);
    return rule64(c, id, applies && (a >> 32), f, a & ~0xffffffffull, a & 0xffffffffull);
}

/* When the rule applies, the bits `mask` of field f must all be 1 / must all be 0 / the field
 * must equal `want` (r1: a further field that makes the rule apply). */
static bool must1(vxa_ctx *c, vxa_check id, bool applies, vxa_field f, uint64_t mask)
{
    if (!applies) return false;
    uint64_t x = val(c, f);
    return rule(c, id, applies && (x & mask) != mask, f, mask & ~x, x | mask, NOF, NOF);
}
static bool must0(vxa_ctx *c, vxa_check id, bool applies, vxa_field f, uint64_t mask)
{
    if (!applies) return false;
    uint64_t x = val(c, f);
    return rule(c, id, applies && (x & mask), f, x & mask, x & ~mask, NOF, NOF);
}
static bool must_eq(vxa_ctx *c, vxa_check id, bool applies, vxa_field f, uint64_t want, vxa_field r1)
{
    if (!applies) return false;
    uint64_t x = val(c, f);
    return rule(c, id, applies && x != want, f, x ^ want, want, r1, NOF);
}

/* Bit 15 (G), first bullet: if any bit in the limit field in the range 11:0 is 0, G must be 0.
 * Fix: clear G, unless limit bits 31:20 need G = 1 (then fill in limit bits 11:0). */
static bool g_limit_11_0(vxa_ctx *c, vxa_check id, bool applies, vxa_field limit, vxa_field arf)
{
    if (!applies) return false;
    uint64_t lim = val(c, limit), ar = val(c, arf);
    if ((lim & 0xfff) == 0xfff || !(ar & VXA_SEG_AR_G)) return false;
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, arf, ar);
    vxa_vfield(v, limit, lim);
    v->bits = VXA_SEG_AR_G;
    if (lim >> 20) vxa_vfix(v, limit, lim | 0xfff);
    else vxa_vfix(v, arf, ar & ~VXA_SEG_AR_G);
    return true;
}

/* Bit 15 (G), second bullet: if any bit in the limit field in the range 31:20 is 1, G must be 1.
 * Fix: set G (and fill in limit bits 11:0, which G = 1 needs). */
static bool g_limit_31_20(vxa_ctx *c, vxa_check id, bool applies, vxa_field limit, vxa_field arf)
{
    if (!applies) return false;
    uint64_t lim = val(c, limit), ar = val(c, arf);
    if (!(lim >> 20) || (ar & VXA_SEG_AR_G)) return false;
    vxa_violation *v = vxa_fail(c, id);
    vxa_vfield(v, arf, ar);
    vxa_vfield(v, limit, lim);
    v->bits = VXA_SEG_AR_G;
    vxa_vfix(v, arf, ar | VXA_SEG_AR_G);
    if ((lim & 0xfff) != 0xfff) vxa_vfix(v, limit, lim | 0xfff);
    return true;
}

/* TR type: 11 (busy 32-/64-bit TSS), or 3 (busy 16-bit TSS) outside IA-32e mode. */
static uint64_t tr_type_fix(uint64_t ar, bool ia32e)
{
    unsigned t = (!ia32e && (type_of(ar) == 1 || type_of(ar) == 3)) ? 3u : 11u;
    return (ar & ~VXA_SEG_AR_TYPE) | t;
}

void vxa_checks_guest_segs(vxa_ctx *c)
{
    const bool v86 = FV(c, GUEST_RFLAGS) & VXA_RFLAGS_VM;
    const bool ia32e = entry(c, VXA_ENTRY_IA32E_MODE_GUEST);
    const bool ug = proc2(c, VXA_PROC2_UNRESTRICTED_GUEST);
    const bool fred = FV(c, GUEST_CR4) & VXA_CR4_FRED;
    const bool pe = FV(c, GUEST_CR0) & VXA_CR0_PE;
    const vxa_field RFL = VXA_F_GUEST_RFLAGS, ENT = VXA_F_VM_ENTRY_CONTROLS,
                    SEC = VXA_F_SECONDARY_VM_EXEC_CONTROL, CS_AR = VXA_F_GUEST_CS_AR_BYTES,
                    SS_AR = VXA_F_GUEST_SS_AR_BYTES, TR_AR = VXA_F_GUEST_TR_AR_BYTES,
                    LDTR_AR = VXA_F_GUEST_LDTR_AR_BYTES;
    const uint64_t cs_sel = FV(c, GUEST_CS_SELECTOR), ss_sel = FV(c, GUEST_SS_SELECTOR);
    /* Model-only (VXA_Q_NULL_SS_UNUSABLE_IA32E): Bochs takes a null SS of an IA-32e mode guest
     * with a 64-bit CS (CS.L = 1) for unusable, whatever its access rights say. */
    const bool ss_null_unusable = quirk(c, VXA_Q_NULL_SS_UNUSABLE_IA32E) && ia32e &&
                                  (FV(c, GUEST_CS_AR_BYTES) & VXA_SEG_AR_L) && (ss_sel & ~SEL_RPL) == 0;
    const uint64_t cs_ar = FV(c, GUEST_CS_AR_BYTES),
                   ss_ar = FV(c, GUEST_SS_AR_BYTES) | (ss_null_unusable ? VXA_SEG_AR_UNUSABLE : 0);
    const uint64_t tr_ar = FV(c, GUEST_TR_AR_BYTES), ldtr_ar = FV(c, GUEST_LDTR_AR_BYTES);
    const unsigned cs_type = type_of(cs_ar), ss_dpl = dpl_of(ss_ar);
    const bool ldtr = usable(ldtr_ar);
    const seg *s;
#define EACH(first) for (s = segs + (first); s < segs + NSEG; s++)
#define AR(s) ((s) == segs + I_SS ? ss_ar : val(c, (s)->ar))
#define CS_OR_USABLE(s) ((s) == segs + I_CS || usable(AR(s)))

    /* ---- Selector fields ---- */
    must0(c, VXA_C_GUEST_TR_SEL_TI, true, VXA_F_GUEST_TR_SELECTOR, SEL_TI);
    must0(c, VXA_C_GUEST_LDTR_SEL_TI, ldtr, VXA_F_GUEST_LDTR_SELECTOR, SEL_TI);
    /* SS: if not virtual-8086 and "unrestricted guest" is 0, the RPL must equal CS's RPL. */
    rule(c, VXA_C_GUEST_SS_SEL_RPL, !v86 && !ug && (ss_sel & SEL_RPL) != (cs_sel & SEL_RPL),
         VXA_F_GUEST_SS_SELECTOR, (ss_sel ^ cs_sel) & SEL_RPL, (ss_sel & ~SEL_RPL) | (cs_sel & SEL_RPL),
         VXA_F_GUEST_CS_SELECTOR, SEC);

    /* ---- Base-address fields ---- */
    /* CS, SS, DS, ES, FS, GS: if virtual-8086, the base must be the selector shifted left 4 bits. */
    EACH(I_CS) must_eq(c, s->base_v86, v86, s->base, val(c, s->sel) << 4, RFL);
    /* On processors that support Intel 64 architecture: */
    canonical(c, VXA_C_GUEST_TR_BASE_CANONICAL, true, VXA_F_GUEST_TR_BASE);
    canonical(c, VXA_C_GUEST_FS_BASE_CANONICAL, true, VXA_F_GUEST_FS_BASE);
    canonical(c, VXA_C_GUEST_GS_BASE_CANONICAL, true, VXA_F_GUEST_GS_BASE);
    canonical(c, VXA_C_GUEST_LDTR_BASE_CANONICAL, ldtr, VXA_F_GUEST_LDTR_BASE);
    high32_zero(c, VXA_C_GUEST_CS_BASE_HIGH, true, VXA_F_GUEST_CS_BASE);
    high32_zero(c, VXA_C_GUEST_SS_BASE_HIGH, usable(ss_ar), VXA_F_GUEST_SS_BASE);
    high32_zero(c, VXA_C_GUEST_DS_BASE_HIGH, usable(FV(c, GUEST_DS_AR_BYTES)), VXA_F_GUEST_DS_BASE);
    high32_zero(c, VXA_C_GUEST_ES_BASE_HIGH, usable(FV(c, GUEST_ES_AR_BYTES)), VXA_F_GUEST_ES_BASE);

    /* ---- Limit fields for CS, SS, DS, ES, FS, GS: if virtual-8086, 0000FFFFH ---- */
    EACH(I_CS) must_eq(c, s->limit_v86, v86, s->limit, LIMIT_V86, RFL);

    /* ---- Access-rights fields for CS, SS, DS, ES, FS, GS ---- */
    if (v86) {
        /* Virtual-8086: the field must be 000000F3H. */
        EACH(I_CS) must_eq(c, s->ar_v86, true, s->ar, AR_V86, RFL);
    } else {
        /* Bits 3:0 (Type).  CS: 9, 11, 13 or 15 (accessed code), or 3 (read/write accessed
         * data) if "unrestricted guest" is 1.  Fix: make it accessed code. */
        rule(c, VXA_C_GUEST_CS_AR_TYPE, (cs_type & 9) != 9 && !(ug && cs_type == 3), CS_AR, VXA_SEG_AR_TYPE,
             cs_ar | 9, SEC, NOF);
        /* SS, if usable: 3 or 7 (read/write accessed data). */
        rule(c, VXA_C_GUEST_SS_AR_TYPE, usable(ss_ar) && (type_of(ss_ar) | 4) != 7, SS_AR, VXA_SEG_AR_TYPE,
             (ss_ar & ~(uint64_t)0xb) | 3, NOF, NOF);
        /* DS, ES, FS, GS, if usable: accessed (Type bit 0); a code segment (bit 3) readable (bit 1). */
        EACH(I_DS) {
            must1(c, s->accessed, usable(AR(s)), s->ar, 1);
            must1(c, s->readable, usable(AR(s)) && (AR(s) & 8), s->ar, 2);
        }
        /* Bit 4 (S): 1 if the register is CS or usable. */
        EACH(I_CS) must1(c, s->s, CS_OR_USABLE(s), s->ar, VXA_SEG_AR_S);
        /* Bits 6:5 (DPL).  CS: Type 3 (unrestricted guest) => DPL 0; Type 9 or 11 (non-conforming
         * code) => DPL = SS.DPL; Type 13 or 15 (conforming code) => DPL <= SS.DPL. */
        must0(c, VXA_C_GUEST_CS_AR_DPL_TYPE3, cs_type == 3, CS_AR, VXA_SEG_AR_DPL);
        /* Model-only (VXA_Q_CS_DPL_VS_CS_RPL): Bochs compares CS.DPL with the CS selector's RPL
         * where the SDM compares it with SS.DPL (same thing unless "unrestricted guest" is 1). */
        const bool vs_rpl = quirk(c, VXA_Q_CS_DPL_VS_CS_RPL);
        const unsigned cs_rpl = (unsigned)(cs_sel & SEL_RPL), ref_dpl = vs_rpl ? cs_rpl : ss_dpl;
        rule(c, vs_rpl ? VXA_C_GUEST_CS_RPL_DPL_NONCONF : VXA_C_GUEST_CS_AR_DPL_NONCONF,
             (cs_type == 9 || cs_type == 11) && dpl_of(cs_ar) != ref_dpl, CS_AR,
             (cs_ar ^ with_dpl(cs_ar, ref_dpl)) & VXA_SEG_AR_DPL, with_dpl(cs_ar, ref_dpl),
             vs_rpl ? VXA_F_GUEST_CS_SELECTOR : SS_AR, NOF);
        rule(c, VXA_C_GUEST_CS_AR_DPL_CONF, (cs_type == 13 || cs_type == 15) && dpl_of(cs_ar) > ref_dpl,
             CS_AR, cs_ar & VXA_SEG_AR_DPL, with_dpl(cs_ar, ref_dpl), vs_rpl ? VXA_F_GUEST_CS_SELECTOR : SS_AR, NOF);
        /* SS: DPL = the selector's RPL if "unrestricted guest" is 0; DPL 0 if CS Type is 3 or
         * CR0.PE is 0; DPL 0 or 3 if CR4.FRED is 1 (FRED has no rings 1 and 2). */
        rule(c, VXA_C_GUEST_SS_AR_DPL_RPL, !ug && ss_dpl != (ss_sel & SEL_RPL), SS_AR, ss_ar & VXA_SEG_AR_DPL,
             with_dpl(ss_ar, (unsigned)(ss_sel & SEL_RPL)), VXA_F_GUEST_SS_SELECTOR, SEC);
        rule(c, VXA_C_GUEST_SS_AR_DPL_ZERO, (cs_type == 3 || !pe) && ss_dpl != 0, SS_AR, ss_ar & VXA_SEG_AR_DPL,
             with_dpl(ss_ar, 0), CS_AR, VXA_F_GUEST_CR0);
        rule(c, VXA_C_GUEST_SS_AR_DPL_FRED, fred && (ss_dpl == 1 || ss_dpl == 2), SS_AR, ss_ar & VXA_SEG_AR_DPL,
             with_dpl(ss_ar, (cs_ar & VXA_SEG_AR_L) ? 0 : 3), VXA_F_GUEST_CR4, NOF);
        /* DS, ES, FS, GS: if "unrestricted guest" is 0, the register is usable and its Type is
         * 0-11 (data or non-conforming code), the DPL cannot be less than the selector's RPL. */
        unsigned max_type = quirk(c, VXA_Q_DPL_RPL_DATA_TYPES_ONLY) ? 7 : 11;
        EACH(I_DS) {
            unsigned rpl = (unsigned)(val(c, s->sel) & SEL_RPL);
            rule(c, s->dpl_rpl, !ug && usable(AR(s)) && type_of(AR(s)) <= max_type && dpl_of(AR(s)) < rpl, s->ar,
                 AR(s) & VXA_SEG_AR_DPL, with_dpl(AR(s), rpl), s->sel, SEC);
        }
        /* Bit 7 (P): 1 if the register is CS or usable. */
        EACH(I_CS) must1(c, s->p, CS_OR_USABLE(s), s->ar, VXA_SEG_AR_P);
        /* Bits 11:8 (reserved): 0 if the register is CS or usable. */
        EACH(I_CS) must0(c, s->rsvd_11_8, CS_OR_USABLE(s), s->ar, AR_RSVD_11_8);
        /* Bit 13 (L), FRED: if CR4.FRED is 1 and SS.DPL is 0, CS.L must be 1 (ring 0 runs in
         * 64-bit mode).  Fix: set L and clear D/B (L = D/B = 1 is reserved). */
        rule(c, VXA_C_GUEST_CS_AR_L_FRED, fred && ss_dpl == 0 && !(cs_ar & VXA_SEG_AR_L), CS_AR, VXA_SEG_AR_L,
             (cs_ar | VXA_SEG_AR_L) & ~VXA_SEG_AR_DB, SS_AR, VXA_F_GUEST_CR4);
        /* Bit 14 (D/B): for CS, 0 if the guest will be IA-32e mode and L is 1. */
        rule(c, VXA_C_GUEST_CS_AR_DB, ia32e && (cs_ar & VXA_SEG_AR_L) && (cs_ar & VXA_SEG_AR_DB), CS_AR, VXA_SEG_AR_DB,
             cs_ar & ~VXA_SEG_AR_DB, ENT, NOF);
        /* Bit 15 (G), if the register is CS or usable: G = 0 if any of limit bits 11:0 is 0;
         * G = 1 if any of limit bits 31:20 is 1. */
        EACH(I_CS) g_limit_11_0(c, s->g_11_0, CS_OR_USABLE(s), s->limit, s->ar);
        EACH(I_CS) g_limit_31_20(c, s->g_31_20, CS_OR_USABLE(s), s->limit, s->ar);
        /* Bits 31:17 (reserved): 0 if the register is CS or usable. */
        EACH(I_CS) must0(c, s->rsvd_31_17, CS_OR_USABLE(s), s->ar, AR_RSVD_31_17);
    }

    /* ---- TR access rights ---- */
    /* Type: 3 (busy 16-bit TSS) or 11 (busy 32-bit TSS) if the guest will not be IA-32e mode;
     * 11 (busy 64-bit TSS) if it will. */
    rule(c, VXA_C_GUEST_TR_AR_TYPE, type_of(tr_ar) != 11 && (ia32e || type_of(tr_ar) != 3), TR_AR, VXA_SEG_AR_TYPE,
         tr_type_fix(tr_ar, ia32e), ENT, NOF);
    must0(c, VXA_C_GUEST_TR_AR_S, true, TR_AR, VXA_SEG_AR_S);
    must1(c, VXA_C_GUEST_TR_AR_P, true, TR_AR, VXA_SEG_AR_P);
    must0(c, VXA_C_GUEST_TR_AR_RSVD_11_8, true, TR_AR, AR_RSVD_11_8);
    g_limit_11_0(c, VXA_C_GUEST_TR_AR_G_LIMIT_11_0, true, VXA_F_GUEST_TR_LIMIT, TR_AR);
    g_limit_31_20(c, VXA_C_GUEST_TR_AR_G_LIMIT_31_20, true, VXA_F_GUEST_TR_LIMIT, TR_AR);
    must0(c, VXA_C_GUEST_TR_AR_UNUSABLE, true, TR_AR, VXA_SEG_AR_UNUSABLE);
    must0(c, VXA_C_GUEST_TR_AR_RSVD_31_17, true, TR_AR, AR_RSVD_31_17);

    /* ---- LDTR access rights: checked only if LDTR is usable ---- */
    rule(c, VXA_C_GUEST_LDTR_AR_TYPE, ldtr && type_of(ldtr_ar) != 2, LDTR_AR, VXA_SEG_AR_TYPE,
         (ldtr_ar & ~VXA_SEG_AR_TYPE) | 2, NOF, NOF);
    must0(c, VXA_C_GUEST_LDTR_AR_S, ldtr, LDTR_AR, VXA_SEG_AR_S);
    must1(c, VXA_C_GUEST_LDTR_AR_P, ldtr, LDTR_AR, VXA_SEG_AR_P);
    must0(c, VXA_C_GUEST_LDTR_AR_RSVD_11_8, ldtr, LDTR_AR, AR_RSVD_11_8);
    g_limit_11_0(c, VXA_C_GUEST_LDTR_AR_G_LIMIT_11_0, ldtr, VXA_F_GUEST_LDTR_LIMIT, LDTR_AR);
    g_limit_31_20(c, VXA_C_GUEST_LDTR_AR_G_LIMIT_31_20, ldtr, VXA_F_GUEST_LDTR_LIMIT, LDTR_AR);
    must0(c, VXA_C_GUEST_LDTR_AR_RSVD_31_17, ldtr, LDTR_AR, AR_RSVD_31_17);
#undef EACH
#undef AR
#undef CS_OR_USABLE
}
