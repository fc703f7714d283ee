/* windows_driver_example.c — vmxaudit inside a Windows (WDK) hypervisor driver: audit the current
 * VMCS right before __vmx_vmlaunch/__vmx_vmresume, and after a failed entry put the CPU's answer
 * (the VM-instruction error) next to the engine's prediction.
 *
 * Build: add the amalgamation (vmxaudit.c, vmxaudit.h; build/engine/amalgamation or
 * share/vmxaudit/amalgamation after `cmake --install`) to the driver project, compiled as C
 * (MSVC /std:c11).  The engine uses no floating point, no CRT but memcpy/memset/memmove/memcmp
 * (which the kernel exports), and under 1.5 KiB of stack (engine/EMBEDDING.md).
 *
 * Status: compile-checked freestanding with mingw-w64 (x86_64-w64-mingw32-gcc) by
 * tests/amalgamation.sh against stubs/wdk_stubs.h (prototypes that mimic the WDK and the MSVC
 * intrinsics); not built with the WDK/MSVC, which do not run on the development machine. */
#ifdef VXA_EXAMPLE_STUBS
#include "stubs/wdk_stubs.h"
#else
#include <ntddk.h>
#include <intrin.h>
#endif
#include "vmxaudit.h"

#define VXA_TAG 0x41584d56ul   /* 'VMXA' */

/* ---- the CPU access the engine asks for ---- */

static int drv_vmread(void *ctx, uint32_t encoding, uint64_t *value)
{
    size_t v = 0;
    UNREFERENCED_PARAMETER(ctx);
    if (__vmx_vmread(encoding, &v) != 0) return -1;   /* 1: VMfailValid, 2: VMfailInvalid */
    *value = v;
    return 0;
}

/* __readmsr raises #GP for an MSR the CPU lacks: catch it. */
static int drv_rdmsr(void *ctx, uint32_t msr, uint64_t *value)
{
    UNREFERENCED_PARAMETER(ctx);
    __try {
        *value = __readmsr(msr);
        return 0;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return -1;
    }
}

/* Physical memory that is mapped in system space (RAM); anything else is "unknown" and makes
 * the rules that need it undetermined. */
static int drv_read_phys(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    uint8_t *out = buf;
    UNREFERENCED_PARAMETER(ctx);
    while (len) {
        uint32_t chunk = (uint32_t)(PAGE_SIZE - (pa & (PAGE_SIZE - 1)));
        PHYSICAL_ADDRESS p;
        if (chunk > len) chunk = len;
        p.QuadPart = (LONGLONG)pa;
        PVOID va = MmGetVirtualForPhysical(p);
        if (!va || !MmIsAddressValid(va)) return -1;
        memcpy(out, va, chunk);
        out += chunk, pa += chunk, len -= chunk;
    }
    return 0;
}

static void drv_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    int regs[4];
    UNREFERENCED_PARAMETER(ctx);
    __cpuidex(regs, (int)leaf, (int)subleaf);
    for (int i = 0; i < 4; i++) r[i] = (uint32_t)regs[i];
}

static const vxa_live_ops drv_ops = {
    drv_vmread, drv_rdmsr, drv_read_phys, drv_cpuid, { 0, 0, 0, 0 }, VXA_MODEL_SDM
};

/* ~15 KB per processor, nonpaged, allocated at DriverEntry: never on the kernel stack. */
typedef struct vxa_percpu { vxa_live_workspace ws; vxa_report report; } vxa_percpu;
static vxa_percpu *vxa_state;

static void print_report(const vxa_report *r)
{
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
               "vmxaudit: predicted %s, %u violated rule(s), %u undetermined\n",
               vxa_result_name((vxa_result)r->outcome.result), r->nviolations, r->nundetermined);
    for (unsigned i = 0; i < n; i++) {
        const vxa_violation *v = &r->violations[i];
        const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "vmxaudit: %s (SDM %s): %s\n",
                   ci->id, ci->sdm, ci->rule);
        for (unsigned k = 0; k < v->nfix; k++)
            DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "vmxaudit:   fix: %s = 0x%llx\n",
                       vxa_field_get((vxa_field)v->fix_field[k])->name,
                       (unsigned long long)v->fix_value[k]);
    }
}

static void entry_env(vxa_entry *env, bool launched)
{
    vxa_entry_init(env);
    env->instruction = launched ? VXA_VMRESUME : VXA_VMLAUNCH;
    env->launched = launched;
}

/* Enters the guest on this processor (interrupts off, VMCS current).  Returns only when the
 * entry failed: the audit said why before, and the CPU's answer is compared after. */
void VxaExampleLaunch(bool launched)
{
    vxa_percpu *s = &vxa_state[KeGetCurrentProcessorNumberEx(NULL)];
    vxa_entry env;
    entry_env(&env, launched);

    /* 1. Before the entry. */
    vxa_live_audit(&drv_ops, NULL, &env, &s->ws, &s->report);
    if (s->report.outcome.result != VXA_ENTERED) print_report(&s->report);

    /* 2. The entry: on success it does not return (the guest runs, exits go to HOST_RIP). */
    unsigned char rc = launched ? __vmx_vmresume() : __vmx_vmlaunch();

    /* 3. It fell through: 2 = VMfailInvalid (CF), 1 = VMfailValid (ZF).  Read the CPU's answer
     * before anything else VMREADs (a failing VMREAD would overwrite the error number). */
    vxa_outcome seen;
    if (vxa_live_observe(&drv_ops, NULL, rc == 2 ? 0x1 : 0x40, false, &seen)) return;
    vxa_live_audit(&drv_ops, NULL, &env, &s->ws, &s->report);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
               "vmxaudit: the CPU answered %s, error %u; the engine %s\n",
               vxa_result_name((vxa_result)seen.result), seen.nerror ? seen.error[0] : 0,
               vxa_outcome_within(&s->report.outcome, &seen) ? "agrees" : "DISAGREES (please report)");
    print_report(&s->report);
}

/* An entry that failed after the guest state was loaded comes back as a VM exit with bit 31 of
 * the exit reason set (SDM 27.8): call this from the VM-exit handler. */
void VxaExampleOnExit(bool launched)
{
    vxa_percpu *s = &vxa_state[KeGetCurrentProcessorNumberEx(NULL)];
    vxa_outcome seen;
    vxa_entry env;
    if (vxa_live_observe(&drv_ops, NULL, 0, true, &seen) || seen.result == VXA_ENTERED) return;
    entry_env(&env, launched);
    vxa_live_audit(&drv_ops, NULL, &env, &s->ws, &s->report);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
               "vmxaudit: VM-entry failure, exit reason %u, qualification %u; the engine %s\n",
               seen.exit_reason, seen.nqual ? seen.qual[0] : 0,
               vxa_outcome_within(&s->report.outcome, &seen) ? "agrees" : "DISAGREES (please report)");
    print_report(&s->report);
}

static void DriverUnload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    if (vxa_state) ExFreePoolWithTag(vxa_state, VXA_TAG);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry)
{
    UNREFERENCED_PARAMETER(registry);
    ULONG n = KeQueryActiveProcessorCountEx(ALL_PROCESSOR_GROUPS);
    vxa_state = ExAllocatePool2(POOL_FLAG_NON_PAGED, (size_t)n * sizeof *vxa_state, VXA_TAG);
    if (!vxa_state) return STATUS_INSUFFICIENT_RESOURCES;
    driver->DriverUnload = DriverUnload;
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, "vmxaudit %s (API %d) ready\n",
               VMXAUDIT_VERSION, VMXAUDIT_API_VERSION);
    return STATUS_SUCCESS;
}
