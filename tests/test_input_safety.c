/* test_input_safety.c — a case's "profile" file reference stays in
 * the case's folder (no absolute path, no "..", no symbolic link out, no "-", regular files
 * only, under the size cap, never echoed); the JSON reader refuses what the grammar refuses and
 * what a double would change; the input size cap holds for files and devices. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"

static char dir[256];

static void put(const char *name, const char *text)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Loads DIR/case.json whose profile is `ref`; returns vxa_case_load's status, e.message. */
static int load_with_profile(const char *ref, char *msg, size_t n)
{
    char text[700], p[600];
    snprintf(text, sizeof text, "{\"profile\": \"%s\", \"vmcs\": {}}", ref);
    put("case.json", text);
    snprintf(p, sizeof p, "%s/case.json", dir);
    vxa_case c;
    vxa_error e;
    memset(&e, 0, sizeof e);
    int rc = vxa_case_load(p, &c, &e);
    vxa_error_format(&e, msg, n);
    vxa_case_free(&c);
    return rc;
}

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof dir, "/tmp/vxa-input-safety.XXXXXX");
    assert_non_null(mkdtemp(dir));
    /* a profile beside the case, and one outside the case's folder */
    put("cpu.json", "{\"name\": \"beside\", \"msrs\": {\"0x480\": \"0xda040000000004\"}}");
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void refused(const char *ref, const char *needle, const char *secret)
{
    char msg[1400];
    if (!load_with_profile(ref, msg, sizeof msg)) fail_msg("profile '%s' was read", ref);
    if (needle && !strstr(msg, needle)) fail_msg("'%s': message lacks '%s': %s", ref, needle, msg);
    if (secret && strstr(msg, secret)) fail_msg("'%s': message echoes the file: %s", ref, msg);
}

static void profile_ref_inside_folder_loads(void **s)
{
    (void)s;
    char msg[1400];
    if (load_with_profile("cpu.json", msg, sizeof msg)) fail_msg("%s", msg);
    mkdir(strcat(strcpy((char[600]){ 0 }, dir), "/sub"), 0755);
    put("sub/p.json", "{\"msrs\": {}}");
    if (load_with_profile("sub/p.json", msg, sizeof msg)) fail_msg("%s", msg);
    if (load_with_profile("./cpu.json", msg, sizeof msg)) fail_msg("%s", msg);
}

static void profile_ref_escapes_refused(void **s)
{
    (void)s;
    refused("/etc/passwd", "absolute", "root:");
    refused("/proc/self/environ", "absolute", NULL);
    refused("../cpu.json", "'..'", NULL);
    refused("sub/../../x.json", "'..'", NULL);
    refused("-", "standard input", NULL);
    refused("", NULL, NULL);
    /* a symbolic link in the folder that leads out */
    char l[600];
    snprintf(l, sizeof l, "%s/passwd.json", dir);
    assert_int_equal(symlink("/etc/passwd", l), 0);
    refused("passwd.json", "outside", "root:");
    snprintf(l, sizeof l, "%s/zero.json", dir);
    assert_int_equal(symlink("/dev/zero", l), 0);
    refused("zero.json", "outside", NULL);
}

static void profile_ref_not_regular_refused(void **s)
{
    (void)s;
    char p[600];
    snprintf(p, sizeof p, "%s/fifo.json", dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    refused("fifo.json", "not a regular file", NULL);   /* and it does not hang */
    snprintf(p, sizeof p, "%s/folder.json", dir);
    mkdir(p, 0755);
    refused("folder.json", "not a regular file", NULL);
}

static void profile_ref_content_never_echoed(void **s)
{
    (void)s;
    put("secret.json", "TOPSECRET-password=hunter2 {");
    refused("secret.json", "secret.json", "TOPSECRET");
    put("secret2.json", "{\"msrs\": {\"TOPSECRET\": \"0x1\"}}");
    refused("secret2.json", "not a valid profile", "TOPSECRET");
}

static void profile_ref_size_capped(void **s)
{
    (void)s;
    char *big = malloc(5000);
    memset(big, ' ', 4999);
    big[0] = '{';
    big[4997] = '}';
    big[4998] = 0;
    put("big.json", big);
    free(big);
    vxa_set_input_limit(4096);
    refused("big.json", "input limit", NULL);
    vxa_set_input_limit(0);
    assert_int_equal(vxa_input_limit(), VXA_INPUT_LIMIT_DEFAULT);
    char msg[1400];
    if (load_with_profile("big.json", msg, sizeof msg)) fail_msg("%s", msg);
}

static void input_size_cap_on_devices(void **s)
{
    (void)s;
    vxa_case c;
    vxa_error e;
    vxa_set_input_limit(1 << 20);
    assert_int_not_equal(vxa_case_load("/dev/zero", &c, &e), 0);   /* once: grew to 4 GB, crashed */
    vxa_case_free(&c);
    assert_non_null(strstr(e.message, "input limit"));
    vxa_set_input_limit(0);
}

/* ---- the JSON reader ---- */

static void json_refused(const char *text, size_t len, const char *needle)
{
    vxa_case c;
    vxa_error e;
    memset(&e, 0, sizeof e);
    int rc = vxa_case_parse(text, len, "t.json", &c, &e);
    vxa_case_free(&c);
    if (rc == 0) fail_msg("accepted: %.*s", (int)len, text);
    if (needle && !strstr(e.message, needle)) fail_msg("message lacks '%s': %s", needle, e.message);
    if (!e.line || !e.column) fail_msg("no position: %s", e.message);
}

/* Refused, and the error names the keys leading to the offending value. */
static void json_refused_at(const char *text, const char *path)
{
    vxa_case c;
    vxa_error e;
    memset(&e, 0, sizeof e);
    int rc = vxa_case_parse(text, strlen(text), "t.json", &c, &e);
    vxa_case_free(&c);
    if (rc == 0) fail_msg("accepted: %s", text);
    if (strcmp(e.path, path)) fail_msg("path '%s', not '%s': %s", e.path, path, e.message);
}

static void json_accepted(const char *text, uint64_t want_cr0)
{
    vxa_case c;
    vxa_error e;
    if (vxa_case_parse(text, strlen(text), "t.json", &c, &e)) fail_msg("refused %s: %s", text, e.message);
    assert_int_equal(c.vmcs.value[VXA_F_GUEST_CR0], want_cr0);
    vxa_case_free(&c);
}

#define P "{\"profile\": \"il-xeon-8180-skylake-sp\", "
static void json_strict(void **s)
{
    (void)s;
    char t[300];
#define T(x) t, (size_t)snprintf(t, sizeof t, "%s", x)
    json_refused(T(P "\"vmcs\": {\"GUEST_CR0\": 9007199254740993}}"), "2^53");
    json_refused(T(P "\"vmcs\": {\"GUEST_CR0\": 90071992547409930e-1}}"), "2^53");
    json_refused(T(P "\"vmcs\": {\"GUEST_CR0\": 1e-400}}"), "too small");
    /* the field is named, not only the position */
    json_refused_at(P "\"vmcs\": {\"HOST_CR4\": \"0x2020\", \"GUEST_CR0\": 9007199254740993}}", "vmcs.GUEST_CR0");
    json_refused_at(P "\"vmcs\": {\"GUEST_CR0\": 1}, \"memory\": [{\"address\": 1e-400}]}", "memory.address");
    json_refused_at(P "\"vmcs\": {\"GUEST_CR0\": 1}, \"name\": \"a\tb\"}", "name");
    json_refused_at(P "\"vmcs\": {\"GUEST_CR0\": 1, \"bad\x01key\": 2}}", "vmcs");
    json_refused(T(P "\"vmcs\": {\"GUEST_CR0\": 1e400}}"), "too large");
    json_refused(T(P "\"vmcs\": {\"GUEST_CR0\": 1}} trailing"), "after the end");
    json_refused(T(P "\"vmcs\": {}}{\"vmcs\": {}}"), "after the end");
    json_refused(T(P "\"name\": \"a\\u0000b\", \"vmcs\": {}}"), "u0000");
    json_refused(T(P "\"vmcs\": {\"GUEST_CR0\\u0000x\": 1}}"), "u0000");
    json_refused(T(P "\"name\": \"a\tb\", \"vmcs\": {}}"), "control character");
    json_refused(T(P "\"vmcs\":\x01{}}"), "control character");
    json_refused(T(P "\"name\": \"caf\xc3\", \"vmcs\": {}}"), "UTF-8");
    json_refused(T(P "\"name\": \"\xed\xa0\x80\", \"vmcs\": {}}"), "UTF-8");   /* a surrogate */
    json_refused(T(P "\"name\": \"\xc0\xaf\", \"vmcs\": {}}"), "UTF-8");       /* overlong '/' */
    const char nul[] = P "\"name\": \"a\0b\", \"vmcs\": {}}";
    json_refused(nul, sizeof nul - 1, "NUL");
    /* strings: no white space around numbers */
    vxa_case c;
    vxa_error e;
    snprintf(t, sizeof t, P "\"vmcs\": {\"GUEST_CR0\": \" 12\"}}");
    assert_int_not_equal(vxa_case_parse(t, strlen(t), "t.json", &c, &e), 0);
    vxa_case_free(&c);
    assert_string_equal(e.path, "vmcs.GUEST_CR0");
    /* what stays accepted */
    json_accepted(P "\"vmcs\": {\"GUEST_CR0\": 9007199254740992}}", 9007199254740992ull);
    json_accepted(P "\"vmcs\": {\"GUEST_CR0\": 3e2}}", 300);
    json_accepted(P "\"vmcs\": {\"GUEST_CR0\": 0e-999}}", 0);
    json_accepted(P "\"name\": \"caf\xc3\xa9 \xf0\x9f\x98\x80 \\u00e9\", \"vmcs\": {\"GUEST_CR0\": \"0x20000000000001\"}}\n\n",
                  0x20000000000001ull);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(profile_ref_inside_folder_loads), cmocka_unit_test(profile_ref_escapes_refused),
        cmocka_unit_test(profile_ref_not_regular_refused), cmocka_unit_test(profile_ref_content_never_echoed),
        cmocka_unit_test(profile_ref_size_capped), cmocka_unit_test(input_size_cap_on_devices),
        cmocka_unit_test(json_strict),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
