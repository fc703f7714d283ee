/* cli.h — the vmxaudit command's subcommands and shared helpers. */
#ifndef VMXAUDIT_CLI_H
#define VMXAUDIT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "options.h"
#include "vmxaudit/codec.h"

/* Exit status (docs/exit-codes.md, contract). */
enum { EXIT_OK = 0, EXIT_NEGATIVE = 1, EXIT_USAGE = 2, EXIT_UNAVAILABLE = 3, EXIT_BACKEND = 4 };

/* `explain error|exit [N]` (explain_numbers.c); the numbers it knows, for the completion. */
int cli_explain_number(const char *kind, const char *num, bool json);   /* explain error|exit [N] */
const char *cli_error_number(unsigned i);
const char *cli_exit_number(unsigned i);

/* What a command needs that this build may lack (cli_command.unavailable). */
#ifdef VXA_HAVE_ORACLES
#define VXA_UNLESS_ORACLES NULL
#else
#define VXA_UNLESS_ORACLES "the oracle backends"
/* `profile import --format uefi-results` (cmd_oracle.c). */
int cli_import_uefi_results(const char *path, const char *name, const char *outp, long cpu);

#endif
#ifdef VXA_HAVE_BENCH
#define VXA_UNLESS_BENCH NULL
#else
#define VXA_UNLESS_BENCH "the benchmarks"
/* `profile import --format uefi-results` (cmd_oracle.c). */
int cli_import_uefi_results(const char *path, const char *name, const char *outp, long cpu);

#endif

/* Catalogue values for option tables (.value_at): the i-th model / check class name. */
const char *cli_model_name(unsigned i);
const char *cli_class_name(unsigned i);

/* The top-level usage (main.c): what the tool does, the exit statuses, every command. */
extern const char cli_about[], cli_exit_statuses[];
void cli_print_usage(FILE *out);

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
/* The bundled data ("profiles", "layouts") is missing: says where it was looked for; EXIT_USAGE. */
int cli_no_data(const char *what);
/* Usage error on stderr, "vmxaudit CMD: ...": returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes text and a newline to path ("-": stdout) atomically (harness/common/out_file.h);
 * force: -o may replace a symbolic link or write into a device.  EXIT_OK, or EXIT_USAGE with
 * the reason on stderr. */
int cli_write_output(const char *cmd, const char *path, const char *text, bool force);
/* The --force option of a command that writes with -o (its struct has `bool force`). */
#define CLI_FORCE_OPTION(type) { "force", 0, CLI_FLAG, .offset = offsetof(type, force), \
    .help = "let -o replace a symbolic link, or write into a device or FIFO (refused without)" }
/* The --max-input option of a command that reads cases or profiles (its struct has
 * `cli_uint max_input`); cli_input_limit() hands it to the codec (vxa_set_input_limit). */
#define CLI_MAX_INPUT_OPTION(type) { "max-input", 0, CLI_UINT, "BYTES", .def = "33554432", \
    .min = 1024, .max = (uint64_t)1 << 40, .offset = offsetof(type, max_input), \
    .help = "refuse an input file larger than BYTES (default 32 MiB)" }
static inline void cli_input_limit(cli_uint max_input) { vxa_set_input_limit((size_t)max_input.v); }
/* Appends the case files `path` names (a file, or a folder searched for *.json) to *list. */
void cli_case_files(const char *path, char ***list, size_t *n);
/* The text report (vxa_report_print) on stdout, coloured when the CLI colours. */
void cli_print_report(const vxa_case *c, const vxa_report *r, vxa_model model,
                      const vxa_observed *obs, bool quiet);

/* The bundled profiles with their CPU (profile_index.c). */
typedef struct cli_cpu_id {
    bool has_signature, has_stepping;
    unsigned family, model, stepping;   /* DisplayFamily, DisplayModel (SDM Vol. 2A, CPUID) */
} cli_cpu_id;
typedef struct cli_profile_entry {
    char *name, *cpu;    /* cpu: the profile's "cpu" (brand string or model), or NULL */
    cli_cpu_id id;       /* from its "cpuid_signature" (CPUID.1:EAX), where it has one */
} cli_profile_entry;
void cli_signature_split(uint32_t eax, cli_cpu_id *id);
cli_profile_entry *cli_profile_index(unsigned *n);
void cli_profile_index_free(cli_profile_entry *e, unsigned n);
/* How well profile e matches a CPU: its family/model(/stepping) (id, may be NULL) and words of a
 * brand string or name (brand, may be NULL); 0 = not at all.  why: what matched. */
int cli_profile_score(const cli_profile_entry *e, const cli_cpu_id *id, const char *brand, char *why,
                      size_t n);
/* The indices of the profiles that match at all, best first (order, scores: n entries each). */
unsigned cli_profile_rank(const cli_profile_entry *e, unsigned n, const cli_cpu_id *id, const char *brand,
                          unsigned *order, int *scores);

/* The CLI's JSON documents (json_out.c): each carries "schema", its version key, named after
 * its JSON Schema in docs/schemas (installed in share/vmxaudit/schemas). */
#define CLI_SCHEMA_TEST "vmxaudit-test-1"
#define CLI_SCHEMA_ORACLE_RUN "vmxaudit-oracle-run-1"
#define CLI_SCHEMA_EXPLAIN "vmxaudit-explain-1"
#define CLI_SCHEMA_PROFILE "vmxaudit-profile-1"
#define CLI_SCHEMA_PROFILE_MATCH "vmxaudit-profile-match-1"
#define CLI_SCHEMA_CHECKS "vmxaudit-checks-1"
#define CLI_SCHEMA_FIELDS "vmxaudit-fields-1"
#define CLI_SCHEMA_REPAIR "vmxaudit-repair-1"
struct cJSON;
/* A new document: {"schema": schema}. */
struct cJSON *cli_json_doc(const char *schema);
/* Prints the document (and deletes it); EXIT_OK, or EXIT_USAGE if it cannot be written. */
int cli_json_write(FILE *out, struct cJSON *doc);
/* A value as vmxaudit writes numbers: "0x1f". */
struct cJSON *cli_json_hex(uint64_t v);
/* `profile import --format uefi-results` (cmd_oracle.c). */
int cli_import_uefi_results(const char *path, const char *name, const char *outp, long cpu);

#endif
