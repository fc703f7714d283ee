/* profile_json.h — a probe as a capability profile, and as the project's profile document
 * (design §4.1). */
#ifndef VXA_PROFILE_JSON_H
#define VXA_PROFILE_JSON_H

#include <stdio.h>
#include "oracle.h"
#include "vmxaudit/codec.h"

/* The `cpuid` flags of the profile, from the probed leaves; names as the engine's
 * vxa_cpuid_name(): cet_ss cet_ibt pks fred la57 lam pt arch_lbr uintr mpx lm. */
struct vxa_cpuid_flag { const char *name; uint32_t leaf, subleaf; int reg; unsigned bit; };
extern const struct vxa_cpuid_flag vxa_cpuid_flags[];
extern const size_t vxa_cpuid_nflags;
bool vxa_probe_flag(const struct vxa_oracle_probe *p, const struct vxa_cpuid_flag *f);

/* The probed CPU as a capability profile: only the MSRs RDMSR returned, MAXPHYADDR and the
 * linear-address width where CPUID reports them, every `cpuid` flag; normalised. */
void vxa_probe_profile(const struct vxa_oracle_probe *p, vxa_profile *out);
/* That profile as a profile document (vxa_profile_to_json) on out.  Returns 0 or -1. */
int vxa_probe_write_profile(FILE *out, const struct vxa_oracle_probe *p, const char *name,
                            const char *cpu, const char *source);

#endif
