/* vmx_bits.h — named bits of the VMX control words (table: controls.def) and related registers,
 * one enum type per word (SDM Vol. 3C ch. 25 "Virtual-Machine Control Structures", 086 edition).
 * The values are bit positions.  Each word has its own enum type, and the engine's accessors take that type
 * only, so a bit of one word cannot be tested against another word (gcc/clang -Wenum-conversion,
 * an error under -Werror). */
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
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_VME (1ull << 0)
#define CR4_PAE (1ull << 5)
#define CR4_VMXE (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define CR4_CET (1ull << 23)
#define CR4_LA57 (1ull << 12)
#define CR4_PKS (1ull << 24)
#define CR4_LAM_SUP (1ull << 28)
#define CR4_FRED (1ull << 32)
#define CR3_LAM_BITS (3ull << 61)          /* LAM_U57 (61), LAM_U48 (62): Vol. 3A 4.5 (LAM) */
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define EFER_DEFINED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)   /* all other bits reserved */
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_FIXED1 (1ull << 1)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_VM (1ull << 17)

/* IA32_S_CET (Vol. 1 ch. 18 CET) and IA32_FRED_CONFIG (FRED spec) */
#define S_CET_RSVD (0xfull << 6)           /* bits 9:6 reserved */
#define S_CET_SUPPRESS (1ull << 10)
#define S_CET_TRACKER (1ull << 11)         /* WAIT_FOR_ENDBRANCH */
#define FRED_CONFIG_RSVD ((1ull << 2) | (3ull << 4) | (1ull << 11))

/* Segment access rights as the VMCS holds them (25.4.1, Table 25-2) */
#define SEG_AR_TYPE 0xfull
#define SEG_AR_S (1ull << 4)
#define SEG_AR_DPL (3ull << 5)
#define SEG_AR_P (1ull << 7)
#define SEG_AR_L (1ull << 13)
#define SEG_AR_DB (1ull << 14)
#define SEG_AR_G (1ull << 15)
#define SEG_AR_UNUSABLE (1ull << 16)

/* IA32_VMX_BASIC bits (Appendix A.1) */
#define BASIC_32BIT_ADDR (1ull << 48)
#define BASIC_DUAL_MONITOR (1ull << 49)
#define BASIC_TRUE_CTLS (1ull << 55)
#define BASIC_NO_ERRCODE_CHECK (1ull << 56)

/* VM-entry interruption-information field (25.8.3) */
#define INTR_INFO_VECTOR 0xffull
#define INTR_INFO_TYPE_SHIFT 8
#define INTR_INFO_DELIVER_ERRCODE (1ull << 11)
#define INTR_INFO_FRED_NESTED (1ull << 13)
#define INTR_INFO_VALID (1ull << 31)
enum vxa_intr_type {
    INTR_TYPE_EXT_INTR = 0, INTR_TYPE_RESERVED = 1, INTR_TYPE_NMI = 2, INTR_TYPE_HW_EXCEPTION = 3,
    INTR_TYPE_SW_INTR = 4, INTR_TYPE_PRIV_SW_EXCEPTION = 5, INTR_TYPE_SW_EXCEPTION = 6,
    INTR_TYPE_OTHER = 7
};

#endif
