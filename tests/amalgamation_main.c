/* amalgamation_main.c — run by tests/amalgamation.sh: the amalgamation, compiled freestanding
 * and its symbols prefixed with amalg_ (objcopy --prefix-symbols), linked next to the library;
 * for every bundled layout x every bundled profile, the amalgamation's vxa_audit and
 * vxa_live_audit must give byte-identical reports to the library's.  Exit 0 when they do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmxaudit/codec.h"
#include "vmxaudit/live.h"

/* The amalgamation's entry points, renamed by objcopy.  Same types: the amalgamated header is the
 * library's headers inlined. */
int amalg_vxa_audit(const vxa_input *in, vxa_report *out);
int amalg_vxa_live_audit(const vxa_live_ops *ops, void *ctx, const vxa_entry *env,
                         vxa_live_workspace *ws, vxa_report *out);
/* ... and what it needs from the environment, renamed the same way. */
void *amalg_memcpy(void *d, const void *s, size_t n) { return memcpy(d, s, n); }
void *amalg_memmove(void *d, const void *s, size_t n) { return memmove(d, s, n); }
void *amalg_memset(void *d, int c, size_t n) { return memset(d, c, n); }
int amalg_memcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }

typedef struct cpu { const vxa_profile *p; const vxa_vmcs *v; vxa_memory mem; } cpu;

static int cpu_rdmsr(void *ctx, uint32_t msr, uint64_t *v)
{
    const cpu *c = ctx;
    unsigned i = msr - 0x480u;
    if (i >= VXA_MSR_COUNT || !vxa_profile_has(c->p, i)) return -1;
    *v = c->p->msr[i];
    return 0;
}

static int cpu_vmread(void *ctx, uint32_t enc, uint64_t *v)
{
    const cpu *c = ctx;
    vxa_field f = vxa_field_by_encoding(enc);
    if (f == VXA_F_NONE) return -1;
    *v = c->v->value[f];
    return 0;
}

static int cpu_phys(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    const cpu *c = ctx;
    return c->mem.read(c->mem.ctx, pa, buf, len);
}

static vxa_report lib_rep, am_rep;
static vxa_live_workspace lib_ws, am_ws;

int main(void)
{
    char **layouts = vxa_corpus_list("layouts"), **profiles = vxa_corpus_list("profiles");
    unsigned pairs = 0, bad = 0;
    if (!layouts || !profiles || !*layouts || !*profiles) {
        fprintf(stderr, "amalgamation: no bundled layouts/profiles (VMXAUDIT_CORPUS?)\n");
        return 1;
    }
    for (char **l = layouts; *l; l++) {
        char *path = vxa_corpus_find("layouts", *l);
        vxa_case c;
        vxa_error e;
        if (!path || vxa_case_load(path, &c, &e)) {
            fprintf(stderr, "amalgamation: cannot load layout %s\n", *l);
            return 1;
        }
        free(path);
        vxa_memory m = vxa_case_memory(&c);
        for (char **p = profiles; *p; p++) {
            static vxa_profile prof;
            if (vxa_profile_load(*p, &prof, NULL, &e)) {
                fprintf(stderr, "amalgamation: cannot load profile %s\n", *p);
                return 1;
            }
            for (int model = 0; model < VXA_MODEL_COUNT; model++) {
                vxa_input in = { &prof, &c.vmcs, &c.entry, &m, (uint8_t)model, NULL };
                memset(&lib_rep, 0, sizeof lib_rep);
                memset(&am_rep, 0, sizeof am_rep);
                int r1 = vxa_audit(&in, &lib_rep), r2 = amalg_vxa_audit(&in, &am_rep);
                if (r1 != r2 || memcmp(&lib_rep, &am_rep, sizeof lib_rep)) {
                    printf("vxa_audit differs: %s on %s, model %d\n", *l, *p, model);
                    bad++;
                }
                cpu fake = { &prof, &c.vmcs, m };
                vxa_live_ops ops = { cpu_vmread, cpu_rdmsr, cpu_phys, NULL,
                                     { prof.maxphyaddr_default ? 0 : prof.maxphyaddr,
                                       prof.linear_address_width, prof.cpuid, prof.cpuid_known },
                                     (uint8_t)model };
                memset(&lib_rep, 0, sizeof lib_rep);
                memset(&am_rep, 0, sizeof am_rep);
                memset(&lib_ws, 0, sizeof lib_ws);
                memset(&am_ws, 0, sizeof am_ws);
                r1 = vxa_live_audit(&ops, &fake, &c.entry, &lib_ws, &lib_rep);
                r2 = amalg_vxa_live_audit(&ops, &fake, &c.entry, &am_ws, &am_rep);
                if (r1 != r2 || memcmp(&lib_rep, &am_rep, sizeof lib_rep) ||
                    memcmp(&lib_ws, &am_ws, sizeof lib_ws)) {
                    printf("vxa_live_audit differs: %s on %s, model %d\n", *l, *p, model);
                    bad++;
                }
                pairs++;
            }
        }
        vxa_case_free(&c);
    }
    vxa_corpus_list_free(layouts);
    vxa_corpus_list_free(profiles);
    printf("amalgamation: %u layout x profile x model audits (direct and live), %u differ from "
           "the library\n", pairs, bad);
    return bad ? 1 : 0;
}
