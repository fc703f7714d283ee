/* host_segs.c — SDM 27.2.3 "Checks on Host Segment and Descriptor-Table Registers".
 * Violations are host-state failures: VMfailValid(8). */
#include "../internal.h"

#define SEL_RPL_TI 7ull   /* selector bits 1:0 (RPL) and bit 2 (TI) */

static void sel_rpl_ti(vxa_ctx *c, vxa_check id, vxa_field f)
{
    uint64_t s = vxa_fv(c, f);
    vxa_rule(c, id, (s & SEL_RPL_TI) != 0, f, s & SEL_RPL_TI, true, s & ~SEL_RPL_TI);
}

/* "On processors that support Intel 64 architecture, the base-address field ... canonical." */
static void base_canonical(vxa_ctx *c, vxa_check id, vxa_field f)
{
    uint64_t b = vxa_fv(c, f);
    int i64 = vxa_intel64(c);
    if (vxa_canonical(c, b) || i64 == 0) return;
    if (i64 < 0) { vxa_undet(c, id, VXA_UR_CPUID_UNKNOWN, VXA_CPUID_LM); return; }
    vxa_rule(c, id, true, f, 0, true, vxa_canonical_fix(c, b));
}

void vxa_checks_host_segs(vxa_ctx *c)
{
    bool has = exitc(c, VXA_EXIT_HOST_ADDR_SPACE_SIZE);

    /* In the selector field for each of CS, SS, DS, ES, FS, GS and TR, RPL and TI must be 0. */
    sel_rpl_ti(c, VXA_C_HOST_CS_SEL_RPL_TI, VXA_F_HOST_CS_SELECTOR);
    sel_rpl_ti(c, VXA_C_HOST_SS_SEL_RPL_TI, VXA_F_HOST_SS_SELECTOR);
    sel_rpl_ti(c, VXA_C_HOST_DS_SEL_RPL_TI, VXA_F_HOST_DS_SELECTOR);
    sel_rpl_ti(c, VXA_C_HOST_ES_SEL_RPL_TI, VXA_F_HOST_ES_SELECTOR);
    sel_rpl_ti(c, VXA_C_HOST_FS_SEL_RPL_TI, VXA_F_HOST_FS_SELECTOR);
    sel_rpl_ti(c, VXA_C_HOST_GS_SEL_RPL_TI, VXA_F_HOST_GS_SELECTOR);
    sel_rpl_ti(c, VXA_C_HOST_TR_SEL_RPL_TI, VXA_F_HOST_TR_SELECTOR);

    /* The selector fields for CS and TR cannot be 0000H.  Which descriptor to use is the host's
     * choice: the fix proposes Linux x86-64's GDT layout (__KERNEL_CS 0x10, TSS 0x40, __KERNEL_DS
     * 0x18); the host's own GDT selectors are the real answer. */
    RULE(c, HOST_CS_SEL_NULL, FV(c, HOST_CS_SELECTOR) == 0, HOST_CS_SELECTOR, 0, 0x10);
    RULE(c, HOST_TR_SEL_NULL, FV(c, HOST_TR_SELECTOR) == 0, HOST_TR_SELECTOR, 0, 0x40);

    /* The selector field for SS cannot be 0000H if "host address-space size" is 0. */
    if (!has && FV(c, HOST_SS_SELECTOR) == 0) {
        vxa_violation *v = vxa_fail(c, VXA_C_HOST_SS_SEL_NULL);
        vxa_vfield(v, VXA_F_HOST_SS_SELECTOR, 0);
        vxa_vfield(v, VXA_F_VM_EXIT_CONTROLS, FV(c, VM_EXIT_CONTROLS));
        vxa_vfix(v, VXA_F_HOST_SS_SELECTOR, 0x18);
    }

    /* Base-address fields for FS, GS, GDTR, IDTR and TR canonical (Intel 64 processors). */
    base_canonical(c, VXA_C_HOST_FS_BASE_CANONICAL, VXA_F_HOST_FS_BASE);
    base_canonical(c, VXA_C_HOST_GS_BASE_CANONICAL, VXA_F_HOST_GS_BASE);
    base_canonical(c, VXA_C_HOST_GDTR_BASE_CANONICAL, VXA_F_HOST_GDTR_BASE);
    base_canonical(c, VXA_C_HOST_IDTR_BASE_CANONICAL, VXA_F_HOST_IDTR_BASE);
    base_canonical(c, VXA_C_HOST_TR_BASE_CANONICAL, VXA_F_HOST_TR_BASE);
}
