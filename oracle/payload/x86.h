/* x86.h — the x86 and VMX instructions the payload uses, as inline functions. */
#ifndef VXA_X86_H
#define VXA_X86_H

#include <stdint.h>

static inline void cpuid2(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

#define DEFINE_CR(n) \
    static inline uint64_t read_cr##n(void) { uint64_t v; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
    static inline void write_cr##n(uint64_t v) { __asm__ volatile("mov %0, %%cr" #n :: "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline void outsb(uint16_t port, const void *p, uint64_t n)
{
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}

/* MSR accesses that report a fault instead of dying (isr.S): 0 or 1 + vector. */
int vxa_rdmsr_safe(uint32_t msr, uint64_t *value);
int vxa_wrmsr_safe(uint32_t msr, uint64_t value);
int vxa_vmread_safe(uint64_t encoding, uint64_t *value);   /* 0, 1, 2, or 3 + vector */

#define MSR_IA32_FEATURE_CONTROL 0x3au
#define MSR_IA32_BIOS_SIGN_ID    0x8bu
#define MSR_IA32_PAT             0x277u
#define MSR_IA32_EFER            0xc0000080u
#define MSR_IA32_VMX_BASIC       0x480u

/* VMX instructions.  Return 0 = VMsucceed, 1 = VMfailInvalid (CF), 2 = VMfailValid (ZF)
 * (SDM Vol. 3C 31.2). */
static inline int vmx_status(uint8_t cf, uint8_t zf) { return cf ? 1 : zf ? 2 : 0; }

static inline int vmxon(uint64_t pa)
{
    uint8_t cf, zf;
    __asm__ volatile("vmxon %2; setc %0; setz %1" : "=q"(cf), "=q"(zf) : "m"(pa) : "cc", "memory");
    return vmx_status(cf, zf);
}

static inline int vmxoff(void)
{
    uint8_t cf, zf;
    __asm__ volatile("vmxoff; setc %0; setz %1" : "=q"(cf), "=q"(zf) :: "cc", "memory");
    return vmx_status(cf, zf);
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline int vmclear(uint64_t pa)
{
    uint8_t cf, zf;
    __asm__ volatile("vmclear %2; setc %0; setz %1" : "=q"(cf), "=q"(zf) : "m"(pa) : "cc", "memory");
    return vmx_status(cf, zf);
}

static inline int vmptrld(uint64_t pa)
{
    uint8_t cf, zf;
    __asm__ volatile("vmptrld %2; setc %0; setz %1" : "=q"(cf), "=q"(zf) : "m"(pa) : "cc", "memory");
    return vmx_status(cf, zf);
}

static inline int vmwrite(uint64_t enc, uint64_t val)
{
    uint8_t cf, zf;
    __asm__ volatile("vmwrite %3, %2; setc %0; setz %1"
                     : "=q"(cf), "=q"(zf) : "r"(enc), "rm"(val) : "cc", "memory");
    return vmx_status(cf, zf);
}

static inline int vmread(uint64_t enc, uint64_t *val)
{
    uint8_t cf, zf;
    uint64_t v = 0;
    __asm__ volatile("vmread %3, %2; setc %0; setz %1"
                     : "=q"(cf), "=q"(zf), "=rm"(v) : "r"(enc) : "cc", "memory");
    *val = v;
    return vmx_status(cf, zf);
}

#endif
