/* vmwrite_log.h — a one-line logging hook around a hypervisor's own VMWRITE: every write is also
 * logged as "vmxaudit: vmwrite(0xENCODING, 0xVALUE)", a trace `vmxaudit import` reads as it is
 * (format vmwrite, recognised without --format; dmesg/serial prefixes are fine).  Hypervisor
 * source computes most values at run time (controls masked with the capability MSRs, CR4 read
 * from the CPU, the TR selector from STR): the trace has the values the CPU was given.  The last
 * write of each field before VMLAUNCH/VMRESUME is the one that counts, and that is the one the
 * importer keeps.  Fields the hypervisor never writes are not in the trace: `vmxaudit import`
 * lists the ones the rules read (VMREAD them, or use the live adapter, live.h, instead).
 *
 * Use: define VXA_VMWRITE_LOG(fmt, encoding, value) to your logger before including this file,
 * then wrap your vmwrite function once:
 *
 *     #define VXA_VMWRITE_LOG(fmt, e, v) printk(KERN_DEBUG fmt, e, v)     (Linux)
 *     #define VXA_VMWRITE_LOG(fmt, e, v) DbgPrint(fmt, e, v)              (Windows)
 *     #include "vmwrite_log.h"
 *     #define my_vmwrite(f, v) VXA_LOGGED_VMWRITE(my_vmwrite_raw, f, v)
 *
 * and collect the trace with `dmesg > trace.txt` (or the debugger's log): `vmxaudit import
 * trace.txt --profile CPU`.  MIT licence, like the rest of vmxaudit. */
#ifndef VMXAUDIT_VMWRITE_LOG_H
#define VMXAUDIT_VMWRITE_LOG_H

#ifndef VXA_VMWRITE_LOG
#error "define VXA_VMWRITE_LOG(fmt, encoding, value) (printk, DbgPrint, printf) before including vmwrite_log.h"
#endif

/* Logs the write, then performs it with the hypervisor's own function; evaluates each argument
 * once. */
#define VXA_LOGGED_VMWRITE(vmwrite_fn, field, value)                                            \
    do {                                                                                        \
        unsigned long long vxa_log_f_ = (unsigned long long)(field);                            \
        unsigned long long vxa_log_v_ = (unsigned long long)(value);                            \
        VXA_VMWRITE_LOG("vmxaudit: vmwrite(0x%llx, 0x%llx)\n", vxa_log_f_, vxa_log_v_);         \
        vmwrite_fn(vxa_log_f_, vxa_log_v_);                                                     \
    } while (0)

#endif
