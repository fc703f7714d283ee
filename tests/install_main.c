/* install_main.c — built by tests/install.sh against an installed vmxaudit (pkg-config): loads a
 * case, audits it, prints "RESULT NVIOLATIONS CHECK-ID..." for comparison with the installed CLI. */
#include <stdio.h>
#include <vmxaudit/vmxaudit.h>
#include <vmxaudit/codec.h>
#include <vmxaudit/live.h>
#include <vmxaudit/binary.h>

#if !defined(VMXAUDIT_API_VERSION) || VMXAUDIT_API_VERSION < 1
#error "the installed vmxaudit.h carries no API version"
#endif

static vxa_report rep;

int main(int argc, char **argv)
{
    vxa_case c;
    vxa_error e;
    char msg[1200];
    if (argc != 2) return 2;
    if (vxa_case_load(argv[1], &c, &e)) {
        vxa_error_format(&e, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        return 2;
    }
    vxa_memory m = vxa_case_memory(&c);
    vxa_input in = { &c.profile, &c.vmcs, &c.entry, &m, VXA_MODEL_SDM, NULL };
    if (vxa_audit(&in, &rep)) return 2;
    printf("%s %u", vxa_result_name((vxa_result)rep.outcome.result), rep.nviolations);
    for (unsigned i = 0; i < rep.nviolations && i < VXA_MAX_VIOLATIONS; i++)
        printf(" %s", vxa_check_get((vxa_check)rep.violations[i].check)->id);
    printf("\n");
    vxa_case_free(&c);
    return 0;
}
