/* session.h — one running Bochs process: its stdout and stderr (log) as one stream of lines,
 * read with deadlines, and killed when it hangs. */
#ifndef VXA_BOCHS_SESSION_H
#define VXA_BOCHS_SESSION_H

#include <stddef.h>
#include <sys/types.h>

struct bx_session {
    pid_t pid;
    int fd;                           /* read end of the child's stdout+stderr */
    char *buf;
    size_t len, cap, start;
    int status;                       /* wait status once reaped */
    int reaped;
};

double bx_now(void);                  /* monotonic seconds */

/* Starts `bochs -q -f bochsrc -rc cmds` in `dir`, in its own session, TERM=dumb, stdin
 * /dev/null. */
int bx_session_start(struct bx_session *s, const char *bochs, const char *dir, char *err,
                     size_t errlen);

/* The next line (without '\n', valid until the next call): 1; end of output: 0; the deadline
 * (bx_now() time) passed first: -1. */
int bx_session_line(struct bx_session *s, double deadline, const char **line);

void bx_session_kill(struct bx_session *s);          /* SIGKILL to the process group */
void bx_session_finish(struct bx_session *s, double deadline);  /* reap, killing after deadline */

#endif
