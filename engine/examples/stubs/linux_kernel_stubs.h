/* linux_kernel_stubs.h — prototypes that mimic the Linux kernel API the example uses, so that
 * linux_kmod_example.c can be compile-checked freestanding (tests/amalgamation.sh) where no
 * kernel headers for the running kernel are installable.  Not the kernel's headers: names and
 * signatures as in Linux 6.x (include/linux/printk.h, arch/x86/include/asm/msr.h, asm/page.h,
 * linux/mmzone.h, linux/smp.h, linux/slab.h, asm/processor.h); the real build uses the real ones. */
#ifndef VXA_LINUX_KERNEL_STUBS_H
#define VXA_LINUX_KERNEL_STUBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint64_t phys_addr_t;
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PHYS_PFN(x) ((unsigned long)((x) >> PAGE_SHIFT))
#define KERN_ERR "\0013"
#define KERN_INFO "\0016"
#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define GFP_KERNEL 0u
#define __init
#define __exit
#define module_init(fn) int init_module(void) { return fn(); }
#define module_exit(fn) void cleanup_module(void) { fn(); }
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define EXPORT_SYMBOL_GPL(x)
#define ENOMEM 12
#define EIO 5

int printk(const char *fmt, ...);
int rdmsrl_safe(u32 msr, u64 *p);                         /* asm/msr.h: 0 or -EIO on #GP */
void cpuid_count(unsigned int op, int count, unsigned int *eax, unsigned int *ebx,
                 unsigned int *ecx, unsigned int *edx);     /* asm/processor.h */
int pfn_valid(unsigned long pfn);                           /* linux/mmzone.h */
void *phys_to_virt(phys_addr_t address);                    /* asm/io.h: the direct map */
unsigned int smp_processor_id(void);                        /* linux/smp.h */
extern unsigned int nr_cpu_ids;                             /* linux/cpumask.h */
void *kvcalloc(size_t n, size_t size, unsigned int flags);  /* linux/slab.h */
void kvfree(const void *addr);
void *memcpy(void *dst, const void *src, size_t n);
#endif
