/* test_bochs_machine.c — the files of a Bochs machine on a full disk: every write checked, the
 * stream closed once (a failed fclose() was followed by a second one: a double free that
 * aborted `oracle run` and `diff` with exit 134), and a machine that cannot be written leaves
 * no folder behind.  No Bochs needed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "machine.h"

static char dir[128];

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof dir, "/tmp/vxa-machine-test.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* "cmds" is /dev/full: the two bytes fit fopen's buffer, and only fclose() finds the disk full. */
static void close_fails_once(void **s)
{
    (void)s;
    char wd[200], link[300], err[512] = "";
    snprintf(wd, sizeof wd, "%s/wd", dir);
    assert_int_equal(mkdir(wd, 0755), 0);
    snprintf(link, sizeof link, "%s/cmds", wd);
    assert_int_equal(symlink("/dev/full", link), 0);
    struct vxa_bochs_options o = { 0 };
    o.workdir = wd;
    struct bx_machine m;
    assert_int_equal(bx_machine_prepare(&m, &o, "corei7_skylake_x", err, sizeof err), VXA_ORACLE_FAILED);
    assert_non_null(strstr(err, "No space left on device"));
}

/* A file size limit (a full disk) while the machine is written: an error, nothing left behind. */
static void full_disk_leaves_nothing(void **s)
{
    (void)s;
    char parent[200], err[512] = "";
    snprintf(parent, sizeof parent, "%s/parent", dir);
    assert_int_equal(mkdir(parent, 0755), 0);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 64 * 1024;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    struct vxa_bochs_options o = { 0 };
    o.tmp_parent = parent;
    struct bx_machine m;
    int rc = bx_machine_prepare(&m, &o, "corei7_skylake_x", err, sizeof err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_int_equal(rc, VXA_ORACLE_FAILED);
    assert_non_null(strstr(err, "File too large"));
    DIR *d = opendir(parent);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) fail_msg("left behind: %s", e->d_name);
    closedir(d);
    /* without the limit, the machine's folder is inside tmp_parent, and removed */
    assert_int_equal(bx_machine_prepare(&m, &o, "corei7_skylake_x", err, sizeof err), VXA_ORACLE_OK);
    assert_int_equal(strncmp(m.dir, parent, strlen(parent)), 0);
    assert_non_null(strstr(m.dir, "/.vxa-bochs."));
    bx_machine_cleanup(&m);
    assert_int_equal(rmdir(parent), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = { cmocka_unit_test(close_fails_once), cmocka_unit_test(full_disk_leaves_nothing) };
    return cmocka_run_group_tests(t, setup, teardown);
}
