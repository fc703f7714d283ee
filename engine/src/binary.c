/* binary.c — the compact binary case encoding (see vmxaudit/binary.h). */
#include "vmxaudit/binary.h"
#include "internal.h"

typedef struct rd { const uint8_t *p; size_t n, i; bool ok; } rd;

static uint64_t get(rd *r, unsigned bytes)
{
    uint64_t v = 0;
    if (r->i + bytes > r->n) { r->ok = false; r->i = r->n; return 0; }
    for (unsigned k = 0; k < bytes; k++) v |= (uint64_t)r->p[r->i + k] << (8 * k);
    r->i += bytes;
    return v;
}

size_t vxa_bin_decode(const uint8_t *buf, size_t len, vxa_bin_case *c)
{
    rd r = { buf, len, 0, true };
    if (get(&r, 1) != 'V' || get(&r, 1) != 1 || !r.ok) return 0;
    vxa_profile_init(&c->profile);
    vxa_vmcs_init(&c->vmcs);
    vxa_entry_init(&c->entry);
    c->nblobs = 0;
    vxa_entry *e = &c->entry;
    e->instruction = (uint8_t)(get(&r, 1) % 3);
    unsigned fl = (unsigned)get(&r, 1);
    e->launched = fl & 1;
    e->current_vmcs = !(fl & 2);
    e->host_ia32e = !(fl & 4);
    e->mode = e->host_ia32e ? VXA_MODE_64BIT : VXA_MODE_PROTECTED;
    e->movss_blocking = (fl >> 3) & 1;
    e->smm = (fl >> 4) & 1;
    e->vmx_non_root = (fl >> 5) & 1;
    e->vmx_operation = !((fl >> 6) & 1);
    e->current_vmcs_shadow = (fl >> 7) & 1;
    e->cpl = (uint8_t)(get(&r, 1) & 3);
    c->model = (uint8_t)(get(&r, 1) % VXA_MODEL_COUNT);
    unsigned mpa = (unsigned)get(&r, 1);
    if (mpa >= 32 && mpa <= 52) { c->profile.maxphyaddr = (uint8_t)mpa; c->profile.maxphyaddr_default = false; }
    c->profile.linear_address_width = get(&r, 1) == 57 ? 57 : 48;
    c->profile.msr_present = (uint32_t)get(&r, 4) & ((1u << VXA_MSR_COUNT) - 1);
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if ((c->profile.msr_present >> i) & 1u) c->profile.msr[i] = get(&r, 8);
    c->profile.cpuid = (uint32_t)get(&r, 4);
    c->profile.cpuid_known = (uint32_t)get(&r, 4);
    unsigned nf = (unsigned)get(&r, 2);
    for (unsigned k = 0; k < nf && r.ok; k++) {
        uint32_t enc = (uint32_t)get(&r, 2);
        uint64_t v = get(&r, 8);
        vxa_field f = vxa_field_by_encoding(enc);
        if (r.ok && f != VXA_F_NONE) vxa_set(&c->vmcs, f, v);
    }
    unsigned nb = (unsigned)get(&r, 1);
    for (unsigned k = 0; k < nb && r.ok && c->nblobs < VXA_BIN_MAX_BLOBS; k++) {
        vxa_bin_blob *b = &c->blob[c->nblobs];
        b->address = get(&r, 4);
        b->length = (uint32_t)get(&r, 2);
        if (!r.ok || r.i + b->length > r.n) break;
        b->data = r.p + r.i;
        r.i += b->length;
        c->nblobs++;
    }
    if (r.ok && r.i < r.n && r.p[r.i] == 'E') {   /* environment extension */
        r.i++;
        unsigned mode = (unsigned)get(&r, 1), xf = (unsigned)get(&r, 1);
        if (r.ok) e->mode = (uint8_t)(mode % 5);
        e->feature_control = r.ok ? get(&r, 8) : e->feature_control;
        e->cr0 = r.ok ? get(&r, 8) : e->cr0;
        e->cr4 = r.ok ? get(&r, 8) : e->cr4;
        uint64_t va = get(&r, 8), ca = get(&r, 8);
        if (r.ok) {
            e->has_vmxon_address = xf & 1;
            e->vmxon_address = e->has_vmxon_address ? va : 0;
            e->has_current_vmcs_address = (xf >> 1) & 1;
            e->current_vmcs_address = e->has_current_vmcs_address ? ca : 0;
        }
    }
    if (r.ok && r.i < r.n && r.p[r.i] == 'P') {   /* PMU extension */
        r.i++;
        unsigned types = (unsigned)get(&r, 1), known = (unsigned)get(&r, 1);
        vxa_profile *p = &c->profile;
        for (unsigned t = 0; r.ok && t < types && t < VXA_PMU_TYPES; t++) {
            for (unsigned i = 0; i < 4; i++) p->pmu_cpuid_0a[t][i] = (uint32_t)get(&r, 4);
            p->pmu_perf_caps[t] = get(&r, 8);
            if (r.ok) p->pmu_types = (uint8_t)(t + 1);
        }
        p->pmu_perf_caps_known = (uint8_t)(known & ((1u << p->pmu_types) - 1));
    }
    if (r.ok && r.i < r.n && r.p[r.i] == 'C') {   /* capture extension: not captured, assumed */
        r.i++;
        for (unsigned pass = 0; pass < 2 && r.ok; pass++) {
            unsigned n = (unsigned)get(&r, 2);
            for (unsigned k = 0; k < n && r.ok; k++) {
                vxa_field f = vxa_field_by_encoding((uint32_t)get(&r, 2));
                if (!r.ok || f == VXA_F_NONE) continue;
                if (!pass && !vxa_is_set(&c->vmcs, f)) vxa_set_not_captured(&c->vmcs, f);
                else if (pass && vxa_is_set(&c->vmcs, f)) vxa_set_assumed(&c->vmcs, f, vxa_get(&c->vmcs, f));
            }
        }
    }
    return r.i ? r.i : 1;
}

typedef struct wr { uint8_t *p; size_t cap, i; bool ok; } wr;

static void put(wr *w, uint64_t v, unsigned bytes)
{
    if (w->i + bytes > w->cap) { w->ok = false; return; }
    for (unsigned k = 0; k < bytes; k++) w->p[w->i++] = (uint8_t)(v >> (8 * k));
}

size_t vxa_bin_encode(const vxa_bin_case *c, uint8_t *buf, size_t cap)
{
    wr w = { buf, cap, 0, true };
    const vxa_entry *e = &c->entry;
    put(&w, 'V', 1);
    put(&w, 1, 1);
    put(&w, e->instruction, 1);
    put(&w, (unsigned)e->launched | (unsigned)!e->current_vmcs << 1 | (unsigned)!e->host_ia32e << 2 |
                (unsigned)e->movss_blocking << 3 | (unsigned)e->smm << 4 | (unsigned)e->vmx_non_root << 5 |
                (unsigned)!e->vmx_operation << 6 | (unsigned)e->current_vmcs_shadow << 7, 1);
    put(&w, e->cpl, 1);
    put(&w, c->model, 1);
    put(&w, c->profile.maxphyaddr_default ? 0 : c->profile.maxphyaddr, 1);
    put(&w, c->profile.linear_address_width, 1);
    put(&w, c->profile.msr_present, 4);
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if ((c->profile.msr_present >> i) & 1u) put(&w, c->profile.msr[i], 8);
    put(&w, c->profile.cpuid, 4);
    put(&w, c->profile.cpuid_known, 4);
    unsigned nf = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) nf += vxa_is_set(&c->vmcs, (vxa_field)f);
    put(&w, nf, 2);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_is_set(&c->vmcs, (vxa_field)f)) {
            put(&w, vxa_field_get((vxa_field)f)->encoding, 2);
            put(&w, c->vmcs.value[f], 8);
        }
    put(&w, c->nblobs, 1);
    for (unsigned k = 0; k < c->nblobs; k++) {
        put(&w, c->blob[k].address, 4);
        put(&w, c->blob[k].length, 2);
        for (uint32_t i = 0; i < c->blob[k].length; i++) put(&w, c->blob[k].data[i], 1);
    }
    /* The extension only where the environment differs from what the header implies. */
    vxa_entry d;
    vxa_entry_init(&d);
    if (e->mode != (e->host_ia32e ? VXA_MODE_64BIT : VXA_MODE_PROTECTED) ||
        e->feature_control != d.feature_control || e->cr0 != d.cr0 || e->cr4 != d.cr4 ||
        e->has_vmxon_address || e->has_current_vmcs_address) {
        put(&w, 'E', 1);
        put(&w, e->mode, 1);
        put(&w, (unsigned)e->has_vmxon_address | (unsigned)e->has_current_vmcs_address << 1, 1);
        put(&w, e->feature_control, 8);
        put(&w, e->cr0, 8);
        put(&w, e->cr4, 8);
        put(&w, e->has_vmxon_address ? e->vmxon_address : 0, 8);
        put(&w, e->has_current_vmcs_address ? e->current_vmcs_address : 0, 8);
    }
    const vxa_profile *p = &c->profile;
    if (p->pmu_types) {
        unsigned types = p->pmu_types < VXA_PMU_TYPES ? p->pmu_types : VXA_PMU_TYPES;
        put(&w, 'P', 1);
        put(&w, types, 1);
        put(&w, p->pmu_perf_caps_known, 1);
        for (unsigned t = 0; t < types; t++) {
            for (unsigned i = 0; i < 4; i++) put(&w, p->pmu_cpuid_0a[t][i], 4);
            put(&w, p->pmu_perf_caps[t], 8);
        }
    }
    /* The capture extension only where a field is not captured or assumed. */
    unsigned nnc = 0, nas = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        nnc += vxa_is_not_captured(&c->vmcs, (vxa_field)f);
        nas += vxa_is_assumed(&c->vmcs, (vxa_field)f);
    }
    if (nnc || nas) {
        put(&w, 'C', 1);
        for (unsigned pass = 0; pass < 2; pass++) {
            put(&w, pass ? nas : nnc, 2);
            for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
                if (pass ? vxa_is_assumed(&c->vmcs, (vxa_field)f) : vxa_is_not_captured(&c->vmcs, (vxa_field)f))
                    put(&w, vxa_field_get((vxa_field)f)->encoding, 2);
        }
    }
    return w.ok ? w.i : 0;
}

/* Blob by blob (later blobs win where they overlap), as the JSON case's reader: an access that
 * runs past the top of the address space does not wrap around to address 0. */
static int bin_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    const vxa_bin_case *c = ctx;
    uint8_t *out = buf;
    for (uint32_t i = 0; i < len; i++) out[i] = 0;
    uint64_t end = pa + len < pa ? ~0ull : pa + len;
    for (unsigned k = 0; k < c->nblobs; k++) {
        const vxa_bin_blob *b = &c->blob[k];
        uint64_t lo = pa > b->address ? pa : b->address;
        uint64_t bend = b->address + b->length, hi = end < bend ? end : bend;
        for (uint64_t a = lo; a < hi; a++) out[a - pa] = b->data[a - b->address];
    }
    return 0;
}

vxa_memory vxa_bin_memory(const vxa_bin_case *c)
{
    vxa_memory m = { bin_read, (void *)c };
    return m;
}
