/* import.h — importers of real dumps into profiles and layouts (hosted, like codec.h):
 * capability MSRs from WinDbg's and msr-tools' `rdmsr` output and from the Linux msr device,
 * VMCS layouts from KVM's dump_vmcs (dmesg after a failed VM entry) and Xen's VMCS dump.
 *
 * Discipline: what the input does not give is never invented.  An MSR the dump lacks stays
 * "not captured"; a VMCS field the dump lacks stays unset (vxa_is_set() = false) so callers can
 * report it.  Malformed input fails with the file, the line and what was expected. */
#ifndef VMXAUDIT_IMPORT_H
#define VMXAUDIT_IMPORT_H

#include "vmxaudit/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- capability MSRs -> profile (only 0x480-0x493 are kept; others are counted) ---- */

typedef struct vxa_msr_import {
    unsigned ncaptured;      /* VMX capability MSRs read */
    unsigned nignored;       /* MSRs outside 0x480-0x493 */
    unsigned ncpus;          /* msr-tools `rdmsr -a`: CPUs per MSR (they must agree) */
} vxa_msr_import;

/* WinDbg `rdmsr 480` output: "msr[480] = 00da0400`00000004" lines; prompts and blank lines are
 * skipped. */
VXA_API int vxa_import_windbg(const char *text, size_t len, const char *file, vxa_profile *p,
                              vxa_msr_import *info, vxa_error *err);
/* msr-tools: either a transcript ("$ rdmsr [-a|-p N|-d|-u|-c|-0|-x|-X] 0x480" followed by the
 * value line(s)) or "INDEX VALUE" / "INDEX: VALUE" lines, values hex unless the command said
 * -d/-u.  With -a, every CPU's value must agree. */
VXA_API int vxa_import_msrtools(const char *text, size_t len, const char *file, vxa_profile *p,
                                vxa_msr_import *info, vxa_error *err);
/* The Linux msr device (/dev/cpu/N/msr): pread of 8 bytes at offset = MSR index; an MSR the read
 * refuses (EIO: not implemented) or a short read stays not captured.  Any file works the same
 * way (tests use a regular file).  Returns -1 with *err when the file cannot be opened; on
 * systems without pread (Windows), always -1. */
VXA_API int vxa_import_msr_device(const char *path, vxa_profile *p, vxa_msr_import *info,
                                  vxa_error *err);

/* ---- VMCS dumps -> layout ---- */

#define VXA_DUMP_MAX_MSRS 64
#define VXA_DUMP_MAX_WARNINGS 64
typedef struct vxa_dump_warning {
    unsigned line;             /* the input's line (the first of a re-joined wrapped line) */
    char text[200];
} vxa_dump_warning;
typedef struct vxa_dump_info {
    unsigned ndumps;           /* dumps in the text: the last one is imported, unless an
                                  earlier one gave more fields */
    unsigned line;             /* the line where it starts */
    unsigned nfields;          /* fields it gave */
    bool has_exit;             /* the dump records the VM exit (reason, qualification) */
    uint32_t exit_reason;
    uint64_t exit_qualification;
    bool exit_qualification_unknown;   /* QEMU prints the exit reason alone */
    unsigned vm_instruction_error;   /* Xen's "d2v0 VMLAUNCH error: 0x7" before the dump (VMfailValid) */
    bool efer_not_vmcs;        /* guest EFER printed as "(effective)"/"(autoload)": not a field */
    unsigned nmsrs;            /* the VM-entry MSR-load list ("MSR guest autoload") */
    uint32_t msr_index[VXA_DUMP_MAX_MSRS];
    uint64_t msr_value[VXA_DUMP_MAX_MSRS];
    unsigned msr_failed_entry; /* Xen, exit 34: the failing entry's number (1-based, = the exit
                                  qualification); msr_index/value[0] hold that entry alone, whose
                                  bits 63:32 were msr_mbz */
    uint32_t msr_mbz;
    unsigned nexpected;        /* the fields a complete dump of this format gives */
    unsigned nwarnings;        /* lines inside the dump not understood (the first
                                  VXA_DUMP_MAX_WARNINGS kept in warning[]) */
    vxa_dump_warning warning[VXA_DUMP_MAX_WARNINGS];
} vxa_dump_info;

/* Both dump importers read the text through the normalisation layer (mail quoting, syslog,
 * journalctl and dmesg prefixes, printk caller IDs, "(XEN) ", Unicode spaces, tabs, CRLF,
 * wrapped lines: docs/importers.md).  Text before the dump and after its last recognised line is
 * ignored; a line inside it that is not understood, or a known key with a malformed value, is a
 * warning in info->warning[] naming the line (the field stays unset), never an error.  They fail
 * only when the text holds no dump.
 *
 * KVM's dump_vmcs() text as the kernel prints it: "*** Guest State ***", "*** Host State ***",
 * "*** Control State ***". */
VXA_API int vxa_import_kvm_dmesg(const char *text, size_t len, const char *file, vxa_vmcs *v,
                                 vxa_dump_info *info, vxa_error *err);
/* Xen's vmcs_dump_vcpu() text ("(XEN) " prefixes stripped), both the "sel=, attr=, limit=,
 * base=" and the column ("sel attr limit base") segment layouts. */
VXA_API int vxa_import_xen(const char *text, size_t len, const char *file, vxa_vmcs *v,
                           vxa_dump_info *info, vxa_error *err);

/* A vmwrite trace or field list (engine/examples/vmwrite_log.h writes one): "vmwrite(GUEST_CR0,
 * 0x80050033)", "__vmwrite(0x6800, X86_CR0_PE | BIT(31))", "vmcs_write64(EPT_POINTER, ...)",
 * "GUEST_CR0 = 0x...", "Guest CR0: 0x..." with Linux, Xen, SDM and common hypervisor spellings or
 * encodings and C constant expressions as values.  Every line naming a field that cannot be
 * evaluated is a warning (line, why) and its field stays unset; other lines are ignored.  The
 * last write of a field wins.  Fails only when no line writes a field. */
VXA_API int vxa_import_vmwrite(const char *text, size_t len, const char *file, vxa_vmcs *v,
                               vxa_dump_info *info, vxa_error *err);

/* QEMU's CPU state dump after "KVM: entry failed, hardware error 0x80000021": guest RIP, RSP,
 * RFLAGS, segments (AR = (flags >> 8) & 0xf0ff; not present = unusable, 0x10000), GDTR/IDTR,
 * CR0/CR3/CR4, DR7, EFER; the exit reason without qualification.  No control or host field. */
VXA_API int vxa_import_qemu(const char *text, size_t len, const char *file, vxa_vmcs *v,
                            vxa_dump_info *info, vxa_error *err);

/* ---- format detection (docs/importers.md) ---- */

/* Why a file's content is no text dump at all: empty, only white space, binary (a NUL byte, or
 * more than 5 % control characters); NULL if it is text. */
VXA_API const char *vxa_text_problem(const char *text, size_t len);
/* The VMCS dump format a text holds ("kvm-dmesg", "xen", "qemu", "vmwrite"), NULL if none is recognised: a
 * "*** Guest State ***" block is Xen's when Xen's spellings ("(XEN)", "EFER(VMCS)", "PDPTE0",
 * the "sel attr limit base" header, ...) outweigh KVM's ("PDPTR0", "SVI|RVI", "virt-APIC
 * addr", ...), else KVM's. */
VXA_API const char *vxa_detect_dump_format(const char *text, size_t len);
/* The capability-MSR dump format ("windbg": an "msr[...] =" line; "msr-tools": an "rdmsr "
 * command or an "0x48N VALUE" line; "uefi-results": "vmxaudit-results 1"), NULL if none. */
VXA_API const char *vxa_detect_msr_format(const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
