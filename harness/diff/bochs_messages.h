/* bochs_messages.h — the check a Bochs 2.7 VM-entry failure message names. */
#ifndef VMXAUDIT_BOCHS_MESSAGES_H
#define VMXAUDIT_BOCHS_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include "vmxaudit/vmxaudit.h"

/* The check IDs (space-separated) that the Bochs failure message in `log` stands for, or NULL
 * when the log has no such message or it is not in the table; *message = the message line (or
 * NULL). */
const char *vxa_bochs_message_checks(const char *log, const char **message);
/* Does the report violate one of `ids`? */
bool vxa_bochs_message_agrees(const char *ids, const vxa_report *r);
/* The table, for tests. */
size_t vxa_bochs_message_count(void);
const char *vxa_bochs_message_ids(size_t i);

#endif
