/* test_keep_in_arena.c — vxa_keep_in_arena (harness/diff/generator.c), which the campaign applies
 * to every case it sends: an address VM entry or the run reads is moved into the case arena
 * (keeping its low 12 bits and its bit 12); an address with bits at or above MAXPHYADDR stays; an
 * MSR area whose last byte lies beyond the width stays (the entry fails before reading it); an
 * address at the top of the width (bit MAXPHYADDR-1, or the page under it) stays where nothing
 * reads the memory there (the I/O bitmaps ...), so the width rules' top valid bit reaches the
 * oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>
#include "generator.h"
#include "payload_abi.h"

static void arena_rules(void **state)
{
    (void)state;
    vxa_profile p;
    vxa_error e;
    char *name = NULL;
    assert_int_equal(vxa_profile_load("bochs-2.7-corei7-skylake-x", &p, &name, &e), 0);
    free(name);
    assert_int_equal(p.maxphyaddr, 40);
    const uint64_t top = 1ull << 39;
    static vxa_vmcs v;
    vxa_vmcs_init(&v);
    vxa_set(&v, VXA_F_IO_BITMAP_A, top);                    /* not read: stays */
    vxa_set(&v, VXA_F_IO_BITMAP_B, top - 0x1000);           /* the page under it: stays */
    vxa_set(&v, VXA_F_MSR_BITMAP, 0x12345000ull | 0x800);   /* low: into the arena */
    vxa_set(&v, VXA_F_VIRTUAL_APIC_PAGE_ADDR, top | 0x1000); /* read at entry: into the arena */
    vxa_set(&v, VXA_F_APIC_ACCESS_ADDR, 1ull << 40);        /* beyond the width: stays */
    vxa_set(&v, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, (1ull << 40) - 16);   /* 2 entries end beyond: stays */
    vxa_set(&v, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, 2);
    vxa_set(&v, VXA_F_VM_EXIT_MSR_LOAD_ADDR, (1ull << 40) - 16);    /* 1 entry fits: read, moved */
    vxa_set(&v, VXA_F_VM_EXIT_MSR_LOAD_COUNT, 1);
    vxa_keep_in_arena(&v, &p);
    assert_int_equal(vxa_get(&v, VXA_F_IO_BITMAP_A), top);
    assert_int_equal(vxa_get(&v, VXA_F_IO_BITMAP_B), top - 0x1000);
    uint64_t msr = vxa_get(&v, VXA_F_MSR_BITMAP), vapic = vxa_get(&v, VXA_F_VIRTUAL_APIC_PAGE_ADDR);
    assert_true(vxa_in_arena(msr & ~0xfffull, 0x1000));
    assert_int_equal(msr & 0xfff, 0x800);
    assert_true(vxa_in_arena(vapic, 0x1000));
    assert_int_equal(vapic & 0x1000, 0x1000);               /* bit 12 kept: the 8-KiB edge */
    assert_int_equal(vxa_get(&v, VXA_F_APIC_ACCESS_ADDR), 1ull << 40);
    assert_int_equal(vxa_get(&v, VXA_F_VM_ENTRY_MSR_LOAD_ADDR), (1ull << 40) - 16);
    uint64_t xl = vxa_get(&v, VXA_F_VM_EXIT_MSR_LOAD_ADDR);
    assert_true(vxa_in_arena(xl & ~0xfffull, 0x1000));
    assert_int_equal(xl & 0xfff, 0xff0);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(arena_rules) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
