/* fuzz_files.c — the file-opening surface: what a document makes vmxaudit open or create.
 * Input: NAME, a NUL byte, REF (either may be empty; each at most 400 bytes used).
 *  - REF is a case's "profile" file reference, read from a case in a sandbox folder
 *    (vxa_read_ref_file, then the whole case through vxa_case_load).  The sandbox holds a profile
 *    inside the case's folder, and outside it a secret file, a symbolic link to the secret, one
 *    to /dev/zero and a FIFO in the case's folder.  Invariants: a file that is read resolves
 *    inside the case's folder and is a regular file; the secret's bytes never appear in what is
 *    read nor in any message (unless the reference itself spells it); nothing blocks (a FIFO opened for reading would hang the target).
 *  - NAME is a case name written by --record/mismatches: vxa_out_name() gives a plain file name
 *    of [A-Za-z0-9_-], ".json", deterministic, and vxa_write_in() puts it inside the folder (the
 *    folder holds exactly that one file afterwards). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "fuzz_common.h"
#include "out_file.h"
#include "out_name.h"

/* engine/src/codec/codec_internal.h (the codec's own helpers, linked statically here) */
char *vxa_read_ref_file(const char *doc, const char *ref, size_t *len, vxa_error *err);

#define SECRET "OUTSIDE-SECRET-7f3a9"
static char root[1024], casedir[PATH_MAX], casefile[1100], recdir[1100];

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

/* the sandbox goes when the fuzzer ends */
static void remove_sandbox(void)
{
    if (root[0]) nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f)) fuzz_die("files: cannot set up the sandbox");
}

static void sandbox(void)
{
    if (root[0]) return;
    snprintf(root, sizeof root, "%s/vxa-fuzz-files.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) fuzz_die("files: mkdtemp");
    atexit(remove_sandbox);
    char p[PATH_MAX + 64], q[PATH_MAX + 64];
    snprintf(casedir, sizeof casedir, "%s/case", root);
    snprintf(recdir, sizeof recdir, "%s/rec", root);
    snprintf(p, sizeof p, "%s/sub", casedir);
    if (mkdir(casedir, 0755) || mkdir(p, 0755) || mkdir(recdir, 0755)) fuzz_die("files: mkdir");
    snprintf(p, sizeof p, "%s/secret.json", root);
    put(p, "{\"name\": \"" SECRET "\", \"msrs\": {}}");
    snprintf(q, sizeof q, "%s/link.json", casedir);
    if (symlink(p, q)) fuzz_die("files: symlink");
    snprintf(q, sizeof q, "%s/sub/up.json", casedir);
    if (symlink("../../secret.json", q)) fuzz_die("files: symlink");
    snprintf(q, sizeof q, "%s/zero.json", casedir);
    if (symlink("/dev/zero", q)) fuzz_die("files: symlink");
    snprintf(q, sizeof q, "%s/fifo.json", casedir);
    if (mkfifo(q, 0600)) fuzz_die("files: mkfifo");
    snprintf(q, sizeof q, "%s/sub/cpu.json", casedir);
    put(q, "{\"name\": \"inside\", \"msrs\": {\"0x480\": \"0xda040000000004\"}}");
    snprintf(casefile, sizeof casefile, "%s/case/c.json", root);
    char real[PATH_MAX];
    if (!realpath(casedir, real)) fuzz_die("files: realpath");
    snprintf(casedir, sizeof casedir, "%s", real);
}

static void check_ref(const char *ref)
{
    vxa_error e;
    size_t len = 0;
    memset(&e, 0, sizeof e);
    char *text = vxa_read_ref_file(casefile, ref, &len, &e);
    if (text) {
        char full[2 * PATH_MAX], real[PATH_MAX];
        snprintf(full, sizeof full, "%s/%s", casedir, ref);
        struct stat st;
        if (!realpath(full, real) || strncmp(real, casedir, strlen(casedir)) || real[strlen(casedir)] != '/')
            fuzz_die("files: a reference was read from outside the case's folder");
        if (stat(real, &st) || !S_ISREG(st.st_mode)) fuzz_die("files: a reference read a non-regular file");
        if (memmem(text, len, SECRET, strlen(SECRET))) fuzz_die("files: the secret was read");
        free(text);
    } else if (!e.message[0]) {
        fuzz_die("files: a reference refused without a message");
    }
    /* a message names the reference (which may spell anything), never what a file holds */
    bool named = strstr(ref, SECRET) != NULL;
    if (!named && (strstr(e.message, SECRET) || strstr(e.file, SECRET)))
        fuzz_die("files: a message echoes the secret");
    /* the same through a case file */
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "profile", ref);
    cJSON_AddObjectToObject(doc, "vmcs");
    char *s = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    put(casefile, s);
    free(s);
    vxa_case c;
    memset(&e, 0, sizeof e);
    if (!vxa_case_load(casefile, &c, &e)) {
        if (c.profile_name && strstr(c.profile_name, SECRET)) fuzz_die("files: a case loaded the secret");
    } else if (!named && strstr(e.message, SECRET)) {
        fuzz_die("files: a case's message echoes the secret");
    }
    vxa_case_free(&c);
}

static void check_name(const char *name)
{
    char a[128], b[128], err[300];
    vxa_out_name(name, "salt", a, sizeof a);
    vxa_out_name(name, "salt", b, sizeof b);
    size_t n = strlen(a);
    if (strcmp(a, b)) fuzz_die("files: an output name is not deterministic");
    if (!vxa_out_name_plain(a) || n < 6 || n > 80 || strcmp(a + n - 5, ".json") || a[0] == '-')
        fuzz_die("files: an output name is not a plain NAME.json");
    for (size_t i = 0; i + 5 < n; i++)
        if (!((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z') || (a[i] >= '0' && a[i] <= '9') ||
              a[i] == '-' || a[i] == '_'))
            fuzz_die("files: an output name has a character outside [A-Za-z0-9_-]");
    if (vxa_write_in(recdir, a, "{}\n", 3, 0, err, sizeof err)) fuzz_die("files: a plain name was not written");
    /* exactly that file in the folder, and nothing else */
    DIR *d = opendir(recdir);
    struct dirent *e;
    unsigned count = 0;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            count++;
            if (strcmp(e->d_name, a)) fuzz_die("files: a write left another file in the folder");
        }
    if (d) closedir(d);
    if (count != 1) fuzz_die("files: the written file is not in the folder");
    char p[1600];
    snprintf(p, sizeof p, "%s/%s", recdir, a);
    unlink(p);
    /* the raw name itself is refused unless it is plain */
    int rc = vxa_write_in(recdir, name, "{}\n", 3, 0, err, sizeof err);
    if (rc == 0) {
        if (!vxa_out_name_plain(name)) fuzz_die("files: a name with a path was written");
        snprintf(p, sizeof p, "%s/%s", recdir, name);
        if (unlink(p)) fuzz_die("files: a plain name was written elsewhere");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sandbox();
    char name[401], ref[401];
    const uint8_t *nul = memchr(data, 0, size);
    size_t nn = nul ? (size_t)(nul - data) : size;
    size_t rn = nul ? size - nn - 1 : 0;
    if (nn > 400) nn = 400;
    if (rn > 400) rn = 400;
    memcpy(name, data, nn);
    name[nn] = 0;
    if (nul) memcpy(ref, nul + 1, rn);
    ref[rn] = 0;
    check_name(name);
    check_ref(ref);
    return 0;
}
