/* cpu.c — IDT, TSS and the exception handler (SDM Vol. 3A 7.14: 64-bit IDT gates, IST). */
#include "cpu.h"
#include "out.h"
#include "x86.h"

struct idt_gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap;
} __attribute__((packed));

struct __attribute__((packed)) dtr { uint16_t limit; uint64_t base; };

extern char vxa_isr_stubs[];          /* isr.S: 256 stubs, 16 bytes apart */
extern uint64_t vxa_gdt[];            /* entry.S */

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t ist_stack[16384] __attribute__((aligned(16)));
struct dtr vxa_idt_ptr;

uint64_t vxa_host_cr0, vxa_host_cr3, vxa_host_cr4, vxa_host_efer, vxa_host_pat;
volatile uint64_t vxa_catch_rip;
volatile uint32_t vxa_caught_vector;
struct vxa_jmp *volatile vxa_fault_jmp;
struct vxa_fault vxa_last_fault;

uint64_t cpu_gdt_base(void) { return (uint64_t)vxa_gdt; }
uint64_t cpu_idt_base(void) { return (uint64_t)idt; }
uint64_t cpu_tss_base(void) { return (uint64_t)&tss; }
uint64_t cpu_ist_top(void) { return (uint64_t)(ist_stack + sizeof ist_stack); }

void cpu_save_host_context(void)
{
    vxa_host_cr0 = read_cr0();
    vxa_host_cr3 = read_cr3();
    vxa_host_cr4 = read_cr4();
    vxa_rdmsr_safe(MSR_IA32_EFER, &vxa_host_efer);
    if (vxa_rdmsr_safe(MSR_IA32_PAT, &vxa_host_pat)) vxa_host_pat = 0x0007040600070406ull;
}

void cpu_init(void)
{
    uint64_t stubs = (uint64_t)vxa_isr_stubs;
    for (int v = 0; v < 256; v++) {
        uint64_t a = stubs + 16u * (unsigned)v;
        idt[v] = (struct idt_gate){ .off0 = (uint16_t)a, .sel = 0x08, .ist = 1,
                                    .type = 0x8e,  /* present, DPL 0, 64-bit interrupt gate */
                                    .off1 = (uint16_t)(a >> 16), .off2 = (uint32_t)(a >> 32) };
    }
    vxa_idt_ptr = (struct dtr){ sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" :: "m"(vxa_idt_ptr));

    tss.ist[0] = cpu_ist_top();
    tss.rsp[0] = cpu_ist_top();
    tss.iomap = sizeof tss;
    uint64_t b = (uint64_t)&tss, lim = sizeof tss - 1;
    vxa_gdt[4] = (lim & 0xffff) | ((b & 0xffffff) << 16) | (0x89ull << 40) |   /* P, type 9 */
                 (((lim >> 16) & 0xf) << 48) | (((b >> 24) & 0xff) << 56);
    vxa_gdt[5] = b >> 32;
    __asm__ volatile("ltr %w0" :: "r"(0x20));
    /* Mask every 8259 PIC line: no BIOS timer tick may reach a guest that sets RFLAGS.IF, so
     * a case behaves the same wherever it falls in a batch. */
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    cpu_save_host_context();
}

void vxa_isr(struct vxa_frame *f);
void vxa_isr(struct vxa_frame *f)
{
    if (vxa_catch_rip) {
        vxa_caught_vector = (uint32_t)f->vector;
        f->rip = vxa_catch_rip;
        vxa_catch_rip = 0;
        return;
    }
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    vxa_last_fault = (struct vxa_fault){ f->vector, f->error, f->rip, cr2 };
    struct vxa_jmp *j = vxa_fault_jmp;
    if (j) {
        vxa_fault_jmp = 0;
        vxa_host_reload();
        vxa_longjmp(j, 1);
    }
    out_str("@H fault vec=");
    out_hex(f->vector);
    out_str(" err=");
    out_hex(f->error);
    out_str(" rip=");
    out_hex(f->rip);
    out_str(" cr2=");
    out_hex(cr2);
    out_end();
    vxa_shutdown();
}
