/* test_fields.c — the VMCS field catalogue (fields.def) is complete and consistent with the
 * encoding rules of SDM Appendix B: unique encodings and names, width and kind agree with
 * encoding bits 14:13 and 11:10, full access type (bit 0 = 0), lookups both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/vmxaudit.h"
#include "vmxaudit/vmx_bits.h"

static void encodings_unique_and_consistent(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VXA_FIELD_COUNT; i++) {
        const vxa_field_info *a = vxa_field_get((vxa_field)i);
        assert_non_null(a);
        assert_int_equal(a->encoding & 1, 0);                       /* full access */
        assert_int_equal((a->encoding >> 13) & 3, a->width);        /* B: bits 14:13 width */
        assert_int_equal((a->encoding >> 10) & 3, a->kind);         /* B: bits 11:10 type */
        assert_int_equal(a->encoding >> 15, 0);
        assert_int_equal((a->encoding >> 12) & 1, 0);                /* reserved bit 12 */
        for (unsigned k = i + 1; k < VXA_FIELD_COUNT; k++) {
            const vxa_field_info *b = vxa_field_get((vxa_field)k);
            if (a->encoding == b->encoding || strcmp(a->name, b->name) == 0)
                fail_msg("%s and %s collide", a->name, b->name);
        }
    }
}

static void lookups_both_ways(void **state)
{
    (void)state;
    for (unsigned i = 0; i < VXA_FIELD_COUNT; i++) {
        const vxa_field_info *a = vxa_field_get((vxa_field)i);
        assert_int_equal(vxa_field_by_encoding(a->encoding), i);
        assert_int_equal(vxa_field_by_name(a->name), i);
    }
    assert_int_equal(vxa_field_by_name("guest_cr0"), VXA_F_GUEST_CR0);   /* case-insensitive */
    assert_int_equal(vxa_field_by_encoding(0x6800), VXA_F_GUEST_CR0);
    assert_int_equal(vxa_field_by_encoding(0x2801), VXA_F_NONE);         /* high access */
    assert_int_equal(vxa_field_by_name("NO_SUCH_FIELD"), VXA_F_NONE);
    assert_null(vxa_field_get(VXA_FIELD_COUNT));
}

static void well_known_fields_present(void **state)
{
    (void)state;
    /* A sample across every group of Appendix B, including the newest fields. */
    static const struct { const char *name; uint32_t enc; } want[] = {
        { "VIRTUAL_PROCESSOR_ID", 0x0 }, { "LAST_PID_POINTER_INDEX", 0x8 },
        { "GUEST_UINV", 0x814 }, { "HOST_TR_SELECTOR", 0xc0c }, { "EPT_POINTER", 0x201a },
        { "TERTIARY_VM_EXEC_CONTROL", 0x2034 }, { "PID_POINTER_TABLE", 0x2042 },
        { "SECONDARY_VM_EXIT_CONTROLS", 0x2044 }, { "GUEST_IA32_PKRS", 0x2818 },
        { "GUEST_IA32_FRED_CONFIG", 0x281a }, { "HOST_IA32_FRED_SSP3", 0x2c16 },
        { "NOTIFY_WINDOW", 0x4024 }, { "VMX_PREEMPTION_TIMER_VALUE", 0x482e },
        { "GUEST_INTR_SSP_TABLE", 0x682c }, { "HOST_INTR_SSP_TABLE", 0x6c1c },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        vxa_field f = vxa_field_by_name(want[i].name);
        if (f == VXA_F_NONE) fail_msg("missing %s", want[i].name);
        assert_int_equal(vxa_field_get(f)->encoding, want[i].enc);
    }
    assert_true(VXA_FIELD_COUNT >= 190);
}

static void widths_mask_values(void **state)
{
    (void)state;
    vxa_vmcs v;
    vxa_vmcs_init(&v);
    vxa_set(&v, VXA_F_GUEST_CS_SELECTOR, 0x12345);
    assert_int_equal(vxa_get(&v, VXA_F_GUEST_CS_SELECTOR), 0x2345);
    assert_true(vxa_is_set(&v, VXA_F_GUEST_CS_SELECTOR));
    assert_false(vxa_is_set(&v, VXA_F_GUEST_CR0));
    vxa_unset(&v, VXA_F_GUEST_CS_SELECTOR);
    assert_false(vxa_is_set(&v, VXA_F_GUEST_CS_SELECTOR));
}

static void check_catalogue_consistent(void **state)
{
    (void)state;
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)c);
        static const char *const prefix[VXA_CLASS_COUNT] = { "VMXON_", "VM", "CTRL_", "HOST_",
                                                             "GUEST_", "MSRLOAD_", "ADV_" };
        if (strncmp(ci->id, prefix[ci->cls], strlen(prefix[ci->cls])))
            fail_msg("%s: ID prefix does not match class %s", ci->id, vxa_class_name((vxa_class)ci->cls));
        assert_true(ci->sdm && ci->sdm[0] && ci->rule && ci->rule[0]);
        assert_int_equal(vxa_check_by_id(ci->id), c);
        for (unsigned k = c + 1; k < VXA_CHECK_COUNT; k++)
            if (!strcmp(ci->id, vxa_check_get((vxa_check)k)->id)) fail_msg("duplicate ID %s", ci->id);
    }
}

/* The VALUE column: control words are exactly the fields controls.def names; a few kinds by SDM. */
static void value_kinds(void **state)
{
    (void)state;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        const vxa_field_info *fi = vxa_field_get((vxa_field)f);
        vxa_word w = vxa_field_control_word((vxa_field)f);
        if ((fi->value == VXA_VALUE_CONTROL) != (w != VXA_WORD_NONE))
            fail_msg("%s: VALUE column and controls.def disagree", fi->name);
        if (w != VXA_WORD_NONE) assert_int_equal(vxa_word_get(w)->field, f);
        assert_non_null(vxa_value_kind_name((vxa_value_kind)fi->value));
    }
    assert_int_equal(vxa_field_get(VXA_F_EXCEPTION_BITMAP)->value, VXA_VALUE_PLAIN);
    assert_int_equal(vxa_field_get(VXA_F_CR3_TARGET_COUNT)->value, VXA_VALUE_PLAIN);
    assert_int_equal(vxa_field_get(VXA_F_MSR_BITMAP)->value, VXA_VALUE_PHYS_ADDR);
    assert_int_equal(vxa_field_get(VXA_F_GUEST_LINEAR_ADDRESS)->value, VXA_VALUE_LINEAR_ADDR);
    assert_int_equal(vxa_field_get(VXA_F_HOST_TR_SELECTOR)->value, VXA_VALUE_SELECTOR);
    assert_int_equal(vxa_field_get(VXA_F_GUEST_TR_AR_BYTES)->value, VXA_VALUE_ACCESS_RIGHTS);
    assert_int_equal(vxa_field_get(VXA_F_GUEST_IDTR_LIMIT)->value, VXA_VALUE_LIMIT);
    assert_int_equal(vxa_field_get(VXA_F_HOST_CR4)->value, VXA_VALUE_CR4);
    assert_null(vxa_value_kind_name(VXA_VALUE_COUNT));
}

/* controls.def against the SDM: the default1 classes (Appendix A.2, written out here
 * independently), the rows in word and bit order, lookups. */
static void controls_table(void **state)
{
    (void)state;
    assert_int_equal(vxa_word_default1(VXA_WORD_PIN), 0x16);          /* bits 1, 2, 4 */
    assert_int_equal(vxa_word_default1(VXA_WORD_PROC), 0x0401e172);   /* 1, 4-6, 8, 13-16, 26 */
    assert_int_equal(vxa_word_default1(VXA_WORD_EXIT), 0x36dff);      /* 0-8, 10, 11, 13, 14, 16, 17 */
    assert_int_equal(vxa_word_default1(VXA_WORD_ENTRY), 0x11ff);      /* 0-8, 12 */
    assert_int_equal(vxa_word_default1(VXA_WORD_PROC2), 0);
    assert_int_equal(vxa_word_default1(VXA_WORD_BASIC), 0);
    assert_null(vxa_word_get(VXA_WORD_NONE));
    assert_null(vxa_word_get(VXA_WORD_BASIC));
    assert_string_equal(vxa_word_name(VXA_WORD_BASIC), "basic");
    assert_int_equal(vxa_word_get(VXA_WORD_PROC3)->msr, VXA_MSR_PROCBASED_CTLS3);
    assert_int_equal(vxa_field_control_word(VXA_F_VM_FUNCTION_CONTROL), VXA_WORD_VMFUNC);
    assert_int_equal(vxa_field_control_word(VXA_F_GUEST_CR0), VXA_WORD_NONE);
    const vxa_control_info *prev = NULL;
    for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++) {
        const vxa_control_info *ci = vxa_control_get(i);
        assert_non_null(ci->name);
        if (prev && (ci->word < prev->word || (ci->word == prev->word && ci->bit <= prev->bit)))
            fail_msg("controls.def: %s_%s out of order", vxa_word_name((vxa_word)ci->word), ci->name);
        assert_ptr_equal(vxa_control_find((vxa_word)ci->word, ci->bit), ci);
        assert_true(!ci->display == !strncmp(ci->name, "RESERVED_", 9));
        assert_int_equal(ci->default1, (vxa_word_default1((vxa_word)ci->word) >> ci->bit) & 1);
        prev = ci;
    }
    assert_null(vxa_control_get(VXA_CONTROL_COUNT));
    assert_string_equal(vxa_control_find(VXA_WORD_PIN, VXA_PIN_NMI_EXITING)->display, "NMI exiting");
    assert_null(vxa_control_find(VXA_WORD_PROC2, 29));   /* reserved, not default1 */
}

/* cpuid.def: names and positions (SDM Vol. 2A CPUID, written out here independently). */
static void cpuid_table(void **state)
{
    (void)state;
    for (unsigned b = 0; b < VXA_CPUID_COUNT; b++) {
        assert_non_null(vxa_cpuid_get(b));
        assert_string_equal(vxa_cpuid_get(b)->name, vxa_cpuid_name(b));
    }
    assert_null(vxa_cpuid_get(VXA_CPUID_COUNT));
    assert_int_equal(VXA_CPUID_LM, 1u << 10);   /* the profile bit layout is stable */
    const vxa_cpuid_info *lm = vxa_cpuid_get(VXA_CPUID_BIT_LM), *fred = vxa_cpuid_get(VXA_CPUID_BIT_FRED);
    assert_int_equal(lm->leaf, 0x80000001u);
    assert_int_equal(lm->reg, VXA_REG_EDX);
    assert_int_equal(lm->bit, 29);
    assert_int_equal(fred->leaf, 7);
    assert_int_equal(fred->subleaf, 1);
    assert_int_equal(fred->reg, VXA_REG_EAX);
    assert_int_equal(fred->bit, 17);
    assert_string_equal(vxa_cpuid_get(VXA_CPUID_BIT_CET_SS)->name, "cet_ss");
}

/* vxa_profile_normalize: IA-32e support from IA32_VMX_BASIC[48] only where the profile does not
 * state it. */
static void profile_normalize_lm(void **state)
{
    (void)state;
    vxa_profile p;
    vxa_profile_init(&p);
    vxa_profile_normalize(&p);                    /* no BASIC: stays unknown */
    assert_false(p.cpuid_known & VXA_CPUID_LM);
    p.msr[VXA_MSR_BASIC] = 0x00da040000000004ull;
    p.msr_present |= 1u << VXA_MSR_BASIC;
    vxa_profile_normalize(&p);
    assert_true(p.cpuid_known & p.cpuid & VXA_CPUID_LM);
    p.cpuid_known = p.cpuid = 0;
    p.msr[VXA_MSR_BASIC] |= 1ull << 48;           /* 32-bit physical addresses: no Intel 64 */
    vxa_profile_normalize(&p);
    assert_true(p.cpuid_known & VXA_CPUID_LM);
    assert_false(p.cpuid & VXA_CPUID_LM);
    p.cpuid |= VXA_CPUID_LM;                      /* a stated value wins */
    vxa_profile_normalize(&p);
    assert_true(p.cpuid & VXA_CPUID_LM);
}

/* quirks.def and models.def: IDs distinct from check IDs, every quirk belongs to a model other
 * than the SDM, names both ways. */
static void quirks_and_models(void **state)
{
    (void)state;
    assert_true(vxa_quirk_count() > 0);
    for (unsigned i = 0; i < vxa_quirk_count(); i++) {
        const vxa_quirk_info *q = vxa_quirk_get(i);
        assert_int_equal(vxa_check_by_id(q->id), VXA_CHECK_COUNT);
        assert_ptr_equal(vxa_quirk_by_id(q->id), q);
        assert_true(q->models != 0 && !(q->models & 1u << VXA_MODEL_SDM));
        assert_true(q->models >> VXA_MODEL_COUNT == 0);
        assert_true(q->does[0] && q->sdm[0] && q->cases[0]);
        for (const uint16_t *c = q->checks; *c != VXA_CHECK_COUNT; c++) assert_true(*c < VXA_CHECK_COUNT);
    }
    assert_null(vxa_quirk_get(vxa_quirk_count()));
    assert_null(vxa_quirk_by_id("NO_SUCH_QUIRK"));
    assert_true(vxa_quirk_by_id("no_debugctl_check")->models & 1u << VXA_MODEL_BOCHS_2_7);
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
        const vxa_model_info *mi = vxa_model_get((vxa_model)m);
        assert_int_equal(vxa_model_by_name(mi->name), m);
        assert_string_equal(vxa_model_name((vxa_model)m), mi->name);
        assert_true(mi->implementation[0] && mi->version[0]);
    }
    assert_string_equal(vxa_model_name(VXA_MODEL_BOCHS_2_7), "bochs-2.7");
    assert_null(vxa_model_get(VXA_MODEL_COUNT));
}

/* The library's versions are the header's (engine/EMBEDDING.md, "Versions"). */
static void versions(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", VMXAUDIT_VERSION_MAJOR, VMXAUDIT_VERSION_MINOR, VMXAUDIT_VERSION_PATCH);
    assert_string_equal(VMXAUDIT_VERSION, v);
    assert_string_equal(vxa_version(), VMXAUDIT_VERSION);
    assert_int_equal(vxa_api_version(), VMXAUDIT_API_VERSION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodings_unique_and_consistent), cmocka_unit_test(lookups_both_ways),
        cmocka_unit_test(well_known_fields_present), cmocka_unit_test(widths_mask_values),
        cmocka_unit_test(check_catalogue_consistent), cmocka_unit_test(value_kinds),
        cmocka_unit_test(controls_table), cmocka_unit_test(cpuid_table),
        cmocka_unit_test(profile_normalize_lm), cmocka_unit_test(quirks_and_models),
        cmocka_unit_test(versions),
    };
    return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
