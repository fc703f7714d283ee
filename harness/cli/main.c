/* main.c — `vmxaudit`: explain why VMLAUNCH/VMRESUME fails.  The list of subcommands
 * (commands.def) and the top-level usage; options.c dispatches. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include <sys/stat.h>
#include <signal.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
#endif

#ifndef VXA_DATA_FROM_BIN
#define VXA_DATA_FROM_BIN "../share/vmxaudit"
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

const char cli_about[] =
    "Tells why VMLAUNCH/VMRESUME fails: audits a VMCS layout against every VM-entry rule of the\n"
    "Intel SDM (Vol. 3C ch. 27) for a CPU's VMX capabilities, and predicts what the CPU reports.\n";
const char cli_exit_statuses[] =
    "0 success, 1 negative answer, 2 bad input or usage, 3 backend unavailable, 4 backend failed,\n"
    "             5 incomplete but resumable (diff --resume continues)";

/* 'vmxaudit --help': every command with its arguments and summary, from the option tables. */
void cli_print_usage(FILE *out)
{
    fprintf(out, "usage: vmxaudit COMMAND [ARGS]\n\n%s\ncommands:\n", cli_about);
    for (unsigned i = 0; i < cli_ncommands; i++) {
        const cli_command *c = cli_commands[i];
        if (!c->run) continue;   /* a group: its subcommands follow */
        char head[128];
        const char *a = c->args ? c->args : "";
        int alen = (int)strcspn(a, "\n");
        snprintf(head, sizeof head, "%s%s%.*s", c->name, alen ? " " : "", alen, a);
        fprintf(out, "  %-24s %s\n", head, c->summary);
    }
    fprintf(out, "\noptions: --help (every command), --version; 'vmxaudit help --man' prints the man page,\n"
                 "         'vmxaudit help --bash-completion' the bash completion script\n"
                 "exit status: %s\n", cli_exit_statuses);
}

const cli_command *const cli_commands[] = {
#define COMMAND(sym) &cli_cmd_##sym,
#include "commands.def"
#undef COMMAND
};
const unsigned cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

int cli_no_data(const char *what)
{
    const char *root = vxa_data_root();
    if (root) fprintf(stderr, "vmxaudit: no bundled %s in %s\n", what, root);
    else fprintf(stderr, "vmxaudit: the bundled %s are not installed: looked in %s next to the executable's "
                 "folder, $VMXAUDIT_CORPUS and the configured data folder\n", what, VXA_DATA_FROM_BIN);
    return EXIT_USAGE;
}

/* The folder of this executable (symbolic links resolved), or false. */
static bool exe_dir(char *buf, size_t n, const char *argv0)
{
#ifdef _WIN32
    (void)argv0;
    DWORD l = GetModuleFileNameA(NULL, buf, (DWORD)n);
    if (!l || l >= n) return false;
#else
    ssize_t l = readlink("/proc/self/exe", buf, n - 1);
    if (l > 0) buf[l] = 0;
    else if (argv0 && strchr(argv0, '/')) snprintf(buf, n, "%s", argv0);   /* no /proc */
    else return false;
#endif
    char *sep = strrchr(buf, '/');
#ifdef _WIN32
    char *bs = strrchr(buf, '\\');
    if (bs && (!sep || bs > sep)) sep = bs;
#endif
    if (!sep) return false;
    *sep = 0;
    return true;
}

/* The bundled data for the library: VXA_DATA_FROM_BIN (../share/vmxaudit) from the executable's
 * folder, as `cmake --install` and the build tree lay it out; where that is missing the library
 * looks in $VMXAUDIT_CORPUS, then in the configured data folder. */
static void find_data(const char *argv0)
{
    char dir[900], root[1000];
    struct stat st;
    if (!exe_dir(dir, sizeof dir, argv0)) return;
    snprintf(root, sizeof root, "%s/%s", dir, VXA_DATA_FROM_BIN);
    if (stat(root, &st) == 0 && S_ISDIR(st.st_mode)) vxa_set_data_root(root);
}

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
    find_data(argv[0]);
#ifdef SIGXFSZ
    /* past a file size limit a write fails (EFBIG) and says so, instead of killing us */
    signal(SIGXFSZ, SIG_IGN);
#endif
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cli_print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vmxaudit %s (API %d; %s)\n", VMXAUDIT_VERSION, VMXAUDIT_API_VERSION, vxa_sdm_edition);
        return EXIT_OK;
    }
    int rc = cli_dispatch(argc, argv);
    if (rc >= 0) return rc;
    fprintf(stderr, "vmxaudit: unknown command '%s'\n\n", argv[1]);
    cli_print_usage(stderr);
    return EXIT_USAGE;
}
