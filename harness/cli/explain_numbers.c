/* explain_numbers.c — `vmxaudit explain error N` (SDM Vol. 3C 31.4, Table 31-1 "VM-Instruction
 * Error Numbers") and `vmxaudit explain exit N` (SDM Vol. 3C Appendix C, "VMX Basic Exit
 * Reasons"), with what to do next for the ones a failed VMLAUNCH/VMRESUME produces. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char *const errors[29] = {
    [1] = "VMCALL executed in VMX root operation",
    [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS",
    [6] = "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)",
    [7] = "VM entry with invalid control field(s)",
    [8] = "VM entry with invalid host-state field(s)",
    [9] = "VMPTRLD with invalid physical address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with incorrect VMCS revision identifier",
    [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
    [13] = "VMWRITE to read-only VMCS component",
    [14] = "(reserved: not used)",
    [15] = "VMXON executed in VMX root operation",
    [16] = "VM entry with invalid executive-VMCS pointer",
    [17] = "VM entry with non-launched executive VMCS",
    [18] = "VM entry with executive-VMCS pointer not VMXON pointer (when attempting to deactivate "
           "the dual-monitor treatment of SMIs and SMM)",
    [19] = "VMCALL with non-clear VMCS (when attempting to activate the dual-monitor treatment of "
           "SMIs and SMM)",
    [20] = "VMCALL with invalid VM-exit control fields",
    [21] = "(reserved: not used)",
    [22] = "VMCALL with incorrect MSEG revision identifier (when attempting to activate the "
           "dual-monitor treatment of SMIs and SMM)",
    [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [24] = "VMCALL with invalid SMM-monitor features (when attempting to activate the dual-monitor "
           "treatment of SMIs and SMM)",
    [25] = "VM entry with invalid VM-execution control fields in executive VMCS (when attempting to "
           "return from SMM)",
    [26] = "VM entry with events blocked by MOV SS",
    [27] = "(reserved: not used)",
    [28] = "Invalid operand to INVEPT/INVVPID",
};

static const char *const error_next[29] = {
    [4] = "VMLAUNCH needs a clear VMCS: VMCLEAR it, VMPTRLD it, write the fields, then VMLAUNCH; "
          "use VMRESUME once it is launched (check VMLAUNCH_LAUNCH_STATE_NOT_CLEAR)",
    [5] = "VMRESUME needs a launched VMCS: use VMLAUNCH after VMCLEAR (check VMRESUME_LAUNCH_STATE_NOT_LAUNCHED)",
    [6] = "after VMXOFF/VMXON the VMCS must be VMCLEARed and VMLAUNCHed again",
    [7] = "a control field breaks a rule of SDM 27.2.1: run 'vmxaudit check CASE --observed 7' "
          "(the rules: 'vmxaudit checks --class controls').  Controls and host state are checked "
          "in any order: error 7 does not mean the host state is right",
    [8] = "a host-state field breaks a rule of SDM 27.2.2-27.2.4: run 'vmxaudit check CASE "
          "--observed 8' (the rules: 'vmxaudit checks --class host').  Controls and host state are "
          "checked in any order: error 8 does not mean the controls are right",
    [11] = "the VMCS region's first 31 bits must hold IA32_VMX_BASIC[30:0] (see 'vmxaudit profile "
           "show P')",
    [12] = "the field does not exist on this CPU (its control is not allowed-1, or its index is "
           "above IA32_VMX_VMCS_ENUM[9:1]): 'vmxaudit fields --profile P'",
    [13] = "the field is a VM-exit information field; VMWRITE to it needs IA32_VMX_MISC[29]",
    [26] = "VM entry with blocking by MOV SS: do not execute VMLAUNCH/VMRESUME right after MOV SS "
           "or POP SS (check VMLAUNCH_MOVSS_BLOCKING)",
};

static const char *const exits[80] = {
    [0] = "Exception or non-maskable interrupt (NMI)", [1] = "External interrupt",
    [2] = "Triple fault", [3] = "INIT signal", [4] = "Start-up IPI (SIPI)", [5] = "I/O system-management interrupt (SMI)",
    [6] = "Other SMI", [7] = "Interrupt window", [8] = "NMI window", [9] = "Task switch",
    [10] = "CPUID", [11] = "GETSEC", [12] = "HLT", [13] = "INVD", [14] = "INVLPG", [15] = "RDPMC",
    [16] = "RDTSC", [17] = "RSM", [18] = "VMCALL", [19] = "VMCLEAR", [20] = "VMLAUNCH",
    [21] = "VMPTRLD", [22] = "VMPTRST", [23] = "VMREAD", [24] = "VMRESUME", [25] = "VMWRITE",
    [26] = "VMXOFF", [27] = "VMXON", [28] = "Control-register accesses", [29] = "MOV DR",
    [30] = "I/O instruction", [31] = "RDMSR", [32] = "WRMSR",
    [33] = "VM-entry failure due to invalid guest state",
    [34] = "VM-entry failure due to MSR loading", [36] = "MWAIT", [37] = "Monitor trap flag",
    [39] = "MONITOR", [40] = "PAUSE", [41] = "VM-entry failure due to machine-check event",
    [43] = "TPR below threshold", [44] = "APIC access", [45] = "Virtualized EOI",
    [46] = "Access to GDTR or IDTR", [47] = "Access to LDTR or TR", [48] = "EPT violation",
    [49] = "EPT misconfiguration", [50] = "INVEPT", [51] = "RDTSCP",
    [52] = "VMX-preemption timer expired", [53] = "INVVPID", [54] = "WBINVD or WBNOINVD",
    [55] = "XSETBV", [56] = "APIC write", [57] = "RDRAND", [58] = "INVPCID", [59] = "VMFUNC",
    [60] = "ENCLS", [61] = "RDSEED", [62] = "Page-modification log full", [63] = "XSAVES",
    [64] = "XRSTORS", [65] = "PCONFIG", [66] = "SPP-related event", [67] = "UMWAIT",
    [68] = "TPAUSE", [69] = "LOADIWKEY", [70] = "ENCLV", [72] = "ENQCMD PASID translation failure",
    [73] = "ENQCMDS PASID translation failure", [74] = "Bus lock", [75] = "Instruction timeout",
    [76] = "SEAMCALL", [77] = "TDCALL", [78] = "RDMSRLIST", [79] = "WRMSRLIST",
};

static const char *const exit_next[80] = {
    [33] = "VM entry failed on a guest-state check (SDM 27.3.1) or on loading guest state; the\n"
           "  exit reason reads 0x80000021 (bit 31: VM-entry failure).  Exit qualification (SDM 27.8):\n"
           "    0  default (most guest-state rules)\n"
           "    2  failure loading the PDPTEs (PAE paging without EPT, SDM 27.3.1.6)\n"
           "    3  NMI injection while blocking by STI (SDM 27.3.1.5)\n"
           "    4  invalid VMCS link pointer (SDM 27.3.1.5)\n"
           "  next: 'vmxaudit check CASE --observed 33 --qualification Q' (the rules: 'vmxaudit checks\n"
           "  --class guest')",
    [34] = "VM entry failed while loading an MSR from the VM-entry MSR-load area (SDM 27.4); the exit\n"
           "  reason reads 0x80000022 and the exit qualification is the 1-based index of the entry\n"
           "  that failed (reserved bits, a forbidden MSR such as IA32_FS_BASE/IA32_SMBASE or an\n"
           "  x2APIC MSR, or a value the MSR refuses).\n"
           "  next: 'vmxaudit check CASE --observed 34 --qualification N' (the rules: 'vmxaudit checks\n"
           "  --class msr-load')",
    [41] = "a machine-check event occurred during VM entry (SDM 27.9); the exit reason reads\n"
           "  0x80000029.  It is not caused by the VMCS: look at the machine-check banks (mcelog,\n"
           "  rasdaemon); the VMCS may be fine",
};

/* The numbers explained, as words for the completion: the i-th known one, NULL past the end. */
static const char *nth(const char *const *t, unsigned n, unsigned i)
{
    static char buf[8];
    for (unsigned k = 0; k < n; k++)
        if (t[k] && !i--) {
            snprintf(buf, sizeof buf, "%u", k);
            return buf;
        }
    return NULL;
}
const char *cli_error_number(unsigned i) { return nth(errors, 29, i); }
const char *cli_exit_number(unsigned i) { return nth(exits, 80, i); }

/* A table's text on one line for JSON: each run of white space (the text's own line breaks and
 * indentation) becomes one space. */
static cJSON *flat(const char *text)
{
    size_t n = strlen(text), k = 0;
    char *buf = malloc(n + 1);
    if (!buf) return cJSON_CreateString("");
    for (const char *p = text; *p; p++) {
        if (isspace((unsigned char)*p)) {
            if (k && buf[k - 1] != ' ') buf[k++] = ' ';
        } else {
            buf[k++] = *p;
        }
    }
    while (k && buf[k - 1] == ' ') k--;
    buf[k] = 0;
    cJSON *j = cJSON_CreateString(buf);
    free(buf);
    return j;
}

static int list(const char *kind, const char *const *t, unsigned n, const char *what, bool json)
{
    if (json) {
        cJSON *doc = cli_json_doc(CLI_SCHEMA_EXPLAIN), *a;
        cJSON_AddStringToObject(doc, "kind", kind);
        cJSON_AddStringToObject(doc, "sdm", what);
        cJSON_AddItemToObject(doc, "numbers", a = cJSON_CreateArray());
        for (unsigned i = 0; i < n; i++)
            if (t[i]) {
                cJSON *e = cJSON_CreateObject();
                cJSON_AddNumberToObject(e, "number", i);
                cJSON_AddItemToObject(e, "meaning", flat(t[i]));
                cJSON_AddItemToArray(a, e);
            }
        return cli_json_write(stdout, doc);
    }
    for (unsigned i = 0; i < n; i++)
        if (t[i]) printf("%3u  %s\n", i, t[i]);
    printf("\n(%s)\n", what);
    return EXIT_OK;
}

/* One number as JSON: what it means, the SDM's place and the next step, as the text gives them. */
static int one_json(const char *kind, uint64_t v, const char *meaning, const char *sdm, const char *next,
                    bool entry_failure)
{
    cJSON *doc = cli_json_doc(CLI_SCHEMA_EXPLAIN);
    cJSON_AddStringToObject(doc, "kind", kind);
    cJSON_AddNumberToObject(doc, "number", (double)v);
    cJSON_AddItemToObject(doc, "meaning", flat(meaning));
    cJSON_AddStringToObject(doc, "sdm", sdm);
    if (!strcmp(kind, "exit")) cJSON_AddBoolToObject(doc, "entry_failure", entry_failure);
    if (next) cJSON_AddItemToObject(doc, "next", flat(next));
    return cli_json_write(stdout, doc);
}

int cli_explain_number(const char *kind, const char *num, bool json)
{
    uint64_t v;
    bool err = !strcmp(kind, "error");
    if (!num) return err ? list(kind, errors, 29, "VM-instruction error numbers, SDM Vol. 3C 31.4", json)
                         : list(kind, exits, 80, "basic exit reasons, SDM Vol. 3C Appendix C", json);
    if (vxa_parse_u64(num, &v)) {
        fprintf(stderr, "vmxaudit explain: '%s' is not a number\n", num);
        return EXIT_USAGE;
    }
    if (err) {
        if (v == 0 || v > 28 || !errors[v]) {
            fprintf(stderr, "vmxaudit explain: there is no VM-instruction error %s (1-28; see "
                    "'vmxaudit explain error')\n", num);
            return EXIT_USAGE;
        }
        if (json) return one_json(kind, v, errors[v], "SDM Vol. 3C 31.4, Table 31-1", error_next[v], false);
        printf("%sVM-instruction error %llu%s: %s\n  (SDM Vol. 3C 31.4, Table 31-1; read it with VMREAD "
               "of VM_INSTRUCTION_ERROR, 0x4400, after VMfailValid: ZF=1)\n", C_BOLD,
               (unsigned long long)v, C_RESET, errors[v]);
        if (error_next[v]) printf("  next: %s\n", error_next[v]);
        return EXIT_OK;
    }
    bool failure = (v >> 31) & 1;
    v &= 0xffff;   /* basic exit reason: bits 15:0 */
    if (v >= 80 || !exits[v]) {
        fprintf(stderr, "vmxaudit explain: %s is not a basic exit reason the SDM defines (see "
                "'vmxaudit explain exit')\n", num);
        return EXIT_USAGE;
    }
    if (json) return one_json(kind, v, exits[v], "SDM Vol. 3C Appendix C", exit_next[v], failure);
    printf("%sexit reason %llu%s: %s%s\n  (SDM Vol. 3C Appendix C)\n", C_BOLD, (unsigned long long)v,
           C_RESET, exits[v], failure ? " (bit 31 set: VM-entry failure)" : "");
    if (exit_next[v]) printf("  %s\n", exit_next[v]);
    return EXIT_OK;
}
