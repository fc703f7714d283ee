/* report_text.h — the text report (see report_text.c). */
#ifndef VMXAUDIT_REPORT_TEXT_H
#define VMXAUDIT_REPORT_TEXT_H
#include "cli.h"
void cli_print_report(FILE *out, const vxa_case *c, const vxa_report *r, vxa_model model,
                      const bool *highlight, bool quiet);
void cli_field_bits(char *buf, size_t n, vxa_field f, uint64_t mask);
#endif
