/* input_file.c — every file the codec reads: an input named by the user (a path, or "-" for
 * stdin) and a file a document names (a case's "profile": "cpu.json").  Both are read under
 * the input size cap (vxa_set_input_limit) with checked allocation.  A document's file
 * reference is confined: a relative path without "..", resolved (symbolic links included)
 * inside the folder of the document that names it, a regular file; "-" is refused. */
#ifndef _WIN32
#define _DEFAULT_SOURCE   /* realpath */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifndef _WIN32
#include <poll.h>
#endif
#include <unistd.h>
#include "codec_internal.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

static size_t input_limit = VXA_INPUT_LIMIT_DEFAULT;

void vxa_set_input_limit(size_t bytes) { input_limit = bytes ? bytes : VXA_INPUT_LIMIT_DEFAULT; }
size_t vxa_input_limit(void) { return input_limit; }

static void file_error(vxa_error *err, const char *file, const char *fmt, const char *arg)
{
    if (!err) return;
    snprintf(err->file, sizeof err->file, "%s", file);
    err->path[0] = 0;
    err->line = err->column = 0;
    snprintf(err->message, sizeof err->message, fmt, arg);
}

static void too_big(vxa_error *err, const char *file)
{
    char m[160];
    snprintf(m, sizeof m, "larger than the input limit of %zu bytes (raise it with --max-input)",
             input_limit);
    file_error(err, file, "%s", m);
}

/* Reads fd to the end, at most input_limit bytes; NUL-terminated.  NULL: err says why. */
static char *read_fd_after(int fd, const char *file, size_t *len, vxa_error *err, const char *pre,
                           size_t npre)
{
    size_t cap = 1 << 16, n = npre;
    char *buf = malloc(cap + 1);
    if (!buf) { file_error(err, file, "%s", "out of memory"); return NULL; }
    memcpy(buf, pre, npre);
    for (;;) {
        if (n == cap) {
            if (cap > input_limit) { free(buf); too_big(err, file); return NULL; }
            size_t ncap = cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (!nb) { free(buf); file_error(err, file, "%s", "out of memory"); return NULL; }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            file_error(err, file, "cannot read: %s", strerror(e));
            return NULL;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n > input_limit) { free(buf); too_big(err, file); return NULL; }
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

static char *read_fd(int fd, const char *file, size_t *len, vxa_error *err)
{
    return read_fd_after(fd, file, len, err, "", 0);
}

#ifndef _WIN32
#define FIFO_WAIT_MS 2000
/* A FIFO opened non-blocking: waits up to FIFO_WAIT_MS for a writer to open it.  While the FIFO
 * is empty, a non-blocking read says which: EAGAIN, a writer has it open; 0, none has (poll's
 * POLLHUP: one came and went).  Returns true when a writer has it open, has written (the byte a
 * read took is in *c, *nc = 1) or has closed it; false when none came. */
static bool fifo_writer(int fd, char *c, size_t *nc)
{
    *nc = 0;
    for (unsigned waited = 0;; waited += 50) {
        ssize_t r = read(fd, c, 1);
        if (r == 1) { *nc = 1; return true; }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        if (r < 0 && errno == EINTR) continue;
        struct pollfd pf = { fd, POLLIN, 0 };   /* a writer came and went since our open */
        if (!r && poll(&pf, 1, 0) > 0 && (pf.revents & POLLHUP)) return true;
        if (r < 0 || waited >= FIFO_WAIT_MS) return false;
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}
#endif

char *vxa_read_text_file(const char *path, size_t *len, vxa_error *err)
{
    if (!strcmp(path, "-")) return read_fd(0, "<stdin>", len, err);
    /* Opened non-blocking: open() of a FIFO would otherwise wait for a writer, for ever if none
     * comes.  A FIFO then gets FIFO_WAIT_MS for a writer to open it and is refused if none does;
     * one whose writer has it open is read (blocking) to its end. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_BINARY | O_NONBLOCK);
    if (fd < 0) {
        file_error(err, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        file_error(err, path, "%s", "is a folder, not a file");
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > input_limit) {
        close(fd);
        too_big(err, path);
        return NULL;
    }
    char first = 0;
    size_t nfirst = 0;
#ifndef _WIN32
    bool fifo = fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
    if (fifo && !fifo_writer(fd, &first, &nfirst)) {
        close(fd);
        file_error(err, path, "%s", "a FIFO that no writer opened within 2 s: nothing to read; start the "
                   "writer first, e.g. 'cat dump.txt > FIFO &'");
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
#endif
    char *text = read_fd_after(fd, path, len, err, &first, nfirst);
    close(fd);
    return text;
}

/* ---- file references inside documents ---- */

const char *vxa_file_ref_problem(const char *ref)
{
    size_t n = strlen(ref);
    if (!n) return "an empty file name";
    if (!strcmp(ref, "-")) return "'-' (standard input) cannot be named inside a document";
    if (n > 255) return "a file name longer than 255 bytes";
    if (ref[0] == '/' || ref[0] == '\\' || (n > 1 && ref[1] == ':'))
        return "an absolute path: name a file in the document's own folder";
    for (const char *p = ref; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f) return "a control character in the file name";
        if (c == '\\') return "a backslash in the file name";
    }
    for (const char *p = ref; *p;) {          /* no ".." component */
        size_t k = strcspn(p, "/");
        if (k == 2 && p[0] == '.' && p[1] == '.') return "'..': name a file in the document's own folder";
        p += k + (p[k] == '/');
    }
    return NULL;
}

/* p with every symbolic link and "." resolved (malloc'd), or NULL. */
static char *resolve(const char *p)
{
#ifdef _WIN32
    return _fullpath(NULL, p, 0);
#else
    return realpath(p, NULL);
#endif
}

char *vxa_read_ref_file(const char *doc, const char *ref, size_t *len, vxa_error *err)
{
    char shown[200];
    snprintf(shown, sizeof shown, "%s", doc ? doc : "<input>");
    const char *why = vxa_file_ref_problem(ref);
    if (!why && !doc) why = "a file reference needs a document read from a file (not stdin or text)";
    if (why) {
        file_error(err, shown, "profile file reference refused: %s", why);
        return NULL;
    }
    size_t dl = strlen(doc);
    const char *slash = strrchr(doc, '/');
#ifdef _WIN32
    const char *bs = strrchr(doc, '\\');
    if (bs && (!slash || bs > slash)) slash = bs;
#endif
    size_t keep = slash ? (size_t)(slash - doc) + (slash == doc) : 1;
    char *dir = malloc(keep + 1), *full = malloc(dl + strlen(ref) + 4);
    if (dir) {
        memcpy(dir, slash ? doc : ".", keep);
        dir[keep] = 0;
    }
    char *rdir = NULL, *rfull = NULL, *text = NULL;
    if (!dir || !full) { file_error(err, shown, "%s", "out of memory"); goto out; }
    sprintf(full, "%s/%s", dir, ref);
    rdir = resolve(dir);
    rfull = resolve(full);
    if (!rdir || !rfull) {
        file_error(err, shown, "profile file '%s' not found in the case's folder", ref);
        goto out;
    }
    size_t rl = strlen(rdir);
    bool root = rl == 1 && rdir[0] == '/';
    if (strncmp(rfull, rdir, rl) != 0 || (!root && rfull[rl] != '/' && rfull[rl] != '\\')) {
        file_error(err, shown, "profile file '%s' leads outside the case's folder (a symbolic link?): "
                   "refused", ref);
        goto out;
    }
    int fd = open(rfull, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_BINARY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        file_error(err, shown, "profile file '%s' cannot be opened", ref);
        if (fd >= 0) close(fd);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        file_error(err, shown, "profile file '%s' is not a regular file: refused", ref);
        goto out;
    }
    if ((unsigned long long)st.st_size > input_limit) {
        close(fd);
        too_big(err, shown);
        goto out;
    }
    vxa_error inner;
    text = read_fd(fd, ref, len, &inner);
    close(fd);
    if (!text) file_error(err, shown, "profile file '%s' cannot be read", ref);
out:
    free(dir);
    free(full);
    free(rdir);
    free(rfull);
    return text;
}
