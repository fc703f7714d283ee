/* bochs.h — the Bochs oracle backend: runs the VMX probe payload inside Debian's Bochs 2.7
 * (docs/oracles.md).  Types in oracle/common/oracle.h; the formats in oracle/common/payload_abi.h and
 * oracle/bochs/README.md.
 */
#ifndef VXA_BOCHS_H
#define VXA_BOCHS_H

#include <stddef.h>
#include <stdio.h>
#include "oracle.h"

struct vxa_bochs_options {
    const char *bochs;            /* executable; default: by `version`, else $VXA_BOCHS or "bochs" */
    const char *version;          /* the Bochs version wanted ("3.0"): without `bochs`, the binary
                                     oracle/bochs/build-bochs.sh built (2.7: "bochs" from PATH);
                                     a binary whose banner names another version is refused */
    const char *bios;             /* default /usr/share/bochs/BIOS-bochs-latest */
    const char *vgabios;          /* default /usr/share/vgabios/vgabios.bin */
    const char *workdir;          /* where the image, rc and batch go; default a fresh
                                     directory under tmp_parent, removed afterwards */
    const char *tmp_parent;       /* where that fresh directory goes (".vxa-bochs.XXXXXX");
                                     default $TMPDIR (or /tmp).  A campaign puts it in its
                                     output folder, so even a SIGKILL leaves nothing outside */
    double boot_timeout_s;        /* power-on to "@H ready"; default 30 */
    double case_timeout_s;        /* one case, from "@B" to "@R"; default 5 */
    FILE *trace;                  /* if set: every line Bochs prints is copied here */
};

/* The executable opt selects (see vxa_bochs_options.bochs/.version) into buf; NULL with err set
 * when the version asked for is not built here. */
const char *vxa_bochs_select(const struct vxa_bochs_options *opt, char *buf, size_t n, char *err, size_t errlen);

/* Boots the payload without cases: VMX capability MSRs, CPUID, VMXON.  Returns VXA_ORACLE_OK,
 * VXA_ORACLE_NOT_AVAILABLE (no Bochs, unknown CPU model, no VMX in the model) or
 * VXA_ORACLE_FAILED; `err` then says why. */
int vxa_bochs_probe(const struct vxa_bochs_options *opt, const char *cpu_model,
                    struct vxa_oracle_probe *probe, char *err, size_t errlen);

/* Executes cases[0..n) and fills out[0..n) (each initialised here; free each with
 * vxa_oracle_result_free()).  Cases run in batches in one Bochs process; a case that hangs
 * Bochs is recorded as timeout and Bochs restarts at the next case.  A Bochs that dies (killed
 * by someone, or by the case) is started again once per call: the case in flight, or the boot,
 * is retried in a fresh process before the case is recorded as crashed (or the call fails).  `probe`
 * (may be NULL) receives the probe of the first boot.  Returns as vxa_bochs_probe(). */
int vxa_bochs_run(const struct vxa_bochs_options *opt, const char *cpu_model,
                  const struct vxa_oracle_case *cases, size_t n, struct vxa_oracle_result *out,
                  struct vxa_oracle_probe *probe, char *err, size_t errlen);

#endif
