/* cmd_profile.c — `vmxaudit profile list|show`: the bundled capability profiles, decoded like
 * QEMU's vmxcap (allowed-0/allowed-1 per control bit, SDM Appendix A). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

const char cli_help_profile[] =
    "usage: vmxaudit profile list\n"
    "       vmxaudit profile show NAME|FILE [--format text|json]\n"
    "       vmxaudit profile import --format windbg|msr-tools|msr-device FILE [-o OUT]\n"
    "Lists the bundled CPU capability profiles, or decodes one: each VMX control with whether\n"
    "the CPU allows it (yes), forces it (forced: must be 1), or does not support it (no),\n"
    "honouring IA32_VMX_BASIC[55] (TRUE MSRs); then MISC, EPT/VPID, CR0/CR4 fixed bits and the\n"
    "profile's inconsistencies.  'import' builds a profile from an MSR dump (see\n"
    "'vmxaudit profile import --help').\n";

static const char *const issue_text[] = {
    "allowed-0 setting not allowed as 1", "FIXED0 bit not in FIXED1",
    "TRUE MSR disagrees with its non-TRUE MSR", "non-TRUE MSR does not report a default1 bit as must-be-1",
    "advertised by another MSR but not captured",
    "IA32_VMX_BASIC not captured: read as BASIC[55] = BASIC[56] = 0 (no TRUE MSRs)" };

static void word(const vxa_profile *p, vxa_word w, const char *title)
{
    uint64_t m1, a1;
    unsigned missing;
    printf("%s%s%s\n", C_BOLD, title, C_RESET);
    if (!vxa_allowed(p, w, &m1, &a1, &missing)) {
        printf("  %s(not captured: %s)%s\n", C_YELLOW, vxa_msr_name(missing), C_RESET);
        return;
    }
    for (const vxa_bitname *b = vxa_word_bitnames(w); b->name; b++) {
        bool must = (m1 >> b->bit) & 1, may = (a1 >> b->bit) & 1;
        const char *s = must ? "forced" : may ? "yes" : "no";
        printf("  %-45s %s%s%s\n", b->name, may ? C_GREEN : C_DIM, s, C_RESET);
    }
}

static int show(const char *name, bool json)
{
    vxa_profile p;
    vxa_error e;
    char *pname = NULL;
    if (vxa_profile_load(name, &p, &pname, &e)) return cli_input_error(&e);
    vxa_profile_warning w[32];
    unsigned nw = vxa_profile_check(&p, w, 32);
    if (json) {   /* the profile as read, then what decoding it found */
        const vxa_profile_about about = { pname, NULL, NULL };
        cJSON *o = vxa_profile_to_tree(&p, &about);
        if (p.maxphyaddr_default) cJSON_AddNumberToObject(o, "maxphyaddr", p.maxphyaddr);
        cJSON_AddBoolToObject(o, "maxphyaddr_default", p.maxphyaddr_default);
        cJSON *wa = cJSON_AddArrayToObject(o, "warnings");
        for (unsigned i = 0; i < nw && i < 32; i++) {
            cJSON *x = cJSON_CreateObject();
            char b[24];
            snprintf(b, sizeof b, "0x%x", VXA_MSR_INDEX(w[i].msr));
            cJSON_AddStringToObject(x, "msr", b);
            cJSON_AddStringToObject(x, "issue", issue_text[w[i].issue]);
            snprintf(b, sizeof b, "0x%llx", (unsigned long long)w[i].bits);
            cJSON_AddStringToObject(x, "bits", b);
            cJSON_AddItemToArray(wa, x);
        }
        char *s = cJSON_Print(o);
        puts(s);
        free(s);
        cJSON_Delete(o);
        free(pname);
        return EXIT_OK;
    }
    printf("%sprofile %s%s\n", C_BOLD, pname, C_RESET);
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++) {
        if (vxa_profile_has(&p, i))
            printf("  0x%x %-28s 0x%016llx\n", 0x480 + i, vxa_msr_name(i), (unsigned long long)p.msr[i]);
        else
            printf("  0x%x %-28s %s(not captured)%s\n", 0x480 + i, vxa_msr_name(i), C_DIM, C_RESET);
    }
    printf("  MAXPHYADDR %u%s, linear-address width %u\n\n", p.maxphyaddr,
           p.maxphyaddr_default ? " (not in the profile: the architectural maximum is assumed, "
                                  "address-width violations may be missed)" : "",
           p.linear_address_width);
    if (vxa_profile_has(&p, VXA_MSR_BASIC)) {
        uint64_t b = p.msr[VXA_MSR_BASIC];
        printf("%sBasic VMX information (IA32_VMX_BASIC)%s\n", C_BOLD, C_RESET);
        printf("  %-45s 0x%llx\n", "Revision", (unsigned long long)(b & 0x7fffffff));
        printf("  %-45s %llu\n", "VMCS size", (unsigned long long)((b >> 32) & 0x1fff));
        printf("  %-45s %s\n", "VMCS memory type", ((b >> 50) & 0xf) == 6 ? "WB" : ((b >> 50) & 0xf) == 0 ? "UC" : "?");
        printf("  %-45s %s\n", "Physical-address width limited to 32 bits", (b >> 48) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "Dual-monitor support", (b >> 49) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "INS/OUTS instruction information", (b >> 54) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "IA32_VMX_TRUE_*_CTLS support", (b >> 55) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "Skip deliver-error-code checks (BASIC[56])", (b >> 56) & 1 ? "yes" : "no");
        printf("\n");
    }
    word(&p, VXA_WORD_PIN, "Pin-based VM-execution controls");
    word(&p, VXA_WORD_PROC, "Primary processor-based VM-execution controls");
    word(&p, VXA_WORD_PROC2, "Secondary processor-based VM-execution controls");
    word(&p, VXA_WORD_PROC3, "Tertiary processor-based VM-execution controls");
    word(&p, VXA_WORD_EXIT, "Primary VM-exit controls");
    word(&p, VXA_WORD_EXIT2, "Secondary VM-exit controls");
    word(&p, VXA_WORD_ENTRY, "VM-entry controls");
    word(&p, VXA_WORD_VMFUNC, "VM-function controls");
    if (vxa_profile_has(&p, VXA_MSR_MISC)) {
        uint64_t m = p.msr[VXA_MSR_MISC];
        printf("%sMiscellaneous data (IA32_VMX_MISC)%s\n", C_BOLD, C_RESET);
        printf("  %-45s %llu\n", "VMX-preemption timer rate (TSC >> N)", (unsigned long long)(m & 0x1f));
        printf("  %-45s %s\n", "Activity state HLT", (m >> 6) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "Activity state shutdown", (m >> 7) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "Activity state wait-for-SIPI", (m >> 8) & 1 ? "yes" : "no");
        printf("  %-45s %llu\n", "Number of CR3-target values", (unsigned long long)((m >> 16) & 0x1ff));
        printf("  %-45s %llu\n", "MSR-list maximum (512 x (N+1))", (unsigned long long)(512 * (((m >> 25) & 7) + 1)));
        printf("  %-45s %s\n", "VMWRITE to VM-exit information fields", (m >> 29) & 1 ? "yes" : "no");
        printf("  %-45s %s\n", "Injection with instruction length 0", (m >> 30) & 1 ? "yes" : "no");
        printf("\n");
    }
    if (vxa_profile_has(&p, VXA_MSR_EPT_VPID_CAP)) {
        uint64_t c = p.msr[VXA_MSR_EPT_VPID_CAP];
        printf("%sEPT and VPID capabilities (IA32_VMX_EPT_VPID_CAP)%s\n", C_BOLD, C_RESET);
        static const struct { unsigned bit; const char *n; } caps[] = {
            { 0, "Execute-only EPT translations" }, { 6, "Page-walk length 4" },
            { 7, "Page-walk length 5" }, { 8, "EPT paging-structure memory type UC" },
            { 14, "EPT paging-structure memory type WB" }, { 16, "2MB EPT pages" },
            { 17, "1GB EPT pages" }, { 20, "INVEPT" }, { 21, "EPT accessed and dirty flags" },
            { 22, "Advanced VM-exit information for EPT violations" },
            { 23, "Supervisor shadow-stack control" }, { 32, "INVVPID" } };
        for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
            printf("  %-45s %s\n", caps[i].n, (c >> caps[i].bit) & 1 ? "yes" : "no");
        printf("\n");
    }
    static const struct { unsigned f0, f1; const char *reg; } fx[] = {
        { VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1, "CR0" }, { VXA_MSR_CR4_FIXED0, VXA_MSR_CR4_FIXED1, "CR4" } };
    for (unsigned k = 0; k < 2; k++) {
        if (!vxa_profile_has(&p, fx[k].f0) || !vxa_profile_has(&p, fx[k].f1)) continue;
        uint64_t f0 = p.msr[fx[k].f0], f1 = p.msr[fx[k].f1];
        printf("%s%s in VMX operation%s\n  must be 1:", C_BOLD, fx[k].reg, C_RESET);
        for (unsigned b = 0; b < 64; b++)
            if ((f0 >> b) & 1) printf(" %s", vxa_register_bitname(fx[k].reg, b) ? vxa_register_bitname(fx[k].reg, b) : "?");
        printf("\n  may be 1: ");
        for (unsigned b = 0; b < 64; b++)
            if ((f1 >> b) & 1 && !((f0 >> b) & 1)) {
                const char *n = vxa_register_bitname(fx[k].reg, b);
                if (n) printf(" %s", n); else printf(" bit%u", b);
            }
        printf("\n\n");
    }
    if (nw) {
        printf("%swarnings%s\n", C_YELLOW, C_RESET);
        for (unsigned i = 0; i < nw && i < 32; i++)
            printf("  %s: %s%s\n", vxa_msr_name(w[i].msr), issue_text[w[i].issue],
                   w[i].bits ? "" : "");
    }
    free(pname);
    return EXIT_OK;
}

int cmd_profile(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "import")) return cmd_profile_import(argc - 1, argv + 1);
    if (cli_help_requested(argc, argv, cli_help_profile)) return EXIT_OK;
    if (argc < 2) return cli_usage("profile", "missing 'list' or 'show NAME|FILE'");
    if (!strcmp(argv[1], "list")) {
        char **list = vxa_corpus_list("profiles");
        for (char **l = list; *l; l++) {
            vxa_profile p;
            vxa_error e;
            printf("%s\n", *l);
            (void)p; (void)e;
            free(*l);
        }
        free(list);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "show")) {
        bool json = false;
        const char *name = NULL;
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "--format") && i + 1 < argc) {
                const char *f = argv[++i];
                if (!strcmp(f, "json")) json = true;
                else if (strcmp(f, "text")) return cli_usage("profile", "unknown format '%s'", f);
            } else if (!name) name = argv[i];
            else return cli_usage("profile", "unexpected argument '%s'", argv[i]);
        }
        if (!name) return cli_usage("profile", "show needs a profile name or file");
        return show(name, json);
    }
    return cli_usage("profile", "unknown subcommand '%s' (list, show, import)", argv[1]);
}
