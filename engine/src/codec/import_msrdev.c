/* import_msrdev.c — capability MSRs from the Linux msr device (/dev/cpu/N/msr, msr(4)): a read
 * of 8 bytes at file offset = MSR index returns the MSR; EIO means the CPU refuses it (not
 * implemented), which leaves it not captured, never zero. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "import_internal.h"
#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

int vxa_import_msr_device(const char *path, vxa_profile *p, vxa_msr_import *info, vxa_error *err)
{
    vxa_msr_import dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_profile_init(p);
#ifdef _WIN32
    return vxa_ierr(err, path, 0, "the Linux msr device is not available on Windows (use WinDbg's "
                    "rdmsr output: --format windbg)");
#else
    int fd = open(path, O_RDONLY);
    if (fd < 0) return vxa_ierr(err, path, 0, "cannot open: %s%s", strerror(errno),
                                errno == ENOENT ? " (modprobe msr?)" : errno == EACCES ? " (needs root)" : "");
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++) {
        uint8_t b[8];
        ssize_t r = pread(fd, b, sizeof b, (off_t)(0x480 + i));
        if (r != (ssize_t)sizeof b) continue;    /* EIO or end of file: not captured */
        uint64_t v = 0;
        for (unsigned k = 0; k < 8; k++) v |= (uint64_t)b[k] << (8 * k);   /* little-endian */
        vxa_store_msr(p, 0x480 + i, v);
        info->ncaptured++;
    }
    close(fd);
    info->ncpus = 1;
    if (!info->ncaptured)
        return vxa_ierr(err, path, 0, "no VMX capability MSR could be read (not an Intel CPU with "
                        "VMX, or VMX disabled?)");
    return 0;
#endif
}
