/* bridge.c — see bridge.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bridge.h"
#include "generator.h"
#include "payload_abi.h"
#include "vmxaudit/vmx_bits.h"

static const vxa_field harness[] = {
    VXA_F_HOST_CR0, VXA_F_HOST_CR3, VXA_F_HOST_CR4, VXA_F_HOST_RSP, VXA_F_HOST_RIP,
    VXA_F_HOST_CS_SELECTOR, VXA_F_HOST_SS_SELECTOR, VXA_F_HOST_TR_SELECTOR, VXA_F_HOST_TR_BASE,
    VXA_F_HOST_GDTR_BASE, VXA_F_HOST_IDTR_BASE, VXA_F_HOST_IA32_PAT, VXA_F_HOST_IA32_EFER,
    VXA_F_EXCEPTION_BITMAP, VXA_F_GUEST_RIP, VXA_F_GUEST_CR3,
};

static bool named(const vxa_report *r, vxa_field f)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++)
        for (unsigned k = 0; k < r->violations[i].nfields; k++)
            if (r->violations[i].field[k] == f) return true;
    return false;
}

static bool pae_guest_without_ept(const vxa_vmcs *v)
{
    uint64_t cr0 = vxa_get(v, VXA_F_GUEST_CR0), cr4 = vxa_get(v, VXA_F_GUEST_CR4);
    uint64_t proc = vxa_get(v, VXA_F_CPU_BASED_VM_EXEC_CONTROL);
    bool ept = (proc >> VXA_PROC_ACTIVATE_SECONDARY & 1) &&
               (vxa_get(v, VXA_F_SECONDARY_VM_EXEC_CONTROL) >> VXA_PROC2_ENABLE_EPT & 1);
    bool ia32e = vxa_get(v, VXA_F_VM_ENTRY_CONTROLS) >> VXA_ENTRY_IA32E_MODE_GUEST & 1;
    return (cr0 & VXA_CR0_PG) && (cr4 & VXA_CR4_PAE) && !ia32e && !ept;
}

static int prepare(const vxa_case *c, const vxa_profile *p, uint8_t model, bool as_sent,
                   vxa_prepared *out);

/* The VMXON preconditions the payload cannot set up (oracle/payload/runner.c run_vmxon): it runs
 * in 64-bit mode (CR0.PE, CR0.PG, CR4.PAE stay 1, SDM Vol. 3A 10.8.5); IA32_FEATURE_CONTROL
 * without its lock or VMX-outside-SMX bit it sets before it locks the MSR, where the machine left
 * it unlocked (feature_control.c: Bochs; the payload reports "unsupported" elsewhere); an operand
 * that VMXON would use (4-KByte aligned, within the physical-address width: SDM Vol. 2 "VMXON")
 * must be a page of the case arena.  CR0/CR4 bits the CPU refuses are found there ("cr-write"). */
static const char *unsupported_vmxon(const vxa_entry *e, const vxa_profile *p)
{
    if ((e->cr0 & (VXA_CR0_PE | VXA_CR0_PG)) != (VXA_CR0_PE | VXA_CR0_PG) || !(e->cr4 & VXA_CR4_PAE))
        return "CR0.PE, CR0.PG or CR4.PAE clear (the payload runs in 64-bit mode)";
    unsigned width = p->msr[VXA_MSR_BASIC] >> 48 & 1 ? 32 : p->maxphyaddr;
    uint64_t a = e->vmxon_address;
    if (!e->has_vmxon_address) return "no VMXON pointer";
    if (!(a & 0xfff) && (width >= 64 || !(a >> width)) && !vxa_in_arena(a, 4096))
        return "a VMXON region outside the case arena";
    return NULL;
}

/* What the payload cannot produce, or NULL.  It runs in 64-bit mode in VMX root operation; it
 * can leave VMX operation (VMXOFF), make a shadow VMCS current, execute the instruction in
 * compatibility mode (its flat 32-bit code segment), at CPL 1..3 in 64-bit mode (ring.S: its
 * CR4 without SMEP/SMAP, no MOV-SS blocking), and in VMX non-root operation (nonroot.c: its own
 * 64-bit guest at CPL 0 with CR4.VMXE set, which VM entry requires: SDM 26.3.1.1).  Outside
 * IA-32e mode it runs VMLAUNCH/VMRESUME from protected mode with paging (host32.S) at CPL 0 in
 * VMX root operation, with a VMCS whose launch state is clear: its priming entry needs a 64-bit
 * host. */
static const char *unsupported_entry(const vxa_entry *e, const vxa_profile *p)
{
    if (!e->host_ia32e) {
        if (e->mode != VXA_MODE_PROTECTED)
            return "a host outside IA-32e mode other than protected mode (real-address, virtual-8086)";
        if (e->instruction == VXA_VMXON || e->launched || !e->vmx_operation || e->cpl || e->vmx_non_root)
            return "a host outside IA-32e mode with VMXON, a launched VMCS, outside VMX operation, at CPL > 0 or in VMX non-root operation";
    } else if (e->mode != VXA_MODE_64BIT && e->mode != VXA_MODE_COMPAT)
        return "IA-32e mode with a mode other than 64-bit or compatibility";
    if (e->smm) return "SMM";
    if (e->cpl && (e->mode != VXA_MODE_64BIT || e->movss_blocking || e->vmx_non_root))
        return "CPL > 0 in compatibility mode, with MOV-SS blocking or in VMX non-root operation";
    if (e->cpl && e->instruction == VXA_VMXON && (e->cr4 & (3ull << 20)))
        return "CPL > 0 with CR4.SMEP or CR4.SMAP (the payload's CPL-3 pages are its own code)";
    if (e->vmx_non_root) {
        if (!e->vmx_operation || e->mode != VXA_MODE_64BIT || e->movss_blocking)
            return "VMX non-root operation outside 64-bit mode or with MOV-SS blocking";
        if (e->instruction == VXA_VMXON && !(e->cr4 & VXA_CR4_VMXE))
            return "VMX non-root operation with CR4.VMXE = 0 (VM entry requires it)";
        return NULL;                    /* the payload's own guest: the case's VMCS is not used */
    }
    return e->instruction == VXA_VMXON ? unsupported_vmxon(e, p) : NULL;
}

int vxa_prepare(const vxa_case *c, const vxa_profile *p, uint8_t model, vxa_prepared *out)
{
    return prepare(c, p, model, false, out);
}

int vxa_prepare_case(const vxa_case *c, const vxa_profile *p, uint8_t model, vxa_prepared *out)
{
    vxa_case moved = *c;                          /* shallow: only the layout changes */
    vxa_keep_in_arena(&moved, p);
    int rc = prepare(&moved, p, model, false, out);
    out->c = c;                                   /* its memory: the same blobs */
    return rc;
}

int vxa_prepare_sent(const vxa_case *c, const vxa_profile *p, uint8_t model, vxa_prepared *out)
{
    return prepare(c, p, model, true, out);
}

static int prepare(const vxa_case *c, const vxa_profile *p, uint8_t model, bool as_sent,
                   vxa_prepared *out)
{
    static vxa_report r, sdm;
    memset(out, 0, sizeof *out);
    const vxa_entry *e = &c->entry;
    out->unsupported = unsupported_entry(e, p);
    vxa_memory mem = vxa_case_memory(c);
    vxa_input in = { p, &c->vmcs, &c->entry, &mem, model };
    vxa_audit(&in, &r);
    /* The guest's RIP and CR3 are also the case's own where the SDM's rules name them and the
     * campaign's model does not (a quirk such as Bochs's NO_GUEST_RIP_WIDTH_CHECK): otherwise
     * the oracle never sees the value the quirk is about.  Only the guest's: a bad host field
     * the oracle does not check would take the payload's way back from the VM exit. */
    in.model = VXA_MODEL_SDM;
    if (model != VXA_MODEL_SDM) vxa_audit(&in, &sdm);
    out->sent = c->vmcs;
    bool vmxon = e->instruction == VXA_VMXON;
    for (size_t i = 0; !vmxon && !as_sent && i < sizeof harness / sizeof harness[0]; i++) {
        vxa_field f = harness[i];
        if (named(&r, f)) continue;
        if (model != VXA_MODEL_SDM && (f == VXA_F_GUEST_RIP || f == VXA_F_GUEST_CR3) && named(&sdm, f)) continue;
        if (f == VXA_F_GUEST_CR3 && pae_guest_without_ept(&c->vmcs)) continue;
        vxa_unset(&out->sent, f);
    }
    out->fields = calloc(VXA_FIELD_COUNT, sizeof *out->fields);
    out->blobs = calloc(c->nmemory ? c->nmemory : 1, sizeof *out->blobs);
    size_t n = 0;
    for (unsigned f = 0; !vmxon && f < VXA_FIELD_COUNT; f++)   /* VMXON writes no VMCS */
        if (vxa_is_set(&out->sent, (vxa_field)f)) {
            out->fields[n].encoding = vxa_field_get((vxa_field)f)->encoding;
            out->fields[n].value = out->sent.value[f];
            n++;
        }
    for (size_t i = 0; i < c->nmemory; i++) {
        out->blobs[i].address = c->memory[i].address;
        out->blobs[i].data = c->memory[i].data;
        out->blobs[i].length = c->memory[i].length;
    }
    struct vxa_oracle_case *oc = &out->oc;
    oc->instruction = e->instruction == VXA_VMRESUME ? VXA_ORACLE_VMRESUME :
                      vmxon ? VXA_ORACLE_VMXON : VXA_ORACLE_VMLAUNCH;
    oc->outside_vmx = !e->vmx_operation;
    oc->shadow_vmcs = e->current_vmcs && e->current_vmcs_shadow;
    oc->compat = e->mode == VXA_MODE_COMPAT;
    oc->no_fill = vmxon;
    oc->vmxon_address = e->vmxon_address;
    oc->cr0 = e->cr0;
    oc->cr4 = e->cr4;
    oc->feature_control = e->feature_control;
    oc->launched = e->launched;
    oc->no_current_vmcs = !e->current_vmcs;
    oc->movss_blocking = e->movss_blocking;
    oc->host_32bit = !e->host_ia32e;
    oc->smm = e->smm;
    oc->cpl = e->cpl;
    oc->vmx_non_root = e->vmx_non_root;
    oc->vmcs_address = e->has_current_vmcs_address ? e->current_vmcs_address : 0;
    oc->model = model;                /* the payload's in-guest audit predicts for it too */
    out->c = c;
    out->vmcs_revision = (uint32_t)p->msr[VXA_MSR_BASIC] & 0x7fffffffu;
    oc->fields = out->fields;
    oc->nfields = n;
    oc->blobs = out->blobs;
    oc->nblobs = c->nmemory;
    return 0;
}

void vxa_prepared_free(vxa_prepared *pp)
{
    free(pp->fields);
    free(pp->blobs);
    memset(pp, 0, sizeof *pp);
}

void vxa_executed_layout(const vxa_prepared *pp, const struct vxa_oracle_result *r, vxa_vmcs *out)
{
    *out = pp->sent;
    /* An entry whose VM exit aborted (Bochs: unbacked.h) reported no harness fields: the case's
     * own values stand for them (prepare() left a field to the payload only where no violation
     * named it, so its outcome is the one with the payload's valid values) */
    for (size_t i = 0; r->kind == VXA_ORACLE_EXIT_ABORTED && i < sizeof harness / sizeof harness[0]; i++)
        if (!vxa_is_set(out, harness[i]) && vxa_is_set(&pp->c->vmcs, harness[i]))
            vxa_set(out, harness[i], vxa_get(&pp->c->vmcs, harness[i]));
    for (size_t i = 0; i < r->nreplaced; i++) {
        vxa_field f = vxa_field_by_encoding(r->replaced[i].encoding);
        if (f != VXA_F_NONE) vxa_set(out, f, r->replaced[i].value);
    }
    for (size_t i = 0; i < r->nvmwrite_errors; i++) {
        vxa_field f = vxa_field_by_encoding(r->vmwrite_errors[i].encoding);
        if (f != VXA_F_NONE) vxa_unset(out, f);
    }
}

static int executed_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    const vxa_prepared *pp = ctx;
    vxa_memory m = vxa_case_memory(pp->c);
    int rc = m.read(m.ctx, pa, buf, len);
    uint64_t page = pp->oc.vmcs_address;
    uint8_t *out = buf;
    for (uint64_t a = pa; rc == 0 && page && a < pa + len; a++)
        if (a >= page && a < page + 4096)
            out[a - pa] = a < page + 4 ? (uint8_t)(pp->vmcs_revision >> 8 * (a - page)) : 0;
    return rc;
}

vxa_memory vxa_executed_memory(const vxa_prepared *pp)
{
    vxa_memory m = { executed_read, (void *)pp };
    return m;
}

bool vxa_observed_outcome(const struct vxa_oracle_result *r, vxa_outcome *o)
{
    memset(o, 0, sizeof *o);
    switch (r->kind) {
    case VXA_ORACLE_VMFAIL_INVALID: o->result = VXA_VMFAIL_INVALID; return true;
    case VXA_ORACLE_VMFAIL_VALID:
        o->result = VXA_VMFAIL_VALID;
        o->nerror = 1;
        o->error[0] = (uint8_t)r->error;
        return true;
    case VXA_ORACLE_ENTRY_FAILURE:
    case VXA_ORACLE_NONROOT_EXIT:       /* the engine's model: the instruction's VM exit is the
                                           entry-failure class with its basic reason (SDM 26.1.2) */
        o->result = VXA_ENTRY_FAILURE;
        o->exit_reason = (uint8_t)(r->exit_reason & 0xffff);
        o->nqual = 1;
        o->qual[0] = (uint32_t)r->qualification;
        return true;
    case VXA_ORACLE_EXITED:
    case VXA_ORACLE_EXIT_ABORTED:     /* the entry succeeded; its exit aborted (Bochs: unbacked.h) */
    case VXA_ORACLE_VMSUCCEED: o->result = VXA_ENTERED; return true;   /* VMXON: "entered" */
    case VXA_ORACLE_FAULT:
        o->result = VXA_FAULT;
        o->vector = (uint8_t)r->fault_vector;
        return true;
    default: return false;
    }
}
