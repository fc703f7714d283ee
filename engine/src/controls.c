/* controls.c — the VMX controls (vmxaudit/controls.def) as data, and lookups. */
#include "internal.h"

static const vxa_word_info word_table[VXA_WORD_COUNT] = {
#define VXA_CONTROL_WORD(W, w, field, msr, title) [VXA_WORD_##W] = { #w, title, VXA_F_##field, VXA_MSR_##msr, 0
#define VXA_CONTROL(W, bit, name, default1, display) | (uint64_t)(default1) << (bit)
#define VXA_CONTROL_END(W, w) },
#include "vmxaudit/controls.def"
#undef VXA_CONTROL_WORD
#undef VXA_CONTROL
#undef VXA_CONTROL_END
};

static const vxa_control_info control_table[VXA_CONTROL_COUNT] = {
#define VXA_CONTROL_WORD(W, w, field, msr, title)
#define VXA_CONTROL(W, bit, name, default1, display) { #name, display, VXA_WORD_##W, bit, default1 },
#define VXA_CONTROL_END(W, w)
#include "vmxaudit/controls.def"
#undef VXA_CONTROL_WORD
#undef VXA_CONTROL
#undef VXA_CONTROL_END
};

/* The table's own consistency: a bit fits its word's field, default1 bits only in the 32-bit
 * words A.2 gives default1 classes. */
#define VXA_CONTROL_WORD(W, w, field, msr, title)
#define VXA_CONTROL(W, bit, name, default1, display)                                            \
    _Static_assert((bit) < 64 && (VXA_WORD_##W == VXA_WORD_PROC3 || VXA_WORD_##W == VXA_WORD_EXIT2 \
                   || VXA_WORD_##W == VXA_WORD_VMFUNC || (bit) < 32), "controls.def: " #W " bit " #bit); \
    _Static_assert(!(default1) || VXA_WORD_##W == VXA_WORD_PIN || VXA_WORD_##W == VXA_WORD_PROC ||  \
                   VXA_WORD_##W == VXA_WORD_EXIT || VXA_WORD_##W == VXA_WORD_ENTRY,               \
                   "controls.def: default1 outside a default1 class: " #W " " #name);
#define VXA_CONTROL_END(W, w)
#include "vmxaudit/controls.def"
#undef VXA_CONTROL_WORD
#undef VXA_CONTROL
#undef VXA_CONTROL_END

const vxa_word_info *vxa_word_get(vxa_word w)
{
    return (unsigned)w < VXA_WORD_COUNT && word_table[w].name ? &word_table[w] : 0;
}

const char *vxa_word_name(vxa_word w)
{
    if (w == VXA_WORD_BASIC) return "basic";
    if (w == VXA_WORD_SEAM) return "seam";
    return vxa_word_get(w) ? word_table[w].name : 0;
}

uint64_t vxa_word_default1(vxa_word w)
{
    return (unsigned)w < VXA_WORD_COUNT ? word_table[w].default1 : 0;
}

vxa_word vxa_field_control_word(vxa_field f)
{
    for (unsigned w = 0; w < VXA_WORD_COUNT; w++)
        if (word_table[w].name && word_table[w].field == f) return (vxa_word)w;
    return VXA_WORD_NONE;
}

const vxa_control_info *vxa_control_get(unsigned i)
{
    return i < VXA_CONTROL_COUNT ? &control_table[i] : 0;
}

const vxa_control_info *vxa_control_find(vxa_word w, unsigned bit)
{
    for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++)
        if (control_table[i].word == w && control_table[i].bit == bit) return &control_table[i];
    return 0;
}
