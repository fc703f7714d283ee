/* out.h — report lines over I/O port 0xE9 (format: oracle/common/payload_abi.h). */
#ifndef VXA_OUT_H
#define VXA_OUT_H

#include <stdint.h>

void out_str(const char *s);
void out_char(char c);
void out_hex(uint64_t v);            /* lower-case hex, no 0x, no padding */
void out_end(void);                  /* '\n' and flush */
void out_flush(void);
__attribute__((noreturn)) void vxa_shutdown(void);

#endif
