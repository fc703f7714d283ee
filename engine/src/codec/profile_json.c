/* profile_json.c — capability profiles in the project's JSON format (docs/formats.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "codec_internal.h"

static const char *msr_candidate(unsigned i) { return vxa_msr_name(i); }

/* An MSR key: hex index ("0x480") or name ("IA32_VMX_BASIC"). */
static int msr_slot(const char *key, unsigned *slot)
{
    uint64_t idx;
    if (vxa_parse_u64(key, &idx) == 0) {
        if (idx < 0x480 || idx >= 0x480 + VXA_MSR_COUNT) return -1;
        *slot = (unsigned)(idx - 0x480);
        return 0;
    }
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if (strcasecmp(key, vxa_msr_name(i)) == 0) { *slot = i; return 0; }
    return -1;
}

/* "pmu": { "core_types": [ { "cpuid_0a": [EAX, EBX, ECX, EDX], "perf_capabilities": V }, ... ] }:
 * one entry per core type (hybrid parts enumerate different counters per type); other keys
 * (provenance) are kept and ignored. */
static int pmu_from_json(jctx *j, const cJSON *pmu, const char *path, vxa_profile *p)
{
    char sub[200], tp[240], rp[260];
    snprintf(sub, sizeof sub, "%s%spmu", path, path[0] ? "." : "");
    if (!cJSON_IsObject(pmu)) return jerr(j, sub, "pmu", "expected an object with \"core_types\"");
    if (jnodup(j, pmu, sub, false)) return -1;
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(pmu, "core_types");
    snprintf(tp, sizeof tp, "%s.core_types", sub);
    int n = cJSON_GetArraySize(types);
    if (!cJSON_IsArray(types) || n < 1 || n > VXA_PMU_TYPES)
        return jerr(j, types ? tp : sub, types ? "core_types" : "pmu",
                    "\"core_types\" must be an array of 1 to %d core types", VXA_PMU_TYPES);
    unsigned t = 0;
    for (const cJSON *e = types->child; e; e = e->next, t++) {
        snprintf(tp, sizeof tp, "%s.core_types[%u]", sub, t);
        if (!cJSON_IsObject(e)) return jerr(j, tp, "core_types", "expected an object with \"cpuid_0a\"");
        if (jnodup(j, e, tp, false)) return -1;
        const cJSON *regs = cJSON_GetObjectItemCaseSensitive(e, "cpuid_0a");
        snprintf(rp, sizeof rp, "%s.cpuid_0a", tp);
        if (!cJSON_IsArray(regs) || cJSON_GetArraySize(regs) != 4)
            return jerr(j, regs ? rp : tp, regs ? "cpuid_0a" : "core_types",
                        "\"cpuid_0a\" must be the 4 registers EAX, EBX, ECX, EDX of CPUID leaf 0AH");
        unsigned r = 0;
        for (const cJSON *x = regs->child; x; x = x->next, r++) {
            uint64_t v;
            snprintf(rp, sizeof rp, "%s.cpuid_0a[%u]", tp, r);
            if (jnum(j, x, rp, &v)) {   /* an array item has no key: name the array's line */
                char msg[sizeof j->err->message];
                if (!j->err) return -1;
                snprintf(msg, sizeof msg, "%s", j->err->message);
                return jerr(j, rp, "cpuid_0a", "%s", msg);
            }
            if (v > 0xffffffffull)
                return jerr(j, rp, "cpuid_0a", "a CPUID register is 32 bits wide (0x%llx)", (unsigned long long)v);
            p->pmu_cpuid_0a[t][r] = (uint32_t)v;
        }
        const cJSON *caps = cJSON_GetObjectItemCaseSensitive(e, "perf_capabilities");
        if (caps) {
            snprintf(rp, sizeof rp, "%s.perf_capabilities", tp);
            if (jnum(j, caps, rp, &p->pmu_perf_caps[t])) return -1;
            p->pmu_perf_caps_known |= (uint8_t)(1u << t);
        }
    }
    p->pmu_types = (uint8_t)t;
    return 0;
}

int vxa_profile_from_json(jctx *j, const cJSON *o, const char *path, vxa_profile *p)
{
    char sub[160];
    vxa_profile_init(p);
    if (!cJSON_IsObject(o)) return jerr(j, path, NULL, "a profile must be a JSON object");
    if (jnodup(j, o, path, false)) return -1;
    const cJSON *msrs = cJSON_GetObjectItemCaseSensitive(o, "msrs");
    if (msrs) {
        snprintf(sub, sizeof sub, "%s%smsrs", path, path[0] ? "." : "");
        if (!cJSON_IsObject(msrs)) return jerr(j, sub, "msrs", "expected an object of MSR values");
        for (const cJSON *m = msrs->child; m; m = m->next) {
            unsigned slot;
            char mp[200];
            jpath(mp, sizeof mp, sub, m->string);
            if (msr_slot(m->string, &slot)) {
                const char *s = jclosest(m->string, msr_candidate, VXA_MSR_COUNT);
                return jerr(j, mp, m->string, "unknown VMX capability MSR '%s' (0x480-0x493 or a "
                            "name%s%s)", m->string, s ? "; did you mean " : "", s ? s : "");
            }
            if ((p->msr_present >> slot) & 1u)
                return jerr(j, mp, m->string, "MSR 0x%x given twice", 0x480 + slot);
            if (jnum(j, m, mp, &p->msr[slot])) return -1;
            p->msr_present |= 1u << slot;
        }
    }
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "maxphyaddr");
    if (w) {
        uint64_t v;
        snprintf(sub, sizeof sub, "%s%smaxphyaddr", path, path[0] ? "." : "");
        if (jnum(j, w, sub, &v)) return -1;
        if (v < 32 || v > 52) return jerr(j, sub, "maxphyaddr", "MAXPHYADDR %llu is outside 32..52",
                                          (unsigned long long)v);
        p->maxphyaddr = (uint8_t)v;
        p->maxphyaddr_default = false;
    }
    w = cJSON_GetObjectItemCaseSensitive(o, "linear_address_width");
    if (w) {
        uint64_t v;
        snprintf(sub, sizeof sub, "%s%slinear_address_width", path, path[0] ? "." : "");
        if (jnum(j, w, sub, &v)) return -1;
        if (v != 48 && v != 57)
            return jerr(j, sub, "linear_address_width", "linear-address width must be 48 or 57");
        p->linear_address_width = (uint8_t)v;
    }
    const cJSON *cpuid = cJSON_GetObjectItemCaseSensitive(o, "cpuid");
    if (cpuid) {
        snprintf(sub, sizeof sub, "%s%scpuid", path, path[0] ? "." : "");
        if (!cJSON_IsObject(cpuid)) return jerr(j, sub, "cpuid", "expected an object of booleans");
        if (jnodup(j, cpuid, sub, false)) return -1;
        for (const cJSON *f = cpuid->child; f; f = f->next) {
            unsigned bit = VXA_CPUID_COUNT;
            for (unsigned b = 0; b < VXA_CPUID_COUNT; b++)
                if (strcmp(f->string, vxa_cpuid_name(b)) == 0) bit = b;
            if (bit == VXA_CPUID_COUNT) continue;    /* other features: kept, ignored */
            bool on;
            char fp[200];
            snprintf(fp, sizeof fp, "%s.%s", sub, f->string);
            if (jbool(j, f, fp, &on)) return -1;
            p->cpuid_known |= 1u << bit;
            if (on) p->cpuid |= 1u << bit;
        }
    }
    const cJSON *pmu = cJSON_GetObjectItemCaseSensitive(o, "pmu");
    if (pmu && pmu_from_json(j, pmu, path, p)) return -1;
    vxa_profile_normalize(p);
    return 0;
}

static int profile_doc(jctx *j, const cJSON *doc, vxa_profile *out, char **name_out)
{
    int rc = vxa_profile_from_json(j, doc, "", out);
    if (rc == 0 && name_out) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(doc, "name");
        *name_out = strdup(cJSON_IsString(n) ? n->valuestring : "");
    }
    return rc;
}

int vxa_profile_parse(const char *text, size_t len, const char *filename, vxa_profile *out,
                      char **name_out, vxa_error *err)
{
    jctx j = { text, len, filename, err, NULL };
    cJSON *doc = jparse(&j);
    if (!doc) return -1;
    int rc = profile_doc(&j, doc, out, name_out);
    cJSON_Delete(doc);
    return rc;
}

int vxa_profile_from_tree(const cJSON *o, const char *filename, vxa_profile *out, char **name_out,
                          vxa_error *err)
{
    jctx j = { NULL, 0, filename, err, NULL };
    return profile_doc(&j, o, out, name_out);
}

cJSON *vxa_profile_to_tree(const vxa_profile *p, const vxa_profile_about *about)
{
    cJSON *o = cJSON_CreateObject();
    if (about && about->name) cJSON_AddStringToObject(o, "name", about->name);
    if (about && about->cpu) cJSON_AddStringToObject(o, "cpu", about->cpu);
    if (about && about->source) cJSON_AddStringToObject(o, "source", about->source);
    cJSON *m = cJSON_AddObjectToObject(o, "msrs");
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if (vxa_profile_has(p, i)) {
            char k[24];
            cJSON_AddItemToObject(m, jhex(VXA_MSR_INDEX(i), k), jhexitem(p->msr[i]));
        }
    if (!p->maxphyaddr_default) cJSON_AddNumberToObject(o, "maxphyaddr", p->maxphyaddr);
    cJSON_AddNumberToObject(o, "linear_address_width", p->linear_address_width);
    if (p->cpuid_known) {
        cJSON *c = cJSON_AddObjectToObject(o, "cpuid");
        for (unsigned b = 0; b < VXA_CPUID_COUNT; b++)
            if ((p->cpuid_known >> b) & 1u) cJSON_AddBoolToObject(c, vxa_cpuid_name(b), (p->cpuid >> b) & 1u);
    }
    if (p->pmu_types) {
        cJSON *types = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "pmu"), "core_types");
        for (unsigned t = 0; t < p->pmu_types && t < VXA_PMU_TYPES; t++) {
            cJSON *e = cJSON_CreateObject(), *r = cJSON_AddArrayToObject(e, "cpuid_0a");
            for (unsigned i = 0; i < 4; i++) cJSON_AddItemToArray(r, jhexitem(p->pmu_cpuid_0a[t][i]));
            if ((p->pmu_perf_caps_known >> t) & 1u)
                cJSON_AddItemToObject(e, "perf_capabilities", jhexitem(p->pmu_perf_caps[t]));
            cJSON_AddItemToArray(types, e);
        }
    }
    return o;
}

char *vxa_profile_to_json(const vxa_profile *p, const vxa_profile_about *about)
{
    cJSON *o = vxa_profile_to_tree(p, about);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

bool vxa_profile_is_path(const char *name_or_path)
{
    return strchr(name_or_path, '/') || strstr(name_or_path, ".json") || strcmp(name_or_path, "-") == 0;
}

/* Loads a profile by bundled name or path; *doc_out (if non-NULL) gets the document. */
static int profile_load(const char *name_or_path, vxa_profile *out, char **name_out, cJSON **doc_out,
                        vxa_error *err)
{
    char *path = NULL;
    if (vxa_profile_is_path(name_or_path))
        path = strdup(name_or_path);
    else if (vxa_bundled_name_ok(name_or_path))
        path = vxa_corpus_find("profiles", name_or_path);
    if (!path) {
        snprintf(err->file, sizeof err->file, "%s", name_or_path);
        err->path[0] = 0;
        err->line = err->column = 0;
        snprintf(err->message, sizeof err->message,
                 "no bundled profile of that name (see 'vmxaudit profile list')");
        return -1;
    }
    size_t len;
    char *text = vxa_read_text_file(path, &len, err);
    int rc = -1;
    if (text) {
        jctx j = { text, len, path, err, NULL };
        cJSON *doc = jparse(&j);
        rc = doc ? profile_doc(&j, doc, out, name_out) : -1;
        if (rc == 0 && doc_out) *doc_out = doc;
        else cJSON_Delete(doc);
    }
    free(text);
    free(path);
    return rc;
}

bool vxa_bundled_name_ok(const char *name)
{
    if (!*name || *name == '.' || strlen(name) > 200) return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

int vxa_profile_from_ref(const char *doc, const char *ref, vxa_profile *out, char **name_out,
                         cJSON **doc_out, vxa_error *err)
{
    if (!vxa_profile_is_path(ref)) return profile_load(ref, out, name_out, doc_out, err);
    size_t len;
    char *text = vxa_read_ref_file(doc, ref, &len, err);
    if (!text) return -1;
    vxa_error inner;
    jctx j = { text, len, ref, &inner, NULL };
    cJSON *pdoc = jparse(&j);
    int rc = pdoc ? profile_doc(&j, pdoc, out, name_out) : -1;
    free(text);
    if (rc) {
        /* never the file's content: its name, and where ('vmxaudit profile show' says more) */
        cJSON_Delete(pdoc);
        snprintf(err->file, sizeof err->file, "%s", doc);
        err->path[0] = 0;
        err->line = err->column = 0;
        snprintf(err->message, sizeof err->message, "profile file '%.200s' is not a valid profile "
                 "(its line %d; 'vmxaudit profile show' on it says why)", ref, inner.line);
        return -1;
    }
    if (doc_out) *doc_out = pdoc;
    else cJSON_Delete(pdoc);
    return 0;
}

int vxa_profile_load(const char *name_or_path, vxa_profile *out, char **name_out, vxa_error *err)
{
    return profile_load(name_or_path, out, name_out, NULL, err);
}

cJSON *vxa_profile_load_tree(const char *name_or_path, vxa_profile *out, vxa_error *err)
{
    cJSON *doc = NULL;
    char *name = NULL;
    if (profile_load(name_or_path, out, &name, &doc, err)) return NULL;
    free(name);
    return doc;
}

int vxa_case_set_profile(vxa_case *c, const char *name_or_path, vxa_error *err)
{
    vxa_profile p;
    char *name = NULL;
    cJSON *doc = NULL;
    bool inline_it = vxa_profile_is_path(name_or_path);
    if (profile_load(name_or_path, &p, &name, inline_it ? &doc : NULL, err)) return -1;
    c->profile = p;
    free(c->profile_name);
    cJSON_Delete(c->profile_json);
    c->profile_json = doc;
    if (inline_it) {
        c->profile_name = name;
    } else {
        free(name);
        c->profile_name = strdup(name_or_path);
    }
    return 0;
}
