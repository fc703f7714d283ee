/* models.c — which model has which quirk (design §3.5).  The quirks are documented in quirks.h;
 * the evidence for each Bochs 2.7 quirk is in ../shared/reference/bochs-checks.md and the
 * regression cases that record it. */
#include "internal.h"

static const char *const model_names[VXA_MODEL_COUNT] = { "sdm", "bochs-2.7" };

static const uint64_t model_quirks[VXA_MODEL_COUNT] = {
    [VXA_MODEL_SDM] = 0,
    [VXA_MODEL_BOCHS_2_7] = 1ull << VXA_Q_FIRST_FAILURE_ONLY | 1ull << VXA_Q_NMI_STI_BLOCKING_FAILS |
                            1ull << VXA_Q_NO_OTHER_EVENT_CHECKS | 1ull << VXA_Q_ENTRY_TO_SMM_NOT_CHECKED |
                            1ull << VXA_Q_NO_GUEST_RIP_WIDTH_CHECK | 1ull << VXA_Q_NO_HLT_INJECTION_CHECK |
                            1ull << VXA_Q_SHUTDOWN_INJECTION_BY_VECTOR |
                            1ull << VXA_Q_NO_PENDING_DBG_BS_CHECK | 1ull << VXA_Q_PENDING_DBG_32BIT |
                            1ull << VXA_Q_NO_DEBUGCTL_CHECK | 1ull << VXA_Q_NO_PERF_GLOBAL_CTRL_CHECK |
                            1ull << VXA_Q_NO_IA32E_GUEST_PG_CHECK | 1ull << VXA_Q_DPL_RPL_DATA_TYPES_ONLY |
                            1ull << VXA_Q_NO_VNMI_BLOCKED_NMI_CHECK | 1ull << VXA_Q_INTR_ENCLAVE_BIT_RESERVED |
                            1ull << VXA_Q_TSC_MULTIPLIER_NONZERO | 1ull << VXA_Q_MSRLOAD_ONLY_KNOWN_MSRS |
                            1ull << VXA_Q_MSR_AREA_SPAN_32BIT | 1ull << VXA_Q_CS_DPL_VS_CS_RPL |
                            1ull << VXA_Q_LINK_PTR_BEFORE_NONREG | 1ull << VXA_Q_ERRCODE_UNCHECKED_WITH_CET |
                            1ull << VXA_Q_NULL_SS_UNUSABLE_IA32E | 1ull << VXA_Q_S_CET_HIGH_NOT_IA32E,
};

bool vxa_model_has_quirk(uint8_t model, vxa_quirk q)
{
    return model < VXA_MODEL_COUNT && (model_quirks[model] >> q) & 1u;
}

const char *vxa_model_name(vxa_model m) { return m < VXA_MODEL_COUNT ? model_names[m] : 0; }

vxa_model vxa_model_by_name(const char *name)
{
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++)
        if (vxa_strcasecmp(name, model_names[m]) == 0) return (vxa_model)m;
    return VXA_MODEL_COUNT;
}

/* The MSRs Debian's Bochs 2.7 (model corei7_skylake_x) accepts in a VM-entry MSR-load list,
 * measured with the oracle: one case per index in 0-0x49f, 0x600-0x6ff, 0xd90-0xda7 and
 * 0xc0000080-0xc0000104 loading the value 0; every other index failed with exit 34 ("WRMSR:
 * Unknown register").  EFER and the FS/GS bases are decided by their own rules. */
static const struct { uint32_t first, last; } bochs_2_7_msrs[] = {
    { 0x10, 0x10 }, { 0x1b, 0x1b }, { 0x3b, 0x3b }, { 0x174, 0x176 }, { 0x200, 0x20f },
    { 0x250, 0x250 }, { 0x258, 0x259 }, { 0x268, 0x26f }, { 0x277, 0x277 }, { 0x2ff, 0x2ff },
    { 0x6e0, 0x6e0 }, { 0xda0, 0xda0 }, { 0xc0000080, 0xc0000084 }, { 0xc0000100, 0xc0000103 },
};

/* MSRs Bochs 2.7 implements on some CPU models only: IA32_SPEC_CTRL (0x48) loads on tigerlake
 * (and fails as unknown on corei7_skylake_x): harness/diff/FINDINGS.md. */
static const uint32_t bochs_2_7_cpu_dependent[] = { 0x48 };

int vxa_model_msr(uint8_t model, uint32_t index)
{
    if (model != VXA_MODEL_BOCHS_2_7) return 1;
    for (unsigned i = 0; i < sizeof bochs_2_7_cpu_dependent / sizeof bochs_2_7_cpu_dependent[0]; i++)
        if (index == bochs_2_7_cpu_dependent[i]) return -1;
    for (unsigned i = 0; i < sizeof bochs_2_7_msrs / sizeof bochs_2_7_msrs[0]; i++)
        if (index >= bochs_2_7_msrs[i].first && index <= bochs_2_7_msrs[i].last) return 1;
    return 0;
}
