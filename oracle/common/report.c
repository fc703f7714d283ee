/* report.c — the payload's report lines (payload_abi.h) -> probe and results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

static int hex(const char **s, uint64_t *v)
{
    char *end;
    unsigned long long x = strtoull(*s, &end, 16);
    if (end == *s) return 0;
    *s = end;
    *v = x;
    return 1;
}

static const char *skip_word(const char *s)
{
    while (*s && *s != ' ') s++;
    while (*s == ' ') s++;
    return s;
}

int vxa_report_probe_line(const char *line, struct vxa_oracle_probe *p)
{
    if (strncmp(line, "@H ", 3)) return 0;
    const char *s = line + 3;
    uint64_t v[6];
    if (!strncmp(s, "cpuid ", 6)) {
        s += 6;
        for (int i = 0; i < 6; i++)
            if (!hex(&s, &v[i])) return 1;
        if (p->ncpuid < sizeof p->cpuid / sizeof p->cpuid[0])
            p->cpuid[p->ncpuid++] = (struct vxa_oracle_cpuid){ (uint32_t)v[0], (uint32_t)v[1],
                (uint32_t)v[2], (uint32_t)v[3], (uint32_t)v[4], (uint32_t)v[5] };
    } else if (!strncmp(s, "msr ", 4)) {
        s += 4;
        if (!hex(&s, &v[0])) return 1;
        while (*s == ' ') s++;
        if (!strncmp(s, "absent", 6)) return 1;
        if (!hex(&s, &v[1])) return 1;
        if (v[0] == 0x3a) {
            p->feature_control = v[1];
        } else if (v[0] >= 0x480 && v[0] < 0x480 + VXA_ORACLE_NMSR) {
            p->msr[v[0] - 0x480] = v[1];
            p->msr_present |= 1u << (v[0] - 0x480);
        }
    } else if (!strncmp(s, "engine ", 7)) {
        for (s += 7; *s; s = skip_word(s)) {
            const char *val = strchr(s, '=');
            if (!val++ || !hex(&val, &v[0])) break;
            if (!strncmp(s, "api=", 4)) p->engine_api = (uint32_t)v[0];
            else if (!strncmp(s, "checks=", 7)) p->engine_checks = (uint32_t)v[0];
            else if (!strncmp(s, "fields=", 7)) p->engine_fields = (uint32_t)v[0];
        }
    } else if (!strncmp(s, "vmxon ok", 8)) {
        p->vmx_on = true;
    } else if (!strncmp(s, "vmxon fail ", 11)) {
        snprintf(p->vmx_failure, sizeof p->vmx_failure, "%s", s + 11);
    }
    return 1;
}

int vxa_report_begin_line(const char *line, uint32_t *id)
{
    uint64_t v;
    const char *s = line + 3;
    if (strncmp(line, "@B ", 3) || !hex(&s, &v)) return 0;
    *id = (uint32_t)v;
    return 1;
}

/* "ENC:VAL,ENC:VAL" */
static int pairs(const char *s, uint64_t **out, size_t *n)
{
    size_t cap = 1;
    for (const char *t = s; *t && *t != ' '; t++) cap += *t == ',';
    uint64_t *a = calloc(cap * 2, sizeof *a);
    if (!a) return -1;
    size_t k = 0;
    for (;;) {
        if (k == cap || !hex(&s, &a[2 * k]) || *s++ != ':' || !hex(&s, &a[2 * k + 1])) {
            free(a);
            return -1;
        }
        k++;
        if (*s != ',') break;
        s++;
    }
    *out = a;
    *n = k;
    return 0;
}

static int set_detail(struct vxa_oracle_result *r, const char *s, size_t n)
{
    free(r->detail);
    r->detail = malloc(n + 1);
    if (!r->detail) return -1;
    memcpy(r->detail, s, n);
    r->detail[n] = 0;
    return 0;
}

static const struct { const char *name; enum vxa_oracle_kind kind; } kinds[] = {
    { "vmfail_invalid", VXA_ORACLE_VMFAIL_INVALID }, { "vmfail_valid", VXA_ORACLE_VMFAIL_VALID },
    { "exited", VXA_ORACLE_EXITED }, { "fault", VXA_ORACLE_FAULT },
    { "unsupported", VXA_ORACLE_UNSUPPORTED }, { "bad", VXA_ORACLE_ERROR },
    { "crash", VXA_ORACLE_CRASHED }, { "timeout", VXA_ORACLE_TIMEOUT },   /* host-written */
    { "vmsucceed", VXA_ORACLE_VMSUCCEED }, { "nonroot_exit", VXA_ORACLE_NONROOT_EXIT },
    { "exit_aborted", VXA_ORACLE_EXIT_ABORTED },   /* host-written */
};

/* "A,B,C" (hex) -> at most max values; returns how many, -1 if malformed. */
static int hex_list(const char *s, uint64_t *out, int max)
{
    int n = 0;
    for (;;) {
        uint64_t v;
        if (!hex(&s, &v)) return -1;
        if (n < max) out[n] = v;
        n++;
        if (*s != ',') break;
        s++;
    }
    return n < max ? n : max;
}

/* The in-guest audit's keys (payload_abi.h); 1 if the key was one of them, -1 if malformed. */
static int prediction_key(const char *k, size_t kl, const char *val, struct vxa_oracle_prediction *p)
{
    uint64_t a[VXA_ORACLE_MAX_CHECKS];
    int n;
#define PKEY(name) (kl == strlen(name) && !strncmp(k, name, kl))
    if (PKEY("pe") || PKEY("pq") || PKEY("pc")) {
        int max = PKEY("pc") ? VXA_ORACLE_MAX_CHECKS : VXA_ORACLE_MAX_SET;
        if ((n = hex_list(val, a, max)) < 0) return -1;
        for (int i = 0; i < n; i++) {
            if (PKEY("pe")) p->error[i] = (uint8_t)a[i];
            else if (PKEY("pq")) p->qual[i] = (uint32_t)a[i];
            else p->check[i] = (uint16_t)a[i];
        }
        if (PKEY("pe")) p->nerror = (uint8_t)n;
        else if (PKEY("pq")) p->nqual = (uint8_t)n;
        else p->ncheck = (uint16_t)n;
        p->present = true;
        return 1;
    }
    if (!(PKEY("pr") || PKEY("px") || PKEY("pv") || PKEY("pn") || PKEY("pu") || PKEY("pa") ||
          PKEY("pf") || PKEY("pok")))
        return 0;
    const char *t = val;
    if (!hex(&t, &a[0])) return -1;
    if (PKEY("pr")) p->result = (uint8_t)a[0];
    else if (PKEY("px")) p->exit_reason = (uint8_t)a[0];
    else if (PKEY("pv")) p->vector = (uint8_t)a[0];
    else if (PKEY("pn")) p->nviolations = (uint16_t)a[0];
    else if (PKEY("pu")) p->nundetermined = (uint16_t)a[0];
    else if (PKEY("pa")) p->assumes_undetermined_pass = a[0] != 0;
    else if (PKEY("pf")) p->nread_failed = (uint16_t)a[0];
    else p->agrees = a[0] != 0;
#undef PKEY
    p->present = true;
    return 1;
}

int vxa_report_result_line(const char *line, uint32_t *id, struct vxa_oracle_result *r)
{
    if (strncmp(line, "@R ", 3)) return 0;
    const char *s = line + 3;
    uint64_t v;
    if (!hex(&s, &v)) return -1;
    *id = (uint32_t)v;
    while (*s == ' ') s++;
    size_t klen = strcspn(s, " ");
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == klen && !strncmp(s, kinds[i].name, klen)) break;
    if (i == sizeof kinds / sizeof kinds[0]) return -1;
    r->kind = kinds[i].kind;
    for (s = skip_word(s); *s; s = skip_word(s)) {
        const char *val = strchr(s, '=');
        if (!val || val > s + strcspn(s, " ")) return -1;
        size_t kl = (size_t)(val++ - s);
        uint64_t *a;
        size_t n;
#define KEY(k) (kl == strlen(k) && !strncmp(s, k, kl))
        if (KEY("what")) {
            if (set_detail(r, val, strcspn(val, " "))) return -1;
            continue;
        }
        if (KEY("ms")) {                /* host-written timeout: decimal milliseconds */
            char d[64];
            snprintf(d, sizeof d, "no report within %.*s ms", (int)strcspn(val, " "), val);
            if (set_detail(r, d, strlen(d))) return -1;
            continue;
        }
        int pk = prediction_key(s, kl, val, &r->live);
        if (pk < 0) return -1;
        if (pk) continue;
        if (KEY("fill") || KEY("w")) {
            if (pairs(val, &a, &n)) return -1;
            if (KEY("fill")) {
                free(r->replaced);
                r->replaced = calloc(n, sizeof *r->replaced);
                if (!r->replaced) { free(a); return -1; }
                for (size_t j = 0; j < n; j++)
                    r->replaced[j] = (struct vxa_oracle_field){ (uint32_t)a[2 * j], a[2 * j + 1] };
                r->nreplaced = n;
            } else {
                free(r->vmwrite_errors);
                r->vmwrite_errors = calloc(n, sizeof *r->vmwrite_errors);
                if (!r->vmwrite_errors) { free(a); return -1; }
                for (size_t j = 0; j < n; j++)
                    r->vmwrite_errors[j] = (struct vxa_oracle_vmwrite_error){ (uint32_t)a[2 * j],
                                                                              (uint32_t)a[2 * j + 1] };
                r->nvmwrite_errors = n;
            }
            free(a);
            continue;
        }
        const char *t = val;
        if (!hex(&t, &v)) return -1;
        if (KEY("err")) r->error = (uint32_t)v;
        else if (KEY("reason")) r->exit_reason = (uint32_t)v;
        else if (KEY("qual")) r->qualification = v;
        else if (KEY("intr")) r->exit_intr_info = (uint32_t)v;
        else if (KEY("vec")) r->fault_vector = (int)v;
        else if (KEY("hostfault")) r->host_fault_vector = (int)v;
#undef KEY
        /* unknown keys: newer payloads may add some */
    }
    if (r->kind == VXA_ORACLE_EXITED && (r->exit_reason & 0x80000000u))
        r->kind = VXA_ORACLE_ENTRY_FAILURE;
    return 1;
}
