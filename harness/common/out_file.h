/* out_file.h — the one way vmxaudit writes a file (docs/harness.md, reliability rules): every -o, --record,
 * regression case and report goes through vxa_write_file().
 *
 * The file is written to a temporary file in the target's own folder, fsync'd and renamed over
 * the target, so a reader (or a kill) sees the old file or the new one, never a torn one.  An
 * existing target that is a symbolic link or not a regular file (a device, a FIFO) is refused
 * unless VXA_WRITE_FORCE: then a symbolic link is replaced by the file (its target is left
 * alone) and a device or FIFO is written in place.  A folder is always refused.  Every write,
 * fsync, close and rename is checked. */
#ifndef VXA_OUT_FILE_H
#define VXA_OUT_FILE_H

#include <stddef.h>

/* Statuses, the exit statuses of docs/exit-codes.md they map to in a single-shot command. */
enum {
    VXA_WRITE_OK = 0,
    VXA_WRITE_REFUSED = 2,   /* the target: a symbolic link, a device, a folder, no such folder */
    VXA_WRITE_FAILED = 4,    /* the write itself: disk full, I/O error, file size limit */
};
#define VXA_WRITE_FORCE 1u   /* replace a symbolic link, write into a device or FIFO */

/* Writes data[0..len) to path ("-": standard output).  Returns a VXA_WRITE_* status; err says
 * what and why ("PATH: ..."). */
int vxa_write_file(const char *path, const void *data, size_t len, unsigned flags, char *err,
                   size_t errlen);
/* The same for DIR/NAME, where NAME must be a plain file name (no '/', not "." or ".."): the
 * file is always inside DIR. */
int vxa_write_in(const char *dir, const char *name, const void *data, size_t len, unsigned flags,
                 char *err, size_t errlen);
/* Did the last failed write fail for lack of space (ENOSPC, EDQUOT, EFBIG)? */
int vxa_write_no_space(void);

#endif
