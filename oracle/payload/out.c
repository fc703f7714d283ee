/* out.c — buffered output to port 0xE9 (Bochs port_e9_hack; a KVM host sees I/O exits), copied
 * into a host's buffer when one is given (a UEFI loader: it has no port 0xE9 to read). */
#include "out.h"
#include "payload_abi.h"
#include "x86.h"

static char buf[256];
static unsigned len;
static char *host_buf;
static uint64_t host_size, *host_len;
static int muted;

void out_to_buffer(char *b, uint64_t size, uint64_t *used)
{
    host_buf = b;
    host_size = size;
    host_len = used;
}

void out_mute(int on)
{
    out_flush();
    muted = on;
}

void out_flush(void)
{
    outsb(VXA_E9_PORT, buf, len);   /* one REP OUTSB per buffer */
    for (unsigned i = 0; host_buf && i < len && *host_len < host_size; i++)
        host_buf[(*host_len)++] = buf[i];
    len = 0;
}

void out_char(char c)
{
    if (muted) return;
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

/* Bochs ends the simulation on the bytes "Shutdown" at port 0x8900; then stop for good.  On a
 * real machine (a UEFI loader's boot block, out_reset_on_shutdown) the payload gets here only
 * when its own context is lost: a reset through the reset control register (port 0xCF9,
 * full reset) lets the loader resume and record the case in flight as machine_reset. */
static int reset_on_shutdown;
void out_reset_on_shutdown(void) { reset_on_shutdown = 1; }

void vxa_shutdown(void)
{
    static const char s[] = "Shutdown";
    if (reset_on_shutdown) {
        outb(0xcf9, 0x02);
        outb(0xcf9, 0x0e);
    }
    outsb(0x8900, s, sizeof s - 1);
    for (;;) __asm__ volatile("cli; hlt");
}
