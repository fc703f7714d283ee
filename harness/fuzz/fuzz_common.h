/* fuzz_common.h — helpers shared by the fuzz targets. */
#ifndef VMXAUDIT_FUZZ_COMMON_H
#define VMXAUDIT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "vmxaudit/binary.h"

/* Aborts with a message (the fuzzer records the input). */
void fuzz_die(const char *why) __attribute__((noreturn));
/* NULL if the outcome follows from the violations (design §3.3), else why not. */
const char *fuzz_outcome_inconsistent(const vxa_report *r, const vxa_entry *e);
/* Marks seen-failing / seen-passing per check (see fuzz_audit.c). */
void fuzz_count_checks(const vxa_report *r, uint8_t *counters);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
