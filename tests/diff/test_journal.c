/* test_journal.c — harness/diff/journal.c: records survive, a torn last record (a SIGKILL in
 * the middle of a write) is cut off on resume and appending continues after the last complete
 * one; a fresh journal refuses to overwrite a campaign; atomic writes leave no temporary file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "journal.h"
#include "out_file.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/vxa-journal-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static int count(void *ctx, const cJSON *rec, unsigned line)
{
    (void)line;
    int *n = ctx;
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(rec, "k");
    assert_true(cJSON_IsNumber(k));
    assert_int_equal(k->valueint, *n);   /* in order */
    (*n)++;
    return 0;
}

static void append(vxa_journal *j, int k)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "k", k);
    assert_int_equal(vxa_journal_append(j, r), 0);
    cJSON_Delete(r);
}

static void torn_tail_cut_on_resume(void **state)
{
    (void)state;
    vxa_journal j;
    char err[512];
    assert_int_equal(vxa_journal_open(&j, dir, false, NULL, NULL, err, sizeof err), 0);
    append(&j, 0);
    append(&j, 1);
    assert_true(write(j.fd, "{\"k\":2,\"cases\":[1,2", 19) == 19);   /* killed mid-write */
    vxa_journal_close(&j);
    assert_int_not_equal(vxa_journal_open(&j, dir, false, NULL, NULL, err, sizeof err), 0);
    assert_non_null(strstr(err, "--resume"));
    int n = 0;
    assert_int_equal(vxa_journal_open(&j, dir, true, count, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    append(&j, 2);
    vxa_journal_close(&j);
    n = 0;
    assert_int_equal(vxa_journal_read(dir, count, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
}

static void damage_in_the_middle_is_an_error(void **state)
{
    (void)state;
    char path[400], err[512];
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"k\":0}\nnot json\n{\"k\":1}\n", f);
    fclose(f);
    int n = 0;
    vxa_journal j;
    assert_int_equal(vxa_journal_open(&j, dir, true, count, &n, err, sizeof err), 2);
    assert_non_null(strstr(err, "journal.jsonl:2"));
}

static void atomic_write(void **state)
{
    (void)state;
    char err[300];
    assert_int_equal(vxa_write_in(dir, "report.md", "# hello\n", 8, 0, err, sizeof err), 0);
    char path[400], buf[16] = { 0 };
    snprintf(path, sizeof path, "%s/report.md", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf, f), 8);
    fclose(f);
    assert_string_equal(buf, "# hello\n");
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d))) assert_null(strstr(e->d_name, ".tmp"));
    closedir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(torn_tail_cut_on_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(damage_in_the_middle_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(atomic_write, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
