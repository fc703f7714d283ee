/* image.h — the bootable disk image of the silicon oracle (README.md, "A silicon oracle"):
 * GPT, an EFI system partition (FAT32: \EFI\BOOT\BOOTX64.EFI, \VMXAUDIT\PAYLOAD.BIN, BATCH.BIN,
 * CONFIG.TXT) and a results partition (FAT: \RESULTS.TXT, preallocated).  Written without root
 * or loop devices: sfdisk (Debian package fdisk) and mtools, run as programs. */
#ifndef VXA_UEFI_IMAGE_H
#define VXA_UEFI_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct vxa_uefi_image {
    const char *efi_app;                  /* path of the UEFI application (vmxaudit.efi) */
    const uint8_t *payload; size_t payload_len;   /* the flat payload image (payload.bin) */
    const uint8_t *batch; size_t batch_len;       /* the binary batch (payload_abi.h) */
    const char *config;                   /* CONFIG.TXT */
    const char *results; size_t results_len;      /* the results file's header */
    size_t results_size;                  /* the results file's preallocated size */
};

/* Writes the image to `path` (replaced atomically).  0, or -1 with err filled. */
int vxa_uefi_write_image(const char *path, const struct vxa_uefi_image *im, char *err, size_t errlen);

/* The results file's offset and size inside an image written here (for tests and `ingest`
 * of an image): the results partition's FAT holds it; -1 if not found. */
long long vxa_uefi_results_partition_offset(const char *image_path);

#endif
