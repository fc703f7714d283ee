/* session.c — spawning Bochs and reading its output with deadlines (poll(2)). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <time.h>
#include <unistd.h>
#include "session.h"

double bx_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int bx_session_start(struct bx_session *s, const char *bochs, const char *dir, char *err,
                     size_t errlen)
{
    int p[2];
    memset(s, 0, sizeof *s);
    s->fd = -1;
    if (pipe(p)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    s->pid = fork();
    if (s->pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (s->pid == 0) {
#ifdef __linux__
        /* Bochs dies with the process that started it, even when that one is SIGKILLed: an
         * orphaned Bochs would run its guest on and keep every descriptor it inherited. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(125);
#else
        (void)parent;
#endif
        /* Own session: no controlling terminal for the term display, one group to kill. */
        setsid();
        int null = open("/dev/null", O_RDONLY);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0 ||
            chdir(dir) != 0)
            _exit(126);
        close(p[0]);
        close(p[1]);
        close(null);
        setenv("TERM", "dumb", 1);
        execlp(bochs, bochs, "-q", "-f", "bochsrc", "-rc", "cmds", (char *)NULL);
        fprintf(stderr, "vxa-bochs: cannot run %s: %s\n", bochs, strerror(errno));
        _exit(127);
    }
    close(p[1]);
    s->fd = p[0];
    fcntl(s->fd, F_SETFD, FD_CLOEXEC);
    return 0;
}

int bx_session_line(struct bx_session *s, double deadline, const char **line)
{
    for (;;) {
        char *nl = s->len > s->start ? memchr(s->buf + s->start, '\n', s->len - s->start) : NULL;
        if (nl) {
            *nl = 0;
            if (nl > s->buf + s->start && nl[-1] == '\r') nl[-1] = 0;
            *line = s->buf + s->start;
            s->start = (size_t)(nl - s->buf) + 1;
            return 1;
        }
        if (s->start) {                   /* compact */
            memmove(s->buf, s->buf + s->start, s->len - s->start);
            s->len -= s->start;
            s->start = 0;
        }
        if (s->fd < 0) {
            if (s->len) {                 /* a last line without '\n' */
                if (s->len == s->cap) s->len--;
                s->buf[s->len] = 0;
                *line = s->buf;
                s->start = s->len = 0;
                return 1;
            }
            return 0;
        }
        if (s->cap - s->len < 4096) {
            size_t cap = s->cap ? s->cap * 2 : 65536;
            char *b = realloc(s->buf, cap);
            if (!b) return 0;
            s->buf = b;
            s->cap = cap;
        }
        double left = deadline - bx_now();
        if (left <= 0) return -1;
        struct pollfd pf = { s->fd, POLLIN, 0 };
        int r = poll(&pf, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) continue;             /* re-check the deadline */
        ssize_t got = read(s->fd, s->buf + s->len, s->cap - s->len - 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            close(s->fd);
            s->fd = -1;
            continue;
        }
        s->len += (size_t)got;
    }
}

void bx_session_kill(struct bx_session *s)
{
    if (s->pid > 0 && !s->reaped && kill(-s->pid, SIGKILL) != 0) kill(s->pid, SIGKILL);
}

void bx_session_finish(struct bx_session *s, double deadline)
{
    if (s->pid > 0 && !s->reaped) {
        for (;;) {
            pid_t r = waitpid(s->pid, &s->status, WNOHANG);
            if (r == s->pid || (r < 0 && errno != EINTR)) break;
            if (bx_now() > deadline) {
                bx_session_kill(s);
                waitpid(s->pid, &s->status, 0);
                break;
            }
            nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
        }
        s->reaped = 1;
    }
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = s->start = 0;
}
