/* machine.h — the files one Bochs machine needs: boot floppy, payload image, batch, bochsrc. */
#ifndef VXA_BOCHS_MACHINE_H
#define VXA_BOCHS_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bochs.h"

#define BX_IMAGE_CHUNK (128 * 1024)   /* Bochs's memory block: one optramimage at most */
#define BX_OPTRAMIMAGES 4             /* optramimage1..4 */

/* The payload image takes ceil(size / 128 KiB) optramimages, the batch the others. */
unsigned bx_payload_images(void);
/* Bytes of batch one Bochs boot can take: (4 - bx_payload_images()) x 128 KiB. */
size_t bx_batch_max(void);

struct bx_machine {
    char dir[4096];
    bool own_dir;                     /* created here: removed by bx_machine_cleanup() */
    char model[64], bios[1024], vgabios[1024];
};

/* Creates the directory (unless opt->workdir) with floppy.img, payload*.bin and cmds. */
int bx_machine_prepare(struct bx_machine *m, const struct vxa_bochs_options *opt,
                       const char *cpu_model, char *err, size_t errlen);
/* (Re)writes the batch (batch0.bin ...) and the bochsrc that places it at VXA_BATCH_BASE;
 * at most bx_batch_max() bytes. */
int bx_machine_write_batch(struct bx_machine *m, const uint8_t *buf, size_t len, char *err,
                           size_t errlen);
/* Removes the directory if it was created here (async-signal-safe). */
void bx_machine_cleanup(struct bx_machine *m);

#endif
