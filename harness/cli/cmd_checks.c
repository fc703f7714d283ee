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

/* The models that have quirk q, "bochs-2.7, ..." (names) or one per line (with versions). */
static void quirk_models(const vxa_quirk_info *q, bool versions, const char *sep)
{
    bool first = true;
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
        if (!((q->models >> m) & 1u)) continue;
        const vxa_model_info *mi = vxa_model_get((vxa_model)m);
        printf("%s%s", first ? "" : sep, mi->name);
        if (versions) printf(" (%s %s)", mi->implementation, mi->version);
        first = false;
    }
}

static int explain_quirk(const vxa_quirk_info *q)
{
    printf("%s%s%s (quirk)\n  %s\n\n  models:   ", C_BOLD, q->id, C_RESET, q->does);
    quirk_models(q, true, "\n            ");
    printf("\n  SDM:      %s\n  checks:  ", q->sdm);
    if (q->checks[0] == VXA_CHECK_COUNT) printf(" none: the predicted outcome");
    for (const uint16_t *c = q->checks; *c != VXA_CHECK_COUNT; c++) printf(" %s", vxa_check_get((vxa_check)*c)->id);
    printf("\n  cases:    %s\n", q->cases);
    return EXIT_OK;
}

static int explain_run(const void *opts, int argc, char **argv)
{
    (void)opts, (void)argc;
    vxa_check c = vxa_check_by_id(argv[0]);
    if (c == VXA_CHECK_COUNT) {
        const vxa_quirk_info *q = vxa_quirk_by_id(argv[0]);
        if (q) return explain_quirk(q);
        fprintf(stderr, "vmxaudit explain: unknown check ID or quirk '%s' (see 'vmxaudit checks', "
                "'vmxaudit explain quirks')\n", argv[0]);
        return EXIT_USAGE;
    }
    const vxa_check_info *ci = vxa_check_get(c);
    printf("%s%s%s\n  %s\n\n  class:    %s\n  SDM:      section %s (%s)\n  when it fails: %s\n", C_BOLD,
           ci->id, C_RESET, ci->rule, vxa_class_name((vxa_class)ci->cls), ci->sdm, vxa_sdm_edition,
           class_answer[ci->cls]);
    for (unsigned i = 0; i < vxa_quirk_count(); i++) {
        const vxa_quirk_info *q = vxa_quirk_get(i);
        for (const uint16_t *k = q->checks; *k != VXA_CHECK_COUNT; k++)
            if (*k == c) {
                printf("  quirk %s of ", q->id);
                quirk_models(q, true, ", ");
                printf(":\n    %s\n", q->does);
            }
    }
    return EXIT_OK;
}

const cli_command cli_cmd_explain = { "explain", "CHECK-ID|QUIRK", "the rule behind a check ID, or a model quirk",
    .description =
    "Prints the rule behind a check ID: its class, what the CPU reports when it fails, the SDM\n"
    "section, the rule, and the model quirks (implementation versions) that change it.  A QUIRK\n"
    "is a named deviation of a model: what it does, which versions have it, the checks it\n"
    "affects (IDs in any case).\n",
    .exit_status = "0, or 2 for an unknown check ID or quirk.",
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

/* The README's quirk table (tests/readme_quirks.sh compares them) or a list for people. */
typedef struct quirks_opts { const char *format; } quirks_opts;

static const cli_option quirks_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|md", .def = "text", .offset = offsetof(quirks_opts, format),
      .help = "a list for people, or the README's Markdown table" },
    { 0 } };

static int quirks_run(const void *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    bool md = !strcmp(((const quirks_opts *)opts)->format, "md");
    if (md) printf("| quirk | models | what it does | SDM | cases |\n|---|---|---|---|---|\n");
    for (unsigned i = 0; i < vxa_quirk_count(); i++) {
        const vxa_quirk_info *q = vxa_quirk_get(i);
        printf(md ? "| `%s` | " : "%-30s ", q->id);
        quirk_models(q, false, md ? ", " : ",");
        if (md) printf(" | %s | %s | %s |\n", q->does, q->sdm, q->cases);
        else printf("  %s\n", q->does);
    }
    return EXIT_OK;
}

const cli_command cli_cmd_explain_quirks = { "explain quirks", NULL, "every model quirk",
    .description = "Lists the named deviations of the models from the SDM and the models that have them.\n",
    .exit_status = "0, or 2 for bad usage.",
    .options = quirks_options, .size = sizeof(quirks_opts), .run = quirks_run };
