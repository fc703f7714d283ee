/* cmd_profile_match.c — `vmxaudit profile match`: which bundled profile is closest to a CPU,
 * given by its family/model/stepping (CPUID.1:EAX), its brand string or name, or read from the
 * CPU this runs on (CPUID).  Ranking: profile_index.c. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

typedef struct match_opts { const char *signature, *brand, *format; bool live; cli_uint count; } match_opts;
#define O(f) .offset = offsetof(match_opts, f)

static const cli_option match_options[] = {
    { "signature", 0, CLI_TEXT, "SIG", O(signature),
      .help = "family/model[/stepping]: CPUID.1:EAX (0x90672), Intel's hex 06_97[_2], or /proc/cpuinfo's decimal 6/151/2" },
    { "brand", 0, CLI_TEXT, "TEXT", O(brand),
      .help = "the brand string or a name: 'Intel(R) Core(TM) i7-8700K', '12900k', 'alderlake'" },
    { "live", 0, CLI_FLAG, O(live), .help = "the CPU this runs on (CPUID): the default without --signature and --brand" },
    { "count", 'n', CLI_UINT, "N", .def = "5", .min = 1, .max = 1000, O(count), .help = "list at most N profiles" },
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", O(format), .help = "text for people, json for tools" },
    { 0 } };

/* "0x90672", "06_97" / "06_97_2" (hex), "6/151" / "6/151/2" (decimal). */
static int parse_signature(const char *s, cli_cpu_id *id)
{
    memset(id, 0, sizeof *id);
    char *end;
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)) {
        unsigned long v = strtoul(s, &end, 16);
        if (*end || end == s + 2 || v > 0xffffffffu) return -1;
        cli_signature_split((uint32_t)v, id);
        return 0;
    }
    char sep = strchr(s, '_') ? '_' : '/';
    int base = sep == '_' ? 16 : 10;
    unsigned long v[3];
    unsigned n = 0;
    const char *p = s;
    while (n < 3) {
        v[n++] = strtoul(p, &end, base);
        if (end == p || v[n - 1] > 0xff) return -1;
        if (!*end) break;
        if (*end != sep) return -1;
        p = end + 1;
    }
    if (n < 2 || *end) return -1;
    id->family = (unsigned)v[0];
    id->model = (unsigned)v[1];
    id->has_signature = true;
    if (n == 3) id->stepping = (unsigned)v[2], id->has_stepping = true;
    return 0;
}

/* This CPU's signature, vendor and brand string (CPUID leaves 1, 0, 80000002H-80000004H). */
static int live_cpu(cli_cpu_id *id, char *vendor, char *brand)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return -1;
    memcpy(vendor, &b, 4), memcpy(vendor + 4, &d, 4), memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    __get_cpuid(1, &a, &b, &c, &d);
    cli_signature_split(a, id);
    brand[0] = 0;
    if ((unsigned)__get_cpuid_max(0x80000000u, NULL) >= 0x80000004u) {   /* int in clang's cpuid.h */
        unsigned r[12];
        for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002u + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
        memcpy(brand, r, 48);
        brand[48] = 0;
    }
    return 0;
#else
    (void)id, (void)vendor, (void)brand;
    return -1;
#endif
}

static int run(const void *opts, int argc, char **argv)
{
    const match_opts *o = opts;
    (void)argc, (void)argv;
    bool json = !strcmp(o->format, "json");
    cli_cpu_id id = { 0 };
    char vendor[13] = "", brand[49] = "";
    const char *b = o->brand;
    bool live = o->live || (!o->signature && !o->brand);
    if (o->signature && parse_signature(o->signature, &id))
        return cli_usage("profile match", "--signature: '%s' is not a signature (0x90672, 06_97_2 or 6/151/2)",
                         o->signature);
    if (live) {
        if (live_cpu(&id, vendor, brand)) {
            fprintf(stderr, "vmxaudit profile match: this CPU's CPUID cannot be read here (not x86): "
                    "give --signature or --brand\n");
            return EXIT_UNAVAILABLE;
        }
        if (!b) b = brand;
    }
    unsigned n;
    cli_profile_entry *e = cli_profile_index(&n);
    if (!n) {
        cli_profile_index_free(e, n);
        return cli_no_data("profiles");
    }
    unsigned *order = calloc(n, sizeof *order);
    int *scores = calloc(n, sizeof *scores);
    unsigned m = cli_profile_rank(e, n, &id, b, order, scores);
    if (m > o->count.v) m = (unsigned)o->count.v;
    cJSON *doc = NULL, *arr = NULL;
    if (json) {
        doc = cli_json_doc(CLI_SCHEMA_PROFILE_MATCH);
        cJSON *q = cJSON_AddObjectToObject(doc, "cpu");
        cJSON_AddStringToObject(q, "source", live ? "cpuid" : "given");
        if (vendor[0]) cJSON_AddStringToObject(q, "vendor", vendor);
        if (id.has_signature) {
            cJSON_AddNumberToObject(q, "family", id.family);
            cJSON_AddNumberToObject(q, "model", id.model);
            if (id.has_stepping) cJSON_AddNumberToObject(q, "stepping", id.stepping);
        }
        if (b && *b) cJSON_AddStringToObject(q, "brand", b);
        arr = cJSON_AddArrayToObject(doc, "matches");
    } else {
        printf("%sCPU%s:", C_BOLD, C_RESET);
        if (vendor[0]) printf(" %s", vendor);
        if (id.has_signature) printf(" family %02X model %02X", id.family, id.model);
        if (id.has_stepping) printf(" stepping %u", id.stepping);
        if (b && *b) printf(" \"%s\"", b);
        printf("%s\n", live ? " (this machine's CPUID)" : "");
        if (vendor[0] && strcmp(vendor, "GenuineIntel") && strcmp(vendor, "CentaurHauls") && strcmp(vendor, "  Shanghai  "))
            printf("%s(a %s CPU has no VMX: the closest profiles by name only)%s\n", C_YELLOW, vendor, C_RESET);
    }
    for (unsigned i = 0; i < m; i++) {
        const cli_profile_entry *x = &e[order[i]];
        char why[300];
        cli_profile_score(x, &id, b, why, sizeof why);
        if (json) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "profile", x->name);
            if (x->cpu) cJSON_AddStringToObject(j, "cpu", x->cpu);
            cJSON_AddNumberToObject(j, "score", scores[order[i]]);
            cJSON_AddStringToObject(j, "matched", why);
            cJSON_AddItemToArray(arr, j);
        } else {
            printf("  %3d  %-34s %s\n       matched: %s\n", scores[order[i]], x->name, x->cpu ? x->cpu : "", why);
        }
    }
    if (!json && !m) printf("no bundled profile matches (see 'vmxaudit profile list')\n");
    free(order);
    free(scores);
    cli_profile_index_free(e, n);
    int rc = m ? EXIT_OK : EXIT_NEGATIVE;
    if (json) {
        int w = cli_json_write(stdout, doc);
        if (w) return w;
    }
    return rc;
}

const cli_command cli_cmd_profile_match = { "profile match", NULL,
    "the bundled profiles closest to a CPU (family/model, brand string, or this machine's)",
    .description =
    "Ranks the bundled profiles by how well they match a CPU: the same family and model\n"
    "(CPUID.1:EAX, as far as a profile records its signature) counts most, the same stepping a\n"
    "little more, then each word of the brand string or name that the profile's name or CPU\n"
    "shares ('i7-8700K', '12900k', 'alderlake', 'xeon 8180').  Without --signature and --brand\n"
    "it reads the CPU it runs on (CPUID leaves 1 and 80000002H-80000004H).  Use the first with\n"
    "--profile NAME; the VMX capability MSRs of the CPU itself come from 'vmxaudit profile\n"
    "import --format msr-device'.\n",
    .exit_status = "0 a profile matches, 1 none does, 2 bad usage, 3 no CPUID here (give --signature or --brand).",
    .options = match_options, .size = sizeof(match_opts), .run = run };
