/* ring.c — the instruction at CPL > 0 (ring.h).  Segments: entry.S's GDT (DPL 1..3 code and
 * stack segments).  Paging: a CPL-3 access needs U/S = 1 at every level of the walk (SDM Vol. 3A
 * 5.6); only for the instruction are the PML4E, PDPTE and the 2-MByte PDEs that hold ring.S's code
 * and page made user-accessible, then restored (the payload's CR4 has no SMEP or SMAP, so its own
 * CPL-0 code is unaffected meanwhile).  The way back to CPL 0 is an exception: IDT gates use IST1
 * (cpu.c), so no TSS.RSP0 stack switch is involved. */
#include "ring.h"
#include "cpu.h"
#include "x86.h"

int vxa_ring_try(unsigned how, const uint64_t *pa, unsigned cpl);   /* ring.S */
extern char vxa_ring_code[], vxa_ring_back[], vxa_ring_page[];
extern uint64_t vxa_pml4[], vxa_pdpt[], vxa_pd[];                   /* entry.S */

#define PTE_US 4ull

static uint64_t saved_pml4, saved_pdpt, saved_pde[4];
static unsigned pde_index[4];
static bool user_on;

/* The code, its page and the VMXON operand (read only after the CPL check, but a CPU that read
 * it first would #PF on a supervisor page instead of the #GP under test). */
static void user_pages(const uint64_t *pa)
{
    uint64_t a[4] = { (uint64_t)(uintptr_t)vxa_ring_code, (uint64_t)(uintptr_t)vxa_ring_back,
                      (uint64_t)(uintptr_t)vxa_ring_page,
                      pa ? (uint64_t)(uintptr_t)pa : (uint64_t)(uintptr_t)vxa_ring_page };
    saved_pml4 = vxa_pml4[0];
    saved_pdpt = vxa_pdpt[0];
    vxa_pml4[0] |= PTE_US;
    vxa_pdpt[0] |= PTE_US;
    for (int i = 0; i < 4; i++) {               /* the payload is below 1 GiB: PDPT[0]'s PD */
        pde_index[i] = (unsigned)(a[i] >> 21);
        saved_pde[i] = vxa_pd[pde_index[i]];
    }
    for (int i = 0; i < 4; i++) vxa_pd[pde_index[i]] |= PTE_US;
    user_on = true;
    write_cr3(read_cr3());                      /* flush the TLB */
}

void ring_restore(void)
{
    if (!user_on) return;
    for (int i = 3; i >= 0; i--) vxa_pd[pde_index[i]] = saved_pde[i];
    vxa_pdpt[0] = saved_pdpt;
    vxa_pml4[0] = saved_pml4;
    user_on = false;
    write_cr3(read_cr3());
}

bool ring_in_try(uint64_t rip)
{
    return rip >= (uint64_t)(uintptr_t)vxa_ring_code && rip < (uint64_t)(uintptr_t)vxa_ring_back;
}

int ring_run(unsigned how, const uint64_t *pa, unsigned cpl)
{
    static struct vxa_jmp jmp;
    static struct vxa_jmp *outer;
    outer = vxa_fault_jmp;
    if (vxa_setjmp(&jmp)) {
        ring_restore();
        vxa_fault_jmp = outer;
        if (vxa_last_fault.vector == 6 && vxa_last_fault.rip == (uint64_t)(uintptr_t)vxa_ring_back) {
            uint64_t fl = *(volatile uint64_t *)(uintptr_t)vxa_ring_page;
            return fl & 1 ? 1 : fl & 0x40 ? 2 : 3;   /* CF VMfailInvalid, ZF VMfailValid */
        }
        if (outer) {                            /* the instruction's fault: the caller's */
            vxa_fault_jmp = 0;
            vxa_longjmp(outer, 1);
        }
        return 3;
    }
    user_pages(pa);
    vxa_fault_jmp = &jmp;
    int r = vxa_ring_try(how, pa, cpl);         /* returns only after a VM exit */
    vxa_fault_jmp = outer;
    ring_restore();
    return r;
}
