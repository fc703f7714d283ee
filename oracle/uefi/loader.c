/* loader.c — the UEFI application of the silicon oracle (README.md, "A silicon oracle").
 *
 * It hands the probe payload (oracle/payload, the core Bochs and KVM run) memory, the case batch
 * and an output buffer through a boot block (payload_abi.h), one entry per case, and appends
 * what the payload reports to the results file on the image's results partition, flushed
 * before the next case runs:
 *   @L boot N arena=GIVEN/TOTAL     each boot of the loader
 *   @P begin ... @P end             the probe (the payload's @H lines)
 *   @F ID                           case ID is about to run (in flight)
 *   @B ID / @R ID ...               the payload's report for it
 *   @R ID crash what=machine_reset  written at the next boot for a case in flight at a reset
 *   @D ID                           case ID is finished
 *   @E done                         every case is finished (on every CPU of the run)
 * With --cpus all (CONFIG.TXT cpus=all) the loader finds the logical CPUs with the PI
 * specification's MP Services protocol (mp_services.h) and runs the probe and the batch on each
 * enabled one in turn, the APs with StartupThisAP (blocking), then the boot CPU (see targets):
 *   @L mp processors=N enabled=M bsp=K  each boot: what MP Services reported (or @L mp none ...)
 *   @L cpu K apic=X skipped WHY         a processor that is disabled or unhealthy
 *   @U K apic=X [bsp]                   the lines that follow are CPU K's (APIC ID X) until the
 *                                       next @U; written again after a reset before resuming
 * Without @U lines every line is the boot CPU's (the --cpus boot format).  A reset resumes
 * per CPU: a CPU whose probe is recorded and whose cases are all finished is not run again.
 * The UEFI watchdog is off for the run; the arena pages come from AllocateAddress only.
 */
#include <efi.h>
#include <efilib.h>
#include "payload_abi.h"
#include "mp_services.h"

void vxa_uefi_enter(struct vxa_boot *b, UINT64 entry64);   /* enter.S */

#define OUT_SIZE   (256 * 1024)
#define PAYLOAD_PAGES (VXA_PAYLOAD_MAX / 4096)

static EFI_FILE_HANDLE results;
static char *rbuf;                       /* the whole results file */
static UINTN rsize, rend;                /* its size; end of the data written so far */
static char run_id[32], finish[16] = "wait";
static long test_reset_at = -1, test_reset_cpu = -1, test_run_without_vmx, cpus_all;

static void say(const char *s) { Print(L"%a", s); }

static int starts(const char *s, const char *p)
{
    while (*p)
        if (*s++ != *p++) return 0;
    return 1;
}

static UINTN slen(const char *s)
{
    UINTN n = 0;
    while (s[n]) n++;
    return n;
}

static char *utoa_base(UINT64 v, char *buf, unsigned base)
{
    char t[24];
    int n = 0;
    do t[n++] = "0123456789abcdef"[v % base]; while (v /= base);
    char *p = buf;
    while (n) *p++ = t[--n];
    *p = 0;
    return buf;
}

static char *utoa(UINT64 v, char *buf) { return utoa_base(v, buf, 10); }

static EFI_STATUS read_file(EFI_FILE_HANDLE root, CHAR16 *path, char **data, UINTN *size)
{
    EFI_FILE_HANDLE f;
    EFI_STATUS st = uefi_call_wrapper(root->Open, 5, root, &f, path, EFI_FILE_MODE_READ, 0);
    if (EFI_ERROR(st)) return st;
    EFI_FILE_INFO *info = LibFileInfo(f);
    if (!info) return EFI_DEVICE_ERROR;
    *size = info->FileSize;
    FreePool(info);
    *data = AllocatePool(*size + 1);
    if (!*data) return EFI_OUT_OF_RESOURCES;
    UINTN n = *size;
    st = uefi_call_wrapper(f->Read, 3, f, &n, *data);
    uefi_call_wrapper(f->Close, 1, f);
    if (!EFI_ERROR(st) && n != *size) st = EFI_DEVICE_ERROR;
    (*data)[*size] = 0;
    return st;
}

/* Appends to the results file at rend and flushes it to the disk (durable before going on). */
static int append(const char *s, UINTN n)
{
    if (rend + n + 1 > rsize) {
        say("vmxaudit: the results file is full; stopping\r\n");
        return -1;
    }
    CopyMem(rbuf + rend, (void *)s, n);
    EFI_STATUS st = uefi_call_wrapper(results->SetPosition, 2, results, rend);
    UINTN w = n;
    if (!EFI_ERROR(st)) st = uefi_call_wrapper(results->Write, 3, results, &w, (void *)s);
    if (!EFI_ERROR(st)) st = uefi_call_wrapper(results->Flush, 1, results);
    if (EFI_ERROR(st) || w != n) {
        Print(L"vmxaudit: writing the results file failed: %r\r\n", st);
        return -1;
    }
    rend += n;
    return 0;
}

static int append_str(const char *s) { return append(s, slen(s)); }

static int append_id(const char *tag, UINT64 id, const char *tail)
{
    char line[192], num[24], *p = line;
    for (const char *t = tag; *t; ) *p++ = *t++;
    for (const char *t = utoa_base(id, num, 16); *t; ) *p++ = *t++;   /* ids in hex, as @R */
    for (const char *t = tail; *t; ) *p++ = *t++;
    return append(line, (UINTN)(p - line));
}

static UINT64 dec(const char *v, const char *e)
{
    UINT64 n = 0;
    for (; v < e && *v >= '0' && *v <= '9'; v++) n = n * 10 + (UINT64)(*v - '0');
    return n;
}

/* CONFIG.TXT: key=value lines (oracle/uefi/image.c writes it). */
static void read_config(const char *s)
{
    while (*s) {
        const char *e = s;
        while (*e && *e != '\n') e++;
        char *dst = 0;
        UINTN cap = 0;
        const char *v = 0;
        if (starts(s, "run=")) dst = run_id, cap = sizeof run_id, v = s + 4;
        else if (starts(s, "finish=")) dst = finish, cap = sizeof finish, v = s + 7;
        if (dst) {
            UINTN n = 0;
            while (v + n < e && n + 1 < cap) { dst[n] = v[n]; n++; }
            dst[n] = 0;
        } else if (starts(s, "test_reset_at=")) {
            test_reset_at = (long)dec(s + 14, e);
        } else if (starts(s, "test_reset_cpu=")) {
            test_reset_cpu = (long)dec(s + 15, e);
        } else if (starts(s, "test_run_without_vmx=1")) {
            test_run_without_vmx = 1;
        } else if (starts(s, "cpus=all")) {
            cpus_all = 1;
        }
        s = *e ? e + 1 : e;
    }
}

/* Finds the results file of this run (first line names the run id) on any FAT volume. */
static EFI_STATUS open_results(void)
{
    EFI_HANDLE *h;
    UINTN n;
    EFI_STATUS st = LibLocateHandle(ByProtocol, &FileSystemProtocol, NULL, &n, &h);
    if (EFI_ERROR(st)) return st;
    char head[64];
    UINTN hn = 0;
    for (const char *t = "vmxaudit-results 1 run="; *t; ) head[hn++] = *t++;
    for (const char *t = run_id; *t; ) head[hn++] = *t++;
    head[hn++] = '\n';
    head[hn] = 0;
    for (UINTN i = 0; i < n; i++) {
        EFI_FILE_HANDLE root = LibOpenRoot(h[i]), f;
        if (!root) continue;
        if (EFI_ERROR(uefi_call_wrapper(root->Open, 5, root, &f, L"\\RESULTS.TXT",
                                        EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0)))
            continue;
        EFI_FILE_INFO *info = LibFileInfo(f);
        char first[64];
        UINTN k = hn;
        if (info && info->FileSize > hn &&
            !EFI_ERROR(uefi_call_wrapper(f->Read, 3, f, &k, first)) && k == hn &&
            CompareMem(first, head, hn) == 0) {
            rsize = info->FileSize;
            FreePool(info);
            rbuf = AllocatePool(rsize + 1);
            UINTN m = rsize;
            uefi_call_wrapper(f->SetPosition, 2, f, 0);
            if (!rbuf || EFI_ERROR(uefi_call_wrapper(f->Read, 3, f, &m, rbuf)) || m != rsize)
                return EFI_DEVICE_ERROR;
            rbuf[rsize] = 0;
            results = f;
            return EFI_SUCCESS;
        }
        if (info) FreePool(info);
        uefi_call_wrapper(f->Close, 1, f);
    }
    return EFI_NOT_FOUND;
}

static UINT64 num(const char *s)
{
    UINT64 v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (UINT64)(*s++ - '0');
    return v;
}

static UINT64 hexnum(const char *s)
{
    UINT64 v = 0;
    for (;; s++) {
        int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
        if (d < 0) return v;
        v = v * 16 + (UINT64)d;
    }
}

/* ---- the state the file records, per CPU ---- */
#define MAX_CPUS 256
#define NO_APIC (~0ull)                  /* the boot CPU of a --cpus boot run (no @U lines) */
struct cpu {
    UINT64 apic;
    UINTN number;                        /* MP Services' processor number */
    int probe_done;
    char vmx_fail[64];                   /* "@H vmxon fail X" of its probe, or "" */
    UINT8 *done;                         /* per case: @D seen */
};
static struct cpu cpus[MAX_CPUS];
static UINTN ncpus;
static UINT32 ncases, boots;
static UINT8 *skip;                      /* per case: the payload cannot produce its environment */
static long in_flight = -1;              /* @F without @D ... */
static struct cpu *in_flight_cpu;        /* ... on this CPU */
static int in_flight_reported;           /* ... but its @R is there */
static int all_done;

/* The CPU with this APIC ID (created; NULL when MAX_CPUS are known or no memory). */
static struct cpu *cpu_of(UINT64 apic)
{
    for (UINTN i = 0; i < ncpus; i++)
        if (cpus[i].apic == apic) return &cpus[i];
    if (ncpus == MAX_CPUS) return NULL;
    struct cpu *c = &cpus[ncpus];
    c->done = AllocateZeroPool(ncases + 1);
    if (!c->done) return NULL;
    c->apic = apic;
    ncpus++;
    return c;
}

static void scan(void)
{
    /* the data ends at the first NUL; a line cut by a reset (no '\n') is dropped */
    while (rend < rsize && rbuf[rend]) rend++;
    while (rend && rbuf[rend - 1] != '\n') rend--;
    int in_probe = 0;
    struct cpu *cur = NULL;              /* the section's CPU: @U, else the boot CPU */
    for (UINTN i = 0; i < rend; ) {
        const char *l = rbuf + i;
        if (starts(l, "@I cases=")) {
            ncases = (UINT32)num(l + 9);
            skip = AllocateZeroPool(ncases + 1);
        } else if (starts(l, "@C ")) {   /* `oracle image` marks such cases "unsupported" */
            UINT64 id = hexnum(l + 3);
            for (const char *t = l; skip && id < ncases && *t && *t != '\n'; t++)
                if (starts(t, "\"unsupported\":")) { skip[id] = 1; break; }
        } else if (starts(l, "@L boot ")) {
            boots++;
        } else if (starts(l, "@U ")) {   /* "@U K apic=X": K decimal, X hex */
            const char *t = l + 3;
            UINT64 k = num(t);
            while (*t && *t != '\n' && !starts(t, "apic=")) t++;
            if (starts(t, "apic=") && (cur = cpu_of(hexnum(t + 5)))) cur->number = (UINTN)k;
        } else if (starts(l, "@P begin")) {
            in_probe = 1;
            if (cur || (cur = cpu_of(NO_APIC))) cur->vmx_fail[0] = 0;
        } else if (starts(l, "@P end")) {
            in_probe = 0;
            if (cur) cur->probe_done = 1;
        } else if (in_probe && cur && starts(l, "@H vmxon fail ")) {
            UINTN k = 0;
            for (const char *t = l + 14; *t != '\n' && k + 1 < sizeof cur->vmx_fail; t++) cur->vmx_fail[k++] = *t;
            cur->vmx_fail[k] = 0;
        } else if (starts(l, "@F ")) {
            in_flight = (long)hexnum(l + 3);
            in_flight_cpu = cur ? cur : (cur = cpu_of(NO_APIC));
            in_flight_reported = 0;
        } else if (starts(l, "@R ") && in_flight >= 0 && hexnum(l + 3) == (UINT64)in_flight) {
            in_flight_reported = 1;
        } else if (starts(l, "@D ")) {
            UINT64 id = hexnum(l + 3);
            if (cur && id < ncases) cur->done[id] = 1;
            in_flight = -1;
        } else if (!in_probe && starts(l, "@E done")) {   /* the loader's, not the payload's */
            all_done = 1;
        }
        while (i < rend && rbuf[i] != '\n') i++;
        i++;
    }
}

static const char *explain(const char *why)
{
    if (starts(why, "no-vmx-in-cpuid"))
        return "VMX is absent: CPUID.1:ECX.VMX[bit 5] = 0 (no VT-x on this CPU, or a hypervisor "
               "that does not offer it to its guests)";
    if (starts(why, "vmx-disabled-by-feature-control"))
        return "VMX is locked off by the firmware: IA32_FEATURE_CONTROL has the lock bit set and "
               "'VMX outside SMX' clear; enable Intel VT-x in the firmware setup";
    if (starts(why, "capability-msr-missing")) return "VMX capability MSRs cannot be read";
    if (starts(why, "feature-control")) return "IA32_FEATURE_CONTROL cannot be read or written";
    if (starts(why, "vmxon")) return "VMXON failed";
    if (starts(why, "no-long-mode")) return "no 64-bit mode";
    return "VMX cannot be enabled";
}

/* ---- memory ---- */
static struct vxa_boot *boot;
static UINT8 *arena_map;
static UINT32 arena_given, arena_total;

/* The firmware's memory map entries that overlap [lo, hi): what a user reports when pages are
 * refused. */
static void show_map(UINT64 lo, UINT64 hi)
{
    UINTN n, key, dsize;
    UINT32 dver;
    EFI_MEMORY_DESCRIPTOR *m = LibMemoryMap(&n, &key, &dsize, &dver);
    for (UINTN i = 0; m && i < n; i++) {
        EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)m + i * dsize);
        UINT64 end = d->PhysicalStart + d->NumberOfPages * 4096;
        if (end > lo && d->PhysicalStart < hi)
            Print(L"  memory map: 0x%lx-0x%lx type %d\r\n", d->PhysicalStart, end, d->Type);
    }
    if (m) FreePool(m);
}

static EFI_STATUS alloc_below_4g(UINTN pages, void **out)
{
    EFI_PHYSICAL_ADDRESS a = 0xffffffffull;
    EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, pages, &a);
    *out = (void *)(UINTN)a;
    return st;
}

static void give_arena(UINT64 lo, UINT64 hi)
{
    for (UINT64 a = lo; a < hi; a += 4096) {
        EFI_PHYSICAL_ADDRESS p = a;
        arena_total++;
        if (!EFI_ERROR(uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData, 1, &p))) {
            arena_map[a / 4096 / 8] |= (UINT8)(1u << (a / 4096 % 8));
            arena_given++;
        }
    }
}

static char *payload_image;
static UINTN payload_size;
static UINT16 bsp_tr;                    /* the firmware's TR on the boot CPU (0 under OVMF) */
static const UINT64 entry64 = VXA_UEFI_PAYLOAD_BASE + (VXA_PAYLOAD_ENTRY64 - VXA_PAYLOAD_BASE);

/* ---- the other logical CPUs (MP Services, --cpus all) ---- */
static VXA_MP_SERVICES *mp;
#define AP_TIMEOUT_US (60ull * 1000000ull)   /* one entry (a real CPU needs milliseconds) */
static UINTN ap_now;                     /* the processor StartupThisAP runs ap_main on */
/* The APs' GDT: a copy of the one an AP has and a TSS descriptor after it (ap_tr), so that the
 * TR the payload leaves loaded on return is one the firmware can load again: MP Services save
 * and restore an AP's TR (edk2's MpInitLib does), and the payload's TR selector names no TSS in
 * the firmware's GDT (under OVMF: #GP on the AP's next wake-up). */
#define AP_GDT_PAGES 17                  /* the largest GDT (64 KiB), the descriptor, the TSS */
#define AP_TSS_OFFSET 0x10100
static UINT8 *ap_gdt;
static UINT16 ap_tr;

/* Runs on the AP: it calls no boot service and no library function (an AP procedure may call
 * none, PI Vol. 2 MP Services); the payload comes back here through vxa_boot_return, as on the
 * boot CPU.  The loader (on the boot CPU) has prepared the payload and the boot block. */
static VOID VXA_MSABI ap_main(VOID *arg)
{
    struct vxa_boot *b = arg;
    struct __attribute__((packed)) { UINT16 limit; UINT64 base; } g;
    __asm__ volatile("sgdt %0" : "=m"(g));
    if (g.base != (UINT64)(UINTN)ap_gdt) {
        UINTN n = ((UINTN)g.limit + 1 + 7) & ~(UINTN)7;
        volatile UINT8 *from = (volatile UINT8 *)(UINTN)g.base;
        for (UINTN i = 0; i < n; i++) ap_gdt[i] = from[i];
        ap_tr = (UINT16)n;
    }
    /* a 64-bit TSS descriptor, available (SDM Vol. 3A 9.2.3): base, limit 103, type 9, P */
    UINT64 tb = (UINT64)(UINTN)(ap_gdt + AP_TSS_OFFSET), lim = 103;
    UINT64 *d = (UINT64 *)(ap_gdt + ap_tr);
    d[0] = (lim & 0xffff) | ((tb & 0xffffff) << 16) | (0x89ull << 40) | (((tb >> 24) & 0xff) << 56);
    d[1] = tb >> 32;
    g.base = (UINT64)(UINTN)ap_gdt;
    g.limit = (UINT16)(ap_tr + 15);
    __asm__ volatile("lgdt %0" :: "m"(g));
    b->host_tr = ap_tr;                  /* vxa_boot_return loads it (busy -> available first) */
    vxa_uefi_enter(b, entry64);
}

/* The CPUs the run covers, in order: (cpus=all) every enabled AP, then the boot CPU.  The boot
 * CPU goes last because once the payload has run there, its TR stays loaded (the firmware had
 * none, and LTR cannot load a null selector: vxa_boot_return in oracle/payload/entry.S), and MP
 * Services restore the boot
 * CPU's TR on an AP they wake (edk2's MpInitLib does): under OVMF that LTR of a selector that
 * is no TSS in the firmware's GDT raised #GP on the AP. */
struct target { struct cpu *c; int ap; };
static struct target targets[MAX_CPUS];
static UINTN ntargets;

/* One entry into the payload on target t: cases [first, first + count) (count 0: the probe).
 * EFI_SUCCESS, or why StartupThisAP failed (EFI_TIMEOUT: the AP did not come back in time). */
static EFI_STATUS enter(const struct target *t, UINT32 first, UINT32 count, UINT32 flags)
{
    CopyMem((void *)(UINTN)VXA_UEFI_PAYLOAD_BASE, payload_image, payload_size);
    boot->magic = VXA_BOOT_MAGIC;
    boot->flags = flags;
    boot->first = first;
    boot->count = count;
    boot->out_len = 0;
    if (!t->ap) {
        boot->host_tr = bsp_tr;
        vxa_uefi_enter(boot, entry64);
        return EFI_SUCCESS;
    }
    ap_now = t->c->number;
    return mp->StartupThisAP(mp, ap_main, t->c->number, NULL, AP_TIMEOUT_US, boot, NULL);
}

static int append_words(const char *const *w)
{
    char line[192];
    UINTN k = 0;
    for (; *w; w++)
        for (const char *t = *w; *t && k + 2 < sizeof line; ) line[k++] = *t++;
    line[k++] = '\n';
    return append(line, k);
}

/* Fills targets: the boot CPU alone (cpus=boot, or no MP Services, or one CPU), or every
 * enabled, healthy AP and the boot CPU, each named by its APIC ID.  -1: the file cannot be written. */
static int find_cpus(void)
{
    ntargets = 0;
    if (cpus_all) {
        EFI_GUID g = VXA_MP_SERVICES_GUID;
        UINTN n = 0, en = 0, me = 0;
        if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &g, NULL, (void **)&mp))) mp = NULL;
        if (mp && EFI_ERROR(mp->GetNumberOfProcessors(mp, &n, &en))) n = 0;
        if (n >= 2 && EFI_ERROR(mp->WhoAmI(mp, &me))) n = 0;
        if (!mp || n < 2) {
            say(!mp ? "--cpus all: the firmware has no MP Services protocol: the run covers the boot CPU only\r\n"
                    : "--cpus all: MP Services report one logical CPU: the run covers the boot CPU only\r\n");
            if (append_str(!mp ? "@L mp none (no MP Services protocol)\n" : "@L mp one-cpu\n")) return -1;
            mp = NULL;
        } else {
            char a[24], b[24], c[24];
            const char *w[] = { "@L mp processors=", utoa(n, a), " enabled=", utoa(en, b), " bsp=", utoa(me, c), NULL };
            if (append_words(w)) return -1;
            Print(L"--cpus all: %d logical CPUs, %d enabled; the probe and the batch run on each in turn\r\n", n, en);
            void *g;
            if (alloc_below_4g(AP_GDT_PAGES, &g)) {
                say("vmxaudit: no memory below 4 GiB for the APs' GDT\r\n");
                return -1;
            }
            ap_gdt = g;
            SetMem(ap_gdt, AP_GDT_PAGES * 4096, 0);
            *(UINT16 *)(ap_gdt + AP_TSS_OFFSET + 102) = 104;   /* I/O map base: no I/O bitmap */
            for (UINTN k = 0; k < n; k++) {
                UINTN i = k + 1 == n ? me : k < me ? k : k + 1;   /* the boot CPU last */
                VXA_PROCESSOR_INFORMATION info;
                SetMem(&info, sizeof info, 0);
                const char *why = EFI_ERROR(mp->GetProcessorInfo(mp, i, &info)) ? "no-processor-info"
                    : i == me ? NULL
                    : !(info.StatusFlag & VXA_PROCESSOR_ENABLED_BIT) ? "disabled"
                    : !(info.StatusFlag & VXA_PROCESSOR_HEALTH_STATUS_BIT) ? "unhealthy"
                    : ntargets == MAX_CPUS || i >= MAX_CPUS ? "beyond-the-first-256" : NULL;
                struct cpu *cp = why ? NULL : cpu_of(info.ProcessorId);
                if (!why && !cp) why = "no-memory";
                if (why) {
                    const char *w2[] = { "@L cpu ", utoa(i, a), " apic=", utoa_base(info.ProcessorId, b, 16),
                                         " skipped ", why, NULL };
                    if (append_words(w2)) return -1;
                    Print(L"  CPU %d (APIC ID 0x%lx): skipped, %a\r\n", i, info.ProcessorId, why);
                    continue;
                }
                cp->number = i;
                targets[ntargets++] = (struct target){ cp, i != me };
            }
            return 0;
        }
    }
    struct cpu *c = cpu_of(NO_APIC);
    if (!c) return -1;
    targets[ntargets++] = (struct target){ c, 0 };
    return 0;
}

/* "@U K apic=X [bsp]": the lines that follow are this CPU's (none in a --cpus boot run; not
 * repeated while the section goes on). */
static const struct cpu *section_now;
static int section(const struct cpu *c)
{
    if (c->apic == NO_APIC || c == section_now) return 0;
    section_now = c;
    int bsp = 1;
    for (UINTN i = 0; i < ntargets; i++)
        if (targets[i].c == c) bsp = !targets[i].ap;
    char a[24], b[24];
    const char *w[] = { "@U ", utoa(c->number, a), " apic=", utoa_base(c->apic, b, 16), bsp ? " bsp" : "", NULL };
    return append_words(w);
}

/* Appends the payload's output lines but the per-entry boilerplate. */
static int append_output(int keep_all, UINT32 id, int *reported, char *vmxfail, UINTN vfcap)
{
    char *o = (char *)(UINTN)boot->out_buf;
    UINTN n = boot->out_len;
    for (UINTN i = 0; i < n; ) {
        UINTN j = i;
        while (j < n && o[j] != '\n') j++;
        const char *l = o + i;
        UINTN len = j - i;
        int keep = len > 0 && (keep_all || !(starts(l, "@H ready") || starts(l, "@H vmxon ok") ||
                                             starts(l, "@H engine") || starts(l, "@E done")));
        if (starts(l, "@H vmxon fail ") && vmxfail) {
            UINTN k = 0;
            for (UINTN t = 14; t < len && k + 1 < vfcap; t++) vmxfail[k++] = l[t];
            vmxfail[k] = 0;
        }
        if (starts(l, "@R ") && hexnum(l + 3) == id && reported) *reported = 1;
        if (keep && append(l, len + (j < n ? 1 : 0))) return -1;
        if (keep && j == n && append_str("\n")) return -1;
        i = j + 1;
    }
    return 0;
}

static void finish_run(void)
{
    if (!starts(finish, "poweroff")) {
        say("Press a key to power off (or wait 120 s).\r\n");
        WaitForSingleEvent(ST->ConIn->WaitForKey, 120ull * 10000000ull);
    }
    say("vmxaudit: powering off\r\n");
    uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
}

/* The probe (once per CPU) and every case not finished yet, on target t.  *vmx_ok is set
 * when VMX was usable there.  -1: the results file cannot be written. */
static int run_cpu(const struct target *t, int *vmx_ok)
{
    struct cpu *c = t->c;
    int todo = !c->probe_done;
    if (c->probe_done && (!c->vmx_fail[0] || test_run_without_vmx))
        for (UINT32 id = 0; id < ncases && !todo; id++) todo = !c->done[id];
    if (!c->vmx_fail[0] && c->probe_done) *vmx_ok = 1;
    if (!todo) return 0;
    if (section(c)) return -1;
    if (c->apic != NO_APIC)
        Print(L"CPU %d (APIC ID 0x%lx)%a:\r\n", c->number, c->apic, t->ap ? "" : ", the boot CPU");
    /* The probe: CPUID, the VMX MSRs, microcode, IA32_FEATURE_CONTROL, VMXON. */
    if (!c->probe_done) {
        if (append_str("@P begin\n")) return -1;
        c->vmx_fail[0] = 0;
        EFI_STATUS st = enter(t, 0, 0, VXA_BOOT_BARE_METAL);
        if (EFI_ERROR(st)) {
            Print(L"  StartupThisAP failed: %r\r\n", st);
            CopyMem(c->vmx_fail, "ap-startup-failed", 18);
            if (append_str("@H vmxon fail ap-startup-failed\n")) return -1;
        } else if (append_output(1, ~0u, NULL, c->vmx_fail, sizeof c->vmx_fail)) {
            return -1;
        }
        if (append_str("@P end\n")) return -1;
        c->probe_done = 1;
    }
    if (c->vmx_fail[0]) {
        Print(L"%a (payload: %a).\r\n", explain(c->vmx_fail), c->vmx_fail);
        if (!test_run_without_vmx) return 0;
        say("test_run_without_vmx: entering the payload for every case all the same\r\n");
    } else {
        *vmx_ok = 1;
    }
    UINT32 ran = 0;
    for (UINT32 id = 0; id < ncases; id++) {
        if (c->done[id]) continue;
        if (append_id("@F ", id, "\n")) return -1;
        if (skip[id]) {                  /* CPL 3, SMM, a 32-bit host, VMXON: not run */
            if (append_id("@R ", id, " unsupported what=environment-the-payload-cannot-produce\n") ||
                append_id("@D ", id, "\n"))
                return -1;
            c->done[id] = 1;
            continue;
        }
        /* testing: one reset (the first boot only), on the CPU test_reset_cpu names if any */
        if (test_reset_at == (long)id && boots == 0 && (test_reset_cpu < 0 || test_reset_cpu == (long)c->number)) {
            Print(L"test_reset_at=%d: resetting the machine with case %d in flight\r\n", id, id);
            uefi_call_wrapper(RT->ResetSystem, 4, EfiResetCold, EFI_SUCCESS, 0, NULL);
        }
        int reported = 0;
        char fail[64] = "";
        EFI_STATUS st = enter(t, id, 1, VXA_BOOT_BARE_METAL | VXA_BOOT_QUIET);
        if (EFI_ERROR(st)) {             /* the AP did not run it, or did not come back */
            Print(L"  case %d: StartupThisAP failed (%r): CPU %d's other cases are not run\r\n", id, st, c->number);
            if (append_id("@R ", id, st == EFI_TIMEOUT ? " crash what=ap-timeout\n" : " crash what=ap-startup-failed\n") ||
                append_id("@D ", id, "\n"))
                return -1;
            c->done[id] = 1;
            return 0;
        }
        if (append_output(0, id, &reported, fail, sizeof fail)) return -1;
        if (!reported) {
            char tl[96];
            UINTN m = 0;
            for (const char *s = fail[0] ? " unsupported what=vmx-unavailable-" : " crash what=no-report"; *s; ) tl[m++] = *s++;
            for (const char *s = fail; *s; ) tl[m++] = *s++;
            tl[m++] = '\n';
            tl[m] = 0;
            if (append_id("@R ", id, tl)) return -1;
        }
        if (append_id("@D ", id, "\n")) return -1;
        c->done[id] = 1;
        ran++;
        if (ran % 50 == 0 || id + 1 == ncases) Print(L"  %d of %d cases done\r\n", id + 1, ncases);
    }
    return 0;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    InitializeLib(image, systab);
    uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);   /* off for the whole run */
    say("vmxaudit silicon oracle (oracle/uefi)\r\n");

    EFI_LOADED_IMAGE *li;
    if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li))) {
        say("vmxaudit: no loaded-image protocol\r\n");
        return EFI_LOAD_ERROR;
    }
    EFI_FILE_HANDLE esp = LibOpenRoot(li->DeviceHandle);
    char *cfg, *batch_file;
    UINTN cfg_size, batch_size;
    if (!esp || read_file(esp, L"\\VMXAUDIT\\CONFIG.TXT", &cfg, &cfg_size) ||
        read_file(esp, L"\\VMXAUDIT\\PAYLOAD.BIN", &payload_image, &payload_size) ||
        read_file(esp, L"\\VMXAUDIT\\BATCH.BIN", &batch_file, &batch_size)) {
        say("vmxaudit: cannot read \\VMXAUDIT\\CONFIG.TXT, PAYLOAD.BIN, BATCH.BIN on the boot volume\r\n");
        return EFI_LOAD_ERROR;
    }
    read_config(cfg);
    if (EFI_ERROR(open_results())) {
        Print(L"vmxaudit: no RESULTS.TXT of run %a on any FAT volume: nothing is written\r\n", run_id);
        return EFI_NOT_FOUND;
    }
    scan();
    if (all_done) {
        say("vmxaudit: this run is complete (RESULTS.TXT ends in '@E done'): nothing to do.\r\n");
        finish_run();
        return EFI_SUCCESS;
    }
    if (payload_size > VXA_PAYLOAD_MAX / 2 || !skip) {
        say("vmxaudit: bad PAYLOAD.BIN or RESULTS.TXT header\r\n");
        return EFI_LOAD_ERROR;
    }

    /* The payload at its link address, the rest below 4 GiB (the payload maps only that). */
    EFI_PHYSICAL_ADDRESS pa = VXA_UEFI_PAYLOAD_BASE;
    void *bb, *ob, *mb, *batch;
    EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData, PAYLOAD_PAGES, &pa);
    if (EFI_ERROR(st)) {
        Print(L"vmxaudit: the firmware does not give the payload's pages 0x4000000-0x4400000 (%r): "
              L"nothing can run here\r\n", st);
        show_map(VXA_UEFI_PAYLOAD_BASE, VXA_UEFI_PAYLOAD_BASE + VXA_PAYLOAD_MAX);
        append_str("@L no-memory payload-region\n");
        return EFI_OUT_OF_RESOURCES;
    }
    if (alloc_below_4g(1, &bb) || alloc_below_4g(OUT_SIZE / 4096, &ob) || alloc_below_4g(1, &mb) ||
        alloc_below_4g((batch_size + 4095) / 4096, &batch)) {
        say("vmxaudit: no memory below 4 GiB for the boot block and buffers\r\n");
        append_str("@L no-memory below-4g\n");
        return EFI_OUT_OF_RESOURCES;
    }
    boot = bb;
    SetMem(boot, sizeof *boot, 0);
    __asm__ volatile("str %0" : "=r"(bsp_tr));   /* the firmware's (0 under OVMF: then TR is left alone) */
    arena_map = mb;
    SetMem(arena_map, 4096, 0);
    CopyMem(batch, batch_file, batch_size);
    boot->out_buf = (UINT64)(UINTN)ob;
    boot->out_size = OUT_SIZE;
    boot->arena_map = (UINT64)(UINTN)arena_map;
    boot->batch = (UINT64)(UINTN)batch;
    give_arena(VXA_ARENA_LOW_BASE, VXA_ARENA_LOW_END);
    give_arena(VXA_ARENA_HIGH_BASE, VXA_ARENA_HIGH_END);

    char n1[24], n2[24], n3[24];
    char line[160];
    UINTN k = 0;
    for (const char *t = "@L boot "; *t; ) line[k++] = *t++;
    for (const char *t = utoa(boots + 1, n1); *t; ) line[k++] = *t++;
    for (const char *t = " arena="; *t; ) line[k++] = *t++;
    for (const char *t = utoa(arena_given, n2); *t; ) line[k++] = *t++;
    line[k++] = '/';
    for (const char *t = utoa(arena_total, n3); *t; ) line[k++] = *t++;
    line[k++] = '\n';
    if (append(line, k)) return EFI_DEVICE_ERROR;
    Print(L"boot %d of this run; %d cases; %d of %d arena pages given by the firmware\r\n",
          boots + 1, ncases, arena_given, arena_total);

    if (find_cpus()) return EFI_DEVICE_ERROR;
    section_now = NULL;                  /* after @L lines: a section opens again */
    if (in_flight >= 0 && in_flight_cpu) {   /* a reset interrupted that case */
        if (section(in_flight_cpu)) return EFI_DEVICE_ERROR;
        if (!in_flight_reported && append_id("@R ", (UINT64)in_flight, " crash what=machine_reset\n"))
            return EFI_DEVICE_ERROR;
        Print(L"case %d was in flight at a reset: recorded as machine_reset\r\n", in_flight);
        if (append_id("@D ", (UINT64)in_flight, "\n")) return EFI_DEVICE_ERROR;
        in_flight_cpu->done[in_flight] = 1;
    }
    int vmx_ok = 0;
    for (UINTN i = 0; i < ntargets; i++)
        if (run_cpu(&targets[i], &vmx_ok)) return EFI_DEVICE_ERROR;
    append_str("@E done\n");
    if (!vmx_ok && !test_run_without_vmx)
        say("No case was run. RESULTS.TXT holds the probe: send it back all the same.\r\n");
    else
        Print(L"vmxaudit: all %d cases finished; RESULTS.TXT on the results partition is complete.\r\n"
              L"Reboot the machine before using it normally (README: what the run changed).\r\n", ncases);
    finish_run();
    return EFI_SUCCESS;
}
