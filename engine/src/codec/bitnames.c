/* bitnames.c — human names of the bits of a field's value (vmxaudit/codec.h): control bits from
 * the engine's controls.def (vxa_control_find), register and access-rights bits here, chosen by
 * the field's value kind (fields.def VALUE). */
#include "codec_internal.h"

static const char *const cr0[32] = { [0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET",
    [5] = "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG" };
static const char *const cr4[33] = { [0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE",
    [4] = "PSE", [5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR",
    [10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57", [13] = "VMXE", [14] = "SMXE",
    [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE", [19] = "KL", [20] = "SMEP",
    [21] = "SMAP", [22] = "PKE", [23] = "CET", [24] = "PKS", [25] = "UINTR", [27] = "LASS",
    [28] = "LAM_SUP", [32] = "FRED" };
static const char *const efer[12] = { [0] = "SCE", [8] = "LME", [10] = "LMA", [11] = "NXE" };
static const char *const rflags[22] = { [0] = "CF", [1] = "reserved-1", [2] = "PF", [4] = "AF",
    [6] = "ZF", [7] = "SF", [8] = "TF", [9] = "IF", [10] = "DF", [11] = "OF", [14] = "NT",
    [16] = "RF", [17] = "VM", [18] = "AC", [19] = "VIF", [20] = "VIP", [21] = "ID" };

/* Segment access rights as the VMCS holds them (SDM 25.4.1, Table 25-2). */
static const char *const ar[17] = { "Type", "Type", "Type", "Type", "S", "DPL", "DPL", "P",
    [12] = "AVL", "L", "D/B", "G", "unusable" };

const char *vxa_register_bitname(vxa_value_kind k, unsigned bit)
{
    switch (k) {
    case VXA_VALUE_ACCESS_RIGHTS: return bit < 17 ? ar[bit] : NULL;
    case VXA_VALUE_CR0: return bit < 32 ? cr0[bit] : NULL;
    case VXA_VALUE_CR4: return bit < 33 ? cr4[bit] : NULL;
    case VXA_VALUE_EFER: return bit < 12 ? efer[bit] : NULL;
    case VXA_VALUE_RFLAGS: return bit < 22 ? rflags[bit] : NULL;
    default: return NULL;
    }
}

const char *vxa_field_bitname(vxa_field f, unsigned b)
{
    const vxa_field_info *fi = vxa_field_get(f);
    if (!fi) return NULL;
    vxa_word w = vxa_field_control_word(f);
    if (w != VXA_WORD_NONE) {
        const vxa_control_info *ci = vxa_control_find(w, b);
        return ci && ci->display ? ci->display : ci && ci->default1 ? "reserved, default 1" : "reserved";
    }
    return vxa_register_bitname((vxa_value_kind)fi->value, b);
}

void vxa_field_bits_text(char *buf, size_t n, vxa_field f, uint64_t mask)
{
    size_t k = 0;
    if (n) buf[0] = 0;
    for (unsigned b = 0; b < 64 && k < n; b++) {
        if (!((mask >> b) & 1)) continue;
        const char *bn = vxa_field_bitname(f, b);
        k += (size_t)snprintf(buf + k, n - k, "%s%u%s%s%s", k ? ", " : "", b, bn ? " (" : "",
                              bn ? bn : "", bn ? ")" : "");
    }
}
