/* machine.c — writes a Bochs machine: a 1.44 MB floppy whose boot sector is the payload's boot
 * stage, the payload and batch placed in RAM by `optramimage` before power-on, and a headless
 * bochsrc for Debian's Bochs 2.7 (term display, port 0xE9 output, log on stderr).
 *
 * Bochs 2.7 loads an optramimage with one read() into the host memory of the 128 KiB block that
 * holds its start address, so bytes past that block land in whichever block the host allocated
 * next (measured: a 130 KiB batch lost its tail).  Hence every image starts on a 128 KiB
 * boundary and is at most 128 KiB long: the payload in as many as it needs (one today: ~110 KiB
 * with the embedded engine), the batch in the others (three).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "machine.h"
#include "payload_abi.h"
#include "payload_blob.h"

/* Every step checked, the stream closed exactly once (a failed fclose() has closed it too:
 * closing it again was a double free). */
static int write_file(const char *dir, const char *name, const void *data, size_t len,
                      size_t total, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int bad = (len && fwrite(data, 1, len, f) != len) || fflush(f) != 0 ||
              (total > len && ftruncate(fileno(f), (off_t)total) != 0);
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

unsigned bx_payload_images(void)
{
    return (unsigned)((vxa_payload_image_size + BX_IMAGE_CHUNK - 1) / BX_IMAGE_CHUNK);
}

size_t bx_batch_max(void)
{
    unsigned k = bx_payload_images();
    return k < BX_OPTRAMIMAGES ? (size_t)(BX_OPTRAMIMAGES - k) * BX_IMAGE_CHUNK : 0;
}

static const char *const payload_files[BX_OPTRAMIMAGES] = { "payload.bin", "payload1.bin",
                                                            "payload2.bin", "payload3.bin" };

static bool model_name_ok(const char *m)
{
    if (!*m) return false;
    for (; *m; m++)
        if (!((*m >= 'a' && *m <= 'z') || (*m >= '0' && *m <= '9') || *m == '_')) return false;
    return true;
}

int bx_machine_prepare(struct bx_machine *m, const struct vxa_bochs_options *opt,
                       const char *cpu_model, char *err, size_t errlen)
{
    if (!model_name_ok(cpu_model)) {
        snprintf(err, errlen, "invalid Bochs CPU model name '%s'", cpu_model);
        return VXA_ORACLE_BAD_INPUT;
    }
    if (bx_batch_max() == 0) {
        snprintf(err, errlen, "payload image of %zu bytes leaves no optramimage for the batch",
                 vxa_payload_image_size);
        return VXA_ORACLE_FAILED;
    }
    m->own_dir = !opt->workdir;
    if (opt->workdir) {
        snprintf(m->dir, sizeof m->dir, "%s", opt->workdir);
    } else {
        const char *t = opt->tmp_parent ? opt->tmp_parent : getenv("TMPDIR");
        snprintf(m->dir, sizeof m->dir, "%s/%svxa-bochs.XXXXXX", t && *t ? t : "/tmp",
                 opt->tmp_parent ? "." : "");
        if (!mkdtemp(m->dir)) {
            snprintf(err, errlen, "mkdtemp %s: %s", m->dir, strerror(errno));
            return VXA_ORACLE_FAILED;
        }
    }
    snprintf(m->model, sizeof m->model, "%s", cpu_model);
    snprintf(m->bios, sizeof m->bios, "%s", opt->bios ? opt->bios : "/usr/share/bochs/BIOS-bochs-latest");
    snprintf(m->vgabios, sizeof m->vgabios, "%s", opt->vgabios ? opt->vgabios : "/usr/share/vgabios/vgabios.bin");
    /* The debugger built into Debian's Bochs reads commands from `cmds`: continue. */
    if (write_file(m->dir, "cmds", "c\n", 2, 0, err, errlen) ||
        write_file(m->dir, "floppy.img", vxa_boot_sector, vxa_boot_sector_size, 1474560, err,
                   errlen)) {
        bx_machine_cleanup(m);              /* a full disk leaves nothing behind */
        return VXA_ORACLE_FAILED;
    }
    for (unsigned i = 0; i < bx_payload_images(); i++) {
        size_t off = (size_t)i * BX_IMAGE_CHUNK, left = vxa_payload_image_size - off;
        if (write_file(m->dir, payload_files[i], vxa_payload_image + off,
                       left < BX_IMAGE_CHUNK ? left : BX_IMAGE_CHUNK, 0, err, errlen)) {
            bx_machine_cleanup(m);
            return VXA_ORACLE_FAILED;
        }
    }
    return VXA_ORACLE_OK;
}

int bx_machine_write_batch(struct bx_machine *m, const uint8_t *buf, size_t len, char *err,
                           size_t errlen)
{
    char rc[4096], name[32];
    int n = snprintf(rc, sizeof rc,
        "# vmxaudit Bochs oracle machine (oracle/bochs/machine.c)\n"
        "megs: %d\n"
        "romimage: file=%s\n"
        "vgaromimage: file=%s\n"
        "floppya: 1_44=floppy.img, status=inserted\n"
        "boot: floppy\n"
        "display_library: term\n"
        "port_e9_hack: enabled=1\n"
        "speaker: enabled=0\n"
        "cpu: model=%s, count=1, ips=50000000, ignore_bad_msrs=0, reset_on_triple_fault=0\n"
        "log: -\n"
        "debug: action=ignore\n"
        "info: action=ignore\n"
        "error: action=report\n"
        "panic: action=fatal\n",
        VXA_GUEST_MEGS, m->bios, m->vgabios, m->model);
    unsigned k = bx_payload_images();
    for (unsigned i = 0; i < k; i++)
        n += snprintf(rc + n, sizeof rc - (size_t)n, "optramimage%u: file=%s, address=0x%zx\n",
                      i + 1, payload_files[i], (size_t)VXA_PAYLOAD_BASE + (size_t)i * BX_IMAGE_CHUNK);
    if (len > bx_batch_max()) {
        snprintf(err, errlen, "batch of %zu bytes exceeds %zu", len, bx_batch_max());
        return VXA_ORACLE_FAILED;
    }
    for (size_t off = 0, i = 0; off < len || i == 0; off += BX_IMAGE_CHUNK, i++) {
        size_t part = len - off < BX_IMAGE_CHUNK ? len - off : BX_IMAGE_CHUNK;
        snprintf(name, sizeof name, "batch%zu.bin", i);
        if (write_file(m->dir, name, buf + off, part, 0, err, errlen)) return VXA_ORACLE_FAILED;
        n += snprintf(rc + n, sizeof rc - (size_t)n, "optramimage%zu: file=%s, address=0x%zx\n",
                      i + 1 + k, name, (size_t)VXA_BATCH_BASE + off);
        if (len == 0) break;
    }
    if (n < 0 || (size_t)n >= sizeof rc) {
        snprintf(err, errlen, "BIOS path too long");
        return VXA_ORACLE_BAD_INPUT;
    }
    return write_file(m->dir, "bochsrc", rc, (size_t)n, 0, err, errlen) ? VXA_ORACLE_FAILED : 0;
}

/* Async-signal-safe (a signal handler calls it): no stdio, no allocation. */
void bx_machine_cleanup(struct bx_machine *m)
{
    if (!m->own_dir) return;
    static const char *const files[] = { "bochsrc", "cmds", "floppy.img", "payload.bin",
                                         "payload1.bin", "payload2.bin", "payload3.bin",
                                         "batch0.bin", "batch1.bin", "batch2.bin" };
    char path[4200];
    size_t dl = strlen(m->dir);
    if (dl + 20 > sizeof path) return;
    memcpy(path, m->dir, dl);
    path[dl] = '/';
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t fl = strlen(files[i]);
        memcpy(path + dl + 1, files[i], fl + 1);
        unlink(path);
    }
    rmdir(m->dir);
}
