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
 *   @E done                         every case is finished
 * The UEFI watchdog is off for the run; the arena pages come from AllocateAddress only.
 */
#include <efi.h>
#include <efilib.h>
#include "payload_abi.h"

void vxa_uefi_enter(struct vxa_boot *b, UINT64 entry64);   /* enter.S */

#define OUT_SIZE   (256 * 1024)
#define PAYLOAD_PAGES (VXA_PAYLOAD_MAX / 4096)

static EFI_FILE_HANDLE results;
static char *rbuf;                       /* the whole results file */
static UINTN rsize, rend;                /* its size; end of the data written so far */
static char run_id[32], finish[16] = "wait";
static long test_reset_at = -1, test_run_without_vmx;

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
            test_reset_at = 0;
            for (v = s + 14; v < e && *v >= '0' && *v <= '9'; v++) test_reset_at = test_reset_at * 10 + (*v - '0');
        } else if (starts(s, "test_run_without_vmx=1")) {
            test_run_without_vmx = 1;
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

/* ---- the state the file records ---- */
static UINT32 ncases, boots;
static UINT8 *done;                      /* per case: @D seen */
static UINT8 *skip;                      /* per case: the payload cannot produce its environment */
static long in_flight = -1;              /* @F without @D */
static int in_flight_reported;           /* ... but its @R is there */
static int probe_done, all_done;
static char vmx_fail[64];                /* "@H vmxon fail X" of the probe, or "" */

static void scan(void)
{
    /* the data ends at the first NUL; a line cut by a reset (no '\n') is dropped */
    while (rend < rsize && rbuf[rend]) rend++;
    while (rend && rbuf[rend - 1] != '\n') rend--;
    int in_probe = 0;
    for (UINTN i = 0; i < rend; ) {
        const char *l = rbuf + i;
        if (starts(l, "@I cases=")) {
            ncases = (UINT32)num(l + 9);
            done = AllocateZeroPool(ncases + 1);
            skip = AllocateZeroPool(ncases + 1);
        } else if (starts(l, "@C ")) {   /* `oracle image` marks such cases "unsupported" */
            UINT64 id = hexnum(l + 3);
            for (const char *t = l; skip && id < ncases && *t && *t != '\n'; t++)
                if (starts(t, "\"unsupported\":")) { skip[id] = 1; break; }
        } else if (starts(l, "@L boot ")) {
            boots++;
        } else if (starts(l, "@P begin")) {
            in_probe = 1;
            vmx_fail[0] = 0;
        } else if (starts(l, "@P end")) {
            in_probe = 0;
            probe_done = 1;
        } else if (in_probe && starts(l, "@H vmxon fail ")) {
            UINTN k = 0;
            for (const char *t = l + 14; *t != '\n' && k + 1 < sizeof vmx_fail; t++) vmx_fail[k++] = *t;
            vmx_fail[k] = 0;
        } else if (starts(l, "@F ")) {
            in_flight = (long)hexnum(l + 3);
            in_flight_reported = 0;
        } else if (starts(l, "@R ") && in_flight >= 0 && hexnum(l + 3) == (UINT64)in_flight) {
            in_flight_reported = 1;
        } else if (starts(l, "@D ")) {
            UINT64 id = hexnum(l + 3);
            if (done && id < ncases) done[id] = 1;
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

/* One entry into the payload: cases [first, first + count) (count 0: the probe). */
static void enter(UINT32 first, UINT32 count, UINT32 flags)
{
    CopyMem((void *)(UINTN)VXA_UEFI_PAYLOAD_BASE, payload_image, payload_size);
    boot->magic = VXA_BOOT_MAGIC;
    boot->flags = flags;
    boot->first = first;
    boot->count = count;
    boot->out_len = 0;
    vxa_uefi_enter(boot, VXA_UEFI_PAYLOAD_BASE + (VXA_PAYLOAD_ENTRY64 - VXA_PAYLOAD_BASE));
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
    if (payload_size > VXA_PAYLOAD_MAX / 2 || !done) {
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
    UINT16 tr;
    __asm__ volatile("str %0" : "=r"(tr));
    boot->host_tr = tr;                  /* the firmware's (0 under OVMF: then TR is left alone) */
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

    if (in_flight >= 0) {                /* a reset interrupted that case */
        if (!in_flight_reported && append_id("@R ", (UINT64)in_flight, " crash what=machine_reset\n"))
            return EFI_DEVICE_ERROR;
        Print(L"case %d was in flight at a reset: recorded as machine_reset\r\n", in_flight);
        if (append_id("@D ", (UINT64)in_flight, "\n")) return EFI_DEVICE_ERROR;
        done[in_flight] = 1;
    }
    /* The probe (once per run): CPUID, the VMX MSRs, microcode, IA32_FEATURE_CONTROL, VMXON. */
    if (!probe_done) {
        if (append_str("@P begin\n")) return EFI_DEVICE_ERROR;
        vmx_fail[0] = 0;
        enter(0, 0, VXA_BOOT_BARE_METAL);
        if (append_output(1, ~0u, NULL, vmx_fail, sizeof vmx_fail) || append_str("@P end\n"))
            return EFI_DEVICE_ERROR;
    }
    if (vmx_fail[0]) {
        Print(L"%a (payload: %a).\r\n", explain(vmx_fail), vmx_fail);
        if (!test_run_without_vmx) {
            append_str("@E done\n");
            say("No case was run. RESULTS.TXT holds the probe: send it back all the same.\r\n");
            finish_run();
            return EFI_SUCCESS;
        }
        say("test_run_without_vmx: entering the payload for every case all the same\r\n");
    }
    UINT32 ran = 0;
    for (UINT32 id = 0; id < ncases; id++) {
        if (done[id]) continue;
        if (append_id("@F ", id, "\n")) return EFI_DEVICE_ERROR;
        if (skip[id]) {                  /* CPL 3, SMM, a 32-bit host, VMXON: not run */
            if (append_id("@R ", id, " unsupported what=environment-the-payload-cannot-produce\n") ||
                append_id("@D ", id, "\n"))
                return EFI_DEVICE_ERROR;
            continue;
        }
        if (test_reset_at == (long)id) {
            Print(L"test_reset_at=%d: resetting the machine with case %d in flight\r\n", id, id);
            uefi_call_wrapper(RT->ResetSystem, 4, EfiResetCold, EFI_SUCCESS, 0, NULL);
        }
        int reported = 0;
        char fail[64] = "";
        enter(id, 1, VXA_BOOT_BARE_METAL | VXA_BOOT_QUIET);
        if (append_output(0, id, &reported, fail, sizeof fail)) return EFI_DEVICE_ERROR;
        if (!reported) {
            char t[96];
            UINTN m = 0;
            for (const char *s = fail[0] ? " unsupported what=vmx-unavailable-" : " crash what=no-report"; *s; ) t[m++] = *s++;
            for (const char *s = fail; *s; ) t[m++] = *s++;
            t[m++] = '\n';
            t[m] = 0;
            if (append_id("@R ", id, t)) return EFI_DEVICE_ERROR;
        }
        if (append_id("@D ", id, "\n")) return EFI_DEVICE_ERROR;
        ran++;
        if (ran % 50 == 0 || id + 1 == ncases) Print(L"  %d of %d cases done\r\n", id + 1, ncases);
    }
    append_str("@E done\n");
    Print(L"vmxaudit: all %d cases finished; RESULTS.TXT on the results partition is complete.\r\n"
          L"Reboot the machine before using it normally (README: what the run changed).\r\n", ncases);
    finish_run();
    return EFI_SUCCESS;
}
