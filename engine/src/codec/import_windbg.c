/* import_windbg.c — capability MSRs from WinDbg's `rdmsr` command output, the input of the 2018
 * VMCS Auditor: "msr[481] = 0000007f`00000016" (index and value in hex, the value's halves split
 * by a backtick).  Debugger prompts ("0: kd> rdmsr 481"), comments (#) and blank lines are
 * skipped; anything else is an error naming the line.  Lines go through the normalisation layer
 * (quoting, log prefixes, Unicode spaces: import_internal.h) first. */
#include <ctype.h>
#include <string.h>
#include "import_internal.h"

static const char *skip_ws(const char *s)
{
    while (*s == ' ') s++;
    return s;
}

/* "0: kd> ...", "kd> ...", "lkd> ...": a prompt line. */
static bool prompt(const char *s)
{
    while (isdigit((unsigned char)*s) || *s == ':' || *s == ' ') s++;
    return !strncmp(s, "kd>", 3) || !strncmp(s, "lkd>", 4);
}

/* A hex run of at most max digits; returns its length (0 = none). */
static size_t hexrun(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && isxdigit((unsigned char)s[n])) n++;
    return n > max ? 0 : n;
}

int vxa_import_windbg(const char *text, size_t len, const char *file, vxa_profile *p,
                      vxa_msr_import *info, vxa_error *err)
{
    static const char expected[] = "expected WinDbg rdmsr output 'msr[INDEX] = HIGH`LOW' "
                                   "(e.g. msr[481] = 0000007f`00000016)";
    vxa_lines it = { text, text + len, 0 };
    char line[512];
    vxa_msr_import dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    vxa_profile_init(p);
    unsigned seen = 0;
    while (vxa_next_line(&it, line, sizeof line)) {
        const char *s = skip_ws(vxa_normalize_line(line));
        if (!*s || *s == '#' || prompt(s)) continue;
        if (strncmp(s, "msr[", 4)) return vxa_ierr(err, file, it.lineno, "%s, found '%.40s'", expected, s);
        s += 4;
        size_t n = hexrun(s, 8);
        uint64_t index, hi, lo, value;
        if (!n || s[n] != ']' || vxa_parse_base(s, n, 16, &index))
            return vxa_ierr(err, file, it.lineno, "expected a hex MSR index after 'msr[' (at most 8 digits)");
        s = skip_ws(s + n + 1);
        if (*s != '=') return vxa_ierr(err, file, it.lineno, "expected '=' after 'msr[%llx]'",
                                       (unsigned long long)index);
        s = skip_ws(s + 1);
        n = hexrun(s, 16);
        if (!n) return vxa_ierr(err, file, it.lineno, "expected the MSR value in hex (HIGH`LOW)");
        if (s[n] == '`') {
            size_t m = hexrun(s + n + 1, 8);
            if (n > 8 || !m) return vxa_ierr(err, file, it.lineno,
                                             "expected 8 hex digits on each side of '`' (HIGH`LOW)");
            vxa_parse_base(s, n, 16, &hi);
            vxa_parse_base(s + n + 1, m, 16, &lo);
            value = hi << 32 | lo;
            s += n + 1 + m;
        } else {
            vxa_parse_base(s, n, 16, &value);
            s += n;
        }
        if (*skip_ws(s)) return vxa_ierr(err, file, it.lineno, "unexpected text after the value: '%.40s'",
                                         skip_ws(s));
        int r = vxa_store_msr(p, index, value);
        if (r < 0) return vxa_ierr(err, file, it.lineno, "MSR 0x%llx given twice with different values",
                                   (unsigned long long)index);
        if (r == 0) info->nignored++;
        seen++;
    }
    if (!seen) return vxa_ierr(err, file, 1, "%s: the file has no MSR line", expected);
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++) info->ncaptured += vxa_profile_has(p, i);
    info->ncpus = 1;
    return 0;
}
