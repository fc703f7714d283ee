/* bitnames.h — human names of the bits of VMX control words and registers (SDM 25.6-25.8,
 * Appendix A), for `profile show` and the text report. */
#ifndef VMXAUDIT_BITNAMES_H
#define VMXAUDIT_BITNAMES_H
#include "vmxaudit/vmxaudit.h"

typedef struct bitname { unsigned bit; const char *name; } bitname;
/* Names of the word's bits, terminated by {0, NULL}. */
const bitname *bitnames_of(vxa_word w);
const char *bitname_of(vxa_word w, unsigned bit);
/* The control word a VMCS field holds (VXA_WORD_NONE for other fields). */
vxa_word control_word_of(vxa_field f);
/* Names of the bits of a value of that kind: access rights, CR0, CR4, EFER, RFLAGS (NULL for
 * other kinds and unnamed bits). */
const char *regbit_name(vxa_value_kind k, unsigned bit);
#endif
