/* cmd_profile.c — `vmxaudit profile list|show`: the bundled capability profiles, decoded like
 * QEMU's vmxcap (allowed-0/allowed-1 per control bit, SDM Appendix A). */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char *const issue_text[] = {
    "allowed-0 setting not allowed as 1", "FIXED0 bit not in FIXED1",
    "TRUE MSR disagrees with its non-TRUE MSR", "non-TRUE MSR does not report a default1 bit as must-be-1",
    "advertised by another MSR but not captured",
    "IA32_VMX_BASIC not captured: read as BASIC[55] = BASIC[56] = 0 (no TRUE MSRs)" };

/* One decoded item of an MSR: a yes/no bit, or a number (bits lo..hi, times mul after adding add). */
typedef struct item { const char *name; unsigned lo, hi; bool number; unsigned add, mul; } item;
#define YES(n, b) { n, b, b, false, 0, 1 }
#define NUM(n, lo, hi) { n, lo, hi, true, 0, 1 }
static const item basic_items[] = {   /* IA32_VMX_BASIC, SDM A.1 */
    NUM("Revision", 0, 30), NUM("VMCS size", 32, 44), NUM("VMCS memory type (6 = WB)", 50, 53),
    YES("Physical-address width limited to 32 bits", 48), YES("Dual-monitor support", 49),
    YES("INS/OUTS instruction information", 54), YES("IA32_VMX_TRUE_*_CTLS support", 55),
    YES("Skip deliver-error-code checks (BASIC[56])", 56), { 0 } };
static const item misc_items[] = {    /* IA32_VMX_MISC, SDM A.6 */
    NUM("VMX-preemption timer rate (TSC >> N)", 0, 4), YES("Activity state HLT", 6),
    YES("Activity state shutdown", 7), YES("Activity state wait-for-SIPI", 8),
    NUM("Number of CR3-target values", 16, 24), { "MSR-list maximum (512 x (N+1))", 25, 27, true, 1, 512 },
    YES("VMWRITE to VM-exit information fields", 29), YES("Injection with instruction length 0", 30), { 0 } };
static const item ept_items[] = {     /* IA32_VMX_EPT_VPID_CAP, SDM A.10 */
    YES("Execute-only EPT translations", 0), YES("Page-walk length 4", 6), YES("Page-walk length 5", 7),
    YES("EPT paging-structure memory type UC", 8), YES("EPT paging-structure memory type WB", 14),
    YES("2MB EPT pages", 16), YES("1GB EPT pages", 17), YES("INVEPT", 20),
    YES("EPT accessed and dirty flags", 21), YES("Advanced VM-exit information for EPT violations", 22),
    YES("Supervisor shadow-stack control", 23), YES("INVVPID", 32), { 0 } };

static uint64_t item_value(const item *it, uint64_t msr)
{
    uint64_t v = (msr >> it->lo) & ((2ull << (it->hi - it->lo)) - 1);
    return (v + it->add) * it->mul;
}

/* The items of MSR i under `title`: text lines, or an object in parent. */
static void items(const vxa_profile *p, unsigned i, const char *title, const char *key, const item *its,
                  cJSON *parent)
{
    if (!vxa_profile_has(p, i)) return;
    uint64_t m = p->msr[i];
    cJSON *o = parent ? cJSON_AddObjectToObject(parent, key) : NULL;
    if (!o) printf("%s%s (%s)%s\n", C_BOLD, title, vxa_msr_name(i), C_RESET);
    for (const item *it = its; it->name; it++) {
        uint64_t v = item_value(it, m);
        if (o && it->number) cJSON_AddNumberToObject(o, it->name, (double)v);
        else if (o) cJSON_AddBoolToObject(o, it->name, v != 0);
        else if (it->number) printf("  %-45s %llu\n", it->name, (unsigned long long)v);
        else printf("  %-45s %s\n", it->name, v ? "yes" : "no");
    }
    if (!o) printf("\n");
}

/* A control word: each control yes (allowed), forced (must be 1) or no. */
static void word(const vxa_profile *p, vxa_word w, cJSON *controls)
{
    uint64_t m1, a1;
    unsigned missing;
    cJSON *o = controls ? cJSON_AddObjectToObject(controls, vxa_word_get(w)->title) : NULL;
    if (!o) printf("%s%s%s\n", C_BOLD, vxa_word_get(w)->title, C_RESET);
    if (!vxa_allowed(p, w, &m1, &a1, &missing)) {
        if (o) cJSON_AddStringToObject(o, "not_captured", vxa_msr_name(missing));
        else printf("  %s(not captured: %s)%s\n", C_YELLOW, vxa_msr_name(missing), C_RESET);
        return;
    }
    for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++) {
        const vxa_control_info *b = vxa_control_get(i);
        if (b->word != w || !b->display) continue;
        bool must = (m1 >> b->bit) & 1, may = (a1 >> b->bit) & 1;
        const char *s = must ? "forced" : may ? "yes" : "no";
        if (o) cJSON_AddStringToObject(o, b->display, s);
        else printf("  %-45s %s%s%s\n", b->display, may ? C_GREEN : C_DIM, s, C_RESET);
    }
}

/* CR0/CR4 in VMX operation (FIXED0: must be 1; FIXED1: may be 1), bits by name. */
static void fixed(const vxa_profile *p, unsigned f0i, unsigned f1i, vxa_value_kind reg, cJSON *decoded)
{
    if (!vxa_profile_has(p, f0i) || !vxa_profile_has(p, f1i)) return;
    uint64_t f0 = p->msr[f0i], f1 = p->msr[f1i];
    cJSON *o = decoded ? cJSON_AddObjectToObject(decoded, reg == VXA_VALUE_CR0 ? "cr0" : "cr4") : NULL;
    cJSON *must = o ? cJSON_AddArrayToObject(o, "must_be_1") : NULL, *may = o ? cJSON_AddArrayToObject(o, "may_be_1") : NULL;
    if (!o) printf("%s%s in VMX operation%s\n  must be 1:", C_BOLD, vxa_value_kind_name(reg), C_RESET);
    for (unsigned pass = 0; pass < 2; pass++) {
        if (!o && pass) printf("\n  may be 1: ");
        for (unsigned b = 0; b < 64; b++) {
            bool in = pass ? (f1 >> b) & 1 && !((f0 >> b) & 1) : (f0 >> b) & 1;
            if (!in) continue;
            char nb[16];
            const char *n = vxa_register_bitname(reg, b);
            if (!n) snprintf(nb, sizeof nb, pass ? "bit%u" : "?", b), n = nb;
            if (o) cJSON_AddItemToArray(pass ? may : must, cJSON_CreateString(n));
            else printf(" %s", n);
        }
    }
    if (!o) printf("\n\n");
}

/* The PMU that decides IA32_PERF_GLOBAL_CTRL's bits 48:0, per core type. */
static void pmu_text(const vxa_profile *p)
{
    if (!p->pmu_types) {
        printf("  PMU (CPUID.0AH) %s(not captured: IA32_PERF_GLOBAL_CTRL bits 48:0 undetermined)%s\n\n",
               C_DIM, C_RESET);
        return;
    }
    for (unsigned t = 0; t < p->pmu_types && t < VXA_PMU_TYPES; t++) {
        const uint32_t *r = p->pmu_cpuid_0a[t];
        printf("  PMU core type %u: version %u, %u general-purpose counters, %u fixed (bitmap 0x%x), "
               "IA32_PERF_CAPABILITIES %s", t, r[0] & 0xffu, (r[0] >> 8) & 0xffu, r[3] & 0x1fu, r[2],
               (p->pmu_perf_caps_known >> t) & 1u ? "" : "not captured");
        if ((p->pmu_perf_caps_known >> t) & 1u) printf("0x%llx", (unsigned long long)p->pmu_perf_caps[t]);
        printf("\n");
    }
    uint64_t exists, known;
    vxa_perf_global_ctrl_bits(p, &exists, &known);
    printf("  IA32_PERF_GLOBAL_CTRL: bits that exist 0x%llx, undecided 0x%llx\n\n",
           (unsigned long long)exists, (unsigned long long)~known);
}

static int show(const char *name, bool json)
{
    vxa_profile p;
    vxa_error e;
    char *pname = NULL;
    if (vxa_profile_load(name, &p, &pname, &e)) return cli_input_error(&e);
    vxa_profile_warning w[32];
    unsigned nw = vxa_profile_check(&p, w, 32);
    cJSON *doc = NULL, *decoded = NULL, *controls = NULL;
    if (json) {   /* the profile as read (every key of its document), then what decoding it finds */
        doc = cli_json_doc(CLI_SCHEMA_PROFILE);
        vxa_profile q;
        cJSON *o = vxa_profile_load_tree(name, &q, &e);
        if (!o) {
            cJSON_Delete(doc);
            free(pname);
            return cli_input_error(&e);
        }
        /* the document's keys in their order, the capabilities as the codec writes them
         * (normalised values), the provenance as it is */
        const vxa_profile_about about = { pname, NULL, NULL };
        cJSON *norm = vxa_profile_to_tree(&p, &about);
        while (o->child) {
            cJSON *k = cJSON_DetachItemViaPointer(o, o->child);
            cJSON *n = cJSON_DetachItemFromObjectCaseSensitive(norm, k->string);
            if (n) cJSON_Delete(k), k = n;
            cJSON_AddItemToObject(doc, k->string, k);
        }
        while (norm->child) {
            cJSON *k = cJSON_DetachItemViaPointer(norm, norm->child);
            cJSON_AddItemToObject(doc, k->string, k);
        }
        cJSON_Delete(norm);
        cJSON_Delete(o);
        if (p.maxphyaddr_default) cJSON_AddNumberToObject(doc, "maxphyaddr", p.maxphyaddr);
        cJSON_AddBoolToObject(doc, "maxphyaddr_default", p.maxphyaddr_default);
        cJSON *wa = cJSON_AddArrayToObject(doc, "warnings");
        for (unsigned i = 0; i < nw && i < 32; i++) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddItemToObject(x, "msr", cli_json_hex(VXA_MSR_INDEX(w[i].msr)));
            cJSON_AddStringToObject(x, "issue", issue_text[w[i].issue]);
            cJSON_AddItemToObject(x, "bits", cli_json_hex(w[i].bits));
            cJSON_AddItemToArray(wa, x);
        }
        decoded = cJSON_AddObjectToObject(doc, "decoded");
        controls = cJSON_AddObjectToObject(decoded, "controls");
    } else {
        printf("%sprofile %s%s\n", C_BOLD, pname, C_RESET);
        for (unsigned i = 0; i < VXA_MSR_COUNT; i++) {
            if (vxa_profile_has(&p, i))
                printf("  0x%x %-28s 0x%016llx\n", 0x480 + i, vxa_msr_name(i), (unsigned long long)p.msr[i]);
            else
                printf("  0x%x %-28s %s(not captured)%s\n", 0x480 + i, vxa_msr_name(i), C_DIM, C_RESET);
        }
        printf("  MAXPHYADDR %u%s, linear-address width %u\n\n", p.maxphyaddr,
               p.maxphyaddr_default ? " (not in the profile: the architectural maximum is assumed, "
                                      "address-width violations may be missed)" : "",
               p.linear_address_width);
        pmu_text(&p);
    }
    items(&p, VXA_MSR_BASIC, "Basic VMX information", "basic", basic_items, decoded);
    for (unsigned wd = VXA_WORD_NONE + 1; vxa_word_get((vxa_word)wd); wd++) word(&p, (vxa_word)wd, controls);
    items(&p, VXA_MSR_MISC, "Miscellaneous data", "misc", misc_items, decoded);
    items(&p, VXA_MSR_EPT_VPID_CAP, "EPT and VPID capabilities", "ept_vpid", ept_items, decoded);
    fixed(&p, VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1, VXA_VALUE_CR0, decoded);
    fixed(&p, VXA_MSR_CR4_FIXED0, VXA_MSR_CR4_FIXED1, VXA_VALUE_CR4, decoded);
    free(pname);
    if (json) return cli_json_write(stdout, doc);
    if (nw) {
        printf("%swarnings%s\n", C_YELLOW, C_RESET);
        for (unsigned i = 0; i < nw && i < 32; i++)
            printf("  %s: %s\n", vxa_msr_name(w[i].msr), issue_text[w[i].issue]);
    }
    return EXIT_OK;
}

const cli_command cli_cmd_profile = { "profile", .summary = "CPU capability profiles",
    .description =
    "Lists the bundled CPU capability profiles, decodes one, or builds one from an MSR dump.\n" };

typedef struct list_opts { bool names; } list_opts;

static const cli_option list_options[] = {
    { "names", 0, CLI_FLAG, .offset = offsetof(list_opts, names),
      .help = "only the names, one a line (for scripts and the completion)" },
    { 0 } };

static int list_run(const void *opts, int argc, char **argv)
{
    (void)argc, (void)argv;
    unsigned n;
    cli_profile_entry *e = cli_profile_index(&n);
    size_t w = 0;
    for (unsigned i = 0; i < n; i++)
        if (strlen(e[i].name) > w) w = strlen(e[i].name);
    for (unsigned i = 0; i < n; i++) {
        if (((const list_opts *)opts)->names) printf("%s\n", e[i].name);
        else printf("%-*s  %s\n", (int)w, e[i].name, e[i].cpu ? e[i].cpu : "");
    }
    cli_profile_index_free(e, n);
    if (!n) return cli_no_data("profiles");
    return EXIT_OK;
}

const cli_command cli_cmd_profile_list = { "profile list", NULL, "list the bundled CPU capability profiles",
    .description =
    "Prints every bundled profile: its name (use it with --profile NAME) and the CPU it describes\n"
    "(brand string or model).  'vmxaudit profile match' finds the closest to a CPU.\n",
    .exit_status = "0, or 2 if the bundled profiles cannot be found.",
    .options = list_options, .size = sizeof(list_opts), .run = list_run };

typedef struct show_opts { const char *format; } show_opts;

static const cli_option show_options[] = {
    { "format", 0, CLI_TEXT, .values = "text|json", .def = "text", .offset = offsetof(show_opts, format),
      .help = "text for people, json for tools" },
    { 0 } };

static int show_run(const void *opts, int argc, char **argv)
{
    (void)argc;
    return show(argv[0], !strcmp(((const show_opts *)opts)->format, "json"));
}

const cli_command cli_cmd_profile_show = { "profile show", "NAME|FILE", "decode a profile's VMX capabilities",
    .description =
    "Decodes a profile (a bundled name or a file): each VMX control with whether the CPU allows\n"
    "it (yes), forces it (forced: must be 1), or does not support it (no), honouring\n"
    "IA32_VMX_BASIC[55] (TRUE MSRs); then MISC, EPT/VPID, CR0/CR4 fixed bits and the profile's\n"
    "inconsistencies.\n",
    .exit_status = "0, or 2 for bad input.",
    .options = show_options, .size = sizeof(show_opts), .min_args = 1, .max_args = 1,
    .complete_args = CLI_C_PROFILE, .run = show_run };
