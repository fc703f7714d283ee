/* kvm_fake_guest.c — a stand-in for the payload's 64-bit runner that needs no VMX: it reads the
 * case batch (oracle/common/payload_abi.h) and reports each case over port 0xE9 in the payload's
 * format, so the KVM backend's crash and hang isolation can be tested on any KVM.
 *
 * A case's `instruction` byte picks what the fake does:
 *   0, 1   "@R id vmfail_invalid"
 *   0xfe   triple fault (empty IDT, then #UD)
 *   0xfd   hang (spin forever)
 *   0xfc   die like the payload's fault handler: "@H fault ..." then "Shutdown" to port 0x8900
 * Entered in 64-bit mode at vxa_entry64 with a stack (the host's boot stack).
 */
#include <stdint.h>
#include "payload_abi.h"

static char buf[256];
static unsigned len;

static void outsb(uint16_t port, const void *p, uint64_t n)
{
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}

static void put(char c)
{
    if (len < sizeof buf) buf[len++] = c;
}

static void puts_(const char *s)
{
    while (*s) put(*s++);
}

static void hex(uint64_t v)
{
    char t[16];
    int n = 0;
    do { t[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    while (n) put(t[--n]);
}

static void end(void)
{
    put('\n');
    outsb(VXA_E9_PORT, buf, len);
    len = 0;
}

static __attribute__((noreturn)) void shutdown(void)
{
    outsb(0x8900, "Shutdown", 8);
    for (;;) __asm__ volatile("cli; hlt");
}

void vxa_entry64(void) __attribute__((noreturn));
void vxa_entry64(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    puts_("@H fake-guest cpuid 1 0 ");
    hex(a); put(' '); hex(b); put(' '); hex(c); put(' '); hex(d);
    end();
    puts_("@H ready");
    end();
    const struct vxa_batch_header *h = (const void *)(uintptr_t)VXA_BATCH_BASE;
    if (h->magic == VXA_BATCH_MAGIC) {
        const uint8_t *p = (const uint8_t *)(h + 1);
        for (uint32_t i = 0; i < h->count; i++) {
            const struct vxa_batch_case *k = (const void *)p;
            puts_("@B "); hex(k->id); end();
            switch (k->instruction) {
            case 0xfe: {
                struct __attribute__((packed)) { uint16_t l; uint64_t b; } z = { 0, 0 };
                __asm__ volatile("lidt %0; ud2" :: "m"(z));
                break;
            }
            case 0xfd:
                for (;;) __asm__ volatile("pause");
            case 0xfc:
                puts_("@H fault vec=d err=0 rip=1000000 cr2=0"); end();
                shutdown();
            default:
                puts_("@R "); hex(k->id); puts_(" vmfail_invalid"); end();
            }
            p += k->size;
        }
    }
    puts_("@E done");
    end();
    shutdown();
}
