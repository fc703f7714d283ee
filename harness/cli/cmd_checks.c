/* cmd_checks.c — `vmxaudit checks` (the catalogue) and `vmxaudit explain CHECK-ID`. */
#include <stddef.h>
#include <string.h>
#include "cli.h"

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

typedef struct checks_opts { const char *format, *cls; } checks_opts;

static const cli_option checks_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|md|json", .def = "text", .offset = offsetof(checks_opts, format),
      .help = "a table for people, Markdown, or JSON" },
    { "class", 0, CLI_TEXT, .value_at = cli_class_name, .offset = offsetof(checks_opts, cls),
      .help = "only the checks of this class" },
    { 0 } };

static int checks_run(const void *opts, int argc, char **argv)
{
    const checks_opts *o = opts;
    const char *format = o->format, *cls = o->cls;
    (void)argc, (void)argv;
    bool md = !strcmp(format, "md"), json = !strcmp(format, "json");
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

const cli_command cli_cmd_checks = { "checks", NULL, "list the check catalogue",
    .description = "Lists every VM-entry rule the engine checks: stable ID, class, SDM section, rule.\n",
    .exit_status = "0, or 2 for bad usage.",
    .options = checks_options, .size = sizeof(checks_opts), .run = checks_run };

static int explain_run(const void *opts, int argc, char **argv)
{
    (void)opts, (void)argc;
    vxa_check c = vxa_check_by_id(argv[0]);
    if (c == VXA_CHECK_COUNT) {
        fprintf(stderr, "vmxaudit explain: unknown check ID '%s' (see 'vmxaudit checks')\n", argv[0]);
        return EXIT_USAGE;
    }
    const vxa_check_info *ci = vxa_check_get(c);
    printf("%s%s%s\n  %s\n\n  class:    %s\n  SDM:      section %s (%s)\n  when it fails: %s\n", C_BOLD,
           ci->id, C_RESET, ci->rule, vxa_class_name((vxa_class)ci->cls), ci->sdm, vxa_sdm_edition,
           class_answer[ci->cls]);
    return EXIT_OK;
}

const cli_command cli_cmd_explain = { "explain", "CHECK-ID", "the rule behind a check ID",
    .description =
    "Prints the rule behind a check ID: its class, what the CPU reports when it fails, the SDM\n"
    "section, and the rule (IDs in any case).\n",
    .exit_status = "0, or 2 for an unknown check ID.",
    .min_args = 1, .max_args = 1, .complete_args = CLI_C_CHECK, .run = explain_run };

static int error_run(const void *opts, int argc, char **argv)
{
    (void)opts;
    return cli_explain_number("error", argc ? argv[0] : NULL);
}

static int exit_run(const void *opts, int argc, char **argv)
{
    (void)opts;
    return cli_explain_number("exit", argc ? argv[0] : NULL);
}

const cli_command cli_cmd_explain_error = { "explain error", "[N]", "VM-instruction error N (SDM 31.4)",
    .description = "Explains VM-instruction error N (1-28, SDM Vol. 3C 31.4); without N lists them all.\n",
    .exit_status = "0, or 2 for a number the SDM does not define.",
    .max_args = 1, .arg_word = cli_error_number, .run = error_run };

const cli_command cli_cmd_explain_exit = { "explain exit", "[N]", "basic exit reason N (SDM Appendix C)",
    .description =
    "Explains basic exit reason N (33, 34 and 41 are VM-entry failures; bit 31 may be given, as\n"
    "in 0x80000021); without N lists them all.\n",
    .exit_status = "0, or 2 for a number the SDM does not define.",
    .max_args = 1, .arg_word = cli_exit_number, .run = exit_run };
