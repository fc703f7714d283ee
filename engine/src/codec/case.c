/* case.c — the case format (docs/formats.md): read with every error named, written canonically,
 * unknown keys kept for the round trip. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "codec_internal.h"

char *vxa_read_text_file(const char *path, size_t *len, vxa_error *err);

/* The reason written for a field marked assumed (vxa_set_assumed) without one. */
#define NO_REASON "filled in by convention (no reason recorded)"

void vxa_case_init(vxa_case *c)
{
    memset(c, 0, sizeof *c);
    vxa_profile_init(&c->profile);
    vxa_vmcs_init(&c->vmcs);
    vxa_entry_init(&c->entry);
}

void vxa_case_free(vxa_case *c)
{
    free(c->name);
    free(c->profile_name);
    for (size_t i = 0; i < c->nmemory; i++) free(c->memory[i].data);
    free(c->memory);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) free(c->assumed_why[f]);
    cJSON_Delete(c->json);
    cJSON_Delete(c->profile_json);
    memset(c, 0, sizeof *c);
}

int vxa_case_set_assumed(vxa_case *c, vxa_field f, uint64_t value, const char *why)
{
    if ((unsigned)f >= VXA_FIELD_COUNT) return -1;
    char *w = strdup(why ? why : "");
    if (!w) return -1;
    free(c->assumed_why[f]);
    c->assumed_why[f] = w;
    vxa_set_assumed(&c->vmcs, f, value);
    return 0;
}

const char *vxa_case_assumed_why(const vxa_case *c, vxa_field f)
{
    if (!vxa_is_assumed(&c->vmcs, f)) return NULL;
    return c->assumed_why[f] ? c->assumed_why[f] : NO_REASON;
}

static const char *field_candidate(unsigned i)
{
    const vxa_field_info *fi = vxa_field_get((vxa_field)i);
    return fi ? fi->name : NULL;
}

/* A vmcs key: canonical name (case-insensitive) or hex encoding; never a _HIGH access. */
static int field_key(jctx *j, const char *key, const char *path, vxa_field *f)
{
    uint64_t enc;
    if (key[0] == '0' && (key[1] == 'x' || key[1] == 'X')) {
        if (vxa_parse_u64(key, &enc) || enc > 0xffffffffu)
            return jerr(j, path, key, "'%s' is not a field encoding", key);
        if ((enc & 1) && ((enc >> 13) & 3) == 1)
            return jerr(j, path, key, "0x%llx is the high half of a 64-bit field: give the whole "
                        "field at 0x%llx", (unsigned long long)enc, (unsigned long long)(enc - 1));
        *f = vxa_field_by_encoding((uint32_t)enc);
        if (*f == VXA_F_NONE) return jerr(j, path, key, "no VMCS field has encoding %s", key);
        return 0;
    }
    *f = vxa_field_by_name(key);
    if (*f != VXA_F_NONE) return 0;
    size_t l = strlen(key);
    if (l > 5 && strcasecmp(key + l - 5, "_HIGH") == 0)
        return jerr(j, path, key, "'%s' names the high half of a 64-bit field: give the whole "
                    "field by its name without _HIGH", key);
    const char *s = jclosest(key, field_candidate, VXA_FIELD_COUNT);
    return jerr(j, path, key, "unknown VMCS field '%s'%s%s%s", key, s ? " (did you mean " : "",
                s ? s : "", s ? "?)" : "");
}

static int parse_vmcs(jctx *j, const cJSON *o, vxa_case *c)
{
    if (!cJSON_IsObject(o)) return jerr(j, "vmcs", "vmcs", "expected an object of field values");
    vxa_field next = (vxa_field)0;   /* cases usually list fields in catalogue order: try the
                                        field after the previous one before a full lookup */
    for (const cJSON *it = o->child; it; it = it->next) {
        char path[160];
        vxa_field f;
        uint64_t v;
        jpath(path, sizeof path, "vmcs", it->string);
        const vxa_field_info *guess = vxa_field_get(next);
        if (guess && strcasecmp(guess->name, it->string) == 0) f = next;
        else if (field_key(j, it->string, path, &f)) return -1;
        next = (vxa_field)(f + 1);
        if (vxa_is_set(&c->vmcs, f))
            return jerr(j, path, it->string, "duplicate key: field %s is given twice",
                        vxa_field_get(f)->name);
        if (jnum(j, it, path, &v)) return -1;
        if (v & ~vxa_field_mask(f))
            return jerr(j, path, it->string, "value 0x%llx is wider than the %s-bit field %s",
                        (unsigned long long)v,
                        vxa_field_get(f)->width == VXA_W16 ? "16" : "32", vxa_field_get(f)->name);
        vxa_set(&c->vmcs, f, v);
    }
    return 0;
}

/* `not_captured` (docs/formats.md): a list of fields, or "rest" (every field `vmcs` does not
 * give).  Read after `vmcs`: a field in both is an error. */
static int parse_not_captured(jctx *j, const cJSON *a, vxa_case *c)
{
    if (cJSON_IsString(a) && strcmp(a->valuestring, "rest") == 0) {
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            if (!vxa_is_set(&c->vmcs, (vxa_field)f)) vxa_set_not_captured(&c->vmcs, (vxa_field)f);
        return 0;
    }
    if (!cJSON_IsArray(a))
        return jerr(j, "not_captured", "not_captured", "expected an array of field names or \"rest\"");
    unsigned i = 0;
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        char path[160];
        vxa_field f;
        snprintf(path, sizeof path, "not_captured[%u]", i);
        if (!cJSON_IsString(it)) return jerr(j, path, "not_captured", "expected a field name");
        if (field_key(j, it->valuestring, path, &f)) return -1;
        const char *name = vxa_field_get(f)->name;
        if (vxa_is_set(&c->vmcs, f))
            return jerr(j, path, "not_captured", "field %s is both in vmcs and not_captured: a "
                        "field either has a value or was not captured", name);
        if (vxa_is_not_captured(&c->vmcs, f))
            return jerr(j, path, "not_captured", "duplicate: field %s is listed twice", name);
        vxa_set_not_captured(&c->vmcs, f);
    }
    return 0;
}

/* `assumed`: { FIELD: "why" } for fields `vmcs` gives a value filled in by convention. */
static int parse_assumed(jctx *j, const cJSON *o, vxa_case *c)
{
    if (!cJSON_IsObject(o))
        return jerr(j, "assumed", "assumed", "expected an object { FIELD: \"why the value was filled in\" }");
    if (jnodup(j, o, "assumed", true)) return -1;
    for (const cJSON *it = o->child; it; it = it->next) {
        char path[160];
        vxa_field f;
        jpath(path, sizeof path, "assumed", it->string);
        if (field_key(j, it->string, path, &f)) return -1;
        const char *name = vxa_field_get(f)->name;
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return jerr(j, path, it->string, "expected the reason the value of %s was filled in "
                        "(a non-empty string)", name);
        if (!vxa_is_set(&c->vmcs, f))
            return jerr(j, path, it->string, "field %s is assumed but vmcs gives it no value%s",
                        name, vxa_is_not_captured(&c->vmcs, f) ? " (it is not_captured)" : "");
        if (vxa_case_set_assumed(c, f, vxa_get(&c->vmcs, f), it->valuestring))
            return jerr(j, path, it->string, "out of memory");
    }
    return 0;
}

static const char *const entry_keys[] = { "instruction", "launch_state", "current_vmcs",
    "current_vmcs_shadow", "host_ia32e", "mode", "vmx_operation", "vmx_non_root", "movss_blocking", "cpl", "smm",
    "current_vmcs_address", "vmxon_address", "feature_control", "cr0", "cr4", NULL };
static const char *const instr_names[] = { "vmlaunch", "vmresume", "vmxon" };
static const char *const mode_names[] = { "64bit", "compat", "protected", "real", "v86" };

static int pick(jctx *j, const cJSON *it, const char *path, const char *const *names, unsigned n,
                uint8_t *out)
{
    if (cJSON_IsString(it))
        for (unsigned i = 0; i < n; i++)
            if (strcasecmp(it->valuestring, names[i]) == 0) { *out = (uint8_t)i; return 0; }
    char list[200] = "";
    for (unsigned i = 0; i < n; i++) {
        strcat(list, names[i]);
        if (i + 1 < n) strcat(list, ", ");
    }
    return jerr(j, path, it->string, "expected one of: %s", list);
}

static int parse_entry(jctx *j, const cJSON *o, vxa_entry *e)
{
    if (!cJSON_IsObject(o)) return jerr(j, "entry", "entry", "expected an object");
    if (jnodup(j, o, "entry", false) || jknown(j, o, "entry", entry_keys)) return -1;
    for (const cJSON *it = o->child; it; it = it->next) {
        char path[160];
        const char *k = it->string;
        uint64_t v;
        snprintf(path, sizeof path, "entry.%s", k);
        int rc = 0;
        if (!strcmp(k, "instruction")) rc = pick(j, it, path, instr_names, 3, &e->instruction);
        else if (!strcmp(k, "mode")) rc = pick(j, it, path, mode_names, 5, &e->mode);
        else if (!strcmp(k, "launch_state")) {
            static const char *const ls[] = { "clear", "launched" };
            uint8_t x = 0;
            rc = pick(j, it, path, ls, 2, &x);
            e->launched = x == 1;
        } else if (!strcmp(k, "current_vmcs")) rc = jbool(j, it, path, &e->current_vmcs);
        else if (!strcmp(k, "current_vmcs_shadow")) rc = jbool(j, it, path, &e->current_vmcs_shadow);
        else if (!strcmp(k, "host_ia32e")) {
            rc = jbool(j, it, path, &e->host_ia32e);
            if (!rc && !e->host_ia32e && e->mode == VXA_MODE_64BIT) e->mode = VXA_MODE_PROTECTED;
        } else if (!strcmp(k, "vmx_operation")) rc = jbool(j, it, path, &e->vmx_operation);
        else if (!strcmp(k, "vmx_non_root")) rc = jbool(j, it, path, &e->vmx_non_root);
        else if (!strcmp(k, "movss_blocking")) rc = jbool(j, it, path, &e->movss_blocking);
        else if (!strcmp(k, "smm")) rc = jbool(j, it, path, &e->smm);
        else if (!strcmp(k, "cpl")) {
            rc = jnum(j, it, path, &v);
            if (!rc && v > 3) rc = jerr(j, path, k, "CPL must be 0..3");
            e->cpl = (uint8_t)v;
        } else if (!strcmp(k, "current_vmcs_address")) {
            rc = jnum(j, it, path, &e->current_vmcs_address);
            e->has_current_vmcs_address = true;
        } else if (!strcmp(k, "vmxon_address")) {
            rc = jnum(j, it, path, &e->vmxon_address);
            e->has_vmxon_address = true;
        } else if (!strcmp(k, "feature_control")) rc = jnum(j, it, path, &e->feature_control);
        else if (!strcmp(k, "cr0")) rc = jnum(j, it, path, &e->cr0);
        else if (!strcmp(k, "cr4")) rc = jnum(j, it, path, &e->cr4);
        if (rc) return -1;
    }
    /* VMXON is executed outside VMX operation unless the case says otherwise. */
    if (e->instruction == VXA_VMXON && !cJSON_GetObjectItemCaseSensitive(o, "vmx_operation"))
        e->vmx_operation = false;
    /* The mode follows host_ia32e unless given. */
    if (!cJSON_GetObjectItemCaseSensitive(o, "mode") && !e->host_ia32e) e->mode = VXA_MODE_PROTECTED;
    return 0;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int parse_memory(jctx *j, const cJSON *a, vxa_case *c)
{
    if (!cJSON_IsArray(a)) return jerr(j, "memory", "memory", "expected an array of {address, data}");
    size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
    c->memory = calloc(n ? n : 1, sizeof *c->memory);
    static const char *const keys[] = { "address", "data", "comment", NULL };
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        char path[160];
        snprintf(path, sizeof path, "memory[%zu]", i);
        if (!cJSON_IsObject(it)) return jerr(j, path, NULL, "expected an object {address, data}");
        if (jnodup(j, it, path, false) || jknown(j, it, path, keys)) return -1;
        const cJSON *ad = cJSON_GetObjectItemCaseSensitive(it, "address");
        const cJSON *da = cJSON_GetObjectItemCaseSensitive(it, "data");
        char sub[200];
        snprintf(sub, sizeof sub, "%s.address", path);
        if (!ad) return jerr(j, sub, NULL, "missing address");
        vxa_blob *b = &c->memory[c->nmemory];
        if (jnum(j, ad, sub, &b->address)) return -1;
        snprintf(sub, sizeof sub, "%s.data", path);
        if (!cJSON_IsString(da)) return jerr(j, sub, "data", "expected a hex byte string");
        const char *s = da->valuestring;
        size_t l = strlen(s);
        if (l % 2) return jerr(j, sub, "data", "odd number of hex digits");
        if (l / 2 > 0x1000000) return jerr(j, sub, "data", "blob larger than 16 MiB");
        b->data = malloc(l / 2 + 1);
        b->length = (uint32_t)(l / 2);
        c->nmemory++;
        for (size_t k = 0; k < l; k += 2) {
            int hi = hexval(s[k]), lo = hexval(s[k + 1]);
            if (hi < 0 || lo < 0)
                return jerr(j, sub, "data", "'%c%c' at offset %zu is not a hex byte", s[k], s[k + 1], k);
            b->data[k / 2] = (uint8_t)(hi << 4 | lo);
        }
        if (b->address + b->length < b->address)
            return jerr(j, sub, "data", "blob wraps around the address space");
    }
    return 0;
}

static const char *const expect_keys[] = { "result", "error", "exit_reason", "qualification",
                                           "vector", "fields", NULL };

static int num_set(jctx *j, const cJSON *it, const char *path, uint32_t *vals, uint8_t *n,
                   uint64_t max)
{
    const cJSON *one = it;
    bool arr = cJSON_IsArray(it);
    if (arr) one = it->child;
    *n = 0;
    for (; one; one = arr ? one->next : NULL) {
        uint64_t v;
        if (jnum(j, one, path, &v)) return -1;
        if (v > max) return jerr(j, path, it->string, "value %llu out of range", (unsigned long long)v);
        if (*n >= VXA_MAX_SET) return jerr(j, path, it->string, "more than %d values", VXA_MAX_SET);
        vals[(*n)++] = (uint32_t)v;
    }
    return 0;
}

static int parse_expect(jctx *j, const cJSON *o, const char *path, vxa_expect *x)
{
    if (!cJSON_IsObject(o)) return jerr(j, path, NULL, "expected an object");
    if (jnodup(j, o, path, false) || jknown(j, o, path, expect_keys)) return -1;
    memset(x, 0, sizeof *x);
    x->present = true;
    char sub[200];
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, "result");
    snprintf(sub, sizeof sub, "%s.result", path);
    static const char *const results[] = { "entered", "vmfail_invalid", "vmfail_valid",
                                           "entry_failure", "fault" };
    if (!it) return jerr(j, sub, NULL, "missing result");
    if (pick(j, it, sub, results, 5, &x->outcome.result)) return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "error"))) {
        uint32_t v[VXA_MAX_SET];
        snprintf(sub, sizeof sub, "%s.error", path);
        if (num_set(j, it, sub, v, &x->outcome.nerror, 255)) return -1;
        for (unsigned i = 0; i < x->outcome.nerror; i++) x->outcome.error[i] = (uint8_t)v[i];
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "exit_reason"))) {
        uint64_t v;
        snprintf(sub, sizeof sub, "%s.exit_reason", path);
        if (jnum(j, it, sub, &v)) return -1;
        if (v > 0xffff) return jerr(j, sub, "exit_reason", "exit reason out of range (give it without bit 31)");
        x->outcome.exit_reason = (uint8_t)v;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "qualification"))) {
        snprintf(sub, sizeof sub, "%s.qualification", path);
        if (num_set(j, it, sub, x->outcome.qual, &x->outcome.nqual, 0xffffffffu)) return -1;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "vector"))) {
        uint64_t v;
        snprintf(sub, sizeof sub, "%s.vector", path);
        if (jnum(j, it, sub, &v)) return -1;
        if (v > 255) return jerr(j, sub, "vector", "vector out of range");
        x->outcome.vector = (uint8_t)v;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(o, "fields"))) {
        snprintf(sub, sizeof sub, "%s.fields", path);
        if (!cJSON_IsArray(it)) return jerr(j, sub, "fields", "expected an array of field names");
        for (const cJSON *f = it->child; f; f = f->next) {
            vxa_field fld;
            if (!cJSON_IsString(f)) return jerr(j, sub, "fields", "expected field names");
            if (field_key(j, f->valuestring, sub, &fld)) return -1;
            if (x->nfields < VXA_EXPECT_FIELDS) x->fields[x->nfields++] = (uint16_t)fld;
        }
    }
    return 0;
}

static const char *const top_keys_order[] = { "vmxaudit", "name", "profile", "entry", "vmcs",
                                              "not_captured", "assumed", "memory", "expect",
                                              "expect_by_model", NULL };

/* Reads the case from doc, which c then owns (its unknown keys are kept for the writer). */
static int case_from_doc(jctx *jc, cJSON *doc, vxa_case *c)
{
    jctx j = *jc;
    c->json = doc;
    if (!cJSON_IsObject(doc)) return jerr(&j, "", NULL, "a case must be a JSON object");
    if (jnodup(&j, doc, "", false)) return -1;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(doc, "vmxaudit");
    if (it) {
        uint64_t v;
        if (jnum(&j, it, "vmxaudit", &v)) return -1;
        if (v != 1) return jerr(&j, "vmxaudit", "vmxaudit", "unsupported case format version %llu "
                                "(this vmxaudit reads version 1)", (unsigned long long)v);
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "name"))) {
        if (!cJSON_IsString(it)) return jerr(&j, "name", "name", "expected a string");
        c->name = strdup(it->valuestring);
    }
    it = cJSON_GetObjectItemCaseSensitive(doc, "profile");
    if (!it) return jerr(&j, "profile", NULL, "missing profile (a bundled profile's name or an object)");
    if (cJSON_IsString(it)) {
        /* a bundled name, or a file in the case's own folder (inlined: the case then stands
         * alone wherever it is written) */
        vxa_error perr;
        cJSON *pdoc = NULL;
        char *pname = NULL;
        if (vxa_profile_from_ref(j.doc, it->valuestring, &c->profile, &pname, &pdoc, &perr)) {
            if (vxa_profile_is_path(it->valuestring))
                return jerr(&j, "profile", "profile", "%s", perr.message);
            return jerr(&j, "profile", "profile", "cannot load profile '%.200s': %s", it->valuestring,
                        perr.message);
        }
        free(c->profile_name);
        if (pdoc) {
            c->profile_json = pdoc;
            c->profile_name = pname;
        } else {
            free(pname);
            c->profile_name = strdup(it->valuestring);
        }
    } else if (cJSON_IsObject(it)) {
        if (vxa_profile_from_json(&j, it, "profile", &c->profile)) return -1;
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
        c->profile_name = strdup(cJSON_IsString(n) ? n->valuestring : "(inline)");
        c->profile_json = cJSON_Duplicate(it, 1);
    } else {
        return jerr(&j, "profile", "profile", "expected a bundled profile's name or a profile object");
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "entry")) && parse_entry(&j, it, &c->entry))
        return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "vmcs")) && parse_vmcs(&j, it, c)) return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "not_captured")) && parse_not_captured(&j, it, c))
        return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "assumed")) && parse_assumed(&j, it, c)) return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "memory")) && parse_memory(&j, it, c)) return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "expect")) &&
        parse_expect(&j, it, "expect", &c->expect))
        return -1;
    if ((it = cJSON_GetObjectItemCaseSensitive(doc, "expect_by_model"))) {
        if (!cJSON_IsObject(it)) return jerr(&j, "expect_by_model", "expect_by_model", "expected an object");
        if (jnodup(&j, it, "expect_by_model", false)) return -1;
        for (const cJSON *m = it->child; m; m = m->next) {
            char path[160];
            snprintf(path, sizeof path, "expect_by_model.%s", m->string);
            vxa_model model = vxa_model_by_name(m->string);
            if (model == VXA_MODEL_COUNT)
                return jerr(&j, path, m->string, "unknown model '%s' (sdm, bochs-2.7)", m->string);
            if (parse_expect(&j, m, path, &c->expect_by_model[model])) return -1;
        }
    }
    if (c->expect.present && !c->expect_by_model[VXA_MODEL_SDM].present)
        c->expect_by_model[VXA_MODEL_SDM] = c->expect;
    return 0;
}

int vxa_case_parse(const char *text, size_t len, const char *filename, vxa_case *c, vxa_error *err)
{
    jctx j = { text, len, filename, err, NULL };
    vxa_case_init(c);
    cJSON *doc = jparse(&j);
    return doc ? case_from_doc(&j, doc, c) : -1;
}

int vxa_case_from_tree(const cJSON *doc, const char *filename, vxa_case *c, vxa_error *err)
{
    jctx j = { NULL, 0, filename, err, NULL };
    vxa_case_init(c);
    cJSON *copy = cJSON_Duplicate(doc, 1);
    return copy ? case_from_doc(&j, copy, c) : jerr(&j, "", NULL, "no case document");
}

int vxa_case_load(const char *path, vxa_case *c, vxa_error *err)
{
    size_t len;
    char *text = vxa_read_text_file(path, &len, err);
    if (!text) { vxa_case_init(c); return -1; }
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    jctx j = { text, len, name, err, strcmp(path, "-") ? path : NULL };
    int rc;
    if (vxa_is_binary_case((const uint8_t *)text, len)) {
        rc = vxa_case_from_binary((const uint8_t *)text, len, name, c, err);
    } else {
        vxa_case_init(c);
        cJSON *doc = jparse(&j);
        rc = doc ? case_from_doc(&j, doc, c) : -1;
    }
    free(text);
    return rc;
}

/* ---- writing ---- */

static cJSON *set_or_num(const uint32_t *v, unsigned n)
{
    if (n == 1) return cJSON_CreateNumber(v[0]);
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

static cJSON *expect_json(const vxa_expect *x)
{
    cJSON *o = cJSON_CreateObject();
    const vxa_outcome *r = &x->outcome;
    cJSON_AddStringToObject(o, "result", vxa_result_name((vxa_result)r->result));
    if (r->nerror) {
        uint32_t e[VXA_MAX_SET];
        for (unsigned i = 0; i < r->nerror; i++) e[i] = r->error[i];
        cJSON_AddItemToObject(o, "error", set_or_num(e, r->nerror));
    }
    if (r->result == VXA_ENTRY_FAILURE) cJSON_AddNumberToObject(o, "exit_reason", r->exit_reason);
    if (r->nqual) cJSON_AddItemToObject(o, "qualification", set_or_num(r->qual, r->nqual));
    if (r->result == VXA_FAULT) cJSON_AddNumberToObject(o, "vector", r->vector);
    if (x->nfields) {
        cJSON *a = cJSON_AddArrayToObject(o, "fields");
        for (unsigned i = 0; i < x->nfields; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(vxa_field_get((vxa_field)x->fields[i])->name));
    }
    return o;
}

cJSON *vxa_outcome_to_tree(const vxa_outcome *o)
{
    vxa_expect x;
    memset(&x, 0, sizeof x);
    x.present = true;
    x.outcome = *o;
    return expect_json(&x);
}

static cJSON *entry_json(const vxa_entry *e)
{
    vxa_entry d;
    vxa_entry_init(&d);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "instruction", instr_names[e->instruction % 3]);
    cJSON_AddStringToObject(o, "launch_state", e->launched ? "launched" : "clear");
    cJSON_AddBoolToObject(o, "current_vmcs", e->current_vmcs);
    if (e->current_vmcs_shadow) cJSON_AddBoolToObject(o, "current_vmcs_shadow", true);
    cJSON_AddBoolToObject(o, "host_ia32e", e->host_ia32e);
    if (e->mode != (e->host_ia32e ? VXA_MODE_64BIT : VXA_MODE_PROTECTED))
        cJSON_AddStringToObject(o, "mode", mode_names[e->mode % 5]);
    /* always for VMXON: the reader assumes "outside VMX operation" there */
    if (e->vmx_operation != d.vmx_operation || e->instruction == VXA_VMXON)
        cJSON_AddBoolToObject(o, "vmx_operation", e->vmx_operation);
    if (e->vmx_non_root) cJSON_AddBoolToObject(o, "vmx_non_root", true);
    cJSON_AddBoolToObject(o, "movss_blocking", e->movss_blocking);
    cJSON_AddNumberToObject(o, "cpl", e->cpl);
    if (e->smm) cJSON_AddBoolToObject(o, "smm", true);
    if (e->has_current_vmcs_address)
        cJSON_AddItemToObject(o, "current_vmcs_address", jhexitem(e->current_vmcs_address));
    if (e->has_vmxon_address) cJSON_AddItemToObject(o, "vmxon_address", jhexitem(e->vmxon_address));
    if (e->feature_control != d.feature_control)
        cJSON_AddItemToObject(o, "feature_control", jhexitem(e->feature_control));
    if (e->cr0 != d.cr0) cJSON_AddItemToObject(o, "cr0", jhexitem(e->cr0));
    if (e->cr4 != d.cr4) cJSON_AddItemToObject(o, "cr4", jhexitem(e->cr4));
    return o;
}

cJSON *vxa_case_to_tree(const vxa_case *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "vmxaudit", 1);
    if (c->name) cJSON_AddStringToObject(o, "name", c->name);
    if (c->profile_json) cJSON_AddItemToObject(o, "profile", cJSON_Duplicate(c->profile_json, 1));
    else cJSON_AddStringToObject(o, "profile", c->profile_name ? c->profile_name : "");
    cJSON_AddItemToObject(o, "entry", entry_json(&c->entry));
    cJSON *v = cJSON_AddObjectToObject(o, "vmcs");
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_is_set(&c->vmcs, (vxa_field)f))
            cJSON_AddItemToObject(v, vxa_field_get((vxa_field)f)->name, jhexitem(c->vmcs.value[f]));
    /* not_captured: "rest" when every field not given is not captured, else the list */
    unsigned nnc = 0, nunset = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        nunset += !vxa_is_set(&c->vmcs, (vxa_field)f);
        nnc += vxa_is_not_captured(&c->vmcs, (vxa_field)f);
    }
    if (nnc && nnc == nunset) cJSON_AddStringToObject(o, "not_captured", "rest");
    else if (nnc) {
        cJSON *a = cJSON_AddArrayToObject(o, "not_captured");
        for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
            if (vxa_is_not_captured(&c->vmcs, (vxa_field)f))
                cJSON_AddItemToArray(a, cJSON_CreateString(vxa_field_get((vxa_field)f)->name));
    }
    cJSON *as = NULL;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_is_assumed(&c->vmcs, (vxa_field)f)) {
            if (!as) as = cJSON_AddObjectToObject(o, "assumed");
            cJSON_AddStringToObject(as, vxa_field_get((vxa_field)f)->name,
                                    vxa_case_assumed_why(c, (vxa_field)f));
        }
    if (c->nmemory) {
        cJSON *m = cJSON_AddArrayToObject(o, "memory");
        for (size_t i = 0; i < c->nmemory; i++) {
            cJSON *b = cJSON_CreateObject();
            char *hex = malloc(c->memory[i].length * 2 + 1);
            for (uint32_t k = 0; k < c->memory[i].length; k++)
                sprintf(hex + 2 * k, "%02x", c->memory[i].data[k]);
            hex[c->memory[i].length * 2] = 0;
            cJSON_AddItemToObject(b, "address", jhexitem(c->memory[i].address));
            cJSON_AddStringToObject(b, "data", hex);
            free(hex);
            cJSON_AddItemToArray(m, b);
        }
    }
    if (c->expect.present) cJSON_AddItemToObject(o, "expect", expect_json(&c->expect));
    bool any = false;
    for (unsigned m = 1; m < VXA_MODEL_COUNT; m++) any |= c->expect_by_model[m].present;
    if (any) {
        cJSON *bm = cJSON_AddObjectToObject(o, "expect_by_model");
        for (unsigned m = 1; m < VXA_MODEL_COUNT; m++)
            if (c->expect_by_model[m].present)
                cJSON_AddItemToObject(bm, vxa_model_name((vxa_model)m), expect_json(&c->expect_by_model[m]));
    }
    /* Unknown keys (annotations, observed, origin, ...) are kept as they were. */
    if (c->json && cJSON_IsObject((cJSON *)c->json))
        for (const cJSON *it = ((cJSON *)c->json)->child; it; it = it->next) {
            bool known = false;
            for (const char *const *k = top_keys_order; *k; k++) known |= !strcmp(*k, it->string);
            if (!known) cJSON_AddItemToObject(o, it->string, cJSON_Duplicate(it, 1));
        }
    return o;
}

char *vxa_case_to_json(const vxa_case *c)
{
    cJSON *o = vxa_case_to_tree(c);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

static int blob_read(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    const vxa_case *c = ctx;
    uint8_t *out = buf;
    memset(out, 0, len);
    for (size_t i = 0; i < c->nmemory; i++) {   /* later blobs win where they overlap */
        const vxa_blob *b = &c->memory[i];
        uint64_t lo = pa > b->address ? pa : b->address;
        uint64_t hi = pa + len < b->address + b->length ? pa + len : b->address + b->length;
        for (uint64_t a = lo; a < hi; a++) out[a - pa] = b->data[a - b->address];
    }
    return 0;
}

vxa_memory vxa_case_memory(const vxa_case *c)
{
    vxa_memory m = { blob_read, (void *)c };
    return m;
}
