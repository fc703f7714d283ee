/* output.c — the file a command writes with -o: through the one atomic-write helper
 * (harness/common/out_file.h), every error reported, exit 2 (docs/exit-codes.md: an output that cannot
 * be written is bad usage for a single-shot command). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "out_file.h"

int cli_write_output(const char *cmd, const char *path, const char *text, bool force)
{
    size_t len = strlen(text);
    char err[600];
    struct stat st;
    bool existed = strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    /* the text and its final newline, as one write */
    char *buf = malloc(len + 2);
    if (!buf) {
        fprintf(stderr, "vmxaudit %s: out of memory\n", cmd);
        return EXIT_USAGE;
    }
    memcpy(buf, text, len);
    buf[len] = '\n';
    int rc = vxa_write_file(path, buf, len + 1, force ? VXA_WRITE_FORCE : 0, err, sizeof err);
    free(buf);
    if (rc) {
        fprintf(stderr, "vmxaudit %s: cannot write %s%s\n", cmd, err,
                rc == VXA_WRITE_FAILED ? " (nothing was replaced)" : "");
        return EXIT_USAGE;
    }
    if (existed) fprintf(stderr, "vmxaudit %s: replaced %s\n", cmd, path);
    return EXIT_OK;
}
