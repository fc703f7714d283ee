/* options.h — one option table per subcommand.  The table is the single source of a command's
 * options: the parser (getopt_long, options.c), --help, the man page and the bash completion
 * (help.c) are all generated from it.
 *
 * A command (cmd_*.c) declares a struct for its options, a table of cli_option rows that say
 * where each value goes (offsetof), and a cli_command; commands.def lists the commands.
 *   typedef struct { const char *format; bool quiet; } my_opts;
 *   #define O(f) .offset = offsetof(my_opts, f)
 *   static const cli_option my_options[] = {
 *       { "format", 0, CLI_TEXT, "FORMAT", .values = "text|json", .def = "text", O(format),
 *         .help = "text for people, json for tools" },
 *       { "quiet", 'q', CLI_FLAG, O(quiet), .help = "only the verdict" },
 *       { 0 } };
 *   static int run(const void *opts, int argc, char **argv);   // argv: the positional arguments
 *   const cli_command cli_cmd_my = { "my", "CASE|-", "one line for 'vmxaudit --help'",
 *       .description = "...", .options = my_options, .size = sizeof(my_opts),
 *       .min_args = 1, .max_args = 1, .complete_args = CLI_C_FILE, .run = run }; */
#ifndef VMXAUDIT_CLI_OPTIONS_H
#define VMXAUDIT_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum cli_type {
    CLI_FLAG,   /* no value; the field is a bool */
    CLI_TEXT,   /* const char *: any text, or one of .values / .value_at */
    CLI_UINT,   /* cli_uint: a number (decimal or 0x-hex) in .min..max */
    CLI_TIME,   /* double: seconds > 0, as "90", "0.5", "90s", "10m" or "1h"; at most .max if set */
} cli_type;

/* What the bash completion offers for a value or a positional argument. */
typedef enum cli_complete {
    CLI_C_NONE,      /* nothing (a number, a name) */
    CLI_C_FILE,      /* file names */
    CLI_C_DIR,       /* folder names */
    CLI_C_PROFILE,   /* the bundled profiles ('vmxaudit profile list'), and files */
    CLI_C_LAYOUT,    /* the bundled layouts, and files */
    CLI_C_CHECK,     /* the check IDs of the catalogue and the model quirks */
    CLI_C_COMMAND,   /* the subcommands */
} cli_complete;

typedef struct cli_uint {
    uint64_t v;
    bool set;   /* given on the command line (or by .def) */
} cli_uint;

typedef struct cli_option {
    const char *name;        /* long name, without "--" */
    char short_name;         /* 0: none */
    cli_type type;
    const char *metavar;     /* the value in --help ("FILE", "N"); choices show their values */
    const char *values;      /* "text|json": the only values accepted */
    const char *(*value_at)(unsigned i);   /* the same from a catalogue: value i, NULL past the end */
    const char *suggest;     /* words the completion offers for an open value ("7 8 33 34") */
    cli_complete complete;   /* what else the completion offers for the value */
    const char *def;         /* default value, parsed like a given one and shown in --help */
    uint64_t min, max;       /* CLI_UINT: the range; CLI_TIME: max seconds (0: no limit) */
    bool required;
    size_t offset;           /* where the value goes in the command's option struct */
    const char *help;        /* one line */
} cli_option;

typedef struct cli_command {
    const char *name;         /* "check", or "profile show" under the group "profile" */
    const char *args;         /* the positional arguments as shown ("CASE|-"); further lines:
                                 other forms of the command, shown as they are */
    const char *summary;      /* one line for 'vmxaudit --help' */
    const char *description;  /* --help's paragraphs */
    const char *exit_status;  /* "0 ..., 1 ..., 2 bad input." */
    const cli_option *options;   /* ends with { 0 }; --help is added to every command */
    size_t size;              /* sizeof the option struct */
    int min_args, max_args;   /* positional arguments; max_args -1: any number */
    cli_complete complete_args;
    const char *(*arg_word)(unsigned i);   /* words offered for a positional: word i, NULL at the end */
    /* Runs with the parsed options and the positional arguments; NULL: only a group of
     * subcommands (its name is the first word of theirs). */
    int (*run)(const void *opts, int argc, char **argv);
    const char *unavailable;  /* what this build lacks to run it ("the oracle backends"): exit 3 */
} cli_command;

/* A number macro as an option default: .def = CLI_STR(VXA_CAMPAIGN_BATCH). */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

/* Every subcommand (commands.def), in the order --help lists them. */
#define COMMAND(sym) extern const cli_command cli_cmd_##sym;
#include "commands.def"
#undef COMMAND
extern const cli_command *const cli_commands[];
extern const unsigned cli_ncommands;

/* vmxaudit's argv (argv[1] is the command): finds the command (and subcommand), parses its
 * options, runs it; returns the exit status. */
int cli_dispatch(int argc, char **argv);
/* Parses argv (argv[0] is the command's last word) with cmd's table and runs it. */
int cli_run(const cli_command *cmd, int argc, char **argv);
/* The --help text of a command (usage lines, description, options, exit status). */
void cli_print_help(FILE *out, const cli_command *cmd);
/* The usage lines into buf: "vmxaudit check CASE|- [--format text|json] ...", wrapped at
 * `width`; `first` starts the first line ("usage: "), `indent` the others. */
void cli_synopsis(char *buf, size_t size, const cli_command *cmd, const char *first, const char *indent,
                  unsigned width);
/* The values of a choice option as "a|b|c" (buf), or NULL if its value is open. */
const char *cli_option_values(const cli_option *o, char *buf, size_t n);
/* The option's value as shown: "text|json", or its metavar; NULL for a flag. */
const char *cli_option_metavar(const cli_option *o, char *buf, size_t n);
/* The subcommands of a group: the commands named "GROUP WORD". */
bool cli_is_sub(const cli_command *sub, const cli_command *group);
const cli_command *cli_find(const char *name);

#endif
