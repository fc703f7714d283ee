/* codec.h — the hosted side of libvmxaudit: JSON cases, profiles and reports (design §4),
 * read and written with cJSON.  Needs libc; the check engine (vmxaudit.h) does not. */
#ifndef VMXAUDIT_CODEC_H
#define VMXAUDIT_CODEC_H

#include <stdio.h>
#include "vmxaudit/vmxaudit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An input error: the file, the JSON path ("vmcs.GUEST_CR0", "memory[2].data"), the position
 * (line/column of a syntax error, or the line where the key stands; 0 = unknown) and a message. */
typedef struct vxa_error {
    char file[256];
    char path[160];
    int line, column;
    char message[512];
} vxa_error;
/* "FILE:LINE:COL: PATH: MESSAGE" */
VXA_API void vxa_error_format(const vxa_error *e, char *buf, size_t size);

typedef struct vxa_blob { uint64_t address; uint32_t length; uint8_t *data; } vxa_blob;

#define VXA_EXPECT_FIELDS 8
typedef struct vxa_expect {
    bool present;
    vxa_outcome outcome;
    uint8_t nfields;
    uint16_t fields[VXA_EXPECT_FIELDS];   /* vxa_field the first violation must name */
} vxa_expect;

typedef struct vxa_case {
    char *name;                  /* may be NULL */
    char *profile_name;          /* the profile's "name" */
    vxa_profile profile;
    vxa_vmcs vmcs;
    vxa_entry entry;
    vxa_blob *memory;
    size_t nmemory;
    vxa_expect expect;                         /* model sdm */
    vxa_expect expect_by_model[VXA_MODEL_COUNT];
    void *json;                  /* the document as read (cJSON *), for unknown keys; or NULL */
    void *profile_json;          /* the profile object (cJSON *), owned */
} vxa_case;

VXA_API void vxa_case_init(vxa_case *c);
VXA_API void vxa_case_free(vxa_case *c);
/* Parse a case from text (filename is for messages).  0 on success, else fills *err. */
VXA_API int vxa_case_parse(const char *text, size_t len, const char *filename, vxa_case *out,
                           vxa_error *err);
/* Load a case: a path, or "-" for stdin. */
VXA_API int vxa_case_load(const char *path, vxa_case *out, vxa_error *err);
/* The case as canonical JSON (malloc'd, caller frees): fields by canonical name, hex values,
 * unknown keys kept. */
VXA_API char *vxa_case_to_json(const vxa_case *c);
/* A memory reader over the case's blobs (everything else reads as zero). */
VXA_API vxa_memory vxa_case_memory(const vxa_case *c);

/* Profiles: parse a profile object / load by bundled name or path. */
VXA_API int vxa_profile_parse(const char *text, size_t len, const char *filename, vxa_profile *out,
                              char **name_out, vxa_error *err);
VXA_API int vxa_profile_load(const char *name_or_path, vxa_profile *out, char **name_out,
                             vxa_error *err);
/* The bundled data (profiles/, layouts/) is in the folder the caller names: an embedder's, or
 * the vmxaudit command's (next to its executable, ../share/vmxaudit).  Until one is set (or after
 * vxa_set_data_root(NULL)): $VMXAUDIT_CORPUS, else the data folder configured when the library
 * was built.  The library never looks in a source or build tree. */
VXA_API void vxa_set_data_root(const char *dir);
/* The folder in use: the one set, else the first of $VMXAUDIT_CORPUS and the configured folder
 * that exists; NULL if none does. */
VXA_API const char *vxa_data_root(void);
/* The full path of <root>/<sub>/<name>.json, or NULL. */
VXA_API char *vxa_corpus_find(const char *sub, const char *name);
/* The names of the bundled profiles (sorted, NULL-terminated; free with vxa_corpus_list_free). */
VXA_API char **vxa_corpus_list(const char *sub);
VXA_API void vxa_corpus_list_free(char **list);

/* Parse a hex ("0x1f"), decimal ("31") string or JSON integer value. */
VXA_API int vxa_parse_u64(const char *s, uint64_t *out);

/* Reports (design §4.3). */
VXA_API char *vxa_report_to_json(const vxa_report *r, const vxa_vmcs *v);
VXA_API void vxa_outcome_to_text(const vxa_outcome *o, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
