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
#define G0 { VXA_WORD_NONE, VXA_WORD_NONE }, { 0, 0 }
#define G(w, b) { VXA_WORD_##w, VXA_WORD_NONE }, { b, 0 }
#define G2(w1, b1, w2, b2) { VXA_WORD_##w1, VXA_WORD_##w2 }, { b1, b2 }

static const vxa_field_info field_table[VXA_FIELD_COUNT] = {
#define VXA_FIELD(name, enc, width, kind, gate) { #name, enc, width, kind, gate },
#include "vmxaudit/fields.def"
#undef VXA_FIELD
};

const vxa_field_info *vxa_field_get(vxa_field f)
{
    return (unsigned)f < VXA_FIELD_COUNT ? &field_table[f] : 0;
}

/* Binary search: fields.def lists the fields by ascending encoding (test_binary checks it). */
vxa_field vxa_field_by_encoding(uint32_t encoding)
{
    unsigned lo = 0, hi = VXA_FIELD_COUNT;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (field_table[mid].encoding < encoding) lo = mid + 1;
        else hi = mid;
    }
    return lo < VXA_FIELD_COUNT && field_table[lo].encoding == encoding ? (vxa_field)lo : VXA_F_NONE;
}

int vxa_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (ca != cb || !ca) return ca - cb;
    }
}

vxa_field vxa_field_by_name(const char *name)
{
    for (unsigned i = 0; i < VXA_FIELD_COUNT; i++)
        if (vxa_strcasecmp(field_table[i].name, name) == 0) return (vxa_field)i;
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
    for (unsigned i = 0; i < sizeof v->set; i++) v->set[i] = 0;
}

void vxa_set(vxa_vmcs *v, vxa_field f, uint64_t value)
{
    v->value[f] = value & vxa_field_mask(f);
    v->set[f >> 3] |= (uint8_t)(1u << (f & 7));
}

void vxa_unset(vxa_vmcs *v, vxa_field f)
{
    v->value[f] = 0;
    v->set[f >> 3] &= (uint8_t)~(1u << (f & 7));
}
