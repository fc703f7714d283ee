/* test_keep_in_arena.c — vxa_keep_in_arena (harness/diff/generator.c), which the campaign applies
 * to every case it sends: an address VM entry or the run reads is moved into the case arena
 * (keeping its low 12 bits and its bit 12); an address with bits at or above MAXPHYADDR stays; an
 * MSR area whose last byte lies beyond the width stays (the entry fails before reading it); an
 * address at the top of the width (bit MAXPHYADDR-1, or the page under it) stays where nothing
 * reads the memory there (the I/O bitmaps ...), so the width rules' top valid bit reaches the
 * oracle; vxa_mark_unbacked gives the read memory at the top (virtual-APIC page, EPTP, the
 * three MSR areas) an all-ones image, and keep_in_arena leaves those addresses alone then
 * (an emulator's case), never without the image or below 4 GiB, nor for the link pointer or
 * guest CR3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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
    static vxa_case c;
    vxa_vmcs *vp = &c.vmcs;
    #define v (*vp)
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
    vxa_keep_in_arena(&c, &p);
    assert_int_equal(c.nmemory, 0);                         /* the layout only */
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
    #undef v
}

static int ones(const vxa_case *c, uint64_t a, unsigned len)
{
    for (size_t k = 0; k < c->nmemory; k++)
        if (c->memory[k].address == a && c->memory[k].length == len) {
            for (unsigned j = 0; j < len; j++)
                if (c->memory[k].data[j] != 0xff) return 0;
            return 1;
        }
    return 0;
}

static void unbacked(void **state)
{
    (void)state;
    vxa_profile p;
    vxa_error e;
    char *name = NULL;
    assert_int_equal(vxa_profile_load("bochs-2.7-corei7-skylake-x", &p, &name, &e), 0);
    free(name);
    const uint64_t top = 1ull << 39;
    vxa_case c;
    vxa_case_init(&c);
    vxa_set(&c.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR, top);
    vxa_set(&c.vmcs, VXA_F_EPT_POINTER, (top + 0x2000) | 0x5e);
    vxa_set(&c.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, top - 0x20);     /* 2 entries under bit 39 */
    vxa_set(&c.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, 2);
    vxa_set(&c.vmcs, VXA_F_VM_EXIT_MSR_STORE_ADDR, top + 0x40);
    vxa_set(&c.vmcs, VXA_F_VM_EXIT_MSR_STORE_COUNT, 1);
    vxa_set(&c.vmcs, VXA_F_VM_EXIT_MSR_LOAD_ADDR, top + 0x4000);
    vxa_set(&c.vmcs, VXA_F_VM_EXIT_MSR_LOAD_COUNT, 1);
    vxa_set(&c.vmcs, VXA_F_VMCS_LINK_POINTER, top);                /* READ: same outcome */
    vxa_set(&c.vmcs, VXA_F_GUEST_CR3, top);                        /* READ */
    vxa_case moved = c;                   /* without the image: every one moves into the arena */
    vxa_keep_in_arena(&moved, &p);
    assert_true(vxa_in_arena(vxa_get(&moved.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR), 0x1000));
    assert_true(vxa_in_arena(vxa_get(&moved.vmcs, VXA_F_EPT_POINTER) & ~0xfffull, 0x1000));
    assert_int_equal(vxa_get(&moved.vmcs, VXA_F_EPT_POINTER) & 0xfff, 0x5e);
    assert_true(vxa_in_arena(vxa_get(&moved.vmcs, VXA_F_VM_EXIT_MSR_STORE_ADDR), 16));
    vxa_mark_unbacked(&c, &p);
    assert_int_equal(c.nmemory, 5);
    assert_true(ones(&c, top, 4096));                               /* the virtual-APIC page */
    assert_true(ones(&c, top - 0x20, 32));                          /* 2 entries */
    assert_true(ones(&c, top + 0x40, 16));
    assert_true(ones(&c, top + 0x4000, 16));
    moved = c;
    vxa_keep_in_arena(&moved, &p);
    assert_int_equal(vxa_get(&moved.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR), top);
    assert_int_equal(vxa_get(&moved.vmcs, VXA_F_EPT_POINTER), (top + 0x2000) | 0x5e);
    assert_int_equal(vxa_get(&moved.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR), top - 0x20);
    assert_int_equal(vxa_get(&moved.vmcs, VXA_F_VM_EXIT_MSR_STORE_ADDR), top + 0x40);
    assert_int_equal(vxa_get(&moved.vmcs, VXA_F_VM_EXIT_MSR_LOAD_ADDR), top + 0x4000);
    assert_true(vxa_in_arena(vxa_get(&moved.vmcs, VXA_F_VMCS_LINK_POINTER), 0x1000));
    assert_true(vxa_in_arena(vxa_get(&moved.vmcs, VXA_F_GUEST_CR3), 0x1000));
    /* an image that is not all ones: moved */
    for (size_t k = 0; k < c.nmemory; k++)
        if (c.memory[k].address == top) c.memory[k].data[7] = 0;
    moved = c;
    vxa_keep_in_arena(&moved, &p);
    assert_true(vxa_in_arena(vxa_get(&moved.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR), 0x1000));
    vxa_case_free(&c);
    /* below 4 GiB (a narrow width): no image, moved */
    p.maxphyaddr = 32;
    vxa_case_init(&c);
    vxa_set(&c.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR, 1ull << 31);
    vxa_mark_unbacked(&c, &p);
    assert_int_equal(c.nmemory, 0);
    vxa_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(arena_rules), cmocka_unit_test(unbacked) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
