/* results_cpus.c — how the logical CPUs of a `--cpus all` run differ (results.h): hybrid parts
 * (P and E cores) may report different VMX capabilities, CPUID or microcode, and a case may
 * come out differently on them. */
#include <inttypes.h>
#include <string.h>
#include "results.h"

static void cpu_name(const struct vxa_results_cpu *c, char *s, size_t n)
{
    if (c->apic_known)
        snprintf(s, n, "CPU %u (APIC ID 0x%llx%s)", c->number, c->apic, c->bsp ? ", boot" : "");
    else
        snprintf(s, n, "CPU %u (boot)", c->number);
}

/* The bits of a CPUID register that name the logical CPU itself, not what it can do: the
 * initial APIC ID, CPUID.01H:EBX[31:24], and the x2APIC ID, CPUID.0BH/1FH:EDX (SDM Vol. 2A,
 * CPUID). */
static uint32_t own_bits(uint32_t leaf, int reg)
{
    if (leaf == 1 && reg == 1) return 0xff000000u;
    if ((leaf == 0xb || leaf == 0x1f) && reg == 3) return 0xffffffffu;
    return 0;
}

static unsigned probe_differences(const struct vxa_results_cpu *b, const struct vxa_results_cpu *c,
                                  const char *bn, const char *cn, FILE *out)
{
    unsigned n = 0;
    const struct vxa_oracle_probe *p = &b->probe, *q = &c->probe;
    if (!b->probe_present || !c->probe_present) {
        if (b->probe_present != c->probe_present) {
            fprintf(out, "  probe: %s %s a probe, %s %s\n", bn, b->probe_present ? "has" : "lacks",
                    cn, c->probe_present ? "has" : "lacks");
            n++;
        }
        return n;
    }
    if (p->vmx_on != q->vmx_on || strcmp(p->vmx_failure, q->vmx_failure)) {
        fprintf(out, "  probe: VMX %s on %s, %s on %s\n", p->vmx_on ? "usable" : p->vmx_failure, bn,
                q->vmx_on ? "usable" : q->vmx_failure, cn);
        n++;
    }
    if (strcmp(b->microcode, c->microcode)) {
        fprintf(out, "  probe: microcode %s on %s, %s on %s\n", b->microcode[0] ? b->microcode : "unknown",
                bn, c->microcode[0] ? c->microcode : "unknown", cn);
        n++;
    }
    if (p->feature_control != q->feature_control) {
        fprintf(out, "  probe: IA32_FEATURE_CONTROL 0x%" PRIx64 " on %s, 0x%" PRIx64 " on %s\n",
                p->feature_control, bn, q->feature_control, cn);
        n++;
    }
    for (unsigned i = 0; i < VXA_ORACLE_NMSR; i++) {
        bool hp = p->msr_present >> i & 1, hq = q->msr_present >> i & 1;
        if (hp == hq && (!hp || p->msr[i] == q->msr[i])) continue;
        char a[24] = "absent", z[24] = "absent";
        if (hp) snprintf(a, sizeof a, "0x%" PRIx64, p->msr[i]);
        if (hq) snprintf(z, sizeof z, "0x%" PRIx64, q->msr[i]);
        fprintf(out, "  probe: MSR 0x%x %s on %s, %s on %s\n", 0x480 + i, a, bn, z, cn);
        n++;
    }
    static const char *const reg[4] = { "EAX", "EBX", "ECX", "EDX" };
    for (size_t i = 0; i < p->ncpuid; i++) {        /* every leaf of the boot CPU ... */
        const struct vxa_oracle_cpuid *x = &p->cpuid[i];
        struct vxa_oracle_cpuid y;
        if (!vxa_oracle_probe_cpuid(q, x->leaf, x->subleaf, &y)) {
            fprintf(out, "  probe: CPUID %xh.%x read on %s, not on %s\n", x->leaf, x->subleaf, bn, cn);
            n++;
            continue;
        }
        const uint32_t xv[4] = { x->eax, x->ebx, x->ecx, x->edx }, yv[4] = { y.eax, y.ebx, y.ecx, y.edx };
        for (int r = 0; r < 4; r++) {
            uint32_t m = ~own_bits(x->leaf, r);
            if ((xv[r] & m) == (yv[r] & m)) continue;
            fprintf(out, "  probe: CPUID %xh.%x %s 0x%08x on %s, 0x%08x on %s\n", x->leaf, x->subleaf,
                    reg[r], xv[r], bn, yv[r], cn);
            n++;
        }
    }
    for (size_t i = 0; i < q->ncpuid; i++) {        /* ... and those only the other one read */
        struct vxa_oracle_cpuid y;
        if (vxa_oracle_probe_cpuid(p, q->cpuid[i].leaf, q->cpuid[i].subleaf, &y)) continue;
        fprintf(out, "  probe: CPUID %xh.%x read on %s, not on %s\n", q->cpuid[i].leaf,
                q->cpuid[i].subleaf, cn, bn);
        n++;
    }
    return n;
}

const char *vxa_results_core_type(const struct vxa_oracle_probe *p, char *buf, size_t n)
{
    struct vxa_oracle_cpuid c;
    if (!vxa_oracle_probe_cpuid(p, 0x1a, 0, &c) || !(c.eax >> 24)) return NULL;
    unsigned t = c.eax >> 24;            /* SDM Vol. 2A, CPUID leaf 1AH: 20H Atom, 40H Core */
    if (t == 0x40) snprintf(buf, n, "Intel Core (P-core)");
    else if (t == 0x20) snprintf(buf, n, "Intel Atom (E-core)");
    else snprintf(buf, n, "core type 0x%x", t);
    return buf;
}

/* A case's outcome in words, for comparing CPUs: what the CPU did, not the harness's notes. */
static void outcome(const struct vxa_results_cpu *c, size_t i, char *s, size_t n)
{
    if (!c->has_result[i]) {
        snprintf(s, n, "no result");
        return;
    }
    const struct vxa_oracle_result *r = &c->res[i];
    const char *k = vxa_oracle_kind_name(r->kind);
    switch (r->kind) {
    case VXA_ORACLE_VMFAIL_VALID:
        snprintf(s, n, "%s error %u", k, (unsigned)r->error);
        break;
    case VXA_ORACLE_ENTRY_FAILURE:
    case VXA_ORACLE_EXITED:
    case VXA_ORACLE_NONROOT_EXIT:
        snprintf(s, n, "%s reason 0x%x qualification 0x%" PRIx64, k, (unsigned)r->exit_reason, r->qualification);
        break;
    case VXA_ORACLE_FAULT:
        snprintf(s, n, "%s vector %d", k, r->fault_vector);
        break;
    default:
        snprintf(s, n, "%s%s%s", k, r->detail ? " " : "", r->detail ? r->detail : "");
    }
}

unsigned vxa_results_cpu_differences(const struct vxa_results *r, const char *const *names, FILE *out)
{
    if (r->ncpus < 2) return 0;
    const struct vxa_results_cpu *b = &r->cpu[r->boot_cpu];
    char bn[64], cn[64], bo[160], co[160];
    cpu_name(b, bn, sizeof bn);
    unsigned total = 0, probes = 0, cases = 0;
    for (size_t k = 0; k < r->ncpus; k++) {
        const struct vxa_results_cpu *c = &r->cpu[k];
        if (k == r->boot_cpu) continue;
        cpu_name(c, cn, sizeof cn);
        unsigned d = probe_differences(b, c, bn, cn, out);
        probes += d != 0;
        total += d;
        for (size_t i = 0; i < r->ncases; i++) {
            outcome(b, i, bo, sizeof bo);
            outcome(c, i, co, sizeof co);
            if (!strcmp(bo, co)) continue;
            char id[32];
            snprintf(id, sizeof id, "case %zx", i);
            fprintf(out, "  case %s: %s on %s, %s on %s\n", names && names[i] ? names[i] : id, bo, bn, co, cn);
            cases++;
            total++;
        }
    }
    if (total)
        fprintf(out, "per-CPU differences: %u (the probe differs on %u of %zu other CPUs; %u case "
                "outcome%s from the boot CPU's)\n", total, probes, r->ncpus - 1, cases,
                cases == 1 ? " differs" : "s differ");
    else
        fprintf(out, "per-CPU differences: none (%zu CPUs: the same probe, but for the APIC IDs, and the "
                "same outcome for every case)\n", r->ncpus);
    return total;
}
