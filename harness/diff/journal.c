/* journal.c — see journal.h. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "journal.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(buf, (cap *= 2) + 1);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        errno = ENOMEM;
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Replays the complete records of text; returns the length of the part that holds them. */
static int replay_text(const char *path, char *text, size_t len, size_t *good,
                       int (*replay)(void *, const cJSON *, unsigned), void *ctx, char *err, size_t errlen)
{
    size_t pos = 0;
    unsigned line = 0;
    *good = 0;
    while (pos < len) {
        char *nl = memchr(text + pos, '\n', len - pos);
        line++;
        if (!nl) break;                                   /* torn: no newline yet */
        *nl = 0;
        cJSON *rec = cJSON_Parse(text + pos);
        if (!rec) {
            /* a torn record can only be the last one */
            if ((size_t)(nl - text) + 1 < len) {
                snprintf(err, errlen, "%s:%u: not a JSON record (the journal is damaged)", path, line);
                return 2;
            }
            break;
        }
        int rc = replay ? replay(ctx, rec, line) : 0;
        cJSON_Delete(rec);
        if (rc) {
            snprintf(err + strlen(err), errlen - strlen(err), "%s%s:%u", *err ? " at " : "", path, line);
            return rc;
        }
        pos = (size_t)(nl - text) + 1;
        *good = pos;
    }
    return 0;
}

int vxa_journal_read(const char *dir, int (*replay)(void *, const cJSON *, unsigned), void *ctx,
                     char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    size_t len, good;
    err[0] = 0;
    char *text = slurp(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return 2;
    }
    int rc = replay_text(path, text, len, &good, replay, ctx, err, errlen);
    free(text);
    return rc;
}

int vxa_journal_open(vxa_journal *j, const char *dir, bool resume,
                     int (*replay)(void *, const cJSON *, unsigned), void *ctx, char *err, size_t errlen)
{
    snprintf(j->path, sizeof j->path, "%s/journal.jsonl", dir);
    err[0] = 0;
    if (!resume) {
        j->fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
        if (j->fd < 0) {
            snprintf(err, errlen, "%s: %s%s", j->path, strerror(errno),
                     errno == EEXIST ? " (a campaign is there: --resume continues it)" : "");
            return 2;
        }
        return 0;
    }
    size_t len, good;
    char *text = slurp(j->path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s (nothing to resume)", j->path, strerror(errno));
        return 2;
    }
    int rc = replay_text(j->path, text, len, &good, replay, ctx, err, errlen);
    free(text);
    if (rc) return rc;
    j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (j->fd < 0 || (good < len && (ftruncate(j->fd, (off_t)good) || fsync(j->fd)))) {
        snprintf(err, errlen, "%s: %s", j->path, strerror(errno));
        return 2;
    }
    return 0;
}

/* Fault injection for the tests of a full disk (a mount that fills up is not available to
 * every test machine): VMXAUDIT_FAULT_JOURNAL_FULL=N makes every append after the N-th fail
 * with ENOSPC. */
static bool disk_full_now(void)
{
    static long left = -2;
    if (left == -2) {
        const char *v = getenv("VMXAUDIT_FAULT_JOURNAL_FULL");
        left = v && *v ? strtol(v, NULL, 10) : -1;
    }
    if (left < 0) return false;
    if (left == 0) return true;
    left--;
    return false;
}

int vxa_journal_append(vxa_journal *j, const cJSON *rec)
{
    if (disk_full_now()) {
        errno = ENOSPC;
        return -1;
    }
    char *s = cJSON_PrintUnformatted(rec);
    if (!s) return -1;
    size_t n = strlen(s);
    s[n] = '\n';                       /* cJSON's buffer ends in the NUL we overwrite */
    size_t off = 0;
    while (off < n + 1) {
        ssize_t w = write(j->fd, s + off, n + 1 - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            free(s);
            return -1;
        }
        off += (size_t)w;
    }
    free(s);
    return fsync(j->fd);
}

void vxa_journal_close(vxa_journal *j)
{
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
}
