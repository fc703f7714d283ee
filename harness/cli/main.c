/* main.c — `vmxaudit`: explain why VMLAUNCH/VMRESUME fails.  Subcommand dispatch (design §5). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

bool cli_colour;

const char *col(const char *code)
{
    static char buf[8][16];
    static unsigned i;
    if (!cli_colour) return "";
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "\033[%sm", code);
    return buf[i];
}

void cli_print_report(const vxa_case *c, const vxa_report *r, vxa_model model,
                      const vxa_observed *obs, bool quiet)
{
    vxa_report_print(stdout, c, r, model, obs, (cli_colour ? VXA_TEXT_COLOUR : 0) | (quiet ? VXA_TEXT_QUIET : 0));
}

int cli_input_error(const vxa_error *e)
{
    char msg[1200];
    vxa_error_format(e, msg, sizeof msg);
    fprintf(stderr, "vmxaudit: %s\n", msg);
    return EXIT_USAGE;
}

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

bool cli_help_requested(int argc, char **argv, const char *help)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return true;
        }
    return false;
}

const char cli_usage_text[] =
    "usage: vmxaudit COMMAND [ARGS]\n"
    "\n"
    "Tells why VMLAUNCH/VMRESUME fails: audits a VMCS layout against every VM-entry rule of the\n"
    "Intel SDM (Vol. 3C ch. 27) for a CPU's VMX capabilities, and predicts what the CPU reports.\n"
    "\n"
    "commands:\n"
    "  check CASE|-        audit a case (VMCS layout + profile); exit 0 if the entry succeeds\n"
    "  checks              list the check catalogue (--format text|md|json)\n"
    "  explain CHECK-ID    the rule behind a check ID; 'explain error N', 'explain exit N'\n"
    "  repair CASE [-o F]  change the fields that violated rules name until the layout enters\n"
    "  fields              list the VMCS field catalogue\n"
    "  profile list        list the bundled CPU capability profiles\n"
    "  profile show P      decode a profile's VMX capabilities (bundled name or file)\n"
    "  profile import      a profile from WinDbg/msr-tools rdmsr output or the msr device\n"
    "  import              a case from KVM's (dmesg) or Xen's VMCS dump\n"
    "  interactive         the VMCS Auditor: asks for the CPU and the fields that matter\n"
    "  oracle probe|run    real VM entries (Bochs, KVM) compared with the engine\n"
    "  test CASES...       replay cases with expectations (e.g. corpus/regressions)\n"
    "  bench               the benchmarks (audits/s, parse+audit, reports, Bochs oracle)\n"
    "  diff                differential campaign: engine vs oracle, journaled, minimized\n"
    "  minimize CASE       shrink a mismatching case toward a known-good baseline\n"
    "\n"
    "options: --help (every command), --version; 'vmxaudit help --man' prints the man page,\n"
    "         'vmxaudit help --bash-completion' the bash completion script\n"
    "exit status: 0 success, 1 negative answer, 2 bad input or usage, 3 backend unavailable,\n"
    "             4 backend failed\n";

int main(int argc, char **argv)
{
#ifdef _WIN32
    /* LF line ends, as on every other system: JSON, the man page and the completion script are
     * the same files everywhere, and consoles show LF fine. */
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
#endif
    /* Colour only on a terminal; NO_COLOR (no-color.org: set and not empty) and TERM=dumb turn
     * it off. */
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    cli_colour = isatty(1) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
    if (argc == 3 && !strcmp(argv[1], "help")) return cli_help_generate(argv[2]);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(cli_usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vmxaudit %s (API %d; %s)\n", VMXAUDIT_VERSION, VMXAUDIT_API_VERSION, vxa_sdm_edition);
        return EXIT_OK;
    }
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        { "check", cmd_check }, { "checks", cmd_checks }, { "explain", cmd_explain },
        { "fields", cmd_fields }, { "profile", cmd_profile }, { "repair", cmd_repair },
        { "oracle", cmd_oracle }, { "test", cmd_test }, { "bench", cmd_bench }, { "diff", cmd_diff },
        { "minimize", cmd_minimize },
        { "import", cmd_import }, { "interactive", cmd_interactive },
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name)) return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "vmxaudit: unknown command '%s'\n\n%s", argv[1], cli_usage_text);
    return EXIT_USAGE;
}
