/* cmd_fields.c — `vmxaudit fields`: the VMCS field catalogue (SDM Appendix B). */
#include <string.h>
#include "cli.h"

const char cli_help_fields[] =
    "usage: vmxaudit fields [--format text|json] [--profile P]\n"
    "Lists every VMCS field: encoding, canonical name, width, kind, and the capability that makes\n"
    "it exist.  With --profile, adds whether the field exists on that CPU (VMWRITE error 12 if not).\n";

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

int cmd_fields(int argc, char **argv)
{
    const char *format = "text", *pname = NULL;
    if (cli_help_requested(argc, argv, cli_help_fields)) return EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) format = argv[++i];
        else if (!strcmp(argv[i], "--profile") && i + 1 < argc) pname = argv[++i];
        else return cli_usage("fields", "unexpected argument '%s'", argv[i]);
    }
    if (strcmp(format, "text") && strcmp(format, "json"))
        return cli_usage("fields", "unknown format '%s' (text, json)", format);
    vxa_profile p;
    if (pname) {
        vxa_error e;
        if (vxa_profile_load(pname, &p, NULL, &e)) return cli_input_error(&e);
    }
    bool json = !strcmp(format, "json");
    if (json) printf("[\n");
    else printf("%-10s %-34s %-8s %-10s %s%s\n", "encoding", "name", "width", "kind", "exists if",
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
        if (json)
            printf("  {\"name\": \"%s\", \"encoding\": \"0x%x\", \"width\": \"%s\", \"kind\": \"%s\", "
                   "\"exists_if\": \"%s\"%s%s%s}%s\n", fi->name, fi->encoding, widths[fi->width],
                   kinds[fi->kind], gate, pname ? ", \"exists\": \"" : "", ex, pname ? "\"" : "",
                   f + 1 < VXA_FIELD_COUNT ? "," : "");
        else
            printf("0x%08x %-34s %-8s %-10s %s%s%s\n", fi->encoding, fi->name, widths[fi->width],
                   kinds[fi->kind], gate, pname ? "  " : "", ex);
    }
    if (json) printf("]\n");
    return EXIT_OK;
}
