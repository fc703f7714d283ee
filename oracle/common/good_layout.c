/* good_layout.c — the known-good 64-bit guest layout (good_layout.h). */
#include "good_layout.h"
#include "vmxaudit/vmxaudit.h"

/* Guest memory: code at 0x2000, 4-level page tables at 0x3000/0x4000/0x5000 mapping the first
 * 2 MiB with one large page (SDM Vol. 3A 5.5). */
static const uint8_t code[] = { 0x0f, 0xa2, 0xf4 };                      /* cpuid; hlt */
static const uint8_t pml4[] = { 0x03, 0x40, 0, 0, 0, 0, 0, 0 };          /* -> 0x4000, P|RW */
static const uint8_t pdpt[] = { 0x03, 0x50, 0, 0, 0, 0, 0, 0 };          /* -> 0x5000, P|RW */
static const uint8_t pd[] = { 0x83, 0, 0, 0, 0, 0, 0, 0 };               /* 2 MiB page at 0 */

void vxa_good_set(struct vxa_good_layout *g, uint32_t encoding, uint64_t value)
{
    for (size_t i = 0; i < g->c.nfields; i++)
        if (g->fields[i].encoding == encoding) {
            g->fields[i].value = value;
            return;
        }
    if (g->c.nfields < VXA_GOOD_MAX_FIELDS)
        g->fields[g->c.nfields++] = (struct vxa_oracle_field){ encoding, value };
}

static uint32_t allowed0(const struct vxa_oracle_probe *p, unsigned i)   /* i: 1..4 */
{
    bool tru = (p->msr[0] >> 55 & 1) && (p->msr_present >> (i + 12) & 1);
    return (uint32_t)p->msr[tru ? i + 12 : i];
}

int vxa_good_layout(const struct vxa_oracle_probe *p, struct vxa_good_layout *g)
{
    if ((p->msr_present & 0x3df) != 0x3df) return -1;   /* BASIC, controls, CR0/CR4 FIXED */
    *g = (struct vxa_good_layout){ 0 };
    g->c.fields = g->fields;
    g->c.blobs = g->blobs;
    g->blobs[0] = (struct vxa_oracle_blob){ VXA_GOOD_GUEST_RIP, code, sizeof code };
    g->blobs[1] = (struct vxa_oracle_blob){ 0x3000, pml4, sizeof pml4 };
    g->blobs[2] = (struct vxa_oracle_blob){ 0x4000, pdpt, sizeof pdpt };
    g->blobs[3] = (struct vxa_oracle_blob){ 0x5000, pd, sizeof pd };
    g->c.nblobs = 4;

    uint64_t cr0 = (0x80000031u | p->msr[6]) & p->msr[7];          /* PG NE ET PE + FIXED */
    uint64_t cr4 = (0x2020u | p->msr[8]) & p->msr[9];              /* VMXE PAE + FIXED */
    const struct { const char *name; uint64_t val; } f[] = {
        { "PIN_BASED_VM_EXEC_CONTROL", allowed0(p, 1) },
        { "CPU_BASED_VM_EXEC_CONTROL", allowed0(p, 2) },
        { "VM_EXIT_CONTROLS", allowed0(p, 3) | (1u << 9) },     /* host address-space size */
        { "VM_ENTRY_CONTROLS", allowed0(p, 4) | (1u << 9) },    /* IA-32e mode guest */
        { "GUEST_CR0", cr0 }, { "GUEST_CR3", 0x3000 }, { "GUEST_CR4", cr4 },
        { "GUEST_DR7", 0x400 }, { "GUEST_RIP", VXA_GOOD_GUEST_RIP }, { "GUEST_RSP", 0x8000 },
        { "GUEST_RFLAGS", 0x2 },
        { "GUEST_CS_SELECTOR", 0x08 }, { "GUEST_CS_LIMIT", 0xffffffff },
        { "GUEST_CS_AR_BYTES", 0xa09b },                        /* 64-bit code, P, G */
        { "GUEST_ES_SELECTOR", 0x10 }, { "GUEST_ES_LIMIT", 0xffffffff }, { "GUEST_ES_AR_BYTES", 0xc093 },
        { "GUEST_SS_SELECTOR", 0x10 }, { "GUEST_SS_LIMIT", 0xffffffff }, { "GUEST_SS_AR_BYTES", 0xc093 },
        { "GUEST_DS_SELECTOR", 0x10 }, { "GUEST_DS_LIMIT", 0xffffffff }, { "GUEST_DS_AR_BYTES", 0xc093 },
        { "GUEST_FS_SELECTOR", 0x10 }, { "GUEST_FS_LIMIT", 0xffffffff }, { "GUEST_FS_AR_BYTES", 0xc093 },
        { "GUEST_GS_SELECTOR", 0x10 }, { "GUEST_GS_LIMIT", 0xffffffff }, { "GUEST_GS_AR_BYTES", 0xc093 },
        { "GUEST_LDTR_AR_BYTES", 0x10000 },                     /* unusable */
        { "GUEST_TR_SELECTOR", 0x18 }, { "GUEST_TR_BASE", 0x6000 }, { "GUEST_TR_LIMIT", 0x67 },
        { "GUEST_TR_AR_BYTES", 0x8b },                          /* busy 64-bit TSS */
        { "GUEST_GDTR_BASE", 0x7000 }, { "GUEST_GDTR_LIMIT", 0x1f }, { "GUEST_IDTR_LIMIT", 0xfff },
        { "VMCS_LINK_POINTER", ~0ull },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        vxa_field id = vxa_field_by_name(f[i].name);
        if (id == VXA_F_NONE) return -1;
        vxa_good_set(g, vxa_field_get(id)->encoding, f[i].val);
    }
    return 0;
}
