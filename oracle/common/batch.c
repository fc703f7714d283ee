/* batch.c — oracle cases -> the payload's binary batch (payload_abi.h). */
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "payload_abi.h"

const char *vxa_case_check(const struct vxa_oracle_case *c, int *unsupported)
{
    *unsupported = 1;
    if (c->cpl > 3) return "CPL above 3";
    if (c->smm) return "entry from SMM";
    if (c->host_32bit && (c->instruction == VXA_ORACLE_VMXON || c->launched || c->outside_vmx || c->compat ||
                          c->cpl || c->vmx_non_root))
        return "a host outside IA-32e mode with VMXON, a launched VMCS, outside VMX operation, in "
               "compatibility mode, at CPL > 0 or in VMX non-root operation";
    if (c->cpl && (c->compat || c->movss_blocking))
        return "CPL > 0 in compatibility mode or with MOV-SS blocking";
    if (c->vmx_non_root && c->cpl) return "CPL > 0 in VMX non-root operation";
    if (c->vmx_non_root && (c->compat || c->outside_vmx)) return "VMX non-root operation needs 64-bit mode in VMX operation";
    *unsupported = 0;
    if (c->instruction != VXA_ORACLE_VMLAUNCH && c->instruction != VXA_ORACLE_VMRESUME &&
        c->instruction != VXA_ORACLE_VMXON)
        return "unknown instruction";
    if (c->instruction == VXA_ORACLE_VMXON && c->nfields) return "a VMXON case with VMCS fields";
    if (c->model > VXA_BATCH_MODEL_BOCHS_3_0) return "unknown model for the in-guest audit";
    if (c->nfields > 0xffff || c->nblobs > 0xffff) return "too many fields or blobs";
    if (c->nfields && !c->fields) return "fields missing";
    if (c->nblobs && !c->blobs) return "blobs missing";
    if (c->vmcs_address && ((c->vmcs_address & 0xfff) || !vxa_in_arena(c->vmcs_address, 4096)))
        return "VMCS address not a 4K page inside the case arena";
    for (size_t i = 0; i < c->nblobs; i++) {
        if (c->blobs[i].length > 0xffffffffu) return "memory blob too long";
        if (c->blobs[i].length && !c->blobs[i].data) return "memory blob without data";
        if (!vxa_in_arena(c->blobs[i].address, c->blobs[i].length))
            return "memory outside the case arena [0x1000,0x9f000) + [0x100000,0x1000000)";
    }
    return NULL;
}

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

size_t vxa_batch_case_size(const struct vxa_oracle_case *c)
{
    size_t n = sizeof(struct vxa_batch_case) + c->nfields * sizeof(struct vxa_batch_field);
    if (c->instruction == VXA_ORACLE_VMXON) n += sizeof(struct vxa_batch_vmxon);
    for (size_t i = 0; i < c->nblobs; i++) n += sizeof(struct vxa_batch_blob) + pad8(c->blobs[i].length);
    return n;
}

uint8_t *vxa_batch_encode(const struct vxa_oracle_case *cases, const size_t *idx, size_t n,
                          size_t max, size_t *len, size_t *encoded)
{
    size_t total = sizeof(struct vxa_batch_header), k;
    if (max > VXA_BATCH_MAX) max = VXA_BATCH_MAX;
    for (k = 0; k < n; k++) {
        size_t s = vxa_batch_case_size(&cases[idx[k]]);
        if (s > max - total || s > 0xffffffffu) break;
        total += s;
    }
    *encoded = k;
    *len = 0;
    if (k == 0 && n > 0) return NULL;
    uint8_t *buf = calloc(1, total), *p = buf;
    if (!buf) return NULL;
    struct vxa_batch_header h = { VXA_BATCH_MAGIC, (uint32_t)total, (uint32_t)k, 0 };
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    for (size_t j = 0; j < k; j++) {
        const struct vxa_oracle_case *c = &cases[idx[j]];
        struct vxa_batch_case bc = {
            .size = (uint32_t)vxa_batch_case_size(c), .id = (uint32_t)idx[j],
            .instruction = c->instruction == VXA_ORACLE_VMRESUME ? VXA_INSN_VMRESUME :
                           c->instruction == VXA_ORACLE_VMXON ? VXA_INSN_VMXON : VXA_INSN_VMLAUNCH,
            .flags = (uint8_t)((c->launched ? VXA_CASE_LAUNCHED : 0) |
                               (c->no_fill ? VXA_CASE_NO_FILL : 0) |
                               (c->no_current_vmcs ? VXA_CASE_NO_CURRENT_VMCS : 0) |
                               (c->movss_blocking ? VXA_CASE_MOVSS_BLOCKING : 0) |
                               (c->no_audit ? VXA_CASE_NO_AUDIT : 0) |
                               (c->outside_vmx ? VXA_CASE_OUTSIDE_VMX : 0) |
                               (c->shadow_vmcs ? VXA_CASE_SHADOW_VMCS : 0) |
                               (c->compat ? VXA_CASE_COMPAT : 0)),
            .model = c->model,
            .env = (uint8_t)((c->cpl & VXA_ENV_CPL_MASK) | (c->vmx_non_root ? VXA_ENV_NON_ROOT : 0) |
                             (c->host_32bit ? VXA_ENV_HOST32 : 0)),
            .nfields = (uint16_t)c->nfields, .nblobs = (uint16_t)c->nblobs,
            .vmcs_address = c->vmcs_address,
        };
        memcpy(p, &bc, sizeof bc);
        p += sizeof bc;
        if (c->instruction == VXA_ORACLE_VMXON) {
            struct vxa_batch_vmxon x = { c->vmxon_address, c->cr0, c->cr4, c->feature_control };
            memcpy(p, &x, sizeof x);
            p += sizeof x;
        }
        for (size_t i = 0; i < c->nfields; i++) {
            struct vxa_batch_field f = { c->fields[i].encoding, 0, c->fields[i].value };
            memcpy(p, &f, sizeof f);
            p += sizeof f;
        }
        for (size_t i = 0; i < c->nblobs; i++) {
            struct vxa_batch_blob b = { c->blobs[i].address, (uint32_t)c->blobs[i].length, 0 };
            memcpy(p, &b, sizeof b);
            p += sizeof b;
            if (b.length) memcpy(p, c->blobs[i].data, b.length);
            p += pad8(b.length);
        }
    }
    *len = total;
    return buf;
}
