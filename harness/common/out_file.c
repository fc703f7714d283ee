/* out_file.c — see out_file.h. */
#ifndef _WIN32
#define _GNU_SOURCE   /* mkostemp */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "out_file.h"
#include "out_name.h"
#ifdef _WIN32
#include <io.h>
#include <windows.h>
#define fsync _commit
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif
#ifndef O_NOCTTY
#define O_NOCTTY 0
#endif

static int last_no_space;

int vxa_write_no_space(void) { return last_no_space; }

static int io_status(int e)
{
    last_no_space = e == ENOSPC || e == EFBIG
#ifdef EDQUOT
                    || e == EDQUOT
#endif
        ;
    return VXA_WRITE_FAILED;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int to_stdout(const void *data, size_t len, char *err, size_t errlen)
{
    if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) || ferror(stdout)) {
        int e = errno;
        snprintf(err, errlen, "standard output: %s", strerror(e));
        return io_status(e);
    }
    return VXA_WRITE_OK;
}

/* A device or FIFO the user forced: written in place, every error checked. */
static int in_place(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_BINARY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return VXA_WRITE_REFUSED;
    }
    if (write_all(fd, data, len)) {
        int e = errno;
        close(fd);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return io_status(e);
    }
    if (close(fd)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return io_status(errno);
    }
    return VXA_WRITE_OK;
}

int vxa_write_file(const char *path, const void *data, size_t len, unsigned flags, char *err,
                   size_t errlen)
{
    last_no_space = 0;
    if (!strcmp(path, "-")) return to_stdout(data, len, err, errlen);
    if (!*path) {
        snprintf(err, errlen, "an empty output file name");
        return VXA_WRITE_REFUSED;
    }
    struct stat st;
    mode_t mode = 0;
#ifdef _WIN32
    int have = stat(path, &st) == 0;
#else
    int have = lstat(path, &st) == 0;
    if (have && S_ISLNK(st.st_mode) && !(flags & VXA_WRITE_FORCE)) {
        snprintf(err, errlen, "%s is a symbolic link: refused (--force replaces the link itself)", path);
        return VXA_WRITE_REFUSED;
    }
#endif
    if (have && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is a folder", path);
        return VXA_WRITE_REFUSED;
    }
    if (have && !S_ISREG(st.st_mode)
#ifndef _WIN32
        && !S_ISLNK(st.st_mode)
#endif
    ) {
        if (!(flags & VXA_WRITE_FORCE)) {
            snprintf(err, errlen, "%s is not a regular file (a device or FIFO): refused (--force "
                     "writes into it)", path);
            return VXA_WRITE_REFUSED;
        }
        return in_place(path, data, len, err, errlen);
    }
    if (have && S_ISREG(st.st_mode)) mode = st.st_mode & 07777;
    else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    /* the temporary file: in the target's folder, so the rename stays on one file system */
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 32);
    if (!tmp) {
        snprintf(err, errlen, "%s: out of memory", path);
        return VXA_WRITE_FAILED;
    }
    const char *slash = strrchr(path, '/');
    size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
    sprintf(tmp, "%.*s.%s.tmp.XXXXXX", (int)dl, path, path + dl);
#ifdef _WIN32
    int fd = -1;
    if (_mktemp_s(tmp, pl + 32) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_BINARY, 0666);
#else
    int fd = mkostemp(tmp, O_CLOEXEC);
#endif
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot create a file in its folder: %s", path, strerror(e));
        free(tmp);
        if (e == ENOSPC || e == EIO) return io_status(e);
        return VXA_WRITE_REFUSED;
    }
#ifndef _WIN32
    if (fchmod(fd, mode)) { /* best effort: the file is still the user's */ }
#else
    (void)mode;
#endif
    if (write_all(fd, data, len) || fsync(fd)) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return io_status(e);
    }
    if (close(fd)) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return io_status(e);
    }
#ifdef _WIN32
    int moved = MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) ? 0 : -1;
    if (moved) errno = EACCES;
#else
    int moved = rename(tmp, path);
#endif
    if (moved) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return e == EISDIR || e == ENOTDIR || e == EACCES || e == EPERM ? VXA_WRITE_REFUSED : io_status(e);
    }
    free(tmp);
#ifndef _WIN32
    /* the rename is durable once the folder is */
    char *d = malloc(dl + 2);
    if (d) {
        if (dl) { memcpy(d, path, dl); d[dl] = 0; }
        else strcpy(d, ".");
        int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) { fsync(dfd); close(dfd); }
        free(d);
    }
#endif
    return VXA_WRITE_OK;
}

int vxa_write_in(const char *dir, const char *name, const void *data, size_t len, unsigned flags,
                 char *err, size_t errlen)
{
    if (!vxa_out_name_plain(name)) {
        snprintf(err, errlen, "'%.80s' is not a plain file name: refused", name ? name : "");
        return VXA_WRITE_REFUSED;
    }
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return VXA_WRITE_FAILED;
    }
    snprintf(p, n, "%s/%s", dir, name);
    int rc = vxa_write_file(p, data, len, flags, err, errlen);
    free(p);
    return rc;
}
