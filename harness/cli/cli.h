/* cli.h — the vmxaudit command's subcommands and shared helpers. */
#ifndef VMXAUDIT_CLI_H
#define VMXAUDIT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "vmxaudit/codec.h"

/* Exit status (design §4.3, contract). */
enum { EXIT_OK = 0, EXIT_NEGATIVE = 1, EXIT_USAGE = 2, EXIT_UNAVAILABLE = 3, EXIT_BACKEND = 4 };

int cmd_fields(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_checks(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_repair(int argc, char **argv);
int cmd_oracle(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_minimize(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_interactive(int argc, char **argv);
int cmd_profile_import(int argc, char **argv);
/* `explain error|exit [N]` (explain_numbers.c). */
int cli_explain_number(const char *kind, const char *num);

/* The help of each command (one source for --help, the man page and the completion). */
extern const char cli_help_check[], cli_help_checks[], cli_help_explain[], cli_help_fields[],
    cli_help_profile[], cli_help_profile_import[], cli_help_repair[], cli_help_import[],
    cli_help_interactive[], cli_help_oracle[], cli_help_test[], cli_help_diff[],
    cli_help_minimize[];
int cli_help_generate(const char *what);   /* help.c: "--man", "--bash-completion" */

/* Colour only on a terminal (and not with NO_COLOR). */
extern bool cli_colour;
const char *col(const char *code);   /* "" unless colouring; codes: "1" bold, "31" red, ... */
#define C_RESET col("0")
#define C_BOLD col("1")
#define C_RED col("31")
#define C_GREEN col("32")
#define C_YELLOW col("33")
#define C_DIM col("2")

/* Prints an input error as "FILE:LINE:COL: PATH: MESSAGE" on stderr; returns EXIT_USAGE. */
int cli_input_error(const vxa_error *e);
/* Usage error on stderr; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cli_help_requested(int argc, char **argv, const char *help);
/* Appends the case files `path` names (a file, or a folder searched for *.json) to *list. */
void cli_case_files(const char *path, char ***list, size_t *n);
/* The text report (vxa_report_print) on stdout, coloured when the CLI colours. */
void cli_print_report(const vxa_case *c, const vxa_report *r, vxa_model model,
                      const vxa_observed *obs, bool quiet);

#endif
