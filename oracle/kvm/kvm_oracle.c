/* kvm_oracle.c — the KVM oracle backend (kvm_oracle.h): /dev/kvm, one VM, one memory slot, one
 * vCPU started in 64-bit mode at the payload's 64-bit entry; report lines over port 0xE9.
 *
 * Guest-physical memory (VXA_GUEST_MEGS MiB, one slot), payload_abi.h's map plus the host region:
 *   [0x1000, 0x9f000) [0x100000, 0x1000000)  the case arena (the payload owns it)
 *   [0xa0000, 0xa9000)                       host region: page tables, GDT, TSS, boot stack.
 *                                            Under Bochs this is VGA/ROM space, so the payload
 *                                            never uses it; here it is plain RAM.
 *   VXA_PAYLOAD_BASE                         the payload image
 *   VXA_BATCH_BASE                           the case batch
 */
#include "kvm_oracle.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "payload_abi.h"

/* ---- host region ---------------------------------------------------------------------------- */
#define HR_PML4   0xa0000u
#define HR_PDPT   0xa1000u
#define HR_PD     0xa2000u           /* 4 page directories: 4 GiB identity map, 2 MiB pages */
#define HR_GDT    0xa6000u
#define HR_TSS    0xa6100u
#define HR_STACK  0xa8000u           /* boot stack top (page 0xa7000) */
#define HR_END    0xa9000u
_Static_assert(HR_PML4 == VXA_HOST_REGION_BASE && HR_END == VXA_HOST_REGION_END,
               "the host region is the one payload_abi.h reserves");

#define SEL_CODE64 0x08
#define SEL_DATA   0x10
#define SEL_TSS    0x20

#define MSR_FEATURE_CONTROL 0x3au
#define MSR_VMX_BASIC       0x480u

#define GUEST_MEM ((size_t)VXA_GUEST_MEGS << 20)

const char *const kvm_oracle_param_names[KVM_ORACLE_NPARAMS] = {
    "nested", "nested_early_check", "ept", "unrestricted_guest", "enable_shadow_vmcs"
};

static void fmt(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, size, f, ap);
    va_end(ap);
}

/* Appends to a '\n'-separated message buffer. */
static void append(char *buf, size_t size, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *f, ...)
{
    if (!buf || !size) return;
    size_t n = strlen(buf);
    if (n + 1 >= size) return;
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf + n, size - n, f, ap);
    va_end(ap);
}

/* ---- host facts --------------------------------------------------------------------------------- */

static void read_line_file(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fmt(out, size, "absent");
        return;
    }
    if (!fgets(out, (int)size, f)) out[0] = 0;
    fclose(f);
    out[strcspn(out, "\r\n")] = 0;
    if (!out[0]) fmt(out, size, "empty");
}

static void cpuinfo_value(const char *key, char *out, size_t size)
{
    fmt(out, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0) continue;
        char *colon = strchr(line + klen, ':');
        if (!colon) continue;
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\r\n")] = 0;
        fmt(out, size, "%s", v);
        break;
    }
    fclose(f);
}

void kvm_oracle_host_facts(struct kvm_oracle_host *h)
{
    memset(h, 0, sizeof *h);
    struct utsname u;
    if (uname(&u) == 0) fmt(h->kernel, sizeof h->kernel, "%s", u.release);
    else fmt(h->kernel, sizeof h->kernel, "unknown");
    cpuinfo_value("model name", h->cpu_model, sizeof h->cpu_model);
    cpuinfo_value("vendor_id", h->vendor, sizeof h->vendor);
    for (unsigned i = 0; i < KVM_ORACLE_NPARAMS; i++) {
        char path[128];
        fmt(path, sizeof path, "/sys/module/kvm_intel/parameters/%s", kvm_oracle_param_names[i]);
        read_line_file(path, h->kvm_intel[i], sizeof h->kvm_intel[i]);
    }
}

/* ---- /dev/kvm capabilities ------------------------------------------------------------------------ */

static const char *kvm_device(void)
{
    const char *d = getenv("VXA_KVM_DEVICE");
    return d && *d ? d : "/dev/kvm";
}

static int open_kvm(char *why, size_t size)
{
    const char *dev = kvm_device();
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fmt(why, size, "cannot open %s: %s", dev, strerror(errno));
        return -1;
    }
    int v = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (v != KVM_API_VERSION) {
        fmt(why, size, "%s: KVM API version %d, expected %d", dev, v, KVM_API_VERSION);
        close(fd);
        return -1;
    }
    return fd;
}

/* KVM_GET_SUPPORTED_CPUID; malloc'd, NULL on error. */
static struct kvm_cpuid2 *supported_cpuid(int kvm)
{
    for (unsigned n = 128; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c = calloc(1, sizeof *c + n * sizeof(struct kvm_cpuid_entry2));
        if (!c) return NULL;
        c->nent = n;
        if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) == 0) return c;
        int e = errno;
        free(c);
        if (e != E2BIG) return NULL;
    }
    return NULL;
}

static const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid2 *c, uint32_t fn, uint32_t idx)
{
    for (unsigned i = 0; i < c->nent; i++)
        if (c->entries[i].function == fn &&
            (!(c->entries[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || c->entries[i].index == idx))
            return &c->entries[i];
    return NULL;
}

static void read_feature_msrs(int kvm, struct kvm_oracle_caps *caps)
{
    struct kvm_msr_list probe = { .nmsrs = 0 };
    if (ioctl(kvm, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 && errno != E2BIG) return;
    if (probe.nmsrs == 0) return;
    struct kvm_msr_list *l = calloc(1, sizeof *l + probe.nmsrs * sizeof(uint32_t));
    if (!l) return;
    l->nmsrs = probe.nmsrs;
    if (ioctl(kvm, KVM_GET_MSR_FEATURE_INDEX_LIST, l) == 0) {
        for (unsigned i = 0; i < l->nmsrs; i++) {
            uint32_t m = l->indices[i];
            if (m < MSR_VMX_BASIC || m >= MSR_VMX_BASIC + VXA_MSR_COUNT) continue;
            uint64_t q[(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)) / 8 + 1];
            memset(q, 0, sizeof q);
            struct kvm_msrs *h = (struct kvm_msrs *)q;
            h->nmsrs = 1;
            h->entries[0].index = m;
            if (ioctl(kvm, KVM_GET_MSRS, h) == 1) {
                caps->vmx_msr[m - MSR_VMX_BASIC] = h->entries[0].data;
                caps->vmx_msr_present |= 1u << (m - MSR_VMX_BASIC);
            }
        }
    }
    free(l);
}

int kvm_oracle_probe_caps(const struct kvm_oracle_host *h, struct kvm_oracle_caps *caps)
{
    memset(caps, 0, sizeof *caps);
    int kvm = open_kvm(caps->why, sizeof caps->why);
    if (kvm < 0) return KVM_ORACLE_UNAVAILABLE;
    caps->kvm_usable = true;
    struct kvm_cpuid2 *c = supported_cpuid(kvm);
    if (!c) {
        fmt(caps->why, sizeof caps->why, "KVM_GET_SUPPORTED_CPUID failed: %s", strerror(errno));
        close(kvm);
        return KVM_ORACLE_UNAVAILABLE;
    }
    const struct kvm_cpuid_entry2 *l1 = cpuid_find(c, 1, 0);
    caps->cpuid1_ecx = l1 ? l1->ecx : 0;
    caps->vmx = (caps->cpuid1_ecx >> 5) & 1;
    free(c);
    read_feature_msrs(kvm, caps);
    close(kvm);

    const char *nested = h->kvm_intel[0];
    if (!caps->vmx) {
        if (strcmp(h->vendor, "GenuineIntel") != 0)
            fmt(caps->why, sizeof caps->why,
                "host CPU is %s; KVM_GET_SUPPORTED_CPUID has CPUID.1:ECX.VMX = 0", h->vendor);
        else if (strcmp(nested, "absent") == 0)
            fmt(caps->why, sizeof caps->why,
                "kvm_intel is not loaded; KVM_GET_SUPPORTED_CPUID has CPUID.1:ECX.VMX = 0");
        else
            fmt(caps->why, sizeof caps->why,
                "kvm_intel nested=%s; KVM_GET_SUPPORTED_CPUID has CPUID.1:ECX.VMX = 0", nested);
        return KVM_ORACLE_UNAVAILABLE;
    }
    if (!(caps->vmx_msr_present & 1u)) {
        fmt(caps->why, sizeof caps->why,
            "KVM_GET_MSR_FEATURE_INDEX_LIST has no IA32_VMX_BASIC (kvm_intel nested=%s)", nested);
        caps->vmx = false;
        return KVM_ORACLE_UNAVAILABLE;
    }
    return KVM_ORACLE_OK;
}

/* ---- payload image ------------------------------------------------------------------------------- */

void kvm_oracle_image_free(struct kvm_oracle_image *img)
{
    free(img->mem);
    memset(img, 0, sizeof *img);
}

static const Elf64_Sym *elf_symbol(const struct kvm_oracle_image *img, const char *name)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->mem;
    if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
        eh->e_shoff > img->len || (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > img->len - eh->e_shoff)
        return NULL;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img->mem + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
        const Elf64_Shdr *st = &sh[sh[i].sh_link];
        if (sh[i].sh_offset > img->len || sh[i].sh_size > img->len - sh[i].sh_offset ||
            st->sh_offset > img->len || st->sh_size > img->len - st->sh_offset)
            continue;
        const Elf64_Sym *sym = (const Elf64_Sym *)(img->mem + sh[i].sh_offset);
        const char *str = (const char *)(img->mem + st->sh_offset);
        size_t n = sh[i].sh_size / sizeof *sym;
        for (size_t k = 0; k < n; k++) {
            if (sym[k].st_name >= st->sh_size) continue;
            const char *s = str + sym[k].st_name;
            if (strnlen(s, st->sh_size - sym[k].st_name) < st->sh_size - sym[k].st_name &&
                strcmp(s, name) == 0)
                return &sym[k];
        }
    }
    return NULL;
}

int kvm_oracle_image_load(const char *path, uint64_t entry64, struct kvm_oracle_image *img,
                          char *err, size_t errsize)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fmt(err, errsize, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > (off_t)GUEST_MEM) {
        fmt(err, errsize, "%s: not a payload image (size)", path);
        fclose(f);
        return -1;
    }
    img->len = (size_t)st.st_size;
    img->mem = malloc(img->len);
    if (!img->mem || fread(img->mem, 1, img->len, f) != img->len) {
        fmt(err, errsize, "%s: read error", path);
        fclose(f);
        kvm_oracle_image_free(img);
        return -1;
    }
    fclose(f);
    img->elf = img->len >= sizeof(Elf64_Ehdr) && memcmp(img->mem, ELFMAG, SELFMAG) == 0;
    if (img->elf) {
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->mem;
        if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
            eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > img->len ||
            (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > img->len - eh->e_phoff) {
            fmt(err, errsize, "%s: not an x86-64 ELF executable", path);
            kvm_oracle_image_free(img);
            return -1;
        }
        const Elf64_Sym *s;
        if (entry64) {
            img->entry64 = entry64;
            img->entry_symbol = "option";
        } else if ((s = elf_symbol(img, "vxa_entry64")) && s->st_value) {
            img->entry64 = s->st_value;
            img->entry_symbol = "vxa_entry64";
        }
    } else {
        img->entry64 = entry64 ? entry64 : VXA_PAYLOAD_ENTRY64;   /* flat: the ABI's address */
        img->entry_symbol = entry64 ? "option" : "abi";
    }
    if (!img->entry64) {
        fmt(err, errsize, "%s: no 64-bit entry point (no symbol vxa_entry64)", path);
        kvm_oracle_image_free(img);
        return -1;
    }
    return 0;
}

/* Places the image in guest memory. */
static int image_place(const struct kvm_oracle_image *img, uint8_t *mem, char *err, size_t errsize)
{
    if (!img->elf) {
        if (img->len > VXA_PAYLOAD_MAX) {
            fmt(err, errsize, "flat payload image larger than VXA_PAYLOAD_MAX");
            return -1;
        }
        memcpy(mem + VXA_PAYLOAD_BASE, img->mem, img->len);
        return 0;
    }
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->mem;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->mem + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD) continue;
        uint64_t a = ph[i].p_paddr, fs = ph[i].p_filesz, ms = ph[i].p_memsz;
        if (fs > ms || ph[i].p_offset > img->len || fs > img->len - ph[i].p_offset ||
            a > GUEST_MEM || ms > GUEST_MEM - a || (a < HR_END && a + ms > HR_PML4)) {
            fmt(err, errsize, "ELF segment %u [0x%llx, +0x%llx) is outside the guest's RAM or "
                "overlaps the host region", i, (unsigned long long)a, (unsigned long long)ms);
            return -1;
        }
        memcpy(mem + a, img->mem + ph[i].p_offset, fs);
        memset(mem + a + fs, 0, ms - fs);
    }
    return 0;
}

/* ---- profile ------------------------------------------------------------------------------------ */

static const char *msr_name(unsigned i)
{
    const char *n = vxa_msr_name(i);
    return n ? n : "IA32_VMX_?";
}

/* The bits KVM derives into a non-TRUE control MSR's allowed-0: the default1 class (SDM A.2) of
 * the control word that MSR reports. */
static uint64_t default1_of_msr(unsigned i)
{
    for (unsigned w = 0; w < VXA_WORD_COUNT; w++) {
        const vxa_word_info *wi = vxa_word_get((vxa_word)w);
        if (wi && wi->msr == i) return wi->default1;
    }
    return 0;
}

int kvm_oracle_profile_plan(const struct kvm_oracle_caps *caps, const vxa_profile *p,
                            struct kvm_oracle_msr *writes, unsigned *nwrites,
                            char *err, size_t errsize, char *notes, size_t notessize)
{
    *nwrites = 0;
    if (err && errsize) err[0] = 0;
    if (notes && notessize) notes[0] = 0;
    if (!p) return 0;
    int bad = 0;
    const uint64_t *k = caps->vmx_msr;
#define HAS_K(i) ((caps->vmx_msr_present >> (i)) & 1u)
#define REFUSE(...) do { append(err, errsize, __VA_ARGS__); append(err, errsize, "\n"); bad = 1; } while (0)
#define NOTE(...) do { append(notes, notessize, __VA_ARGS__); append(notes, notessize, "\n"); } while (0)
#define WRITE(i, v) do { writes[*nwrites].index = MSR_VMX_BASIC + (i); writes[(*nwrites)++].value = (v); } while (0)

    for (unsigned i = 0; i < VXA_MSR_COUNT; i++) {
        if (!vxa_profile_has(p, i)) continue;
        uint64_t v = p->msr[i];
        const char *n = msr_name(i);
        if (!HAS_K(i)) {
            if (v != 0) REFUSE("%s (0x%x): KVM does not offer this MSR; the profile has 0x%llx", n,
                               MSR_VMX_BASIC + i, (unsigned long long)v);
            continue;
        }
        uint64_t kv = k[i];
        switch (i) {
        case VXA_MSR_BASIC: {
            const uint64_t feat = (1ull << 49) | (1ull << 54) | (1ull << 55) | (1ull << 56);
            const uint64_t fixed = (1ull << 48) | (0xfull << 50);
            if ((v & fixed) != (kv & fixed))
                REFUSE("IA32_VMX_BASIC (0x480): bits 0x%llx differ from KVM's (profile 0x%llx, KVM "
                       "0x%llx); KVM lets userspace change only bits 49, 54, 55, 56",
                       (unsigned long long)((v ^ kv) & fixed), (unsigned long long)(v & fixed),
                       (unsigned long long)(kv & fixed));
            if (v & feat & ~kv)
                REFUSE("IA32_VMX_BASIC (0x480): profile sets bits 0x%llx that KVM does not offer",
                       (unsigned long long)(v & feat & ~kv));
            if ((v ^ kv) & 0x1fff7fffffffull)
                NOTE("IA32_VMX_BASIC: keeping KVM's VMCS revision 0x%llx and region size 0x%llx "
                     "(profile: 0x%llx, 0x%llx)", (unsigned long long)(kv & 0x7fffffff),
                     (unsigned long long)((kv >> 32) & 0x1fff), (unsigned long long)(v & 0x7fffffff),
                     (unsigned long long)((v >> 32) & 0x1fff));
            WRITE(i, (kv & ~feat) | (v & feat));
            break;
        }
        case VXA_MSR_PINBASED_CTLS: case VXA_MSR_PROCBASED_CTLS:
        case VXA_MSR_EXIT_CTLS: case VXA_MSR_ENTRY_CTLS:
        case VXA_MSR_TRUE_PINBASED_CTLS: case VXA_MSR_TRUE_PROCBASED_CTLS:
        case VXA_MSR_TRUE_EXIT_CTLS: case VXA_MSR_TRUE_ENTRY_CTLS:
        case VXA_MSR_PROCBASED_CTLS2: {
            uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
            uint32_t klo = (uint32_t)kv, khi = (uint32_t)(kv >> 32);
            if (hi & ~khi)
                REFUSE("%s (0x%x): allowed-1 bits 0x%x are not offered by KVM (KVM allowed-1 0x%x)",
                       n, MSR_VMX_BASIC + i, hi & ~khi, khi);
            if (klo & ~lo)
                REFUSE("%s (0x%x): KVM requires bits 0x%x to be 1 (allowed-0 0x%x); the profile "
                       "allows them to be 0", n, MSR_VMX_BASIC + i, klo & ~lo, klo);
            if (i >= VXA_MSR_PINBASED_CTLS && i <= VXA_MSR_ENTRY_CTLS) {
                /* Not writable: KVM derives it from the TRUE MSR (or, when the profile has no
                 * TRUE MSR, the profile's value is written as the TRUE one below). */
                unsigned t = i + (VXA_MSR_TRUE_PINBASED_CTLS - VXA_MSR_PINBASED_CTLS);
                if (!vxa_profile_has(p, t) || !(p->msr[VXA_MSR_BASIC] >> 55 & 1)) {
                    if (!vxa_profile_has(p, t)) WRITE(t, v);
                } else {
                    uint64_t want = p->msr[t] | default1_of_msr(i);
                    if (want != v)
                        NOTE("%s: KVM derives it from %s as 0x%llx; the profile has 0x%llx", n,
                             msr_name(t), (unsigned long long)want, (unsigned long long)v);
                }
                break;
            }
            WRITE(i, v);
            break;
        }
        case VXA_MSR_MISC: {
            const uint64_t keep = 0x1full | 0xffffffff00000000ull;     /* timer rate, MSEG rev */
            const uint64_t cnt = (0x1ffull << 16) | (7ull << 25);
            const uint64_t feat = ~(keep | cnt);
            if (v & feat & ~kv)
                REFUSE("IA32_VMX_MISC (0x485): profile sets bits 0x%llx that KVM does not offer",
                       (unsigned long long)(v & feat & ~kv));
            if (((v >> 16) & 0x1ff) > ((kv >> 16) & 0x1ff))
                REFUSE("IA32_VMX_MISC (0x485): CR3-target count %llu exceeds KVM's %llu",
                       (unsigned long long)((v >> 16) & 0x1ff), (unsigned long long)((kv >> 16) & 0x1ff));
            if (((v >> 25) & 7) > ((kv >> 25) & 7))
                REFUSE("IA32_VMX_MISC (0x485): MSR-list size field %llu exceeds KVM's %llu",
                       (unsigned long long)((v >> 25) & 7), (unsigned long long)((kv >> 25) & 7));
            if ((v ^ kv) & keep)
                NOTE("IA32_VMX_MISC: keeping KVM's preemption-timer rate %llu and MSEG revision "
                     "0x%llx (profile: %llu, 0x%llx)", (unsigned long long)(kv & 0x1f),
                     (unsigned long long)(kv >> 32), (unsigned long long)(v & 0x1f),
                     (unsigned long long)(v >> 32));
            WRITE(i, (kv & keep) | (v & (feat | cnt)));
            break;
        }
        case VXA_MSR_CR0_FIXED0: case VXA_MSR_CR4_FIXED0:
            if (kv & ~v)
                REFUSE("%s (0x%x): KVM requires bits 0x%llx to be 1; the profile allows 0", n,
                       MSR_VMX_BASIC + i, (unsigned long long)(kv & ~v));
            WRITE(i, v);
            break;
        case VXA_MSR_CR0_FIXED1: case VXA_MSR_CR4_FIXED1:
            if (v & ~kv)
                REFUSE("%s (0x%x): profile allows bits 0x%llx to be 1; KVM does not", n,
                       MSR_VMX_BASIC + i, (unsigned long long)(v & ~kv));
            if (kv & ~v)
                NOTE("%s: not writable (KVM computes it from the guest CPUID); bits 0x%llx stay "
                     "allowed under KVM", n, (unsigned long long)(kv & ~v));
            break;
        case VXA_MSR_VMCS_ENUM:
            WRITE(i, v);
            break;
        default:   /* EPT_VPID_CAP, VMFUNC, PROCBASED_CTLS3, EXIT_CTLS2: subsets */
            if (v & ~kv)
                REFUSE("%s (0x%x): profile sets bits 0x%llx that KVM does not offer", n,
                       MSR_VMX_BASIC + i, (unsigned long long)(v & ~kv));
            if (v != kv) WRITE(i, v);
            break;
        }
    }
    /* a TRUE MSR written from a non-TRUE one may come twice: keep the last */
    for (unsigned a = 0; a < *nwrites; a++)
        for (unsigned b = a + 1; b < *nwrites; b++)
            if (writes[a].index == writes[b].index) writes[a].index = 0;
    unsigned o = 0;
    for (unsigned a = 0; a < *nwrites; a++)
        if (writes[a].index) writes[o++] = writes[a];
    *nwrites = o;
    if (bad && err) {
        size_t n = strlen(err);
        if (n && err[n - 1] == '\n') err[n - 1] = 0;
    }
    return bad ? -1 : 0;
#undef HAS_K
#undef REFUSE
#undef NOTE
#undef WRITE
}

/* ---- batch -------------------------------------------------------------------------------------- */

struct batch_index {
    unsigned n;
    size_t *off;                   /* record offsets */
    uint32_t *id;
};

static int batch_parse(const uint8_t *b, size_t len, struct batch_index *bi, char *err, size_t errsize)
{
    memset(bi, 0, sizeof *bi);
    if (!b || len == 0) return 0;
    const struct vxa_batch_header *h = (const void *)b;
    if (len < sizeof *h || h->magic != VXA_BATCH_MAGIC) {
        fmt(err, errsize, "not a case batch (magic)");
        return -1;
    }
    if (h->size < sizeof *h || h->size > len || h->size > VXA_BATCH_MAX) {
        fmt(err, errsize, "batch size %u does not fit (file %zu bytes, maximum %u)", h->size, len,
            (unsigned)VXA_BATCH_MAX);
        return -1;
    }
    if (h->count > (h->size - sizeof *h) / sizeof(struct vxa_batch_case)) {
        fmt(err, errsize, "batch count %u does not fit its size", h->count);
        return -1;
    }
    bi->off = calloc(h->count + 1, sizeof *bi->off);
    bi->id = calloc(h->count + 1, sizeof *bi->id);
    if (!bi->off || !bi->id) {
        fmt(err, errsize, "out of memory");
        return -1;
    }
    size_t p = sizeof *h;
    for (uint32_t i = 0; i < h->count; i++) {
        struct vxa_batch_case c;
        if (p + sizeof c > h->size) {
            fmt(err, errsize, "batch record %u is truncated", i);
            return -1;
        }
        memcpy(&c, b + p, sizeof c);
        if (c.size < sizeof c || c.size % 8 || c.size > h->size - p) {
            fmt(err, errsize, "batch record %u (id %u) has a bad size %u", i, c.id, c.size);
            return -1;
        }
        bi->off[i] = p;
        bi->id[i] = c.id;
        p += c.size;
    }
    bi->n = h->count;
    return 0;
}

static void batch_free(struct batch_index *bi)
{
    free(bi->off);
    free(bi->id);
}

/* Writes a batch of the records not yet observed into guest memory. */
static void batch_place(uint8_t *mem, const uint8_t *b, const struct batch_index *bi,
                        const struct kvm_oracle_case_result *res, const bool *observed)
{
    if (!b) return;                /* no batch: the payload probes and stops */
    struct vxa_batch_header h = { VXA_BATCH_MAGIC, sizeof h, 0, 0 };
    uint8_t *dst = mem + VXA_BATCH_BASE;
    size_t p = sizeof h;
    for (unsigned i = 0; i < bi->n; i++) {
        if (observed[i]) continue;
        const struct vxa_batch_case *c = (const void *)(b + bi->off[i]);
        memcpy(dst + p, c, c->size);
        p += c->size;
        h.count++;
    }
    (void)res;
    h.size = (uint32_t)p;
    memcpy(dst, &h, sizeof h);
}

/* ---- the VM ------------------------------------------------------------------------------------- */

struct vm {
    int kvm, vm, vcpu;
    uint8_t *mem;
    struct kvm_run *run;
    size_t run_size;
};

static void vm_destroy(struct vm *v)
{
    if (v->run && v->run != MAP_FAILED) munmap(v->run, v->run_size);
    if (v->vcpu >= 0) close(v->vcpu);
    if (v->vm >= 0) close(v->vm);
    if (v->kvm >= 0) close(v->kvm);
    if (v->mem && v->mem != MAP_FAILED) munmap(v->mem, GUEST_MEM);
    memset(v, 0, sizeof *v);
    v->kvm = v->vm = v->vcpu = -1;
}

static void build_host_region(uint8_t *mem)
{
    uint64_t *pml4 = (uint64_t *)(mem + HR_PML4), *pdpt = (uint64_t *)(mem + HR_PDPT);
    uint64_t *pd = (uint64_t *)(mem + HR_PD);
    pml4[0] = HR_PDPT | 3;
    for (unsigned i = 0; i < 4; i++) pdpt[i] = (HR_PD + 0x1000u * i) | 3;
    for (uint64_t i = 0; i < 2048; i++) pd[i] = (i << 21) | 0x83;    /* P, RW, PS */
    uint64_t *gdt = (uint64_t *)(mem + HR_GDT);
    gdt[0] = 0;
    gdt[1] = 0x00af9b000000ffffull;      /* 0x08: 64-bit code */
    gdt[2] = 0x00cf93000000ffffull;      /* 0x10: flat data */
    gdt[3] = 0x00cf9b000000ffffull;      /* 0x18: flat 32-bit code */
    uint64_t b = HR_TSS, lim = 0x67;
    gdt[4] = (lim & 0xffff) | ((b & 0xffffff) << 16) | (0x8bull << 40) |  /* P, busy 64-bit TSS */
             (((lim >> 16) & 0xf) << 48) | (((b >> 24) & 0xff) << 56);
    gdt[5] = b >> 32;
    *(uint16_t *)(mem + HR_TSS + 0x66) = 0x68;            /* no I/O bitmap */
}

static int set_msrs(int vcpu, const struct kvm_oracle_msr *m, unsigned n, char *err, size_t errsize)
{
    if (!n) return 0;
    struct kvm_msrs *s = calloc(1, sizeof *s + n * sizeof(struct kvm_msr_entry));
    if (!s) return -1;
    s->nmsrs = n;
    for (unsigned i = 0; i < n; i++) {
        s->entries[i].index = m[i].index;
        s->entries[i].data = m[i].value;
    }
    int r = ioctl(vcpu, KVM_SET_MSRS, s);
    free(s);
    if (r == (int)n) return 0;
    if (r < 0) fmt(err, errsize, "KVM_SET_MSRS: %s", strerror(errno));
    else if (m[r].index >= MSR_VMX_BASIC && m[r].index < MSR_VMX_BASIC + VXA_MSR_COUNT)
        fmt(err, errsize, "KVM refused %s (0x%x) = 0x%llx", msr_name(m[r].index - MSR_VMX_BASIC),
            m[r].index, (unsigned long long)m[r].value);
    else
        fmt(err, errsize, "KVM refused MSR 0x%x = 0x%llx", m[r].index, (unsigned long long)m[r].value);
    return -1;
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code64)
{
    memset(s, 0, sizeof *s);
    s->base = 0;
    s->limit = 0xffffffffu;
    s->selector = sel;
    s->type = type;
    s->present = 1;
    s->dpl = 0;
    s->s = 1;
    s->l = code64;
    s->db = !code64;
    s->g = 1;
}

/* Creates the VM and vCPU with the image and batch in memory, ready to run. */
static int vm_create(struct vm *v, const struct kvm_oracle_config *cfg, const struct kvm_oracle_caps *caps,
                     const struct kvm_oracle_msr *writes, unsigned nwrites,
                     const uint8_t *batch, const struct batch_index *bi,
                     const struct kvm_oracle_case_result *res, const bool *observed,
                     char *err, size_t errsize)
{
    memset(v, 0, sizeof *v);
    v->kvm = v->vm = v->vcpu = -1;
#define FAIL(...) do { fmt(err, errsize, __VA_ARGS__); return -1; } while (0)
    if ((v->kvm = open_kvm(err, errsize)) < 0) return -1;
    if ((v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0)) < 0) FAIL("KVM_CREATE_VM: %s", strerror(errno));
    v->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (v->mem == MAP_FAILED) FAIL("mmap of %zu bytes of guest memory: %s", GUEST_MEM, strerror(errno));
    build_host_region(v->mem);
    if (image_place(cfg->image, v->mem, err, errsize)) return -1;
    batch_place(v->mem, batch, bi, res, observed);
    struct kvm_userspace_memory_region r = { .slot = 0, .guest_phys_addr = 0,
                                             .memory_size = GUEST_MEM,
                                             .userspace_addr = (uintptr_t)v->mem };
    if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        FAIL("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
    if ((v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0)) < 0) FAIL("KVM_CREATE_VCPU: %s", strerror(errno));
    int rs = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (rs < (int)sizeof(struct kvm_run)) FAIL("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    v->run_size = (size_t)rs;
    v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
    if (v->run == MAP_FAILED) FAIL("mmap of kvm_run: %s", strerror(errno));

    /* CPUID: what KVM supports, VMX included where it offers it.  Before the MSRs: KVM adjusts
     * the nested VMX MSRs to the guest CPUID when it is set. */
    struct kvm_cpuid2 *c = supported_cpuid(v->kvm);
    if (!c) FAIL("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
    int e = ioctl(v->vcpu, KVM_SET_CPUID2, c);
    free(c);
    if (e < 0) FAIL("KVM_SET_CPUID2: %s", strerror(errno));

    if (caps->vmx) {
        /* IA32_FEATURE_CONTROL: locked, VMX outside SMX (SDM 25.7) */
        struct kvm_oracle_msr fc = { MSR_FEATURE_CONTROL, 0x5 };
        if (set_msrs(v->vcpu, &fc, 1, err, errsize)) return -1;
        if (set_msrs(v->vcpu, writes, nwrites, err, errsize)) return -2;   /* profile refused */
    }

    struct kvm_sregs sr;
    if (ioctl(v->vcpu, KVM_GET_SREGS, &sr) < 0) FAIL("KVM_GET_SREGS: %s", strerror(errno));
    seg(&sr.cs, SEL_CODE64, 0xb, true);
    seg(&sr.ds, SEL_DATA, 0x3, false);
    sr.es = sr.ss = sr.fs = sr.gs = sr.ds;
    memset(&sr.tr, 0, sizeof sr.tr);
    sr.tr.base = HR_TSS;
    sr.tr.limit = 0x67;
    sr.tr.selector = SEL_TSS;
    sr.tr.type = 0xb;
    sr.tr.present = 1;
    memset(&sr.ldt, 0, sizeof sr.ldt);
    sr.ldt.type = 2;
    sr.ldt.unusable = 1;
    sr.gdt.base = HR_GDT;                /* vxa_entry64 loads its own GDT, CR3 and stack */
    sr.gdt.limit = 6 * 8 - 1;
    sr.idt.base = 0;
    sr.idt.limit = 0;
    sr.cr0 = 0x80000031ull;              /* PG, NE, ET, PE */
    sr.cr3 = HR_PML4;
    sr.cr4 = 0x20;                       /* PAE */
    sr.efer = 0x500;                     /* LMA, LME */
    if (ioctl(v->vcpu, KVM_SET_SREGS, &sr) < 0) FAIL("KVM_SET_SREGS: %s", strerror(errno));

    struct kvm_regs rg;
    memset(&rg, 0, sizeof rg);
    rg.rflags = 0x2;
    rg.rip = cfg->image->entry64;
    rg.rsp = HR_STACK;                   /* unused by the payload; the stand-in guest uses it */
    if (ioctl(v->vcpu, KVM_SET_REGS, &rg) < 0) FAIL("KVM_SET_REGS: %s", strerror(errno));
    return 0;
#undef FAIL
}

/* ---- timeouts --------------------------------------------------------------------------------- */

static volatile sig_atomic_t alarm_fired;
static struct kvm_run *volatile alarm_run;

static void on_alarm(int sig)
{
    (void)sig;
    alarm_fired = 1;
    struct kvm_run *r = alarm_run;
    if (r) r->immediate_exit = 1;
}

static void arm(unsigned ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (long)(ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- the run loop ------------------------------------------------------------------------------- */

struct runner {
    const struct kvm_oracle_config *cfg;
    struct kvm_oracle_run_result *out;
    struct batch_index *bi;
    bool *observed;
    int current;                   /* index of the case in progress ("@B" seen), -1 none */
    unsigned first;                /* no case before this index is unobserved */
    unsigned reported_this_vm;
    bool began_this_vm;
    char line[4096];
    size_t linelen;
    char port8900[16];
    size_t p8900len;
    char last_fault[256];          /* the payload's last "@H fault" line */
    unsigned vm_index;
};

static void emit(struct runner *r, const char *line)
{
    if (r->cfg->on_line) r->cfg->on_line(r->cfg->ctx, line);
}

static void emitf(struct runner *r, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void emitf(struct runner *r, const char *f, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    emit(r, buf);
}

static int find_case(struct runner *r, uint32_t id)
{
    if (r->current >= 0 && r->bi->id[r->current] == id && !r->observed[r->current]) return r->current;
    /* the payload runs the cases in batch order: search from the first one not yet observed */
    while (r->first < r->bi->n && r->observed[r->first]) r->first++;
    for (unsigned i = r->first; i < r->bi->n; i++)
        if (!r->observed[i] && r->bi->id[i] == id) return (int)i;
    return -1;
}

static void handle_line(struct runner *r, char *line)
{
    emit(r, line);
    unsigned long id;
    char *end;
    if (strncmp(line, "@B ", 3) == 0) {
        id = strtoul(line + 3, &end, 16);
        r->current = find_case(r, (uint32_t)id);
        r->began_this_vm = true;
        arm(r->cfg->timeout_ms);
    } else if (strncmp(line, "@R ", 3) == 0) {
        id = strtoul(line + 3, &end, 16);
        int i = find_case(r, (uint32_t)id);
        if (i >= 0) {
            struct kvm_oracle_case_result *c = &r->out->cases[i];
            c->kind = KVM_CASE_REPORTED;
            fmt(c->line, sizeof c->line, "%s", line);
            c->vm = r->vm_index;
            r->observed[i] = true;
            r->reported_this_vm++;
        }
        r->current = -1;
        arm(r->cfg->timeout_ms);
    } else if (strcmp(line, "@E done") == 0) {
        r->out->done = true;
    } else if (strncmp(line, "@H fault", 8) == 0) {
        fmt(r->last_fault, sizeof r->last_fault, "%s", line + 3);
    } else if (strcmp(line, "@H ready") == 0) {
        arm(r->cfg->timeout_ms);
    }
}

static void pio_out(struct runner *r, uint16_t port, const uint8_t *data, size_t n)
{
    if (port == VXA_E9_PORT) {
        for (size_t i = 0; i < n; i++) {
            char ch = (char)data[i];
            if (ch == '\n') {
                r->line[r->linelen] = 0;
                handle_line(r, r->line);
                r->linelen = 0;
            } else if (r->linelen + 1 < sizeof r->line) {
                r->line[r->linelen++] = ch;
            }
        }
    } else if (port == 0x8900) {
        for (size_t i = 0; i < n && r->p8900len + 1 < sizeof r->port8900; i++)
            r->port8900[r->p8900len++] = (char)data[i];
        r->port8900[r->p8900len] = 0;
    }
}

enum stop { STOP_END, STOP_CRASH, STOP_TIMEOUT };

/* Runs the vCPU until the payload stops, dies or hangs.  detail: how it died. */
static enum stop vcpu_loop(struct runner *r, struct vm *v, char *detail, size_t dsize)
{
    for (;;) {
        if (alarm_fired) {
            fmt(detail, dsize, "no report within %u ms", r->cfg->timeout_ms);
            return STOP_TIMEOUT;
        }
        int e = ioctl(v->vcpu, KVM_RUN, 0);
        if (e < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                v->run->immediate_exit = 0;
                continue;                  /* alarm_fired is checked at the top */
            }
            fmt(detail, dsize, "KVM_RUN: %s", strerror(errno));
            return STOP_CRASH;
        }
        struct kvm_run *run = v->run;
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (run->io.direction == KVM_EXIT_IO_OUT) {
                pio_out(r, run->io.port, (const uint8_t *)run + run->io.data_offset,
                        (size_t)run->io.size * run->io.count);
                if (strcmp(r->port8900, "Shutdown") == 0) return STOP_END;
            } else {
                memset((uint8_t *)run + run->io.data_offset, 0xff, (size_t)run->io.size * run->io.count);
            }
            break;
        case KVM_EXIT_HLT:
            return STOP_END;
        case KVM_EXIT_SHUTDOWN:
            fmt(detail, dsize, "triple-fault");
            return STOP_CRASH;
        case KVM_EXIT_FAIL_ENTRY:
            fmt(detail, dsize, "fail-entry reason=0x%llx",
                (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
            return STOP_CRASH;
        case KVM_EXIT_INTERNAL_ERROR:
            fmt(detail, dsize, "internal-error suberror=%u", run->internal.suberror);
            return STOP_CRASH;
        case KVM_EXIT_MMIO:
            fmt(detail, dsize, "mmio addr=0x%llx (outside the guest's RAM)",
                (unsigned long long)run->mmio.phys_addr);
            return STOP_CRASH;
        case KVM_EXIT_INTR:
            break;
        default:
            fmt(detail, dsize, "exit-reason=%u", run->exit_reason);
            return STOP_CRASH;
        }
    }
}

static void vm_rip(struct vm *v, char *buf, size_t size)
{
    struct kvm_regs rg;
    if (ioctl(v->vcpu, KVM_GET_REGS, &rg) == 0)
        fmt(buf, size, " rip=0x%llx", (unsigned long long)rg.rip);
    else
        buf[0] = 0;
}

int kvm_oracle_run(const struct kvm_oracle_config *cfg_in, const void *batch, size_t batch_len,
                   struct kvm_oracle_run_result *out)
{
    struct kvm_oracle_config cfg = *cfg_in;
    if (!cfg.timeout_ms) cfg.timeout_ms = 3000;
    memset(out, 0, sizeof *out);
    kvm_oracle_host_facts(&out->host);

    struct batch_index bi;
    if (batch_parse(batch, batch_len, &bi, out->why, sizeof out->why)) {
        batch_free(&bi);
        return KVM_ORACLE_BAD_INPUT;
    }
    struct kvm_oracle_caps caps;
    int st = kvm_oracle_probe_caps(&out->host, &caps);
    if (st != KVM_ORACLE_OK && !(cfg.force && caps.kvm_usable)) {
        fmt(out->why, sizeof out->why, "%s%s", caps.kvm_usable ? "KVM offers no VMX to guests: " : "",
            caps.why);
        batch_free(&bi);
        return KVM_ORACLE_UNAVAILABLE;
    }
    struct kvm_oracle_msr writes[VXA_MSR_COUNT];
    unsigned nwrites = 0;
    char notes[1024];
    if (caps.vmx && kvm_oracle_profile_plan(&caps, cfg.profile, writes, &nwrites, out->why,
                                            sizeof out->why, notes, sizeof notes)) {
        batch_free(&bi);
        return KVM_ORACLE_BAD_INPUT;
    }

    out->ncases = bi.n;
    out->cases = calloc(bi.n + 1, sizeof *out->cases);
    bool *observed = calloc(bi.n + 1, sizeof *observed);
    if (!out->cases || !observed) {
        fmt(out->why, sizeof out->why, "out of memory");
        free(observed);
        batch_free(&bi);
        return KVM_ORACLE_FAILED;
    }
    for (unsigned i = 0; i < bi.n; i++) {
        out->cases[i].id = bi.id[i];
        out->cases[i].kind = KVM_CASE_NOT_RUN;
    }

    struct runner r = { .cfg = &cfg, .out = out, .bi = &bi, .observed = observed, .current = -1 };
    emitf(&r, "@K kernel %s", out->host.kernel);
    emitf(&r, "@K cpu %s (%s)", out->host.cpu_model, out->host.vendor);
    emitf(&r, "@K kvm_intel %s=%s %s=%s %s=%s %s=%s %s=%s", kvm_oracle_param_names[0],
          out->host.kvm_intel[0], kvm_oracle_param_names[1], out->host.kvm_intel[1],
          kvm_oracle_param_names[2], out->host.kvm_intel[2], kvm_oracle_param_names[3],
          out->host.kvm_intel[3], kvm_oracle_param_names[4], out->host.kvm_intel[4]);
    emitf(&r, "@K vmx %s", caps.vmx ? "offered" : caps.why);
    emitf(&r, "@K entry 0x%llx (%s)", (unsigned long long)cfg.image->entry64, cfg.image->entry_symbol);
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if (caps.vmx_msr_present >> i & 1)
            emitf(&r, "@K kvm-max %x %llx", MSR_VMX_BASIC + i, (unsigned long long)caps.vmx_msr[i]);
    for (unsigned i = 0; i < nwrites; i++)
        emitf(&r, "@K set %x %llx", writes[i].index, (unsigned long long)writes[i].value);
    for (char *n = notes, *nl; caps.vmx && *n; n = nl + 1) {
        nl = strchr(n, '\n');
        if (!nl) nl = n + strlen(n) - 1;
        char l[512];
        fmt(l, sizeof l, "@K note %.*s", (int)(nl - n + (*nl != '\n')), n);
        emit(&r, l);
    }

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);     /* no SA_RESTART: KVM_RUN returns EINTR */

    int status = KVM_ORACLE_OK;
    for (;;) {
        struct vm v;
        char err[512] = "";
        int c = vm_create(&v, &cfg, &caps, writes, nwrites, batch, &bi, out->cases, observed,
                          err, sizeof err);
        if (c) {
            fmt(out->why, sizeof out->why, "%s", err);
            status = c == -2 ? KVM_ORACLE_BAD_INPUT : KVM_ORACLE_FAILED;
            vm_destroy(&v);
            break;
        }
        out->vms++;
        r.vm_index = out->vms - 1;
        r.current = -1;
        r.reported_this_vm = 0;
        r.began_this_vm = false;
        r.linelen = 0;
        r.p8900len = 0;
        r.port8900[0] = 0;
        r.last_fault[0] = 0;
        alarm_fired = 0;
        alarm_run = v.run;
        arm(cfg.timeout_ms);
        char detail[256] = "";
        enum stop s = vcpu_loop(&r, &v, detail, sizeof detail);
        arm(0);
        alarm_run = NULL;
        char rip[64] = "";
        if (s != STOP_END) vm_rip(&v, rip, sizeof rip);
        vm_destroy(&v);
        if (r.linelen) {                   /* an unterminated last line */
            r.line[r.linelen] = 0;
            handle_line(&r, r.line);
            r.linelen = 0;
        }
        if (s == STOP_END && r.current >= 0) {
            /* the payload gave up in the middle of a case (its fault handler shut it down) */
            s = STOP_CRASH;
            fmt(detail, sizeof detail, "payload-shutdown%s%s", r.last_fault[0] ? " " : "", r.last_fault);
        }
        if (s == STOP_END) break;
        if (r.current < 0) {
            /* died outside any case: during boot, or between cases */
            if (!r.began_this_vm || r.reported_this_vm == 0) {
                fmt(out->why, sizeof out->why, "the payload died before its first case: %s%s",
                    detail, rip);
                emitf(&r, "@K died %s%s", detail, rip);
                status = KVM_ORACLE_FAILED;
                break;
            }
            emitf(&r, "@K died between cases: %s%s; restarting", detail, rip);
        } else {
            struct kvm_oracle_case_result *cr = &out->cases[r.current];
            cr->kind = s == STOP_TIMEOUT ? KVM_CASE_TIMEOUT : KVM_CASE_CRASHED;
            cr->vm = r.vm_index;
            fmt(cr->detail, sizeof cr->detail, "%s%s", detail, rip);
            if (s == STOP_TIMEOUT)
                fmt(cr->line, sizeof cr->line, "@R %x timeout ms=%u", cr->id, cfg.timeout_ms);
            else
                fmt(cr->line, sizeof cr->line, "@R %x crash what=%.*s", cr->id,
                    (int)strcspn(detail, " "), detail);
            observed[r.current] = true;
            emit(&r, cr->line);
            emitf(&r, "@K case %x cost the VM: %s%s", cr->id, detail, rip);
        }
        bool left = false;
        for (unsigned i = 0; i < bi.n; i++) left |= !observed[i];
        if (!left) {
            out->done = true;
            break;
        }
    }
    arm(0);
    sigaction(SIGALRM, &old, NULL);
    free(observed);
    batch_free(&bi);
    if (status == KVM_ORACLE_OK && !caps.vmx) {
        fmt(out->why, sizeof out->why, "KVM offers no VMX to guests: %s", caps.why);
        status = KVM_ORACLE_UNAVAILABLE;
    }
    return status;
}
