/* inputs.h — the layouts and cases the benchmarks run on: the bundled layouts (valid), their
 * texts (for parse + audit), and damaged variants (all-zero VMCS, random multi-field damage,
 * single-bit damage), generated from a fixed seed so every run measures the same inputs. */
#ifndef VXA_BENCH_INPUTS_H
#define VXA_BENCH_INPUTS_H

#include "vmxaudit/codec.h"

#define BENCH_LAYOUTS 3
#define BENCH_DAMAGED 64          /* variants per layout and damage kind */

typedef struct bench_layout {
    const char *name;             /* "linux64" */
    char *path;
    char *text;                   /* the file as read */
    size_t len;
    char *inline_text;            /* the same case with its profile object inline */
    size_t inline_len;
    vxa_case c;
} bench_layout;

typedef struct bench_inputs {
    bench_layout layout[BENCH_LAYOUTS];
    vxa_vmcs *zero;               /* [BENCH_LAYOUTS]: every field 0 */
    vxa_vmcs *multi;              /* [BENCH_LAYOUTS * BENCH_DAMAGED]: 8 fields, 1-3 bits each */
    vxa_vmcs *single;             /* [BENCH_LAYOUTS * BENCH_DAMAGED]: one bit of one set field */
} bench_inputs;

/* Loads and generates everything; 0, or 2 with a message on stderr. */
int bench_inputs_load(bench_inputs *in);
void bench_inputs_free(bench_inputs *in);

#endif
