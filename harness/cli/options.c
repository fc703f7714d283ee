/* options.c — the command line of every subcommand from its option table (options.h):
 * getopt_long parsing (GNU syntax: --opt value, --opt=value, -o value, options anywhere, "--"
 * ends them), value checks, --help.  A bad command line names the option and exits 2. */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "vmxaudit %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'vmxaudit %s --help')\n", cmd);
    return EXIT_USAGE;
}

const cli_command *cli_find(const char *name)
{
    for (unsigned i = 0; i < cli_ncommands; i++)
        if (!strcmp(cli_commands[i]->name, name)) return cli_commands[i];
    return NULL;
}

bool cli_is_sub(const cli_command *sub, const cli_command *group)
{
    size_t n = strlen(group->name);
    return !strncmp(sub->name, group->name, n) && sub->name[n] == ' ' && !strchr(sub->name + n + 1, ' ');
}

const char *cli_option_values(const cli_option *o, char *buf, size_t n)
{
    if (o->values) return o->values;
    if (!o->value_at) return NULL;
    buf[0] = 0;
    for (unsigned i = 0; o->value_at(i); i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", i ? "|" : "", o->value_at(i));
    }
    return buf;
}

const char *cli_option_metavar(const cli_option *o, char *buf, size_t n)
{
    if (o->type == CLI_FLAG) return NULL;
    const char *v = cli_option_values(o, buf, n);
    return v ? v : o->metavar ? o->metavar : o->type == CLI_TIME ? "SECONDS" : "VALUE";
}

/* ---- values ---- */

/* "600", "0.5", "90s", "10m", "1h" -> seconds; -1 if malformed. */
static double parse_time(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0)) return -1;
    if (!*end || !strcmp(end, "s")) return v;
    if (!strcmp(end, "m")) return v * 60;
    if (!strcmp(end, "h")) return v * 3600;
    return -1;
}

static bool in_list(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; p;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == n && !strncmp(p, v, n)) return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

/* Stores text as o's value in opts; a usage error (exit 2) names the option. */
static int set_value(const cli_command *cmd, const cli_option *o, char *opts, const char *text)
{
    char buf[512], *at = opts + o->offset;
    switch (o->type) {
    case CLI_FLAG:
        *(bool *)at = true;
        return 0;
    case CLI_TEXT: {
        const char *vals = cli_option_values(o, buf, sizeof buf);
        if (vals && !in_list(vals, text)) {
            char shown[1024] = "";
            for (const char *p = vals; *p; p++) {
                size_t l = strlen(shown);
                snprintf(shown + l, sizeof shown - l, *p == '|' ? ", " : "%c", *p);
            }
            return cli_usage(cmd->name, "--%s: unknown %s '%s' (%s)", o->name, o->name, text, shown);
        }
        *(const char **)at = text;
        return 0;
    }
    case CLI_UINT: {
        uint64_t v;
        if (vxa_parse_u64(text, &v))
            return cli_usage(cmd->name, "--%s: '%s' is not a number", o->name, text);
        if (v < o->min || (o->max && v > o->max))
            return cli_usage(cmd->name, "--%s: %s is not in %llu..%llu", o->name, text,
                             (unsigned long long)o->min, (unsigned long long)o->max);
        *(cli_uint *)at = (cli_uint){ v, true };
        return 0;
    }
    case CLI_TIME: {
        double s = parse_time(text);
        if (!(s > 0))
            return cli_usage(cmd->name, "--%s: '%s' is not a time in seconds > 0 (0.5, 90, 90s, 10m, 1h)",
                             o->name, text);
        if (o->max && s > (double)o->max)
            return cli_usage(cmd->name, "--%s: %s is more than %llu s", o->name, text,
                             (unsigned long long)o->max);
        *(double *)at = s;
        return 0;
    }
    }
    return EXIT_USAGE;
}

/* ---- help ---- */

static const cli_option help_option = { "help", 'h', CLI_FLAG, .help = "this help" };

/* One synopsis item: "[--format text|json]", "--backend bochs|kvm", "[-q]". */
static void item(char *buf, size_t n, const cli_option *o)
{
    char vb[512];
    const char *mv = cli_option_metavar(o, vb, sizeof vb);
    char name[64];
    if (o->short_name) snprintf(name, sizeof name, "-%c", o->short_name);
    else snprintf(name, sizeof name, "--%s", o->name);
    snprintf(buf, n, "%s%s%s%s%s", o->required ? "" : "[", name, mv ? " " : "", mv ? mv : "",
             o->required ? "" : "]");
}

void cli_synopsis(char *buf, size_t size, const cli_command *cmd, const char *first, const char *indent,
                  unsigned width)
{
    /* Every line of .args is a form of the command; the options go with the first. */
    const char *a = cmd->args ? cmd->args : "";
    bool first_form = true;
    size_t len = 0;
    buf[0] = 0;
#define PUT(...) (len += (size_t)snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__), len = len < size ? len : size)
    do {
        const char *nl = strchr(a, '\n');
        int alen = nl ? (int)(nl - a) : (int)strlen(a);
        size_t start = len;
        PUT("%svmxaudit %s%s%.*s", first_form ? first : indent, cmd->name, alen ? " " : "", alen, a);
        size_t col = len - start, cont = strlen(indent) + 9 + strlen(cmd->name) + 1;
        for (const cli_option *o = cmd->options; first_form && o && o->name; o++) {
            char it[600];
            item(it, sizeof it, o);
            if (col + 1 + strlen(it) > width) {
                PUT("\n%*s", (int)cont, "");
                col = cont;
            } else {
                PUT(" ");
                col++;
            }
            PUT("%s", it);
            col += strlen(it);
        }
        PUT("\n");
        first_form = false;
        a = nl ? nl + 1 : NULL;
    } while (a);
#undef PUT
}

static void option_line(FILE *out, const cli_option *o)
{
    char vb[512], left[600];
    const char *mv = cli_option_metavar(o, vb, sizeof vb);
    if (o->short_name) snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, mv ? " " : "", mv ? mv : "");
    else snprintf(left, sizeof left, "    --%s%s%s", o->name, mv ? " " : "", mv ? mv : "");
    char def[128] = "";
    if (o->def && o->type != CLI_FLAG) snprintf(def, sizeof def, " (default %s%s)", o->def, o->type == CLI_TIME ? " s" : "");
    if (strlen(left) > 26) fprintf(out, "  %s\n  %-26s %s%s\n", left, "", o->help, def);
    else fprintf(out, "  %-26s %s%s\n", left, o->help, def);
}

void cli_print_help(FILE *out, const cli_command *cmd)
{
    const char *first = "usage: ";
    char syn[4096];
    for (unsigned i = 0; i < cli_ncommands; i++)   /* a group shows its subcommands' forms too */
        if ((cli_commands[i] == cmd && cmd->run) || cli_is_sub(cli_commands[i], cmd)) {
            cli_synopsis(syn, sizeof syn, cli_commands[i], first, "       ", 96);
            fputs(syn, out);
            first = "       ";
        }
    if (cmd->description) fputs(cmd->description, out);
    fputs("\noptions:\n", out);
    for (const cli_option *o = cmd->options; o && o->name; o++) option_line(out, o);
    option_line(out, &help_option);
    if (cmd->exit_status) fprintf(out, "exit status: %s\n", cmd->exit_status);
}

/* A group without a subcommand: its help, or what is missing. */
static int group_usage(const cli_command *g, const char *word)
{
    char subs[512] = "";
    for (unsigned i = 0; i < cli_ncommands; i++)
        if (cli_is_sub(cli_commands[i], g)) {
            size_t l = strlen(subs);
            snprintf(subs + l, sizeof subs - l, "%s%s", l ? ", " : "", cli_commands[i]->name + strlen(g->name) + 1);
        }
    if (word && (!strcmp(word, "--help") || !strcmp(word, "-h"))) {
        cli_print_help(stdout, g);
        return EXIT_OK;
    }
    if (word) return cli_usage(g->name, "unknown subcommand '%s' (%s)", word, subs);
    return cli_usage(g->name, "missing subcommand (%s)", subs);
}

/* ---- parsing ---- */

int cli_run(const cli_command *cmd, int argc, char **argv)
{
    unsigned n = 0;
    while (cmd->options && cmd->options[n].name) n++;
    struct option *lo = calloc(n + 2, sizeof *lo);
    char *shorts = malloc(2 * n + 8), *opts = calloc(1, cmd->size ? cmd->size : 1);
    size_t ns = 0;
    shorts[ns++] = ':';   /* ':' for a missing value, '?' for an unknown option */
    for (unsigned i = 0; i <= n; i++) {
        const cli_option *o = i < n ? &cmd->options[i] : &help_option;
        lo[i].name = o->name;
        lo[i].has_arg = o->type == CLI_FLAG ? no_argument : required_argument;
        lo[i].val = o->short_name ? o->short_name : 256 + (int)i;
        if (o->short_name) {
            shorts[ns++] = o->short_name;
            if (o->type != CLI_FLAG) shorts[ns++] = ':';
        }
    }
    shorts[ns] = 0;
    int rc = -1;
    for (unsigned i = 0; i < n && rc < 0; i++)
        if (cmd->options[i].def && set_value(cmd, &cmd->options[i], opts, cmd->options[i].def)) {
            fprintf(stderr, "vmxaudit %s: the default of --%s is not valid\n", cmd->name, cmd->options[i].name);
            rc = EXIT_USAGE;
        }
    bool help = false;
    opterr = 0;
    optind = 0;   /* glibc and mingw-w64: start afresh */
    int c;
    while (rc < 0 && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        const char *arg = argv[optind - 1];
        if (c == '?' || c == ':') {
            const cli_option *o = NULL;
            for (unsigned i = 0; i < n && !o; i++)
                if (optopt ? optopt == cmd->options[i].short_name || optopt == 256 + (int)i
                           : !strncmp(arg + 2, cmd->options[i].name, strlen(cmd->options[i].name)))
                    o = &cmd->options[i];
            char vb[512];
            if (o && o->type == CLI_FLAG && strchr(arg, '='))   /* glibc says '?', mingw-w64 ':' */
                rc = cli_usage(cmd->name, "option '--%s' takes no value", o->name);
            else if (c == ':' && o)
                rc = cli_usage(cmd->name, "option '--%s' needs a value (%s)", o->name,
                               cli_option_metavar(o, vb, sizeof vb));
            else if (optopt && optopt < 256)
                rc = cli_usage(cmd->name, "unknown option '-%c'", optopt);
            else
                rc = cli_usage(cmd->name, "unknown option '%s'", arg);
            break;
        }
        unsigned i = 0;
        while (i < n && (cmd->options[i].short_name ? cmd->options[i].short_name : 256 + (int)i) != c) i++;
        if (i == n) help = true;
        else rc = set_value(cmd, &cmd->options[i], opts, optarg) ? EXIT_USAGE : -1;
    }
    int npos = argc - optind;
    char **pos = argv + optind;
    if (rc < 0 && help) {
        cli_print_help(stdout, cmd);
        rc = EXIT_OK;
    }
    if (rc < 0 && cmd->unavailable) {
        fprintf(stderr, "vmxaudit %s: this vmxaudit was built without %s\n", cmd->name, cmd->unavailable);
        rc = EXIT_UNAVAILABLE;
    }
    for (unsigned i = 0; i < n && rc < 0; i++) {
        const cli_option *o = &cmd->options[i];
        char vb[512];
        bool given = o->type == CLI_TEXT ? *(const char **)(opts + o->offset) != NULL
                   : o->type == CLI_UINT ? ((cli_uint *)(opts + o->offset))->set
                   : o->type == CLI_TIME ? *(double *)(opts + o->offset) > 0 : true;
        if (o->required && !given)
            rc = cli_usage(cmd->name, "missing --%s %s", o->name, cli_option_metavar(o, vb, sizeof vb));
    }
    if (rc < 0 && npos < cmd->min_args) {
        char what[256];
        snprintf(what, sizeof what, "%s", cmd->args ? cmd->args : "argument");
        char *nl = strchr(what, '\n');
        if (nl) *nl = 0;
        rc = cli_usage(cmd->name, "missing %s", what);
    }
    if (rc < 0 && cmd->max_args >= 0 && npos > cmd->max_args)
        rc = cli_usage(cmd->name, "unexpected argument '%s'", pos[cmd->max_args]);
    if (rc < 0) rc = cmd->run(opts, npos, pos);
    free(lo);
    free(shorts);
    free(opts);
    return rc;
}

int cli_dispatch(int argc, char **argv)
{
    const cli_command *cmd = cli_find(argv[1]);
    if (!cmd) return -1;
    int at = 1;   /* argv[at] is the command's last word */
    for (;;) {
        char name[128];
        const cli_command *sub = NULL;
        if (at + 1 < argc) {
            snprintf(name, sizeof name, "%s %s", cmd->name, argv[at + 1]);
            sub = cli_find(name);
        }
        if (!sub) break;
        cmd = sub;
        at++;
    }
    if (!cmd->run) return group_usage(cmd, at + 1 < argc ? argv[at + 1] : NULL);
    return cli_run(cmd, argc - at, argv + at);
}

/* Catalogue values for option tables: i-th name, NULL past the end. */
const char *cli_model_name(unsigned i) { return i < VXA_MODEL_COUNT ? vxa_model_name((vxa_model)i) : NULL; }
const char *cli_class_name(unsigned i) { return i < VXA_CLASS_COUNT ? vxa_class_name((vxa_class)i) : NULL; }
