/* image.c — see image.h. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "image.h"

extern char **environ;

#define MIB (1024ull * 1024ull)
#define ESP_MIB 40                        /* FAT32 needs >= 65525 clusters: 40 MiB of 512 B */

/* Runs argv (searched in PATH, then /usr/sbin and /sbin for sfdisk) with stdin from `in_path`
 * (or /dev/null) and stdout+stderr into `log`. */
static int run(char *const argv[], const char *in_path, const char *log, char *err, size_t errlen)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path ? in_path : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    const char *path = getenv("PATH");
    char newpath[8192];
    snprintf(newpath, sizeof newpath, "PATH=%s:/usr/sbin:/sbin", path ? path : "/usr/bin:/bin");
    char *env[] = { newpath, "MTOOLS_SKIP_CHECK=1", "LC_ALL=C", NULL };
    char prog[512];
    const char *p = argv[0];
    if (!strchr(p, '/')) {               /* PATH search, including the sbin directories */
        const char *dirs = newpath + 5;
        while (*dirs) {
            size_t n = strcspn(dirs, ":");
            snprintf(prog, sizeof prog, "%.*s/%s", (int)n, dirs, argv[0]);
            if (access(prog, X_OK) == 0) { p = prog; break; }
            dirs += n + (dirs[n] == ':');
        }
    }
    pid_t pid;
    int rc = posix_spawn(&pid, p, &fa, NULL, argv, env);
    posix_spawn_file_actions_destroy(&fa);
    if (rc) {
        snprintf(err, errlen, "cannot run %s: %s (Debian packages: mtools, fdisk)", argv[0], strerror(rc));
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
        char msg[512] = "";
        FILE *f = fopen(log, "r");
        if (f) {
            size_t n = fread(msg, 1, sizeof msg - 1, f);
            msg[n] = 0;
            fclose(f);
        }
        msg[strcspn(msg, "\n")] = 0;
        snprintf(err, errlen, "%s failed: %s", argv[0], msg);
        return -1;
    }
    return 0;
}

static int write_file(const char *path, const void *a, size_t alen, size_t total, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f || (alen && fwrite(a, 1, alen, f) != alen) ||
        (total > alen && ftruncate(fileno(f), (off_t)total)) || fclose(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (f) fclose(f);
        return -1;
    }
    return 0;
}

int vxa_uefi_write_image(const char *path, const struct vxa_uefi_image *im, char *err, size_t errlen)
{
    const char *t = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/vxa-image.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "mkdtemp %s: %s", dir, strerror(errno));
        return -1;
    }
    char img[4200], script[4200], log[4200], pay[4200], bat[4200], cfg[4200], res[4200], tmp[4200];
    snprintf(img, sizeof img, "%s/disk.img", dir);
    snprintf(script, sizeof script, "%s/sfdisk.txt", dir);
    snprintf(log, sizeof log, "%s/log", dir);
    snprintf(pay, sizeof pay, "%s/PAYLOAD.BIN", dir);
    snprintf(bat, sizeof bat, "%s/BATCH.BIN", dir);
    snprintf(cfg, sizeof cfg, "%s/CONFIG.TXT", dir);
    snprintf(res, sizeof res, "%s/RESULTS.TXT", dir);
    size_t res_mib = (im->results_size + 4 * MIB - 1) / MIB;
    if (res_mib < 16) res_mib = 16;
    size_t total = (1 + ESP_MIB + res_mib + 1) * MIB;   /* + the GPT at both ends */
    unsigned long long esp_lba = 2048, esp_n = ESP_MIB * MIB / 512;
    unsigned long long res_lba = esp_lba + esp_n, res_n = res_mib * MIB / 512;
    char text[1024];
    int n = snprintf(text, sizeof text,
        "label: gpt\n"
        "start=%llu, size=%llu, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"EFI system partition\"\n"
        "start=%llu, size=%llu, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=\"vmxaudit results\"\n",
        esp_lba, esp_n, res_lba, res_n);
    char esp[4300], rp[4300], tot[32], rtot[32];
    snprintf(esp, sizeof esp, "%s@@%llu", img, esp_lba * 512);
    snprintf(rp, sizeof rp, "%s@@%llu", img, res_lba * 512);
    snprintf(tot, sizeof tot, "%llu", esp_n);
    snprintf(rtot, sizeof rtot, "%llu", res_n);
    int rc = -1;
    if (write_file(img, NULL, 0, total, err, errlen) ||
        write_file(script, text, (size_t)n, 0, err, errlen) ||
        write_file(pay, im->payload, im->payload_len, 0, err, errlen) ||
        write_file(bat, im->batch, im->batch_len, 0, err, errlen) ||
        write_file(cfg, im->config, strlen(im->config), 0, err, errlen) ||
        write_file(res, im->results, im->results_len, im->results_size, err, errlen))
        goto out;
    {
        char *sf[] = { "sfdisk", "-q", img, NULL };
        char *f1[] = { "mformat", "-i", esp, "-F", "-T", tot, "-v", "VMXAUDIT", "::", NULL };
        char *f2[] = { "mformat", "-i", rp, "-T", rtot, "-v", "VXARESULTS", "::", NULL };
        char *md[] = { "mmd", "-i", esp, "::/EFI", "::/EFI/BOOT", "::/VMXAUDIT", NULL };
        char *c1[] = { "mcopy", "-i", esp, (char *)im->efi_app, "::/EFI/BOOT/BOOTX64.EFI", NULL };
        char *c2[] = { "mcopy", "-i", esp, pay, bat, cfg, "::/VMXAUDIT/", NULL };
        char *c3[] = { "mcopy", "-i", rp, res, "::/RESULTS.TXT", NULL };
        if (run(sf, script, log, err, errlen) || run(f1, NULL, log, err, errlen) ||
            run(f2, NULL, log, err, errlen) || run(md, NULL, log, err, errlen) ||
            run(c1, NULL, log, err, errlen) || run(c2, NULL, log, err, errlen) ||
            run(c3, NULL, log, err, errlen))
            goto out;
    }
    /* Into place atomically: a temporary file beside the target, then rename. */
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    {
        FILE *in = fopen(img, "rb"), *o = fopen(tmp, "wb");
        char buf[1 << 16];
        size_t k;
        int ok = in && o;
        while (ok && (k = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, k, o) == k;
        if (in) fclose(in);
        if (o && (fflush(o) || fsync(fileno(o)))) ok = 0;
        if (o && fclose(o)) ok = 0;
        if (!ok || rename(tmp, path)) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            unlink(tmp);
            goto out;
        }
    }
    rc = 0;
out:
    unlink(img); unlink(script); unlink(log); unlink(pay); unlink(bat); unlink(cfg); unlink(res);
    rmdir(dir);
    return rc;
}

long long vxa_uefi_results_partition_offset(const char *image_path)
{
    /* GPT header at LBA 1: partition entries at LBA 2, the second entry's first LBA. */
    FILE *f = fopen(image_path, "rb");
    unsigned char e[128];
    long long off = -1;
    if (f && fseek(f, 1024 + 128, SEEK_SET) == 0 && fread(e, 1, sizeof e, f) == sizeof e) {
        unsigned long long lba = 0;
        for (int i = 7; i >= 0; i--) lba = lba << 8 | e[32 + i];
        if (lba) off = (long long)(lba * 512);
    }
    if (f) fclose(f);
    return off;
}
