/* journal.h — the campaign's durable state (docs/harness.md: campaign state survives SIGKILL): an
 * append-only file of JSON records, one per line, each written with one write() and fsync'd.
 * A record is self-contained (a whole batch of verdicts is one record), so a campaign killed
 * mid-write loses at most the record being written; on resume the torn tail is cut off.
 * Every other file is written atomically (harness/common/out_file.h). */
#ifndef VXA_DIFF_JOURNAL_H
#define VXA_DIFF_JOURNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct vxa_journal { int fd; char path[4096]; } vxa_journal;

/* Opens DIR/journal.jsonl.  Fresh (resume false): the file must not exist yet.  Resume: every
 * complete record is passed to replay (in order; a non-zero return stops with that status), a
 * torn last record is cut off, and appending continues after the last complete one.
 * Returns 0, or 2 with err set (the file's name and line). */
int vxa_journal_open(vxa_journal *j, const char *dir, bool resume,
                     int (*replay)(void *ctx, const cJSON *rec, unsigned line), void *ctx,
                     char *err, size_t errlen);
/* Appends rec as one line and fsyncs.  Returns 0 or -1 (errno). */
int vxa_journal_append(vxa_journal *j, const cJSON *rec);
void vxa_journal_close(vxa_journal *j);
/* Reads a journal without opening it for writing (for reports). */
int vxa_journal_read(const char *dir, int (*replay)(void *ctx, const cJSON *rec, unsigned line),
                     void *ctx, char *err, size_t errlen);

#endif
