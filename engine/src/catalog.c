/* catalog.c — the check catalogue (vmxaudit/checks.def) as data, and lookups. */
#include "internal.h"

const char vxa_sdm_edition[] =
    "Intel SDM Vol. 3C, order number 325462-086US (December 2024), ch. 27 \"VM Entries\"";

#define VMXON VXA_CLASS_VMXON
#define INSTRUCTION VXA_CLASS_INSTRUCTION
#define CONTROLS VXA_CLASS_CONTROLS
#define HOST VXA_CLASS_HOST
#define GUEST VXA_CLASS_GUEST
#define MSRLOAD VXA_CLASS_MSRLOAD
#define ADVISORY VXA_CLASS_ADVISORY

static const vxa_check_info check_table[VXA_CHECK_COUNT + 1] = {
#define VXA_CHECK(id, cls, sdm, rule) { #id, cls, sdm, rule },
#include "vmxaudit/checks.def"
#undef VXA_CHECK
    { 0, 0, 0, 0 }
};

const vxa_check_info *vxa_check_get(vxa_check c)
{
    return (unsigned)c < VXA_CHECK_COUNT ? &check_table[c] : 0;
}

vxa_check vxa_check_by_id(const char *id)
{
    for (unsigned i = 0; i < VXA_CHECK_COUNT; i++)
        if (vxa_strcasecmp(check_table[i].id, id) == 0) return (vxa_check)i;
    return VXA_CHECK_COUNT;
}

static const char *const class_names[VXA_CLASS_COUNT] = {
    "vmxon", "instruction", "controls", "host", "guest", "msr-load", "advisory"
};

const char *vxa_class_name(vxa_class c) { return (unsigned)c < VXA_CLASS_COUNT ? class_names[c] : 0; }

static const char *const result_names[] = {
    "entered", "vmfail_invalid", "vmfail_valid", "entry_failure", "fault"
};

const char *vxa_result_name(vxa_result r) { return (unsigned)r <= VXA_FAULT ? result_names[r] : 0; }

unsigned vxa_api_version(void) { return VMXAUDIT_API_VERSION; }
const char *vxa_version(void) { return VMXAUDIT_VERSION; }
