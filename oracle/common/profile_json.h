/* profile_json.h — a probe written as a capability profile in the project's JSON format
 * (design §4.1). */
#ifndef VXA_PROFILE_JSON_H
#define VXA_PROFILE_JSON_H

#include <stdio.h>
#include "oracle.h"
#include "vmxaudit/vmxaudit.h"

/* Is the CPUID feature (the engine's cpuid.def row) set in the probed leaves?  False when the
 * payload did not read its leaf. */
bool vxa_probe_flag(const struct vxa_oracle_probe *p, const vxa_cpuid_info *f);

/* Writes {"name","cpu","source","msrs","maxphyaddr","linear_address_width","cpuid"}: only the
 * MSRs RDMSR returned, values lower-case hex with 0x and no padding.  Returns 0 or -1. */
int vxa_probe_write_profile(FILE *out, const struct vxa_oracle_probe *p, const char *name,
                            const char *cpu, const char *source);

#endif
