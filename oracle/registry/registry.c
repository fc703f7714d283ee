/* registry.c — see oracle_backend.h.  The only place that knows which backends are built. */
#include <stdio.h>
#include <string.h>
#include "oracle_backend.h"

#ifdef VXA_ORACLE_HAVE_BOCHS
extern const struct vxa_oracle_backend vxa_oracle_backend_bochs;
#endif
#ifdef VXA_ORACLE_HAVE_KVM
extern const struct vxa_oracle_backend vxa_oracle_backend_kvm;
#endif

static const struct { const char *name; const struct vxa_oracle_backend *be; } registry[] = {
#ifdef VXA_ORACLE_HAVE_BOCHS
    { "bochs", &vxa_oracle_backend_bochs },
#else
    { "bochs", NULL },
#endif
#ifdef VXA_ORACLE_HAVE_KVM
    { "kvm", &vxa_oracle_backend_kvm },
#else
    { "kvm", NULL },
#endif
};
#define NREG (sizeof registry / sizeof registry[0])

const char *vxa_oracle_backend_name(size_t i) { return i < NREG ? registry[i].name : NULL; }

const struct vxa_oracle_backend *vxa_oracle_backend_find(const char *name)
{
    for (size_t i = 0; name && i < NREG; i++)
        if (!strcmp(registry[i].name, name)) return registry[i].be;
    return NULL;
}

/* The host's CPU, as /proc/cpuinfo names it. */
static void host_cpu(char *buf, size_t n)
{
    snprintf(buf, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10)) continue;
        const char *v = strchr(line, ':');
        if (!v) break;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        size_t l = strcspn(v, "\n");
        snprintf(buf, n, "%.*s", (int)l, v);
        break;
    }
    if (f) fclose(f);
}

int vxa_oracle_open(vxa_oracle *o, const char *name, const struct vxa_oracle_options *opt,
                    char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    if (opt) o->opt = *opt;
    bool known = false;
    for (size_t i = 0; name && i < NREG; i++) known |= !strcmp(registry[i].name, name);
    if (!known) {
        char names[128] = "";
        for (size_t i = 0; i < NREG; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", registry[i].name);
        snprintf(err, errlen, "unknown backend '%s' (%s)", name ? name : "", names);
        return VXA_ORACLE_BAD_INPUT;
    }
    o->backend = vxa_oracle_backend_find(name);
    if (!o->backend) {
        snprintf(err, errlen, "backend '%s' is not built into this vmxaudit", name);
        return VXA_ORACLE_NOT_AVAILABLE;
    }
    snprintf(o->id.backend, sizeof o->id.backend, "%s", name);
    host_cpu(o->id.host, sizeof o->id.host);
    return o->backend->probe(o, err, errlen);
}

int vxa_oracle_run(vxa_oracle *o, const struct vxa_oracle_case *cases, size_t n,
                   struct vxa_oracle_result *out, char *err, size_t errlen)
{
    o->runs++;
    o->cases_run += n;
    return o->backend->run(o, cases, n, out, err, errlen);
}

void vxa_oracle_fact_add(struct vxa_oracle_identity *id, const char *key, const char *value)
{
    if (id->nfacts >= VXA_ORACLE_MAX_FACTS) return;
    struct vxa_oracle_fact *f = &id->facts[id->nfacts++];
    snprintf(f->key, sizeof f->key, "%s", key);
    snprintf(f->value, sizeof f->value, "%s", value);
}

void vxa_oracle_profile_name(char *buf, size_t n, const char *backend, const char *version, const char *cpu)
{
    if (cpu) snprintf(buf, n, "%s-%s-%s", backend, version, cpu);
    else snprintf(buf, n, "%s-host", backend);
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = '-';
}
