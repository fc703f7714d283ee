/* vmwrite_hook_demo.c — engine/examples/vmwrite_log.h used as a hypervisor would: its own
 * vmwrite (here: into an array) wrapped by the hook, values computed at run time; prints the
 * trace the hook logs, which tests/cli/test_import.sh imports. */
#include <stdint.h>
#include <stdio.h>
#define VXA_VMWRITE_LOG(fmt, e, v) printf(fmt, e, v)
#include "vmwrite_log.h"

static uint64_t vmcs[0x7000];
static void my_vmwrite_raw(unsigned long long f, unsigned long long v) { vmcs[f & 0x6fff] = v; }
#define my_vmwrite(f, v) VXA_LOGGED_VMWRITE(my_vmwrite_raw, f, v)

int main(int argc, char **argv)
{
    (void)argv;
    uint64_t cr0 = 0x80050033u, rflags = 0x2 | (uint64_t)(argc > 5) << 9;   /* "computed" */
    printf("[ 12.345678][T4242] myhv: setting up the VMCS\n");
    my_vmwrite(0x6800, cr0);                  /* GUEST_CR0 */
    my_vmwrite(0x6820, rflags);               /* GUEST_RFLAGS */
    my_vmwrite(0x6820, rflags | 0x200);       /* written again: the last write counts */
    my_vmwrite(0x2800, ~0ULL);                /* VMCS_LINK_POINTER */
    my_vmwrite(0x4012, 0x13ff);               /* VM_ENTRY_CONTROLS */
    return vmcs[0x6800] == cr0 ? 0 : 1;       /* the hook performed the writes */
}
