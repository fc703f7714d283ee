/* kvm_oracle.h — the KVM oracle backend: runs the VMX probe payload (oracle/payload) on /dev/kvm
 * directly (no QEMU), with the vCPU put straight into 64-bit mode at the payload's 64-bit entry.
 *
 * The payload is the same one the Bochs backend boots; its memory map, batch format and report
 * lines are oracle/common/payload_abi.h.  This backend adds:
 *   - host facts recorded with every observation (kernel, CPU model, kvm_intel parameters);
 *   - the capability profile applied to the vCPU's IA32_VMX_* MSRs before the first KVM_RUN
 *     (KVM lets userspace only restrict what it offers; anything else is refused by name);
 *   - crash and hang isolation: a triple fault, internal error, failed entry or timeout costs the
 *     case in progress (the last "@B id" without "@R id"); a fresh VM continues with the next case.
 *
 * Hosted C (Linux).  Not thread-safe: kvm_oracle_run() installs a SIGALRM handler for its
 * timeouts while it runs and restores the previous one before it returns.
 *
 * Exit-status contract of the front ends (docs/exit-codes.md): 3 = no VMX here (KVM_ORACLE_UNAVAILABLE),
 * 4 = the backend failed in a way that stopped the command.
 */
#ifndef VXA_KVM_ORACLE_H
#define VXA_KVM_ORACLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "vmxaudit/vmxaudit.h"   /* vxa_profile */

#ifdef __cplusplus
extern "C" {
#endif

enum kvm_oracle_status {
    KVM_ORACLE_OK = 0,
    KVM_ORACLE_BAD_INPUT = 2,      /* bad batch, payload image or profile KVM cannot offer */
    KVM_ORACLE_UNAVAILABLE = 3,    /* no /dev/kvm, or KVM offers no VMX to guests */
    KVM_ORACLE_FAILED = 4          /* the VM could not be set up or died outside any case */
};

/* What the host is: recorded with every observation, since KVM's checks change between
 * versions and module parameters. */
#define KVM_ORACLE_NPARAMS 5
struct kvm_oracle_host {
    char kernel[128];              /* uname -r */
    char cpu_model[128];           /* /proc/cpuinfo "model name" */
    char vendor[16];               /* /proc/cpuinfo "vendor_id": GenuineIntel, AuthenticAMD */
    /* /sys/module/kvm_intel/parameters/<name>: the value, or "absent" */
    char kvm_intel[KVM_ORACLE_NPARAMS][16];
};
/* nested, nested_early_check, ept, unrestricted_guest, enable_shadow_vmcs */
extern const char *const kvm_oracle_param_names[KVM_ORACLE_NPARAMS];

/* What /dev/kvm offers. */
struct kvm_oracle_caps {
    bool kvm_usable;               /* /dev/kvm opened, API version 12 */
    bool vmx;                      /* KVM_GET_SUPPORTED_CPUID has CPUID.1:ECX.VMX = 1 */
    uint32_t cpuid1_ecx;           /* KVM_GET_SUPPORTED_CPUID leaf 1 ECX */
    /* KVM's maximum IA32_VMX_* (KVM_GET_MSR_FEATURE_INDEX_LIST + KVM_GET_MSRS on /dev/kvm),
     * indexed by msr - 0x480 like vxa_profile.msr */
    uint64_t vmx_msr[VXA_MSR_COUNT];
    uint32_t vmx_msr_present;
    char why[256];                 /* when !kvm_usable or !vmx: the reason, one line */
};

/* Reads the host facts (never fails; unknown values read "unknown"). */
void kvm_oracle_host_facts(struct kvm_oracle_host *h);

/* Opens /dev/kvm (or $VXA_KVM_DEVICE) and fills caps.  Returns KVM_ORACLE_OK when KVM offers VMX
 * to guests, else KVM_ORACLE_UNAVAILABLE with caps->why set ("host CPU is AuthenticAMD;
 * KVM_GET_SUPPORTED_CPUID has CPUID.1:ECX.VMX = 0", "kvm_intel nested=N", "cannot open
 * /dev/kvm: Permission denied"). */
int kvm_oracle_probe_caps(const struct kvm_oracle_host *h, struct kvm_oracle_caps *caps);

/* The guest image: a payload ELF (PT_LOAD segments at their physical addresses) or a flat binary
 * placed at VXA_PAYLOAD_BASE. */
struct kvm_oracle_image {
    uint8_t *mem;                  /* owned copy of the file */
    size_t len;
    bool elf;
    uint64_t entry64;              /* 64-bit entry point; 0: none found */
    const char *entry_symbol;      /* where it came from: "vxa_entry64", "abi" or "option" */
};

/* Loads an image file.  entry64 = 0 asks for the payload's 64-bit entry vxa_entry64
 * (payload_abi.h): the ELF symbol, or VXA_PAYLOAD_ENTRY64 for a flat image.  It is entered
 * under the host region's page tables and GDT (contract in payload_abi.h).  Returns 0, or -1
 * with a message in err. */
int kvm_oracle_image_load(const char *path, uint64_t entry64, struct kvm_oracle_image *img,
                          char *err, size_t errsize);
void kvm_oracle_image_free(struct kvm_oracle_image *img);

/* Checks that KVM can offer `profile` (restrict only, see oracle/kvm/README.md), and computes the
 * MSR writes that apply it.  Returns 0, or -1 with one line per refused MSR in err naming the MSR
 * and the bits.  `writes` gets up to VXA_MSR_COUNT (index, value) pairs; notes (MSRs that cannot
 * be written but agree, adjusted revision) go to notes. */
struct kvm_oracle_msr { uint32_t index; uint64_t value; };
int kvm_oracle_profile_plan(const struct kvm_oracle_caps *caps, const vxa_profile *profile,
                            struct kvm_oracle_msr *writes, unsigned *nwrites,
                            char *err, size_t errsize, char *notes, size_t notessize);

/* One case's observation. */
enum kvm_oracle_case_kind {
    KVM_CASE_REPORTED = 0,         /* the payload reported "@R id ..." (line holds it) */
    KVM_CASE_CRASHED,              /* the guest died during the case (detail says how) */
    KVM_CASE_TIMEOUT,              /* no report within the timeout */
    KVM_CASE_NOT_RUN               /* the batch ended without reaching it */
};
struct kvm_oracle_case_result {
    uint32_t id;
    enum kvm_oracle_case_kind kind;
    char line[512];                /* the "@R" line without '\n', or the synthesized one:
                                      "@R id crash what=triple-fault", "@R id timeout ms=N" */
    char detail[256];              /* crash detail: exit reason, RIP, ... */
    unsigned vm;                   /* which VM (0, 1, ...) ran it */
};

/* Receives every line: the payload's own ("@H", "@B", "@R", "@E", anything else it prints),
 * and the backend's ("@K ..."), without '\n'. */
typedef void (*kvm_oracle_line_fn)(void *ctx, const char *line);

struct kvm_oracle_config {
    const struct kvm_oracle_image *image;
    const vxa_profile *profile;    /* NULL: KVM's maximum */
    unsigned timeout_ms;           /* per case (and for boot up to "@H ready"); 0 = 3000 */
    bool force;                    /* run even where KVM offers no VMX (tests: boots the payload
                                      up to its VMX probe, which then reports the missing VMX) */
    kvm_oracle_line_fn on_line;
    void *ctx;
};

struct kvm_oracle_run_result {
    struct kvm_oracle_host host;
    unsigned vms;                  /* VMs created (1 + one per crash/timeout restart) */
    unsigned ncases;
    struct kvm_oracle_case_result *cases;   /* malloc'd, batch order; free with free() */
    bool done;                     /* the payload said "@E done" */
    char why[256];                 /* on a non-OK status */
};

/* Runs a batch (oracle/common/payload_abi.h format; NULL/0 = an empty batch, which makes the
 * payload report its CPU and stop: the probe).  Returns a kvm_oracle_status. */
int kvm_oracle_run(const struct kvm_oracle_config *cfg, const void *batch, size_t batch_len,
                   struct kvm_oracle_run_result *out);

/* ---- the backend on the shared oracle types (oracle/common/oracle.h), like vxa_bochs_* ---- */

#include <stdio.h>
#include "oracle.h"

struct vxa_kvm_options {
    const char *payload;           /* payload ELF; NULL: $VXA_KVM_PAYLOAD, else the build tree's */
    uint64_t entry64;              /* 0: from the ELF's symbols */
    const vxa_profile *profile;    /* NULL: KVM's maximum */
    double case_timeout_s;         /* per case and for the boot; default 3 */
    bool force;                    /* run where KVM offers no VMX (the payload reports it) */
    FILE *trace;                   /* if set: every line (payload "@..." and backend "@K") */
    struct kvm_oracle_host *host;  /* if set: receives the host facts of the observation */
};

/* Boots the payload without cases: CPUID, the VMX MSRs KVM gives the guest, VMXON.
 * probe->backend_version gets the host kernel version.  Returns VXA_ORACLE_OK,
 * VXA_ORACLE_NOT_AVAILABLE ("KVM offers no VMX to guests: ..." in err), VXA_ORACLE_BAD_INPUT
 * or VXA_ORACLE_FAILED. */
int vxa_kvm_probe(const struct vxa_kvm_options *opt, struct vxa_oracle_probe *probe,
                  char *err, size_t errlen);

/* Executes cases[0..n) and fills out[0..n) (each initialised here; free each with
 * vxa_oracle_result_free()).  Cases the payload cannot produce are "unsupported" without
 * running; a case that kills or hangs the guest is "crashed"/"timeout" (detail says how) and a
 * fresh VM continues at the next case; cases the payload never reached are "error" with detail
 * "not run: ...".  `probe` (may be NULL) receives the probe of the first boot.  Returns as
 * vxa_kvm_probe(). */
int vxa_kvm_run(const struct vxa_kvm_options *opt, const struct vxa_oracle_case *cases, size_t n,
                struct vxa_oracle_result *out, struct vxa_oracle_probe *probe,
                char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
