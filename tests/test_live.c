/* test_live.c — the live adapter (vmxaudit/live.h) fed by callbacks that play a CPU whose MSRs are
 * a bundled profile and whose current VMCS holds a bundled layout:
 *  - for every layout x every profile, vxa_live_audit() gives exactly (byte for byte) the report
 *    that vxa_audit() gives for what such a CPU can hold: the profile's MSRs that the architecture
 *    says exist, the layout's fields that exist on it;
 *  - only advertised MSRs are read, each once; fields the CPU lacks and VM-exit information
 *    fields are never read; every field a rule reads was read (or does not exist);
 *  - a failing VMREAD / RDMSR is counted, and an advertised MSR whose RDMSR fails makes its
 *    rules undetermined;
 *  - CPUID decoding (synthetic leaves, and this machine's own CPUID against /proc/cpuinfo);
 *  - vxa_live_observe, vxa_outcome_within;
 *  - stack use of vxa_live_audit, measured by painting a thread's stack. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include "vmxaudit/codec.h"
#include "vmxaudit/live.h"

/* ---- a CPU played from a profile and a layout ---- */

typedef struct fake_cpu {
    const vxa_profile *prof;
    const vxa_vmcs *vmcs;
    vxa_memory mem;
    uint32_t fail_msr;                 /* bit i: RDMSR of 0x480+i faults */
    vxa_field fail_field;              /* VMREAD of this field fails */
    uint32_t msr_calls;                /* bit i: RDMSR of 0x480+i was issued */
    unsigned msr_twice;
    unsigned char reads[VXA_FIELD_COUNT];
    unsigned bad_reads;                /* VMREADs of unknown or read-only fields */
    uint64_t ro_value[3];              /* VM_INSTRUCTION_ERROR, VM_EXIT_REASON, EXIT_QUALIFICATION */
} fake_cpu;

static int fake_rdmsr(void *ctx, uint32_t msr, uint64_t *v)
{
    fake_cpu *c = ctx;
    unsigned i = msr - 0x480u;
    if (i >= VXA_MSR_COUNT) return -1;
    if (c->msr_calls >> i & 1u) c->msr_twice++;
    c->msr_calls |= 1u << i;
    if (!vxa_profile_has(c->prof, i) || (c->fail_msr >> i & 1u)) return -1;   /* #GP */
    *v = c->prof->msr[i];
    return 0;
}

static int fake_vmread(void *ctx, uint32_t enc, uint64_t *v)
{
    fake_cpu *c = ctx;
    vxa_field f = vxa_field_by_encoding(enc);
    if (f == VXA_F_NONE) { c->bad_reads++; return -1; }
    if (f == VXA_F_VM_INSTRUCTION_ERROR) { *v = c->ro_value[0]; return 0; }
    if (f == VXA_F_VM_EXIT_REASON) { *v = c->ro_value[1]; return 0; }
    if (f == VXA_F_EXIT_QUALIFICATION) { *v = c->ro_value[2]; return 0; }
    if (vxa_field_get(f)->kind == VXA_KIND_RO) { c->bad_reads++; return -1; }
    c->reads[f]++;
    if (f == c->fail_field) return -1;
    *v = c->vmcs->value[f];
    return 0;
}

static int fake_phys(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    fake_cpu *c = ctx;
    return c->mem.read ? c->mem.read(c->mem.ctx, pa, buf, len) : (memset(buf, 0, len), 0);
}

static vxa_live_ops ops_for(const vxa_profile *p)
{
    vxa_live_ops ops = { fake_vmread, fake_rdmsr, fake_phys, NULL, { 0, 0, 0, 0 }, VXA_MODEL_SDM };
    ops.cpu.maxphyaddr = p->maxphyaddr_default ? 0 : p->maxphyaddr;
    ops.cpu.linear_address_width = p->linear_address_width;
    ops.cpu.cpuid = p->cpuid;
    ops.cpu.cpuid_known = p->cpuid_known;
    return ops;
}

/* ---- the reference: what a CPU with this profile can hold, audited by vxa_audit ---- */

/* The architecture's rule (SDM App. A), stated through the engine's vxa_allowed(): an MSR
 * exists when the words that advertise it allow the 1-setting of the advertising bit. */
static bool can1(const vxa_profile *p, vxa_word w, unsigned bit)
{
    uint64_t m1, a1;
    return vxa_allowed(p, w, &m1, &a1, NULL) && (a1 >> bit & 1u);
}

static uint32_t advertised(const vxa_profile *p)
{
    uint32_t m = 0;
    for (unsigned i = VXA_MSR_BASIC; i <= VXA_MSR_VMCS_ENUM; i++) m |= 1u << i;
    if (vxa_profile_has(p, VXA_MSR_BASIC) && (p->msr[VXA_MSR_BASIC] >> 55 & 1u))
        for (unsigned i = VXA_MSR_TRUE_PINBASED_CTLS; i <= VXA_MSR_TRUE_ENTRY_CTLS; i++) m |= 1u << i;
    /* the advertising words are read from a profile without the TRUE MSRs: the plain MSRs */
    vxa_profile plain = *p;
    plain.msr[VXA_MSR_BASIC] &= ~(1ull << 55);
    if (can1(&plain, VXA_WORD_PROC, 31)) m |= 1u << VXA_MSR_PROCBASED_CTLS2;
    if (can1(&plain, VXA_WORD_PROC, 17)) m |= 1u << VXA_MSR_PROCBASED_CTLS3;
    if (can1(&plain, VXA_WORD_EXIT, 31)) m |= 1u << VXA_MSR_EXIT_CTLS2;
    if (can1(&plain, VXA_WORD_PROC2, 1) || can1(&plain, VXA_WORD_PROC2, 5))
        m |= 1u << VXA_MSR_EPT_VPID_CAP;
    if (can1(&plain, VXA_WORD_PROC2, 13)) m |= 1u << VXA_MSR_VMFUNC;
    return m;
}

/* advertised() of what the CPU lets us read: an MSR whose RDMSR faults advertises nothing. */
static uint32_t readable_advertised(const vxa_profile *p, uint32_t fail_msr)
{
    vxa_profile q = *p;
    q.msr_present &= ~fail_msr;
    return advertised(&q);
}

static void reference(const vxa_profile *p, uint32_t fail_msr, const vxa_vmcs *v,
                      vxa_field fail_field, vxa_profile *rp, vxa_vmcs *rv)
{
    *rp = *p;
    rp->msr_present &= readable_advertised(p, fail_msr) & ~fail_msr;
    for (unsigned i = 0; i < VXA_MSR_COUNT; i++)
        if (!vxa_profile_has(rp, i)) rp->msr[i] = 0;
    vxa_vmcs_init(rv);
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++)
        if (vxa_field_get((vxa_field)f)->kind != VXA_KIND_RO && vxa_field_exists(rp, (vxa_field)f) != 0) {
            if (f == fail_field) vxa_set_not_captured(rv, (vxa_field)f);   /* a failed VMREAD */
            else vxa_set(rv, (vxa_field)f, v->value[f]);
        }
}

static vxa_live_workspace ws;
static vxa_report live_rep, ref_rep;

static const char *first_difference(const vxa_report *a, const vxa_report *b)
{
    static char buf[200];
    if (!vxa_outcome_equal(&a->outcome, &b->outcome)) return "outcome";
    if (a->nviolations != b->nviolations) {
        snprintf(buf, sizeof buf, "violations %u vs %u", a->nviolations, b->nviolations);
        return buf;
    }
    if (a->nundetermined != b->nundetermined) {
        snprintf(buf, sizeof buf, "undetermined %u vs %u", a->nundetermined, b->nundetermined);
        return buf;
    }
    if (a->nvmwrite != b->nvmwrite) return "vmwrite errors";
    return "violation details";
}

/* Runs both sides; returns false (and prints why) when they differ. */
static bool compare_with(const char *what, const vxa_profile *p, const vxa_vmcs *v,
                         vxa_memory mem, const vxa_entry *e, uint32_t fail_msr,
                         vxa_field fail_field, bool reader)
{
    static vxa_profile rp;
    static vxa_vmcs rv;
    fake_cpu cpu = { .prof = p, .vmcs = v, .mem = mem, .fail_msr = fail_msr, .fail_field = fail_field };
    vxa_live_ops ops = ops_for(p);
    if (!reader) ops.read_phys = NULL;   /* mem is then what the reference reads: failing */
    memset(&live_rep, 0, sizeof live_rep);
    memset(&ref_rep, 0, sizeof ref_rep);
    memset(&ws, 0x5a, sizeof ws);   /* the adapter must not depend on the workspace's contents */
    int failed = vxa_live_audit(&ops, &cpu, e, &ws, &live_rep);

    reference(p, fail_msr, v, fail_field, &rp, &rv);
    static uint8_t rule_reads[(VXA_FIELD_COUNT + 7) / 8];
    memset(rule_reads, 0, sizeof rule_reads);
    vxa_input in = { &rp, &rv, e, &mem, VXA_MODEL_SDM, rule_reads };
    assert_int_equal(vxa_audit(&in, &ref_rep), 0);

    bool ok = true;
#define EXPECT(cond, ...) do { if (!(cond)) { printf("%s: ", what); printf(__VA_ARGS__); printf("\n"); ok = false; } } while (0)
    uint32_t adv = readable_advertised(p, fail_msr);
    EXPECT(cpu.msr_calls == adv, "RDMSR issued for 0x%x, advertised 0x%x", cpu.msr_calls, adv);
    EXPECT(cpu.msr_twice == 0, "an MSR read twice");
    EXPECT(ws.msr_advertised == adv, "workspace advertised 0x%x", ws.msr_advertised);
    EXPECT(ws.msr_failed == (adv & (~p->msr_present | fail_msr)), "msr_failed 0x%x", ws.msr_failed);
    EXPECT(cpu.bad_reads == 0, "%u VMREADs of unknown or read-only fields", cpu.bad_reads);
    EXPECT(memcmp(ws.profile.msr, rp.msr, sizeof rp.msr) == 0 && ws.profile.msr_present == rp.msr_present
           && ws.profile.maxphyaddr == rp.maxphyaddr && ws.profile.cpuid == rp.cpuid &&
           ws.profile.cpuid_known == rp.cpuid_known &&
           ws.profile.linear_address_width == rp.linear_address_width &&
           ws.profile.maxphyaddr_default == rp.maxphyaddr_default, "profile differs");
    unsigned nread = 0, nfail = 0;
    for (unsigned f = 0; f < VXA_FIELD_COUNT; f++) {
        int ex = vxa_field_exists(&rp, (vxa_field)f);
        bool ro = vxa_field_get((vxa_field)f)->kind == VXA_KIND_RO;
        unsigned want = (!ro && ex != 0) ? 1 : 0;
        EXPECT(cpu.reads[f] == want, "field %s read %u times (exists %d)",
               vxa_field_get((vxa_field)f)->name, cpu.reads[f], ex);
        nread += want;
        if (f == fail_field && want) nfail++;
        /* every field a rule reads was VMREAD, or cannot exist on this CPU */
        if (rule_reads[f >> 3] >> (f & 7) & 1u)
            EXPECT(want || ex == 0, "rule reads field %s that was not VMREAD",
                   vxa_field_get((vxa_field)f)->name);
    }
    EXPECT(ws.nvmread == nread && ws.nvmread_failed == nfail, "nvmread %u/%u, expected %u/%u",
           ws.nvmread, ws.nvmread_failed, nread, nfail);
    int nmsrfail = __builtin_popcount(ws.msr_failed);
    EXPECT(failed == nmsrfail + (int)nfail, "returned %d, expected %d", failed, nmsrfail + (int)nfail);
    EXPECT(memcmp(&live_rep, &ref_rep, sizeof live_rep) == 0, "report differs: %s",
           first_difference(&live_rep, &ref_rep));
#undef EXPECT
    return ok;
}

static bool compare(const char *what, const vxa_profile *p, const vxa_vmcs *v, vxa_memory mem,
                    const vxa_entry *e, uint32_t fail_msr, vxa_field fail_field)
{
    return compare_with(what, p, v, mem, e, fail_msr, fail_field, true);
}

static char **layouts, **profiles;

static int setup(void **state)
{
    (void)state;
    layouts = vxa_corpus_list("layouts");
    profiles = vxa_corpus_list("profiles");
    return layouts && profiles ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vxa_corpus_list_free(layouts);
    vxa_corpus_list_free(profiles);
    return 0;
}

static void load_layout(const char *name, vxa_case *c)
{
    char *path = vxa_corpus_find("layouts", name);
    vxa_error e;
    assert_non_null(path);
    if (vxa_case_load(path, c, &e)) fail_msg("%s: %s", path, e.message);
    free(path);
}

static void load_profile(const char *name, vxa_profile *p)
{
    vxa_error e;
    if (vxa_profile_load(name, p, NULL, &e)) fail_msg("%s: %s", name, e.message);
}

/* ---- tests ---- */

static void same_report_every_layout_every_profile(void **state)
{
    (void)state;
    unsigned pairs = 0, bad = 0, with_failed_msr = 0, without_proc2 = 0;
    for (char **l = layouts; *l; l++) {
        vxa_case c;
        load_layout(*l, &c);
        vxa_memory m = vxa_case_memory(&c);
        char what[200];
        snprintf(what, sizeof what, "%s on its own profile", *l);
        bad += !compare(what, &c.profile, &c.vmcs, m, &c.entry, 0, VXA_F_NONE);
        pairs++;
        for (char **p = profiles; *p; p++) {
            static vxa_profile prof;
            load_profile(*p, &prof);
            snprintf(what, sizeof what, "%s on %s", *l, *p);
            bad += !compare(what, &prof, &c.vmcs, m, &c.entry, 0, VXA_F_NONE);
            with_failed_msr += ws.msr_failed != 0;
            without_proc2 += !(ws.msr_advertised >> VXA_MSR_PROCBASED_CTLS2 & 1u);
            pairs++;
        }
        vxa_case_free(&c);
    }
    printf("%u layout x profile pairs, %u differ; %u with an advertised MSR missing, %u without "
           "PROCBASED_CTLS2\n", pairs, bad, with_failed_msr, without_proc2);
    assert_true(pairs >= 3 * 40);
    assert_true(without_proc2 > 0);   /* some profiles exercise the not-advertised path */
    assert_int_equal(bad, 0);
}

static void fields_the_cpu_lacks_are_not_read(void **state)
{
    (void)state;
    /* Core 2 (Yorkfield): no EPT, no VPID; Yonah: no secondary controls at all. */
    static const char *const names[] = { "il-core2-x9650-yorkfield", "vbox-core-duo-t2600-yonah" };
    vxa_case c;
    load_layout("linux64", &c);
    for (unsigned k = 0; k < 2; k++) {
        static vxa_profile prof;
        load_profile(names[k], &prof);
        fake_cpu cpu = { .prof = &prof, .vmcs = &c.vmcs, .mem = vxa_case_memory(&c), .fail_field = VXA_F_NONE };
        vxa_live_ops ops = ops_for(&prof);
        assert_true(vxa_live_audit(&ops, &cpu, &c.entry, &ws, &live_rep) >= 0);
        assert_int_equal(cpu.reads[VXA_F_EPT_POINTER], 0);
        assert_int_equal(cpu.reads[VXA_F_VIRTUAL_PROCESSOR_ID], 0);
        assert_int_equal(cpu.reads[VXA_F_GUEST_CR0], 1);
        assert_false(vxa_is_set(&ws.vmcs, VXA_F_EPT_POINTER));
        assert_int_equal(cpu.msr_calls >> VXA_MSR_EPT_VPID_CAP & 1u, 0);
        if (k == 1) assert_int_equal(cpu.msr_calls >> VXA_MSR_PROCBASED_CTLS2 & 1u, 0);
        /* The layout enables EPT: the live audit sees only the primary controls' request, and
         * reports it as a control violation on this CPU, as vxa_audit does. */
        assert_int_equal(live_rep.outcome.result, VXA_VMFAIL_VALID);
    }
    vxa_case_free(&c);
}

static void failing_vmread_is_counted(void **state)
{
    (void)state;
    vxa_case c;
    load_layout("linux64", &c);
    assert_true(compare("linux64, VMREAD of GUEST_CR0 fails", &c.profile, &c.vmcs,
                        vxa_case_memory(&c), &c.entry, 0, VXA_F_GUEST_CR0));
    assert_int_equal(ws.nvmread_failed, 1);
    assert_true(ws.vmread_failed[VXA_F_GUEST_CR0 >> 3] >> (VXA_F_GUEST_CR0 & 7) & 1u);
    assert_false(vxa_is_set(&ws.vmcs, VXA_F_GUEST_CR0));
    /* GUEST_CR0 not captured, never read as 0 (PE and PG clear, a guest-state failure that was
     * never there): the rules on it are undetermined, the prediction assumes they pass */
    assert_true(vxa_is_not_captured(&ws.vmcs, VXA_F_GUEST_CR0));
    assert_int_equal(live_rep.outcome.result, VXA_ENTERED);
    assert_true(live_rep.outcome_assumes_undetermined_pass);
    bool named = false;
    for (unsigned i = 0; i < live_rep.nundetermined; i++)
        named |= live_rep.undetermined[i].reason == VXA_UR_NOT_CAPTURED &&
                 live_rep.undetermined[i].aux == VXA_F_GUEST_CR0;
    assert_true(named);
    vxa_case_free(&c);
}

static bool has_undet_msr(const vxa_report *r, unsigned msr)
{
    for (unsigned i = 0; i < r->nundetermined && i < VXA_MAX_UNDETERMINED; i++)
        if (r->undetermined[i].reason == VXA_UR_MSR_MISSING && r->undetermined[i].aux == msr) return true;
    return false;
}

static void advertised_msr_failing_is_undetermined(void **state)
{
    (void)state;
    vxa_case c;
    load_layout("linux64", &c);
    /* PROCBASED_CTLS2 is advertised on the layout's Skylake-SP profile; its RDMSR faults. */
    assert_true(compare("linux64, RDMSR 0x48b faults", &c.profile, &c.vmcs, vxa_case_memory(&c),
                        &c.entry, 1u << VXA_MSR_PROCBASED_CTLS2, VXA_F_NONE));
    assert_true(ws.msr_failed >> VXA_MSR_PROCBASED_CTLS2 & 1u);
    assert_false(vxa_profile_has(&ws.profile, VXA_MSR_PROCBASED_CTLS2));
    assert_true(has_undet_msr(&live_rep, 0x48b));
    assert_true(live_rep.outcome_assumes_undetermined_pass);
    /* EPT_VPID_CAP and VMFUNC are advertised by the MSR that could not be read: not asked for. */
    assert_false(ws.msr_advertised >> VXA_MSR_EPT_VPID_CAP & 1u);

    /* IA32_VMX_BASIC faults: the TRUE MSRs are not asked for (BASIC[55] unknown). */
    assert_true(compare("linux64, RDMSR 0x480 faults", &c.profile, &c.vmcs, vxa_case_memory(&c),
                        &c.entry, 1u << VXA_MSR_BASIC, VXA_F_NONE));
    assert_false(ws.msr_advertised >> VXA_MSR_TRUE_PROCBASED_CTLS & 1u);
    assert_false(vxa_profile_has(&ws.profile, VXA_MSR_BASIC));

    /* The TRUE procbased MSR faults: the primary controls' allowed settings are undetermined. */
    assert_true(compare("linux64, RDMSR 0x48e faults", &c.profile, &c.vmcs, vxa_case_memory(&c),
                        &c.entry, 1u << VXA_MSR_TRUE_PROCBASED_CTLS, VXA_F_NONE));
    assert_true(has_undet_msr(&live_rep, 0x48e));
    vxa_case_free(&c);
}

static int failing_reader(void *ctx, uint64_t pa, void *buf, uint32_t len)
{
    (void)ctx, (void)pa, (void)buf, (void)len;
    return -1;
}

static void no_memory_reader_is_undetermined(void **state)
{
    (void)state;
    /* A TPR shadow with a virtual-APIC page: the VTPR byte (page + 80H) is read (27.2.1.1).
     * Without a memory reader that rule is undetermined; with memory it is decided. */
    vxa_case c;
    load_layout("linux64", &c);
    vxa_set(&c.vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL,
            vxa_get(&c.vmcs, VXA_F_CPU_BASED_VM_EXEC_CONTROL) | 1u << 21);
    vxa_set(&c.vmcs, VXA_F_VIRTUAL_APIC_PAGE_ADDR, 0x20000);
    vxa_set(&c.vmcs, VXA_F_TPR_THRESHOLD, 5);
    vxa_check id = vxa_check_by_id("CTRL_TPR_THRESHOLD_VTPR");
    assert_int_not_equal(id, VXA_CHECK_COUNT);

    vxa_memory failing = { failing_reader, NULL };
    assert_true(compare_with("no memory reader", &c.profile, &c.vmcs, failing, &c.entry, 0,
                             VXA_F_NONE, false));
    bool undet = false;
    for (unsigned i = 0; i < live_rep.nundetermined && i < VXA_MAX_UNDETERMINED; i++)
        undet |= live_rep.undetermined[i].check == id &&
                 live_rep.undetermined[i].reason == VXA_UR_MEMORY &&
                 live_rep.undetermined[i].aux == 0x20080;
    assert_true(undet);

    /* With memory (all zero: VTPR 0 < threshold 5) the rule is violated. */
    vxa_memory zero = { NULL, NULL };
    assert_true(compare_with("zero memory", &c.profile, &c.vmcs, zero, &c.entry, 0, VXA_F_NONE,
                             true));
    bool violated = false;
    for (unsigned i = 0; i < live_rep.nviolations && i < VXA_MAX_VIOLATIONS; i++)
        violated |= live_rep.violations[i].check == id;
    assert_true(violated);
    vxa_case_free(&c);
}

/* CPUID leaves from a table. */
typedef struct cpuid_table { uint32_t leaf, sub, r[4]; } cpuid_table;
static const cpuid_table *cpuid_rows;
static void table_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    (void)ctx;
    r[0] = r[1] = r[2] = r[3] = 0;
    for (const cpuid_table *t = cpuid_rows; t->leaf || t->sub || t->r[0]; t++)
        if (t->leaf == leaf && t->sub == sub) { memcpy(r, t->r, 16); return; }
}

static void cpuid_decoding(void **state)
{
    (void)state;
    static const cpuid_table full[] = {
        { 0, 0, { 0x20, 0, 0, 0 } },
        { 7, 0, { 1, 1u << 14 | 1u << 25, 1u << 7 | 1u << 16 | 1u << 31, 1u << 5 | 1u << 19 | 1u << 20 } },
        { 7, 1, { 1u << 17 | 1u << 26, 0, 0, 0 } },
        { 0xa, 0, { 0x08300805, 0, 0xf, 0x8604 } },
        { 0x80000000u, 0, { 0x80000008u, 0, 0, 0 } },
        { 0x80000001u, 0, { 0, 0, 0, 1u << 29 } },
        { 0x80000008u, 0, { 0x3934, 0, 0, 0 } },   /* 52 physical, 57 linear */
        { 0, 0, { 0, 0, 0, 0 } }
    };
    vxa_live_cpu cpu;
    cpuid_rows = full;
    vxa_live_cpu_from_cpuid(table_cpuid, NULL, &cpu);
    assert_int_equal(cpu.cpuid, (1u << VXA_CPUID_COUNT) - 1);
    assert_int_equal(cpu.cpuid_known, (1u << VXA_CPUID_COUNT) - 1);
    assert_int_equal(cpu.maxphyaddr, 52);
    assert_int_equal(cpu.linear_address_width, 57);

    /* An old CPU: maximum basic leaf 5, no extended leaf 0x80000008: leaf 7's bits must not be
     * taken from whatever the CPU returns for out-of-range leaves. */
    static const cpuid_table old[] = {
        { 0, 0, { 5, 0, 0, 0 } },
        { 7, 0, { 1, ~0u, ~0u, ~0u } },
        { 7, 1, { ~0u, 0, 0, 0 } },
        { 0x80000000u, 0, { 0x80000004u, 0, 0, 0 } },
        { 0x80000001u, 0, { 0, 0, 0, 1u << 29 } },
        { 0x80000008u, 0, { 0x3024, 0, 0, 0 } },
        { 0, 0, { 0, 0, 0, 0 } }
    };
    cpuid_rows = old;
    vxa_live_cpu_from_cpuid(table_cpuid, NULL, &cpu);
    assert_int_equal(cpu.cpuid, VXA_CPUID_LM);
    assert_int_equal(cpu.maxphyaddr, 0);

    /* Through vxa_live_read_profile: the cpuid callback wins over ops.cpu. */
    cpuid_rows = full;
    vxa_case c;
    load_layout("linux64", &c);
    fake_cpu fc = { .prof = &c.profile, .vmcs = &c.vmcs, .fail_field = VXA_F_NONE };
    vxa_live_ops ops = ops_for(&c.profile);
    ops.cpuid = table_cpuid;
    assert_int_equal(vxa_live_read_profile(&ops, &fc, &ws), __builtin_popcount(ws.msr_failed));
    assert_int_equal(ws.profile.maxphyaddr, 52);
    assert_false(ws.profile.maxphyaddr_default);
    assert_int_equal(ws.profile.linear_address_width, 57);
    assert_int_equal(ws.profile.cpuid, (1u << VXA_CPUID_COUNT) - 1);
    /* ... and this processor's CPUID.0AH decides IA32_PERF_GLOBAL_CTRL's counter enables */
    assert_int_equal(ws.profile.pmu_types, 1);
    assert_int_equal(ws.profile.pmu_cpuid_0a[0][0], 0x08300805);
    assert_int_equal(ws.profile.pmu_cpuid_0a[0][3], 0x8604);
    uint64_t exists, known;
    vxa_perf_global_ctrl_bits(&ws.profile, &exists, &known);
    assert_int_equal(exists, 0xf000000ffull);
    /* not on a hybrid part (CPUID.(7,0):EDX[15]) nor below leaf 0AH */
    cpuid_table hybrid[sizeof full / sizeof full[0]];
    memcpy(hybrid, full, sizeof full);
    hybrid[1].r[3] |= 1u << 15;
    cpuid_rows = hybrid;
    vxa_live_read_profile(&ops, &fc, &ws);
    assert_int_equal(ws.profile.pmu_types, 0);
    cpuid_rows = old;
    vxa_live_read_profile(&ops, &fc, &ws);
    assert_int_equal(ws.profile.pmu_types, 0);
    vxa_case_free(&c);
}

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
static void host_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    (void)ctx;
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

/* This machine's CPUID through the adapter agrees with what the kernel reports. */
static void host_cpuid_matches_proc_cpuinfo(void **state)
{
    (void)state;
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) skip();
    char line[4096];
    int phys = -1, virt = -1, lm = -1, la57 = -1;
    while (fgets(line, sizeof line, f)) {
        if (phys < 0) sscanf(line, "address sizes : %d bits physical, %d bits virtual", &phys, &virt);
        if (lm < 0 && strncmp(line, "flags", 5) == 0) {
            lm = strstr(line, " lm ") != NULL;
            la57 = strstr(line, " la57") != NULL;
        }
    }
    fclose(f);
    if (phys < 0 || lm < 0) skip();
    vxa_live_cpu cpu;
    vxa_live_cpu_from_cpuid(host_cpuid, NULL, &cpu);
    printf("this CPU: MAXPHYADDR %u, linear %u, features 0x%x\n", cpu.maxphyaddr,
           cpu.linear_address_width, cpu.cpuid);
    assert_int_equal(cpu.maxphyaddr, phys);
    assert_int_equal(cpu.linear_address_width, virt);
    assert_int_equal(!!(cpu.cpuid & VXA_CPUID_LM), lm);
    if (la57) assert_true(cpu.cpuid & VXA_CPUID_LA57);
}
#endif

static void observe_and_agree(void **state)
{
    (void)state;
    vxa_case c;
    load_layout("linux64", &c);
    fake_cpu cpu = { .prof = &c.profile, .vmcs = &c.vmcs, .fail_field = VXA_F_NONE };
    vxa_live_ops ops = ops_for(&c.profile);
    vxa_outcome o, p;
    memset(&p, 0, sizeof p);

    assert_int_equal(vxa_live_observe(&ops, &cpu, 0x1 | 0x2, false, &o), 0);   /* CF */
    assert_int_equal(o.result, VXA_VMFAIL_INVALID);
    p.result = VXA_VMFAIL_INVALID;
    assert_true(vxa_outcome_within(&p, &o));

    cpu.ro_value[0] = 8;
    assert_int_equal(vxa_live_observe(&ops, &cpu, 0x40 | 0x2, false, &o), 0);  /* ZF */
    assert_int_equal(o.result, VXA_VMFAIL_VALID);
    assert_int_equal(o.nerror, 1);
    assert_int_equal(o.error[0], 8);
    p.result = VXA_VMFAIL_VALID;
    p.nerror = 2, p.error[0] = 7, p.error[1] = 8;
    assert_true(vxa_outcome_within(&p, &o));
    p.nerror = 1;
    assert_false(vxa_outcome_within(&p, &o));

    cpu.ro_value[1] = 0x80000021u;   /* entry failure, invalid guest state */
    cpu.ro_value[2] = 2;
    assert_int_equal(vxa_live_observe(&ops, &cpu, 0, true, &o), 0);
    assert_int_equal(o.result, VXA_ENTRY_FAILURE);
    assert_int_equal(o.exit_reason, 33);
    assert_int_equal(o.qual[0], 2);
    memset(&p, 0, sizeof p);
    p.result = VXA_ENTRY_FAILURE, p.exit_reason = 33, p.nqual = 2, p.qual[0] = 0, p.qual[1] = 2;
    assert_true(vxa_outcome_within(&p, &o));
    p.exit_reason = 34;
    assert_false(vxa_outcome_within(&p, &o));

    cpu.ro_value[1] = 12;            /* an ordinary exit (HLT): the entry succeeded */
    assert_int_equal(vxa_live_observe(&ops, &cpu, 0, true, &o), 0);
    assert_int_equal(o.result, VXA_ENTERED);
    p.result = VXA_ENTERED;
    assert_true(vxa_outcome_within(&p, &o));
    p.result = VXA_VMFAIL_VALID;
    assert_false(vxa_outcome_within(&p, &o));

    /* NULL arguments */
    vxa_live_ops none = ops;
    none.vmread = NULL;
    assert_int_equal(vxa_live_audit(&none, &cpu, NULL, &ws, &live_rep), -1);
    assert_int_equal(vxa_live_audit(&ops, &cpu, NULL, NULL, &live_rep), -1);
    assert_int_equal(vxa_live_audit(&ops, &cpu, NULL, &ws, NULL), -1);
    vxa_case_free(&c);
}

/* ---- stack use: vxa_live_audit on a thread whose stack is painted ---- */

#define PAINT 0xa5
#define STACK_SIZE (256 * 1024)
/* The documented bound (engine/EMBEDDING.md) for an optimized build; sanitizers inflate frames. */
#define STACK_BOUND 2048

typedef struct stack_job { vxa_case *c; uintptr_t top; int rc; } stack_job;

static void *stack_thread(void *arg)
{
    stack_job *j = arg;
    volatile char here;
    j->top = (uintptr_t)&here;
    fake_cpu cpu = { .prof = &j->c->profile, .vmcs = &j->c->vmcs, .mem = vxa_case_memory(j->c),
                     .fail_field = VXA_F_NONE };
    vxa_live_ops ops = ops_for(&j->c->profile);
    j->rc = vxa_live_audit(&ops, &cpu, &j->c->entry, &ws, &live_rep);
    return NULL;
}

static void stack_use_is_bounded(void **state)
{
    (void)state;
    unsigned char *stack = aligned_alloc(4096, STACK_SIZE);
    assert_non_null(stack);
    size_t worst = 0;
    for (char **l = layouts; *l; l++) {
        vxa_case c;
        load_layout(*l, &c);
        /* some damage, so that violations with fixes are recorded too */
        vxa_set(&c.vmcs, VXA_F_HOST_CR4, 0);
        vxa_set(&c.vmcs, VXA_F_GUEST_CS_AR_BYTES, 0x1ff);
        memset(stack, PAINT, STACK_SIZE);
        pthread_attr_t a;
        pthread_t t;
        stack_job j = { &c, 0, -2 };
        assert_int_equal(pthread_attr_init(&a), 0);
        assert_int_equal(pthread_attr_setstack(&a, stack, STACK_SIZE), 0);
        assert_int_equal(pthread_create(&t, &a, stack_thread, &j), 0);
        pthread_join(t, NULL);
        pthread_attr_destroy(&a);
        assert_true(j.rc >= 0);
        size_t low = 0;
        while (low < STACK_SIZE && stack[low] == PAINT) low++;
        size_t used = j.top - (uintptr_t)(stack + low);
        printf("%s: vxa_live_audit used %zu bytes of stack (callbacks included)\n", *l, used);
        if (used > worst) worst = used;
        vxa_case_free(&c);
    }
    free(stack);
#if defined(__SANITIZE_ADDRESS__)
    (void)worst;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    (void)worst;
#else
    assert_true(worst <= STACK_BOUND);
#endif
#else
    assert_true(worst <= STACK_BOUND);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_report_every_layout_every_profile),
        cmocka_unit_test(fields_the_cpu_lacks_are_not_read),
        cmocka_unit_test(failing_vmread_is_counted),
        cmocka_unit_test(advertised_msr_failing_is_undetermined),
        cmocka_unit_test(no_memory_reader_is_undetermined),
        cmocka_unit_test(cpuid_decoding),
#if defined(__x86_64__) || defined(__i386__)
        cmocka_unit_test(host_cpuid_matches_proc_cpuinfo),
#endif
        cmocka_unit_test(observe_and_agree),
        cmocka_unit_test(stack_use_is_bounded),
    };
    return cmocka_run_group_tests_name("live", tests, setup, teardown);
}
