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

/* ---- the profile-mutation mode (engine-only: no oracle CPU has the features it adds) ---- */

/* Controls a feature needs that repair does not turn on (it turns the feature off instead):
 * SDM 27.2.1.1 (virtual NMIs -> NMI exiting; NMI-window exiting -> virtual NMIs; virtualize x2APIC
 * mode, APIC-register virtualization, virtual-interrupt delivery, IPI virtualization -> use TPR
 * shadow; virtual-interrupt delivery -> external-interrupt exiting; process posted interrupts ->
 * virtual-interrupt delivery, acknowledge interrupt on exit; Intel PT uses guest physical
 * addresses -> enable EPT, load/clear IA32_RTIT_CTL), 27.2.1.2 (save VMX-preemption timer value
 * -> activate VMX-preemption timer). */
static const struct { uint8_t w, bit, need_w, need_bit; } prereq[] = {
    { VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS, VXA_WORD_PIN, VXA_PIN_NMI_EXITING },
    { VXA_WORD_PROC, VXA_PROC_NMI_WINDOW_EXITING, VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS },
    { VXA_WORD_PIN, VXA_PIN_POSTED_INTR, VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY },
    { VXA_WORD_PIN, VXA_PIN_POSTED_INTR, VXA_WORD_EXIT, VXA_EXIT_ACK_INTR_ON_EXIT },
    { VXA_WORD_PROC2, VXA_PROC2_VIRTUALIZE_X2APIC, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_APIC_REGISTER_VIRT, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_VIRTUAL_INTR_DELIVERY, VXA_WORD_PIN, VXA_PIN_EXT_INTR_EXITING },
    { VXA_WORD_PROC3, VXA_PROC3_IPI_VIRT, VXA_WORD_PROC, VXA_PROC_USE_TPR_SHADOW },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_WORD_ENTRY, VXA_ENTRY_LOAD_RTIT_CTL },
    { VXA_WORD_PROC2, VXA_PROC2_PT_USES_GPA, VXA_WORD_EXIT, VXA_EXIT_CLEAR_RTIT_CTL },
    { VXA_WORD_EXIT, VXA_EXIT_SAVE_PREEMPTION_TIMER, VXA_WORD_PIN, VXA_PIN_PREEMPTION_TIMER },
};

/* Control bit w.bit on, and the controls that make its word exist (A.3.3, A.3.4, A.4.2, A.11). */
static void control_on(vxa_mut_case *mc, vxa_word w, unsigned bit)
{
    do {
        vxa_field f = (vxa_field)vxa_word_get(w)->field;
        vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) | 1ull << bit);
    } while (vxa_mut_activation(w, &w, &bit));
}

/* One or two features the CPU lacks made allowed as a CPU with them reports them (ops_profile.c).
 * The focus, mostly the first of them (else any named control the profile now allows), is turned
 * on with the controls it needs and its CR4 bit and the layout repaired around it (as the fuzzer's "feature"
 * operator does).  Then, half the time, one move makes a state one of the focus's rules away from
 * valid and nothing else changes: a field it brings (its fields.def gate) at a boundary value or
 * one bit off, or one control it needs (the table above, or one repair turned on) cleared; else
 * the usual operators follow, the fields the rules now read preferred.  Either way the profile
 * stays as it now is.  Returns true in the first case. */
static bool mutate_profile(vxa_mutator *m, vxa_mut_case *mc)
{
    vxa_word w = VXA_WORD_NONE;
    unsigned bit = 0, n = 1 + (vxa_rng_below(&m->rng, 4) == 0);
    for (unsigned k = 0; k < n; k++) {
        vxa_word wk;
        unsigned bk;
        if (!vxa_op_profile_feature(m, mc, &wk, &bk)) return false;
        if (!k) w = wk, bit = bk;
    }
    if (!vxa_rng_below(&m->rng, 3)) {   /* any named control the profile allows */
        const vxa_control_info *ci = vxa_control_get(vxa_rng_below(&m->rng, VXA_CONTROL_COUNT));
        uint64_t must, may;
        if (ci->display && vxa_allowed(mc->profile, (vxa_word)ci->word, &must, &may, NULL) && (may >> ci->bit & 1))
            w = (vxa_word)ci->word, bit = ci->bit;
    }
    control_on(mc, w, bit);
    /* the feature's state on too: its CR4 bit in the guest's CR4 (an entry control) or the host's */
    int cr4 = vxa_feature_cr4_bit(w, bit);
    if (cr4 >= 0 && (w == VXA_WORD_ENTRY || w == VXA_WORD_EXIT || w == VXA_WORD_EXIT2)) {
        vxa_field f = w == VXA_WORD_ENTRY ? VXA_F_GUEST_CR4 : VXA_F_HOST_CR4;
        vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) | 1ull << cr4);
    }
    /* the controls it needs, and those they need (the table's closure) */
    uint8_t need[8][2] = { { (uint8_t)w, (uint8_t)bit } };
    unsigned nneed = 1;
    for (unsigned j = 0; j < nneed; j++)
        for (size_t i = 0; i < sizeof prereq / sizeof prereq[0] && nneed < 8; i++) {
            uint64_t must, may;
            if (prereq[i].w != need[j][0] || prereq[i].bit != need[j][1] ||
                !vxa_allowed(mc->profile, (vxa_word)prereq[i].need_w, &must, &may, NULL) || !(may >> prereq[i].need_bit & 1))
                continue;
            control_on(mc, (vxa_word)prereq[i].need_w, prereq[i].need_bit);
            need[nneed][0] = prereq[i].need_w;
            need[nneed++][1] = prereq[i].need_bit;
        }
    /* the control words before repair: the bits it turns on are controls the focus needs */
    static const vxa_word words[] = { VXA_WORD_PIN, VXA_WORD_PROC, VXA_WORD_PROC2, VXA_WORD_PROC3,
                                      VXA_WORD_EXIT, VXA_WORD_EXIT2, VXA_WORD_ENTRY };
    enum { NW = sizeof words / sizeof words[0] };
    uint64_t before[NW];
    for (unsigned i = 0; i < NW; i++) before[i] = vxa_get(mc->vmcs, (vxa_field)vxa_word_get(words[i])->field);
    vxa_mut_repair(m, mc, 8);
    for (unsigned i = 0; i < sizeof m->scratch_reads; i++) m->scratch_reads[i] = 0;
    vxa_input in = { mc->profile, mc->vmcs, mc->entry, &mc->memory, m->model, m->scratch_reads };
    vxa_audit(&in, &m->report);
    m->reads = m->scratch_reads;
    /* the moves one rule away: (field, bit) with bit < 0 for "a boundary value or one bit off" */
    struct { vxa_field f; int bit; } move[32];   /* bit -2..-4: FRED's moves (below) */
    unsigned nm = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT && nm < 16; f++) {
        const vxa_field_info *fi = vxa_field_get((vxa_field)f);
        if ((fi->gate_word[0] == w && fi->gate_bit[0] == bit) || (fi->gate_word[1] == w && fi->gate_bit[1] == bit))
            move[nm].f = (vxa_field)f, move[nm++].bit = -1;
    }
    for (unsigned i = 0; i < NW && nm < 32; i++) {
        vxa_field f = (vxa_field)vxa_word_get(words[i])->field;
        uint64_t now = vxa_get(mc->vmcs, f), on = now & ~before[i];
        for (unsigned j = 1; j < nneed; j++)
            if (need[j][0] == words[i]) on |= now & 1ull << need[j][1];
        for (int b = 0; b < 64 && nm < 32; b++)
            if (on >> b & 1) move[nm].f = f, move[nm++].bit = b;
    }
    /* FRED's state in the guest (CR4.FRED): an event with the nested-exception bit and another
     * type (27.2.1.3), the guest at CPL 1, 2 or 3 with SS.DPL, CS.DPL and their RPLs agreeing
     * (27.3.1.2: SS.DPL 0 or 3), at CPL 3 with blocking by STI (27.3.1.5) */
    if (cr4 == 32 && w == VXA_WORD_ENTRY)
        for (int kind = -2; kind >= -4 && nm < 32; kind--) move[nm].f = VXA_F_GUEST_CR4, move[nm++].bit = kind;
    if (!nm || vxa_rng_below(&m->rng, 2)) return false;
    unsigned k = vxa_rng_below(&m->rng, nm);
    vxa_field f = move[k].f;
    if (move[k].bit == -2) {
        static const uint64_t other[] = { (uint64_t)VXA_INTR_TYPE_EXT_INTR << VXA_INTR_INFO_TYPE_SHIFT | 32,
                                          (uint64_t)VXA_INTR_TYPE_NMI << VXA_INTR_INFO_TYPE_SHIFT | 2 };
        vxa_set(mc->vmcs, VXA_F_VM_ENTRY_INTR_INFO_FIELD,
                VXA_INTR_INFO_VALID | VXA_INTR_INFO_FRED_NESTED | VXA_RNG_PICK(&m->rng, other));
    } else if (move[k].bit <= -3) {
        unsigned cpl = move[k].bit == -4 ? 3 : 1 + vxa_rng_below(&m->rng, 3);
        static const vxa_field ar[] = { VXA_F_GUEST_CS_AR_BYTES, VXA_F_GUEST_SS_AR_BYTES },
                               sel[] = { VXA_F_GUEST_CS_SELECTOR, VXA_F_GUEST_SS_SELECTOR };
        for (unsigned i = 0; i < 2; i++) {
            vxa_set(mc->vmcs, ar[i], (vxa_get(mc->vmcs, ar[i]) & ~VXA_SEG_AR_DPL) | (uint64_t)cpl << 5);
            vxa_set(mc->vmcs, sel[i], (vxa_get(mc->vmcs, sel[i]) & ~3ull) | cpl);
        }
        if (move[k].bit == -4) {
            vxa_set(mc->vmcs, VXA_F_GUEST_RFLAGS, vxa_get(mc->vmcs, VXA_F_GUEST_RFLAGS) | VXA_RFLAGS_IF);
            vxa_set(mc->vmcs, VXA_F_GUEST_INTERRUPTIBILITY_INFO, vxa_get(mc->vmcs, VXA_F_GUEST_INTERRUPTIBILITY_INFO) | 1);
        }
    } else if (move[k].bit >= 0) vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) & ~(1ull << move[k].bit));
    else if (vxa_rng_below(&m->rng, 2)) vxa_set(mc->vmcs, f, vxa_boundary_value(m, mc, f));
    else vxa_set(mc->vmcs, f, vxa_get(mc->vmcs, f) ^ 1ull << vxa_pick_bit(m, mc, f));
    return true;
}

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
    bool targeted = prof && mutate_profile(m, &mc);
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
