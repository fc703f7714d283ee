/* profile_json.c — probe -> capability profile (docs/formats.md). */
#include <stdlib.h>
#include "profile_json.h"

bool vxa_probe_flag(const struct vxa_oracle_probe *p, const vxa_cpuid_info *f)
{
    struct vxa_oracle_cpuid c;
    if (!vxa_oracle_probe_cpuid(p, f->leaf, f->subleaf, &c)) return false;  /* leaf absent */
    uint32_t r[4] = { c.eax, c.ebx, c.ecx, c.edx };
    return (r[f->reg] >> f->bit) & 1;
}

void vxa_probe_profile(const struct vxa_oracle_probe *p, vxa_profile *out)
{
    vxa_profile_init(out);
    for (unsigned i = 0; i < VXA_ORACLE_NMSR && i < VXA_MSR_COUNT; i++)
        if (p->msr_present >> i & 1) {
            out->msr[i] = p->msr[i];
            out->msr_present |= 1u << i;
        }
    if (vxa_oracle_probe_maxphyaddr(p)) {         /* absent: the engine's default applies */
        out->maxphyaddr = (uint8_t)vxa_oracle_probe_maxphyaddr(p);
        out->maxphyaddr_default = false;
    }
    if (vxa_oracle_probe_linear_width(p)) out->linear_address_width = (uint8_t)vxa_oracle_probe_linear_width(p);
    for (unsigned bit = 0; bit < VXA_CPUID_COUNT; bit++) {   /* every cpuid.def feature */
        out->cpuid_known |= 1u << bit;
        if (vxa_probe_flag(p, vxa_cpuid_get(bit))) out->cpuid |= 1u << bit;
    }
    vxa_profile_normalize(out);
}

int vxa_probe_write_profile(FILE *out, const struct vxa_oracle_probe *p, const char *name,
                            const char *cpu, const char *source)
{
    vxa_profile prof;
    vxa_probe_profile(p, &prof);
    const vxa_profile_about about = { name, cpu, source };
    char *s = vxa_profile_to_json(&prof, &about);
    int rc = s && fprintf(out, "%s\n", s) > 0 ? 0 : -1;
    free(s);
    return rc || ferror(out) ? -1 : 0;
}
