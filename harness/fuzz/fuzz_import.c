/* fuzz_import.c — the text importers (engine/src/codec/import_*.c) on arbitrary bytes.  The
 * first byte picks the format: 0 WinDbg rdmsr, 1 msr-tools rdmsr, 2 KVM dump_vmcs (dmesg),
 * 3 Xen vmcs dump, 4 vmwrite trace/list, 5 QEMU register dump; the rest is the text, which the format detection also reads.  Invariants: bad input is rejected with a message
 * (never a crash); the same input imports the same way twice; what an importer accepts audits
 * (a profile: its sanity check and the audit of the linux64-free empty layout; a dump: the
 * layout on a bundled profile) without crash and consistently. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#include "vmxaudit/codec.h"
#include "vmxaudit/import.h"

static vxa_report r;

static void audit_consistent(const vxa_profile *p, const vxa_vmcs *v)
{
    vxa_entry e;
    vxa_entry_init(&e);
    vxa_input in = { p, v, &e, NULL, VXA_MODEL_SDM };
    vxa_audit(&in, &r);
    const char *why = fuzz_outcome_inconsistent(&r, &e);
    if (why) fuzz_die(why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned fmt = data[0] % 6;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    vxa_error err;
    memset(&err, 0, sizeof err);
    /* format detection on every input: it names one of the importers, or none, never crashes */
    const char *d = vxa_detect_dump_format(text, len), *m = vxa_detect_msr_format(text, len);
    if (d && strcmp(d, "kvm-dmesg") && strcmp(d, "xen") && strcmp(d, "vmwrite") && strcmp(d, "qemu")) fuzz_die("detect: unknown dump format");
    if (m && strcmp(m, "windbg") && strcmp(m, "msr-tools") && strcmp(m, "uefi-results"))
        fuzz_die("detect: unknown MSR format");
    (void)vxa_text_problem(text, len);
    if (fmt < 2) {
        static vxa_profile p, q;
        vxa_msr_import info;
        vxa_profile_init(&p);
        vxa_profile_init(&q);
        int rc = fmt == 0 ? vxa_import_windbg(text, len, "<fuzz>", &p, &info, &err)
                          : vxa_import_msrtools(text, len, "<fuzz>", &p, &info, &err);
        if (rc) {
            if (!err.message[0]) fuzz_die("import: profile rejected without a message");
            return 0;
        }
        int rc2 = fmt == 0 ? vxa_import_windbg(text, len, "<fuzz>", &q, &info, &err)
                           : vxa_import_msrtools(text, len, "<fuzz>", &q, &info, &err);
        if (rc2 || memcmp(p.msr, q.msr, sizeof p.msr) || p.msr_present != q.msr_present)
            fuzz_die("import: the same text imports two ways");
        vxa_profile_warning w[32];
        vxa_profile_check(&p, w, 32);
        static vxa_vmcs empty;
        vxa_vmcs_init(&empty);
        audit_consistent(&p, &empty);
        return 0;
    }
    static vxa_vmcs v, v2;
    vxa_dump_info info;
    vxa_vmcs_init(&v);
    vxa_vmcs_init(&v2);
    int rc = fmt == 2 ? vxa_import_kvm_dmesg(text, len, "<fuzz>", &v, &info, &err)
           : fmt == 4 ? vxa_import_vmwrite(text, len, "<fuzz>", &v, &info, &err)
           : fmt == 5 ? vxa_import_qemu(text, len, "<fuzz>", &v, &info, &err)
                      : vxa_import_xen(text, len, "<fuzz>", &v, &info, &err);
    if (rc) {
        if (!err.message[0]) fuzz_die("import: dump rejected without a message");
        return 0;
    }
    int rc2 = fmt == 2 ? vxa_import_kvm_dmesg(text, len, "<fuzz>", &v2, &info, &err)
            : fmt == 4 ? vxa_import_vmwrite(text, len, "<fuzz>", &v2, &info, &err)
           : fmt == 5 ? vxa_import_qemu(text, len, "<fuzz>", &v2, &info, &err)
                       : vxa_import_xen(text, len, "<fuzz>", &v2, &info, &err);
    if (rc2 || memcmp(&v, &v2, sizeof v)) fuzz_die("import: the same dump imports two ways");
    static vxa_profile p;
    static bool loaded;
    if (!loaded) {   /* one bundled profile for every input (the dump carries no capabilities) */
        vxa_error e;
        if (vxa_profile_load("il-xeon-8180-skylake-sp", &p, NULL, &e)) vxa_profile_init(&p);
        loaded = true;
    }
    audit_consistent(&p, &v);
    return 0;
}
