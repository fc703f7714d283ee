/* ops_memory.c — the guest memory VM entry reads: the VM-entry MSR-load list (SDM 27.4; its
 * address and count rules 27.2.1.3, the recommended maximum A.6), the virtual-APIC page's VTPR
 * against the TPR threshold (27.2.1.1), the VMCS link pointer's revision and shadow bit (27.3.1.5),
 * the PAE PDPTEs at guest CR3 (27.3.1.6) and the VMXON region's revision (VMXON, 31.3). */
#include "mutate.h"

/* MSRs whose loading the rules (27.4) or the models treat apart, and some that are not MSRs */
static const uint32_t msr_indices[] = {
    0xc0000080, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
    0xc0000103, 0xc0000104, 0x174, 0x175, 0x176, 0x277, 0x10, 0x1b, 0x3b, 0x48, 0x79, 0x8b, 0x9b,
    0x9e, 0x802, 0x808, 0x80f, 0x830, 0x8ff, 0x1d9, 0x38f, 0x3f1, 0x6e0, 0xda0, 0x12345 };
static const uint64_t msr_values[] = {
    0, 1, 0x100, 0x500, 0x501, 0xd01, 0x901, 0x1000, 0x4, 0x1001, 0x0007040600070406ull,
    0x0007040600070402ull, 0x00007fffffffffffull, 0x0000800000000000ull, 0xffff800000000000ull };

bool vxa_op_msr_load(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    uint8_t b[64] = { 0 };
    unsigned n = 1 + vxa_rng_below(r, 4);
    uint64_t addr = 0x30000 + 16ull * vxa_rng_below(r, 16);
    for (unsigned i = 0; i < n; i++) {
        uint32_t index = vxa_rng_below(r, 8) ? VXA_RNG_PICK(r, msr_indices) : (uint32_t)vxa_rng_next(r);
        uint64_t val;
        switch (vxa_rng_below(r, 6)) {
        case 0: val = 1ull << vxa_rng_below(r, 64); break;
        case 1: val = vxa_rng_next(r); break;
        default: val = VXA_RNG_PICK(r, msr_values);
        }
        vxa_mut_le(b + 16 * i, index, 4);
        vxa_mut_le(b + 16 * i + 4, vxa_rng_below(r, 12) ? 0 : 1ull << vxa_rng_below(r, 32), 4);  /* reserved */
        vxa_mut_le(b + 16 * i + 8, val, 8);
    }
    c->put_mem(c->ctx, addr, b, 16 * n);
    if (vxa_rng_below(r, 10) == 0) addr |= 1 + vxa_rng_below(r, 15);         /* misaligned (16) */
    vxa_set(c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, addr);
    /* one more entry than written (reads zeros: index 0), or rarely past the recommended
     * maximum (A.6), which is slow to audit */
    uint64_t count = n;
    unsigned roll = vxa_rng_below(r, 64);
    if (roll < 8) count = n + 1;
    else if (roll == 8) count = 513 + 512ull * vxa_rng_below(r, 8);
    else if (roll == 9 && !(m->flags & VXA_MUT_ORACLE_SAFE)) count = vxa_rng_next(r) & 0xffffffffull;
    vxa_set(c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, count);
    return true;
}

bool vxa_op_memory(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    uint8_t b[32] = { 0 };
    uint32_t rev = (uint32_t)(c->profile->msr[VXA_MSR_BASIC] & 0x7fffffffu);
    switch (vxa_rng_below(r, (m->flags & VXA_MUT_ORACLE_SAFE) ? 3 : 4)) {
    case 0: {   /* virtual-APIC page: VTPR (offset 0x80) against the TPR threshold */
        uint64_t a = vxa_get(c->vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR) & 0xfffff000ull;
        if (!a) { a = 0x20000; vxa_set(c->vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR, a); }
        b[0] = (uint8_t)vxa_rng_next(r);
        c->put_mem(c->ctx, a + 0x80, b, 1);
        if (vxa_rng_below(r, 2)) vxa_set(c->vmcs, VXA_F_TPR_THRESHOLD, vxa_rng_below(r, 2) ? vxa_rng_below(r, 16) : vxa_rng_next(r));
        break;
    }
    case 1: {   /* VMCS link pointer: the referenced VMCS's revision and shadow-VMCS bit */
        uint64_t a = 0x38000;
        vxa_set(c->vmcs, VXA_F_VMCS_LINK_POINTER, a);
        vxa_mut_le(b, vxa_rng_below(r, 4) ? rev | (uint32_t)vxa_rng_below(r, 2) << 31 : (uint32_t)vxa_rng_next(r), 4);
        c->put_mem(c->ctx, a, b, 4);
        break;
    }
    case 2: {   /* PAE PDPTEs at guest CR3: present bit, reserved bits */
        uint64_t cr3 = vxa_get(c->vmcs, VXA_F_GUEST_CR3) & 0xffffffe0ull;
        if (!cr3) { cr3 = 0x40000; vxa_set(c->vmcs, VXA_F_GUEST_CR3, cr3); }
        for (unsigned i = 0; i < 4; i++)
            vxa_mut_le(b + 8 * i, vxa_rng_below(r, 2) ? 0x1000ull * (i + 1) | 1 : vxa_rng_next(r) | vxa_rng_below(r, 2), 8);
        c->put_mem(c->ctx, cr3, b, 32);
        break;
    }
    default: {  /* VMXON region: revision identifier */
        vxa_entry *e = c->entry;
        if (!e->has_vmxon_address || vxa_rng_below(r, 4) == 0) {
            e->has_vmxon_address = true;
            e->vmxon_address = vxa_rng_below(r, 4) ? 0x50000 : 0x50000 | (c->profile->maxphyaddr < 64 ? 1ull << c->profile->maxphyaddr : 0);
        }
        vxa_mut_le(b, vxa_rng_below(r, 2) ? rev : rev ^ 1u << vxa_rng_below(r, 32), 4);
        c->put_mem(c->ctx, e->vmxon_address, b, 4);
    }
    }
    return true;
}
