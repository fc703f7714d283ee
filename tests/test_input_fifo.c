/* test_input_fifo.c — an input named by the user that is a FIFO ('vmxaudit import FIFO', 'check
 * FIFO'): it never hangs in open() waiting for a writer.  One that no writer opens within 2 s is
 * refused with a clear message; what a writer puts into it, before or after we open it, is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"
#ifndef _WIN32
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *vxa_read_text_file(const char *path, size_t *len, vxa_error *err);   /* (engine/src/codec) */

static char dir[512], fifo[600];

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof dir, "%s/vxa-fifo-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) return -1;
    snprintf(fifo, sizeof fifo, "%s/dump.txt", dir);
    if (mkfifo(fifo, 0600)) return -1;
    /* the old reader blocked in open() for ever: the alarm's default action ends the test (failed) */
    alarm(10);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    alarm(0);
    unlink(fifo);
    rmdir(dir);
    return 0;
}

static void fifo_without_writer_refused(void **s)
{
    (void)s;
    vxa_error e;
    size_t len = 0;
    memset(&e, 0, sizeof e);
    char *text = vxa_read_text_file(fifo, &len, &e);
    if (text) fail_msg("read %zu bytes from a FIFO nobody writes", len);
    assert_string_equal(e.file, fifo);
    if (!strstr(e.message, "a FIFO that no writer opened within 2 s")) fail_msg("message: %s", e.message);
}

static void fifo_with_written_text_read(void **s)
{
    (void)s;
    /* a reader keeps the FIFO open so the writer can open it, write and close before we read */
    int keep = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(keep >= 0);
    int w = open(fifo, O_WRONLY);
    assert_true(w >= 0);
    static const char dump[] = "*** Guest State ***\nCR3 = 0x0000000000001000\n";
    assert_int_equal(write(w, dump, sizeof dump - 1), (int)(sizeof dump - 1));
    close(w);
    vxa_error e;
    size_t len = 0;
    char *text = vxa_read_text_file(fifo, &len, &e);
    close(keep);
    if (!text) fail_msg("refused: %s", e.message);
    assert_int_equal(len, sizeof dump - 1);
    assert_string_equal(text, dump);
    free(text);
}

/* the writer opens the FIFO after the reader did (a race 'cat dump > FIFO & vmxaudit import FIFO' can lose) */
static void fifo_writer_after_reader_read(void **s)
{
    (void)s;
    static const char dump[] = "*** Guest State ***\nRSP = 0x10\n";
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        struct timespec ts = { 0, 300 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        int w = open(fifo, O_WRONLY);
        if (w < 0 || write(w, dump, sizeof dump - 1) != (ssize_t)(sizeof dump - 1)) _exit(1);
        close(w);
        _exit(0);
    }
    vxa_error e;
    size_t len = 0;
    char *text = vxa_read_text_file(fifo, &len, &e);
    int st;
    waitpid(pid, &st, 0);
    if (!text) fail_msg("refused: %s", e.message);
    assert_string_equal(text, dump);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fifo_without_writer_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(fifo_with_written_text_read, setup, teardown),
        cmocka_unit_test_setup_teardown(fifo_writer_after_reader_read, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void) { return 0; }   /* no FIFOs */
#endif
