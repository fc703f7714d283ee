/* vmcs.h — VMCS field encodings, generated from the engine's catalogue (SDM Appendix B):
 * VMCS_<canonical name> = encoding. */
#ifndef VXA_VMCS_H
#define VXA_VMCS_H

enum vmcs_encoding {
#define VXA_FIELD(name, enc, width, kind, value, gate) VMCS_##name = enc,
#include "vmxaudit/fields.def"
#undef VXA_FIELD
};

#endif
