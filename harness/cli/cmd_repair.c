/* cmd_repair.c — `vmxaudit repair CASE`: make a layout enter, changing only the fields that the
 * violated rules name; print what changed and write the repaired case with -o. */
#include <stdlib.h>
#include <cjson/cJSON.h>
#include <stddef.h>
#include <string.h>
#include "cli.h"

typedef struct repair_opts {
    const char *output, *format, *model;
    cli_uint rounds, max_input;
    bool force, minimal;
} repair_opts;
#define O(f) .offset = offsetof(repair_opts, f)

static const cli_option repair_options[] = {
    { "output", 'o', CLI_TEXT, "OUT", .complete = CLI_C_FILE, O(output),
      .help = "write the repaired case to OUT (- = standard output)" },
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", O(format),
      .help = "the changes as text for people, or json for tools" },
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, .def = "sdm", O(model),
      .help = "the rules to repair against" },
    { "minimal", 0, CLI_FLAG, O(minimal),
      .help = "change the fewest fields: the root cause, not each consequence" },
    { "max-rounds", 0, CLI_UINT, "N", .def = "32", .min = 0, .max = 1000, O(rounds),
      .help = "at most N rounds of audit -> fix" },
    CLI_FORCE_OPTION(repair_opts),
    CLI_MAX_INPUT_OPTION(repair_opts),
    { 0 } };

static int run(const void *opts, int argc, char **argv)
{
    const repair_opts *o = opts;
    const char *path = argv[0], *outp = o->output;
    unsigned rounds = (unsigned)o->rounds.v;
    cli_input_limit(o->max_input);
    (void)argc;
    bool json = !strcmp(o->format, "json");
    vxa_model model = vxa_model_by_name(o->model);
    vxa_case c;
    vxa_error e;
    if (vxa_case_load(path, &c, &e)) { vxa_case_free(&c); return cli_input_error(&e); }
    static vxa_report r;
    static vxa_vmcs fixed;
    vxa_repair_result res;
    vxa_memory mem = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, (uint8_t)model };
    static vxa_root_cause rc;
    bool ok = o->minimal ? vxa_repair_minimal(&in, &rc, &fixed, &r, &res)
                         : vxa_repair(&in, rounds, &fixed, &r, &res);
    if (json) {
        cJSON *doc = cli_json_doc(CLI_SCHEMA_REPAIR);
        cJSON_AddBoolToObject(doc, "repaired", ok);
        cJSON_AddNumberToObject(doc, "rounds", res.rounds);
        cJSON *ch = cJSON_AddObjectToObject(doc, "changed");
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            if ((res.changed[f >> 3] >> (f & 7)) & 1u) {
                cJSON *x = cJSON_AddObjectToObject(ch, vxa_field_get((vxa_field)f)->name);
                cJSON_AddItemToObject(x, "from", cli_json_hex(c.vmcs.value[f]));
                cJSON_AddItemToObject(x, "to", cli_json_hex(fixed.value[f]));
            }
        if (!ok) {
            cJSON *still = cJSON_AddArrayToObject(doc, "still_violated");
            unsigned n = r.nviolations < VXA_MAX_VIOLATIONS ? r.nviolations : VXA_MAX_VIOLATIONS;
            for (unsigned i = 0; i < n; i++)
                cJSON_AddItemToArray(still, cJSON_CreateString(vxa_check_get((vxa_check)r.violations[i].check)->id));
        }
        cli_json_write(stdout, doc);
    } else {
        printf("%s%s%s after %u round%s; %u field%s changed\n", ok ? C_GREEN : C_RED,
               ok ? "repaired" : "not repairable", C_RESET, res.rounds, res.rounds == 1 ? "" : "s",
               res.nchanged, res.nchanged == 1 ? "" : "s");
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            if ((res.changed[f >> 3] >> (f & 7)) & 1u)
                printf("  %-34s 0x%llx -> 0x%llx\n", vxa_field_get((vxa_field)f)->name,
                       (unsigned long long)c.vmcs.value[f], (unsigned long long)fixed.value[f]);
        if (!ok) {
            unsigned n = r.nviolations < VXA_MAX_VIOLATIONS ? r.nviolations : VXA_MAX_VIOLATIONS;
            printf("still violated (no fix known):\n");
            for (unsigned i = 0; i < n; i++)
                printf("  %s\n", vxa_check_get((vxa_check)r.violations[i].check)->id);
        }
        /* Which MSRs the rules would need (incomplete profiles). */
        uint32_t need = 0;
        unsigned nu = r.nundetermined < VXA_MAX_UNDETERMINED ? r.nundetermined : VXA_MAX_UNDETERMINED;
        for (unsigned i = 0; i < nu; i++)
            if (r.undetermined[i].reason == VXA_UR_MSR_MISSING && r.undetermined[i].aux >= 0x480 &&
                r.undetermined[i].aux < 0x480 + VXA_MSR_COUNT)
                need |= 1u << (r.undetermined[i].aux - 0x480);
        if (need) {
            printf("%sundetermined: the profile lacks%s", C_YELLOW, C_RESET);
            for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
                if ((need >> i) & 1u) printf(" %s (0x%x)", vxa_msr_name(i), 0x480 + i);
            printf("; the repaired layout assumes the rules that need them pass\n");
        }
    }
    if (outp) {
        c.vmcs = fixed;
        char *s = vxa_case_to_json(&c);
        int wrc = cli_write_output("repair", outp, s, o->force);
        free(s);
        if (wrc) { vxa_case_free(&c); return wrc; }
    }
    vxa_case_free(&c);
    return ok ? EXIT_OK : EXIT_NEGATIVE;
}

const cli_command cli_cmd_repair = { "repair", "CASE|-",
    "change the fields that violated rules name until the layout enters",
    .description =
    "Iterates audit -> fix until the layout passes every control, host, guest and MSR-load rule,\n"
    "prints the fields it changed (old -> new) and writes the repaired case to OUT.  Fields that\n"
    "no violated rule names are never touched.  With --minimal it changes the fewest fields: the\n"
    "root cause (as 'check' reports it), which may undo one mistake instead of patching each of\n"
    "its consequences; where no root cause is found it repairs as without --minimal.\n",
    .exit_status = "0 repaired (or already clean), 1 not repairable, 2 bad input or OUT not written.",
    .options = repair_options, .size = sizeof(repair_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_FILE, .run = run };
