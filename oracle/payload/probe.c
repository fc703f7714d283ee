/* probe.c — CPUID and VMX capability MSRs, reported as @H lines; enabling VMX operation. */
#include "probe.h"
#include "out.h"
#include "x86.h"

static void report_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    cpuid2(leaf, sub, r);
    out_str("@H cpuid ");
    out_hex(leaf);
    out_char(' ');
    out_hex(sub);
    for (int i = 0; i < 4; i++) {
        out_char(' ');
        out_hex(r[i]);
    }
    out_end();
}

void probe_run(struct probe *p)
{
    uint32_t r[4], max, xmax;
    report_cpuid(0, 0, r);
    max = r[0];
    report_cpuid(1, 0, r);
    p->vmx = (r[2] >> 5) & 1;
    if (max >= 7) {
        report_cpuid(7, 0, r);
        if (r[0] >= 1) report_cpuid(7, 1, r);
    }
    /* the core type of a hybrid part (P or E core): CPUID.1AH:EAX[31:24], SDM Vol. 2A CPUID */
    if (max >= 0x1a) report_cpuid(0x1a, 0, r);
    report_cpuid(0x80000000u, 0, r);
    xmax = r[0];
    if (xmax >= 0x80000001u) report_cpuid(0x80000001u, 0, r);
    for (uint32_t l = 0x80000002u; l <= 0x80000004u && xmax >= l; l++)   /* brand string */
        report_cpuid(l, 0, r);
    if (xmax >= 0x80000008u) report_cpuid(0x80000008u, 0, r);

    /* The microcode revision: write 0 to IA32_BIOS_SIGN_ID, CPUID.1, read its bits 63:32
     * (SDM Vol. 3A 10.11.7.1). */
    uint64_t sig;
    if (vxa_wrmsr_safe(MSR_IA32_BIOS_SIGN_ID, 0) == 0) {
        cpuid2(1, 0, r);
        if (vxa_rdmsr_safe(MSR_IA32_BIOS_SIGN_ID, &sig) == 0) {
            out_str("@H msr 8b ");
            out_hex(sig);
            out_end();
        }
    }

    uint64_t fc;
    if (vxa_rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc) == 0) {
        out_str("@H msr 3a ");
        out_hex(fc);
        out_end();
    }
    p->present = 0;
    for (unsigned i = 0; i < PROBE_NMSR; i++) {
        unsigned msr = 0x480 + i;
        int f = vxa_rdmsr_safe(msr, &p->msr[i]);
        out_str("@H msr ");
        out_hex(msr);
        if (f) {                      /* a missing MSR raises #GP (SDM Vol. 4 2.1) */
            p->msr[i] = 0;
            out_str(" absent ");
            out_hex((unsigned)f - 1);
        } else {
            p->present |= 1u << i;
            out_char(' ');
            out_hex(p->msr[i]);
        }
        out_end();
    }
}

uint32_t probe_ctl_allowed0(const struct probe *p, unsigned msr)
{
    unsigned tru = msr + 0xc;           /* 0x481..0x484 -> 0x48d..0x490 */
    if ((p->msr[0] >> 55 & 1) && probe_has(p, tru)) return (uint32_t)p->msr[tru - 0x480];
    return (uint32_t)p->msr[msr - 0x480];
}

uint32_t probe_ctl_allowed1(const struct probe *p, unsigned msr)
{
    return (uint32_t)(p->msr[msr - 0x480] >> 32);
}

static int fail(const char *why)
{
    out_str("@H vmxon fail ");
    out_str(why);
    out_end();
    return -1;
}

int probe_enable_vmx(const struct probe *p, void *vmxon_region)
{
    if (!p->vmx) return fail("no-vmx-in-cpuid");
    if (!probe_has(p, 0x480) || !probe_has(p, 0x486) || !probe_has(p, 0x487) ||
        !probe_has(p, 0x488) || !probe_has(p, 0x489))
        return fail("capability-msr-missing");

    uint64_t fc;
    if (vxa_rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc)) return fail("feature-control-unreadable");
    if (!(fc & 1)) {                    /* unlocked: enable VMX outside SMX and lock (SDM 25.7) */
        fc |= 5;
        if (vxa_wrmsr_safe(MSR_IA32_FEATURE_CONTROL, fc)) return fail("feature-control-write");
    } else if (!(fc & 4)) {
        return fail("vmx-disabled-by-feature-control");
    }

    /* CR0/CR4 fixed bits (SDM Appendix A.7, A.8); CR4.VMXE is among CR4 FIXED0. */
    write_cr0((read_cr0() | p->msr[6]) & p->msr[7]);
    write_cr4((read_cr4() | p->msr[8] | (1u << 13)) & p->msr[9]);

    *(uint32_t *)vmxon_region = (uint32_t)p->msr[0] & 0x7fffffffu;  /* revision id */
    int s = vmxon((uint64_t)vmxon_region);
    if (s) return fail(s == 1 ? "vmxon-vmfailinvalid" : "vmxon-vmfailvalid");
    out_str("@H vmxon ok");
    out_end();
    return 0;
}
