/* profile_json.c — probe -> profile JSON (design §4.1). */
#include <inttypes.h>
#include "profile_json.h"

bool vxa_probe_flag(const struct vxa_oracle_probe *p, const vxa_cpuid_info *f)
{
    struct vxa_oracle_cpuid c;
    if (!vxa_oracle_probe_cpuid(p, f->leaf, f->subleaf, &c)) return false;  /* leaf absent */
    uint32_t r[4] = { c.eax, c.ebx, c.ecx, c.edx };
    return (r[f->reg] >> f->bit) & 1;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", (unsigned char)*s);
        else fputc(*s, out);
    }
    fputc('"', out);
}

int vxa_probe_write_profile(FILE *out, const struct vxa_oracle_probe *p, const char *name,
                            const char *cpu, const char *source)
{
    fputs("{\n  \"name\": ", out);
    json_string(out, name);
    fputs(",\n  \"cpu\": ", out);
    json_string(out, cpu);
    fputs(",\n  \"source\": ", out);
    json_string(out, source);
    fputs(",\n  \"msrs\": {", out);
    const char *sep = "\n";
    for (unsigned i = 0; i < VXA_ORACLE_NMSR; i++) {
        if (!(p->msr_present >> i & 1)) continue;
        fprintf(out, "%s    \"0x%x\": \"0x%" PRIx64 "\"", sep, 0x480 + i, p->msr[i]);
        sep = ",\n";
    }
    fputs("\n  },", out);
    if (vxa_oracle_probe_maxphyaddr(p))          /* absent: the engine's default applies */
        fprintf(out, "\n  \"maxphyaddr\": %u,", vxa_oracle_probe_maxphyaddr(p));
    if (vxa_oracle_probe_linear_width(p))
        fprintf(out, "\n  \"linear_address_width\": %u,", vxa_oracle_probe_linear_width(p));
    fputs("\n  \"cpuid\": {", out);
    for (unsigned i = 0; i < VXA_CPUID_COUNT; i++)
        fprintf(out, "%s\"%s\": %s", i ? ", " : " ", vxa_cpuid_name(i),
                vxa_probe_flag(p, vxa_cpuid_get(i)) ? "true" : "false");
    fputs(" }\n}\n", out);
    return ferror(out) ? -1 : 0;
}
