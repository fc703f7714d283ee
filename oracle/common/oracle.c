/* oracle.c — result and probe helpers (oracle.h). */
#include <stdlib.h>
#include "oracle.h"

const char *vxa_oracle_kind_name(enum vxa_oracle_kind k)
{
    static const char *const names[] = {
        [VXA_ORACLE_VMFAIL_INVALID] = "vmfail_invalid", [VXA_ORACLE_VMFAIL_VALID] = "vmfail_valid",
        [VXA_ORACLE_ENTRY_FAILURE] = "entry_failure", [VXA_ORACLE_EXITED] = "exited",
        [VXA_ORACLE_FAULT] = "fault", [VXA_ORACLE_CRASHED] = "crashed",
        [VXA_ORACLE_TIMEOUT] = "timeout", [VXA_ORACLE_UNSUPPORTED] = "unsupported",
        [VXA_ORACLE_ERROR] = "error", [VXA_ORACLE_VMSUCCEED] = "vmsucceed",
        [VXA_ORACLE_NONROOT_EXIT] = "nonroot_exit", [VXA_ORACLE_EXIT_ABORTED] = "exit_aborted",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

void vxa_oracle_result_init(struct vxa_oracle_result *r)
{
    *r = (struct vxa_oracle_result){ .kind = VXA_ORACLE_ERROR, .fault_vector = -1,
                                     .host_fault_vector = -1, .live.agrees = -1 };
}

void vxa_oracle_result_free(struct vxa_oracle_result *r)
{
    free(r->replaced);
    free(r->vmwrite_errors);
    free(r->detail);
    free(r->log);
    vxa_oracle_result_init(r);
}

bool vxa_oracle_probe_cpuid(const struct vxa_oracle_probe *p, uint32_t leaf, uint32_t subleaf,
                            struct vxa_oracle_cpuid *out)
{
    for (size_t i = 0; i < p->ncpuid; i++)
        if (p->cpuid[i].leaf == leaf && p->cpuid[i].subleaf == subleaf) {
            *out = p->cpuid[i];
            return true;
        }
    return false;
}

unsigned vxa_oracle_probe_maxphyaddr(const struct vxa_oracle_probe *p)
{
    struct vxa_oracle_cpuid c;
    return vxa_oracle_probe_cpuid(p, 0x80000008u, 0, &c) ? (c.eax & 0xff) : 0;
}

unsigned vxa_oracle_probe_linear_width(const struct vxa_oracle_probe *p)
{
    struct vxa_oracle_cpuid c;
    return vxa_oracle_probe_cpuid(p, 0x80000008u, 0, &c) ? ((c.eax >> 8) & 0xff) : 0;
}
