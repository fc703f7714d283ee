/* report_text.h — the text report (see report_text.c). */
#ifndef VMXAUDIT_REPORT_TEXT_H
#define VMXAUDIT_REPORT_TEXT_H
#include "cli.h"

/* What the CPU actually reported (post-mortem, `check --observed`). */
typedef struct cli_observed {
    bool present;
    unsigned what;          /* 7 or 8: VM-instruction error; 33, 34: VM-entry failure exit reason */
    bool has_qual;
    uint32_t qual;          /* exit qualification (33: 0/2/3/4; 34: 1-based MSR-load entry) */
} cli_observed;

/* Is violation v consistent with what the CPU reported? */
bool cli_consistent(const cli_observed *o, const vxa_violation *v);

void cli_print_report(FILE *out, const vxa_case *c, const vxa_report *r, vxa_model model,
                      const cli_observed *obs, bool quiet);
/* "13 (VMXE), 5 (PAE)": the bits of mask named for the field's word or register. */
void cli_field_bits(char *buf, size_t n, vxa_field f, uint64_t mask);
/* The name of bit b of field f ("VMXE", "Enable EPT"), or NULL. */
const char *cli_field_bit_name(vxa_field f, unsigned b);
#endif
