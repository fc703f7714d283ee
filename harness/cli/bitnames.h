/* bitnames.h — human names of the bits of registers and access rights, for `profile show` and
 * the text report (the control bits' names are in the engine's controls.def). */
#ifndef VMXAUDIT_BITNAMES_H
#define VMXAUDIT_BITNAMES_H
#include "vmxaudit/vmxaudit.h"

/* Names of the bits of a value of that kind: access rights, CR0, CR4, EFER, RFLAGS (NULL for
 * other kinds and unnamed bits). */
const char *regbit_name(vxa_value_kind k, unsigned bit);
#endif
