/* cmd_import.c — `vmxaudit import` (a hypervisor's VMCS dump -> case) and `vmxaudit profile
 * import` (capability-MSR dumps -> profile).  What a dump lacks is reported, never made up. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "vmxaudit/import.h"
#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

char *vxa_read_text_file(const char *path, size_t *len, vxa_error *err);

static int write_out(const char *cmd, const char *outp, const char *text, bool force)
{
    return cli_write_output(cmd, outp ? outp : "-", text, force);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
#ifdef _WIN32
    const char *w = strrchr(path, '\\');
    if (w && (!b || w > b)) b = w;
#endif
    return b ? b + 1 : path;
}

/* The dump's text, or NULL after saying why not (cannot read it, empty, binary). */
static char *read_dump(const char *path, size_t *len)
{
    vxa_error e;
    const char *fname = strcmp(path, "-") ? path : "<stdin>";
#ifndef _WIN32
    struct stat st;
    bool fifo = strcmp(path, "-") && !stat(path, &st) && S_ISFIFO(st.st_mode);
#else
    bool fifo = false;
#endif
    char *text = vxa_read_text_file(path, len, &e);
    if (!text) { cli_input_error(&e); return NULL; }
    const char *why = vxa_text_problem(text, *len);
    if (why) {
        fprintf(stderr, "vmxaudit: %s: %s%s\n", fname, why,
                fifo && !*len ? " (a FIFO: nothing was written to it before its writer closed it)" : "");
        free(text);
        return NULL;
    }
    return text;
}

typedef struct import_opts { const char *format, *profile, *output, *name; bool force; } import_opts;
#define O(f) .offset = offsetof(import_opts, f)

static const cli_option import_options[] = {
    { "format", 0, CLI_TEXT, .values = "kvm-dmesg|xen|qemu|vmwrite", O(format),
      .help = "the dump's format (default: recognised from the text; MSR dumps: 'vmxaudit profile import')" },
    { "profile", 0, CLI_TEXT, "P", .complete = CLI_C_PROFILE, .required = true, O(profile),
      .help = "the CPU's profile: a bundled name, or a file from 'vmxaudit profile import'" },
    { "output", 'o', CLI_TEXT, "OUT", .complete = CLI_C_FILE, O(output),
      .help = "write the case to OUT (default: standard output)" },
    { "name", 0, CLI_TEXT, "NAME", O(name), .help = "the case's name (default: the dump's file name)" },
    CLI_FORCE_OPTION(import_opts),
    { 0 } };

static int import_run(const void *opts, int argc, char **argv)
{
    const import_opts *o = opts;
    const char *format = o->format, *path = argv[0], *profile = o->profile, *outp = o->output, *name = o->name;
    (void)argc;
    vxa_case c;
    vxa_case_init(&c);
    vxa_error e;
    if (vxa_case_set_profile(&c, profile, &e)) { vxa_case_free(&c); return cli_input_error(&e); }
    int rc;
    size_t len;
    char *text = read_dump(path, &len);
    if (!text) { vxa_case_free(&c); return EXIT_USAGE; }
    const char *fname = strcmp(path, "-") ? path : "<stdin>";
    if (!format) {
        if (!(format = vxa_detect_dump_format(text, len))) {
            fprintf(stderr, "vmxaudit: %s:1: no VMCS dump recognised: expected KVM's dump_vmcs text "
                    "(\"*** Guest State ***\" ... in dmesg), Xen's VMCS dump ('xl debug-keys v; "
                    "xl dmesg'), QEMU's register dump after 'KVM: entry failed' or a vmwrite trace or field list ('vmwrite(GUEST_CR0, 0x80050033)', "
                    "'GUEST_CR0 = 0x80050033'); give --format to force one\n", fname);
            free(text);
            vxa_case_free(&c);
            return EXIT_USAGE;
        }
        fprintf(stderr, "vmxaudit import: %s: recognised as %s (--format forces another)\n", fname, format);
    }
    bool kvm = !strcmp(format, "kvm-dmesg");
    static vxa_dump_info info;
    rc = kvm ? vxa_import_kvm_dmesg(text, len, fname, &c.vmcs, &info, &e)
         : !strcmp(format, "vmwrite") ? vxa_import_vmwrite(text, len, fname, &c.vmcs, &info, &e)
         : !strcmp(format, "qemu") ? vxa_import_qemu(text, len, fname, &c.vmcs, &info, &e)
         : vxa_import_xen(text, len, fname, &c.vmcs, &info, &e);
    free(text);
    if (rc) { vxa_case_free(&c); return cli_input_error(&e); }

    /* The VM-entry MSR-load list: its entries are in the dump, its address is not. */
    if (info.nmsrs) {
        const uint64_t at = 0x10000;   /* inside the case arena (docs/formats.md) */
        c.memory = calloc(1, sizeof *c.memory);
        c.memory[0].address = at;
        c.memory[0].length = info.nmsrs * 16;
        c.memory[0].data = calloc(info.nmsrs, 16);
        for (unsigned i = 0; i < info.nmsrs; i++)   /* SDM 25.7.2: index, reserved, value */
            for (unsigned k = 0; k < 8; k++) {
                c.memory[0].data[16 * i + k] = (uint8_t)(k < 4 ? info.msr_index[i] >> (8 * k)
                                                         : i ? 0 : info.msr_mbz >> (8 * (k - 4)));
                c.memory[0].data[16 * i + 8 + k] = (uint8_t)(info.msr_value[i] >> (8 * k));
            }
        c.nmemory = 1;
        vxa_set(&c.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_COUNT, info.nmsrs);
        if (!vxa_is_set(&c.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR)) vxa_set(&c.vmcs, VXA_F_VM_ENTRY_MSR_LOAD_ADDR, at);
        fprintf(stderr, "vmxaudit import: note: %s: the %u-entry VM-entry MSR-load list is placed at "
                "0x%llx (the dump does not print its address)\n", fname, info.nmsrs, (unsigned long long)at);
        if (info.msr_failed_entry)
            fprintf(stderr, "vmxaudit import: note: %s: Xen printed only the MSR-load entry that failed "
                    "(entry %u of the list, exit qualification %u): the case's list holds that entry "
                    "alone (MSR 0x%x, value 0x%llx), so its qualification is 1\n", fname,
                    info.msr_failed_entry - 1, info.msr_failed_entry, info.msr_index[0],
                    (unsigned long long)info.msr_value[0]);
    }
    for (unsigned i = 0; i < info.nwarnings && i < VXA_DUMP_MAX_WARNINGS; i++)
        fprintf(stderr, "vmxaudit import: warning: %s:%u: %s\n", fname, info.warning[i].line, info.warning[i].text);
    if (info.nwarnings > VXA_DUMP_MAX_WARNINGS)
        fprintf(stderr, "vmxaudit import: warning: %s: %u more lines not understood\n", fname,
                info.nwarnings - VXA_DUMP_MAX_WARNINGS);
    if (info.nfields * 2 < info.nexpected)
        fprintf(stderr, "vmxaudit import: WARNING: %s: only %u fields read from the dump at line %u, of "
                "about %u a complete %s dump gives: the text is cut or mangled (see the warnings), or "
                "not this format; the audit of such a case is not meaningful\n", fname, info.nfields,
                info.line, info.nexpected, format);
    if (info.ndumps > 1)
        fprintf(stderr, "vmxaudit import: note: %s: %u dumps in the text; imported the last of the most complete, at line %u\n",
                fname, info.ndumps, info.line);
    if (info.efer_not_vmcs)
        fprintf(stderr, "vmxaudit import: note: %s: the guest EFER is printed as computed by KVM "
                "(\"effective\"/\"autoload\"): GUEST_IA32_EFER is not loaded on entry and is not imported\n", fname);

    /* Dumps print some fields whatever the CPU has (Xen: VMREAD of a missing field reads 0): a 0
     * in a field this CPU does not have is dropped, anything else is kept (VMWRITE error 12). */
    unsigned ndropped = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_is_set(&c.vmcs, (vxa_field)f) && !c.vmcs.value[f] &&
            vxa_field_exists(&c.profile, (vxa_field)f) == 0) {
            if (!ndropped++) fprintf(stderr, "vmxaudit import: note: %s: printed as 0 but absent on this "
                                     "CPU, left out:", fname);
            fprintf(stderr, " %s", vxa_field_get((vxa_field)f)->name);
            vxa_unset(&c.vmcs, (vxa_field)f);
        }
    if (ndropped) fprintf(stderr, "\n");

    /* A field the dump never printed is not captured, never 0 (docs/outcome-model.md).  One
     * exception by convention: KVM and Xen write VMCS_LINK_POINTER as ~0 unless VMCS shadowing is
     * on, and neither prints it; where the dump shows shadowing off, ~0 is filled in as assumed. */
    if ((kvm || !strcmp(format, "xen")) && !vxa_is_set(&c.vmcs, VXA_F_VMCS_LINK_POINTER) &&
        vxa_is_set(&c.vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL)) {
        uint64_t proc = vxa_get(&c.vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL);
        bool sec = vxa_is_set(&c.vmcs, VXA_F_SECONDARY_VM_EXEC_CONTROL);
        uint64_t proc2 = sec ? vxa_get(&c.vmcs, VXA_F_SECONDARY_VM_EXEC_CONTROL) : 0;
        /* SDM 25.6.2: "activate secondary controls" is bit 31, "VMCS shadowing" secondary bit 14 */
        bool off = !((proc >> 31) & 1) || (sec && !((proc2 >> 14) & 1));
        if (off) {
            char why[200];
            snprintf(why, sizeof why, "%s writes the VMCS link pointer as ~0 unless VMCS shadowing is on, "
                     "and the dump shows it off; the dump does not print the field", kvm ? "KVM" : "Xen");
            vxa_case_set_assumed(&c, VXA_F_VMCS_LINK_POINTER, ~0ULL, why);
            fprintf(stderr, "vmxaudit import: note: %s: VMCS_LINK_POINTER = 0xffffffffffffffff is assumed: %s\n",
                    fname, why);
        }
    }
    /* QEMU prints the guest's CR0/CR4 as KVM shows them to the guest, not the VMCS fields: in the
     * VMCS, KVM always keeps CR0.NE and CR4.VMXE set, which VMX operation fixes to 1 (SDM 24.8,
     * IA32_VMX_CR0_FIXED0/CR4_FIXED0).  A printed 0 there is filled in as 1, assumed. */
    if (!strcmp(format, "qemu")) {
        static const struct { vxa_field f; uint64_t bit; const char *why; } owned[] = {
            { VXA_F_GUEST_CR0, 1u << 5, "QEMU prints the guest's CR0 (NE clear); KVM keeps CR0.NE (bit 5) "
              "set in the VMCS, as VMX operation requires" },
            { VXA_F_GUEST_CR4, 1u << 13, "QEMU prints the guest's CR4 (VMXE clear); KVM keeps CR4.VMXE (bit "
              "13) set in the VMCS, as VMX operation requires" },
        };
        for (unsigned i = 0; i < sizeof owned / sizeof owned[0]; i++) {
            if (!vxa_is_set(&c.vmcs, owned[i].f) || vxa_get(&c.vmcs, owned[i].f) & owned[i].bit) continue;
            uint64_t val = vxa_get(&c.vmcs, owned[i].f) | owned[i].bit;
            vxa_case_set_assumed(&c, owned[i].f, val, owned[i].why);
            fprintf(stderr, "vmxaudit import: note: %s: %s = 0x%llx is assumed: %s\n", fname,
                    vxa_field_get(owned[i].f)->name, (unsigned long long)val, owned[i].why);
        }
    }
    /* The fields the rules read that the dump lacks: reported, never invented. */
    static vxa_report r;
    uint8_t reads[(VXA_FIELD_COUNT + 7) / 8] = { 0 };
    vxa_memory mem = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, VXA_MODEL_SDM, reads };
    vxa_audit(&in, &r);
    cJSON *missing = cJSON_CreateArray();
    unsigned nmiss = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if ((reads[f >> 3] >> (f & 7)) & 1u && !vxa_is_set(&c.vmcs, (vxa_field)f)) {
            const char *fn = vxa_field_get((vxa_field)f)->name;
            if (!nmiss++) fprintf(stderr, "vmxaudit import: note: %s: the dump does not give these fields "
                                  "the rules read; they are not captured (the rules that need them are "
                                  "undetermined in 'check'):\n ", fname);
            fprintf(stderr, " %s", fn);
            cJSON_AddItemToArray(missing, cJSON_CreateString(fn));
        }
    if (nmiss) fprintf(stderr, "\n");

    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (!vxa_is_set(&c.vmcs, (vxa_field)f)) vxa_set_not_captured(&c.vmcs, (vxa_field)f);

    cJSON *doc = cJSON_CreateObject(), *imp = cJSON_CreateObject();
    cJSON_AddStringToObject(imp, "format", format);
    cJSON_AddStringToObject(imp, "file", base_name(fname));
    cJSON_AddNumberToObject(imp, "line", info.line);
    cJSON_AddNumberToObject(imp, "fields", info.nfields);
    if (info.has_exit) {
        char b[24];
        snprintf(b, sizeof b, "0x%x", info.exit_reason);
        cJSON_AddStringToObject(imp, "exit_reason", b);
        snprintf(b, sizeof b, "0x%llx", (unsigned long long)info.exit_qualification);
        if (!info.exit_qualification_unknown) cJSON_AddStringToObject(imp, "exit_qualification", b);
    }
    if (info.vm_instruction_error) cJSON_AddNumberToObject(imp, "vm_instruction_error", info.vm_instruction_error);
    cJSON_AddItemToObject(imp, "missing", missing);
    if (info.nwarnings) {
        cJSON *w = cJSON_AddArrayToObject(imp, "warnings");
        for (unsigned i = 0; i < info.nwarnings && i < VXA_DUMP_MAX_WARNINGS; i++) {
            char b[260];
            snprintf(b, sizeof b, "line %u: %s", info.warning[i].line, info.warning[i].text);
            cJSON_AddItemToArray(w, cJSON_CreateString(b));
        }
    }
    cJSON_AddItemToObject(doc, "import", imp);
    c.json = doc;
    char nm[300];
    snprintf(nm, sizeof nm, "%s", name ? name : base_name(fname));
    char *dot = strrchr(nm, '.');
    if (!name && dot && dot != nm) *dot = 0;
    c.name = strdup(nm);
    char *s = vxa_case_to_json(&c);
    rc = write_out("import", outp, s, o->force);
    free(s);
    if (!rc && (info.vm_instruction_error == 7 || info.vm_instruction_error == 8))
        fprintf(stderr, "vmxaudit import: the dump records a failed %s (VM-instruction error %u): "
                "vmxaudit check %s --observed %u\n", "VMLAUNCH/VMRESUME", info.vm_instruction_error,
                outp && strcmp(outp, "-") ? outp : "CASE", info.vm_instruction_error);
    else if (!rc && info.has_exit) {
        if (info.msr_failed_entry && (info.exit_reason & 0xffff) == 34) info.exit_qualification = 1;
        unsigned reason = info.exit_reason & 0xffff;
        bool failed = (info.exit_reason >> 31) & 1;
        if (failed && (reason == 33 || reason == 34) && info.exit_qualification_unknown)
            fprintf(stderr, "vmxaudit import: the dump records a failed VM entry (exit reason 0x%x; "
                    "the qualification is not printed): vmxaudit check %s --observed %u\n", info.exit_reason,
                    outp && strcmp(outp, "-") ? outp : "CASE", reason);
        else if (failed && (reason == 33 || reason == 34))
            fprintf(stderr, "vmxaudit import: the dump records a failed VM entry (exit reason 0x%x, "
                    "qualification %llu): vmxaudit check %s --observed %u --qualification %llu\n",
                    info.exit_reason, (unsigned long long)info.exit_qualification,
                    outp && strcmp(outp, "-") ? outp : "CASE", reason,
                    (unsigned long long)info.exit_qualification);
    }
    vxa_case_free(&c);
    return rc;
}

const cli_command cli_cmd_import = { "import", "FILE|-", "a case from KVM's (dmesg) or Xen's VMCS dump",
    .description =
    "Turns the VMCS dump a hypervisor printed after a failed VM entry into a case that 'vmxaudit\n"
    "check' audits: kvm-dmesg is KVM's dump_vmcs text from dmesg (\"*** Guest State ***\", ...),\n"
    "xen is Xen's VMCS dump ('xl debug-keys v; xl dmesg'), qemu is QEMU's register dump after\n"
    "'KVM: entry failed, hardware error 0x...' (guest registers only), vmwrite is a trace or list of VMCS\n"
    "writes (vmwrite(GUEST_CR0, 0x80050033), GUEST_CR0 = 0x..., the output of the logging hook\n"
    "engine/examples/vmwrite_log.h; lines it cannot evaluate are listed).  The format is recognised from the text\n"
    "unless --format forces one.  Text as pasted is fine: mail quoting, syslog/journalctl/dmesg\n"
    "prefixes, (XEN), Unicode spaces, CRLF and wrapped lines are undone (docs/importers.md); lines\n"
    "inside the dump that are not understood are reported with their line, text around it is\n"
    "ignored.  If the text holds several dumps the last of the most complete is used.  The dump has no capability MSRs:\n"
    "--profile gives the CPU's.  Fields the dump does not print are not captured in the case\n"
    "(\"not_captured\": the rules that need them are undetermined, never violated); those the rules\n"
    "read are listed on stderr.  KVM's and Xen's link pointer, never printed, is filled in as ~0 and\n"
    "marked assumed where the dump shows VMCS shadowing off.  The dump's VM-exit reason\n"
    "and qualification are kept in the case under \"import\", and the matching 'check --observed'\n"
    "line is suggested.\n",
    .exit_status = "0 imported, 2 bad input (file, line and what was expected on stderr).",
    .options = import_options, .size = sizeof(import_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_FILE, .run = import_run };

/* ---- profile import ---- */

/* msr-device: what the rules read besides the MSRs, from the same machine's CPUID through the
 * Linux cpuid device (cpuid(4): 16 bytes EAX, EBX, ECX, EDX read at offset = leaf | subleaf << 32),
 * /dev/cpu/N/cpuid beside /dev/cpu/N/msr: MAXPHYADDR and the linear-address width (CPUID
 * 80000008H:EAX[7:0], [15:8]) and the features of cpuid.def.  0, or -1 if it cannot be read. */
static int read_cpuid_dev(const char *path, vxa_profile *p, char *said, size_t n)
{
#ifdef _WIN32
    (void)path, (void)p, (void)said, (void)n;
    return -1;
#else
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    uint32_t r[4];   /* little-endian x86: the device's bytes are the registers */
#define LEAF(leaf, sub) (pread(fd, r, 16, (off_t)((uint64_t)(leaf) | (uint64_t)(sub) << 32)) == 16)
    uint32_t max_basic = LEAF(0, 0) ? r[0] : 0, max_ext = LEAF(0x80000000u, 0) ? r[0] : 0;
    uint32_t max_sub7 = max_basic >= 7 && LEAF(7, 0) ? r[0] : 0;
    if (!max_basic) { close(fd); return -1; }
    size_t used = 0;
    if (max_ext >= 0x80000008u && LEAF(0x80000008u, 0)) {
        unsigned pa = r[0] & 0xff, la = (r[0] >> 8) & 0xff;
        if (pa >= 32 && pa <= 52) p->maxphyaddr = (uint8_t)pa, p->maxphyaddr_default = false;
        if (la == 48 || la == 57) p->linear_address_width = (uint8_t)la;
        used += (size_t)snprintf(said, n, "MAXPHYADDR %u, linear-address width %u", pa, la);
    }
    for (unsigned b = 0; b < VXA_CPUID_COUNT; b++) {
        const vxa_cpuid_info *ci = vxa_cpuid_get(b);
        bool ext = ci->leaf >= 0x80000000u;
        if (ext ? ci->leaf > max_ext : ci->leaf > max_basic) continue;   /* not reported: unknown */
        bool have = false;
        if (ci->leaf == 7 && ci->subleaf > max_sub7) have = false;      /* no such sub-leaf: absent */
        else if (LEAF(ci->leaf, ci->subleaf)) have = (r[ci->reg & 3] >> ci->bit) & 1;
        else continue;
        p->cpuid_known |= 1u << b;
        if (have) p->cpuid |= 1u << b;
        else p->cpuid &= ~(1u << b);
        if (have && used < n) used += (size_t)snprintf(said + used, n - used, ", %s", ci->name);
    }
#undef LEAF
    close(fd);
    return 0;
#endif
}

typedef struct pimport_opts {
    const char *format, *output, *name, *msr_path, *cpuid_path;
    cli_uint maxphyaddr, cpu;
    bool force;
} pimport_opts;
#undef O
#define O(f) .offset = offsetof(pimport_opts, f)

static const cli_option pimport_options[] = {
    { "format", 0, CLI_TEXT, .values = "windbg|msr-tools|msr-device|uefi-results", O(format),
      .help = "the dump's format (see above; default: recognised from the file)" },
    { "name", 0, CLI_TEXT, "NAME", O(name), .help = "the profile's name (default: the dump's file name)" },
    { "maxphyaddr", 0, CLI_UINT, "N", .min = 32, .max = 52, .suggest = "36 39 46 48 52", O(maxphyaddr),
      .help = "the CPU's physical-address width, CPUID 80000008H:EAX[7:0]" },
    { "msr-path", 0, CLI_TEXT, "FILE", .complete = CLI_C_FILE, O(msr_path),
      .help = "msr-device: the file to read instead of /dev/cpu/0/msr" },
    { "cpuid-path", 0, CLI_TEXT, "FILE", .complete = CLI_C_FILE, O(cpuid_path),
      .help = "msr-device: the cpuid device to read (default: 'cpuid' beside the msr device)" },
    { "cpu", 0, CLI_UINT, "N", .max = 0xffffffff, O(cpu),
      .help = "uefi-results of a --cpus all run: logical CPU N's probe (default: the boot CPU's)" },
    { "output", 'o', CLI_TEXT, "OUT", .complete = CLI_C_FILE, O(output),
      .help = "write the profile to OUT (default: standard output)" },
    CLI_FORCE_OPTION(pimport_opts),
    { 0 } };

static int pimport_run(const void *opts, int argc, char **argv)
{
    const pimport_opts *po = opts;
    const char *format = po->format, *path = argc ? argv[0] : po->msr_path, *outp = po->output, *name = po->name;
    if (argc && po->msr_path) return cli_usage("profile import", "give FILE or --msr-path, not both");
    char *pre = NULL;   /* the text read to recognise its format */
    size_t prelen = 0;
    if (!format) {
#ifndef _WIN32
        struct stat st;
        if (!path || po->msr_path || (strcmp(path, "-") && !stat(path, &st) && S_ISCHR(st.st_mode))) {
            format = "msr-device";
        } else
#endif
        {
            if (!path) return cli_usage("profile import", "missing FILE (the dump, or - for stdin)");
            if (!(pre = read_dump(path, &prelen))) return EXIT_USAGE;
            if (!(format = vxa_detect_msr_format(pre, prelen))) {
                fprintf(stderr, "vmxaudit: %s:1: no capability-MSR dump recognised: expected WinDbg "
                        "'rdmsr' output (msr[480] = ...), an msr-tools transcript ('$ sudo rdmsr -a "
                        "0x480' and its values) or a vmxaudit RESULTS.TXT; give --format to force one\n",
                        strcmp(path, "-") ? path : "<stdin>");
                free(pre);
                return EXIT_USAGE;
            }
        }
        fprintf(stderr, "vmxaudit profile import: %s: recognised as %s (--format forces another)\n",
                path ? path : "/dev/cpu/0/msr", format);
        if (!strcmp(format, "uefi-results") && pre) { free(pre); pre = NULL; }
    }
    bool windbg = !strcmp(format, "windbg"), dev = !strcmp(format, "msr-device");
    if (!path && dev) path = "/dev/cpu/0/msr";
    if (!path) return cli_usage("profile import", "missing FILE (the dump, or - for stdin)");
    if (!strcmp(format, "uefi-results"))
        return cli_import_uefi_results(path, name, outp, po->cpu.set ? (long)po->cpu.v : -1);
    if (po->cpu.set) return cli_usage("profile import", "--cpu is for --format uefi-results");
    uint64_t mpa = po->maxphyaddr.set ? po->maxphyaddr.v : 0;

    vxa_profile p;
    vxa_msr_import info;
    vxa_error e;
    const char *fname = strcmp(path, "-") ? path : "<stdin>";
    int rc;
    if (dev) {
        rc = vxa_import_msr_device(path, &p, &info, &e);
#ifdef _WIN32
        if (rc) { cli_input_error(&e); return EXIT_UNAVAILABLE; }
#endif
    } else {
        size_t len = prelen;
        char *text = pre ? pre : vxa_read_text_file(path, &len, &e);
        if (!text) return cli_input_error(&e);
        rc = windbg ? vxa_import_windbg(text, len, fname, &p, &info, &e)
                    : vxa_import_msrtools(text, len, fname, &p, &info, &e);
        free(text);
    }
    if (rc) return cli_input_error(&e);

    char nm[300];
    snprintf(nm, sizeof nm, "%s", name ? name : base_name(fname));
    char *dot = strrchr(nm, '.');
    if (!name && dot && dot != nm) *dot = 0;
    char src[600];
    snprintf(src, sizeof src, "imported by vmxaudit profile import --format %s from %s", format, base_name(fname));
    bool from_cpuid = false;
    if (dev) {   /* the same CPU's CPUID: /dev/cpu/N/cpuid beside /dev/cpu/N/msr */
        char cpath[4200], said[400] = "";
        const char *slash = strrchr(path, '/');
        if (po->cpuid_path) snprintf(cpath, sizeof cpath, "%s", po->cpuid_path);
        else snprintf(cpath, sizeof cpath, "%.*scpuid", slash ? (int)(slash - path + 1) : 0, path);
        from_cpuid = !read_cpuid_dev(cpath, &p, said, sizeof said);
        if (from_cpuid) fprintf(stderr, "vmxaudit profile import: from %s: %s\n", cpath, said);
        else if (po->cpuid_path) {
            fprintf(stderr, "vmxaudit profile import: %s: cannot read the cpuid device\n", cpath);
            return EXIT_USAGE;
        } else
            fprintf(stderr, "vmxaudit profile import: note: no %s (modprobe cpuid): MAXPHYADDR, the "
                    "linear-address width and the CPUID features are not read\n", cpath);
    }
    if (mpa) {
        p.maxphyaddr = (uint8_t)mpa;
        p.maxphyaddr_default = false;
    }
    const vxa_profile_about about = { nm, NULL, src };
    char *s = vxa_profile_to_json(&p, &about);
    rc = write_out("profile import", outp, s, po->force);
    free(s);
    fprintf(stderr, "vmxaudit profile import: %u of %u VMX capability MSRs captured", info.ncaptured, VXA_MSR_COUNT);
    if (info.nignored) fprintf(stderr, ", %u other MSR%s ignored", info.nignored, info.nignored == 1 ? "" : "s");
    if (info.ncpus > 1) fprintf(stderr, ", %u CPUs agree", info.ncpus);
    fprintf(stderr, "\n");
    vxa_profile_warning w[32];
    unsigned nw = vxa_profile_check(&p, w, 32);
    for (unsigned i = 0; i < nw && i < 32; i++)
        if (w[i].issue == VXA_PI_ADVERTISED_MISSING || w[i].issue == VXA_PI_NO_BASIC)
            fprintf(stderr, "vmxaudit profile import: warning: %s (0x%x) %s\n", vxa_msr_name(w[i].msr),
                    0x480 + w[i].msr, w[i].issue == VXA_PI_NO_BASIC ? "not captured: read as BASIC[55] = 0 "
                    "(no TRUE MSRs)" : "is advertised by another MSR but not captured");
    if (!mpa && p.maxphyaddr_default) fprintf(stderr, "vmxaudit profile import: note: no --maxphyaddr: 52 is assumed\n");
    return rc;
}

const cli_command cli_cmd_profile_import = { "profile import", "FILE|-",
    "a profile from WinDbg/msr-tools rdmsr output or the msr device",
    .description =
    "Builds a capability profile from a dump of the CPU's IA32_VMX_* MSRs (0x480-0x493); without\n"
    "--format it is recognised from the file (a character device: msr-device):\n"
    "  windbg      WinDbg 'rdmsr 480' output: msr[480] = 00da0400`00000004\n"
    "  msr-tools   a transcript of msr-tools' rdmsr ('$ sudo rdmsr -a 0x480' and its output\n"
    "              lines; -d/-u decimal understood; with -a the CPUs must agree), or lines\n"
    "              'INDEX VALUE' such as '0x480 0xda040000000004'\n"
    "  msr-device  the Linux msr device: FILE defaults to /dev/cpu/0/msr (modprobe msr; root);\n"
    "              --msr-path FILE reads another (any file read at offset = MSR index)\n"
    "  uefi-results  RESULTS.TXT of a 'vmxaudit oracle image' run: its probe (MSRs, CPUID,\n"
    "              MAXPHYADDR and the features read on that CPU)\n"
    "MSRs the dump lacks stay 'not captured' (rules that need them are undetermined).  MAXPHYADDR\n"
    "is not an MSR: msr-device reads it, the linear-address width and the CPUID features the\n"
    "rules consult from the Linux cpuid device beside the msr device (/dev/cpu/0/cpuid,\n"
    "modprobe cpuid; --cpuid-path FILE reads another); else give it with --maxphyaddr, or 52 is\n"
    "assumed.  Use the profile JSON with --profile FILE.\n",
    .exit_status = "0 imported, 2 bad input (file, line and what was expected on stderr).",
    .options = pimport_options, .size = sizeof(pimport_opts), .max_args = 1,
    .complete_args = CLI_C_FILE, .run = pimport_run };
