/* mutator.c — the structure-aware mutator of binary cases (see mutator.h).
 * Decodes the case, applies one to three semantic mutations, encodes it back.  What it knows
 * (fuzzing survey §2/§4; SDM Vol. 3C ch. 25 and 27):
 *   - repair toward validity first (NecoFuzz: states one rule away from valid are the ones that
 *     reach deep checks), then perturb;
 *   - control words: clear a must-be-1 bit, set a must-be-0 bit, or turn on an allowed-1
 *     feature and repair the layout around it (EPT, APIC virtualization, ...);
 *   - boundary values by field kind: physical addresses at MAXPHYADDR-1 / MAXPHYADDR, linear
 *     addresses at the canonical edges of the profile's width (48/57), alignment edges;
 *   - segment access rights from the valid classes (code, data, system, unusable) plus one flip;
 *   - activity state x interruptibility x event injection (type, vector, error code, length);
 *   - guest memory the rules read: MSR-load list entries, virtual-APIC TPR, the VMCS-link
 *     revision, PAE PDPTEs, the VMXON region;
 *   - profile mutations that stay self-consistent (allowed-0 within allowed-1, TRUE within the
 *     plain MSR, CR FIXED0 within FIXED1), MAXPHYADDR, linear width, CPUID features;
 *   - the entry environment (instruction, launch state, mode, VMXON preconditions);
 *   - plain byte mutation as fallback. */
#include <string.h>
#include "vmxaudit/binary.h"
#include "vmxaudit/vmx_bits.h"
#include "mutator.h"

static uint64_t rng;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static unsigned below(unsigned n) { return n ? (unsigned)(rnd() % n) : 0; }
#define PICK(a) (a)[below((unsigned)(sizeof(a) / sizeof((a)[0])))]

static vxa_bin_case cs, cs2;
static vxa_vmcs repaired;
static vxa_report rep;
/* blob storage: decoded blobs point into the input, which is rewritten */
static uint8_t blob_store[VXA_BIN_MAX_BLOBS][1024];

static bool decode(const uint8_t *data, size_t size, vxa_bin_case *c)
{
    if (!vxa_bin_decode(data, size, c)) return false;
    for (unsigned k = 0; k < c->nblobs; k++) {
        if (c->blob[k].length > sizeof blob_store[k]) c->blob[k].length = sizeof blob_store[k];
        memmove(blob_store[k], c->blob[k].data, c->blob[k].length);
        c->blob[k].data = blob_store[k];
    }
    return true;
}

/* ---- fields by what their value is (fields.def VALUE column) ---- */
static vxa_value_kind value_of(vxa_field f) { return (vxa_value_kind)vxa_field_get(f)->value; }

static vxa_field random_field_of(const vxa_vmcs *v, int want_kind)
{
    unsigned start = below(VXA_FIELD_COUNT);
    for (unsigned k = 0; k < VXA_FIELD_COUNT; k++) {
        unsigned f = (start + k) % VXA_FIELD_COUNT;
        if ((want_kind < 0 || value_of((vxa_field)f) == (vxa_value_kind)want_kind) && (vxa_is_set(v, (vxa_field)f) || want_kind >= 0))
            return (vxa_field)f;
    }
    return (vxa_field)start;
}

static unsigned width_bits(vxa_field f)
{
    uint8_t w = vxa_field_get(f)->width;
    return w == VXA_W16 ? 16 : w == VXA_W32 ? 32 : 64;
}

/* ---- repair ---- */
static void repair(vxa_bin_case *c)
{
    vxa_memory m = vxa_bin_memory(c);
    vxa_input in = { &c->profile, &c->vmcs, &c->entry, &m, c->model };
    vxa_repair_result res;
    vxa_repair(&in, 8, &repaired, &rep, &res);
    c->vmcs = repaired;
}

/* The repair of a whole input, once: the engines mutate each corpus entry many times, and
 * repairing it again each time (up to 8 audits) was a sixth of the fuzzer's CPU time.  A small
 * direct-mapped cache keyed by a hash of the input's bytes; repair is deterministic, so a hit
 * gives what repairing again would (a 64-bit hash collision only gives another repaired layout). */
#define REPAIR_CACHE 64
static struct { uint64_t key; vxa_vmcs vmcs; } repair_cache[REPAIR_CACHE];

static uint64_t input_hash(const uint8_t *data, size_t size)
{
    uint64_t h = 14695981039346656037ull ^ size, w;   /* FNV-1a over 64-bit words */
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        memcpy(&w, data + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    for (; i < size; i++) h = (h ^ data[i]) * 1099511628211ull;
    return h | 1;   /* 0 marks an empty slot */
}

static void repair_input(vxa_bin_case *c, const uint8_t *data, size_t size)
{
    uint64_t key = input_hash(data, size);
    unsigned slot = (unsigned)(key >> 40) % REPAIR_CACHE;
    if (repair_cache[slot].key == key) {
        c->vmcs = repair_cache[slot].vmcs;
        return;
    }
    repair(c);
    repair_cache[slot].key = key;
    repair_cache[slot].vmcs = c->vmcs;
}

/* ---- boundary values ---- */
static uint64_t phys_boundary(const vxa_bin_case *c, uint64_t v)
{
    unsigned w = c->profile.maxphyaddr;
    if (vxa_profile_has(&c->profile, VXA_MSR_BASIC) && below(4) == 0) w = 32;   /* BASIC[48] */
    uint64_t page = v & ~0xfffull;
    const uint64_t vals[] = { 1ull << (w - 1), 1ull << w, (1ull << w) - 0x1000, page | (1ull << w),
                              page | (1ull << (w - 1)), page | 0x800, page | 1, page | 0x10, page | 0x8,
                              page | 0xfff, 0, ~0ull, page + 0x1000, (1ull << 32) - 0x1000, 1ull << 32 };
    return PICK(vals);
}

static uint64_t linear_boundary(const vxa_bin_case *c, uint64_t v)
{
    unsigned w = c->profile.linear_address_width == 57 ? 57 : 48;
    if (below(4) == 0) w = w == 57 ? 48 : 57;      /* the other width's edges */
    uint64_t top = (1ull << (w - 1)) - 1, low = ~top;   /* last low / first high canonical */
    const uint64_t vals[] = { top, top + 1, low, low - 1, v | (1ull << (w - 1)), v ^ (1ull << 63),
                              v | 1, v | 3, v | 7, v & ~0xfffull, 0xffffffffull, 1ull << 32, 0, ~0ull };
    return PICK(vals);
}

static uint64_t generic_boundary(uint64_t v, unsigned bits)
{
    const uint64_t vals[] = { 0, ~0ull, 1, v + 1, v - 1, v ^ (1ull << below(bits)), 0xffffull,
                              0xffffffffull, 0x80000000ull, 0x7fffffffull, 1ull << below(bits), v << 1, v >> 1 };
    return PICK(vals);
}

static void mut_boundary(vxa_bin_case *c)
{
    vxa_field f = below(2) ? random_field_of(&c->vmcs, -1) : (vxa_field)below(VXA_FIELD_COUNT);
    uint64_t v = vxa_get(&c->vmcs, f), nv;
    switch (value_of(f)) {
    case VXA_VALUE_PHYS_ADDR: nv = phys_boundary(c, v); break;
    case VXA_VALUE_LINEAR_ADDR: nv = linear_boundary(c, v); break;
    case VXA_VALUE_LIMIT: { const uint64_t l[] = { 0, 0xfff, 0x1000, 0xffff, 0xfffff, 0x100000, 0xffffffff, 0xfffff000, 0x000fffff | (v & 0xfff00000) }; nv = PICK(l); break; }
    default: nv = generic_boundary(v, width_bits(f));
    }
    vxa_set(&c->vmcs, f, nv);
}

static void mut_flip(vxa_bin_case *c)
{
    vxa_field f = random_field_of(&c->vmcs, -1);
    vxa_set(&c->vmcs, f, vxa_get(&c->vmcs, f) ^ (1ull << below(width_bits(f))));
}

/* ---- control words ---- */
/* The words the allowed-settings rules cover (27.2.1.1-27.2.1.3): PIN..ENTRY in controls.def. */
#define NCTL (VXA_WORD_ENTRY - VXA_WORD_PIN + 1)
static vxa_field word_field(vxa_word w) { return (vxa_field)vxa_word_get(w)->field; }

static unsigned pick_bit(uint64_t pool, unsigned bits)
{
    unsigned b = below(bits);
    if (!pool) return b;
    while (!((pool >> b) & 1u)) b = (b + 1) % 64;
    return b;
}

/* how: 0 clear a must-be-1 bit, 1 set a must-be-0 bit, 2 set an allowed-1 bit (feature on),
 * 3 clear a set bit (feature off) */
static void mut_control(vxa_bin_case *c, unsigned how)
{
    vxa_word w = (vxa_word)(VXA_WORD_PIN + below(NCTL));
    vxa_field f = word_field(w);
    unsigned bits = width_bits(f);
    uint64_t m1 = 0, a1 = ~0ull, v = vxa_get(&c->vmcs, f);
    vxa_allowed(&c->profile, w, &m1, &a1, NULL);
    uint64_t width = bits == 64 ? ~0ull : 0xffffffffull, pool;
    switch (how) {
    case 0: pool = m1 & v; break;
    case 1: pool = ~a1 & ~v & width; break;
    case 2: pool = a1 & ~v & width; break;
    default: pool = v & ~m1; break;
    }
    unsigned b = pick_bit(pool, bits);
    vxa_set(&c->vmcs, f, v ^ (1ull << b));
    /* turning on "activate secondary/tertiary controls" or "activate secondary exit controls"
     * makes the word matter: give it an allowed value */
    if (how == 2 && w == VXA_WORD_PROC && (b == VXA_PROC_ACTIVATE_SECONDARY || b == VXA_PROC_ACTIVATE_TERTIARY)) {
        vxa_word on = b == VXA_PROC_ACTIVATE_SECONDARY ? VXA_WORD_PROC2 : VXA_WORD_PROC3;
        vxa_allowed(&c->profile, on, &m1, &a1, NULL);
        vxa_set(&c->vmcs, word_field(on), m1 | (rnd() & a1));
    }
}

/* ---- segment access rights (SDM 25.4.1 Table 25-2; 27.3.1.2) ---- */
static uint64_t ar_value(unsigned seg)   /* 0 ES 1 CS 2 SS 3 DS 4 FS 5 GS 6 LDTR 7 TR */
{
    static const uint8_t code[] = { 9, 11, 13, 15, 8, 10 }, data[] = { 1, 3, 5, 7, 0, 2 };
    static const uint8_t sys_tr[] = { 11, 3, 9, 1 }, sys_ldt[] = { 2 };
    unsigned type, s = 1;
    if (seg == 7) { type = PICK(sys_tr); s = 0; }
    else if (seg == 6) { type = below(4) ? PICK(sys_ldt) : below(16); s = 0; }
    else type = seg == 1 || below(4) == 0 ? PICK(code) : PICK(data);
    uint64_t v = type | s << 4 | (uint64_t)below(4) << 5 | 1u << 7;    /* type, S, DPL, P */
    if (below(2)) v |= 1u << 15;                                       /* G */
    if (below(2)) v |= 1u << 14;                                       /* D/B */
    if (seg == 1 && below(2)) v = (v & ~(1ull << 14)) | 1u << 13;      /* L (64-bit code) */
    switch (below(8)) {
    case 0: v |= 1u << 16; break;                                      /* unusable */
    case 1: v ^= 1u << below(17); break;                               /* one bit off */
    case 2: v |= 1u << (8 + below(4)); break;                          /* reserved 11:8 */
    case 3: v |= 1u << (17 + below(15)); break;                        /* reserved 31:17 */
    case 4: v = 0x10000; break;                                        /* unusable, nothing else */
    default: break;
    }
    return v;
}

static const vxa_field ar_fields[] = { VXA_F_GUEST_ES_AR_BYTES, VXA_F_GUEST_CS_AR_BYTES,
    VXA_F_GUEST_SS_AR_BYTES, VXA_F_GUEST_DS_AR_BYTES, VXA_F_GUEST_FS_AR_BYTES, VXA_F_GUEST_GS_AR_BYTES,
    VXA_F_GUEST_LDTR_AR_BYTES, VXA_F_GUEST_TR_AR_BYTES };
static const vxa_field sel_fields[] = { VXA_F_GUEST_ES_SELECTOR, VXA_F_GUEST_CS_SELECTOR,
    VXA_F_GUEST_SS_SELECTOR, VXA_F_GUEST_DS_SELECTOR, VXA_F_GUEST_FS_SELECTOR, VXA_F_GUEST_GS_SELECTOR,
    VXA_F_GUEST_LDTR_SELECTOR, VXA_F_GUEST_TR_SELECTOR };

static void mut_segment(vxa_bin_case *c)
{
    unsigned s = below(8);
    switch (below(4)) {
    case 0: vxa_set(&c->vmcs, sel_fields[s], vxa_get(&c->vmcs, sel_fields[s]) ^ (1u << below(3))); break; /* RPL, TI */
    case 1: {   /* CS.DPL vs SS.DPL vs RPL: make them (dis)agree */
        uint64_t d = below(4);
        vxa_set(&c->vmcs, VXA_F_GUEST_SS_AR_BYTES, (vxa_get(&c->vmcs, VXA_F_GUEST_SS_AR_BYTES) & ~0x60ull) | d << 5);
        vxa_set(&c->vmcs, VXA_F_GUEST_SS_SELECTOR, (vxa_get(&c->vmcs, VXA_F_GUEST_SS_SELECTOR) & ~3ull) | below(4));
        break;
    }
    default: vxa_set(&c->vmcs, ar_fields[s], ar_value(s));
    }
}

/* ---- activity, interruptibility, event injection (SDM 25.4.2, 25.8.3, 27.2.1.3, 27.3.1.5) ---- */
static void mut_events(vxa_bin_case *c)
{
    switch (below(4)) {
    case 0: vxa_set(&c->vmcs, VXA_F_GUEST_ACTIVITY_STATE, below(6)); break;   /* 0-3 valid */
    case 1: {   /* STI, MOV SS, SMI, NMI blocking, enclave interruption; reserved bits */
        uint64_t v = rnd() & 0x1f;
        if (below(8) == 0) v |= 1ull << (5 + below(27));
        vxa_set(&c->vmcs, VXA_F_GUEST_INTERRUPTIBILITY_INFO, v);
        break;
    }
    case 2: {   /* VM-entry interruption information: vector, type, error code, valid, reserved */
        static const uint8_t vectors[] = { 0, 1, 2, 3, 6, 8, 10, 11, 12, 13, 14, 17, 18, 20, 21, 31, 32, 255 };
        uint64_t type = below(8), v = PICK(vectors) | type << 8 | (uint64_t)below(2) << 11 | 1ull << 31;
        if (below(8) == 0) v |= 1ull << (12 + below(19));                /* reserved 30:12 */
        if (below(8) == 0) v &= ~(1ull << 31);
        vxa_set(&c->vmcs, VXA_F_VM_ENTRY_INTR_INFO_FIELD, v);
        if (below(2)) vxa_set(&c->vmcs, VXA_F_VM_ENTRY_EXCEPTION_ERROR_CODE, below(2) ? rnd() & 0xffff : rnd());
        if (below(2)) { const uint64_t len[] = { 0, 1, 15, 16, 17 }; vxa_set(&c->vmcs, VXA_F_VM_ENTRY_INSTRUCTION_LEN, PICK(len)); }
        if (below(8) == 0) {
            /* FRED (27.2.1.3): the nested-exception bit where IA32_VMX_BASIC[58] allows it, and
             * SYSCALL/SYSENTER as other events (type 7, vector 1/2) with a length over 15 for an
             * IA-32e guest with CR4.FRED on a CPU with FRED.  Each needs several settings at
             * once; apart, none changes a check outcome, so the fuzzer would not keep them. */
            vxa_profile *p = &c->profile;
            p->msr_present |= 1u << VXA_MSR_BASIC;
            p->msr[VXA_MSR_BASIC] |= VXA_BASIC_NESTED_EXCEPTION;
            p->cpuid_known |= VXA_CPUID_FRED;
            p->cpuid |= VXA_CPUID_FRED;
            if (below(2)) {
                v |= VXA_INTR_INFO_FRED_NESTED;
            } else {
                v = (v & ~0x7ffull) | 7ull << 8 | (1 + below(2));
                vxa_set(&c->vmcs, VXA_F_VM_ENTRY_INSTRUCTION_LEN, 16 + below(2));
                vxa_set(&c->vmcs, VXA_F_GUEST_CR4, vxa_get(&c->vmcs, VXA_F_GUEST_CR4) | VXA_CR4_FRED);
                vxa_set(&c->vmcs, VXA_F_VM_ENTRY_CONTROLS, vxa_get(&c->vmcs, VXA_F_VM_ENTRY_CONTROLS) | 1ull << VXA_ENTRY_IA32E_MODE_GUEST);
            }
            vxa_set(&c->vmcs, VXA_F_VM_ENTRY_INTR_INFO_FIELD, v);
        }
        break;
    }
    default:    /* pending debug exceptions / RFLAGS.TF / IF against the blocking state */
        if (below(2)) vxa_set(&c->vmcs, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, below(2) ? 1ull << 14 : rnd() & 0x1f00f);
        else vxa_set(&c->vmcs, VXA_F_GUEST_RFLAGS, vxa_get(&c->vmcs, VXA_F_GUEST_RFLAGS) ^ (below(2) ? 1ull << 8 : 1ull << 9));
    }
}

/* ---- guest memory the rules read ---- */
static void put_mem(vxa_bin_case *c, uint64_t addr, const uint8_t *bytes, unsigned len)
{
    addr &= 0xffffffffull;   /* the encoding keeps 32-bit blob addresses */
    unsigned k;
    for (k = 0; k < c->nblobs; k++)
        if (c->blob[k].address == addr) break;
    if (k == c->nblobs) {
        if (c->nblobs < VXA_BIN_MAX_BLOBS) c->nblobs++;
        else k = below(VXA_BIN_MAX_BLOBS);
    }
    if (len > sizeof blob_store[k]) len = sizeof blob_store[k];
    memcpy(blob_store[k], bytes, len);
    c->blob[k] = (vxa_bin_blob){ addr, len, blob_store[k] };
}

static void le(uint8_t *b, uint64_t v, unsigned n) { for (unsigned i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8 * i)); }

static uint32_t msr_index(void)
{
    static const uint32_t idx[] = { 0x10, 0x79, 0x8b, 0x9b, 0x174, 0x175, 0x176, 0x277, 0x802, 0x808, 0x8ff,
                                    0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000100, 0xc0000101,
                                    0xc0000102, 0x1d9, 0x3f1 };
    return below(8) ? PICK(idx) : (uint32_t)rnd();
}

static void mut_memory(vxa_bin_case *c)
{
    uint8_t b[64];
    memset(b, 0, sizeof b);
    switch (below(5)) {
    case 0: {   /* VM-entry MSR-load list (27.4): 1-4 entries of 16 bytes */
        unsigned n = 1 + below(4);
        uint64_t addr = 0x10000 + 0x10 * below(16);
        for (unsigned i = 0; i < n; i++) {
            le(b + 16 * i, msr_index(), 4);
            le(b + 16 * i + 4, below(8) ? 0 : rnd(), 4);
            static const uint64_t vals[] = { 0, 1, 0x500, 0xd01, 0x100, 0x0007040600070406ull,
                                             0x0007040600070402ull, 0x00007fffffffffffull, 0xffff800000000000ull,
                                             0x0000800000000000ull, 0x4, 0x1001 };
            le(b + 16 * i + 8, below(4) ? PICK(vals) : rnd(), 8);
        }
        put_mem(c, addr, b, 16 * n);
        vxa_set(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, addr);
        /* rarely beyond the recommended maximum (A.6): long lists are slow to audit */
        vxa_set(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, below(32) ? n : below(2) ? 513 + below(8) * 512 : rnd());
        break;
    }
    case 1: {   /* virtual-APIC page: VTPR at offset 0x80 against the TPR threshold */
        uint64_t a = vxa_get(&c->vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR) & 0xfffff000ull;
        if (!a) { a = 0x20000; vxa_set(&c->vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR, a); }
        b[0] = (uint8_t)rnd();
        put_mem(c, a + 0x80, b, 1);
        if (below(2)) vxa_set(&c->vmcs, VXA_F_TPR_THRESHOLD, below(2) ? below(16) : rnd());
        break;
    }
    case 2: {   /* VMCS link pointer: the shadow VMCS's revision and shadow bit */
        uint64_t a = 0x30000;
        vxa_set(&c->vmcs, VXA_F_VMCS_LINK_POINTER, a);
        uint32_t rev = (uint32_t)c->profile.msr[VXA_MSR_BASIC] & 0x7fffffffu;
        le(b, below(2) ? rev | (uint32_t)below(2) << 31 : (uint32_t)rnd(), 4);
        put_mem(c, a, b, 4);
        break;
    }
    case 3: {   /* PAE PDPTEs at CR3 (27.3.1.6): present bit, reserved bits */
        uint64_t cr3 = vxa_get(&c->vmcs, VXA_F_GUEST_CR3) & 0xffffffe0ull;
        if (!cr3) { cr3 = 0x40000; vxa_set(&c->vmcs, VXA_F_GUEST_CR3, cr3); }
        for (unsigned i = 0; i < 4; i++) le(b + 8 * i, below(2) ? 0x1000ull * (i + 1) | 1 : (rnd() & ~0ull) | (uint64_t)below(2), 8);
        put_mem(c, cr3, b, 32);
        break;
    }
    default: {  /* VMXON region: revision identifier */
        vxa_entry *e = &c->entry;
        if (!e->has_vmxon_address || below(4) == 0) {
            e->has_vmxon_address = true;
            e->vmxon_address = below(4) ? 0x50000 : phys_boundary(c, 0x50000);
        }
        uint32_t rev = (uint32_t)c->profile.msr[VXA_MSR_BASIC] & 0x7fffffffu;
        le(b, below(2) ? rev : rev ^ (1u << below(32)), 4);
        put_mem(c, e->vmxon_address, b, 4);
    }
    }
}

/* ---- the profile, kept self-consistent (SDM Appendix A) ---- */
static const unsigned ctl_msrs[] = { VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS, VXA_MSR_EXIT_CTLS,
                                     VXA_MSR_ENTRY_CTLS, VXA_MSR_PROCBASED_CTLS2 };

static void set_allowed(vxa_profile *p, unsigned i, unsigned bit, bool allowed1, bool allowed0)
{
    uint64_t lo = 1ull << bit, hi = 1ull << (bit + 32);
    /* allowed-0 bit clear in the low half = may be 0; set = must be 1 (A.3) */
    p->msr[i] = (p->msr[i] & ~(lo | hi)) | (allowed1 ? hi : 0) | (!allowed0 && allowed1 ? lo : 0);
}

static void mut_profile(vxa_bin_case *c)
{
    vxa_profile *p = &c->profile;
    switch (below(9)) {
    case 0: case 1: {   /* a control bit: must be 1 / may be either / must be 0, in plain and TRUE MSR */
        unsigned k = below(5), i = ctl_msrs[k], bit = below(32), how = below(3);
        bool a1 = how != 2, a0 = how != 0;
        set_allowed(p, i, bit, a1, a0);
        unsigned t = VXA_MSR_TRUE_PINBASED_CTLS + k;            /* pin, proc, exit, entry */
        if (k < 4 && vxa_profile_has(p, t)) set_allowed(p, t, bit, a1, a0 || below(2));  /* may relax default1 */
        break;
    }
    case 2: {   /* 64-bit allowed-1 words: tertiary and secondary exit controls, VMFUNC */
        static const unsigned w64[] = { VXA_MSR_PROCBASED_CTLS3, VXA_MSR_EXIT_CTLS2, VXA_MSR_VMFUNC };
        unsigned i = PICK(w64);
        p->msr_present |= 1u << i;
        p->msr[i] ^= 1ull << below(64);
        break;
    }
    case 3: {   /* CR0/CR4 FIXED0 within FIXED1 */
        unsigned cr4 = below(2), f0 = cr4 ? VXA_MSR_CR4_FIXED0 : VXA_MSR_CR0_FIXED0, f1 = f0 + 1;
        uint64_t bit = 1ull << below(cr4 ? 33 : 32);
        switch (below(3)) {
        case 0: p->msr[f0] |= bit; p->msr[f1] |= bit; break;     /* fixed to 1 */
        case 1: p->msr[f0] &= ~bit; p->msr[f1] |= bit; break;    /* flexible */
        default: p->msr[f0] &= ~bit; p->msr[f1] &= ~bit;         /* fixed to 0 */
        }
        break;
    }
    case 4: {   /* IA32_VMX_BASIC: TRUE controls, 32-bit addresses, error-code check, memory type */
        static const unsigned bits[] = { 55, 48, 56, 54, 49, 58, 50, 51, 52, 53 };
        p->msr[VXA_MSR_BASIC] ^= 1ull << PICK(bits);
        break;
    }
    case 5: {   /* IA32_VMX_MISC: activity states, CR3 targets, MSR-list size, LMA store, RO write */
        static const unsigned bits[] = { 5, 6, 7, 8, 14, 15, 16, 17, 18, 25, 26, 27, 28, 29, 30 };
        p->msr[VXA_MSR_MISC] ^= 1ull << PICK(bits);
        break;
    }
    case 6:     /* EPT/VPID capabilities */
        p->msr[VXA_MSR_EPT_VPID_CAP] ^= 1ull << below(64);
        break;
    case 7: {   /* MAXPHYADDR, linear-address width */
        static const uint8_t w[] = { 32, 36, 39, 40, 42, 45, 46, 48, 52 };
        if (below(3)) { p->maxphyaddr = PICK(w); p->maxphyaddr_default = false; }
        else p->linear_address_width = p->linear_address_width == 57 ? 48 : 57;
        break;
    }
    default: {  /* CPUID features: stated present / absent / unknown; rarely drop an MSR */
        uint32_t bit = 1u << below(VXA_CPUID_COUNT);
        switch (below(4)) {
        case 0: p->cpuid_known &= ~bit; p->cpuid &= ~bit; break;
        case 1: if (below(4) == 0) p->msr_present ^= 1u << below(VXA_MSR_COUNT); break;
        default: p->cpuid_known |= bit; p->cpuid ^= bit;
        }
    }
    }
}

/* ---- the entry environment ---- */
static void mut_entry(vxa_bin_case *c)
{
    vxa_entry *e = &c->entry;
    switch (below(10)) {
    case 0: e->instruction = (uint8_t)below(3); if (e->instruction == VXA_VMXON) e->vmx_operation = below(4) == 0; break;
    case 1: e->launched = !e->launched; break;
    case 2: e->host_ia32e = !e->host_ia32e; e->mode = e->host_ia32e ? VXA_MODE_64BIT : VXA_MODE_PROTECTED; break;
    case 3: e->mode = (uint8_t)below(5); break;
    case 4: e->smm = !e->smm; break;
    case 5: c->model = (uint8_t)below(VXA_MODEL_COUNT); break;
    case 6:     /* instruction preconditions, rarely: they end the audit early */
        switch (below(6)) {
        case 0: e->cpl = (uint8_t)below(4); break;
        case 1: e->movss_blocking = !e->movss_blocking; break;
        case 2: e->current_vmcs = !e->current_vmcs; break;
        case 5: e->current_vmcs_shadow = !e->current_vmcs_shadow; break;
        case 3: e->vmx_non_root = !e->vmx_non_root; break;
        default: e->vmx_operation = !e->vmx_operation;
        }
        break;
    case 7: {   /* VMXON: CR0/CR4 one bit off the profile's fixed bits */
        const vxa_profile *p = &c->profile;
        e->cr0 = (p->msr[VXA_MSR_CR0_FIXED0] | (0x80050033ull & p->msr[VXA_MSR_CR0_FIXED1]));
        e->cr4 = (p->msr[VXA_MSR_CR4_FIXED0] | (0x2020ull & p->msr[VXA_MSR_CR4_FIXED1]));
        if (below(2)) e->cr0 ^= 1ull << below(32); else e->cr4 ^= 1ull << below(33);
        break;
    }
    case 8: e->feature_control ^= 1ull << (below(2) ? below(3) : below(64)); break;
    default:    /* the current-VMCS address against the link pointer */
        e->has_current_vmcs_address = !e->has_current_vmcs_address;
        e->current_vmcs_address = below(2) ? vxa_get(&c->vmcs, VXA_F_VMCS_LINK_POINTER) : 0x3000;
    }
}

static void mut_unset_field(vxa_bin_case *c)
{
    vxa_field f = (vxa_field)below(VXA_FIELD_COUNT);
    if (vxa_is_set(&c->vmcs, f) && below(2)) vxa_unset(&c->vmcs, f);
    else vxa_set(&c->vmcs, f, below(2) ? below(16) : rnd());
}

static void mutate_one(vxa_bin_case *c)
{
    switch (below(16)) {
    case 0: case 1: mut_flip(c); break;
    case 2: case 3: mut_boundary(c); break;
    case 4: mut_control(c, below(2)); break;
    case 5: case 6: mut_control(c, 2 + below(2)); repair(c); break;   /* feature on/off, repaired */
    case 7: mut_segment(c); break;
    case 8: case 9: mut_events(c); break;
    case 10: mut_memory(c); break;
    case 11: case 12: mut_profile(c); break;
    case 13: mut_entry(c); break;
    default: mut_unset_field(c);
    }
}

size_t fuzz_mutate(uint8_t *data, size_t size, size_t max, unsigned seed, fuzz_bytes_fn bytes)
{
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    if (below(16) == 0 || !decode(data, size, &cs)) return bytes(data, size, max);
    /* one rule away from valid: repair, then one mutation */
    if (below(2)) repair_input(&cs, data, size);
    unsigned n = below(4) ? 1 : 2 + below(2);
    for (unsigned i = 0; i < n; i++) mutate_one(&cs);
    size_t len = vxa_bin_encode(&cs, data, max);
    return len ? len : bytes(data, size, max);
}

size_t fuzz_crossover(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2, uint8_t *out,
                      size_t max, unsigned seed)
{
    rng = seed * 0x9e3779b97f4a7c15ull + 7;
    if (!decode(d1, s1, &cs)) return 0;
    /* the second case's blobs are not kept (the first one's own the storage) */
    if (!vxa_bin_decode(d2, s2, &cs2)) return 0;
    /* splice a run of fields (in catalogue order: related fields are neighbours), and maybe the
     * profile or the environment of the second case */
    unsigned a = below(VXA_FIELD_COUNT), n = 1 + below(VXA_FIELD_COUNT / 4);
    for (unsigned k = 0; k < n; k++) {
        vxa_field f = (vxa_field)((a + k) % VXA_FIELD_COUNT);
        if (vxa_is_set(&cs2.vmcs, f)) vxa_set(&cs.vmcs, f, vxa_get(&cs2.vmcs, f));
        else vxa_unset(&cs.vmcs, f);
    }
    switch (below(4)) {
    case 0: cs.profile = cs2.profile; break;
    case 1: cs.entry = cs2.entry; cs.model = cs2.model; break;
    default: break;
    }
    return vxa_bin_encode(&cs, out, max);
}
