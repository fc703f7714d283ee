/* bitnames.c — human names of the bits of VMX control words and registers (SDM 25.6-25.8,
 * Appendix A), for the text report and profile decoding (vmxaudit/codec.h). */
#include <string.h>
#include "codec_internal.h"

static const vxa_bitname pin_names[] = {
    { 0, "External-interrupt exiting" }, { 3, "NMI exiting" }, { 5, "Virtual NMIs" },
    { 6, "Activate VMX-preemption timer" }, { 7, "Process posted interrupts" }, { 0, NULL } };
static const vxa_bitname proc_names[] = {
    { 2, "Interrupt-window exiting" }, { 3, "Use TSC offsetting" }, { 7, "HLT exiting" },
    { 9, "INVLPG exiting" }, { 10, "MWAIT exiting" }, { 11, "RDPMC exiting" },
    { 12, "RDTSC exiting" }, { 15, "CR3-load exiting" }, { 16, "CR3-store exiting" },
    { 17, "Activate tertiary controls" }, { 19, "CR8-load exiting" }, { 20, "CR8-store exiting" },
    { 21, "Use TPR shadow" }, { 22, "NMI-window exiting" }, { 23, "MOV-DR exiting" },
    { 24, "Unconditional I/O exiting" }, { 25, "Use I/O bitmaps" }, { 27, "Monitor trap flag" },
    { 28, "Use MSR bitmaps" }, { 29, "MONITOR exiting" }, { 30, "PAUSE exiting" },
    { 31, "Activate secondary controls" }, { 0, NULL } };
static const vxa_bitname proc2_names[] = {
    { 0, "Virtualize APIC accesses" }, { 1, "Enable EPT" }, { 2, "Descriptor-table exiting" },
    { 3, "Enable RDTSCP" }, { 4, "Virtualize x2APIC mode" }, { 5, "Enable VPID" },
    { 6, "WBINVD exiting" }, { 7, "Unrestricted guest" }, { 8, "APIC-register virtualization" },
    { 9, "Virtual-interrupt delivery" }, { 10, "PAUSE-loop exiting" }, { 11, "RDRAND exiting" },
    { 12, "Enable INVPCID" }, { 13, "Enable VM functions" }, { 14, "VMCS shadowing" },
    { 15, "Enable ENCLS exiting" }, { 16, "RDSEED exiting" }, { 17, "Enable PML" },
    { 18, "EPT-violation #VE" }, { 19, "Conceal VMX from PT" }, { 20, "Enable XSAVES/XRSTORS" },
    { 21, "PASID translation" }, { 22, "Mode-based execute control for EPT" },
    { 23, "Sub-page write permissions for EPT" }, { 24, "Intel PT uses guest physical addresses" },
    { 25, "Use TSC scaling" }, { 26, "Enable user wait and pause" }, { 27, "Enable PCONFIG" },
    { 28, "Enable ENCLV exiting" }, { 30, "VMM bus-lock detection" }, { 31, "Instruction timeout" },
    { 0, NULL } };
static const vxa_bitname proc3_names[] = {
    { 0, "LOADIWKEY exiting" }, { 1, "Enable HLAT" }, { 2, "EPT paging-write control" },
    { 3, "Guest-paging verification" }, { 4, "IPI virtualization" },
    { 7, "Virtualize IA32_SPEC_CTRL" }, { 0, NULL } };
static const vxa_bitname exit_names[] = {
    { 2, "Save debug controls" }, { 9, "Host address-space size" },
    { 12, "Load IA32_PERF_GLOBAL_CTRL" }, { 15, "Acknowledge interrupt on exit" },
    { 18, "Save IA32_PAT" }, { 19, "Load IA32_PAT" }, { 20, "Save IA32_EFER" },
    { 21, "Load IA32_EFER" }, { 22, "Save VMX-preemption timer value" },
    { 23, "Clear IA32_BNDCFGS" }, { 24, "Conceal VMX from PT" }, { 25, "Clear IA32_RTIT_CTL" },
    { 26, "Clear IA32_LBR_CTL" }, { 27, "Clear UINV" }, { 28, "Load CET state" },
    { 29, "Load PKRS" }, { 30, "Save IA32_PERF_GLOBAL_CTL" },
    { 31, "Activate secondary controls" }, { 0, NULL } };
static const vxa_bitname exit2_names[] = {
    { 0, "Save IA32_FRED" }, { 1, "Load IA32_FRED" }, { 3, "Prematurely busy shadow stack" },
    { 0, NULL } };
static const vxa_bitname entry_names[] = {
    { 2, "Load debug controls" }, { 9, "IA-32e mode guest" }, { 10, "Entry to SMM" },
    { 11, "Deactivate dual-monitor treatment" }, { 13, "Load IA32_PERF_GLOBAL_CTRL" },
    { 14, "Load IA32_PAT" }, { 15, "Load IA32_EFER" }, { 16, "Load IA32_BNDCFGS" },
    { 17, "Conceal VMX from PT" }, { 18, "Load IA32_RTIT_CTL" }, { 19, "Load UINV" },
    { 20, "Load CET state" }, { 21, "Load guest IA32_LBR_CTL" }, { 22, "Load PKRS" },
    { 23, "Load IA32_FRED" }, { 0, NULL } };
static const vxa_bitname vmfunc_names[] = { { 0, "EPTP switching" }, { 0, NULL } };
static const vxa_bitname none[] = { { 0, NULL } };

const vxa_bitname *vxa_word_bitnames(vxa_word w)
{
    switch (w) {
    case VXA_WORD_PIN: return pin_names;
    case VXA_WORD_PROC: return proc_names;
    case VXA_WORD_PROC2: return proc2_names;
    case VXA_WORD_PROC3: return proc3_names;
    case VXA_WORD_EXIT: return exit_names;
    case VXA_WORD_EXIT2: return exit2_names;
    case VXA_WORD_ENTRY: return entry_names;
    case VXA_WORD_VMFUNC: return vmfunc_names;
    default: return none;
    }
}

const char *vxa_word_bitname(vxa_word w, unsigned bit)
{
    for (const vxa_bitname *b = vxa_word_bitnames(w); b->name; b++)
        if (b->bit == bit) return b->name;
    return NULL;
}

static const char *const cr0[32] = { [0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET",
    [5] = "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG" };
static const char *const cr4[33] = { [0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE",
    [4] = "PSE", [5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR",
    [10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57", [13] = "VMXE", [14] = "SMXE",
    [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE", [19] = "KL", [20] = "SMEP",
    [21] = "SMAP", [22] = "PKE", [23] = "CET", [24] = "PKS", [25] = "UINTR", [27] = "LASS",
    [28] = "LAM_SUP", [32] = "FRED" };
static const char *const efer[12] = { [0] = "SCE", [8] = "LME", [10] = "LMA", [11] = "NXE" };
static const char *const rflags[22] = { [0] = "CF", [1] = "reserved-1", [2] = "PF", [4] = "AF",
    [6] = "ZF", [7] = "SF", [8] = "TF", [9] = "IF", [10] = "DF", [11] = "OF", [14] = "NT",
    [16] = "RF", [17] = "VM", [18] = "AC", [19] = "VIF", [20] = "VIP", [21] = "ID" };

const char *vxa_register_bitname(const char *reg, unsigned bit)
{
    if (!strcmp(reg, "CR0")) return bit < 32 ? cr0[bit] : NULL;
    if (!strcmp(reg, "CR4")) return bit < 33 ? cr4[bit] : NULL;
    if (!strcmp(reg, "EFER")) return bit < 12 ? efer[bit] : NULL;
    if (!strcmp(reg, "RFLAGS")) return bit < 22 ? rflags[bit] : NULL;
    return NULL;
}

vxa_word vxa_field_word(vxa_field f)
{
    switch (f) {
    case VXA_F_PIN_BASED_VM_EXEC_CONTROL: return VXA_WORD_PIN;
    case VXA_F_CPU_BASED_VM_EXEC_CONTROL: return VXA_WORD_PROC;
    case VXA_F_SECONDARY_VM_EXEC_CONTROL: return VXA_WORD_PROC2;
    case VXA_F_TERTIARY_VM_EXEC_CONTROL: return VXA_WORD_PROC3;
    case VXA_F_VM_EXIT_CONTROLS: return VXA_WORD_EXIT;
    case VXA_F_SECONDARY_VM_EXIT_CONTROLS: return VXA_WORD_EXIT2;
    case VXA_F_VM_ENTRY_CONTROLS: return VXA_WORD_ENTRY;
    case VXA_F_VM_FUNCTION_CONTROL: return VXA_WORD_VMFUNC;
    default: return VXA_WORD_NONE;
    }
}
