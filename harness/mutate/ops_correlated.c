/* ops_correlated.c — moves of several fields at once, toward states no single-field mutation
 * reaches because each part alone fails another rule first or changes nothing (the outside
 * review's Bochs 2.7 findings, harness/diff/FINDINGS.md):
 *   - RFLAGS.VM = 1 with CR0.PE = 0 under "unrestricted guest" (27.3.1.4: VM must be 0 when PE
 *     is 0), with the segments in virtual-8086 form so that no segment rule fails first;
 *   - a null SS with usable access rights in an IA-32e guest, CS.L 0 or 1 (27.3.1.2: SS is
 *     checked as usable unless it is unusable; only an IA-32e guest may have a null SS);
 *   - "load CET state" with SSP, IA32_S_CET or the interrupt SSP table address at the edges of
 *     "bits 63:N identical" against canonical (27.3.1.1, 27.3.1.4);
 *   - FRED event injection: the nested-exception bit, SYSCALL/SYSENTER as other events with
 *     lengths over 15 (27.2.1.3);
 *   - RFLAGS.VM = 1 with the segments in virtual-8086 form, or one step off it (27.3.1.2), at
 *     times in the HLT state (27.3.1.5: HLT needs SS.DPL = 0, virtual-8086 SS has DPL 3);
 *   - an event injected against the activity state or the blocking state (27.3.1.5): HLT and
 *     shutdown with each event type, NMI injection under blocking by STI, by MOV SS and by
 *     (virtual-)NMI blocking with "virtual NMIs" on (the event_states table);
 *   - "IA-32e mode guest" with CR0.PG = 0 under "unrestricted guest" (27.3.1.1: PG must be 1);
 *   - a "load" control with reserved bits in the MSR value it loads (27.2.2, 27.3.1.1: the
 *     msr_loads table);
 *   - pending debug exceptions' BS against RFLAGS.TF under blocking or HLT (27.3.1.5);
 *   - DS..GS as a readable non-conforming code segment with DPL < RPL (27.3.1.2);
 *   - "load CET state" on VM exit with the host's IA32_S_CET, interrupt SSP table address or
 *     SSP on either side of the canonical edge (27.2.2, 27.2.4);
 *   - the VMCS link pointer at the current VMCS's address (27.3.1.5), the current VMCS placed
 *     on an arena page with its header in memory. */
#include "mutate.h"
#include "vmxaudit/vmx_bits.h"

static const vxa_field v86_sel[] = { VXA_F_GUEST_CS_SELECTOR, VXA_F_GUEST_SS_SELECTOR, VXA_F_GUEST_DS_SELECTOR,
                                     VXA_F_GUEST_ES_SELECTOR, VXA_F_GUEST_FS_SELECTOR, VXA_F_GUEST_GS_SELECTOR };
static const vxa_field v86_base[] = { VXA_F_GUEST_CS_BASE, VXA_F_GUEST_SS_BASE, VXA_F_GUEST_DS_BASE,
                                      VXA_F_GUEST_ES_BASE, VXA_F_GUEST_FS_BASE, VXA_F_GUEST_GS_BASE };
static const vxa_field v86_limit[] = { VXA_F_GUEST_CS_LIMIT, VXA_F_GUEST_SS_LIMIT, VXA_F_GUEST_DS_LIMIT,
                                       VXA_F_GUEST_ES_LIMIT, VXA_F_GUEST_FS_LIMIT, VXA_F_GUEST_GS_LIMIT };
static const vxa_field v86_ar[] = { VXA_F_GUEST_CS_AR_BYTES, VXA_F_GUEST_SS_AR_BYTES, VXA_F_GUEST_DS_AR_BYTES,
                                    VXA_F_GUEST_ES_AR_BYTES, VXA_F_GUEST_FS_AR_BYTES, VXA_F_GUEST_GS_AR_BYTES };

/* Virtual-8086 form (27.3.1.2 with RFLAGS.VM = 1): base = selector << 4, limit 0xffff, access
 * rights 0xf3; with `off`, one of the three one step off on one register. */
static void v86_segments(vxa_mutator *m, vxa_mut_case *c, bool off)
{
    vxa_vmcs *v = c->vmcs;
    for (unsigned i = 0; i < 6; i++) {
        uint64_t sel = vxa_get(v, v86_sel[i]) & 0xffff;
        vxa_set(v, v86_sel[i], sel);
        vxa_set(v, v86_base[i], sel << 4);
        vxa_set(v, v86_limit[i], 0xffff);
        vxa_set(v, v86_ar[i], 0xf3);
    }
    if (!off) return;
    unsigned i = vxa_rng_below(&m->rng, 6);
    switch (vxa_rng_below(&m->rng, 3)) {
    case 0: vxa_set(v, v86_base[i], vxa_get(v, v86_base[i]) + (vxa_rng_below(&m->rng, 2) ? 1 : 0x10)); break;
    case 1: vxa_set(v, v86_limit[i], vxa_rng_below(&m->rng, 2) ? 0xfffe : 0x1ffff); break;
    default: { static const uint64_t ar[] = { 0xf2, 0xfb, 0xd3, 0x73, 0x10f3, 0x100f3, 0xf1 }; vxa_set(v, v86_ar[i], VXA_RNG_PICK(&m->rng, ar)); }
    }
}

static void not_ia32e(vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, false);
    vxa_set(v, VXA_F_GUEST_IA32_EFER, vxa_get(v, VXA_F_GUEST_IA32_EFER) & ~(VXA_EFER_LMA | VXA_EFER_LME));
}

static bool rflags_vm_real(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    /* unrestricted guest needs EPT (27.2.1.1): both on where the CPU allows them */
    vxa_mut_control_on(c, VXA_WORD_PROC, VXA_PROC_ACTIVATE_SECONDARY, true);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, true);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_UNRESTRICTED_GUEST, true);
    not_ia32e(c);
    uint64_t cr0 = vxa_get(v, VXA_F_GUEST_CR0) & ~VXA_CR0_PG;
    if (vxa_rng_below(&m->rng, 4)) cr0 &= ~VXA_CR0_PE;    /* else PE = 1: a legal virtual-8086 guest */
    vxa_set(v, VXA_F_GUEST_CR0, cr0);
    vxa_set(v, VXA_F_GUEST_RFLAGS, VXA_RFLAGS_VM | VXA_RFLAGS_FIXED1 | (vxa_rng_below(&m->rng, 2) ? VXA_RFLAGS_IF : 0));
    if (vxa_rng_below(&m->rng, 4)) v86_segments(m, c, false);
    return true;
}

static bool null_ss(vxa_mutator *m, vxa_mut_case *c)
{
    static const uint64_t ss_ar[] = { 0xc093, 0xc091, 0x4093, 0xc097, 0xc09b, 0xc013, 0xc0f3, 0x10000 };
    vxa_vmcs *v = c->vmcs;
    vxa_rng *r = &m->rng;
    if (vxa_rng_below(r, 8)) {
        vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, true);
        vxa_set(v, VXA_F_GUEST_IA32_EFER, vxa_get(v, VXA_F_GUEST_IA32_EFER) | VXA_EFER_LMA | VXA_EFER_LME);
    }
    uint64_t cs = vxa_get(v, VXA_F_GUEST_CS_AR_BYTES) & ~(VXA_SEG_AR_L | VXA_SEG_AR_DB | VXA_SEG_AR_UNUSABLE);
    /* CS.L = 1 (64-bit code) or CS.L = 0 with D/B 1 (compatibility mode) */
    vxa_set(v, VXA_F_GUEST_CS_AR_BYTES, cs | (vxa_rng_below(r, 2) ? VXA_SEG_AR_L : VXA_SEG_AR_DB));
    vxa_set(v, VXA_F_GUEST_SS_SELECTOR, vxa_rng_below(r, 4) ? 0 : vxa_rng_below(r, 4));   /* null: index 0, TI 0 */
    uint64_t ar = VXA_RNG_PICK(r, ss_ar);
    if (ar != VXA_SEG_AR_UNUSABLE) ar = (ar & ~VXA_SEG_AR_DPL) | (vxa_get(v, VXA_F_GUEST_CS_AR_BYTES) & VXA_SEG_AR_DPL);
    vxa_set(v, VXA_F_GUEST_SS_AR_BYTES, ar);
    return true;
}

static bool cet_ssp(vxa_mutator *m, vxa_mut_case *c)
{
    static const vxa_field targets[] = { VXA_F_GUEST_SSP, VXA_F_GUEST_SSP, VXA_F_GUEST_S_CET, VXA_F_GUEST_INTR_SSP_TABLE };
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    if (!vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_LOAD_CET_STATE, true) && vxa_rng_below(r, 4)) return false;
    unsigned lw = c->profile->linear_address_width == 57 ? 57 : 48;
    if (vxa_rng_below(r, 4) == 0) lw = lw == 57 ? 48 : 57;
    vxa_field f = VXA_RNG_PICK(r, targets);
    uint64_t top = 1ull << (lw - 1);
    const uint64_t vals[] = { top, top - 1, top - 4, top << 1, ~(top - 1), ~((top << 1) - 1), ~(top - 1) - 4,
                              0xfffffffcull, 0x100000000ull, 0x1000, 0x1003, 0x1004 };
    uint64_t x = VXA_RNG_PICK(r, vals);
    if (f == VXA_F_GUEST_S_CET) {   /* IA32_S_CET: reserved 9:6, the legacy-bitmap base in 63:12 */
        static const uint64_t scet[] = { 1ull << 6, 1ull << 9, VXA_S_CET_SUPPRESS | VXA_S_CET_TRACKER, 1, 4, 0 };
        x = vxa_rng_below(r, 2) ? (x & ~0xfffull) | (vxa_rng_below(r, 2) ? 1 : 0) : VXA_RNG_PICK(r, scet);
    }
    vxa_set(v, f, x);
    if (vxa_rng_below(r, 4) == 0) not_ia32e(c);            /* the 32-bit form of the rules */
    return true;
}

static bool fred_event(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    vxa_profile *p = c->profile;
    if (m->flags & VXA_MUT_FIXED_PROFILE) {
        if (!(p->cpuid & VXA_CPUID_FRED)) return false;
    } else {
        p->msr_present |= 1u << VXA_MSR_BASIC;
        p->msr[VXA_MSR_BASIC] |= VXA_BASIC_NESTED_EXCEPTION;
        p->cpuid_known |= VXA_CPUID_FRED;
        p->cpuid |= VXA_CPUID_FRED;
    }
    uint64_t info = VXA_INTR_INFO_VALID | (uint64_t)VXA_INTR_TYPE_HW_EXCEPTION << VXA_INTR_INFO_TYPE_SHIFT | 13;
    if (vxa_rng_below(r, 2)) {
        info |= VXA_INTR_INFO_FRED_NESTED | (vxa_rng_below(r, 2) ? VXA_INTR_INFO_DELIVER_ERRCODE : 0);
    } else {
        info = VXA_INTR_INFO_VALID | (uint64_t)VXA_INTR_TYPE_OTHER << VXA_INTR_INFO_TYPE_SHIFT | (1 + vxa_rng_below(r, 2));
        vxa_set(v, VXA_F_VM_ENTRY_INSTRUCTION_LEN, 15 + vxa_rng_below(r, 3));
        vxa_set(v, VXA_F_GUEST_CR4, vxa_get(v, VXA_F_GUEST_CR4) | VXA_CR4_FRED);
        vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, true);
    }
    vxa_set(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
    return true;
}

static bool v86(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    not_ia32e(c);
    vxa_set(v, VXA_F_GUEST_CR0, vxa_get(v, VXA_F_GUEST_CR0) | VXA_CR0_PE);
    vxa_set(v, VXA_F_GUEST_RFLAGS, vxa_get(v, VXA_F_GUEST_RFLAGS) | VXA_RFLAGS_VM);
    v86_segments(m, c, vxa_rng_below(&m->rng, 2));
    /* HLT with SS.DPL = 3, the virtual-8086 SS (27.3.1.5: HLT needs SS.DPL = 0) */
    if (vxa_rng_below(&m->rng, 4) == 0) vxa_set(v, VXA_F_GUEST_ACTIVITY_STATE, 1);
    return true;
}

/* Events against the activity and blocking state (27.3.1.5): which events HLT and shutdown
 * accept, NMI injection under each kind of blocking.  Each row is one case; the rows mix the
 * events the SDM allows with those it does not, so that both verdicts are seen. */
typedef struct event_state {
    uint8_t activity;          /* 0 active, 1 HLT, 2 shutdown */
    uint8_t intr;              /* interruptibility: 1 STI, 2 MOV SS, 8 NMI (virtual-NMI) blocking */
    uint8_t vnmi;              /* "NMI exiting" and "virtual NMIs" on */
    uint8_t type, vector;      /* the injected event */
} event_state;

#define EV_EXT VXA_INTR_TYPE_EXT_INTR
#define EV_NMI VXA_INTR_TYPE_NMI
#define EV_HW VXA_INTR_TYPE_HW_EXCEPTION
#define EV_SWI VXA_INTR_TYPE_SW_INTR
#define EV_PSW VXA_INTR_TYPE_PRIV_SW_EXCEPTION
#define EV_SWE VXA_INTR_TYPE_SW_EXCEPTION
static const event_state event_states[] = {
    /* HLT: external interrupts, NMIs, #DB and #MC (and MTF) only */
    { 1, 0, 0, EV_HW, 13 }, { 1, 0, 0, EV_HW, 6 }, { 1, 0, 0, EV_HW, 14 }, { 1, 0, 0, EV_SWI, 0x80 },
    { 1, 0, 0, EV_SWE, 3 }, { 1, 0, 0, EV_PSW, 1 }, { 1, 0, 0, EV_NMI, 2 }, { 1, 0, 0, EV_HW, 18 },
    { 1, 0, 0, EV_HW, 1 }, { 1, 0, 0, EV_EXT, 0x30 },
    /* shutdown: NMIs and #MC only; the other types with vector 18 */
    { 2, 0, 0, EV_EXT, 18 }, { 2, 0, 0, EV_SWI, 18 }, { 2, 0, 0, EV_PSW, 18 }, { 2, 0, 0, EV_SWE, 18 },
    { 2, 0, 0, EV_HW, 18 }, { 2, 0, 0, EV_NMI, 2 }, { 2, 0, 0, EV_HW, 13 }, { 2, 0, 0, EV_EXT, 0x30 },
    /* NMI injection under blocking by STI, by MOV SS, by NMI; virtual NMIs */
    { 0, 1, 0, EV_NMI, 2 }, { 0, 2, 0, EV_NMI, 2 }, { 0, 8, 0, EV_NMI, 2 }, { 0, 8, 1, EV_NMI, 2 },
    { 0, 8, 1, EV_NMI, 2 }, { 0, 0, 1, EV_NMI, 2 }, { 0, 1, 1, EV_NMI, 2 }, { 1, 8, 1, EV_NMI, 2 },
    { 0, 8, 1, EV_EXT, 0x30 }, { 0, 8, 1, EV_HW, 13 },
    /* blocking by STI and by MOV SS at once (never both) */
    { 0, 3, 0, EV_HW, 13 },
};

/* exceptions that push an error code (Vol. 3A 6.3.1, 21: #CP) */
static bool has_errcode(unsigned vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

static bool event_state_move(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    const event_state *e = &VXA_RNG_PICK(&m->rng, event_states);
    vxa_set(v, VXA_F_GUEST_ACTIVITY_STATE, e->activity);
    vxa_set(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, e->intr);
    if (e->vnmi) {   /* "virtual NMIs" needs "NMI exiting" (27.2.1.1) */
        vxa_mut_control_on(c, VXA_WORD_PIN, VXA_PIN_NMI_EXITING, true);
        vxa_mut_control_on(c, VXA_WORD_PIN, VXA_PIN_VIRTUAL_NMIS, true);
    }
    /* IF = 1: an external interrupt and blocking by STI need it (27.3.1.4, 27.3.1.5) */
    vxa_set(v, VXA_F_GUEST_RFLAGS, (vxa_get(v, VXA_F_GUEST_RFLAGS) | VXA_RFLAGS_IF) & ~VXA_RFLAGS_TF);
    uint64_t info = VXA_INTR_INFO_VALID | (uint64_t)e->type << VXA_INTR_INFO_TYPE_SHIFT | e->vector;
    /* the error code exactly where the exception has one, in protected mode (27.2.1.3) */
    if (e->type == EV_HW && has_errcode(e->vector) && (vxa_get(v, VXA_F_GUEST_CR0) & VXA_CR0_PE))
        info |= VXA_INTR_INFO_DELIVER_ERRCODE;
    vxa_set(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, info);
    vxa_set(v, VXA_F_VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
    if (e->type >= EV_SWI) vxa_set(v, VXA_F_VM_ENTRY_INSTRUCTION_LEN, e->type == EV_SWI ? 2 : 1);
    return true;
}

static bool ia32e_no_paging(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_vmcs *v = c->vmcs;
    vxa_mut_control_on(c, VXA_WORD_PROC, VXA_PROC_ACTIVATE_SECONDARY, true);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_ENABLE_EPT, true);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_UNRESTRICTED_GUEST, true);
    vxa_mut_control_on(c, VXA_WORD_ENTRY, VXA_ENTRY_IA32E_MODE_GUEST, true);
    vxa_set(v, VXA_F_GUEST_IA32_EFER, vxa_get(v, VXA_F_GUEST_IA32_EFER) | VXA_EFER_LMA | VXA_EFER_LME);
    vxa_set(v, VXA_F_GUEST_CR4, vxa_get(v, VXA_F_GUEST_CR4) | VXA_CR4_PAE);
    uint64_t cr0 = vxa_get(v, VXA_F_GUEST_CR0) & ~VXA_CR0_PG;
    /* else protected mode without paging.  With CR0.PE = 0 too, Bochs 2.7 (which does not check
     * PG here) panics ("change_cpu_mode: EFER.LMA is set when CR0.PE=0", harness/diff/FINDINGS.md):
     * under VXA_MUT_ORACLE_SAFE one time in 64. */
    if (vxa_rng_below(&m->rng, (m->flags & VXA_MUT_ORACLE_SAFE) ? 64 : 4) == 0) cr0 &= ~VXA_CR0_PE;
    vxa_set(v, VXA_F_GUEST_CR0, cr0);
    return true;
}

/* A "load" control on, the MSR value it loads with reserved bits or at its edges (27.2.2 host,
 * 27.3.1.1 guest).  IA32_PERF_GLOBAL_CTRL: 63:49 reserved, the counter enables depend on the
 * PMU; IA32_DEBUGCTL: 5:3 and 63:16 reserved, 2 and 15:13 model-specific. */
static const struct msr_load {
    vxa_word word;
    unsigned bit;
    vxa_field field;
    uint64_t values[6];
} msr_loads[] = {
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_PERF_GLOBAL_CTRL, VXA_F_GUEST_IA32_PERF_GLOBAL_CTRL,
      { 1ull << 49, 1ull << 63, 1ull << 48, 0xf, 7ull << 32, 0 } },
    { VXA_WORD_EXIT, VXA_EXIT_LOAD_PERF_GLOBAL_CTRL, VXA_F_HOST_IA32_PERF_GLOBAL_CTRL,
      { 1ull << 49, 1ull << 63, 1ull << 48, 0xf, 7ull << 32, 0 } },
    { VXA_WORD_ENTRY, VXA_ENTRY_LOAD_DEBUG_CONTROLS, VXA_F_GUEST_IA32_DEBUGCTL,
      { 1ull << 3, 1ull << 5, 1ull << 16, 1ull << 63, 0x3, 1ull << 2 } },
};

static bool msr_load_move(vxa_mutator *m, vxa_mut_case *c)
{
    const struct msr_load *l = &VXA_RNG_PICK(&m->rng, msr_loads);
    if (!vxa_mut_control_on(c, l->word, l->bit, true)) return false;
    vxa_set(c->vmcs, l->field, VXA_RNG_PICK(&m->rng, l->values));
    return true;
}

/* Pending debug exceptions' BS (bit 14) against RFLAGS.TF and IA32_DEBUGCTL.BTF while blocking
 * by STI or MOV SS or the HLT state holds (27.3.1.5): BS = 1 iff TF = 1 and BTF = 0. */
static bool pending_bs(vxa_mutator *m, vxa_mut_case *c)
{
    static const uint8_t states[][2] = { { 0, 1 }, { 0, 2 }, { 1, 0 }, { 0, 0 } };   /* activity, intr */
    vxa_rng *r = &m->rng;
    vxa_vmcs *v = c->vmcs;
    const uint8_t *s = VXA_RNG_PICK(r, states);
    vxa_set(v, VXA_F_GUEST_ACTIVITY_STATE, s[0]);
    vxa_set(v, VXA_F_GUEST_INTERRUPTIBILITY_INFO, s[1]);
    vxa_set(v, VXA_F_VM_ENTRY_INTR_INFO_FIELD, 0);
    bool tf = vxa_rng_below(r, 2), bs = vxa_rng_below(r, 2);
    uint64_t rf = (vxa_get(v, VXA_F_GUEST_RFLAGS) | VXA_RFLAGS_IF) & ~VXA_RFLAGS_TF;
    vxa_set(v, VXA_F_GUEST_RFLAGS, rf | (tf ? VXA_RFLAGS_TF : 0));
    vxa_set(v, VXA_F_GUEST_PENDING_DBG_EXCEPTIONS, bs ? 1ull << 14 : 0);
    if (vxa_rng_below(r, 4) == 0) vxa_set(v, VXA_F_GUEST_IA32_DEBUGCTL, 0x2);   /* BTF */
    return true;
}

/* DS, ES, FS or GS as a readable, non-conforming code segment (type 11 or 10) or a data segment
 * with DPL below the selector's RPL (27.3.1.2: DPL >= RPL for types 0-11 without "unrestricted
 * guest"); or a conforming one (types 14, 15: exempt). */
static bool data_code_dpl(vxa_mutator *m, vxa_mut_case *c)
{
    static const vxa_field sel[] = { VXA_F_GUEST_DS_SELECTOR, VXA_F_GUEST_ES_SELECTOR, VXA_F_GUEST_FS_SELECTOR, VXA_F_GUEST_GS_SELECTOR };
    static const vxa_field ar[] = { VXA_F_GUEST_DS_AR_BYTES, VXA_F_GUEST_ES_AR_BYTES, VXA_F_GUEST_FS_AR_BYTES, VXA_F_GUEST_GS_AR_BYTES };
    static const uint8_t types[] = { 0xb, 0xb, 0xa, 0x3, 0xf };
    vxa_rng *r = &m->rng;
    unsigned i = vxa_rng_below(r, 4);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_UNRESTRICTED_GUEST, false);
    vxa_set(c->vmcs, sel[i], (vxa_get(c->vmcs, sel[i]) & ~3ull) | (1 + vxa_rng_below(r, 3)));
    uint64_t a = (vxa_get(c->vmcs, ar[i]) & ~(VXA_SEG_AR_TYPE | VXA_SEG_AR_DPL | VXA_SEG_AR_UNUSABLE)) | VXA_SEG_AR_S | VXA_SEG_AR_P;
    vxa_set(c->vmcs, ar[i], a | VXA_RNG_PICK(r, types));
    return true;
}

/* "load CET state" on VM exit with one host CET register on either side of the canonical edge of
 * the linear-address width N (27.2.2: IA32_S_CET and IA32_INTERRUPT_SSP_TABLE_ADDR canonical;
 * 27.2.4: SSP canonical with "host address-space size" 1): bit N-2 alone or bits 63:N-1 set
 * (canonical, but not at width N-1), bit N-1 alone or bits 63:N set (not canonical, but canonical
 * at width N+1); N the other width (48 / 57) one time in four.  The low 12 bits stay clear:
 * IA32_S_CET's 9:6 are reserved, SSP is 4-byte aligned; 63:12 is the legacy-bitmap base, which
 * a CPU with IBT accepts (without it the reserved-bit rule fails too). */
static bool host_cet(vxa_mutator *m, vxa_mut_case *c)
{
    static const vxa_field targets[] = { VXA_F_HOST_S_CET, VXA_F_HOST_S_CET, VXA_F_HOST_INTR_SSP_TABLE, VXA_F_HOST_SSP };
    vxa_rng *r = &m->rng;
    if (!vxa_mut_control_on(c, VXA_WORD_EXIT, VXA_EXIT_LOAD_CET_STATE, true)) return false;
    unsigned lw = c->profile->linear_address_width == 57 ? 57 : 48;
    if (vxa_rng_below(r, 4) == 0) lw = lw == 57 ? 48 : 57;
    uint64_t top = 1ull << (lw - 1);
    const uint64_t vals[] = { top >> 1, ~(top - 1), top, ~((top << 1) - 1) };
    vxa_set(c->vmcs, VXA_RNG_PICK(r, targets), VXA_RNG_PICK(r, vals));
    return true;
}

/* The page the link-pointer move makes the current VMCS: an arena page no baseline or other move
 * uses (ops_memory.c's linked VMCS is at 0x38000).  The payload makes its VMCS there (VMCLEAR,
 * VMPTRLD: oracle/payload/runner.c, the case's current_vmcs_address). */
#define CURRENT_VMCS_PAGE 0x39000ull

/* The VMCS link pointer at the current VMCS (27.3.1.5: outside SMM, or entering SMM, it must not
 * be the current VMCS's address): a current, ordinary (not shadow) VMCS at CURRENT_VMCS_PAGE with
 * the profile's revision in its header (in the case's memory: the link pointer's revision rule
 * reads it), "VMCS shadowing" off where it may be (else the linked VMCS must be a shadow VMCS),
 * and the link pointer that page; one time in four the linked VMCS at ops_memory.c's page with the
 * same header instead (the rule passes). */
static bool link_current(vxa_mutator *m, vxa_mut_case *c)
{
    vxa_entry *e = c->entry;
    if (!vxa_profile_has(c->profile, VXA_MSR_BASIC)) return false;
    uint8_t b[4];
    vxa_mut_le(b, (uint32_t)c->profile->msr[VXA_MSR_BASIC] & 0x7fffffffu, 4);
    e->current_vmcs = true;
    e->current_vmcs_shadow = false;
    e->has_current_vmcs_address = true;
    e->current_vmcs_address = CURRENT_VMCS_PAGE;
    c->put_mem(c->ctx, CURRENT_VMCS_PAGE, b, 4);
    vxa_mut_control_on(c, VXA_WORD_PROC2, VXA_PROC2_VMCS_SHADOWING, false);
    uint64_t link = CURRENT_VMCS_PAGE;
    if (vxa_rng_below(&m->rng, 4) == 0) {
        link = 0x38000;
        c->put_mem(c->ctx, link, b, 4);
    }
    vxa_set(c->vmcs, VXA_F_VMCS_LINK_POINTER, link);
    return true;
}

bool vxa_op_correlated_one(vxa_mutator *m, vxa_mut_case *c, vxa_corr which)
{
    switch (which) {
    case VXA_CORR_RFLAGS_VM_REAL: return rflags_vm_real(m, c);
    case VXA_CORR_NULL_SS: return null_ss(m, c);
    case VXA_CORR_CET_SSP: return cet_ssp(m, c);
    case VXA_CORR_FRED_EVENT: return fred_event(m, c);
    case VXA_CORR_V86_SEGMENTS: return v86(m, c);
    case VXA_CORR_EVENT_STATE: return event_state_move(m, c);
    case VXA_CORR_IA32E_NO_PAGING: return ia32e_no_paging(m, c);
    case VXA_CORR_MSR_LOAD_RESERVED: return msr_load_move(m, c);
    case VXA_CORR_PENDING_BS: return pending_bs(m, c);
    case VXA_CORR_DATA_CODE_DPL: return data_code_dpl(m, c);
    case VXA_CORR_HOST_CET: return host_cet(m, c);
    case VXA_CORR_LINK_CURRENT_VMCS: return link_current(m, c);
    default: return false;
    }
}

bool vxa_op_correlated(vxa_mutator *m, vxa_mut_case *c)
{
    return vxa_op_correlated_one(m, c, (vxa_corr)vxa_rng_below(&m->rng, VXA_CORR_COUNT));
}
