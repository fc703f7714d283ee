/* cmd_checks.c — `vmxaudit checks` (the catalogue) and `vmxaudit explain CHECK-ID`. */
#include <string.h>
#include "cli.h"

const char cli_help_checks[] =
    "usage: vmxaudit checks [--format text|md|json] [--class CLASS]\n"
    "Lists every VM-entry rule the engine checks: stable ID, class, SDM section, rule.\n";
const char cli_help_explain[] =
    "usage: vmxaudit explain CHECK-ID\n"
    "       vmxaudit explain error [N]\n"
    "       vmxaudit explain exit [N]\n"
    "Prints the rule behind a check ID: its class, what the CPU reports when it fails, the SDM\n"
    "section, and the rule.  'error N' explains VM-instruction error N (1-28, SDM 31.4) and\n"
    "'exit N' basic exit reason N (33, 34 and 41 are VM-entry failures; bit 31 may be given);\n"
    "without N they list them all.\n";

static const char *const class_answer[VXA_CLASS_COUNT] = {
    "VMXON fails (#UD, #GP or VMfailInvalid/VMfailValid)",
    "VMLAUNCH/VMRESUME fails before any VMCS check (#UD, #GP, VMfailInvalid or VMfailValid 4/5/26)",
    "VMfailValid with VM-instruction error 7 (invalid control field)",
    "VMfailValid with VM-instruction error 8 (invalid host-state field)",
    "VM-entry failure: VM exit with reason 33 (invalid guest state, bit 31 set)",
    "VM-entry failure: VM exit with reason 34 (MSR loading), qualification = failing entry",
    "nothing: a warning about behaviour the SDM leaves undefined" };

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

int cmd_checks(int argc, char **argv)
{
    const char *format = "text", *cls = NULL;
    if (cli_help_requested(argc, argv, cli_help_checks)) return EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) format = argv[++i];
        else if (!strcmp(argv[i], "--class") && i + 1 < argc) cls = argv[++i];
        else return cli_usage("checks", "unexpected argument '%s'", argv[i]);
    }
    bool md = !strcmp(format, "md"), json = !strcmp(format, "json");
    if (!md && !json && strcmp(format, "text"))
        return cli_usage("checks", "unknown format '%s' (text, md, json)", format);
    if (md) printf("# vmxaudit check catalogue\n\nFollows %s.\n\n| ID | class | SDM | rule |\n|---|---|---|---|\n", vxa_sdm_edition);
    if (json) printf("{\"sdm_edition\": \"%s\", \"checks\": [\n", "325462-086US (December 2024)");
    bool first = true;
    unsigned n = 0;
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)c);
        const char *cn = vxa_class_name((vxa_class)ci->cls);
        if (cls && strcmp(cls, cn)) continue;
        n++;
        if (md) printf("| `%s` | %s | %s | %s |\n", ci->id, cn, ci->sdm, ci->rule);
        else if (json) {
            printf("%s  {\"check\": \"%s\", \"class\": \"%s\", \"sdm\": \"%s\", \"rule\": ", first ? "" : ",\n",
                   ci->id, cn, ci->sdm);
            json_str(ci->rule);
            printf("}");
        } else printf("%-44s %-11s %-10s %s\n", ci->id, cn, ci->sdm, ci->rule);
        first = false;
    }
    if (json) printf("\n]}\n");
    if (!md && !json) printf("\n%u checks (%s)\n", n, vxa_sdm_edition);
    return EXIT_OK;
}

int cmd_explain(int argc, char **argv)
{
    if (cli_help_requested(argc, argv, cli_help_explain)) return EXIT_OK;
    if (argc >= 2 && argc <= 3 && (!strcmp(argv[1], "error") || !strcmp(argv[1], "exit")))
        return cli_explain_number(argv[1], argc == 3 ? argv[2] : NULL);
    if (argc != 2) return cli_usage("explain", "expected one CHECK-ID, 'error N' or 'exit N'");
    vxa_check c = vxa_check_by_id(argv[1]);
    if (c == VXA_CHECK_COUNT) {
        fprintf(stderr, "vmxaudit explain: unknown check ID '%s' (see 'vmxaudit checks')\n", argv[1]);
        return EXIT_USAGE;
    }
    const vxa_check_info *ci = vxa_check_get(c);
    printf("%s%s%s\n  %s\n\n  class:    %s\n  SDM:      section %s (%s)\n  when it fails: %s\n", C_BOLD,
           ci->id, C_RESET, ci->rule, vxa_class_name((vxa_class)ci->cls), ci->sdm, vxa_sdm_edition,
           class_answer[ci->cls]);
    return EXIT_OK;
}
