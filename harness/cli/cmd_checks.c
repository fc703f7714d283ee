/* cmd_checks.c — `vmxaudit checks` (the catalogue) and `vmxaudit explain CHECK-ID`. */
#include <string.h>
#include "cli.h"

const char cli_help_checks[] =
    "usage: vmxaudit checks [--format text|md|json] [--class CLASS]\n"
    "Lists every VM-entry rule the engine checks: stable ID, class, SDM section, rule.\n";
const char cli_help_explain[] =
    "usage: vmxaudit explain CHECK-ID|QUIRK\n"
    "       vmxaudit explain quirks [--format text|md]\n"
    "       vmxaudit explain error [N]\n"
    "       vmxaudit explain exit [N]\n"
    "Prints the rule behind a check ID: its class, what the CPU reports when it fails, the SDM\n"
    "section, the rule, and the models (implementation versions) that deviate from it.  A QUIRK\n"
    "is a named deviation of a model: what it does, which versions have it, the checks it\n"
    "affects; 'quirks' lists them all (md: the README's table).  'error N' explains\n"
    "VM-instruction error N (1-28, SDM 31.4) and 'exit N' basic exit reason N (33, 34 and 41 are\n"
    "VM-entry failures; bit 31 may be given); without N they list them all.\n";

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

/* The README's quirk table (tests/readme_quirks.sh compares them) or a list for people. */
static int list_quirks(bool md)
{
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

int cmd_explain(int argc, char **argv)
{
    if (cli_help_requested(argc, argv, cli_help_explain)) return EXIT_OK;
    if (argc >= 2 && argc <= 3 && (!strcmp(argv[1], "error") || !strcmp(argv[1], "exit")))
        return cli_explain_number(argv[1], argc == 3 ? argv[2] : NULL);
    if (argc >= 2 && !strcmp(argv[1], "quirks")) {
        bool md = argc == 4 && !strcmp(argv[2], "--format") && !strcmp(argv[3], "md");
        if (argc != 2 && !md && !(argc == 4 && !strcmp(argv[2], "--format") && !strcmp(argv[3], "text")))
            return cli_usage("explain", "expected 'quirks [--format text|md]'");
        return list_quirks(md);
    }
    if (argc != 2) return cli_usage("explain", "expected one CHECK-ID or QUIRK, 'quirks', 'error N' or 'exit N'");
    vxa_check c = vxa_check_by_id(argv[1]);
    if (c == VXA_CHECK_COUNT) {
        const vxa_quirk_info *q = vxa_quirk_by_id(argv[1]);
        if (q) return explain_quirk(q);
        fprintf(stderr, "vmxaudit explain: unknown check ID or quirk '%s' (see 'vmxaudit checks', "
                "'vmxaudit explain quirks')\n", argv[1]);
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
