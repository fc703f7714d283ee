/* cmd_profile.c — `vmxaudit profile list|show`: the bundled capability profiles, decoded like
 * QEMU's vmxcap (allowed-0/allowed-1 per control bit, SDM Appendix A). */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char *const issue_text[] = {
    "allowed-0 setting not allowed as 1", "FIXED0 bit not in FIXED1",
    "TRUE MSR disagrees with its non-TRUE MSR", "non-TRUE MSR does not report a default1 bit as must-be-1",
    "advertised by another MSR but not captured",
    "IA32_VMX_BASIC not captured: read as BASIC[55] = BASIC[56] = 0 (no TRUE MSRs)" };

static void word(const vxa_profile *p, vxa_word w)
{
    uint64_t m1, a1;
    unsigned missing;
    printf("%s%s%s\n", C_BOLD, vxa_word_get(w)->title, C_RESET);
    if (!vxa_allowed(p, w, &m1, &a1, &missing)) {
        printf("  %s(not captured: %s)%s\n", C_YELLOW, vxa_msr_name(missing), C_RESET);
        return;
    }
    for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++) {
        const vxa_control_info *b = vxa_control_get(i);
        if (b->word != w || !b->display) continue;
        bool must = (m1 >> b->bit) & 1, may = (a1 >> b->bit) & 1;
        const char *s = must ? "forced" : may ? "yes" : "no";
        printf("  %-45s %s%s%s\n", b->display, may ? C_GREEN : C_DIM, s, C_RESET);
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
    for (unsigned w = VXA_WORD_NONE + 1; vxa_word_get((vxa_word)w); w++) word(&p, (vxa_word)w);
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
    static const struct { unsigned f0, f1; vxa_value_kind reg; } fx[] = {
        { VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1, VXA_VALUE_CR0 },
        { VXA_MSR_CR4_FIXED0, VXA_MSR_CR4_FIXED1, VXA_VALUE_CR4 } };
    for (unsigned k = 0; k < 2; k++) {
        if (!vxa_profile_has(&p, fx[k].f0) || !vxa_profile_has(&p, fx[k].f1)) continue;
        uint64_t f0 = p.msr[fx[k].f0], f1 = p.msr[fx[k].f1];
        printf("%s%s in VMX operation%s\n  must be 1:", C_BOLD, vxa_value_kind_name(fx[k].reg), C_RESET);
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

const cli_command cli_cmd_profile = { "profile", .summary = "CPU capability profiles",
    .description =
    "Lists the bundled CPU capability profiles, decodes one, or builds one from an MSR dump.\n" };

static int list_run(const void *opts, int argc, char **argv)
{
    (void)opts, (void)argc, (void)argv;
    char **list = vxa_corpus_list("profiles");
    unsigned n = 0;
    for (char **l = list; *l; l++, n++) printf("%s\n", *l);
    vxa_corpus_list_free(list);
    if (!n) return cli_no_data("profiles");
    return EXIT_OK;
}

const cli_command cli_cmd_profile_list = { "profile list", NULL, "list the bundled CPU capability profiles",
    .description = "Prints the name of every bundled profile, one a line (use them with --profile NAME).\n",
    .exit_status = "0, or 2 if the bundled profiles cannot be found.", .run = list_run };

typedef struct show_opts { const char *format; } show_opts;

static const cli_option show_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", .offset = offsetof(show_opts, format),
      .help = "text for people, json for tools" },
    { 0 } };

static int show_run(const void *opts, int argc, char **argv)
{
    (void)argc;
    return show(argv[0], !strcmp(((const show_opts *)opts)->format, "json"));
}

const cli_command cli_cmd_profile_show = { "profile show", "NAME|FILE", "decode a profile's VMX capabilities",
    .description =
    "Decodes a profile (a bundled name or a file): each VMX control with whether the CPU allows\n"
    "it (yes), forces it (forced: must be 1), or does not support it (no), honouring\n"
    "IA32_VMX_BASIC[55] (TRUE MSRs); then MISC, EPT/VPID, CR0/CR4 fixed bits and the profile's\n"
    "inconsistencies.\n",
    .exit_status = "0, or 2 for bad input.",
    .options = show_options, .size = sizeof(show_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_PROFILE, .run = show_run };
