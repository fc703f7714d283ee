/* boundary.c — the boundary values of the VM-entry rules, one table by value kind (fields.def
 * VALUE column).  Each row derives a value from a width the rules compare with: MAXPHYADDR
 * (physical addresses, 27.2.1.1 and elsewhere; 32 where IA32_VMX_BASIC[48] limits them, A.1), the
 * linear-address width (canonical checks and "bits 63:N identical", 27.3.1.1-27.3.1.4; the other
 * width's edges too), the field's own width, page and smaller alignments, and the segment-limit
 * granularity rules (27.3.1.2). */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

enum width { W_ONE, W_PHYS, W_LIN, W_LIN_OTHER, W_FIELD };
enum how {
    B_CONST,        /* k */
    B_BIT,          /* 1 << (w + off) */
    B_BELOW,        /* (1 << (w + off)) - k: the last value under a width */
    B_HIGH,         /* ~((1 << (w + off)) - 1) - k: the first "all ones above" value, minus k */
    B_CUR_OR_BIT,   /* cur | 1 << (w + off) */
    B_CUR_XOR_BIT,  /* cur ^ 1 << (w + off) */
    B_PAGE_OR,      /* cur's page | k: an alignment edge */
    B_CUR_OR,       /* cur | k */
    B_CUR_ADD,      /* cur + k (k may wrap: cur - 1) */
    B_CUR_SHIFT,    /* cur << 1 (k 0) or cur >> 1 (k 1) */
    B_CUR_AND,      /* cur & k */
};

#define K(kind) (1u << VXA_VALUE_##kind)
#define ALL 0xffffu
typedef struct brow { uint16_t kinds; uint8_t how, width; int8_t off; uint64_t k; } brow;

static const brow table[] = {
    /* physical addresses: MAXPHYADDR edges, alignment edges */
    { K(PHYS_ADDR), B_BIT, W_PHYS, -1, 0 },  { K(PHYS_ADDR), B_BIT, W_PHYS, 0, 0 },
    { K(PHYS_ADDR), B_BELOW, W_PHYS, 0, 0x1000 }, { K(PHYS_ADDR), B_CUR_OR_BIT, W_PHYS, 0, 0 },
    { K(PHYS_ADDR), B_CUR_OR_BIT, W_PHYS, -1, 0 }, { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 0x800 },
    { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 1 }, { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 0x10 },
    { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 8 }, { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 0xfff },
    { K(PHYS_ADDR), B_CUR_ADD, W_ONE, 0, 0x1000 }, { K(PHYS_ADDR), B_CONST, W_ONE, 0, 0xfffff000ull },
    /* the posted-interrupt descriptor's 64-byte alignment (27.2.1.1: bits 5:0 = 0): 0x20 is
     * 32-byte aligned only, 0x40 is 64-byte but not 128-byte aligned */
    { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 0x20 }, { K(PHYS_ADDR), B_PAGE_OR, W_ONE, 0, 0x40 },
    /* the last 16-byte entry under a width: an MSR area of two or more entries there ends beyond
     * it (27.2.1.2, 27.2.1.3: the area's last byte, not only its address) */
    { K(PHYS_ADDR), B_BELOW, W_PHYS, 0, 0x10 }, { K(PHYS_ADDR), B_BELOW, W_PHYS, -1, 0x10 },
    { K(PHYS_ADDR) | K(LINEAR_ADDR), B_CONST, W_ONE, 0, 1ull << 32 },
    /* linear addresses: canonical edges (bits 63:N-1 identical) and the 63:N gap, both widths */
    { K(LINEAR_ADDR), B_BELOW, W_LIN, -1, 1 }, { K(LINEAR_ADDR), B_BIT, W_LIN, -1, 0 },
    { K(LINEAR_ADDR), B_HIGH, W_LIN, -1, 0 }, { K(LINEAR_ADDR), B_HIGH, W_LIN, -1, 1 },
    { K(LINEAR_ADDR), B_BIT, W_LIN, 0, 0 }, { K(LINEAR_ADDR), B_BELOW, W_LIN, 0, 1 },
    { K(LINEAR_ADDR), B_HIGH, W_LIN, 0, 0 },
    { K(LINEAR_ADDR), B_BELOW, W_LIN_OTHER, -1, 1 }, { K(LINEAR_ADDR), B_BIT, W_LIN_OTHER, -1, 0 },
    { K(LINEAR_ADDR), B_HIGH, W_LIN_OTHER, -1, 0 },
    { K(LINEAR_ADDR), B_CUR_OR_BIT, W_LIN, -1, 0 }, { K(LINEAR_ADDR), B_CUR_XOR_BIT, W_ONE, 63, 0 },
    { K(LINEAR_ADDR), B_CUR_OR, W_ONE, 0, 1 }, { K(LINEAR_ADDR), B_CUR_OR, W_ONE, 0, 3 },
    { K(LINEAR_ADDR), B_CUR_OR, W_ONE, 0, 7 }, { K(LINEAR_ADDR), B_CUR_AND, W_ONE, 0, ~0xfffull },
    { K(LINEAR_ADDR), B_CONST, W_ONE, 0, 0xffffffffull },
    /* segment limits against the granularity bit (27.3.1.2) */
    { K(LIMIT), B_CONST, W_ONE, 0, 0xfff }, { K(LIMIT), B_CONST, W_ONE, 0, 0x1000 },
    { K(LIMIT), B_CONST, W_ONE, 0, 0xffff }, { K(LIMIT), B_CONST, W_ONE, 0, 0xfffff },
    { K(LIMIT), B_CONST, W_ONE, 0, 0x100000 }, { K(LIMIT), B_CONST, W_ONE, 0, 0xfffff000ull },
    { K(LIMIT), B_CUR_OR, W_ONE, 0, 0xfffff },
    /* selectors: RPL and TI edges, null */
    { K(SELECTOR), B_CUR_AND, W_ONE, 0, ~7ull }, { K(SELECTOR), B_CONST, W_ONE, 0, 3 },
    { K(SELECTOR), B_CUR_OR, W_ONE, 0, 4 },
    /* every kind: the field's own width and small values */
    { ALL, B_CONST, W_ONE, 0, 0 }, { ALL, B_CONST, W_ONE, 0, ~0ull }, { ALL, B_CONST, W_ONE, 0, 1 },
    { ALL, B_CUR_ADD, W_ONE, 0, 1 }, { ALL, B_CUR_ADD, W_ONE, 0, ~0ull },
    { ALL, B_BELOW, W_FIELD, -1, 1 }, { ALL, B_BIT, W_FIELD, -1, 0 },
    { ALL, B_CONST, W_ONE, 0, 0xffff }, { ALL, B_CONST, W_ONE, 0, 0xffffffffull },
    { ALL, B_CONST, W_ONE, 0, 0x80000000ull }, { ALL, B_CONST, W_ONE, 0, 0x7fffffffull },
    { ALL, B_CUR_SHIFT, W_ONE, 0, 0 }, { ALL, B_CUR_SHIFT, W_ONE, 0, 1 },
};
#define NROWS (sizeof table / sizeof table[0])

static unsigned width_of(vxa_mutator *m, const vxa_mut_case *c, vxa_field f, unsigned w)
{
    const vxa_profile *p = c->profile;
    unsigned lw = p->linear_address_width == 57 ? 57 : 48;
    switch (w) {
    case W_PHYS:   /* IA32_VMX_BASIC[48]: the VMX structures' addresses are 32-bit (A.1) */
        if (vxa_profile_has(p, VXA_MSR_BASIC) && (p->msr[VXA_MSR_BASIC] & VXA_BASIC_32BIT_ADDR) &&
            vxa_rng_below(&m->rng, 2))
            return 32;
        return p->maxphyaddr >= 32 && p->maxphyaddr <= 52 ? p->maxphyaddr : 52;
    case W_LIN: return lw;
    case W_LIN_OTHER: return lw == 57 ? 48 : 57;
    case W_FIELD: return vxa_field_bits(f);
    default: return 0;
    }
}

static uint64_t bit(unsigned b) { return b < 64 ? 1ull << b : 0; }

static uint64_t row_value(vxa_mutator *m, const vxa_mut_case *c, vxa_field f, const brow *r)
{
    uint64_t cur = vxa_get(c->vmcs, f);
    unsigned w = width_of(m, c, f, r->width) + (unsigned)r->off;
    switch (r->how) {
    case B_BIT: return bit(w);
    case B_BELOW: return bit(w) - r->k;
    case B_HIGH: return ~(bit(w) - 1) - r->k;
    case B_CUR_OR_BIT: return cur | bit(w);
    case B_CUR_XOR_BIT: return cur ^ bit(w);
    case B_PAGE_OR: return (cur & ~0xfffull) | r->k;
    case B_CUR_OR: return cur | r->k;
    case B_CUR_ADD: return cur + r->k;
    case B_CUR_SHIFT: return r->k ? cur >> 1 : cur << 1;
    case B_CUR_AND: return cur & r->k;
    default: return r->k;
    }
}

static bool row_applies(const brow *r, unsigned kind, bool own)
{
    return (r->kinds & kind) && (!own || r->kinds != ALL);
}

uint64_t vxa_boundary_value(vxa_mutator *m, const vxa_mut_case *c, vxa_field f)
{
    unsigned kind = 1u << vxa_field_get(f)->value, n = 0;
    /* the kind's own rows three times in four, else any row that applies (the generic ones too) */
    bool own = vxa_rng_below(&m->rng, 4) != 0;
    for (unsigned i = 0; i < NROWS; i++) n += row_applies(&table[i], kind, own);
    if (!n) {
        own = false;
        for (unsigned i = 0; i < NROWS; i++) n += row_applies(&table[i], kind, own);
    }
    unsigned k = vxa_rng_below(&m->rng, n);
    for (unsigned i = 0; i < NROWS; i++)
        if (row_applies(&table[i], kind, own) && k-- == 0) return row_value(m, c, f, &table[i]);
    return 0;
}

int vxa_boundary_bit(vxa_mutator *m, const vxa_mut_case *c, vxa_field f)
{
    switch (vxa_field_get(f)->value) {
    case VXA_VALUE_PHYS_ADDR: return (int)width_of(m, c, f, W_PHYS) - (int)vxa_rng_below(&m->rng, 2);
    case VXA_VALUE_LINEAR_ADDR:
        return (int)width_of(m, c, f, vxa_rng_below(&m->rng, 4) ? W_LIN : W_LIN_OTHER) - (int)vxa_rng_below(&m->rng, 2);
    case VXA_VALUE_LIMIT: return vxa_rng_below(&m->rng, 2) ? 20 : 12;
    default: return vxa_rng_below(&m->rng, 2) ? 31 : 32;
    }
}
