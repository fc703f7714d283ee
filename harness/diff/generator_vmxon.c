/* generator_vmxon.c — the campaign generator's VMXON cases (generator.h): VMXON executed
 * outside VMX operation from 64-bit mode at CPL 0 with a region in the case arena that holds the
 * profile's revision identifier, CR0/CR4 from the fixed bits (SDM 24.8) and IA32_FEATURE_CONTROL
 * locked with VMX outside SMX (24.7) — a VMXON that succeeds — then at most one move toward one
 * VMXON rule (SDM Vol. 2 "VMXON", 25.11.5), compatibility mode included, one choice in 14 each:
 * CPL 1..3 (#GP(0)), VMX non-root operation (VM exit 27) and IA32_FEATURE_CONTROL without its
 * lock or its VMX-outside-SMX bit (#GP(0); each such case costs the Bochs backend a boot of its
 * own: about 1 case in 450 of the campaign).  Only what the oracle's payload sets up
 * (harness/diff/bridge.c unsupported_vmxon): CR0.PE/PG and CR4.PAE stay; CR0/CR4 bits move only
 * where MOV to CR0/CR4 takes them (CR4.SMEP/SMAP only at CPL 0); a pointer that VMXON would use
 * stays a page of the arena. */
#include <stdlib.h>
#include <string.h>
#include "generator.h"
#include "mutate.h"
#include "payload_abi.h"
#include "vmxaudit/vmx_bits.h"

/* CR0 bits MOV to CR0 sets and clears in 64-bit mode without leaving it or hurting the payload
 * (no x87/SSE code): MP, EM, TS, NE, WP, AM, CD (SDM Vol. 3A 2.5); NW only with CD (below). */
static const unsigned cr0_bits[] = { 1, 2, 3, 5, 16, 18, 30 };

static void put_region(vxa_case *c, uint64_t addr, uint32_t rev)
{
    for (size_t i = 0; i < c->nmemory; i++) free(c->memory[i].data);
    free(c->memory);
    c->memory = NULL;
    c->nmemory = 0;
    vxa_blob *b = malloc(sizeof *b);
    uint8_t *d = malloc(4);
    if (!b || !d) abort();
    for (unsigned i = 0; i < 4; i++) d[i] = (uint8_t)(rev >> 8 * i);
    *b = (vxa_blob){ addr, 4, d };
    c->memory = b;
    c->nmemory = 1;
}

/* A CR4 bit to flip: VMXE (the #UD), or one that IA32_VMX_CR4_FIXED1 allows and FIXED0 does not
 * fix, other than PAE and LA57 (64-bit mode keeps them, SDM Vol. 3A 10.8.5): MOV to CR4 takes
 * exactly the bits the CPU has, which are FIXED1's on the campaign's profiles. */
static uint64_t cr4_flip(const vxa_profile *p, vxa_rng *r)
{
    uint64_t free_bits = p->msr[VXA_MSR_CR4_FIXED1] & ~p->msr[VXA_MSR_CR4_FIXED0] &
                         ~(VXA_CR4_PAE | 1ull << 12 | VXA_CR4_VMXE) & 0xffffffffull;
    unsigned n = (unsigned)__builtin_popcountll(free_bits);
    if (!n || vxa_rng_below(r, 3) == 0) return VXA_CR4_VMXE;
    unsigned k = vxa_rng_below(r, n);
    for (unsigned b = 0; b < 64; b++)
        if ((free_bits >> b & 1) && k-- == 0) return 1ull << b;
    return VXA_CR4_VMXE;
}

void vxa_generate_vmxon(const vxa_profile *p, vxa_rng *r, vxa_case *out)
{
    vxa_entry *e = &out->entry;
    vxa_entry_init(e);
    e->instruction = VXA_VMXON;
    e->vmx_operation = false;
    e->cr0 = p->msr[VXA_MSR_CR0_FIXED0] | (0x80050033ull & p->msr[VXA_MSR_CR0_FIXED1]);
    e->cr4 = p->msr[VXA_MSR_CR4_FIXED0] | (0x2020ull & p->msr[VXA_MSR_CR4_FIXED1]);
    e->feature_control = 5;
    uint64_t page = VXA_ARENA_HIGH_BASE +
                    4096ull * vxa_rng_below(r, (VXA_ARENA_HIGH_END - VXA_ARENA_HIGH_BASE) / 4096);
    uint32_t rev = (uint32_t)p->msr[VXA_MSR_BASIC] & 0x7fffffffu;
    unsigned width = p->msr[VXA_MSR_BASIC] >> 48 & 1 ? 32 : p->maxphyaddr;
    e->has_vmxon_address = true;
    e->vmxon_address = page;
    switch (vxa_rng_below(r, 14)) {
    case 0: case 1: case 2: break;                              /* VMXON succeeds */
    case 3: {                                                   /* a CR0 bit (FIXED0: NE) */
        uint64_t b = 1ull << VXA_RNG_PICK(r, cr0_bits);
        e->cr0 ^= b;
        if (b == VXA_CR0_CD && (e->cr0 & VXA_CR0_CD) && vxa_rng_below(r, 2)) e->cr0 |= VXA_CR0_NW;
        break;
    }
    case 4: e->cr4 ^= cr4_flip(p, r); break;                    /* #UD, or a bit FIXED1 allows */
    case 5:                                                     /* in VMX root operation */
        e->vmx_operation = true;
        e->current_vmcs = vxa_rng_below(r, 2);                  /* VMfailValid(15) / VMfailInvalid */
        break;
    case 6:                                                     /* not 4-KByte aligned */
        e->vmxon_address = page + 1 + vxa_rng_below(r, 4096 - 8);
        break;
    case 7:                                                     /* beyond the address width */
        e->vmxon_address = page | 1ull << (width + (vxa_rng_below(r, 2) ? 0 : vxa_rng_below(r, 64 - width)));
        break;
    case 8: case 9:                                             /* the revision identifier */
        rev ^= vxa_rng_below(r, 3) ? 1u << vxa_rng_below(r, 31) : 0x80000000u;
        break;
    case 10: e->mode = VXA_MODE_COMPAT; break;                  /* CS.L = 0: #UD */
    case 11:                                                    /* CPL > 0: #GP(0) */
        e->cpl = (uint8_t)(1 + vxa_rng_below(r, 3));
        if (vxa_rng_below(r, 4) == 0) {                         /* in VMX root operation too */
            e->vmx_operation = true;
            e->current_vmcs = vxa_rng_below(r, 2);
        }
        break;
    case 12:                                                    /* VMX non-root: VM exit */
        e->vmx_operation = true;
        e->vmx_non_root = true;
        break;
    default:                                                    /* lock or VMX bit clear */
        e->feature_control = vxa_rng_below(r, 2) ? 4 : 1;
    }
    /* the region's first 4 bytes where the operand points (an unaligned one too: a rule that
     * forgot the alignment would read them there) */
    put_region(out, e->vmxon_address & (e->vmxon_address >> width ? ~0ull >> (64 - width) : ~0ull), rev);
}
