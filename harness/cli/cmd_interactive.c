/* cmd_interactive.c — `vmxaudit interactive`: the 2018 VMCS Auditor's flow, kept and extended.
 * It asks for the CPU first (a bundled profile, a file, or the capability MSRs one by one, only
 * those the MSRs so far advertise), then field after field with a default shown, asking only for
 * the fields the rules read given the answers so far (the engine reports what its rules read), and
 * prints each violation as soon as every field it names has been answered.  At the end it prints
 * the full report and saves everything entered as a case (--save).  Works from a terminal and from
 * piped input: an empty line takes the default, '.' or end of input takes the defaults of all the
 * remaining questions. */
#include <ctype.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#ifdef VXA_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

typedef struct session {
    bool tty;           /* stdin is a terminal (else answers are echoed for a readable transcript) */
    bool rest_default;  /* '.' or end of input: take every remaining default */
} session;

/* One line from the terminal: with libedit (editing, history: Up recalls an earlier answer)
 * where it is built in and stdin is a terminal, else the plain read (a pipe, the Windows
 * console's own editing).  false at end of input. */
static bool read_line(session *s, const char *prompt, char *buf, size_t n)
{
#ifdef VXA_HAVE_LIBEDIT
    if (s->tty) {
        fflush(stdout);
        char *line = readline(prompt);
        if (!line) {
            printf("\n");
            return false;
        }
        snprintf(buf, n, "%s", line);
        if (*line) add_history(line);
        free(line);
        return true;
    }
#else
    (void)s;
#endif
    printf("%s", prompt);
    fflush(stdout);
    return fgets(buf, (int)n, stdin) != NULL;
}

/* Reads one answer; NULL = take the default (empty line, '.', end of input). */
static const char *ask(session *s, const char *prompt, const char *def, char *buf, size_t n)
{
    char full[400];
    snprintf(full, sizeof full, "%s [%s]: ", prompt, def);
    if (s->rest_default) {
        printf("%s%s\n", full, def);
        return NULL;
    }
    if (!read_line(s, full, buf, n)) {
        s->rest_default = true;
        printf("%s   (end of input: defaults from here on)\n", def);
        return NULL;
    }
    size_t l = strlen(buf);
    while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r' || buf[l - 1] == ' ')) buf[--l] = 0;
    char *p = buf;
    while (*p == ' ') p++;
    if (!s->tty) printf("%s\n", *p ? p : def);
    if (!strcmp(p, ".")) {
        s->rest_default = true;
        return NULL;
    }
    return *p ? p : NULL;
}

/* A value as the prompts take it: hex, 0x optional ("10" is 0x10, as WinDbg and rdmsr print
 * values); WinDbg's 64-bit form with a backtick ("00da0400`00000004"), a whole WinDbg line
 * ("msr[480] = 00da0400`00000004"), msr-tools' rdmsr output (hex without 0x), and an
 * explicitly decimal value with a "0n" prefix as WinDbg writes it ("0n16" = 0x10). */
static int parse_hex(const char *s, uint64_t *v)
{
    char b[40];
    size_t k = 0;
    const char *eq = strchr(s, '=');
    if (eq) s = eq + 1;                            /* "msr[480] = ..." */
    while (*s == ' ' || *s == '\t') s++;
    if (s[0] == '0' && (s[1] == 'n' || s[1] == 'N')) return vxa_parse_u64(s + 2, v);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    for (; *s && *s != ' '; s++) {
        if (*s == '`' || *s == '\'' || *s == '_') continue;   /* WinDbg/digit separators */
        if (k >= 16 || !strchr("0123456789abcdefABCDEF", *s)) return -1;
        b[k++] = *s;
    }
    while (*s == ' ') s++;
    if (!k || *s) return -1;
    b[k] = 0;
    char h[48];
    snprintf(h, sizeof h, "0x%s", b);
    return vxa_parse_u64(h, v);
}

/* ---- the CPU ---- */

/* Which MSR to ask next: the 11 the original asked, then what those advertise (SDM A.1-A.11). */
static bool msr_relevant(const vxa_profile *p, unsigned i)
{
    uint64_t proc = p->msr[VXA_MSR_PROCBASED_CTLS], proc2 = p->msr[VXA_MSR_PROCBASED_CTLS2];
    bool has_proc = vxa_profile_has(p, VXA_MSR_PROCBASED_CTLS), has2 = vxa_profile_has(p, VXA_MSR_PROCBASED_CTLS2);
    switch (i) {
    case VXA_MSR_PROCBASED_CTLS2: return has_proc && (proc >> 63) & 1;
    case VXA_MSR_EPT_VPID_CAP: return has2 && ((proc2 >> 33) & 1 || (proc2 >> 37) & 1);
    case VXA_MSR_VMFUNC: return has2 && (proc2 >> 45) & 1;
    case VXA_MSR_PROCBASED_CTLS3: return has_proc && (proc >> 49) & 1;
    case VXA_MSR_EXIT_CTLS2: return vxa_profile_has(p, VXA_MSR_EXIT_CTLS) && (p->msr[VXA_MSR_EXIT_CTLS] >> 63) & 1;
    case VXA_MSR_TRUE_PINBASED_CTLS: case VXA_MSR_TRUE_PROCBASED_CTLS: case VXA_MSR_TRUE_EXIT_CTLS:
    case VXA_MSR_TRUE_ENTRY_CTLS:
        return vxa_profile_has(p, VXA_MSR_BASIC) && (p->msr[VXA_MSR_BASIC] >> 55) & 1;
    default: return true;
    }
}

static int ask_msrs(session *s, vxa_profile *p, const vxa_profile *defaults)
{
    static const unsigned order[] = { VXA_MSR_BASIC, VXA_MSR_PINBASED_CTLS, VXA_MSR_PROCBASED_CTLS,
        VXA_MSR_PROCBASED_CTLS2, VXA_MSR_EXIT_CTLS, VXA_MSR_ENTRY_CTLS, VXA_MSR_MISC,
        VXA_MSR_CR0_FIXED0, VXA_MSR_CR0_FIXED1, VXA_MSR_CR4_FIXED0, VXA_MSR_CR4_FIXED1,
        VXA_MSR_VMCS_ENUM, VXA_MSR_EPT_VPID_CAP, VXA_MSR_VMFUNC, VXA_MSR_PROCBASED_CTLS3,
        VXA_MSR_EXIT_CTLS2, VXA_MSR_TRUE_PINBASED_CTLS, VXA_MSR_TRUE_PROCBASED_CTLS,
        VXA_MSR_TRUE_EXIT_CTLS, VXA_MSR_TRUE_ENTRY_CTLS };
    char buf[256], prompt[96], def[24];
    vxa_profile_init(p);
    printf("\n%sCapability MSRs%s (hex; '-' = not captured; defaults: profile %s)\n", C_BOLD, C_RESET,
           "il-xeon-8180-skylake-sp");
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        unsigned i = order[k];
        if (!msr_relevant(p, i)) continue;
        snprintf(prompt, sizeof prompt, "  0x%x %s", 0x480 + i, vxa_msr_name(i));
        if (vxa_profile_has(defaults, i)) snprintf(def, sizeof def, "0x%llx", (unsigned long long)defaults->msr[i]);
        else snprintf(def, sizeof def, "-");
        for (;;) {
            const char *a = ask(s, prompt, def, buf, sizeof buf);
            const char *v = a ? a : def;
            uint64_t x;
            if (!strcmp(v, "-")) break;
            if (!strcmp(v, "?")) {
                printf("    the value of MSR 0x%x (WinDbg: rdmsr %x; Linux: rdmsr 0x%x)\n", 0x480 + i, 0x480 + i, 0x480 + i);
                continue;
            }
            if (parse_hex(v, &x)) { printf("    '%s' is not a hex number\n", v); continue; }
            p->msr[i] = x;
            p->msr_present |= 1u << i;
            break;
        }
    }
    for (;;) {
        const char *a = ask(s, "  MAXPHYADDR (CPUID 80000008H:EAX[7:0], decimal)", "46", buf, sizeof buf);
        uint64_t x;
        if (vxa_parse_u64(a ? a : "46", &x) || x < 32 || x > 52) { printf("    32..52, please\n"); continue; }
        p->maxphyaddr = (uint8_t)x;
        p->maxphyaddr_default = false;
        break;
    }
    /* The rest of the profile the rules read, so that --save writes a case that audits the
     * same: the linear-address width and the CPUID features (cpuid.def). */
    for (;;) {
        snprintf(def, sizeof def, "%u", defaults->linear_address_width ? defaults->linear_address_width : 48);
        const char *a = ask(s, "  linear-address width (CPUID 80000008H:EAX[15:8], decimal: 48 or 57)", def, buf, sizeof buf);
        uint64_t x;
        if (vxa_parse_u64(a ? a : def, &x) || (x != 48 && x != 57)) { printf("    48 or 57, please\n"); continue; }
        p->linear_address_width = (uint8_t)x;
        break;
    }
    static const char *const regs[] = { "EAX", "EBX", "ECX", "EDX" };
    for (unsigned b = 0; b < VXA_CPUID_COUNT; b++) {
        const vxa_cpuid_info *ci = vxa_cpuid_get(b);
        if (1u << b == VXA_CPUID_LM) continue;   /* from IA32_VMX_BASIC[48] (below) */
        snprintf(prompt, sizeof prompt, "  CPUID.(EAX=%xH,ECX=%u):%s[%u] %s (y, n, '-' unknown)", ci->leaf,
                 ci->subleaf, regs[ci->reg & 3], ci->bit, ci->name);
        snprintf(def, sizeof def, "%s", !(defaults->cpuid_known >> b & 1) ? "-" : defaults->cpuid >> b & 1 ? "y" : "n");
        for (;;) {
            const char *a = ask(s, prompt, def, buf, sizeof buf);
            const char *v = a ? a : def;
            if (!strcmp(v, "-")) break;
            if (strcmp(v, "y") && strcmp(v, "n")) { printf("    y, n or -\n"); continue; }
            p->cpuid_known |= 1u << b;
            if (*v == 'y') p->cpuid |= 1u << b;
            break;
        }
    }
    /* IA-32e support from IA32_VMX_BASIC[48]; without BASIC, as the original tool (which asked
     * no CPUID), an Intel 64 processor. */
    vxa_profile_normalize(p);
    if (!(p->cpuid_known & VXA_CPUID_LM)) {
        p->cpuid_known |= VXA_CPUID_LM;
        p->cpuid |= VXA_CPUID_LM;
    }
    return 0;
}

/* Is name a bundled profile? */
static bool vxa_corpus_find_exists(const char *name)
{
    char *p = vxa_corpus_find("profiles", name);
    free(p);
    return p != NULL;
}

/* A CPU name for a bundled profile (profile match's ranking by name and brand words): the best
 * match into out, saying which and what else matched.  false if nothing matches. */
static bool profile_alias(const char *words, char *out, size_t n)
{
    unsigned ne;
    cli_profile_entry *e = cli_profile_index(&ne);
    unsigned *order = calloc(ne + 1, sizeof *order);
    int *scores = calloc(ne + 1, sizeof *scores);
    unsigned m = cli_profile_rank(e, ne, NULL, words, order, scores);
    if (m) {
        snprintf(out, n, "%s", e[order[0]].name);
        printf("    '%s': %s (%s)", words, e[order[0]].name, e[order[0]].cpu ? e[order[0]].cpu : "");
        for (unsigned i = 1; i < m && i < 4 && scores[order[i]] == scores[order[0]]; i++)
            printf("%s %s", i == 1 ? "; also matches:" : ",", e[order[i]].name);
        printf("\n");
    }
    free(order);
    free(scores);
    cli_profile_index_free(e, ne);
    return m != 0;
}

/* ---- the fields ---- */


/* Question order: the control words (they decide what else matters; controls.def order), the
 * other controls, the host state, the guest state; VM-exit information fields are never asked
 * (read-only). */
static unsigned question_order(vxa_field *out)
{
    unsigned n = 0;
    for (unsigned w = VXA_WORD_NONE + 1; vxa_word_get((vxa_word)w); w++)
        out[n++] = (vxa_field)vxa_word_get((vxa_word)w)->field;
    static const uint8_t kinds[] = { VXA_KIND_CTRL, VXA_KIND_HOST, VXA_KIND_GUEST };
    for (size_t k = 0; k < 3; k++)
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            if (vxa_field_get((vxa_field)f)->kind == kinds[k] && vxa_field_control_word((vxa_field)f) == VXA_WORD_NONE)
                out[n++] = (vxa_field)f;
    return n;
}

static void field_help(const vxa_profile *p, vxa_field f)
{
    const vxa_field_info *fi = vxa_field_get(f);
    static const char *const widths[] = { "16-bit", "64-bit", "32-bit", "natural-width" };
    printf("    %s: encoding 0x%x, %s\n", fi->name, fi->encoding, widths[fi->width]);
    vxa_word w = vxa_field_control_word(f);
    uint64_t m1, a1;
    unsigned missing;
    if (w != VXA_WORD_NONE && vxa_allowed(p, w, &m1, &a1, &missing)) {
        printf("    must be 1: 0x%llx, may be 1: 0x%llx\n", (unsigned long long)m1, (unsigned long long)a1);
        for (unsigned i = 0; i < VXA_CONTROL_COUNT; i++) {
            const vxa_control_info *b = vxa_control_get(i);
            if (b->word == w && b->display && (a1 >> b->bit) & 1)
                printf("      bit %2u  %-40s %s\n", b->bit, b->display, (m1 >> b->bit) & 1 ? "(forced)" : "");
        }
    }
}

/* A violation is certain once every field it names has been answered. */
static bool certain(const vxa_violation *v, const uint8_t *asked)
{
    for (unsigned k = 0; k < v->nfields; k++)
        if (!((asked[v->field[k] >> 3] >> (v->field[k] & 7)) & 1u)) return false;
    return true;
}

typedef struct shown { uint16_t check; uint32_t index; } shown;

/* What the audit says, hashed (FNV-1a): the outcome and which rules are violated. */
static uint64_t signature(const vxa_report *r)
{
    uint64_t h = 1469598103934665603ull;
#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
    MIX(r->outcome.result);
    MIX(r->outcome.exit_reason);
    for (unsigned i = 0; i < r->outcome.nerror; i++) MIX(r->outcome.error[i]);
    for (unsigned i = 0; i < r->outcome.nqual; i++) MIX(r->outcome.qual[i]);
    unsigned n = r->nviolations < VXA_MAX_VIOLATIONS ? r->nviolations : VXA_MAX_VIOLATIONS;
    for (unsigned i = 0; i < n; i++) { MIX(r->violations[i].check); MIX(r->violations[i].index); }
    MIX(r->nviolations);
    unsigned nu = r->nundetermined < VXA_MAX_UNDETERMINED ? r->nundetermined : VXA_MAX_UNDETERMINED;
    for (unsigned i = 0; i < nu; i++) MIX(r->undetermined[i].check);
#undef MIX
    return h;
}

/* Is field f relevant given the answers so far: does some other value of it (0, all ones, the
 * default with bit 0, 15, 31 or 47 flipped: alignment, limits, canonical addresses) change what
 * the audit says?  This also catches the fields a rule
 * reads only through another field's condition, and never asks a field no rule looks at. */
static bool relevant(const vxa_input *in0, vxa_vmcs *work, vxa_field f, uint64_t base_sig)
{
    static vxa_report r;
    uint64_t keep = work->value[f], mask = vxa_field_mask(f);
    /* bit 62 too: "bits 63:N identical" rules (GUEST_RIP, SDM 27.3.1.4) pass all-zero, all-ones
     * and a flipped bit 47 alike */
    const uint64_t tries[7] = { 0, mask, (keep ^ 1) & mask, (keep ^ 1ull << 15) & mask,
                                (keep ^ 1ull << 31) & mask, (keep ^ 1ull << 47) & mask,
                                (keep ^ 1ull << 62) & mask };
    bool rel = false;
    for (unsigned t = 0; t < 7 && !rel; t++) {
        if (tries[t] == keep) continue;
        work->value[f] = tries[t];
        vxa_input in = *in0;
        in.reads = NULL;
        vxa_audit(&in, &r);
        rel = signature(&r) != base_sig;
    }
    work->value[f] = keep;
    return rel;
}

typedef struct interactive_opts { const char *profile, *layout, *save, *model; } interactive_opts;
#define O(f) .offset = offsetof(interactive_opts, f)

static const cli_option interactive_options[] = {
    { "profile", 0, CLI_TEXT, "P", .complete = CLI_C_PROFILE, O(profile),
      .help = "the CPU: a bundled profile or a file (else it is asked)" },
    { "layout", 0, CLI_TEXT, "L", .complete = CLI_C_LAYOUT, .def = "linux64", O(layout),
      .help = "the known-good layout the defaults come from (bundled name or file)" },
    { "save", 0, CLI_TEXT, "FILE", .complete = CLI_C_FILE, O(save),
      .help = "write the answers as a case for 'vmxaudit check'" },
    { "model", 0, CLI_TEXT, .value_at = cli_model_name, .def = "sdm", O(model),
      .help = "the rules to audit against" },
    { 0 } };

static int run(const void *opts, int argc, char **argv)
{
    const interactive_opts *o = opts;
    const char *profile_arg = o->profile, *layout = o->layout, *save = o->save;
    (void)argc, (void)argv;
    vxa_model model = vxa_model_by_name(o->model);
    session s = { isatty(0) != 0, false };
    vxa_error e;

    /* The defaults: a known-good layout. */
    char *lpath = strchr(layout, '/') || strstr(layout, ".json") ? strdup(layout) : vxa_corpus_find("layouts", layout);
    if (!lpath) {
        char **l = vxa_corpus_list("layouts"), names[1024] = "";
        for (char **q = l; *q; q++) {
            size_t len = strlen(names);
            snprintf(names + len, sizeof names - len, "%s%s", q == l ? "" : ", ", *q);
        }
        vxa_corpus_list_free(l);
        if (!names[0]) return cli_no_data("layouts");
        return cli_usage("interactive", "no layout '%s' (bundled: %s)", layout, names);
    }
    static vxa_case base;
    int rc = vxa_case_load(lpath, &base, &e);
    free(lpath);
    if (rc) { vxa_case_free(&base); return cli_input_error(&e); }

    printf("%svmxaudit interactive%s: why does VMLAUNCH fail?  Answer in hex; Enter = [default], "
           "'?' = help, '.' = defaults for the rest.\n"
           "Values are hex as WinDbg and rdmsr print them (10 = 0x10; 00da0400`00000004 and "
           "'msr[480] = ...' work; 0n16 is decimal 16); 'back' revises the previous field.\n", C_BOLD, C_RESET);

    /* 1. The CPU. */
    static vxa_case c;
    vxa_case_init(&c);
    char buf[512];
    for (;;) {
        const char *a = profile_arg;
        if (!a) a = ask(&s, "\nCPU profile: a bundled name, a profile file, or 'msrs' to type the MSRs",
                        base.profile_name, buf, sizeof buf);
        if (!a) a = base.profile_name;
        if (!strcmp(a, "?")) {
            char **l = vxa_corpus_list("profiles");
            for (char **q = l; *q; q++) printf("    %s\n", *q);
            vxa_corpus_list_free(l);
            continue;
        }
        if (!strcmp(a, "msrs")) {
            ask_msrs(&s, &c.profile, &base.profile);
            const vxa_profile_about about = { "interactive", NULL, "typed into vmxaudit interactive" };
            c.profile_json = vxa_profile_to_tree(&c.profile, &about);
            c.profile_name = strdup(about.name);
            break;
        }
        /* a CPU name ("alderlake", "i7-8700k", "xeon 8180"): the best bundled match */
        char alias[256] = "";
        if (!vxa_profile_is_path(a) && !vxa_corpus_find_exists(a) && profile_alias(a, alias, sizeof alias))
            a = alias;
        /* a file is inlined whole: the saved case stands alone and audits the same */
        if (vxa_case_set_profile(&c, a, &e)) {
            char msg[1200];
            vxa_error_format(&e, msg, sizeof msg);
            printf("    %s\n", msg);
            if (profile_arg || s.rest_default) { vxa_case_free(&base); vxa_case_free(&c); return EXIT_USAGE; }
            continue;
        }
        break;
    }

    /* 2. The instruction. */
    for (;;) {
        const char *a = ask(&s, "\nInstruction (vmlaunch, vmresume)", "vmlaunch", buf, sizeof buf);
        if (!a || !strcmp(a, "vmlaunch")) { c.entry.instruction = VXA_VMLAUNCH; c.entry.launched = false; break; }
        if (!strcmp(a, "vmresume")) { c.entry.instruction = VXA_VMRESUME; c.entry.launched = true; break; }
        printf("    vmlaunch or vmresume\n");
    }

    /* 3. The fields, only those the rules read given the answers so far. */
    static vxa_vmcs work;
    work = base.vmcs;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {   /* fit the default controls to this CPU */
        vxa_word w = vxa_field_control_word((vxa_field)f);
        uint64_t m1, a1;
        unsigned missing;
        if (w != VXA_WORD_NONE && vxa_allowed(&c.profile, w, &m1, &a1, &missing))
            work.value[f] = (work.value[f] | m1) & a1;
    }
    static vxa_field order[VXA_FIELD_COUNT + 8];
    unsigned norder = question_order(order);
    uint8_t asked[(VXA_FIELD_COUNT + 7) / 8] = { 0 };
    static shown printed[1024];
    static struct { vxa_field f; uint64_t before; } answered[VXA_FIELD_COUNT];   /* for 'back' */
    unsigned nprinted = 0, nasked = 0;
    static vxa_report r;
    vxa_memory mem = vxa_case_memory(&base);
    printf("\n%sVMCS fields%s (only those the rules need, given the answers so far)\n", C_BOLD, C_RESET);
    for (;;) {
        vxa_input in = { &c.profile, &work, &c.entry, &mem, (uint8_t)model, NULL };
        vxa_audit(&in, &r);
        uint64_t sig = signature(&r);
        /* violations that are certain now, once each */
        unsigned n = r.nviolations < VXA_MAX_VIOLATIONS ? r.nviolations : VXA_MAX_VIOLATIONS;
        for (unsigned i = 0; i < n; i++) {
            const vxa_violation *v = &r.violations[i];
            if (!v->nfields || !certain(v, asked)) continue;
            bool seen = false;
            for (unsigned k = 0; k < nprinted; k++) seen |= printed[k].check == v->check && printed[k].index == v->index;
            if (seen || nprinted >= sizeof printed / sizeof printed[0]) continue;
            printed[nprinted++] = (shown){ v->check, v->index };
            const vxa_check_info *ci = vxa_check_get((vxa_check)v->check);
            printf("    %s!! %s%s [SDM %s] %s\n", C_RED, ci->id, C_RESET, ci->sdm, ci->rule);
            for (unsigned k = 0; k < v->nfix; k++)
                printf("       %sfix:%s %s = 0x%llx\n", C_GREEN, C_RESET,
                       vxa_field_get((vxa_field)v->fix_field[k])->name, (unsigned long long)v->fix_value[k]);
        }
        /* the next field, not answered yet, that matters given the answers so far; fields this
         * CPU does not have are never asked (VMWRITE would fail) */
        vxa_field next = VXA_F_NONE;
        for (unsigned k = 0; k < norder && next == VXA_F_NONE; k++) {
            vxa_field f = order[k];
            if ((asked[f >> 3] >> (f & 7)) & 1u || vxa_field_exists(&c.profile, f) == 0) continue;
            if (relevant(&in, &work, f, sig)) next = f;
        }
        if (next == VXA_F_NONE) break;
        const vxa_field_info *fi = vxa_field_get(next);
        char prompt[80], def[24];
        snprintf(prompt, sizeof prompt, "  %-34s", fi->name);
        snprintf(def, sizeof def, "0x%llx", (unsigned long long)work.value[next]);
        bool back = false;
        for (;;) {
            const char *a = ask(&s, prompt, def, buf, sizeof buf);
            uint64_t v;
            if (!a) break;
            if (!strcmp(a, "?")) { field_help(&c.profile, next); continue; }
            if (!strcmp(a, "back") || !strcmp(a, "<")) {
                if (!nasked) { printf("    nothing to go back to: this is the first field\n"); continue; }
                back = true;
                break;
            }
            if (parse_hex(a, &v)) { printf("    '%s' is not a hex number\n", a); continue; }
            if (v & ~vxa_field_mask(next)) { printf("    0x%llx is wider than %s\n", (unsigned long long)v, fi->name); continue; }
            work.value[next] = v;
            break;
        }
        if (back) {   /* forget the previous answer; the questions go on from there */
            nasked--;
            vxa_field f = answered[nasked].f;
            asked[f >> 3] &= (uint8_t)~(1u << (f & 7));
            work.value[f] = answered[nasked].before;
            vxa_unset(&c.vmcs, f);
            printf("    back to %s\n", vxa_field_get(f)->name);
            continue;
        }
        asked[next >> 3] |= (uint8_t)(1u << (next & 7));
        answered[nasked].f = next;
        answered[nasked].before = strtoull(def, NULL, 16);
        vxa_set(&c.vmcs, next, work.value[next]);
        nasked++;
    }

    /* 4. The report on what was entered, and the case. */
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &mem, (uint8_t)model, NULL };
    vxa_audit(&in, &r);
    c.name = strdup("interactive");
    printf("\n%u fields asked.\n\n", nasked);
    cli_print_report(&c, &r, model, NULL, false);
    rc = r.outcome.result == VXA_ENTERED ? EXIT_OK : EXIT_NEGATIVE;
    if (save) {
        char *js = vxa_case_to_json(&c);
        if (cli_write_output("interactive", save, js, false)) rc = EXIT_USAGE;
        else printf("\nsaved the answers as %s (vmxaudit check %s)\n", save, save);
        free(js);
    }
    vxa_case_free(&base);
    vxa_case_free(&c);
    return rc;
}

const cli_command cli_cmd_interactive = { "interactive", NULL,
    "the VMCS Auditor: asks for the CPU and the fields that matter",
    .description =
    "Asks for the CPU (a bundled profile, a profile file, or 'msrs' to type the IA32_VMX_* MSRs),\n"
    "then for each VMCS field the rules need given the answers so far (secondary controls only\n"
    "when 'activate secondary controls' is 1, the EPTP only with EPT, ...), in hex, with a default\n"
    "from the known-good layout shown in brackets.  Violations are printed as soon as all their\n"
    "fields are answered.  Answers: a hex value (0x optional: 10 is 0x10, unlike a case file's\n"
    "\"10\"; WinDbg's 00da0400`00000004 and whole 'msr[480] = ...' lines, rdmsr's output; 0n16\n"
    "for decimal), empty = the default, '?' = help on the field, 'back' = revise the previous\n"
    "field, '.' = the defaults for everything left.  End of input (Ctrl-D, or the end of a pipe)\n"
    "also takes the defaults.  Prompts that want decimal (MAXPHYADDR, the linear-address width)\n"
    "say so.  The CPU may be named by its model or code name ('alderlake', 'i7-8700k': the\n"
    "closest bundled profile, as 'vmxaudit profile match --brand' ranks them).  Typed MSRs are\n"
    "followed by MAXPHYADDR, the linear-address width and the CPUID features the rules read, so\n"
    "--save writes the whole profile.  On a terminal, lines are edited with libedit (arrows,\n"
    "history with Up).\n",
    .exit_status = "0 the entry succeeds, 1 it fails, 2 bad input or usage.",
    .options = interactive_options, .size = sizeof(interactive_opts), .run = run };
