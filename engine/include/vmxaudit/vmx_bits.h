/* vmx_bits.h — named bits of the VMX control words (table: controls.def), the registers and
 * capability MSRs the VM-entry rules read (SDM Vol. 3C ch. 25 "Virtual-Machine Control
 * Structures" and Appendix A, 086 edition).  Every name starts with VXA_, so a hypervisor that
 * includes this header keeps its own CR0_PG or PIN_BASED_NMI_EXITING.  The control bits are bit
 * positions, one enum type per word, and the engine's accessors take that type only, so a bit of
 * one word cannot be tested against another word (gcc/clang -Wenum-conversion, an error under
 * -Werror); the other names are masks. */
#ifndef VMXAUDIT_VMX_BITS_H
#define VMXAUDIT_VMX_BITS_H

/* One enum per control word, generated from controls.def: enum vxa_pin_bit { VXA_PIN_NMI_EXITING
 * = 3, ... }, vxa_proc_bit, vxa_proc2_bit, vxa_proc3_bit, vxa_exit_bit, vxa_exit2_bit,
 * vxa_entry_bit, vxa_vmfunc_bit.  Reserved default1 bits are VXA_<WORD>_RESERVED_<bit>. */
#define VXA_CONTROL_WORD(W, w, field, msr, title) typedef enum vxa_##w##_bit {
#define VXA_CONTROL(W, bit, name, default1, display) VXA_##W##_##name = bit,
#define VXA_CONTROL_END(W, w) } vxa_##w##_bit;
#include "vmxaudit/controls.def"
#undef VXA_CONTROL_WORD
#undef VXA_CONTROL
#undef VXA_CONTROL_END

/* Control registers and flags (Vol. 3A 2.5, 3.4.3) — plain masks. */
#define VXA_CR0_PE (1ull << 0)
#define VXA_CR0_MP (1ull << 1)
#define VXA_CR0_ET (1ull << 4)
#define VXA_CR0_NE (1ull << 5)
#define VXA_CR0_WP (1ull << 16)
#define VXA_CR0_NW (1ull << 29)
#define VXA_CR0_CD (1ull << 30)
#define VXA_CR0_PG (1ull << 31)
#define VXA_CR4_VME (1ull << 0)
#define VXA_CR4_PAE (1ull << 5)
#define VXA_CR4_VMXE (1ull << 13)
#define VXA_CR4_PCIDE (1ull << 17)
#define VXA_CR4_CET (1ull << 23)
#define VXA_CR4_LA57 (1ull << 12)
#define VXA_CR4_PKS (1ull << 24)
#define VXA_CR4_LAM_SUP (1ull << 28)
#define VXA_CR4_FRED (1ull << 32)
#define VXA_CR3_LAM_BITS (3ull << 61)          /* LAM_U57 (61), LAM_U48 (62): Vol. 3A 4.5 (LAM) */
#define VXA_EFER_SCE (1ull << 0)
#define VXA_EFER_LME (1ull << 8)
#define VXA_EFER_LMA (1ull << 10)
#define VXA_EFER_NXE (1ull << 11)
/* all other bits reserved */
#define VXA_EFER_DEFINED (VXA_EFER_SCE | VXA_EFER_LME | VXA_EFER_LMA | VXA_EFER_NXE)
#define VXA_RFLAGS_CF (1ull << 0)
#define VXA_RFLAGS_FIXED1 (1ull << 1)
#define VXA_RFLAGS_TF (1ull << 8)
#define VXA_RFLAGS_IF (1ull << 9)
#define VXA_RFLAGS_IOPL (3ull << 12)
#define VXA_RFLAGS_VM (1ull << 17)

/* IA32_S_CET (Vol. 1 ch. 18 CET) and IA32_FRED_CONFIG (FRED spec) */
#define VXA_S_CET_RSVD (0xfull << 6)           /* bits 9:6 reserved */
#define VXA_S_CET_SUPPRESS (1ull << 10)
#define VXA_S_CET_TRACKER (1ull << 11)         /* WAIT_FOR_ENDBRANCH */
#define VXA_FRED_CONFIG_RSVD ((1ull << 2) | (3ull << 4) | (1ull << 11))

/* Segment access rights as the VMCS holds them (25.4.1, Table 25-2) */
#define VXA_SEG_AR_TYPE 0xfull
#define VXA_SEG_AR_S (1ull << 4)
#define VXA_SEG_AR_DPL (3ull << 5)
#define VXA_SEG_AR_P (1ull << 7)
#define VXA_SEG_AR_L (1ull << 13)
#define VXA_SEG_AR_DB (1ull << 14)
#define VXA_SEG_AR_G (1ull << 15)
#define VXA_SEG_AR_UNUSABLE (1ull << 16)

/* Capability MSRs (Appendix A): IA32_VMX_BASIC (A.1) */
#define VXA_BASIC_REVISION 0x7fffffffull          /* bits 30:0: VMCS revision identifier */
#define VXA_BASIC_32BIT_ADDR (1ull << 48)
#define VXA_BASIC_DUAL_MONITOR (1ull << 49)
#define VXA_BASIC_TRUE_CTLS (1ull << 55)
#define VXA_BASIC_NO_ERRCODE_CHECK (1ull << 56)
#define VXA_BASIC_NESTED_EXCEPTION (1ull << 58)   /* interruption-info bit 13 may be 1 (FRED) */
/* IA32_VMX_MISC (A.6) */
#define VXA_MISC_ACTIVITY_SHIFT 6                 /* bits 6-8: HLT, shutdown, wait-for-SIPI */
#define VXA_MISC_CR3_TARGETS(m) (((m) >> 16) & 0x1ffu)      /* bits 24:16: CR3-target values */
/* bits 27:25: the recommended maximum MSR-list length, 512 x (N + 1) */
#define VXA_MISC_MAX_MSR(m) (512u * ((unsigned)((m) >> 25 & 7u) + 1u))
#define VXA_MISC_VMXOFF_UNBLOCKS_SMI (1ull << 28)
#define VXA_MISC_ZERO_LEN_INJECTION (1ull << 30)  /* soft events with instruction length 0 */
/* IA32_VMX_EPT_VPID_CAP (A.10), the bits the EPTP rules read */
#define VXA_EPTCAP_WALK4 (1ull << 6)              /* page-walk length 4 */
#define VXA_EPTCAP_WALK5 (1ull << 7)              /* page-walk length 5 */
#define VXA_EPTCAP_UC (1ull << 8)                 /* paging-structure memory type UC */
#define VXA_EPTCAP_WB (1ull << 14)                /* ... WB */
#define VXA_EPTCAP_AD (1ull << 21)                /* accessed and dirty flags */
#define VXA_EPTCAP_SSS (1ull << 23)               /* supervisor shadow-stack control */
#define VXA_EPTCAP_HLAT_PREFIX(m) (((m) >> 48) & 0x3fu)     /* bits 53:48: max HLAT prefix */

/* VM-entry interruption-information field (25.8.3) */
#define VXA_INTR_INFO_VECTOR 0xffull
#define VXA_INTR_INFO_TYPE_SHIFT 8
#define VXA_INTR_INFO_DELIVER_ERRCODE (1ull << 11)
#define VXA_INTR_INFO_FRED_NESTED (1ull << 13)
#define VXA_INTR_INFO_VALID (1ull << 31)
enum vxa_intr_type {
    VXA_INTR_TYPE_EXT_INTR = 0, VXA_INTR_TYPE_RESERVED = 1, VXA_INTR_TYPE_NMI = 2,
    VXA_INTR_TYPE_HW_EXCEPTION = 3, VXA_INTR_TYPE_SW_INTR = 4, VXA_INTR_TYPE_PRIV_SW_EXCEPTION = 5,
    VXA_INTR_TYPE_SW_EXCEPTION = 6, VXA_INTR_TYPE_OTHER = 7
};

#endif
