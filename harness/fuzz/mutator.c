/* mutator.c — the fuzz targets' mutator of binary cases (see mutator.h).  Decodes the case,
 * applies one to three operators of the mutation library (harness/mutate/mutate.h) chosen by the
 * weights below, encodes it back.  Half of the inputs are first repaired toward validity
 * (NecoFuzz: states one rule away from valid reach the deep checks), the repair cached per input;
 * one call in sixteen is plain byte mutation. */
#include <stdlib.h>
#include <string.h>
#include "vmxaudit/binary.h"
#include "mutate.h"
#include "mutator.h"

/* The fuzzer's weights of the library's operators (any scale).  The repairs (feature) cost up to
 * 8 audits each; repair-then-flip (an audit more) is left to the generator. */
static const uint16_t weights[VXA_OP_COUNT] = {
    [VXA_OP_FLIP] = 4, [VXA_OP_BOUNDARY] = 4, [VXA_OP_CONTROL] = 2, [VXA_OP_FEATURE] = 4,
    [VXA_OP_EVENT] = 4, [VXA_OP_SEGMENT] = 2, [VXA_OP_MSR_LOAD] = 1, [VXA_OP_MEMORY] = 1,
    [VXA_OP_ENTRY] = 2, [VXA_OP_PROFILE] = 4, [VXA_OP_UNSET] = 6, [VXA_OP_CORRELATED] = 2,
};

#define BLOB_MAX 1024
#define REPAIR_CACHE 64

/* A decoded case whose blobs live in its own storage (decoded blobs point into the input, which
 * is rewritten). */
typedef struct owned_case {
    vxa_bin_case c;
    uint8_t store[VXA_BIN_MAX_BLOBS][BLOB_MAX];
} owned_case;

struct fuzz_mutator {
    vxa_mutator m;
    owned_case cs, cand;          /* the case being mutated; the trim's candidate */
    vxa_bin_case cs2;
    /* The repair of a whole input, once: the engines mutate each corpus entry many times, and
     * repairing it again each time (up to 8 audits) was a sixth of the fuzzer's CPU time.  A
     * small direct-mapped cache keyed by a hash of the input's bytes; repair is deterministic,
     * so a hit gives what repairing again would. */
    struct { uint64_t key; vxa_vmcs vmcs; } repair_cache[REPAIR_CACHE];
    /* trimming: the input kept so far (cs), the cursor, the candidate's encoding */
    unsigned trim_steps, trim_done, trim_field, trim_blob, trim_entry;
    uint8_t *trim_buf, *trim_orig;   /* the candidate's encoding; the input as given */
    size_t trim_cap, trim_size;
};

fuzz_mutator *fuzz_mutator_new(void) { return calloc(1, sizeof(fuzz_mutator)); }

void fuzz_mutator_free(fuzz_mutator *st)
{
    if (!st) return;
    free(st->trim_buf);
    free(st->trim_orig);
    free(st);
}

static bool decode(const uint8_t *data, size_t size, owned_case *o)
{
    if (!vxa_bin_decode(data, size, &o->c)) return false;
    for (unsigned k = 0; k < o->c.nblobs; k++) {
        if (o->c.blob[k].length > BLOB_MAX) o->c.blob[k].length = BLOB_MAX;
        memmove(o->store[k], o->c.blob[k].data, o->c.blob[k].length);
        o->c.blob[k].data = o->store[k];
    }
    return true;
}

static void copy_case(owned_case *dst, const owned_case *src)
{
    dst->c = src->c;
    for (unsigned k = 0; k < src->c.nblobs; k++) {
        memcpy(dst->store[k], src->store[k], src->c.blob[k].length);
        dst->c.blob[k].data = dst->store[k];
    }
}

/* guest memory of the case being mutated: the blob at that (32-bit) address, replaced */
static void put_mem(void *ctx, uint64_t addr, const uint8_t *bytes, unsigned len)
{
    fuzz_mutator *st = ctx;
    owned_case *o = &st->cs;
    addr &= 0xffffffffull;   /* the encoding keeps 32-bit blob addresses */
    unsigned k;
    for (k = 0; k < o->c.nblobs; k++)
        if (o->c.blob[k].address == addr) break;
    if (k == o->c.nblobs) {
        if (o->c.nblobs < VXA_BIN_MAX_BLOBS) o->c.nblobs++;
        else k = vxa_rng_below(&st->m.rng, VXA_BIN_MAX_BLOBS);
    }
    if (len > BLOB_MAX) len = BLOB_MAX;
    memcpy(o->store[k], bytes, len);
    o->c.blob[k] = (vxa_bin_blob){ addr, len, o->store[k] };
}

static vxa_mut_case view(fuzz_mutator *st)
{
    vxa_bin_case *c = &st->cs.c;
    vxa_mut_case v = { &c->profile, &c->vmcs, &c->entry, &c->model, put_mem, vxa_bin_memory(c), st };
    return v;
}

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

static void repair_input(fuzz_mutator *st, vxa_mut_case *v, const uint8_t *data, size_t size)
{
    uint64_t key = input_hash(data, size);
    unsigned slot = (unsigned)(key >> 40) % REPAIR_CACHE;
    if (st->repair_cache[slot].key == key) {
        *v->vmcs = st->repair_cache[slot].vmcs;
        return;
    }
    vxa_mut_repair(&st->m, v, 8);
    st->repair_cache[slot].key = key;
    st->repair_cache[slot].vmcs = *v->vmcs;
}

size_t fuzz_mutate(fuzz_mutator *st, uint8_t *data, size_t size, size_t max, unsigned seed, fuzz_bytes_fn bytes,
                   void *bytes_ctx)
{
    vxa_mutator *m = &st->m;
    vxa_mut_init(m, seed, 0);
    if (vxa_rng_below(&m->rng, 16) == 0 || !decode(data, size, &st->cs)) return bytes(bytes_ctx, data, size, max);
    vxa_mut_case v = view(st);
    if (vxa_rng_below(&m->rng, 2)) repair_input(st, &v, data, size);
    unsigned n = vxa_rng_below(&m->rng, 4) ? 1 : 2 + vxa_rng_below(&m->rng, 2);
    for (unsigned i = 0; i < n; i++)   /* an operator with nothing to do here: another one */
        for (unsigned t = 0; t < 4 && !vxa_mut_apply(m, &v, vxa_mut_pick_op(m, weights)); t++) {}
    size_t len = vxa_bin_encode(&st->cs.c, data, max);
    return len ? len : bytes(bytes_ctx, data, size, max);
}

size_t fuzz_crossover(fuzz_mutator *st, const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
                      uint8_t *out, size_t max, unsigned seed)
{
    vxa_mutator *m = &st->m;
    vxa_mut_init(m, seed, 0);
    if (!decode(d1, s1, &st->cs)) return 0;
    /* the second case's blobs are not kept (the first one's own the storage) */
    if (!vxa_bin_decode(d2, s2, &st->cs2)) return 0;
    vxa_bin_case *c = &st->cs.c, *c2 = &st->cs2;
    /* a run of fields (in catalogue order: related fields are neighbours), and maybe the
     * profile or the environment of the second case */
    unsigned a = vxa_rng_below(&m->rng, VXA_FIELD_COUNT), n = 1 + vxa_rng_below(&m->rng, VXA_FIELD_COUNT / 4);
    for (unsigned k = 0; k < n; k++) {
        vxa_field f = (vxa_field)((a + k) % VXA_FIELD_COUNT);
        if (vxa_is_set(&c2->vmcs, f)) vxa_set(&c->vmcs, f, vxa_get(&c2->vmcs, f));
        else vxa_unset(&c->vmcs, f);
    }
    switch (vxa_rng_below(&m->rng, 4)) {
    case 0: c->profile = c2->profile; break;
    case 1: c->entry = c2->entry; c->model = c2->model; break;
    default: break;
    }
    return vxa_bin_encode(c, out, max);
}

/* ---- trimming ---- */

/* The MSR-load entries the case's memory holds: the blob containing the list's address and the
 * entries within it (at most the count). */
static unsigned msr_entries(const vxa_bin_case *c, unsigned *blob, uint32_t *offset)
{
    uint64_t addr = vxa_get(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR), count = vxa_get(&c->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT);
    for (unsigned k = 0; k < c->nblobs; k++) {
        const vxa_bin_blob *b = &c->blob[k];
        if (addr < b->address || addr >= b->address + b->length) continue;
        *blob = k;
        *offset = (uint32_t)(addr - b->address);
        uint64_t n = (b->length - *offset) / 16;
        return (unsigned)(n < count ? n : count);
    }
    return 0;
}

int fuzz_trim_init(fuzz_mutator *st, const uint8_t *data, size_t size)
{
    if (!decode(data, size, &st->cs)) return 0;
    const vxa_bin_case *c = &st->cs.c;
    unsigned nset = 0, blob;
    uint32_t off;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) nset += vxa_is_set(&c->vmcs, (vxa_field)f);
    st->trim_steps = nset + c->nblobs + msr_entries(c, &blob, &off);
    st->trim_done = st->trim_field = st->trim_blob = st->trim_entry = 0;
    if (st->trim_cap < size) {
        uint8_t *nb = realloc(st->trim_buf, size), *no = realloc(st->trim_orig, size);
        if (nb) st->trim_buf = nb;
        if (no) st->trim_orig = no;
        if (!nb || !no) return 0;
        st->trim_cap = size;
    }
    memcpy(st->trim_orig, data, size);
    st->trim_size = size;
    return (int)st->trim_steps;
}

/* The next candidate from the kept case (cs) into cand; false when none is left.  Fields first
 * (dropping one shifts nothing), then MSR-load entries, then whole blocks (each removal shifts
 * the later ones: the cursor stays). */
static bool next_candidate(fuzz_mutator *st)
{
    const vxa_bin_case *c = &st->cs.c;
    for (; st->trim_field < VXA_FIELD_COUNT; st->trim_field++) {
        if (!vxa_is_set(&c->vmcs, (vxa_field)st->trim_field)) continue;
        copy_case(&st->cand, &st->cs);
        vxa_unset(&st->cand.c.vmcs, (vxa_field)st->trim_field);
        return true;
    }
    unsigned blob;
    uint32_t off;
    unsigned n = msr_entries(c, &blob, &off);
    if (st->trim_entry < n) {
        copy_case(&st->cand, &st->cs);
        vxa_bin_case *d = &st->cand.c;
        uint8_t *b = st->cand.store[blob];
        uint32_t at = off + 16 * st->trim_entry;
        memmove(b + at, b + at + 16, d->blob[blob].length - at - 16);
        d->blob[blob].length -= 16;
        vxa_set(&d->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, vxa_get(&d->vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT) - 1);
        return true;
    }
    st->trim_entry = n;   /* past the entries */
    if (st->trim_blob < c->nblobs) {
        copy_case(&st->cand, &st->cs);
        vxa_bin_case *d = &st->cand.c;
        for (unsigned k = st->trim_blob; k + 1 < d->nblobs; k++) {
            memcpy(st->cand.store[k], st->cand.store[k + 1], d->blob[k + 1].length);
            d->blob[k] = d->blob[k + 1];
            d->blob[k].data = st->cand.store[k];
        }
        d->nblobs--;
        return true;
    }
    return false;
}

/* AFL++ takes no candidate longer than the input and none empty: an encoding that would be
 * longer (a truncated input decodes to more than it holds) or none left gives the case kept so
 * far again, or the input itself. */
size_t fuzz_trim_next(fuzz_mutator *st, uint8_t **out)
{
    *out = st->trim_buf;
    size_t n = next_candidate(st) ? vxa_bin_encode(&st->cand.c, st->trim_buf, st->trim_size) : 0;
    if (n) return n;
    copy_case(&st->cand, &st->cs);
    if ((n = vxa_bin_encode(&st->cs.c, st->trim_buf, st->trim_size))) return n;
    memcpy(st->trim_buf, st->trim_orig, st->trim_size);
    return st->trim_size;
}

int fuzz_trim_done(fuzz_mutator *st, int kept)
{
    unsigned blob;
    uint32_t off;
    bool in_fields = st->trim_field < VXA_FIELD_COUNT;
    bool in_entries = !in_fields && st->trim_entry < msr_entries(&st->cs.c, &blob, &off);
    if (kept) copy_case(&st->cs, &st->cand);
    /* a kept removal of an entry or block shifts the next one into the cursor's place */
    if (in_fields) st->trim_field++;
    else if (in_entries) { if (!kept) st->trim_entry++; }
    else if (!kept) st->trim_blob++;
    if (++st->trim_done > st->trim_steps) st->trim_done = st->trim_steps;
    /* finished: report all steps done (AFL++ ends the trim there) */
    if (st->trim_field >= VXA_FIELD_COUNT && st->trim_entry >= msr_entries(&st->cs.c, &blob, &off) &&
        st->trim_blob >= st->cs.c.nblobs)
        return (int)st->trim_steps;
    return (int)st->trim_done;
}
