/* cmd_check.c — `vmxaudit check CASE|-`: audit a case and predict the CPU's answer. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

typedef struct check_opts {
    const char *format, *model, *profile;
    bool quiet, lint;
    cli_uint observed, qualification, max_input;
} check_opts;
#define O(f) .offset = offsetof(check_opts, f)

static const cli_option check_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", O(format),
      .help = "text for people, json for tools" },
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, .def = "sdm", O(model),
      .help = "the SDM's rules, or an emulator's deviations from them" },
    { "profile", 0, CLI_TEXT, "P", .complete = CLI_C_PROFILE, O(profile),
      .help = "the CPU profile instead of the case's (a bundled name or a file)" },
    { "quiet", 'q', CLI_FLAG, O(quiet), .help = "only the prediction" },
    { "lint", 0, CLI_FLAG, O(lint), .help = "also list the fields the rules read that the layout never set" },
    { "observed", 0, CLI_UINT, "7|8|33|34", .suggest = "7 8 33 34", .max = UINT64_MAX, O(observed),
      .help = "what the CPU reported: VM-instruction error 7 or 8, or exit reason 33 or 34" },
    { "qualification", 0, CLI_UINT, "N", .max = 0xffffffffu, O(qualification),
      .help = "with --observed 33 or 34: the exit qualification" },
    CLI_MAX_INPUT_OPTION(check_opts),
    { 0 } };

static int run(const void *opts, int argc, char **argv)
{
    const check_opts *o = opts;
    const char *path = argv[0], *format = o->format;
    (void)argc;
    cli_input_limit(o->max_input);
    vxa_observed obs = { 0 };
    if (o->observed.set) {
        unsigned v = (unsigned)(o->observed.v & 0xffff);   /* an exit reason may come with bit 31 (0x80000021) */
        if (v != 7 && v != 8 && v != 33 && v != 34)
            return cli_usage("check", "--observed %llu: give 7 or 8 (VM-instruction error) or 33 or 34 "
                             "(VM-entry failure exit reason)", (unsigned long long)o->observed.v);
        obs.present = true;
        obs.what = v;
    }
    if (o->qualification.set) {
        if (!obs.present || obs.what < 33) return cli_usage("check", "--qualification needs --observed 33 or 34");
        obs.has_qual = true;
        obs.qual = (uint32_t)o->qualification.v;
    }
    vxa_model model = vxa_model_by_name(o->model);
    const char *profile = o->profile;
    bool quiet = o->quiet, lint = o->lint;

    vxa_case c;
    vxa_error e;
    if (vxa_case_load(path, &c, &e)) {
        vxa_case_free(&c);
        return cli_input_error(&e);
    }
    if (profile) {
        char *pn = NULL;
        if (vxa_profile_load(profile, &c.profile, &pn, &e)) {
            vxa_case_free(&c);
            return cli_input_error(&e);
        }
        free(c.profile_name);
        c.profile_name = pn;
    }
    static vxa_report r;
    vxa_memory mem = vxa_case_memory(&c);
    uint8_t reads[(VXA_FIELD_COUNT + 7) / 8] = { 0 };
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, (uint8_t)model, reads };
    vxa_audit(&in, &r);
    if (!strcmp(format, "json")) {
        cJSON *doc = vxa_report_to_tree(&r, &c.vmcs, &obs);
        if (r.outcome.result != VXA_ENTERED) {
            static vxa_root_cause rc;
            in.reads = NULL;
            vxa_root_cause_find(&in, &rc);
            vxa_report_add_root_cause(doc, &r, &c.vmcs, &rc);
        }
        char *s = cJSON_Print(doc);
        puts(s);
        free(s);
        cJSON_Delete(doc);
    } else {
        cli_print_report(&c, &r, model, &obs, quiet);
    }
    if (lint) {   /* on stderr with --format json, so stdout stays one JSON document */
        FILE *out = strcmp(format, "json") ? stdout : stderr;
        unsigned n = 0;
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            if ((reads[f >> 3] >> (f & 7)) & 1u && !vxa_is_set(&c.vmcs, (vxa_field)f)) {
                if (!n++) fprintf(out, "\nlint: fields the rules read that the layout never set (read as 0):\n");
                fprintf(out, "  %s\n", vxa_field_get((vxa_field)f)->name);
            }
        if (!n) fprintf(out, "\nlint: every field the rules read is set\n");
    }
    int rc = r.outcome.result == VXA_ENTERED ? EXIT_OK : EXIT_NEGATIVE;
    vxa_case_free(&c);
    return rc;
}

const cli_command cli_cmd_check = { "check", "CASE|-",
    "audit a case (VMCS layout + profile); exit 0 if the entry succeeds",
    .description =
    "Audits the case's VMCS layout against every VM-entry rule for its CPU profile and lists\n"
    "every violated rule with its SDM section, the fields, the offending bits, the allowed values\n"
    "and a fix; then predicts what VMLAUNCH/VMRESUME reports.  CASE - reads standard input.\n"
    "Post-mortem: --observed says what the CPU actually reported (VM-instruction error 7 or 8,\n"
    "or VM-entry failure exit reason 33 or 34, with --qualification the exit qualification);\n"
    "the violations consistent with it are listed first as the likely culprits, the others\n"
    "after them with the reason they are not what the CPU reported (JSON: \"consistent\").\n"
    "When the violations share a cause (RFLAGS.VM = 1 in a 64-bit guest turns on the 18\n"
    "virtual-8086 segment rules), the report leads with the root cause: the smallest set of field\n"
    "changes that makes the layout enter, found from the rules and the profile alone; then the\n"
    "violations about those fields, then the rest as consequences (JSON: \"root_cause\",\n"
    "\"consequence\").\n",
    .exit_status = "0 the entry succeeds, 1 it fails, 2 bad input.",
    .options = check_options, .size = sizeof(check_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_FILE, .run = run };
