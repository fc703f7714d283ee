/* fields.c — the VMCS field catalogue (vmxaudit/fields.def) as data, and lookups. */
#include "internal.h"

#define W16 VXA_W16
#define W32 VXA_W32
#define W64 VXA_W64
#define WN VXA_WN
#define CTRL VXA_KIND_CTRL
#define RO VXA_KIND_RO
#define GUEST VXA_KIND_GUEST
#define HOST VXA_KIND_HOST
#define PLAIN VXA_VALUE_PLAIN
#define PA VXA_VALUE_PHYS_ADDR
#define LA VXA_VALUE_LINEAR_ADDR
#define SEL VXA_VALUE_SELECTOR
#define AR VXA_VALUE_ACCESS_RIGHTS
#define LIMIT VXA_VALUE_LIMIT
#define CTL VXA_VALUE_CONTROL
#define CR0 VXA_VALUE_CR0
#define CR4 VXA_VALUE_CR4
#define EFER VXA_VALUE_EFER
#define RFLAGS VXA_VALUE_RFLAGS
#define G0 { VXA_WORD_NONE, VXA_WORD_NONE }, { 0, 0 }
#define G(w, b) { VXA_WORD_##w, VXA_WORD_NONE }, { b, 0 }
#define G2(w1, b1, w2, b2) { VXA_WORD_##w1, VXA_WORD_##w2 }, { b1, b2 }

static const vxa_field_info field_table[VXA_FIELD_COUNT] = {
#define VXA_FIELD(name, enc, width, kind, value, gate) { #name, enc, width, kind, gate, value },
#include "vmxaudit/fields.def"
#undef VXA_FIELD
};

const vxa_field_info *vxa_field_get(vxa_field f)
{
    return (unsigned)f < VXA_FIELD_COUNT ? &field_table[f] : 0;
}

/* Encoding -> field, built at compile time.  A full-access encoding (SDM Appendix B) is
 * width (14:13), type (11:10), index (9:1), access type 0 (bit 0); every catalogue index is below
 * 64, so width:type:index[5:0] is a 10-bit key.  Slots hold field + 1 (0: none); a duplicate key
 * is a compile error (-Woverride-init / -Winitializer-overrides with -Werror).  (The linear scan
 * was 7 % of the libFuzzer audit target's time.) */
#define ENC_KEY(enc) ((((enc) >> 13) & 3u) << 8 | (((enc) >> 10) & 3u) << 6 | (((enc) >> 1) & 63u))
#define ENC_KEYABLE(enc) (((enc) & ~0x6c7eu) == 0)   /* access 0, bit 12 0, index < 64, < 2^15 */
static const uint16_t field_by_key[1024] = {
#define VXA_FIELD(name, enc, width, kind, value, gate) [ENC_KEY(enc)] = VXA_F_##name + 1,
#include "vmxaudit/fields.def"
#undef VXA_FIELD
};
#define VXA_FIELD(name, enc, width, kind, value, gate) \
    _Static_assert(ENC_KEYABLE(enc), "field encoding outside the by-encoding key: " #name);
#include "vmxaudit/fields.def"
#undef VXA_FIELD

static const char *const value_kind_names[VXA_VALUE_COUNT] = {
    "plain value", "physical address", "linear address", "selector", "access rights", "limit",
    "control word", "CR0", "CR4", "EFER", "RFLAGS"
};

const char *vxa_value_kind_name(vxa_value_kind k)
{
    return (unsigned)k < VXA_VALUE_COUNT ? value_kind_names[k] : 0;
}

vxa_field vxa_field_by_encoding(uint32_t encoding)
{
    if (!ENC_KEYABLE(encoding)) return VXA_F_NONE;
    unsigned slot = field_by_key[ENC_KEY(encoding)];
    return slot && field_table[slot - 1].encoding == encoding ? (vxa_field)(slot - 1) : VXA_F_NONE;
}

int vxa_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (ca != cb || !ca) return ca - cb;
    }
}

/* Name lengths, known at compile time: the lookup folds the name to upper case once (canonical
 * names are upper case) and compares only names of the same length.  (A full case-insensitive
 * scan was 54 % of the time of parsing a JSON case.) */
static const uint8_t field_name_len[VXA_FIELD_COUNT] = {
#define VXA_FIELD(name, enc, width, kind, value, gate) sizeof #name - 1,
#include "vmxaudit/fields.def"
#undef VXA_FIELD
};
#define VXA_FIELD(name, enc, width, kind, value, gate) \
    _Static_assert(sizeof #name <= 64, "field name longer than vxa_field_by_name's buffer");
#include "vmxaudit/fields.def"
#undef VXA_FIELD

vxa_field vxa_field_by_name(const char *name)
{
    char up[64];
    size_t len = 0;
    for (; name[len]; len++) {
        if (len == sizeof up) return VXA_F_NONE;   /* longer than any field name */
        up[len] = (name[len] >= 'a' && name[len] <= 'z') ? (char)(name[len] - 32) : name[len];
    }
    for (unsigned i = 0; i < VXA_FIELD_COUNT; i++) {
        if (field_name_len[i] != len) continue;
        const char *n = field_table[i].name;
        size_t k = 0;
        while (k < len && n[k] == up[k]) k++;
        if (k == len) return (vxa_field)i;
    }
    return VXA_F_NONE;
}

uint64_t vxa_field_mask(vxa_field f)
{
    switch (field_table[f].width) {
    case VXA_W16: return 0xffffull;
    case VXA_W32: return 0xffffffffull;
    default: return ~0ull;
    }
}

void vxa_vmcs_init(vxa_vmcs *v)
{
    for (unsigned i = 0; i < VXA_FIELD_COUNT; i++) v->value[i] = 0;
    for (unsigned i = 0; i < sizeof v->set; i++) v->set[i] = v->not_captured[i] = v->assumed[i] = 0;
}

static inline void bit_put(uint8_t *map, vxa_field f, bool on)
{
    if (on) map[f >> 3] |= (uint8_t)(1u << (f & 7));
    else map[f >> 3] &= (uint8_t)~(1u << (f & 7));
}

void vxa_set(vxa_vmcs *v, vxa_field f, uint64_t value)
{
    if ((unsigned)f >= VXA_FIELD_COUNT) return;
    v->value[f] = value & vxa_field_mask(f);
    bit_put(v->set, f, true);
    bit_put(v->not_captured, f, false);
    bit_put(v->assumed, f, false);
}

void vxa_unset(vxa_vmcs *v, vxa_field f)
{
    if ((unsigned)f >= VXA_FIELD_COUNT) return;
    v->value[f] = 0;
    bit_put(v->set, f, false);
    bit_put(v->assumed, f, false);
}

void vxa_set_not_captured(vxa_vmcs *v, vxa_field f)
{
    if ((unsigned)f >= VXA_FIELD_COUNT) return;
    vxa_unset(v, f);
    bit_put(v->not_captured, f, true);
}

bool vxa_is_not_captured(const vxa_vmcs *v, vxa_field f)
{
    return (unsigned)f < VXA_FIELD_COUNT && (v->not_captured[f >> 3] >> (f & 7)) & 1u;
}

void vxa_set_assumed(vxa_vmcs *v, vxa_field f, uint64_t value)
{
    if ((unsigned)f >= VXA_FIELD_COUNT) return;
    vxa_set(v, f, value);
    bit_put(v->assumed, f, true);
}

bool vxa_is_assumed(const vxa_vmcs *v, vxa_field f)
{
    return (unsigned)f < VXA_FIELD_COUNT && (v->assumed[f >> 3] >> (f & 7)) & 1u;
}
