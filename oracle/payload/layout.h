/* layout.h — the fields the payload writes on its own: the harness fields (filled where a case
 * leaves them unset, so that a VM exit comes back to the payload) and the known-good primer
 * layout (used to make a VMCS "launched" before a case that asks for it). */
#ifndef VXA_LAYOUT_H
#define VXA_LAYOUT_H

#include <stdint.h>
#include "probe.h"

struct field_val { uint32_t enc; uint64_t val; };

#define LAYOUT_MAX 96

struct layout {
    struct field_val f[LAYOUT_MAX];
    unsigned n;
};

extern struct layout layout_fill;      /* harness fields, in the order written */
extern struct layout layout_primer;    /* a complete valid 64-bit guest entry; exits on CPUID */

/* Computes both from the probed MSRs and the current host context (cpu.h). */
void layout_init(const struct probe *p);

#endif
