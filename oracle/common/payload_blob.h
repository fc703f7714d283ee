/* payload_blob.h — the payload's boot sector and image, built into the host programs
 * (generated from oracle/payload by bin2c.cmake; library vxa_payload_blob). */
#ifndef VXA_PAYLOAD_BLOB_H
#define VXA_PAYLOAD_BLOB_H

#include <stddef.h>

extern const unsigned char vxa_boot_sector[];     /* 512 bytes, ends in 0x55 0xaa */
extern const size_t vxa_boot_sector_size;
extern const unsigned char vxa_payload_image[];   /* placed at VXA_PAYLOAD_BASE */
extern const size_t vxa_payload_image_size;

#endif
