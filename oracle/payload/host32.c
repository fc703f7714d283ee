/* host32.c — a host outside IA-32e mode (SDM 27.2.4: "host address-space size" = 0 there): its
 * identity-mapped paging structures and harness fields; host32.S makes the mode switches.
 *
 * Paging for the 32-bit host, both identity maps (SDM Vol. 3A 4.3, 4.4):
 *   PAE:     a PDPT whose 4 entries point at the payload's own page directories (entry.S vxa_pd,
 *            2-MiB pages, valid PAE PDEs too); PDPTEs have no R/W bit (Vol. 3A 4.4.1);
 *   32-bit:  a page directory whose first 8 entries point at 4-KiB page tables for [0, 32 MiB),
 *            and one more for the 4-MiB window of the image, its stacks and .bss where it is
 *            linked above that (the UEFI copy, payload_abi.h); no CR4.PSE needed, whatever
 *            HOST_CR4 says.
 * The case's HOST_CR4, where the bridge sends it, chooses (its PAE bit); else PAE. */
#include "host32.h"
#include "cpu.h"
#include "vmcs.h"
#include "vmxaudit/vmx_bits.h"

int vxa_host32_enter(struct host32_block *b);   /* host32.S */
extern char vxa_host32_landing[];
extern uint64_t vxa_pd[];                        /* entry.S: 4 x 512 2-MiB PDEs */
extern char __image_start[];                     /* payload.ld: 4-MiB aligned, image + .bss <= 4 MiB */

#define PT32_TABLES 8                            /* 8 x 4 MiB: the first 32 MiB */
static uint64_t pdpt_pae[4] __attribute__((aligned(4096)));
static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint32_t pt32[PT32_TABLES + 1][1024] __attribute__((aligned(4096)));
static uint8_t exit_stack32[4096] __attribute__((aligned(16)));
static struct host32_block block;
static struct layout fill;

void host32_init(void)
{
    for (unsigned i = 0; i < 4; i++)
        pdpt_pae[i] = ((uint64_t)(uintptr_t)vxa_pd + i * 4096u) | 1;     /* present */
    unsigned image = (unsigned)((uintptr_t)__image_start >> 22);
    for (unsigned i = 0; i <= PT32_TABLES; i++) {
        unsigned dir = i < PT32_TABLES ? i : image;                      /* 4 MiB each */
        if (i == PT32_TABLES && image < PT32_TABLES) break;
        pd32[dir] = (uint32_t)(uintptr_t)pt32[i] | 3;                     /* present, writable */
        for (unsigned j = 0; j < 1024; j++) pt32[i][j] = ((dir * 1024u + j) << 12) | 3;
    }
}

/* The 64-bit CR4 less what needs IA-32e mode or HAS = 1 (PCIDE, LA57, FRED: SDM 27.2.4). */
static uint32_t cr4_32(bool pae)
{
    uint64_t cr4 = vxa_host_cr4 & ~(VXA_CR4_PCIDE | VXA_CR4_LA57 | VXA_CR4_FRED | VXA_CR4_PAE);
    return (uint32_t)(cr4 | (pae ? VXA_CR4_PAE : 0));
}

static uint32_t cr3_32(bool pae)
{
    return pae ? (uint32_t)(uintptr_t)pdpt_pae : (uint32_t)(uintptr_t)pd32;
}

const struct layout *host32_fill(bool pae)
{
    fill = layout_fill;
    for (unsigned i = 0; i < fill.n; i++) {
        uint64_t *v = &fill.f[i].val;
        switch (fill.f[i].enc) {
        case VMCS_HOST_CR3: *v = cr3_32(pae); break;
        case VMCS_HOST_CR4: *v = cr4_32(pae); break;
        case VMCS_HOST_RSP: *v = (uint64_t)(uintptr_t)(exit_stack32 + sizeof exit_stack32); break;
        case VMCS_HOST_RIP: *v = (uint64_t)(uintptr_t)vxa_host32_landing; break;
        case VMCS_HOST_CS_SELECTOR: *v = 0x18; break;   /* the flat 32-bit code segment */
        /* "load IA32_EFER" on exit: LMA and LME must equal HAS = 0 (SDM 27.2.2) */
        case VMCS_HOST_IA32_EFER: *v &= ~(uint64_t)(VXA_EFER_LME | VXA_EFER_LMA); break;
        default: break;
        }
    }
    return &fill;
}

unsigned host32_enter(uint64_t vmxon_pa, uint64_t vmcs_pa, unsigned how, bool pae)
{
    block = (struct host32_block){ .vmxon_pa = vmxon_pa, .vmcs_pa = vmcs_pa, .cr3 = cr3_32(pae),
                                   .cr4 = cr4_32(pae), .how = how, .status = ~0u };
    return (unsigned)vxa_host32_enter(&block);
}
