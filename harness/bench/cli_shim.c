/* cli_shim.c — the two definitions of harness/cli/main.c that report_text.c needs, for the
 * standalone vxa-bench (which links the CLI's report code but not its main).  No colour: the
 * benchmark measures the plain text a file or pipe gets. */
#include "cli.h"

bool cli_colour;
const char *col(const char *code) { (void)code; return ""; }
