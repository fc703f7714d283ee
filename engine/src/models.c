/* models.c — the models (vmxaudit/models.def) and their quirks (quirks.def) as data, and the
 * data of the quirks that need more than a yes/no (the MSRs a model implements). */
#include "internal.h"

static const vxa_model_info model_table[VXA_MODEL_COUNT] = {
#define VXA_MODEL(id, name, implementation, version) { name, implementation, version },
#include "vmxaudit/models.def"
#undef VXA_MODEL
};

/* Each quirk's checks, ended by VXA_CHECK_COUNT (C(ID) names a check of the catalogue: an unknown
 * ID does not compile). */
#define C(id) VXA_C_##id,
#define NO_CHECK
#define VXA_QUIRK(id, models, checks, does, sdm, cases) \
    static const uint16_t quirk_checks_##id[] = { checks VXA_CHECK_COUNT };
#include "quirks.def"
#undef VXA_QUIRK

#define M(id) (1u << VXA_MODEL_##id)
static const vxa_quirk_info quirk_table[VXA_Q_COUNT] = {
#define VXA_QUIRK(id, models, checks, does, sdm, cases) \
    { #id, does, sdm, cases, models, quirk_checks_##id },
#include "quirks.def"
#undef VXA_QUIRK
};
_Static_assert(VXA_MODEL_COUNT <= 32, "vxa_quirk_info.models is 32 bits");

bool vxa_model_has_quirk(uint8_t model, vxa_quirk q)
{
    if (VXA_MUT_QUIRK_REMOVED(q)) return false;   /* a mutant engine's "model minus quirk q" */
    return model < VXA_MODEL_COUNT && (unsigned)q < VXA_Q_COUNT && (quirk_table[q].models >> model) & 1u;
}

const vxa_model_info *vxa_model_get(vxa_model m) { return (unsigned)m < VXA_MODEL_COUNT ? &model_table[m] : 0; }

const char *vxa_model_name(vxa_model m) { return (unsigned)m < VXA_MODEL_COUNT ? model_table[m].name : 0; }

vxa_model vxa_model_by_name(const char *name)
{
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++)
        if (vxa_strcasecmp(name, model_table[m].name) == 0) return (vxa_model)m;
    return VXA_MODEL_COUNT;
}

unsigned vxa_quirk_count(void) { return VXA_Q_COUNT; }

const vxa_quirk_info *vxa_quirk_get(unsigned i) { return i < VXA_Q_COUNT ? &quirk_table[i] : 0; }

const vxa_quirk_info *vxa_quirk_by_id(const char *id)
{
    for (unsigned i = 0; i < VXA_Q_COUNT; i++)
        if (vxa_strcasecmp(id, quirk_table[i].id) == 0) return &quirk_table[i];
    return 0;
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
    if (model != VXA_MODEL_BOCHS_2_7 && model != VXA_MODEL_BOCHS_3_0) return 1;   /* 3.0: the same set on the check tests (not re-measured one by one) */
    for (unsigned i = 0; i < sizeof bochs_2_7_cpu_dependent / sizeof bochs_2_7_cpu_dependent[0]; i++)
        if (index == bochs_2_7_cpu_dependent[i]) return -1;
    for (unsigned i = 0; i < sizeof bochs_2_7_msrs / sizeof bochs_2_7_msrs[0]; i++)
        if (index >= bochs_2_7_msrs[i].first && index <= bochs_2_7_msrs[i].last) return 1;
    return 0;
}
