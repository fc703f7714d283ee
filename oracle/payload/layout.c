/* layout.c — harness fields and the primer layout (SDM 27.2-27.3 rules for a valid entry).
 *
 * Harness fields (written only where a case does not set the field):
 *   HOST_CR0/CR3/CR4, HOST_RSP, HOST_RIP (vxa_vmexit_landing), HOST_CS/SS/TR_SELECTOR,
 *   HOST_TR_BASE, HOST_GDTR_BASE, HOST_IDTR_BASE: where the VM exit returns (SDM 28.5);
 *   HOST_IA32_PAT, HOST_IA32_EFER (where the CPU has them): the payload's own values, so a case
 *     that sets "load IA32_EFER/PAT" on exit does not fail on a zero host value it never chose;
 *   EXCEPTION_BITMAP = all ones: any guest exception exits (SDM 26.2);
 *   GUEST_RIP = vxa_guest_stub (CPUID: exits unconditionally), GUEST_CR3 = the payload's page
 *     tables that map it.
 */
#include "layout.h"
#include "cpu.h"
#include "vmcs.h"
#include "vmxaudit/vmx_bits.h"

struct layout layout_fill, layout_primer;

extern char vxa_vmexit_landing[], vxa_guest_stub[];
static uint8_t exit_stack[4096] __attribute__((aligned(16)));
static uint8_t guest_stack[4096] __attribute__((aligned(16)));

static void add(struct layout *l, uint32_t enc, uint64_t val)
{
    if (l->n < LAYOUT_MAX) l->f[l->n++] = (struct field_val){ enc, val };
}

void layout_init(const struct probe *p)
{
    struct layout *f = &layout_fill;
    uint32_t exit1 = probe_ctl_allowed1(p, 0x483);
    f->n = 0;
    add(f, VMCS_HOST_CR0, vxa_host_cr0);
    add(f, VMCS_HOST_CR3, vxa_host_cr3);
    add(f, VMCS_HOST_CR4, vxa_host_cr4);
    add(f, VMCS_HOST_RSP, (uint64_t)(exit_stack + sizeof exit_stack));
    add(f, VMCS_HOST_RIP, (uint64_t)vxa_vmexit_landing);
    add(f, VMCS_HOST_CS_SELECTOR, 0x08);
    add(f, VMCS_HOST_SS_SELECTOR, 0x10);
    add(f, VMCS_HOST_TR_SELECTOR, 0x20);
    add(f, VMCS_HOST_TR_BASE, cpu_tss_base());
    add(f, VMCS_HOST_GDTR_BASE, cpu_gdt_base());
    add(f, VMCS_HOST_IDTR_BASE, cpu_idt_base());
    if (exit1 & (1u << VXA_EXIT_LOAD_PAT)) add(f, VMCS_HOST_IA32_PAT, vxa_host_pat);
    if (exit1 & (1u << VXA_EXIT_LOAD_EFER)) add(f, VMCS_HOST_IA32_EFER, vxa_host_efer);
    add(f, VMCS_EXCEPTION_BITMAP, 0xffffffffu);
    add(f, VMCS_GUEST_RIP, (uint64_t)vxa_guest_stub);
    add(f, VMCS_GUEST_CR3, vxa_host_cr3);

    /* The primer: the harness fields plus the minimal controls and a 64-bit guest that mirrors
     * the host (flat segments, the payload's GDT/IDT/TSS and page tables). */
    struct layout *l = &layout_primer;
    *l = *f;
    add(l, VMCS_PIN_BASED_VM_EXEC_CONTROL, probe_ctl_allowed0(p, 0x481));
    add(l, VMCS_CPU_BASED_VM_EXEC_CONTROL, probe_ctl_allowed0(p, 0x482));
    add(l, VMCS_VM_EXIT_CONTROLS, probe_ctl_allowed0(p, 0x483) | (1u << VXA_EXIT_HOST_ADDR_SPACE_SIZE));
    add(l, VMCS_VM_ENTRY_CONTROLS, probe_ctl_allowed0(p, 0x484) | (1u << VXA_ENTRY_IA32E_MODE_GUEST));
    add(l, VMCS_GUEST_CR0, vxa_host_cr0);
    add(l, VMCS_GUEST_CR4, vxa_host_cr4);
    add(l, VMCS_GUEST_DR7, 0x400);
    add(l, VMCS_GUEST_RSP, (uint64_t)(guest_stack + sizeof guest_stack));
    add(l, VMCS_GUEST_RFLAGS, 0x2);
    static const uint32_t seg[6][4] = {   /* selector, base, limit, access-rights encodings */
        { VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR_BYTES },
        { VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR_BYTES },
        { VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR_BYTES },
        { VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR_BYTES },
        { VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR_BYTES },
        { VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR_BYTES },
    };
    for (int i = 0; i < 6; i++) {
        bool cs = i == 1;
        add(l, seg[i][0], cs ? 0x08 : 0x10);
        add(l, seg[i][1], 0);
        add(l, seg[i][2], 0xffffffffu);
        add(l, seg[i][3], cs ? 0xa09b : 0xc093);   /* 64-bit code / data, G=1, P=1 */
    }
    add(l, VMCS_GUEST_LDTR_SELECTOR, 0);
    add(l, VMCS_GUEST_LDTR_BASE, 0);
    add(l, VMCS_GUEST_LDTR_LIMIT, 0);
    add(l, VMCS_GUEST_LDTR_AR_BYTES, 0x10000);       /* unusable */
    add(l, VMCS_GUEST_TR_SELECTOR, 0x20);
    add(l, VMCS_GUEST_TR_BASE, cpu_tss_base());
    add(l, VMCS_GUEST_TR_LIMIT, 0x67);
    add(l, VMCS_GUEST_TR_AR_BYTES, 0x8b);            /* busy 64-bit TSS */
    add(l, VMCS_GUEST_GDTR_BASE, cpu_gdt_base());
    add(l, VMCS_GUEST_GDTR_LIMIT, 0x2f);
    add(l, VMCS_GUEST_IDTR_BASE, cpu_idt_base());
    add(l, VMCS_GUEST_IDTR_LIMIT, 0xfff);
    add(l, VMCS_GUEST_IA32_DEBUGCTL, 0);
    add(l, VMCS_GUEST_SYSENTER_CS, 0);
    add(l, VMCS_GUEST_SYSENTER_ESP, 0);
    add(l, VMCS_GUEST_SYSENTER_EIP, 0);
    add(l, VMCS_GUEST_ACTIVITY_STATE, 0);
    add(l, VMCS_GUEST_INTERRUPTIBILITY_INFO, 0);
    add(l, VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
    add(l, VMCS_VMCS_LINK_POINTER, ~0ull);
}
