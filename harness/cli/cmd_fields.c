/* cmd_fields.c — `vmxaudit fields`: the VMCS field catalogue (SDM Appendix B). */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <string.h>
#include "cli.h"

static const char *const widths[] = { "16", "64", "32", "natural" };
static const char *const kinds[] = { "control", "read-only", "guest", "host" };

static void gate_text(const vxa_field_info *fi, char *buf, size_t n)
{
    buf[0] = 0;
    for (unsigned g = 0; g < 2; g++) {
        if (fi->gate_word[g] == VXA_WORD_NONE) continue;
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s[%u]", l ? " or " : "", vxa_word_name((vxa_word)fi->gate_word[g]), fi->gate_bit[g]);
    }
    if (!buf[0]) snprintf(buf, n, "always");
}

typedef struct fields_opts { const char *format, *profile; } fields_opts;

static const cli_option fields_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", .offset = offsetof(fields_opts, format),
      .help = "text for people, json for tools" },
    { "profile", 0, CLI_TEXT, "P", .complete = CLI_C_PROFILE, .offset = offsetof(fields_opts, profile),
      .help = "also say whether each field exists on this CPU (VMWRITE error 12 if not)" },
    { 0 } };

static int run(const void *opts, int argc, char **argv)
{
    const fields_opts *o = opts;
    const char *format = o->format, *pname = o->profile;
    (void)argc, (void)argv;
    vxa_profile p;
    if (pname) {
        vxa_error e;
        if (vxa_profile_load(pname, &p, NULL, &e)) return cli_input_error(&e);
    }
    bool json = !strcmp(format, "json");
    cJSON *doc = json ? cli_json_doc(CLI_SCHEMA_FIELDS) : NULL;
    cJSON *arr = json ? cJSON_AddArrayToObject(doc, "fields") : NULL;
    if (!json) printf("%-10s %-34s %-8s %-10s %s%s\n", "encoding", "name", "width", "kind", "exists if",
                pname ? "  (on this CPU)" : "");
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        const vxa_field_info *fi = vxa_field_get((vxa_field)f);
        char gate[64];
        gate_text(fi, gate, sizeof gate);
        const char *ex = "";
        if (pname) {
            int r = vxa_field_exists(&p, (vxa_field)f);
            ex = r == 1 ? "yes" : r == 0 ? "no" : "unknown";
        }
        if (json) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "name", fi->name);
            cJSON_AddItemToObject(j, "encoding", cli_json_hex(fi->encoding));
            cJSON_AddStringToObject(j, "width", widths[fi->width]);
            cJSON_AddStringToObject(j, "kind", kinds[fi->kind]);
            cJSON_AddStringToObject(j, "exists_if", gate);
            if (pname) cJSON_AddStringToObject(j, "exists", ex);
            cJSON_AddItemToArray(arr, j);
        } else
            printf("0x%08x %-34s %-8s %-10s %s%s%s\n", fi->encoding, fi->name, widths[fi->width],
                   kinds[fi->kind], gate, pname ? "  " : "", ex);
    }
    if (json) return cli_json_write(stdout, doc);
    return EXIT_OK;
}

const cli_command cli_cmd_fields = { "fields", NULL, "list the VMCS field catalogue",
    .description =
    "Lists every VMCS field: encoding, canonical name, width, kind, and the capability that makes\n"
    "it exist.\n",
    .exit_status = "0, or 2 for bad input.",
    .options = fields_options, .size = sizeof(fields_opts), .run = run };
