/* case_patch.h — the cases of the per-check tests (tests/checks/, one JSON file per SDM
 * section) and of the fuzz reachability ablation (reach.c): a bundled layout (corpus/layouts)
 * with a patch applied at the JSON level.  A patch is an object with any of:
 *   "vmcs":   { FIELD: value | null }      values replace, null removes the field
 *   "entry":  { key: value }               merged into the case's entry
 *   "memory": [ {address, data} ]          appended
 *   "profile": NAME                        another bundled profile
 *   "msrs":   { MSR: value | null }        profile MSRs replaced / removed (profile inlined)
 *   "cpuid":  { feature: bool }            profile CPUID features
 *   "maxphyaddr": N                        profile MAXPHYADDR
 *   "pmu": { "core_types": [...] } | null  profile PMU replaced / removed */
#ifndef VMXAUDIT_CASE_PATCH_H
#define VMXAUDIT_CASE_PATCH_H

#include <cjson/cJSON.h>
#include "vmxaudit/codec.h"

/* Returns 0 and fills *out (free with vxa_case_free), or -1 with a message in err. */
int tc_build_case(const char *layout, const cJSON *patch, vxa_case *out, char *err, size_t errsz);

#endif
