/* quirks.h — named deviations of other implementations from the SDM (design §3.5).
 * A model is a set of quirks; a check consults a quirk, it never has a copy of itself per model.
 * The table of which model has which quirk is in models.c. */
#ifndef VMXAUDIT_QUIRKS_H
#define VMXAUDIT_QUIRKS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum vxa_quirk {
    /* The implementation stops at the first failing check of a class and reports that one
     * (Bochs: controls before host, guest checks in its own order). */
    VXA_Q_FIRST_FAILURE_ONLY,
    /* NMI injection with blocking by STI, which the SDM leaves model-specific (27.3.1.5), fails
     * the entry with exit 33, qualification 0 (Bochs: never qualification 3). */
    VXA_Q_NMI_STI_BLOCKING_FAILS,
    /* Checks the implementation omits (each: reference/bochs-checks.md §4, confirmed by the
     * oracle on Bochs 2.7; the regression cases record them). */
    VXA_Q_NO_OTHER_EVENT_CHECKS,        /* event type 7: neither MTF support nor its vector, on
                                           CPU models without CET (tigerlake, with CET, checks) */
    VXA_Q_ENTRY_TO_SMM_NOT_CHECKED,     /* "entry to SMM" outside SMM: no error 7 (§4.12) */
    VXA_Q_NO_GUEST_RIP_WIDTH_CHECK,     /* guest RIP bits 63:N in 64-bit mode (§4.1) */
    VXA_Q_NO_HLT_INJECTION_CHECK,       /* events injected in the HLT state (§4.6) */
    VXA_Q_SHUTDOWN_INJECTION_BY_VECTOR, /* shutdown state: any type with vector 18 (§4.6) */
    VXA_Q_NO_PENDING_DBG_BS_CHECK,      /* pending-debug BS vs TF/BTF (§4.5) */
    VXA_Q_PENDING_DBG_32BIT,            /* pending-debug bits 63:32 ignored, bit 16 reserved (§4.5) */
    VXA_Q_NO_DEBUGCTL_CHECK,            /* guest IA32_DEBUGCTL reserved bits (§4.4) */
    VXA_Q_NO_PERF_GLOBAL_CTRL_CHECK,    /* host/guest IA32_PERF_GLOBAL_CTRL (§4.11) */
    VXA_Q_NO_IA32E_GUEST_PG_CHECK,      /* "IA-32e mode guest" => CR0.PG (§4.3) */
    VXA_Q_DPL_RPL_DATA_TYPES_ONLY,      /* DS..GS DPL >= RPL only for data types 0-7 (2.7) */
    VXA_Q_NO_VNMI_BLOCKED_NMI_CHECK,    /* virtual NMIs: NMI injected while blocked (§4.21) */
    VXA_Q_INTR_ENCLAVE_BIT_RESERVED,    /* interruptibility bit 4 treated as reserved */
    VXA_Q_TSC_MULTIPLIER_NONZERO,       /* extra check: "use TSC scaling" needs multiplier != 0 */
    VXA_Q_MSRLOAD_ONLY_KNOWN_MSRS,      /* MSR-load: an MSR the model does not implement fails
                                           (Bochs with ignore_bad_msrs=0), see vxa_model_msr() */
    /* Found by the differential campaign (harness/diff/FINDINGS.md): */
    VXA_Q_MSR_AREA_SPAN_32BIT,          /* MSR areas: count x 16 computed in 32 bits, so the last
                                           byte is address + (count x 16 mod 2^32) - 1 */
    VXA_Q_CS_DPL_VS_CS_RPL,             /* CS.DPL compared with the CS selector's RPL instead of
                                           SS.DPL: = for Type 9/11, <= for Type 13/15 (differs
                                           from the SDM only with "unrestricted guest") */
    VXA_Q_NULL_SS_UNUSABLE_IA32E,       /* IA-32e mode guest: a null SS selector makes SS unusable
                                           whatever its access rights (bit 16) say */
    VXA_Q_LINK_PTR_BEFORE_NONREG,       /* the VMCS link pointer is checked before the activity,
                                           interruptibility and pending-debug state (exit 33
                                           qualification 4 wins over 0) */
    VXA_Q_ERRCODE_UNCHECKED_WITH_CET,   /* the deliver-error-code rules are skipped entirely on CPU
                                           models with CET (bochs-checks.md §2, line 1123) */
    VXA_Q_S_CET_HIGH_NOT_IA32E,         /* extra check: guest IA32_S_CET bits 63:32 = 0 when not
                                           an IA-32e mode guest ("load CET state" = 1) */
    VXA_Q_COUNT
} vxa_quirk;

bool vxa_model_has_quirk(uint8_t model, vxa_quirk q);
/* With VXA_Q_MSRLOAD_ONLY_KNOWN_MSRS: does the model implement WRMSR of this MSR? */
/* 1 yes, 0 no, -1 it depends on the emulated CPU model (which the profile does not name). */
int vxa_model_msr(uint8_t model, uint32_t index);

#endif
