/* vmx_bits.h — named bits of the VMX control words and related registers, one enum type per
 * word (SDM Vol. 3C ch. 25 "Virtual-Machine Control Structures", 086 edition).  The values are
 * bit positions.  Each word has its own enum type, and the engine's accessors take that type
 * only, so a bit of one word cannot be tested against another word (gcc/clang -Wenum-conversion,
 * an error under -Werror). */
#ifndef VMXAUDIT_VMX_BITS_H
#define VMXAUDIT_VMX_BITS_H

/* 25.6.1 Pin-based VM-execution controls */
typedef enum vxa_pin_bit {
    PIN_EXT_INTR_EXITING = 0, PIN_NMI_EXITING = 3, PIN_VIRTUAL_NMIS = 5,
    PIN_PREEMPTION_TIMER = 6, PIN_POSTED_INTR = 7
} vxa_pin_bit;

/* 25.6.2 Primary processor-based VM-execution controls */
typedef enum vxa_proc_bit {
    PROC_INTR_WINDOW_EXITING = 2, PROC_USE_TSC_OFFSETTING = 3, PROC_HLT_EXITING = 7,
    PROC_INVLPG_EXITING = 9, PROC_MWAIT_EXITING = 10, PROC_RDPMC_EXITING = 11,
    PROC_RDTSC_EXITING = 12, PROC_CR3_LOAD_EXITING = 15, PROC_CR3_STORE_EXITING = 16,
    PROC_ACTIVATE_TERTIARY = 17, PROC_CR8_LOAD_EXITING = 19, PROC_CR8_STORE_EXITING = 20,
    PROC_USE_TPR_SHADOW = 21, PROC_NMI_WINDOW_EXITING = 22, PROC_MOV_DR_EXITING = 23,
    PROC_UNCOND_IO_EXITING = 24, PROC_USE_IO_BITMAPS = 25, PROC_MONITOR_TRAP_FLAG = 27,
    PROC_USE_MSR_BITMAPS = 28, PROC_MONITOR_EXITING = 29, PROC_PAUSE_EXITING = 30,
    PROC_ACTIVATE_SECONDARY = 31
} vxa_proc_bit;

/* 25.6.2 Secondary processor-based VM-execution controls */
typedef enum vxa_proc2_bit {
    PROC2_VIRTUALIZE_APIC_ACCESSES = 0, PROC2_ENABLE_EPT = 1, PROC2_DESC_TABLE_EXITING = 2,
    PROC2_ENABLE_RDTSCP = 3, PROC2_VIRTUALIZE_X2APIC = 4, PROC2_ENABLE_VPID = 5,
    PROC2_WBINVD_EXITING = 6, PROC2_UNRESTRICTED_GUEST = 7, PROC2_APIC_REGISTER_VIRT = 8,
    PROC2_VIRTUAL_INTR_DELIVERY = 9, PROC2_PAUSE_LOOP_EXITING = 10, PROC2_RDRAND_EXITING = 11,
    PROC2_ENABLE_INVPCID = 12, PROC2_ENABLE_VMFUNC = 13, PROC2_VMCS_SHADOWING = 14,
    PROC2_ENCLS_EXITING = 15, PROC2_RDSEED_EXITING = 16, PROC2_ENABLE_PML = 17,
    PROC2_EPT_VIOLATION_VE = 18, PROC2_CONCEAL_VMX_FROM_PT = 19, PROC2_ENABLE_XSAVES = 20,
    PROC2_PASID_TRANSLATION = 21, PROC2_MODE_BASED_EPT_EXEC = 22, PROC2_SUBPAGE_WRITE = 23,
    PROC2_PT_USES_GPA = 24, PROC2_TSC_SCALING = 25, PROC2_USER_WAIT_PAUSE = 26,
    PROC2_ENABLE_PCONFIG = 27, PROC2_ENCLV_EXITING = 28, PROC2_BUS_LOCK_DETECTION = 30,
    PROC2_INSTRUCTION_TIMEOUT = 31
} vxa_proc2_bit;

/* 25.6.2 Tertiary processor-based VM-execution controls (64 bits) */
typedef enum vxa_proc3_bit {
    PROC3_LOADIWKEY_EXITING = 0, PROC3_ENABLE_HLAT = 1, PROC3_EPT_PAGING_WRITE = 2,
    PROC3_GUEST_PAGING_VERIFY = 3, PROC3_IPI_VIRT = 4, PROC3_VIRT_SPEC_CTRL = 7
} vxa_proc3_bit;

/* 25.7.1 Primary VM-exit controls */
typedef enum vxa_exit_bit {
    EXIT_SAVE_DEBUG_CONTROLS = 2, EXIT_HOST_ADDR_SPACE_SIZE = 9, EXIT_LOAD_PERF_GLOBAL_CTRL = 12,
    EXIT_ACK_INTR_ON_EXIT = 15, EXIT_SAVE_PAT = 18, EXIT_LOAD_PAT = 19, EXIT_SAVE_EFER = 20,
    EXIT_LOAD_EFER = 21, EXIT_SAVE_PREEMPTION_TIMER = 22, EXIT_CLEAR_BNDCFGS = 23,
    EXIT_CONCEAL_VMX_FROM_PT = 24, EXIT_CLEAR_RTIT_CTL = 25, EXIT_CLEAR_LBR_CTL = 26,
    EXIT_CLEAR_UINV = 27, EXIT_LOAD_CET_STATE = 28, EXIT_LOAD_PKRS = 29,
    EXIT_SAVE_PERF_GLOBAL_CTRL = 30, EXIT_ACTIVATE_SECONDARY = 31
} vxa_exit_bit;

/* 25.7.1 Secondary VM-exit controls (64 bits) */
typedef enum vxa_exit2_bit {
    EXIT2_SAVE_FRED = 0, EXIT2_LOAD_FRED = 1, EXIT2_PREMATURE_BUSY_SHSTK = 3
} vxa_exit2_bit;

/* 25.8.1 VM-entry controls */
typedef enum vxa_entry_bit {
    ENTRY_LOAD_DEBUG_CONTROLS = 2, ENTRY_IA32E_MODE_GUEST = 9, ENTRY_TO_SMM = 10,
    ENTRY_DEACT_DUAL_MONITOR = 11, ENTRY_LOAD_PERF_GLOBAL_CTRL = 13, ENTRY_LOAD_PAT = 14,
    ENTRY_LOAD_EFER = 15, ENTRY_LOAD_BNDCFGS = 16, ENTRY_CONCEAL_VMX_FROM_PT = 17,
    ENTRY_LOAD_RTIT_CTL = 18, ENTRY_LOAD_UINV = 19, ENTRY_LOAD_CET_STATE = 20,
    ENTRY_LOAD_LBR_CTL = 21, ENTRY_LOAD_PKRS = 22, ENTRY_LOAD_FRED = 23
} vxa_entry_bit;

/* 25.6.14 VM-function controls */
typedef enum vxa_vmfunc_bit { VMFUNC_EPTP_SWITCHING = 0 } vxa_vmfunc_bit;

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
