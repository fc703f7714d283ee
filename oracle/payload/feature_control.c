/* feature_control.c — feature_control.h.  IA32_FEATURE_CONTROL (MSR 3AH) is writable until its
 * lock bit is set, then WRMSR faults until reset (SDM 24.7).  Bochs 2.7 and 3.0 reset it to 0
 * and their BIOS leaves it so; the payload locks it with VMX outside SMX when it enables VMX
 * (probe.c).  A VMXON case that assumes the lock bit or the VMX-outside-SMX bit clear therefore
 * runs first, before that lock, with the case's bits written: the host gives each such case a
 * Bochs of its own (oracle/bochs/bochs.c), since a case that locks the MSR without VMX leaves the
 * payload no VMX operation for any later case. */
#include "feature_control.h"
#include "cpu.h"
#include "x86.h"

const struct vxa_batch_case *fc_early_case(const struct vxa_batch_header *h, uint32_t index)
{
    if (h->magic != VXA_BATCH_MAGIC || h->size > VXA_BATCH_MAX || index >= h->count) return 0;
    const uint8_t *p = (const uint8_t *)(h + 1), *end = (const uint8_t *)h + h->size;
    for (uint32_t i = 0; i < index; i++) {
        const struct vxa_batch_case *c = (const void *)p;
        if (p + sizeof *c > end || c->size < sizeof *c) return 0;
        p += c->size;
    }
    const struct vxa_batch_case *c = (const void *)p;
    if (p + sizeof *c + sizeof(struct vxa_batch_vmxon) > end || c->instruction != VXA_INSN_VMXON ||
        c->size < sizeof *c + sizeof(struct vxa_batch_vmxon))
        return 0;
    const struct vxa_batch_vmxon *x = (const void *)(c + 1);
    uint64_t fc;
    if ((x->feature_control & 5) == 5 || vxa_rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc) || (fc & 1))
        return 0;
    if (vxa_wrmsr_safe(MSR_IA32_FEATURE_CONTROL, x->feature_control & 5)) return 0;
    return c;
}
