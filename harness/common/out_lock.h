/* out_lock.h — one campaign at a time in an output folder: an exclusive
 * advisory lock (flock) on DIR/.lock, held for the whole run and released by the kernel when the
 * process ends, however it ends (SIGKILL included): a stale lock cannot block a later --resume.
 * A lock still held is waited for up to 0.5 s (the children of a campaign just killed). */
#ifndef VXA_OUT_LOCK_H
#define VXA_OUT_LOCK_H

#include <stddef.h>

/* Locks DIR (which must exist).  Returns the lock's descriptor (>= 0), or -1 with err set
 * ("DIR is in use by another vmxaudit (pid N)" or why the lock file cannot be made). */
int vxa_out_lock(const char *dir, char *err, size_t errlen);
void vxa_out_unlock(int fd);

#endif
