/* out.c — buffered output to port 0xE9 (Bochs port_e9_hack; a KVM host sees I/O exits). */
#include "out.h"
#include "payload_abi.h"
#include "x86.h"

static char buf[256];
static unsigned len;

void out_flush(void)
{
    outsb(VXA_E9_PORT, buf, len);   /* one REP OUTSB per buffer */
    len = 0;
}

void out_char(char c)
{
    if (len == sizeof buf) out_flush();
    buf[len++] = c;
}

void out_str(const char *s)
{
    while (*s) out_char(*s++);
}

void out_hex(uint64_t v)
{
    char t[16];
    int n = 0;
    do { t[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    while (n) out_char(t[--n]);
}

void out_end(void)
{
    out_char('\n');
    out_flush();
}

/* Bochs ends the simulation on the bytes "Shutdown" at port 0x8900; then stop for good. */
void vxa_shutdown(void)
{
    static const char s[] = "Shutdown";
    outsb(0x8900, s, sizeof s - 1);
    for (;;) __asm__ volatile("cli; hlt");
}
