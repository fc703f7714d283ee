/* generator.c — see generator.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "generator.h"
#include "payload_abi.h"
#include "vmxaudit/vmx_bits.h"

typedef struct rng { uint64_t s; } rng;

static uint64_t next(rng *r)   /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned below(rng *r, unsigned n) { return (unsigned)(next(r) % n); }

static unsigned width_bits(vxa_field f)
{
    switch (vxa_field_get(f)->width) {
    case VXA_W16: return 16;
    case VXA_W32: return 32;
    default: return 64;
    }
}

/* A writable field that exists on the CPU; with `reads`, one the rules read, preferably. */
static vxa_field pick_field(rng *r, const vxa_profile *p, const uint8_t *reads)
{
    for (unsigned tries = 0; tries < 64; tries++) {
        vxa_field f = (vxa_field)below(r, VXA_FIELD_COUNT);
        if (vxa_field_get(f)->kind == VXA_KIND_RO || vxa_field_exists(p, f) != 1) continue;
        if (reads && tries < 48 && !((reads[f >> 3] >> (f & 7)) & 1)) continue;
        return f;
    }
    return VXA_F_GUEST_RFLAGS;
}

/* The words the allowed-settings rules cover (27.2.1.1-27.2.1.3): PIN..ENTRY in controls.def. */
#define NCTL (VXA_WORD_ENTRY - VXA_WORD_PIN + 1)

static unsigned pick_bit(rng *r, uint64_t pool)
{
    unsigned n = (unsigned)__builtin_popcountll(pool), k = below(r, n);
    for (unsigned b = 0; b < 64; b++)
        if ((pool >> b & 1) && k-- == 0) return b;
    return 0;
}

/* A control bit against the allowed settings (SDM A.3-A.5): clear a must-be-1 bit, set a bit
 * that may not be 1, or turn on an allowed feature.  Returns false if the word is not there. */
static bool control_bit(rng *r, const vxa_profile *p, vxa_vmcs *v, int mode)
{
    vxa_word w = (vxa_word)(VXA_WORD_PIN + below(r, NCTL));
    vxa_field f = (vxa_field)vxa_word_get(w)->field;
    uint64_t must, may;
    if (!vxa_allowed(p, w, &must, &may, NULL)) return false;
    uint64_t cur = vxa_get(v, f);
    uint64_t mask = width_bits(f) == 64 ? ~0ull : 0xffffffffull;
    uint64_t pool = mode == 0 ? (must & cur) : mode == 1 ? (~may & ~cur & mask) : (may & ~cur & ~must);
    if (!pool) return false;
    vxa_set(v, f, cur ^ (1ull << pick_bit(r, pool)));
    return true;
}

static uint64_t boundary(rng *r, const vxa_profile *p, const vxa_vmcs *v, vxa_field f)
{
    uint64_t cur = vxa_get(v, f);
    unsigned w = p->maxphyaddr, lw = p->linear_address_width ? p->linear_address_width : 48;
    const uint64_t vals[] = {
        0, ~0ull, 1, 0xfff, 0x1000, 1ull << w, (1ull << w) - 0x1000, (1ull << (lw - 1)) - 1,
        ~((1ull << (lw - 1)) - 1), 1ull << (lw - 1), 0xffffffffull, 0x80000000ull, 0xffffull,
        0x100000000ull, cur | 0xfff, cur | 1ull << w, cur | 1ull << (lw - 1), 1ull << below(r, 64) };
    return vals[below(r, sizeof vals / sizeof vals[0])];
}

/* Segment access rights (SDM 27.3.1.2): a random class — type, S, DPL, P, D/B, L, G, unusable. */
static uint32_t ar_class(rng *r)
{
    static const uint32_t types[] = { 0x3, 0x1, 0x7, 0x9, 0xb, 0xf, 0x2, 0x5, 0x0, 0x8, 0xa };
    uint32_t ar = types[below(r, sizeof types / sizeof types[0])];
    ar |= (uint32_t)(below(r, 4) != 0) << 4;          /* S */
    ar |= below(r, 4) << 5;                           /* DPL */
    ar |= (uint32_t)(below(r, 5) != 0) << 7;          /* P */
    if (below(r, 4) == 0) ar |= below(r, 16) << 8;    /* reserved 11:8 */
    ar |= (uint32_t)below(r, 2) << 13;                /* L */
    ar |= (uint32_t)below(r, 2) << 14;                /* D/B */
    ar |= (uint32_t)below(r, 2) << 15;                /* G */
    if (below(r, 6) == 0) ar |= 1u << 16;             /* unusable */
    if (below(r, 10) == 0) ar |= 1u << (17 + below(r, 15));
    return ar;
}

static const vxa_field seg_ar[] = { VXA_F_GUEST_ES_AR_BYTES, VXA_F_GUEST_CS_AR_BYTES, VXA_F_GUEST_SS_AR_BYTES,
                                    VXA_F_GUEST_DS_AR_BYTES, VXA_F_GUEST_FS_AR_BYTES, VXA_F_GUEST_GS_AR_BYTES,
                                    VXA_F_GUEST_LDTR_AR_BYTES, VXA_F_GUEST_TR_AR_BYTES };
static const vxa_field seg_sel[] = { VXA_F_GUEST_ES_SELECTOR, VXA_F_GUEST_CS_SELECTOR, VXA_F_GUEST_SS_SELECTOR,
                                     VXA_F_GUEST_DS_SELECTOR, VXA_F_GUEST_FS_SELECTOR, VXA_F_GUEST_GS_SELECTOR,
                                     VXA_F_GUEST_LDTR_SELECTOR, VXA_F_GUEST_TR_SELECTOR };

/* Event injection (SDM 27.2.1.3) and the guest's non-register state (27.3.1.5). */
static void event(rng *r, vxa_vmcs *v)
{
    switch (below(r, 4)) {
    case 0: case 1: {
        /* types 1 (reserved) and 7 (other event) rarely: a type-7 injection that passes the
         * checks makes Bochs 2.7 panic, which costs an oracle restart (FINDINGS.md) */
        static const uint8_t types[] = { 0, 2, 3, 4, 5, 6, 0, 2, 3, 4, 5, 6, 0, 3, 4, 6 };
        uint32_t type = below(r, 64) == 0 ? 1 + 6 * below(r, 2) : types[below(r, 16)], vec = below(r, 3) ? below(r, 32) : below(r, 256);
        uint32_t info = 1u << 31 | type << 8 | vec;
        if (below(r, 2)) info |= 1u << 11;                       /* deliver error code */
        if (below(r, 8) == 0) info |= 1u << (12 + below(r, 19)); /* reserved 30:12 */
        vxa_set(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
        if (below(r, 2)) vxa_set(v, VXA_F_VM_ENTRY_EXCEPTION_ERROR_CODE, below(r, 3) ? below(r, 0x10000) : next(r));
        if (below(r, 2)) vxa_set(v, VXA_F_VM_ENTRY_INSTRUCTION_LEN, below(r, 3) ? below(r, 17) : next(r));
        break;
    }
    case 2: vxa_set(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, below(r, 3) ? below(r, 32) : 1u << below(r, 32)); break;
    default: vxa_set(v, VXA_F_GUEST_ACTIVITY_STATE, below(r, 5)); break;
    }
    if (below(r, 4) == 0) {
        static const uint64_t rf[] = { 0x2, 0x202, 0x102, 0x302, 0x20002, 0x0, 0x8002, 0x400002 };
        vxa_set(v, VXA_F_GUEST_RFLAGS, rf[below(r, sizeof rf / sizeof rf[0])]);
    }
}

/* A VM-entry MSR-load list of one to three entries (SDM 27.4) as memory in the arena. */
static void msr_load(rng *r, const vxa_profile *p, vxa_case *c)
{
    static const uint32_t idx[] = { 0xc0000080, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000081,
                                    0xc0000082, 0xc0000084, 0xc0000103, 0x174, 0x175, 0x176, 0x277,
                                    0x10, 0x1b, 0x3b, 0x79, 0x8b, 0x9e, 0x808, 0x80f, 0x830, 0x8ff,
                                    0x1d9, 0x38f, 0x6e0, 0xda0, 0x12345, 0x48, 0xc0000104 };
    unsigned n = 1 + below(r, 3);
    uint64_t addr = 0x30000 + 16ull * below(r, 16);
    if (below(r, 10) == 0) addr |= 1 + below(r, 15);            /* misaligned */
    uint8_t *d = calloc(n, 16);
    for (unsigned i = 0; i < n; i++) {
        uint32_t index = idx[below(r, sizeof idx / sizeof idx[0])], rsv = below(r, 12) == 0 ? 1u << below(r, 32) : 0;
        uint64_t val;
        switch (below(r, 6)) {
        case 0: val = 0; break;
        case 1: val = index == 0xc0000080 ? 0x500 | (below(r, 2) ? 0x401 : 0) : 0x1000; break;
        case 2: val = 1ull << below(r, 64); break;
        case 3: val = 0x0000800000000000ull; break;
        case 4: val = 0x0007040600070406ull; break;
        default: val = next(r); break;
        }
        memcpy(d + 16 * i, &index, 4);
        memcpy(d + 16 * i + 4, &rsv, 4);
        memcpy(d + 16 * i + 8, &val, 8);
    }
    c->memory = realloc(c->memory, (c->nmemory + 1) * sizeof *c->memory);
    c->memory[c->nmemory++] = (vxa_blob){ addr & ~0xfull, 16 * n, d };
    vxa_set(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, addr);
    vxa_set(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, below(r, 8) == 0 ? n + 1 : n);
    (void)p;
}

static void entry_env(rng *r, vxa_case *c)
{
    switch (below(r, 4)) {
    case 0: c->entry.instruction = VXA_VMRESUME; c->entry.launched = below(r, 2); break;
    case 1: c->entry.launched = true; break;
    case 2: c->entry.current_vmcs = false; break;
    default: c->entry.movss_blocking = true; break;
    }
}

static const vxa_field address_fields[] = {
    VXA_F_IO_BITMAP_A, VXA_F_IO_BITMAP_B, VXA_F_MSR_BITMAP, VXA_F_VM_EXIT_MSR_STORE_ADDR,
    VXA_F_VM_EXIT_MSR_LOAD_ADDR, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, VXA_F_EXECUTIVE_VMCS_POINTER,
    VXA_F_PML_ADDRESS, VXA_F_VIRTUAL_APIC_PAGE_ADDR, VXA_F_APIC_ACCESS_ADDR,
    VXA_F_POSTED_INTR_DESC_ADDR, VXA_F_EPT_POINTER, VXA_F_EPTP_LIST_ADDRESS, VXA_F_VMREAD_BITMAP,
    VXA_F_VMWRITE_BITMAP, VXA_F_VE_INFORMATION_ADDRESS, VXA_F_SPPT_POINTER,
    VXA_F_LOW_PASID_DIRECTORY_ADDRESS, VXA_F_HIGH_PASID_DIRECTORY_ADDRESS, VXA_F_SHARED_EPT_POINTER,
    VXA_F_HLAT_POINTER, VXA_F_PID_POINTER_TABLE, VXA_F_VMCS_LINK_POINTER, VXA_F_GUEST_CR3,
};

void vxa_keep_in_arena(vxa_vmcs *v, const vxa_profile *p)
{
    unsigned maxphyaddr = p->maxphyaddr;
    uint64_t limit = maxphyaddr >= 64 ? ~0ull : (1ull << maxphyaddr) - 1;
    for (size_t i = 0; i < sizeof address_fields / sizeof address_fields[0]; i++) {
        vxa_field f = address_fields[i];
        /* a field never written reads 0, an address like any other, where the CPU has it */
        if (!vxa_is_set(v, f) && vxa_field_exists(p, f) != 1) continue;
        uint64_t x = vxa_get(v, f), low = x & 0xfff, page = x & limit & ~0xfffull, high = x & ~limit;
        if (x == ~0ull || high) continue;                  /* "none", or too wide: no access */
        if (vxa_in_arena(page, 0x2000)) continue;
        page = VXA_ARENA_HIGH_BASE + page % (VXA_ARENA_HIGH_END - VXA_ARENA_HIGH_BASE - 0x2000);
        vxa_set(v, f, (page & ~0xfffull) | low);
    }
}

/* A guest entered in the wait-for-SIPI state (or HLT/shutdown without the preemption timer)
 * waits for an event that never comes: the oracle could only time out.  Such a case whose
 * entry the SDM model lets through goes back to the active state. */
static void keep_observable(const vxa_profile *p, vxa_case *c)
{
    static vxa_report rep;
    uint64_t act = vxa_get(&c->vmcs, VXA_F_GUEST_ACTIVITY_STATE);
    bool timer = vxa_get(&c->vmcs, VXA_F_PIN_BASED_VM_EXEC_CONTROL) >> VXA_PIN_PREEMPTION_TIMER & 1;
    if (act == 0 || act > 3 || (act != 3 && timer)) return;
    vxa_memory mem = vxa_case_memory(c);
    vxa_input in = { p, &c->vmcs, &c->entry, &mem, VXA_MODEL_SDM, NULL };
    vxa_audit(&in, &rep);
    if (rep.outcome.result == VXA_ENTERED) vxa_set(&c->vmcs, VXA_F_GUEST_ACTIVITY_STATE, 0);
}

void vxa_generate(const vxa_generator *g, uint64_t index, vxa_case *out)
{
    static vxa_report rep;
    rng r = { g->seed * 0x2545f4914f6cdd1dull ^ (index + 1) * 0x9e3779b97f4a7c15ull };
    next(&r);
    /* Mostly the first baseline that enters 64-bit mode (its guest exits on its first CPUID,
     * which the oracle cleans up after cheaply); the others (real, protected mode), whose
     * guests fault at the harness's RIP, one case in four. */
    unsigned pick = below(&r, g->baselines->n), main = 0;
    for (unsigned k = 0; k < g->baselines->n; k++)
        if (g->baselines->b[k].c.name && strstr(g->baselines->b[k].c.name, "64")) { main = k; break; }
    if (below(&r, 4)) pick = main;
    const vxa_baseline *base = &g->baselines->b[pick];
    const vxa_profile *p = &g->backend->profile;
    vxa_case_copy(out, &base->c);
    char name[64];
    snprintf(name, sizeof name, "gen-%llu-%llu", (unsigned long long)g->seed, (unsigned long long)index);
    free(out->name);
    out->name = strdup(name);
    unsigned nmut = below(&r, 10) < 7 ? 1 : below(&r, 3) ? 2 : 3;
    for (unsigned m = 0; m < nmut; m++) {
        unsigned s = below(&r, 100);
        if (s < 18) {                                     /* one bit of one field */
            vxa_field f = pick_field(&r, p, below(&r, 4) ? base->reads : NULL);
            vxa_set(&out->vmcs, f, vxa_get(&out->vmcs, f) ^ 1ull << below(&r, width_bits(f)));
        } else if (s < 32) {                              /* boundary value */
            vxa_field f = pick_field(&r, p, base->reads);
            vxa_set(&out->vmcs, f, boundary(&r, p, &out->vmcs, f));
        } else if (s < 46) {                              /* control bit vs allowed settings */
            for (unsigned t = 0; t < 8 && !control_bit(&r, p, &out->vmcs, (int)below(&r, 3)); t++) {}
        } else if (s < 66) {                              /* repair-then-flip */
            for (unsigned t = 0; t < 8 && !control_bit(&r, p, &out->vmcs, 2); t++) {}
            uint8_t reads[(VXA_FIELD_COUNT + 7) / 8] = { 0 };
            vxa_memory mem = vxa_case_memory(out);
            vxa_input in = { p, &out->vmcs, &out->entry, &mem, VXA_MODEL_SDM, NULL };
            vxa_repair_result res;
            static vxa_vmcs fixed;
            vxa_repair(&in, 8, &fixed, &rep, &res);
            out->vmcs = fixed;
            vxa_input in2 = { p, &out->vmcs, &out->entry, &mem, VXA_MODEL_SDM, reads };
            vxa_audit(&in2, &rep);
            if (below(&r, 5)) {
                vxa_field f = pick_field(&r, p, reads);
                vxa_set(&out->vmcs, f, vxa_get(&out->vmcs, f) ^ 1ull << below(&r, width_bits(f)));
            }
        } else if (s < 78) {
            event(&r, &out->vmcs);
        } else if (s < 88) {                              /* segment access-rights class */
            unsigned k = below(&r, 8);
            vxa_set(&out->vmcs, seg_ar[k], ar_class(&r));
            if (below(&r, 3) == 0) vxa_set(&out->vmcs, seg_sel[k], below(&r, 0x80));
        } else if (s < 94) {
            msr_load(&r, p, out);
        } else {
            entry_env(&r, out);
        }
    }
    /* A guest entered in the HLT, shutdown or wait-for-SIPI state would wait for an event that
     * never comes (the oracle would time out): a VMX-preemption timer of 0 makes it exit at once
     * (SDM 26.5.1), where the CPU has the timer. */
    uint64_t must, may;
    if (vxa_get(&out->vmcs, VXA_F_GUEST_ACTIVITY_STATE) && vxa_allowed(p, VXA_WORD_PIN, &must, &may, NULL) &&
        (may >> VXA_PIN_PREEMPTION_TIMER & 1)) {
        vxa_set(&out->vmcs, VXA_F_PIN_BASED_VM_EXEC_CONTROL,
                vxa_get(&out->vmcs, VXA_F_PIN_BASED_VM_EXEC_CONTROL) | 1ull << VXA_PIN_PREEMPTION_TIMER);
        vxa_set(&out->vmcs, VXA_F_VMX_PREEMPTION_TIMER_VALUE, 0);
    }
    keep_observable(p, out);
}
