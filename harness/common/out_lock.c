/* out_lock.c — see out_lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "out_lock.h"
#ifndef _WIN32
#include <sys/file.h>
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

int vxa_out_lock(const char *dir, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
#ifndef _WIN32
    /* A campaign just killed may leave a child that shares the lock (a forked worker, or an
     * oracle between fork and exec) for some milliseconds more: wait up to 0.5 s before refusing. */
    int e = 0;
    for (int tries = 0; tries < 10; tries++) {
        if (!flock(fd, LOCK_EX | LOCK_NB)) { e = 0; break; }
        e = errno;
        if (e != EWOULDBLOCK) break;
        nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
    }
    if (e) {
        char pid[32] = "";
        ssize_t n = read(fd, pid, sizeof pid - 1);
        pid[n > 0 ? n : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        close(fd);
        if (e == EWOULDBLOCK)
            snprintf(err, errlen, "%s is in use by another vmxaudit%s%s%s: wait for it to end, or "
                     "choose another folder", dir, *pid ? " (pid " : "", pid, *pid ? ")" : "");
        else
            snprintf(err, errlen, "%s: cannot lock: %s", path, strerror(e));
        return -1;
    }
    /* who holds it, for the message above (best effort) */
    char me[32];
    int n = snprintf(me, sizeof me, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, me, (size_t)n, 0) == n) { /* shown to a second run */ }
#endif
    return fd;
}

void vxa_out_unlock(int fd)
{
    if (fd >= 0) close(fd);
}
