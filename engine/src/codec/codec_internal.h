/* codec_internal.h — shared helpers of the JSON codec (hosted). */
#ifndef VMXAUDIT_CODEC_INTERNAL_H
#define VMXAUDIT_CODEC_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include "vmxaudit/codec.h"

/* Parse context: the text (for positions), the file name, the error sink. */
typedef struct jctx {
    const char *text;
    size_t len;
    const char *file;
    vxa_error *err;
    const char *doc;   /* the document's own path, where file references resolve; NULL: none */
} jctx;

int jerr(jctx *j, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int jsyntax(jctx *j, const char *where);
cJSON *jparse(jctx *j);
/* Reads a number value (hex/decimal string or JSON integer <= 2^53). */
int jnum(jctx *j, const cJSON *item, const char *path, uint64_t *out);
int jbool(jctx *j, const cJSON *item, const char *path, bool *out);
/* Fails on a key that appears twice in object o (case-insensitive when ci). */
int jnodup(jctx *j, const cJSON *o, const char *path, bool ci);
/* Fails on a key of o not in the NULL-terminated list. */
int jknown(jctx *j, const cJSON *o, const char *path, const char *const *keys);
const char *jclosest(const char *name, const char *(*candidate)(unsigned), unsigned n);
char *jhex(uint64_t v, char *buf);   /* "0x1f" into buf[24] */
static inline cJSON *jhexitem(uint64_t v)   /* the string item "0x1f" */
{
    char b[24];
    return cJSON_CreateString(jhex(v, b));
}
/* buf = a + "." + b, truncated to size like snprintf (the per-key path of the hot parse loops,
 * where snprintf was a tenth of the time of parsing a case). */
void jpath(char *buf, size_t size, const char *a, const char *b);

/* input_file.c: a file the user named ("-": stdin), under the input size cap; NUL-terminated. */
char *vxa_read_text_file(const char *path, size_t *len, vxa_error *err);
/* Why `ref` may not name a file from inside a document (NULL: it may; see input_file.c). */
const char *vxa_file_ref_problem(const char *ref);
/* The file `ref` names from inside document `doc` (a path; NULL refuses every reference):
 * confined to doc's folder, a regular file under the cap.  Messages name ref, never its bytes. */
char *vxa_read_ref_file(const char *doc, const char *ref, size_t *len, vxa_error *err);
/* Could `name` be a bundled profile's name ([A-Za-z0-9._-], not starting with '.')? */
bool vxa_bundled_name_ok(const char *name);
/* A case's "profile" string: a bundled name, or a file reference from document `doc`
 * (vxa_read_ref_file's rules).  *doc_out (may be NULL) gets the file's document. */
int vxa_profile_from_ref(const char *doc, const char *ref, vxa_profile *out, char **name_out,
                         cJSON **doc_out, vxa_error *err);

int vxa_profile_from_json(jctx *j, const cJSON *o, const char *path, vxa_profile *p);
/* Does buf start like a binary case ('V', version 1)? */
bool vxa_is_binary_case(const uint8_t *buf, size_t len);

#endif
