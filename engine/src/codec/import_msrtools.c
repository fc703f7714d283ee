/* import_msrtools.c — capability MSRs from msr-tools' `rdmsr` output.  rdmsr prints only values,
 * so the index comes from the command line in a terminal transcript ("$ sudo rdmsr -a 0x481",
 * the register parsed like strtoul(s, 0, 0): 0x = hex, leading 0 = octal, else decimal) or from
 * an "INDEX VALUE" / "INDEX: VALUE" line (INDEX with 0x).  Values are hex (rdmsr's default -x,
 * -X, -c, -0) unless the command said -d or -u (decimal).  `rdmsr -a` prints one value per CPU:
 * they must agree.  "rdmsr: CPU N cannot read MSR ..." leaves that MSR not captured. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "import_internal.h"

typedef struct cmd {
    bool active;
    uint64_t index;
    unsigned base;        /* 16 or 10 */
    unsigned nvalues;
    uint64_t first;
    unsigned first_line;
} cmd;

static const char *word_end(const char *s)
{
    while (*s && *s != ' ') s++;
    return s;
}

/* Parses the options and register after "rdmsr". */
static int parse_cmd(const char *s, cmd *c, const char *file, unsigned line, vxa_error *err)
{
    memset(c, 0, sizeof *c);
    c->base = 16;
    bool have = false;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *e = word_end(s);
        size_t n = (size_t)(e - s);
        if (*s == '-') {
            for (const char *o = s + 1; o < e; o++) {
                if (*o == 'd' || *o == 'u') c->base = 10;
                else if (*o == 'x' || *o == 'X' || *o == 'c' || *o == '0' || *o == 'a') continue;
                else if (*o == 'p') {   /* -p N or -pN: one CPU */
                    if (o + 1 == e) { while (*e == ' ') e++; e = word_end(e); }
                    break;
                } else if (*o == 'f' || *o == 'r' || *o == 'o' || *o == 's')
                    return vxa_ierr(err, file, line, "rdmsr -%c: the output is not the whole MSR; "
                                    "rerun rdmsr without -%c", *o, *o);
                else return vxa_ierr(err, file, line, "unknown rdmsr option '-%c'", *o);
            }
        } else {
            char buf[32];
            if (have || n >= sizeof buf)
                return vxa_ierr(err, file, line, "expected one register after rdmsr, found '%.30s'", s);
            memcpy(buf, s, n);
            buf[n] = 0;
            char *end;
            c->index = strtoull(buf, &end, 0);   /* rdmsr reads the register with strtoul(,,0) */
            if (*end) return vxa_ierr(err, file, line, "'%s' is not an MSR number", buf);
            have = true;
        }
        s = e;
    }
    if (!have) return vxa_ierr(err, file, line, "rdmsr without a register");
    c->active = true;
    return 0;
}

/* The text after a shell prompt and sudo, if the line runs rdmsr; else NULL. */
static const char *rdmsr_args(const char *s)
{
    const char *r = strstr(s, "rdmsr");
    if (!r || (r != s && r[-1] != ' ' && r[-1] != '/' && r[-1] != '$' && r[-1] != '#' && r[-1] != '>'))
        return NULL;
    if (r[5] != ' ' && r[5]) return NULL;
    if (!strncmp(s, "rdmsr:", 6)) return NULL;
    return r + 5;
}

/* "user@host:~$ cmd", "root@host:~# cmd", "$ cmd": a shell prompt before a command. */
static bool shell_prompt(const char *s)
{
    const char *e = word_end(s);
    return e > s && (e[-1] == '$' || e[-1] == '#' || e[-1] == '>') && *e == ' ';
}

int vxa_import_msrtools(const char *text, size_t len, const char *file, vxa_profile *p,
                        vxa_msr_import *info, vxa_error *err)
{
    vxa_lines it = { text, text + len, 0 };
    char line[512];
    cmd c = { 0 };
    vxa_msr_import dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_profile_init(p);
    unsigned seen = 0;
    while (vxa_next_line(&it, line, sizeof line)) {
        const char *s = vxa_normalize_line(line);
        while (*s == ' ') s++;
        if (!*s || !strncmp(s, "rdmsr:", 6)) continue;   /* rdmsr's errors: not captured */
        if (*s == '#' && strncmp(s, "# rdmsr ", 8) && strncmp(s, "# sudo rdmsr ", 13)) continue;
        const char *args = rdmsr_args(s);
        if (args) {
            if (parse_cmd(args, &c, file, it.lineno, err)) return -1;
            continue;
        }
        if (shell_prompt(s)) { c.active = false; continue; }   /* another command */
        /* "INDEX VALUE" or "INDEX: VALUE" (a script's output) */
        const char *e = word_end(s);
        size_t n = (size_t)(e - s);
        uint64_t index, value;
        if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && *e) {
            size_t k = s[n - 1] == ':' ? n - 1 : n;
            if (vxa_parse_base(s, k, 16, &index))
                return vxa_ierr(err, file, it.lineno, "expected a hex MSR index, found '%.*s'", (int)k, s);
            const char *v = e;
            while (*v == ' ') v++;
            const char *ve = word_end(v);
            if (vxa_parse_base(v, (size_t)(ve - v), 16, &value) || *ve)
                return vxa_ierr(err, file, it.lineno, "expected 'INDEX VALUE' with a hex value, found '%.40s'", v);
            c.active = false;
            if (vxa_store_msr(p, index, value) < 0)
                return vxa_ierr(err, file, it.lineno, "MSR 0x%llx given twice with different values",
                                (unsigned long long)index);
            if (index < 0x480 || index >= 0x480 + VXA_MSR_COUNT) info->nignored++;
            seen++;
            continue;
        }
        /* a value printed by the rdmsr command before it */
        if (!c.active)
            return vxa_ierr(err, file, it.lineno, "expected an rdmsr command line ('rdmsr 0x480') or "
                            "'INDEX VALUE', found '%.40s'", s);
        if (*e || vxa_parse_base(s, n, c.base, &value))
            return vxa_ierr(err, file, it.lineno, "expected the value of MSR 0x%llx in %s, found '%.40s'",
                            (unsigned long long)c.index, c.base == 16 ? "hex" : "decimal", s);
        if (c.nvalues && value != c.first)
            return vxa_ierr(err, file, it.lineno, "CPUs disagree on MSR 0x%llx: 0x%llx here, 0x%llx on "
                            "line %u (import one CPU: rdmsr -p N)", (unsigned long long)c.index,
                            (unsigned long long)value, (unsigned long long)c.first, c.first_line);
        if (!c.nvalues) {
            c.first = value;
            c.first_line = it.lineno;
            if (vxa_store_msr(p, c.index, value) < 0)
                return vxa_ierr(err, file, it.lineno, "MSR 0x%llx given twice with different values",
                                (unsigned long long)c.index);
            if (c.index < 0x480 || c.index >= 0x480 + VXA_MSR_COUNT) info->nignored++;
            seen++;
        }
        c.nvalues++;
        if (c.nvalues > info->ncpus) info->ncpus = c.nvalues;
    }
    if (!seen) return vxa_ierr(err, file, 1, "no MSR value found: expected rdmsr output (a transcript "
                               "'$ rdmsr 0x480' + value lines, or 'INDEX VALUE' lines)");
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++) info->ncaptured += vxa_profile_has(p, i);
    return 0;
}
