/* codec.h — the hosted side of libvmxaudit: JSON cases, profiles and reports (docs/formats.md),
 * read and written with cJSON, and the report as text.  Needs libc; the check engine
 * (vmxaudit.h) does not.
 *
 * Each JSON document has one writer and one reader here, on cJSON trees (struct cJSON of
 * <cjson/cJSON.h>); the string forms are the trees printed and parsed.  A program that adds
 * keys to a document works on the tree (vxa_*_to_tree, then cJSON_Print) instead of printing
 * and parsing the text again.  Trees returned are the caller's (cJSON_Delete). */
#ifndef VMXAUDIT_CODEC_H
#define VMXAUDIT_CODEC_H

#include <stdio.h>
#include "vmxaudit/vmxaudit.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

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
    char *assumed_why[VXA_FIELD_COUNT];   /* `assumed`: why field f's value was filled in (owned) */
} vxa_case;

VXA_API void vxa_case_init(vxa_case *c);
VXA_API void vxa_case_free(vxa_case *c);
/* Fills in field f by a documented convention (vxa_set_assumed on c->vmcs) and keeps why (copied;
 * written as the case's `assumed` key).  0, or -1 when f is not a field or out of memory. */
VXA_API int vxa_case_set_assumed(vxa_case *c, vxa_field f, uint64_t value, const char *why);
/* Why f is assumed: the reason given, or NULL when f is not assumed. */
VXA_API const char *vxa_case_assumed_why(const vxa_case *c, vxa_field f);
/* Parse a case from text (filename is for messages).  0 on success, else fills *err and *out
 * holds nothing (vxa_case_free on it is harmless). */
VXA_API int vxa_case_parse(const char *text, size_t len, const char *filename, vxa_case *out,
                           vxa_error *err);
/* The same from a parsed document (copied: the caller keeps doc).  Errors have no line. */
VXA_API int vxa_case_from_tree(const struct cJSON *doc, const char *filename, vxa_case *out,
                               vxa_error *err);
/* A binary case (vmxaudit/binary.h) as a case: the profile normalised (vxa_profile_normalize)
 * and inline, named after the file (filename may be NULL).  0, or -1 with *err filled. */
VXA_API int vxa_case_from_binary(const uint8_t *buf, size_t len, const char *filename,
                                 vxa_case *out, vxa_error *err);
/* Load a case: a path, or "-" for stdin; JSON, or binary (it starts with 'V', 1). */
VXA_API int vxa_case_load(const char *path, vxa_case *out, vxa_error *err);
/* The case as canonical JSON: fields by canonical name, hex values, unknown keys kept.  The
 * tree, or the text (malloc'd, caller frees). */
VXA_API struct cJSON *vxa_case_to_tree(const vxa_case *c);
VXA_API char *vxa_case_to_json(const vxa_case *c);
/* An outcome in the shape of a case's `expect` (a set of one value as a number): what an
 * oracle observed, in a regression case's `observed`. */
VXA_API struct cJSON *vxa_outcome_to_tree(const vxa_outcome *o);
/* Sets the case's profile: a bundled name stays a reference by name; a file (a path, "-") is
 * inlined as its document, every key kept, so the case stands alone.  0, or -1 and *err. */
VXA_API int vxa_case_set_profile(vxa_case *c, const char *name_or_path, vxa_error *err);
/* A memory reader over the case's blobs (everything else reads as zero). */
VXA_API vxa_memory vxa_case_memory(const vxa_case *c);

/* Profiles: parse a profile object / load by bundled name or path.  The profile read is
 * normalised (vxa_profile_normalize). */
VXA_API int vxa_profile_parse(const char *text, size_t len, const char *filename, vxa_profile *out,
                              char **name_out, vxa_error *err);
VXA_API int vxa_profile_from_tree(const struct cJSON *o, const char *filename, vxa_profile *out,
                                  char **name_out, vxa_error *err);
VXA_API int vxa_profile_load(const char *name_or_path, vxa_profile *out, char **name_out,
                             vxa_error *err);
/* The same, and the profile document as read, every key kept ("cpu", "source", provenance): the
 * caller's tree (cJSON_Delete); NULL with *err filled. */
VXA_API struct cJSON *vxa_profile_load_tree(const char *name_or_path, vxa_profile *out, vxa_error *err);
/* Does the argument name a profile file (a path, "x.json", "-") rather than a bundled profile? */
VXA_API bool vxa_profile_is_path(const char *name_or_path);
/* What a profile document says besides the capabilities (each may be NULL: key left out). */
typedef struct vxa_profile_about { const char *name, *cpu, *source; } vxa_profile_about;
/* The profile document: name, cpu, source, the captured MSRs, maxphyaddr unless defaulted,
 * linear_address_width, and the CPUID features the profile states. */
VXA_API struct cJSON *vxa_profile_to_tree(const vxa_profile *p, const vxa_profile_about *about);
VXA_API char *vxa_profile_to_json(const vxa_profile *p, const vxa_profile_about *about);
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

/* The largest input the codec reads (a case, a profile, a dump; default
 * VXA_INPUT_LIMIT_DEFAULT bytes): a bigger one is an error that says so.  0 restores the
 * default.  Process-wide; set it before reading. */
#define VXA_INPUT_LIMIT_DEFAULT ((size_t)32 << 20)
VXA_API void vxa_set_input_limit(size_t bytes);
VXA_API size_t vxa_input_limit(void);

/* Parse a hex ("0x1f"), decimal ("31") string or JSON integer value. */
VXA_API int vxa_parse_u64(const char *s, uint64_t *out);

/* What the CPU actually reported, for a post-mortem (`vmxaudit check --observed`). */
typedef struct vxa_observed {
    bool present;
    unsigned what;          /* 7 or 8: VM-instruction error; 33, 34: VM-entry failure exit reason */
    bool has_qual;
    uint32_t qual;          /* exit qualification (33: 0/2/3/4; 34: 1-based MSR-load entry) */
} vxa_observed;
/* Is violation v one the CPU could have reported as o (its class, and the qualification)? */
VXA_API bool vxa_observed_consistent(const vxa_observed *o, const vxa_violation *v);

/* The version key of the report ("schema"): its JSON Schema is docs/schemas/report.schema.json,
 * installed in share/vmxaudit/schemas.  A new version adds keys or changes one; readers check it. */
#define VXA_SCHEMA_REPORT "vmxaudit-report-1"

/* Reports (docs/formats.md) of an audit of layout v (may be NULL).  With an observation (obs
 * non-NULL and present) the report adds "observed" and marks each violation "consistent" with
 * it. */
VXA_API struct cJSON *vxa_report_to_tree(const vxa_report *r, const vxa_vmcs *v,
                                         const vxa_observed *obs);
VXA_API char *vxa_report_to_json(const vxa_report *r, const vxa_vmcs *v);
/* Adds the root cause (vxa_root_cause_find of the same audit) to a report tree: "root_cause"
 * (the set's fields from -> to, whether it is the smallest, the alternatives) and, on each
 * violation, "consequence" (true: a rule on another field that the set's change satisfies). */
VXA_API void vxa_report_add_root_cause(struct cJSON *doc, const vxa_report *r, const vxa_vmcs *v,
                                       const vxa_root_cause *rc);
VXA_API void vxa_outcome_to_text(const vxa_outcome *o, char *buf, size_t size);
/* Why an undetermined rule is undetermined (vxa_undet_reason), in words. */
VXA_API const char *vxa_undet_text(unsigned reason);

/* The report for people: the prediction, the violations grouped by class with their fields,
 * offending bits by name, allowed values and fixes, the undetermined rules, the VMWRITEs that
 * fail and the repair as VMWRITEs to paste.  c gives the names, the profile and the memory for
 * the repair; obs (may be NULL) sorts the violations into culprits and the others.  When the
 * violations share a cause, the report leads with the root cause (vxa_root_cause_find), then
 * the violations about its fields, then the rest as its consequences. */
#define VXA_TEXT_COLOUR 1u   /* ANSI colours (for a terminal) */
#define VXA_TEXT_QUIET 2u    /* the prediction line only */
VXA_API void vxa_report_print(FILE *out, const vxa_case *c, const vxa_report *r, vxa_model model,
                              const vxa_observed *obs, unsigned flags);

/* Bit names, for reports and profile decoding.  A control word's bits are named by
 * vxa_control_find() (controls.def); those of CR0, CR4, EFER, RFLAGS and of segment access
 * rights (SDM 25.4.1) here. */
/* The name of bit b of a value of kind k (access rights, CR0, CR4, EFER, RFLAGS); NULL for other
 * kinds and unnamed bits. */
VXA_API const char *vxa_register_bitname(vxa_value_kind k, unsigned bit);
/* The name of bit b of field f by its value kind ("VMXE", "Enable EPT", "reserved, default 1",
 * "reserved"), or NULL. */
VXA_API const char *vxa_field_bitname(vxa_field f, unsigned b);
/* "13 (VMXE), 5 (PAE)": the bits of mask, named for the field's value kind. */
VXA_API void vxa_field_bits_text(char *buf, size_t n, vxa_field f, uint64_t mask);

#ifdef __cplusplus
}
#endif
#endif
