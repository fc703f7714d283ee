/* report.h — reading the payload's report lines (format: payload_abi.h); shared by every
 * backend. */
#ifndef VXA_REPORT_H
#define VXA_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "oracle.h"

/* "@H ..." lines: fills the probe.  Returns 1 if the line was a probe line, 0 otherwise. */
int vxa_report_probe_line(const char *line, struct vxa_oracle_probe *p);

/* "@R <id> ..." lines: fills *r (which must be initialised) and *id.  Returns 1 on success,
 * 0 if the line is not a result line, -1 if it is malformed. */
int vxa_report_result_line(const char *line, uint32_t *id, struct vxa_oracle_result *r);

/* "@B <id>": returns 1 and sets *id. */
int vxa_report_begin_line(const char *line, uint32_t *id);

#endif
