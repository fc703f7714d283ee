/* baremetal.c — see baremetal.h. */
#include <stdbool.h>
#include "arena.h"
#include "baremetal.h"
#include "vmcs.h"
#include "vmxaudit/vmx_bits.h"
#include "x86.h"

/* MSRs a VM-entry or VM-exit MSR-load list may write here: state that neither the payload nor
 * the firmware uses while the loader runs (SYSENTER, SYSCALL, FS/GS bases, TSC_AUX). */
static const uint32_t allowlist[] = {
    0x174, 0x175, 0x176,                                /* IA32_SYSENTER_CS/ESP/EIP */
    0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,     /* IA32_STAR/LSTAR/CSTAR/FMASK */
    0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,     /* FS/GS/KERNEL_GS base, TSC_AUX */
};
/* Restored after every case besides the allowlist: what VM entry loads into the guest and VM
 * exit into the host (SDM 27.3.2.1, 28.5.1): DEBUGCTL, PAT, PERF_GLOBAL_CTRL, EFER, S_CET,
 * INTERRUPT_SSP_TABLE_ADDR, PKRS, BNDCFGS, RTIT_CTL, LBR_CTL. */
static const uint32_t also_restored[] = {
    0x1d9, 0x277, 0x38f, 0xc0000080, 0x6a2, 0x6a8, 0x6e1, 0xd90, 0x570, 0x14ce,
};
#define NALLOW (sizeof allowlist / sizeof allowlist[0])
#define NSAVED (NALLOW + sizeof also_restored / sizeof also_restored[0])

static struct { uint32_t msr; bool ok; uint64_t value; } saved[NSAVED];
static uint8_t pic_master, pic_slave;

void bm_save(void)
{
    for (unsigned i = 0; i < NSAVED; i++) {
        saved[i].msr = i < NALLOW ? allowlist[i] : also_restored[i - NALLOW];
        saved[i].ok = vxa_rdmsr_safe(saved[i].msr, &saved[i].value) == 0;
    }
}

void bm_save_pic(void)
{
    pic_master = inb(0x21);
    pic_slave = inb(0xa1);
}

void bm_restore_msrs(void)
{
    for (unsigned i = 0; i < NSAVED; i++) {
        uint64_t now;
        if (saved[i].ok && (vxa_rdmsr_safe(saved[i].msr, &now) || now != saved[i].value))
            vxa_wrmsr_safe(saved[i].msr, saved[i].value);
    }
}

void bm_restore(void)
{
    bm_restore_msrs();
    outb(0x21, pic_master);
    outb(0xa1, pic_slave);
}

static uint64_t rd(uint32_t enc)
{
    uint64_t v;
    return vmread(enc, &v) ? 0 : v;
}

static bool allowed(uint32_t msr)
{
    for (unsigned i = 0; i < NALLOW; i++)
        if (allowlist[i] == msr) return true;
    return false;
}

/* An MSR-load list: NULL if harmless here. */
static const char *msr_list(uint32_t addr_enc, uint32_t count_enc, const char *outside,
                            const char *not_allowed)
{
    uint64_t n = rd(count_enc), a = rd(addr_enc);
    if (!n) return 0;
    if (n > 64 || !arena_given(a, n * 16)) return outside;
    for (uint64_t i = 0; i < n; i++)
        if (!allowed(*(volatile uint32_t *)(uintptr_t)(a + 16 * i))) return not_allowed;
    return 0;
}

const char *bm_gate(uint64_t guest_stub, uint64_t harness_cr3)
{
    uint64_t pin = rd(VMCS_PIN_BASED_VM_EXEC_CONTROL), proc = rd(VMCS_CPU_BASED_VM_EXEC_CONTROL);
    uint64_t proc2 = proc >> VXA_PROC_ACTIVATE_SECONDARY & 1 ? rd(VMCS_SECONDARY_VM_EXEC_CONTROL) : 0;
    uint64_t entry = rd(VMCS_VM_ENTRY_CONTROLS);
    bool timer0 = (pin >> VXA_PIN_PREEMPTION_TIMER & 1) && rd(VMCS_VMX_PREEMPTION_TIMER_VALUE) == 0;
    bool stub = (entry >> VXA_ENTRY_IA32E_MODE_GUEST & 1) && !(proc2 >> VXA_PROC2_ENABLE_EPT & 1) &&
                rd(VMCS_GUEST_RIP) == guest_stub && rd(VMCS_GUEST_CR3) == harness_cr3 &&
                (rd(VMCS_GUEST_CR0) >> 31 & 1) && rd(VMCS_GUEST_ACTIVITY_STATE) == 0;
    if (!timer0 && !stub) return "bare-metal-guest-not-bounded";
    if (rd(VMCS_VM_ENTRY_INTR_INFO_FIELD) >> 31 & 1) return "bare-metal-event-injection";
    if ((entry >> VXA_ENTRY_LOAD_RTIT_CTL & 1) && (rd(VMCS_GUEST_IA32_RTIT_CTL) & 1))
        return "bare-metal-rtit-trace";
    uint64_t stores = rd(VMCS_VM_EXIT_MSR_STORE_COUNT);
    if (stores && (stores > 64 || !arena_given(rd(VMCS_VM_EXIT_MSR_STORE_ADDR), stores * 16)))
        return "bare-metal-msr-store-list-outside-given-pages";
    const char *why = msr_list(VMCS_VM_ENTRY_MSR_LOAD_ADDR, VMCS_VM_ENTRY_MSR_LOAD_COUNT,
                               "bare-metal-entry-msr-load-list-outside-given-pages",
                               "bare-metal-entry-msr-load-not-allowlisted");
    if (!why) why = msr_list(VMCS_VM_EXIT_MSR_LOAD_ADDR, VMCS_VM_EXIT_MSR_LOAD_COUNT,
                             "bare-metal-exit-msr-load-list-outside-given-pages",
                             "bare-metal-exit-msr-load-not-allowlisted");
    return why;
}

const char *bm_memory(const struct vxa_batch_case *c)
{
    if (c->vmcs_address && !arena_given(c->vmcs_address, 4096)) return "bare-metal-vmcs-page-not-given";
    const uint8_t *p = (const uint8_t *)(c + 1) + c->nfields * sizeof(struct vxa_batch_field);
    for (unsigned i = 0; i < c->nblobs; i++) {
        const struct vxa_batch_blob *b = (const void *)p;
        if (!arena_given(b->address, b->length)) return "bare-metal-memory-not-given";
        p += sizeof *b + ((b->length + 7ull) & ~7ull);
    }
    return 0;
}
