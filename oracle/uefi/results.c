/* results.c — see results.h. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "results.h"

char *vxa_results_header(const char *run_id, const char *created, const char *version,
                         char *const *case_json, size_t n, size_t *len)
{
    size_t cap = 256;
    for (size_t i = 0; i < n; i++) cap += strlen(case_json[i]) + 32;
    char *s = malloc(cap);
    if (!s) return NULL;
    size_t k = (size_t)snprintf(s, cap, VXA_RESULTS_MAGIC "%s\n@I cases=%zu created=%s vmxaudit=%s\n",
                                run_id, n, created, version);
    for (size_t i = 0; i < n; i++) k += (size_t)snprintf(s + k, cap - k, "@C %zx %s\n", i, case_json[i]);
    k += (size_t)snprintf(s + k, cap - k, "@S\n");
    *len = k;
    return s;
}

static int bad(char *err, size_t errlen, const char *path, size_t line, const char *what, const char *text)
{
    snprintf(err, errlen, "%s:%zu: %s: %.200s", path, line, what, text);
    return VXA_ORACLE_BAD_INPUT;
}

static int word(const char *s, const char *key, char *out, size_t n)
{
    const char *p = strstr(s, key);
    if (!p) return -1;
    p += strlen(key);
    size_t k = strcspn(p, " ");
    snprintf(out, n, "%.*s", (int)k, p);
    return 0;
}

#define MAX_CPUS 65536

/* A new CPU record (NULL: out of memory or too many). */
static struct vxa_results_cpu *add_cpu(struct vxa_results *r)
{
    if (r->ncpus == MAX_CPUS) return NULL;
    struct vxa_results_cpu *nc = realloc(r->cpu, (r->ncpus + 1) * sizeof *nc);
    if (!nc) return NULL;
    r->cpu = nc;
    struct vxa_results_cpu *c = &nc[r->ncpus];
    memset(c, 0, sizeof *c);
    c->res = calloc(r->ncases + 1, sizeof *c->res);
    c->has_result = calloc(r->ncases + 1, sizeof *c->has_result);
    if (!c->res || !c->has_result) {
        free(c->res);
        free(c->has_result);
        return NULL;
    }
    for (size_t i = 0; i < r->ncases; i++) vxa_oracle_result_init(&c->res[i]);
    r->ncpus++;
    return c;
}

/* The CPU of the lines without @U (a --cpus boot run): index, created on first use; -1: no memory. */
static long implicit_cpu(struct vxa_results *r)
{
    for (size_t i = 0; i < r->ncpus; i++)
        if (!r->cpu[i].apic_known) return (long)i;
    struct vxa_results_cpu *c = add_cpu(r);
    if (!c) return -1;
    c->bsp = true;
    return (long)(r->ncpus - 1);
}

/* "@U K apic=X" or "@U K apic=X bsp": the CPU's index, created on first use; -1: malformed,
 * -2: no memory. */
static long section_cpu(struct vxa_results *r, const char *l)
{
    char *e;
    errno = 0;
    unsigned long k = strtoul(l + 3, &e, 10);
    if (e == l + 3 || errno || k > 0xffffffffu || strncmp(e, " apic=", 6)) return -1;
    const char *a = e + 6;
    unsigned long long apic = strtoull(a, &e, 16);
    if (e == a || errno || (*e && strcmp(e, " bsp"))) return -1;
    for (size_t i = 0; i < r->ncpus; i++)
        if (r->cpu[i].apic_known && r->cpu[i].apic == apic) {
            if (r->cpu[i].number != k) return -1;   /* one APIC ID, two processor numbers */
            return (long)i;
        }
    struct vxa_results_cpu *c = add_cpu(r);
    if (!c) return -2;
    c->number = (unsigned)k;
    c->apic = apic;
    c->apic_known = true;
    c->bsp = *e != 0;
    return (long)(r->ncpus - 1);
}

int vxa_results_read(const char *path, struct vxa_results *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return VXA_ORACLE_BAD_INPUT;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, k;
    char chunk[1 << 16];
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + k + 1 > cap) {
            cap = (len + k + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); return bad(err, errlen, path, 0, "out of memory", ""); }
            buf = nb;
        }
        memcpy(buf + len, chunk, k);
        len += k;
    }
    fclose(f);
    if (!buf) return bad(err, errlen, path, 1, "empty file, not a vmxaudit results file", "");
    buf[len] = 0;
    size_t end = strlen(buf);             /* the data ends at the first NUL */
    for (size_t i = end; i < len; i++)
        if (buf[i]) {
            free(buf);
            return bad(err, errlen, path, 0, "data after the NUL padding (not written by the loader)", "");
        }
    int rc = 0;
    size_t lineno = 0;
    bool header = true, in_probe = false, seen_i = false;
    long cur_flight = -1, cur = -1;      /* the case in flight; the section's CPU (-1: none yet) */
    char *save = NULL, microcode[24] = "";
    struct vxa_oracle_probe probe;
    memset(&probe, 0, sizeof probe);
    if (end && buf[end - 1] != '\n') {
        size_t s = end;
        while (s && buf[s - 1] != '\n') s--;
        size_t ln = 1;
        for (size_t i = 0; i < s; i++) ln += buf[i] == '\n';
        rc = bad(err, errlen, path, ln, "truncated line (no newline: the file was cut)", buf + s);
        free(buf);
        return rc;
    }
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (lineno == 1) {
            if (strncmp(l, VXA_RESULTS_MAGIC, strlen(VXA_RESULTS_MAGIC))) {
                rc = bad(err, errlen, path, lineno, "not a vmxaudit results file (first line)", l);
                break;
            }
            snprintf(r->run_id, sizeof r->run_id, "%s", l + strlen(VXA_RESULTS_MAGIC));
            continue;
        }
        if (header) {
            if (!strncmp(l, "@I ", 3)) {
                char n[32];
                if (word(l, "cases=", n, sizeof n) || !*n || strspn(n, "0123456789") != strlen(n) ||
                    strtoull(n, NULL, 10) > 1000000) {
                    rc = bad(err, errlen, path, lineno, "bad @I line", l);
                    break;
                }
                r->ncases = strtoull(n, NULL, 10);
                word(l, "created=", r->created, sizeof r->created);
                word(l, "vmxaudit=", r->version, sizeof r->version);
                r->case_json = calloc(r->ncases + 1, sizeof *r->case_json);
                seen_i = true;
            } else if (!strncmp(l, "@C ", 3) && seen_i) {
                char *e;
                unsigned long long id = strtoull(l + 3, &e, 16);
                if (e == l + 3 || *e != ' ' || id >= r->ncases || r->case_json[id]) {
                    rc = bad(err, errlen, path, lineno, "bad @C line (case id)", l);
                    break;
                }
                r->case_json[id] = strdup(e + 1);
            } else if (!strcmp(l, "@S") && seen_i) {
                for (size_t i = 0; i < r->ncases; i++)
                    if (!r->case_json[i]) {
                        rc = bad(err, errlen, path, lineno, "the header lacks a case (@C lines)", l);
                        break;
                    }
                if (rc) break;
                header = false;
            } else {
                rc = bad(err, errlen, path, lineno, "unexpected line in the header", l);
                break;
            }
            continue;
        }
        uint32_t id;
        if (strncmp(l, "@U ", 3) && strncmp(l, "@L ", 3) && strcmp(l, "@E done") && cur < 0 &&
            (cur = implicit_cpu(r)) < 0) {
            rc = bad(err, errlen, path, lineno, "out of memory", "");
            break;
        }
        struct vxa_results_cpu *c = cur >= 0 ? &r->cpu[cur] : NULL;
        if (!strncmp(l, "@U ", 3)) {
            in_probe = false;            /* a probe a reset cut short is dropped */
            cur = section_cpu(r, l);
            if (cur < 0) {
                rc = bad(err, errlen, path, lineno, cur == -1 ? "bad CPU line (@U K apic=X [bsp])" : "out of memory", l);
                break;
            }
        } else if (!strcmp(l, "@P begin")) {
            in_probe = true;
            memset(&probe, 0, sizeof probe);
            microcode[0] = 0;
        } else if (!strcmp(l, "@P end")) {
            if (!in_probe) { rc = bad(err, errlen, path, lineno, "@P end without @P begin", l); break; }
            in_probe = false;
            c->probe = probe;
            c->probe_present = true;
            memcpy(c->microcode, microcode, sizeof microcode);
        } else if (in_probe && !strncmp(l, "@H ", 3)) {
            vxa_report_probe_line(l, &probe);
            if (!strncmp(l, "@H msr 8b ", 10)) {
                unsigned long long v = strtoull(l + 10, NULL, 16);
                snprintf(microcode, sizeof microcode, "0x%llx", v >> 32);
            }
        } else if (in_probe && (!strcmp(l, "@E done"))) {
        } else if (!strncmp(l, "@L ", 3)) {
            r->boots += !strncmp(l, "@L boot ", 8);
            if (!strncmp(l, "@L mp ", 6)) {
                r->cpus_all = true;
                snprintf(r->mp, sizeof r->mp, "%s", l + 6);
            }
            r->skipped_cpus += !strncmp(l, "@L cpu ", 7) && strstr(l, " skipped");
        } else if (!strncmp(l, "@F ", 3) || !strncmp(l, "@D ", 3)) {
            char *e;
            unsigned long long v = strtoull(l + 3, &e, 16);
            if (e == l + 3 || *e || v >= r->ncases) {
                rc = bad(err, errlen, path, lineno, "bad case id", l);
                break;
            }
            cur_flight = l[1] == 'F' ? (long)v : -1;
        } else if (!strncmp(l, "@B ", 3) || !strncmp(l, "@H ", 3)) {
            /* the payload's case begin and notes (@H fault, @H batch ...) */
        } else if (!strncmp(l, "@R ", 3)) {
            struct vxa_oracle_result tmp;
            vxa_oracle_result_init(&tmp);
            if (vxa_report_result_line(l, &id, &tmp) != 1 || id >= r->ncases) {
                vxa_oracle_result_free(&tmp);
                rc = bad(err, errlen, path, lineno, "malformed result line", l);
                break;
            }
            if ((long)id != cur_flight) {
                vxa_oracle_result_free(&tmp);
                rc = bad(err, errlen, path, lineno, "result for a case that is not in flight", l);
                break;
            }
            if (!c->has_result[id]) {
                c->res[id] = tmp;
                c->has_result[id] = true;
                if (tmp.kind == VXA_ORACLE_CRASHED && tmp.detail && !strcmp(tmp.detail, "machine_reset")) {
                    r->machine_resets++;
                    c->machine_resets++;
                }
            } else {
                vxa_oracle_result_free(&tmp);
            }
        } else if (!strcmp(l, "@E done")) {
            r->complete = true;
        } else {
            rc = bad(err, errlen, path, lineno, "unknown line", l);
            break;
        }
    }
    if (!rc && !header && in_probe && r->complete)
        rc = bad(err, errlen, path, lineno, "truncated: a probe does not end (no @P end)", "");
    if (!rc && !header && !r->ncpus && implicit_cpu(r) < 0)
        rc = bad(err, errlen, path, lineno, "out of memory", "");
    if (!rc && !header) {                /* the boot CPU's results, as a --cpus boot run has them */
        r->boot_cpu = 0;
        for (size_t i = r->ncpus; i-- > 0; )
            if (r->cpu[i].bsp) r->boot_cpu = i;
        const struct vxa_results_cpu *b = &r->cpu[r->boot_cpu];
        r->probe = b->probe;
        r->probe_present = b->probe_present;
        memcpy(r->microcode, b->microcode, sizeof r->microcode);
        r->res = b->res;
        r->has_result = b->has_result;
    }
    if (!rc && lineno == 0) rc = bad(err, errlen, path, 1, "empty file, not a vmxaudit results file", "");
    if (!rc && header) rc = bad(err, errlen, path, lineno, "truncated: the header does not end (no @S)", "");
    free(buf);
    if (rc) vxa_results_free(r);
    return rc;
}

void vxa_results_free(struct vxa_results *r)
{
    for (size_t i = 0; r->case_json && i < r->ncases; i++) free(r->case_json[i]);
    for (size_t c = 0; c < r->ncpus; c++) {
        for (size_t i = 0; i < r->ncases; i++) vxa_oracle_result_free(&r->cpu[c].res[i]);
        free(r->cpu[c].res);
        free(r->cpu[c].has_result);
    }
    free(r->cpu);
    free(r->case_json);
    memset(r, 0, sizeof *r);
}

const struct vxa_results_cpu *vxa_results_cpu_number(const struct vxa_results *r, unsigned number)
{
    for (size_t i = 0; i < r->ncpus; i++)
        if (r->cpu[i].number == number) return &r->cpu[i];
    return NULL;
}
