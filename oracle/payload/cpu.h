/* cpu.h — the payload's own processor context: descriptor tables, exception handling, the host
 * context a VM exit must return to, and fault recovery for cases. */
#ifndef VXA_CPU_H
#define VXA_CPU_H

#include <stdint.h>

struct vxa_frame {                 /* isr.S: pushed registers, then the CPU's frame */
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct vxa_jmp { uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip; };
int vxa_setjmp(struct vxa_jmp *j) __attribute__((returns_twice));
__attribute__((noreturn)) void vxa_longjmp(struct vxa_jmp *j, int v);

struct vxa_fault { uint64_t vector, error, rip, cr2; };

/* The context vxa_host_reload() (isr.S) restores; filled by cpu_init(), CR0/CR4 updated when
 * VMX is enabled. */
extern uint64_t vxa_host_cr0, vxa_host_cr3, vxa_host_cr4, vxa_host_efer, vxa_host_pat;
void vxa_host_reload(void);

/* Armed by vxa_rdmsr_safe()/vxa_wrmsr_safe(): a fault resumes at this address. */
extern volatile uint64_t vxa_catch_rip;
extern volatile uint32_t vxa_caught_vector;

/* While set, an unexpected exception reloads the host context and longjmps here with 1;
 * the fault is in vxa_last_fault.  Cleared when used. */
extern struct vxa_jmp *volatile vxa_fault_jmp;
extern struct vxa_fault vxa_last_fault;

void cpu_init(void);
void cpu_save_host_context(void);
uint64_t cpu_gdt_base(void);
uint64_t cpu_idt_base(void);
uint64_t cpu_tss_base(void);
uint64_t cpu_ist_top(void);

#endif
