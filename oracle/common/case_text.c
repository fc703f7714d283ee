/* case_text.c — the one-line text form of oracle cases (case_text.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "case_text.h"
#include "vmxaudit/vmxaudit.h"

static int number(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (*s == '-' || !*s) return -1;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end) return -1;
    *v = x;
    return 0;
}

static int hexbytes(const char *s, uint8_t **data, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2) return -1;
    uint8_t *d = malloc(n / 2 + 1);
    if (!d) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        char b[3] = { s[2 * i], s[2 * i + 1], 0 }, *end;
        d[i] = (uint8_t)strtoul(b, &end, 16);
        if (*end) {
            free(d);
            return -1;
        }
    }
    *data = d;
    *len = n / 2;
    return 0;
}

static void free_case(struct vxa_oracle_case *c)
{
    for (size_t i = 0; i < c->nblobs; i++) free((void *)c->blobs[i].data);
    free((void *)c->fields);
    free((void *)c->blobs);
}

static int parse_line(char *line, struct vxa_oracle_case *c, char *err, size_t errlen)
{
    struct vxa_oracle_field *fields = NULL;
    struct vxa_oracle_blob *blobs = NULL;
    size_t nf = 0, nb = 0;
    bool have_insn = false;
    memset(c, 0, sizeof *c);
    for (char *save, *tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(tok, '=');
        uint64_t v;
        if (!eq) {
            if (!strcasecmp(tok, "vmlaunch") || !strcasecmp(tok, "vmresume")) {
                c->instruction = strcasecmp(tok, "vmlaunch") ? VXA_ORACLE_VMRESUME : VXA_ORACLE_VMLAUNCH;
                have_insn = true;
            } else if (!strcmp(tok, "launched")) c->launched = true;
            else if (!strcmp(tok, "nofill")) c->no_fill = true;
            else if (!strcmp(tok, "novmcs")) c->no_current_vmcs = true;
            else if (!strcmp(tok, "movss")) c->movss_blocking = true;
            else {
                snprintf(err, errlen, "unknown word '%s'", tok);
                goto fail;
            }
            continue;
        }
        *eq++ = 0;
        if (tok[0] == '@') {
            void *p = realloc(blobs, (nb + 1) * sizeof *blobs);
            uint8_t *data;
            size_t len;
            if (!p) goto oom;
            blobs = p;
            if (number(tok + 1, &v) || hexbytes(eq, &data, &len)) {
                snprintf(err, errlen, "bad memory '@%s=%s'", tok + 1, eq);
                goto fail;
            }
            blobs[nb++] = (struct vxa_oracle_blob){ v, data, len };
            continue;
        }
        if (number(eq, &v)) {
            snprintf(err, errlen, "bad value '%s' for %s", eq, tok);
            goto fail;
        }
        if (!strcmp(tok, "vmcs")) {
            c->vmcs_address = v;
            continue;
        }
        uint64_t enc;
        vxa_field f = vxa_field_by_name(tok);
        if (f != VXA_F_NONE) enc = vxa_field_get(f)->encoding;
        else if (number(tok, &enc) || enc > 0xffffffffu) {
            snprintf(err, errlen, "unknown VMCS field '%s'", tok);
            goto fail;
        }
        void *p = realloc(fields, (nf + 1) * sizeof *fields);
        if (!p) goto oom;
        fields = p;
        fields[nf++] = (struct vxa_oracle_field){ (uint32_t)enc, v };
    }
    if (!have_insn) {
        snprintf(err, errlen, "no instruction (vmlaunch or vmresume)");
        goto fail;
    }
    c->fields = fields;
    c->nfields = nf;
    c->blobs = blobs;
    c->nblobs = nb;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    for (size_t i = 0; i < nb; i++) free((void *)blobs[i].data);
    free(fields);
    free(blobs);
    return -1;
}

int vxa_case_text_read(FILE *in, struct vxa_case_list *list, char *err, size_t errlen)
{
    char *line = NULL, msg[256];
    size_t cap = 0, lineno = 0;
    list->cases = NULL;
    list->n = 0;
    while (getline(&line, &cap, in) > 0) {
        lineno++;
        line[strcspn(line, "#\r\n")] = 0;
        if (!line[strspn(line, " \t")]) continue;
        void *p = realloc(list->cases, (list->n + 1) * sizeof *list->cases);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        list->cases = p;
        if (parse_line(line, &list->cases[list->n], msg, sizeof msg)) {
            snprintf(err, errlen, "line %zu: %s", lineno, msg);
            goto fail;
        }
        list->n++;
    }
    free(line);
    return 0;
fail:
    free(line);
    vxa_case_list_free(list);
    return -1;
}

void vxa_case_list_free(struct vxa_case_list *list)
{
    for (size_t i = 0; i < list->n; i++) free_case(&list->cases[i]);
    free(list->cases);
    list->cases = NULL;
    list->n = 0;
}
