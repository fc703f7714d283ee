/* binary.h — the compact binary case encoding used by the fuzz targets and the oracle batches
 * (docs/formats.md: "the fuzz targets and the oracle batch use compact binary encodings").
 * Freestanding: decoding needs no libc and points into the caller's buffer.
 *
 * Layout (little-endian):
 *   u8  magic 'V', u8 version 1
 *   u8  instruction, u8 flags (bit0 launched, bit1 no current VMCS, bit2 32-bit host,
 *       bit3 MOV-SS blocking, bit4 SMM, bit5 VMX non-root, bit6 outside VMX operation,
 *       bit7 the current VMCS is a shadow VMCS),
 *   u8  cpl, u8 model, u8 maxphyaddr (0 = default 52), u8 linear-address width (48/57)
 *   u32 msr_present; then u64 per present MSR (ascending index)
 *   u32 cpuid, u32 cpuid_known
 *   u16 nfields; then { u16 encoding, u64 value } per field
 *   u8  nblobs;  then { u32 address, u16 length, bytes } per blob
 *   optional environment extension (the VMXON preconditions and the CPU mode):
 *   u8  'E', u8 mode (vxa_cpu_mode), u8 flags (bit0 vmxon_address given, bit1
 *       current_vmcs_address given), u64 feature_control, u64 cr0, u64 cr4, u64 vmxon_address,
 *       u64 current_vmcs_address; absent: the defaults (vxa_entry_init, mode from the host flag).
 *   optional PMU extension (the profile's pmu_*; absent: not captured):
 *   u8  'P', u8 core types (1..3), u8 pmu_perf_caps_known; then per core type
 *       u32 CPUID.0AH EAX, EBX, ECX, EDX, u64 IA32_PERF_CAPABILITIES.
 *   optional capture extension (after the environment and PMU extensions when they are there; the
 *   case's `not_captured` and `assumed` keys, docs/formats.md):
 *   u8  'C', u16 n; then u16 encoding per field not captured (not in the field list);
 *       u16 m; then u16 encoding per assumed field (its value is in the field list);
 *       absent: every field not in the list reads as 0, none assumed.  The reason an assumed
 *       value was filled in ("why") is not carried: it reads back as "filled in by
 *       convention (no reason recorded)".
 *   An older decoder ignores the extension (the fields read as 0, as before it).
 * Anything after that is ignored; a truncated input decodes as far as it goes. */
#ifndef VMXAUDIT_BINARY_H
#define VMXAUDIT_BINARY_H

#include "vmxaudit/vmxaudit.h"

#define VXA_BIN_MAX_BLOBS 8
typedef struct vxa_bin_blob { uint64_t address; uint32_t length; const uint8_t *data; } vxa_bin_blob;
typedef struct vxa_bin_case {
    vxa_profile profile;
    vxa_vmcs vmcs;
    vxa_entry entry;
    uint8_t model;
    uint8_t nblobs;
    vxa_bin_blob blob[VXA_BIN_MAX_BLOBS];
} vxa_bin_case;

/* Decodes; returns the number of bytes consumed, or 0 if the header is invalid. */
VXA_API size_t vxa_bin_decode(const uint8_t *buf, size_t len, vxa_bin_case *out);
/* Encodes into buf (size cap); returns the length, or 0 if it does not fit. */
VXA_API size_t vxa_bin_encode(const vxa_bin_case *c, uint8_t *buf, size_t cap);
/* A memory reader over the decoded blobs. */
VXA_API vxa_memory vxa_bin_memory(const vxa_bin_case *c);

#endif
