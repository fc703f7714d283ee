/* out_name.h — a case's name is never a path: the file a case is written to
 * is named by a slug of its name ([A-Za-z0-9_-], at most 64 characters; "case" when nothing is
 * left) and a disambiguator, 8 hex digits of a hash of the name and `salt` (the case's origin:
 * its file, its index), so two cases of one name from different origins get different files and
 * the same case gets the same file every time.  "../../x" becomes "x-1a2b3c4d.json". */
#ifndef VXA_OUT_NAME_H
#define VXA_OUT_NAME_H

#include <stddef.h>

/* NAME-HASH.json into out (n >= 80 always fits). */
void vxa_out_name(const char *name, const char *salt, char *out, size_t n);
/* Is `name` a plain file name that stays inside any folder (no '/', '\\', not "", "." or "..")? */
int vxa_out_name_plain(const char *name);

#endif
