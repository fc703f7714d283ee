/* import_detect.c — which importer a text is for, from what it holds (docs/importers.md):
 * `vmxaudit import FILE` and `vmxaudit profile import FILE` without --format.  The text is read
 * through the normalisation layer, so a quoted or prefixed dump is recognised as its format. */
#include <ctype.h>
#include <string.h>
#include "import_internal.h"

static bool starts(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

const char *vxa_text_problem(const char *text, size_t len)
{
    if (!len) return "the file is empty: no dump in it";
    size_t ctl = 0, ws = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!c) return "binary data, not a text dump (a NUL byte)";
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v') ctl++;
        if (isspace(c)) ws++;
    }
    if (ctl * 20 > len) return "binary data, not a text dump (control characters)";
    if (ws == len) return "the file holds only white space: no dump in it";
    return NULL;
}

const char *vxa_detect_dump_format(const char *text, size_t len)
{
    vxa_ntext t;
    if (vxa_normalize(text, len, &t)) return NULL;
    bool guest = false, qemu_fail = false;
    int xen = 0, kvm = 0, qemu = 0, vmwrite = 0;
    for (unsigned i = 0; i < t.n; i++) {
        const char *s = t.line[i].s;
        if (strstr(s, "*** Guest State ***")) guest = true;
        if (strstr(s, "KVM: entry failed, hardware error")) qemu_fail = true;
        /* Xen's spellings */
        if (strstr(s, "EFER(VMCS)") || starts(s, "PDPTE0") || strstr(s, "VMfunc controls") ||
            strstr(s, "PreemptionTimer") || (starts(s, "sel ") && strstr(s, "attr")) ||
            strstr(s, "vmentry failure (reason") || strstr(s, "VMCS Area"))
            xen++;
        /* KVM's */
        if (starts(s, "PDPTR0") || strstr(s, "SVI|RVI") || strstr(s, "virt-APIC addr") ||
            strstr(s, "APIC-access addr") || strstr(s, "last attempted VM-entry") || starts(s, "EFER= "))
            kvm++;
        /* QEMU's register dump: "RAX=... RBX=...", "ES =0000 ...", "CR0=... CR2=..." */
        if ((starts(s, "RAX=") && strstr(s, "RBX=")) || (starts(s, "EAX=") && strstr(s, "EBX=")) ||
            (starts(s, "CR0=") && strstr(s, "CR2=")) || starts(s, "GDT=") || starts(s, "EFER="))
            qemu++;
        if (vxa_vmwrite_line_like(s)) vmwrite++;
    }
    size_t xen_raw = 0;
    for (size_t i = 0; i + 5 <= len && !xen_raw; i++)
        if (!memcmp(text + i, "(XEN)", 5)) xen_raw = 1;
    vxa_ntext_free(&t);
    if (guest) return xen + (int)xen_raw * 2 > kvm ? "xen" : "kvm-dmesg";
    if (qemu >= 2 || (qemu_fail && qemu)) return "qemu";
    if (vmwrite) return "vmwrite";
    return NULL;
}

const char *vxa_detect_msr_format(const char *text, size_t len)
{
    static const char results[] = "vmxaudit-results 1";   /* text need not be NUL-terminated */
    for (size_t i = 0; i + sizeof results - 1 <= len; i++)
        if (!memcmp(text + i, results, sizeof results - 1)) return "uefi-results";
    vxa_ntext t;
    if (vxa_normalize(text, len, &t)) return NULL;
    const char *r = NULL;
    for (unsigned i = 0; i < t.n; i++) {   /* WinDbg's "kd> rdmsr 480" prompts say rdmsr too */
        const char *s = t.line[i].s;
        if (starts(s, "msr[") && strchr(s, '=')) { r = "windbg"; break; }
        if (strstr(s, "rdmsr ") || (starts(s, "0x48") && isxdigit((unsigned char)s[4]) &&
                                    (s[5] == ' ' || s[5] == ':')))
            r = "msr-tools";
    }
    vxa_ntext_free(&t);
    return r;
}
