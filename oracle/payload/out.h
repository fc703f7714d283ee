/* out.h — report lines over I/O port 0xE9 (format: oracle/common/payload_abi.h), and into a
 * host's buffer when a boot block gives one. */
#ifndef VXA_OUT_H
#define VXA_OUT_H

#include <stdint.h>

void out_str(const char *s);
void out_char(char c);
void out_hex(uint64_t v);            /* lower-case hex, no 0x, no padding */
void out_end(void);                  /* '\n' and flush */
void out_flush(void);
void out_to_buffer(char *buf, uint64_t size, uint64_t *len);   /* also append lines there */
void out_mute(int on);                /* while on, nothing is reported */
__attribute__((noreturn)) void vxa_shutdown(void);
void out_reset_on_shutdown(void);     /* vxa_shutdown() resets the machine (bare metal) */

#endif
