/* generator.c — see generator.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "generator.h"
#include "mutate.h"
#include "payload_abi.h"
#include "vmxaudit/vmx_bits.h"

/* The generator's weights of the library's operators (out of 130).  No profile changes (the profile
 * is the oracle's CPU) and no plain unset: a field never written reads 0 either way. */
static const uint16_t weights[VXA_OP_COUNT] = {
    [VXA_OP_FLIP] = 14, [VXA_OP_BOUNDARY] = 12, [VXA_OP_CONTROL] = 12, [VXA_OP_REPAIR_FLIP] = 20,
    [VXA_OP_EVENT] = 11, [VXA_OP_SEGMENT] = 9, [VXA_OP_MSR_LOAD] = 6, [VXA_OP_MEMORY] = 2,
    [VXA_OP_ENTRY] = 4, [VXA_OP_CORRELATED] = 10, [VXA_OP_SINGLE_FAULT] = 30,
};

/* guest memory of a generated case: its blob at that address, replaced or added */
static void put_mem(void *ctx, uint64_t addr, const uint8_t *bytes, unsigned len)
{
    vxa_case *c = ctx;
    size_t k;
    for (k = 0; k < c->nmemory; k++)
        if (c->memory[k].address == addr) break;
    if (k == c->nmemory) {
        vxa_blob *nm = realloc(c->memory, (c->nmemory + 1) * sizeof *nm);
        if (!nm) return;
        c->memory = nm;
        c->memory[c->nmemory++] = (vxa_blob){ addr, 0, NULL };
    }
    uint8_t *d = malloc(len ? len : 1);
    if (!d) return;
    memcpy(d, bytes, len);
    free(c->memory[k].data);
    c->memory[k].data = d;
    c->memory[k].length = len;
}

/* Every physical address field, and whether the memory at it is read when the campaign runs a
 * case: by VM entry (the MSR-load list 27.4, the virtual-APIC page's VTPR 27.2.1.1 and virtual
 * interrupt delivery 27.3.2.5, the link pointer's VMCS header 27.3.1.5, the PDPTEs at guest CR3
 * 27.3.1.6), by the guest's own execution (its paging: CR3, the EPT and HLAT tables), or at the
 * VM exit (the VM-exit MSR-load list, 28.6; the MSR-store area is written there, 28.4).  NOT_READ:
 * the others (bitmaps, the APIC-access page, the posted-interrupt descriptor, the PML log, ...) are
 * read or written only by guest operations the harness's guest does not make before its first
 * exit: an address there may lie outside the arena.  READ: kept in the arena (RAM): beyond it
 * nested KVM may abort the payload's VMX operation and real hardware may decode the address as
 * MMIO.  UNBACKED: the same, except on an emulator whose memory beyond its RAM reads as all ones
 * (Bochs 2.7 and 3.0, tests/oracle/width_top.sh): there an address at the top of
 * the width stays, with an image of all ones for what is accessed (vxa_mark_unbacked), and the
 * outcome still shows: the TPR-threshold check passes on VTPR FFH, the first entry of an MSR-load
 * list fails (bits 63:32 reserved, 27.4: exit 34), an EPT or HLAT walk ends in a VM exit after
 * entry, the MSR store or MSR load of the VM exit aborts (an all-ones index, 28.4, 28.6: a VMX
 * abort, after an entry the Bochs backend tells from one that failed, unbacked.h).  The link
 * pointer stays READ: all ones there give the same outcome either way (revision mismatch,
 * docs/mutation-score.md). */
enum { NOT_READ, READ, UNBACKED };
static const struct { vxa_field f; uint8_t access; } address_fields[] = {
    { VXA_F_IO_BITMAP_A, NOT_READ }, { VXA_F_IO_BITMAP_B, NOT_READ }, { VXA_F_MSR_BITMAP, NOT_READ },
    { VXA_F_VM_EXIT_MSR_STORE_ADDR, UNBACKED }, { VXA_F_VM_EXIT_MSR_LOAD_ADDR, UNBACKED },
    { VXA_F_VM_ENTRY_MSR_LOAD_ADDR, UNBACKED }, { VXA_F_EXECUTIVE_VMCS_POINTER, READ },
    { VXA_F_PML_ADDRESS, NOT_READ }, { VXA_F_VIRTUAL_APIC_PAGE_ADDR, UNBACKED },
    { VXA_F_APIC_ACCESS_ADDR, NOT_READ }, { VXA_F_POSTED_INTR_DESC_ADDR, NOT_READ },
    { VXA_F_EPT_POINTER, UNBACKED }, { VXA_F_EPTP_LIST_ADDRESS, NOT_READ },
    { VXA_F_VMREAD_BITMAP, NOT_READ }, { VXA_F_VMWRITE_BITMAP, NOT_READ },
    { VXA_F_VE_INFORMATION_ADDRESS, NOT_READ }, { VXA_F_SPPT_POINTER, NOT_READ },
    { VXA_F_LOW_PASID_DIRECTORY_ADDRESS, NOT_READ }, { VXA_F_HIGH_PASID_DIRECTORY_ADDRESS, NOT_READ },
    { VXA_F_SHARED_EPT_POINTER, READ }, { VXA_F_HLAT_POINTER, UNBACKED },
    { VXA_F_PID_POINTER_TABLE, NOT_READ }, { VXA_F_VMCS_LINK_POINTER, READ }, { VXA_F_GUEST_CR3, READ },
};

static vxa_field count_field(vxa_field f)
{
    return f == VXA_F_VM_EXIT_MSR_STORE_ADDR ? VXA_F_VM_EXIT_MSR_STORE_COUNT
         : f == VXA_F_VM_EXIT_MSR_LOAD_ADDR ? VXA_F_VM_EXIT_MSR_LOAD_COUNT
         : f == VXA_F_VM_ENTRY_MSR_LOAD_ADDR ? VXA_F_VM_ENTRY_MSR_LOAD_COUNT : VXA_FIELD_COUNT;
}

/* An MSR-store/load area whose last byte lies beyond the width (count x 16 bytes at x): VM entry
 * fails its control checks (27.2.1.2, 27.2.1.3) before any of it is read. */
static bool ends_beyond(const vxa_vmcs *v, vxa_field f, uint64_t x, uint64_t limit)
{
    vxa_field count = count_field(f);
    if (count == VXA_FIELD_COUNT) return false;
    uint64_t n = vxa_get(v, count) & 0xffffffffull;
    return n && n * 16 - 1 > limit - x;
}

/* The memory an UNBACKED field's address names: its page, or an MSR area's first entries (at
 * most 256 of 16 bytes: an all-ones entry fails at once, 27.4; a store writes nothing there). */
static void unbacked_span(const vxa_vmcs *v, vxa_field f, uint64_t x, uint64_t *start, unsigned *len)
{
    vxa_field count = count_field(f);
    if (count == VXA_FIELD_COUNT) { *start = x & ~0xfffull; *len = 4096; return; }
    uint64_t n = vxa_get(v, count) & 0xffffffffull;
    *start = x;
    *len = (unsigned)(n == 0 ? 16 : n > 256 ? 4096 : n * 16);
}

/* Where an address of field i, at x, may stay at the top of the width on an emulator: from the
 * page under bit MAXPHYADDR-1 up, at or above 4 GiB (beyond the oracle machine's RAM, its ROM and
 * its MMIO), its span within the width. */
static bool unbacked_top(const vxa_vmcs *v, size_t i, uint64_t x, uint64_t top, uint64_t limit)
{
    uint64_t start;
    unsigned len;
    if (address_fields[i].access != UNBACKED || x < top || x >> 32 == 0) return false;
    unbacked_span(v, address_fields[i].f, x, &start, &len);
    return start + len - 1 <= limit && start + len - 1 >= start;
}

static uint64_t width_limit(const vxa_profile *p)
{
    return p->maxphyaddr >= 64 ? ~0ull : (1ull << p->maxphyaddr) - 1;
}

/* from the last page below bit MAXPHYADDR-1 up: the addresses at the top of the width, where a
 * rule one bit narrower or wider decides (the width rules, and the MSR areas' last byte) */
static uint64_t width_top(const vxa_profile *p)
{
    return p->maxphyaddr >= 1 && p->maxphyaddr <= 64 ? (1ull << (p->maxphyaddr - 1)) - 0x1000 : ~0ull;
}

void vxa_mark_unbacked(vxa_case *c, const vxa_profile *p)
{
    static uint8_t ones[4096];
    if (!ones[0]) memset(ones, 0xff, sizeof ones);
    uint64_t limit = width_limit(p), top = width_top(p);
    for (size_t i = 0; i < sizeof address_fields / sizeof address_fields[0]; i++) {
        vxa_field f = address_fields[i].f;
        if (!vxa_is_set(&c->vmcs, f)) continue;
        uint64_t x = vxa_get(&c->vmcs, f), start;
        unsigned len;
        if (x & ~limit || ends_beyond(&c->vmcs, f, x, limit) || !unbacked_top(&c->vmcs, i, x, top, limit)) continue;
        unbacked_span(&c->vmcs, f, x, &start, &len);
        put_mem(c, start, ones, len);
    }
}

/* Does the case's image say the span of field i at x reads as all ones? */
static bool imaged_ones(const vxa_case *c, size_t i, uint64_t x)
{
    uint64_t start;
    unsigned len;
    uint8_t b[4096];
    unbacked_span(&c->vmcs, address_fields[i].f, x, &start, &len);
    for (size_t k = 0; k < c->nmemory; k++) {
        const vxa_blob *m = &c->memory[k];
        if (m->address > start || m->address + m->length < start + len) continue;
        memcpy(b, m->data + (start - m->address), len);
        unsigned j = 0;
        while (j < len && b[j] == 0xff) j++;
        return j == len;
    }
    return false;
}

void vxa_keep_in_arena(vxa_case *c, const vxa_profile *p)
{
    vxa_vmcs *v = &c->vmcs;
    uint64_t limit = width_limit(p), top = width_top(p);
    for (size_t i = 0; i < sizeof address_fields / sizeof address_fields[0]; i++) {
        vxa_field f = address_fields[i].f;
        /* a field never written reads 0, an address like any other, where the CPU has it */
        if (!vxa_is_set(v, f) && vxa_field_exists(p, f) != 1) continue;
        uint64_t x = vxa_get(v, f), low = x & 0xfff, page = x & limit & ~0xfffull, high = x & ~limit;
        if (x == ~0ull || high) continue;                  /* "none", or too wide: no access */
        if (ends_beyond(v, f, x, limit)) continue;         /* an MSR area past the width: no access */
        if (address_fields[i].access == NOT_READ && x >= top) continue; /* at the top of the width, not read */
        /* at the top, beyond RAM, where the case's image says all ones (an emulator's case) */
        if (unbacked_top(v, i, x, top, limit) && imaged_ones(c, i, x)) continue;
        if (vxa_in_arena(page, 0x2000)) continue;
        page = VXA_ARENA_HIGH_BASE + page % (VXA_ARENA_HIGH_END - VXA_ARENA_HIGH_BASE - 0x2000);
        vxa_set(v, f, (page & ~0xfffull) | low);
    }
}

/* A guest entered in the wait-for-SIPI state (or HLT/shutdown without the preemption timer)
 * waits for an event that never comes: the oracle could only time out.  Such a case whose
 * entry the SDM model lets through goes back to the active state. */
static void keep_observable(const vxa_profile *p, vxa_case *c, vxa_report *rep)
{
    uint64_t act = vxa_get(&c->vmcs, VXA_F_GUEST_ACTIVITY_STATE);
    bool timer = vxa_get(&c->vmcs, VXA_F_PIN_BASED_VM_EXEC_CONTROL) >> VXA_PIN_PREEMPTION_TIMER & 1;
    if (act == 0 || act > 3 || (act != 3 && timer)) return;
    vxa_memory mem = vxa_case_memory(c);
    vxa_input in = { p, &c->vmcs, &c->entry, &mem, VXA_MODEL_SDM, NULL };
    vxa_audit(&in, rep);
    if (rep->outcome.result == VXA_ENTERED) vxa_set(&c->vmcs, VXA_F_GUEST_ACTIVITY_STATE, 0);
}

/* Case `index`; with prof, in the profile-mutation mode (vxa_generate_mutated). */
static void generate(const vxa_generator *g, uint64_t index, vxa_case *out, vxa_profile *prof)
{
    /* the mutator's state (with its scratch report and layout) for this case alone */
    vxa_mutator *m = malloc(sizeof *m);
    if (!m) abort();
    vxa_mut_init(m, (g->seed * 0x2545f4914f6cdd1dull ^ (index + 1) * 0x9e3779b97f4a7c15ull) ^
                 (prof ? 0x6a09e667f3bcc909ull : 0), VXA_MUT_ORACLE_SAFE | VXA_MUT_FIXED_PROFILE);
    vxa_rng *r = &m->rng;
    /* Mostly the first baseline that enters 64-bit mode (its guest exits on its first CPUID,
     * which the oracle cleans up after cheaply); the others (real, protected mode), whose
     * guests fault at the harness's RIP, one case in four. */
    unsigned pick = vxa_rng_below(r, g->baselines->n), main = 0;
    for (unsigned k = 0; k < g->baselines->n; k++)
        if (g->baselines->b[k].c.name && strstr(g->baselines->b[k].c.name, "64")) { main = k; break; }
    if (vxa_rng_below(r, 4)) pick = main;
    /* one case in VXA_GENERATOR_VMXON_EVERY: a VMXON case (not in the profile-mutation mode,
     * whose features are VM-entry controls) */
    bool vmxon = vxa_rng_below(r, VXA_GENERATOR_VMXON_EVERY) == 0 && !prof;
    if (vmxon) pick = main;
    const vxa_baseline *base = &g->baselines->b[pick];
    vxa_profile p = g->backend->profile;
    vxa_case_copy(out, &base->c);
    char name[64];
    snprintf(name, sizeof name, "gen-%llu-%llu", (unsigned long long)g->seed, (unsigned long long)index);
    free(out->name);
    out->name = strdup(name);
    if (vmxon) {                        /* the VMXON path: generator_vmxon.c */
        vxa_generate_vmxon(&p, r, out);
        free(m);
        return;
    }
    m->reads = base->reads;
    vxa_mut_case mc = { &p, &out->vmcs, &out->entry, NULL, put_mem, vxa_case_memory(out), out };
    bool targeted = prof && vxa_op_profile_targeted(m, &mc);
    unsigned nmut = targeted ? 0 : vxa_rng_below(r, 10) < 7 ? 1 : vxa_rng_below(r, 3) ? 2 : 3;
    for (unsigned k = 0; k < nmut; k++)   /* an operator with nothing to do here: another one */
        for (unsigned t = 0; t < 8 && !vxa_mut_apply(m, &mc, vxa_mut_pick_op(m, weights)); t++) {}
    /* A guest entered in the HLT, shutdown or wait-for-SIPI state would wait for an event that
     * never comes (the oracle would time out): a VMX-preemption timer of 0 makes it exit at once
     * (SDM 26.5.1), where the CPU has the timer. */
    uint64_t must, may;
    if (vxa_get(&out->vmcs, VXA_F_GUEST_ACTIVITY_STATE) && vxa_allowed(&p, VXA_WORD_PIN, &must, &may, NULL) &&
        (may >> VXA_PIN_PREEMPTION_TIMER & 1)) {
        vxa_set(&out->vmcs, VXA_F_PIN_BASED_VM_EXEC_CONTROL,
                vxa_get(&out->vmcs, VXA_F_PIN_BASED_VM_EXEC_CONTROL) | 1ull << VXA_PIN_PREEMPTION_TIMER);
        vxa_set(&out->vmcs, VXA_F_VMX_PREEMPTION_TIMER_VALUE, 0);
    }
    /* on an emulator (Bochs), an address at the top of the width reads all ones: the image says so */
    if (g->backend->name && !strcmp(g->backend->name, "bochs")) vxa_mark_unbacked(out, &p);
    keep_observable(&p, out, &m->report);
    if (prof) *prof = p;
    free(m);
}

void vxa_generate(const vxa_generator *g, uint64_t index, vxa_case *out) { generate(g, index, out, NULL); }

void vxa_generate_mutated(const vxa_generator *g, uint64_t index, vxa_case *out, vxa_profile *prof)
{
    generate(g, index, out, prof);
}
