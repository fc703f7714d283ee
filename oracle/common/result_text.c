/* result_text.c — see result_text.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "prediction.h"
#include "result_text.h"
#include "vmxaudit/vmxaudit.h"

static const char *field_name(uint32_t enc)
{
    vxa_field f = vxa_field_by_encoding(enc);
    return f == VXA_F_NONE ? NULL : vxa_field_get(f)->name;
}

static void print_field(FILE *out, uint32_t enc)
{
    const char *n = field_name(enc);
    if (n) fputs(n, out);
    else fprintf(out, "0x%" PRIx32, enc);
}

void vxa_oracle_result_print(FILE *out, size_t i, const struct vxa_oracle_result *r, const char *backend)
{
    fprintf(out, "%zu %s", i, vxa_oracle_kind_name(r->kind));
    switch (r->kind) {
    case VXA_ORACLE_VMFAIL_VALID: fprintf(out, " error=%" PRIu32, r->error); break;
    case VXA_ORACLE_ENTRY_FAILURE:
    case VXA_ORACLE_EXITED:
    case VXA_ORACLE_NONROOT_EXIT:
        fprintf(out, " reason=0x%" PRIx32 " qualification=0x%" PRIx64, r->exit_reason, r->qualification);
        if ((r->exit_reason & 0xffff) == 0) fprintf(out, " intr_info=0x%" PRIx32, r->exit_intr_info);
        break;
    case VXA_ORACLE_FAULT: fprintf(out, " vector=%d", r->fault_vector); break;
    default: break;
    }
    if (r->host_fault_vector >= 0) fprintf(out, " host_fault_vector=%d", r->host_fault_vector);
    if (r->detail) fprintf(out, " (%s)", r->detail);
    fputc('\n', out);
    for (size_t j = 0; j < r->nvmwrite_errors; j++) {
        fputs("  vmwrite ", out);
        print_field(out, r->vmwrite_errors[j].encoding);
        fprintf(out, ": error %" PRIu32 "\n", r->vmwrite_errors[j].error);
    }
    if (r->nreplaced) {
        fputs("  harness fields:", out);
        for (size_t j = 0; j < r->nreplaced; j++) {
            fputc(' ', out);
            print_field(out, r->replaced[j].encoding);
            fprintf(out, "=0x%" PRIx64, r->replaced[j].value);
        }
        fputc('\n', out);
    }
    if (r->live.present) {
        char t[1200];
        vxa_prediction_to_text(&r->live, t, sizeof t);
        fprintf(out, "  in-guest audit: %s%s%s\n", t,
               r->live.agrees < 0 ? "" : r->live.agrees ? " (agrees with the CPU)" : " (DIFFERS from the CPU)",
               r->live.nread_failed ? " [reads failed]" : "");
    }
    if (r->log) {
        char *save, *copy = strdup(r->log);
        for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
            fprintf(out, "  %s: %s\n", backend, l);
        free(copy);
    }
}
