/* results.h — the silicon oracle's results file (RESULTS.TXT on the image's results partition;
 * the loader's line protocol is in loader.c, the payload's lines in payload_abi.h):
 *   vmxaudit-results 1 run=RUNID               written by `vmxaudit oracle image`
 *   @I cases=N created=DATE vmxaudit=VERSION
 *   @C ID CASE-JSON                            each case as sent (one line, compact)
 *   @S                                         the machine's part follows; then NUL padding
 * A reader stops at the first NUL byte.  A run on every logical CPU (`--cpus all`) has per-CPU
 * sections, each opened by "@U K apic=X [bsp]" (loader.c); a file without them is the boot
 * CPU's alone. */
#ifndef VXA_UEFI_RESULTS_H
#define VXA_UEFI_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "oracle.h"

#define VXA_RESULTS_MAGIC "vmxaudit-results 1 run="

/* The header (malloc'd text; *len its bytes). */
char *vxa_results_header(const char *run_id, const char *created, const char *version,
                         char *const *case_json, size_t n, size_t *len);

/* What one logical CPU recorded. */
struct vxa_results_cpu {
    unsigned number;                     /* MP Services' processor number (0 without @U) */
    unsigned long long apic;             /* its APIC ID (from @U) */
    bool apic_known;                     /* false: a --cpus boot run (no @U lines) */
    bool bsp;                            /* the boot CPU */
    struct vxa_oracle_probe probe;
    bool probe_present;                  /* a complete @P section */
    char microcode[24];                  /* "0x.." from MSR 0x8b, or "" */
    struct vxa_oracle_result *res;       /* per case id */
    bool *has_result;
    unsigned machine_resets;
};

struct vxa_results {
    char run_id[32], created[64], version[32];
    size_t ncases;
    char **case_json;                    /* per case id */
    /* The boot CPU's (cpu[boot_cpu]'s; res and has_result point into it): */
    struct vxa_oracle_probe probe;
    bool probe_present;
    char microcode[24];
    struct vxa_oracle_result *res;
    bool *has_result;
    unsigned boots, machine_resets;      /* machine resets: on every CPU */
    bool complete;                       /* "@E done" */
    /* Every CPU, in the order of the file (the boot CPU first in a --cpus all run). */
    struct vxa_results_cpu *cpu;
    size_t ncpus, boot_cpu;
    bool cpus_all;                       /* the run asked for every CPU ("@L mp" lines) */
    char mp[96];                         /* the last "@L mp" line's words: what MP Services said */
    unsigned skipped_cpus;               /* "@L cpu K ... skipped" (disabled, unhealthy) */
};

/* Reads a results file.  0, or VXA_ORACLE_BAD_INPUT with err = "PATH:LINE: what: the line". */
int vxa_results_read(const char *path, struct vxa_results *r, char *err, size_t errlen);
void vxa_results_free(struct vxa_results *r);

/* The CPU with processor number `number`, or NULL. */
const struct vxa_results_cpu *vxa_results_cpu_number(const struct vxa_results *r, unsigned number);

/* The core type CPUID.1AH:EAX[31:24] names on a hybrid part ("Intel Core (P-core)", "Intel
 * Atom (E-core)", "core type 0xNN"), or NULL when the probe has no such leaf or it reads 0. */
const char *vxa_results_core_type(const struct vxa_oracle_probe *p, char *buf, size_t n);

/* Prints to `out` how the CPUs of a --cpus all run differ from the boot CPU: the probe (VMX
 * MSRs, IA32_FEATURE_CONTROL, microcode, CPUID but the fields that name the CPU itself, whether
 * VMX could be used) and each case's outcome; names[i] names case i (NULL: its id).  Returns
 * the number of differences (0 with one CPU). */
unsigned vxa_results_cpu_differences(const struct vxa_results *r, const char *const *names, FILE *out);

#endif
