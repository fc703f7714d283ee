/* cmd_check.c — `vmxaudit check CASE|-`: audit a case and predict the CPU's answer. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

const char cli_help_check[] =
    "usage: vmxaudit check CASE|- [--format text|json] [--model sdm|bochs-2.7] [--profile P]\n"
    "                      [--quiet] [--lint] [--observed 7|8|33|34 [--qualification N]]\n"
    "Audits the case's VMCS layout against every VM-entry rule for its CPU profile and lists\n"
    "every violated rule with its SDM section, the fields, the offending bits, the allowed values\n"
    "and a fix; then predicts what VMLAUNCH/VMRESUME reports.  --profile overrides the case's\n"
    "profile (bundled name or file).  --quiet prints only the prediction.  --lint also lists\n"
    "the fields the rules read that the layout never set (they read as 0).\n"
    "Post-mortem: --observed says what the CPU actually reported (VM-instruction error 7 or 8,\n"
    "or VM-entry failure exit reason 33 or 34, with --qualification the exit qualification);\n"
    "the violations consistent with it are listed first as the likely culprits, the others\n"
    "after them with the reason they are not what the CPU reported (JSON: \"consistent\").\n"
    "exit status: 0 the entry succeeds, 1 it fails, 2 bad input.\n";

int cmd_check(int argc, char **argv)
{
    const char *path = NULL, *format = "text", *model_name = "sdm", *profile = NULL;
    bool quiet = false, lint = false;
    vxa_observed obs = { 0 };
    const char *qual = NULL;
    if (cli_help_requested(argc, argv, cli_help_check)) return EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) format = argv[++i];
        else if (!strcmp(argv[i], "--model") && i + 1 < argc) model_name = argv[++i];
        else if (!strcmp(argv[i], "--profile") && i + 1 < argc) profile = argv[++i];
        else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) quiet = true;
        else if (!strcmp(argv[i], "--lint")) lint = true;
        else if (!strcmp(argv[i], "--observed") && i + 1 < argc) {
            uint64_t v;
            if (vxa_parse_u64(argv[++i], &v)) return cli_usage("check", "--observed: '%s' is not a number", argv[i]);
            v &= 0xffff;   /* an exit reason may be given with bit 31 (0x80000021) */
            if (v != 7 && v != 8 && v != 33 && v != 34)
                return cli_usage("check", "--observed %s: give 7 or 8 (VM-instruction error) or 33 or 34 "
                                 "(VM-entry failure exit reason)", argv[i]);
            obs.present = true;
            obs.what = (unsigned)v;
        } else if (!strcmp(argv[i], "--qualification") && i + 1 < argc) qual = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) return cli_usage("check", "unknown option '%s'", argv[i]);
        else if (!path) path = argv[i];
        else return cli_usage("check", "unexpected argument '%s'", argv[i]);
    }
    if (!path) return cli_usage("check", "missing CASE (a case file, or - for stdin)");
    if (strcmp(format, "text") && strcmp(format, "json"))
        return cli_usage("check", "unknown format '%s' (text, json)", format);
    if (qual) {
        uint64_t v;
        if (!obs.present || obs.what < 33)
            return cli_usage("check", "--qualification needs --observed 33 or 34");
        if (vxa_parse_u64(qual, &v) || v > 0xffffffffu)
            return cli_usage("check", "--qualification: '%s' is not a 32-bit number", qual);
        obs.has_qual = true;
        obs.qual = (uint32_t)v;
    }
    vxa_model model = vxa_model_by_name(model_name);
    if (model == VXA_MODEL_COUNT) return cli_usage("check", "unknown model '%s' (sdm, bochs-2.7)", model_name);

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
