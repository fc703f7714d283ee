/* mutator.c — the structure-aware mutator shared by the libFuzzer targets
 * (LLVMFuzzerCustomMutator): decodes the binary case, mutates it semantically, encodes it back.
 * Strategies (fuzzing-survey: repair-then-flip-one-bit was NecoFuzz's most valuable component):
 *   repair the layout toward validity, then flip one bit of one field (one rule away from valid);
 *   boundary values (canonical edges, MAXPHYADDR, alignment, all-ones);
 *   control words: clear a must-be-1 bit or set a not-allowed bit;
 *   profile: flip a capability bit, drop or restore an MSR;
 *   entry environment; and plain byte mutation as fallback. */
#include <string.h>
#include "fuzz_common.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static vxa_field random_set_field(const vxa_vmcs *v)
{
    unsigned start = (unsigned)(rnd() % VXA_FIELD_COUNT);
    for (unsigned k = 0; k < VXA_FIELD_COUNT; k++) {
        unsigned f = (start + k) % VXA_FIELD_COUNT;
        if (vxa_is_set(v, (vxa_field)f)) return (vxa_field)f;
    }
    return (vxa_field)start;
}

static uint64_t boundary(const vxa_bin_case *c)
{
    unsigned w = c->profile.maxphyaddr;
    const uint64_t vals[] = { 0, ~0ull, 1, 0xfff, 0x1000, 1ull << w, (1ull << w) - 0x1000,
                              0x00007fffffffffffull, 0xffff800000000000ull, 0x0000800000000000ull,
                              0x00ffffffffffffffull, 0xffffffffull, 0x80000000ull, 0xffffull,
                              1ull << (rnd() % 64) };
    return vals[rnd() % (sizeof vals / sizeof vals[0])];
}

static const vxa_field control_fields[] = {
    VXA_F_PIN_BASED_VM_EXEC_CONTROL, VXA_F_CPU_BASED_VM_EXEC_CONTROL, VXA_F_SECONDARY_VM_EXEC_CONTROL,
    VXA_F_TERTIARY_VM_EXEC_CONTROL, VXA_F_VM_EXIT_CONTROLS, VXA_F_SECONDARY_VM_EXIT_CONTROLS,
    VXA_F_VM_ENTRY_CONTROLS };
static const vxa_word control_words[] = { VXA_WORD_PIN, VXA_WORD_PROC, VXA_WORD_PROC2, VXA_WORD_PROC3,
                                          VXA_WORD_EXIT, VXA_WORD_EXIT2, VXA_WORD_ENTRY };

static void mutate_control(vxa_bin_case *c)
{
    unsigned k = (unsigned)(rnd() % 7);
    uint64_t m1, a1, v = vxa_get(&c->vmcs, control_fields[k]);
    unsigned bit = (unsigned)(rnd() % (k == 3 || k == 5 ? 64 : 32));
    if (vxa_allowed(&c->profile, control_words[k], &m1, &a1, NULL)) {
        uint64_t must = m1 & v, cannot = ~a1 & ~v;   /* candidates: clear a must-1, set a must-0 */
        uint64_t pool = rnd() & 1 ? must : cannot;
        if (k != 3 && k != 5) pool &= 0xffffffffull;
        if (pool) { while (!((pool >> bit) & 1)) bit = (bit + 1) % 64; }
        else if (rnd() & 1) { uint64_t ok = a1 & ~v; if (ok) while (!((ok >> bit) & 1)) bit = (bit + 1) % 64; }
    }
    vxa_set(&c->vmcs, control_fields[k], v ^ (1ull << bit));
}

static vxa_report mr;
static vxa_vmcs repaired;

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    static vxa_bin_case c;
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    unsigned strategy = (unsigned)(rnd() % 8);
    if (strategy == 7 || !vxa_bin_decode(data, size, &c)) return LLVMFuzzerMutate(data, size, max_size);
    /* blobs point into data: copy them before re-encoding into the same buffer */
    static uint8_t blobs[VXA_BIN_MAX_BLOBS][4096];
    for (unsigned k = 0; k < c.nblobs; k++) {
        if (c.blob[k].length > sizeof blobs[k]) c.blob[k].length = sizeof blobs[k];
        memcpy(blobs[k], c.blob[k].data, c.blob[k].length);
        c.blob[k].data = blobs[k];
    }
    switch (strategy) {
    case 0: case 1: {   /* repair, then flip one bit */
        vxa_memory m = vxa_bin_memory(&c);
        vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, c.model };
        vxa_repair_result res;
        vxa_repair(&in, 8, &repaired, &mr, &res);
        c.vmcs = repaired;
        vxa_field f = random_set_field(&c.vmcs);
        unsigned width = vxa_field_get(f)->width == VXA_W16 ? 16 : vxa_field_get(f)->width == VXA_W32 ? 32 : 64;
        vxa_set(&c.vmcs, f, vxa_get(&c.vmcs, f) ^ (1ull << (rnd() % width)));
        break;
    }
    case 2: {
        vxa_field f = rnd() & 1 ? random_set_field(&c.vmcs) : (vxa_field)(rnd() % VXA_FIELD_COUNT);
        vxa_set(&c.vmcs, f, boundary(&c));
        break;
    }
    case 3: mutate_control(&c); break;
    case 4: {   /* profile: flip one capability bit, or drop/restore an MSR */
        unsigned i = (unsigned)(rnd() % VXA_MSR_COUNT);
        if (rnd() % 4 == 0) c.profile.msr_present ^= 1u << i;
        else c.profile.msr[i] ^= 1ull << (rnd() % 64);
        break;
    }
    case 5: {   /* entry environment */
        switch (rnd() % 5) {
        case 0: c.entry.instruction = (uint8_t)(rnd() % 3); break;
        case 1: c.entry.launched = !c.entry.launched; break;
        case 2: c.entry.host_ia32e = !c.entry.host_ia32e; break;
        case 3: c.entry.smm = !c.entry.smm; break;
        default: c.model = (uint8_t)(rnd() % VXA_MODEL_COUNT);
        }
        break;
    }
    default: {  /* a field the layout never set, to a small value */
        vxa_field f = (vxa_field)(rnd() % VXA_FIELD_COUNT);
        vxa_set(&c.vmcs, f, rnd() % 16);
    }
    }
    size_t n = vxa_bin_encode(&c, data, max_size);
    return n ? n : LLVMFuzzerMutate(data, size, max_size);
}
