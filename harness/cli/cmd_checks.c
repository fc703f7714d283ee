/* cmd_checks.c — `vmxaudit checks` (the catalogue) and `vmxaudit explain CHECK-ID`. */
#include <cjson/cJSON.h>
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
    cJSON *doc = NULL, *arr = NULL;
    if (json) {
        doc = cli_json_doc(CLI_SCHEMA_CHECKS);
        cJSON_AddStringToObject(doc, "sdm_edition", vxa_sdm_edition);
        arr = cJSON_AddArrayToObject(doc, "checks");
    }
    unsigned n = 0;
    for (unsigned c = 0; c < VXA_CHECK_COUNT; c++) {
        const vxa_check_info *ci = vxa_check_get((vxa_check)c);
        const char *cn = vxa_class_name((vxa_class)ci->cls);
        if (cls && strcmp(cls, cn)) continue;
        n++;
        if (md) printf("| `%s` | %s | %s | %s |\n", ci->id, cn, ci->sdm, ci->rule);
        else if (json) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "check", ci->id);
            cJSON_AddStringToObject(j, "class", cn);
            cJSON_AddStringToObject(j, "sdm", ci->sdm);
            cJSON_AddStringToObject(j, "rule", ci->rule);
            cJSON_AddItemToArray(arr, j);
        } else printf("%-44s %-11s %-10s %s\n", ci->id, cn, ci->sdm, ci->rule);
    }
    if (json) return cli_json_write(stdout, doc);
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

/* The models that have quirk q, as JSON: [{"model", "implementation", "version"}]. */
static cJSON *quirk_models_json(const vxa_quirk_info *q)
{
    cJSON *a = cJSON_CreateArray();
    for (unsigned m = 0; m < VXA_MODEL_COUNT; m++) {
        if (!((q->models >> m) & 1u)) continue;
        const vxa_model_info *mi = vxa_model_get((vxa_model)m);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "model", mi->name);
        cJSON_AddStringToObject(j, "implementation", mi->implementation);
        cJSON_AddStringToObject(j, "version", mi->version);
        cJSON_AddItemToArray(a, j);
    }
    return a;
}

static int explain_quirk(const vxa_quirk_info *q, bool json)
{
    if (json) {
        cJSON *doc = cli_json_doc(CLI_SCHEMA_EXPLAIN);
        cJSON_AddStringToObject(doc, "quirk", q->id);
        cJSON_AddStringToObject(doc, "does", q->does);
        cJSON_AddItemToObject(doc, "models", quirk_models_json(q));
        cJSON_AddStringToObject(doc, "sdm", q->sdm);
        cJSON *ch = cJSON_AddArrayToObject(doc, "checks");
        for (const uint16_t *c = q->checks; *c != VXA_CHECK_COUNT; c++)
            cJSON_AddItemToArray(ch, cJSON_CreateString(vxa_check_get((vxa_check)*c)->id));
        cJSON_AddStringToObject(doc, "cases", q->cases);
        return cli_json_write(stdout, doc);
    }
    printf("%s%s%s (quirk)\n  %s\n\n  models:   ", C_BOLD, q->id, C_RESET, q->does);
    quirk_models(q, true, "\n            ");
    printf("\n  SDM:      %s\n  checks:  ", q->sdm);
    if (q->checks[0] == VXA_CHECK_COUNT) printf(" none: the predicted outcome");
    for (const uint16_t *c = q->checks; *c != VXA_CHECK_COUNT; c++) printf(" %s", vxa_check_get((vxa_check)*c)->id);
    printf("\n  cases:    %s\n", q->cases);
    return EXIT_OK;
}

typedef struct explain_opts { const char *format; } explain_opts;

static const cli_option explain_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", .offset = offsetof(explain_opts, format),
      .help = "text for people, json for tools" },
    { 0 } };

static int explain_run(const void *opts, int argc, char **argv)
{
    (void)argc;
    bool json = !strcmp(((const explain_opts *)opts)->format, "json");
    vxa_check c = vxa_check_by_id(argv[0]);
    if (c == VXA_CHECK_COUNT) {
        const vxa_quirk_info *q = vxa_quirk_by_id(argv[0]);
        if (q) return explain_quirk(q, json);
        fprintf(stderr, "vmxaudit explain: unknown check ID or quirk '%s' (see 'vmxaudit checks', "
                "'vmxaudit explain quirks')\n", argv[0]);
        return EXIT_USAGE;
    }
    const vxa_check_info *ci = vxa_check_get(c);
    cJSON *doc = NULL, *qa = NULL;
    if (json) {
        doc = cli_json_doc(CLI_SCHEMA_EXPLAIN);
        cJSON_AddStringToObject(doc, "check", ci->id);
        cJSON_AddStringToObject(doc, "rule", ci->rule);
        cJSON_AddStringToObject(doc, "class", vxa_class_name((vxa_class)ci->cls));
        cJSON_AddStringToObject(doc, "sdm", ci->sdm);
        cJSON_AddStringToObject(doc, "sdm_edition", vxa_sdm_edition);
        cJSON_AddStringToObject(doc, "when_it_fails", class_answer[ci->cls]);
        qa = cJSON_AddArrayToObject(doc, "quirks");
    } else {
        printf("%s%s%s\n  %s\n\n  class:    %s\n  SDM:      section %s (%s)\n  when it fails: %s\n", C_BOLD,
               ci->id, C_RESET, ci->rule, vxa_class_name((vxa_class)ci->cls), ci->sdm, vxa_sdm_edition,
               class_answer[ci->cls]);
    }
    for (unsigned i = 0; i < vxa_quirk_count(); i++) {
        const vxa_quirk_info *q = vxa_quirk_get(i);
        for (const uint16_t *k = q->checks; *k != VXA_CHECK_COUNT; k++)
            if (*k == c) {
                if (json) {
                    cJSON *j = cJSON_CreateObject();
                    cJSON_AddStringToObject(j, "quirk", q->id);
                    cJSON_AddItemToObject(j, "models", quirk_models_json(q));
                    cJSON_AddStringToObject(j, "does", q->does);
                    cJSON_AddItemToArray(qa, j);
                    continue;
                }
                printf("  quirk %s of ", q->id);
                quirk_models(q, true, ", ");
                printf(":\n    %s\n", q->does);
            }
    }
    if (json) return cli_json_write(stdout, doc);
    return EXIT_OK;
}

const cli_command cli_cmd_explain = { "explain", "CHECK-ID|QUIRK", "the rule behind a check ID, or a model quirk",
    .description =
    "Prints the rule behind a check ID: its class, what the CPU reports when it fails, the SDM\n"
    "section, the rule, and the model quirks (implementation versions) that change it.  A QUIRK\n"
    "is a named deviation of a model: what it does, which versions have it, the checks it\n"
    "affects (IDs in any case).\n",
    .exit_status = "0, or 2 for an unknown check ID or quirk.",
    .options = explain_options, .size = sizeof(explain_opts), .min_args = 1, .max_args = 1, .complete_args = CLI_C_CHECK, .run = explain_run };

static int error_run(const void *opts, int argc, char **argv)
{
    return cli_explain_number("error", argc ? argv[0] : NULL, !strcmp(((const explain_opts *)opts)->format, "json"));
}

static int exit_run(const void *opts, int argc, char **argv)
{
    return cli_explain_number("exit", argc ? argv[0] : NULL, !strcmp(((const explain_opts *)opts)->format, "json"));
}

const cli_command cli_cmd_explain_error = { "explain error", "[N]", "VM-instruction error N (SDM 31.4)",
    .description = "Explains VM-instruction error N (1-28, SDM Vol. 3C 31.4); without N lists them all.\n",
    .exit_status = "0, or 2 for a number the SDM does not define.",
    .options = explain_options, .size = sizeof(explain_opts),
    .max_args = 1, .arg_word = cli_error_number, .run = error_run };

const cli_command cli_cmd_explain_exit = { "explain exit", "[N]", "basic exit reason N (SDM Appendix C)",
    .description =
    "Explains basic exit reason N (33, 34 and 41 are VM-entry failures; bit 31 may be given, as\n"
    "in 0x80000021); without N lists them all.\n",
    .exit_status = "0, or 2 for a number the SDM does not define.",
    .options = explain_options, .size = sizeof(explain_opts),
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
