/* profile_json.h — a probe as a capability profile, and as the project's profile document
 * (docs/formats.md). */
#ifndef VXA_PROFILE_JSON_H
#define VXA_PROFILE_JSON_H

#include <stdio.h>
#include "oracle.h"
#include "vmxaudit/codec.h"

/* Is the CPUID feature (the engine's cpuid.def row) set in the probed leaves?  False when the
 * payload did not read its leaf. */
bool vxa_probe_flag(const struct vxa_oracle_probe *p, const vxa_cpuid_info *f);

/* The probed CPU as a capability profile: only the MSRs RDMSR returned, MAXPHYADDR and the
 * linear-address width where CPUID reports them, every CPUID feature of cpuid.def; normalised. */
void vxa_probe_profile(const struct vxa_oracle_probe *p, vxa_profile *out);
/* That profile as a profile document (vxa_profile_to_json) on out.  Returns 0 or -1. */
int vxa_probe_write_profile(FILE *out, const struct vxa_oracle_probe *p, const char *name,
                            const char *cpu, const char *source);

#endif
