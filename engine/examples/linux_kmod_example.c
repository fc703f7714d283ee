/* linux_kmod_example.c — vmxaudit inside a Linux kernel-module hypervisor: audit the current
 * VMCS right before VMLAUNCH/VMRESUME, and after a failed entry put the CPU's answer next to the
 * engine's prediction.
 *
 * Build (Kbuild): copy the amalgamation (build/engine/amalgamation/vmxaudit.[ch], or
 * share/vmxaudit/amalgamation/ after `cmake --install`) next to this file and add
 *     obj-m += vxa_example.o
 *     vxa_example-y := linux_kmod_example.o vmxaudit.o
 * Kbuild compiles with -nostdinc, -mno-red-zone, -mcmodel=kernel and without SSE/AVX: the
 * engine needs no floating point, no libc but memcpy/memset/memmove/memcmp, and under 1.5 KiB
 * of stack (engine/EMBEDDING.md).
 *
 * Status: compile-checked freestanding by tests/amalgamation.sh against stubs/linux_kernel_stubs.h
 * (prototypes that mimic the kernel API); not built against real kernel headers, since none for
 * the development machine's kernel are installable there.  Your hypervisor provides VMXON,
 * the VMCS and the entry stub (my_hv_vmentry below); this file shows the two calls around it. */
#ifdef VXA_EXAMPLE_STUBS
#include "stubs/linux_kernel_stubs.h"
#else
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#endif
#include "vmxaudit.h"

/* ---- the CPU access the engine asks for ---- */

/* VMREAD of the current VMCS (SDM Vol. 3C 31.3 "VMREAD"): CF or ZF set = failure. */
static int kmod_vmread(void *ctx, uint32_t encoding, uint64_t *value)
{
    uint64_t v;
    bool fail;
    (void)ctx;
    asm volatile("vmread %[field], %[val]\n\tsetna %[fail]"
                 : [val] "=r"(v), [fail] "=qm"(fail)
                 : [field] "r"((uint64_t)encoding)
                 : "cc");
    if (fail) return -1;
    *value = v;
    return 0;
}

/* RDMSR with the kernel's #GP fixup: an MSR the CPU lacks returns -EIO instead of oopsing. */
static int kmod_rdmsr(void *ctx, uint32_t msr, uint64_t *value)
{
    u64 v;
    (void)ctx;
    if (rdmsrl_safe(msr, &v)) return -1;
    *value = v;
    return 0;
}

/* Physical memory through the direct map, RAM only (the audit runs with preemption off: no
 * memremap/ioremap here, they may sleep).  Anything else is "unknown": its rules become
 * undetermined instead of being guessed. */
static int kmod_read_phys(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    uint8_t *out = buf;
    (void)ctx;
    while (len) {
        uint32_t chunk = (uint32_t)(PAGE_SIZE - (pa & (PAGE_SIZE - 1)));
        if (chunk > len) chunk = len;
        if (!pfn_valid(PHYS_PFN(pa))) return -1;
        memcpy(out, phys_to_virt(pa), chunk);
        out += chunk, pa += chunk, len -= chunk;
    }
    return 0;
}

static void kmod_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    unsigned int a, b, c, d;
    (void)ctx;
    cpuid_count(leaf, (int)subleaf, &a, &b, &c, &d);
    r[0] = a, r[1] = b, r[2] = c, r[3] = d;
}

static const vxa_live_ops kmod_ops = {
    .vmread = kmod_vmread, .rdmsr = kmod_rdmsr, .read_phys = kmod_read_phys,
    .cpuid = kmod_cpuid, .model = VXA_MODEL_SDM,
};

/* ~15 KB per CPU: allocated once at module load, never on the 16 KiB kernel stack. */
struct vxa_percpu { vxa_live_workspace ws; vxa_report report; };
static struct vxa_percpu *vxa_state;

/* ---- printing a report (no codec in the kernel: names come from the catalogue) ---- */

static void print_report(const vxa_report *r)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    pr_err("vmxaudit: predicted %s, %u violated rule(s), %u undetermined\n",
           vxa_result_name((vxa_result)r->outcome.result), r->nviolations, r->nundetermined);
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
        pr_err("vmxaudit: %s (SDM %s): %s\n", ci->id, ci->sdm, ci->rule);
        for (unsigned k = 0; k < v->nfields; k++)
            pr_err("vmxaudit:   %s = 0x%llx\n", vxa_field_get((vxa_field)v->field[k])->name,
                   (unsigned long long)v->value[k]);
        if (v->bits) pr_err("vmxaudit:   offending bits 0x%llx\n", (unsigned long long)v->bits);
        for (unsigned k = 0; k < v->nfix; k++)
            pr_err("vmxaudit:   fix: %s = 0x%llx\n", vxa_field_get((vxa_field)v->fix_field[k])->name,
                   (unsigned long long)v->fix_value[k]);
    }
}

/* ---- the two calls around the entry ---- */

/* Before VMLAUNCH/VMRESUME, on the CPU whose VMCS is current, preemption off.  Returns true when
 * the engine predicts a successful entry. */
bool vxa_example_before_entry(bool launched)
{
    struct vxa_percpu *s = &vxa_state[smp_processor_id()];
    vxa_entry env;
    vxa_entry_init(&env);
    env.instruction = launched ? VXA_VMRESUME : VXA_VMLAUNCH;
    env.launched = launched;
    if (vxa_live_audit(&kmod_ops, NULL, &env, &s->ws, &s->report) < 0) return false;
    if (s->report.outcome.result != VXA_ENTERED) print_report(&s->report);
    return s->report.outcome.result == VXA_ENTERED;
}

/* After the entry came back: rflags as VMLAUNCH/VMRESUME left them when it fell through, or
 * exited = true when a VM exit returned to the host (KVM's __vmx_vcpu_run style).  Reads the
 * CPU's answer first (vxa_live_observe), then audits again and compares. */
void vxa_example_after_entry(bool launched, uint64_t rflags, bool exited)
{
    struct vxa_percpu *s = &vxa_state[smp_processor_id()];
    vxa_outcome seen;
    if (vxa_live_observe(&kmod_ops, NULL, rflags, exited, &seen)) return;
    if (seen.result == VXA_ENTERED) return;
    vxa_entry env;
    vxa_entry_init(&env);
    env.instruction = launched ? VXA_VMRESUME : VXA_VMLAUNCH;
    env.launched = launched;
    vxa_live_audit(&kmod_ops, NULL, &env, &s->ws, &s->report);
    pr_err("vmxaudit: the CPU answered %s (error %u, exit reason %u, qualification 0x%x); the "
           "engine %s\n", vxa_result_name((vxa_result)seen.result), seen.nerror ? seen.error[0] : 0,
           seen.exit_reason, seen.nqual ? seen.qual[0] : 0,
           vxa_outcome_within(&s->report.outcome, &seen) ? "agrees" : "DISAGREES (please report)");
    print_report(&s->report);
}
EXPORT_SYMBOL_GPL(vxa_example_before_entry);
EXPORT_SYMBOL_GPL(vxa_example_after_entry);

/* Your hypervisor's entry stub: returns RFLAGS when VMLAUNCH/VMRESUME fell through, or sets
 * *exited when the guest ran and a VM exit came back. */
extern uint64_t my_hv_vmentry(bool launched, bool *exited);

/* How a vCPU loop uses it. */
int vxa_example_run_once(bool launched)
{
    bool exited = false;
    if (!vxa_example_before_entry(launched)) return -EIO;   /* or enter anyway and compare */
    uint64_t rflags = my_hv_vmentry(launched, &exited);
    vxa_example_after_entry(launched, rflags, exited);
    return 0;
}

static int __init vxa_example_init(void)
{
    vxa_state = kvcalloc(nr_cpu_ids, sizeof *vxa_state, GFP_KERNEL);
    if (!vxa_state) return -ENOMEM;
    pr_info("vmxaudit %s (API %d) ready, %s\n", VMXAUDIT_VERSION, VMXAUDIT_API_VERSION,
            vxa_sdm_edition);
    return 0;
}

static void __exit vxa_example_exit(void) { kvfree(vxa_state); }

module_init(vxa_example_init);
module_exit(vxa_example_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("vmxaudit live VMCS audit before VMLAUNCH (example)");
