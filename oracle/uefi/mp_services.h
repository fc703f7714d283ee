/* mp_services.h — the MP Services protocol of the UEFI Platform Initialization specification
 * (Vol. 2, "MP Services Protocol", EFI_MP_SERVICES_PROTOCOL), declared here from the
 * specification: gnu-efi has no header for it.  The loader (loader.c) uses it to run the probe
 * and the batch on every logical CPU (`vmxaudit oracle image --cpus all`).
 * Every member function and the AP procedure use the UEFI calling convention (MS x64 ABI). */
#ifndef VXA_UEFI_MP_SERVICES_H
#define VXA_UEFI_MP_SERVICES_H

#include <efi.h>

#define VXA_MSABI __attribute__((ms_abi))

#define VXA_MP_SERVICES_GUID \
    { 0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }

/* EFI_PROCESSOR_INFORMATION.StatusFlag */
#define VXA_PROCESSOR_AS_BSP_BIT        0x1
#define VXA_PROCESSOR_ENABLED_BIT       0x2
#define VXA_PROCESSOR_HEALTH_STATUS_BIT 0x4

typedef struct { UINT32 Package, Core, Thread; } VXA_CPU_PHYSICAL_LOCATION;
/* EFI_CPU_PHYSICAL_LOCATION2 (Package, Module, Tile, Die, Core, Thread): filled only when the
 * caller sets bit 24 of ProcessorNumber; declared so that a firmware of a later specification
 * never writes past the buffer. */
typedef struct { UINT32 Location2[6]; } VXA_EXTENDED_PROCESSOR_INFORMATION;

typedef struct {
    UINT64 ProcessorId;                  /* the local APIC ID on IA-32 and x64 */
    UINT32 StatusFlag;
    VXA_CPU_PHYSICAL_LOCATION Location;
    VXA_EXTENDED_PROCESSOR_INFORMATION ExtendedInformation;
} VXA_PROCESSOR_INFORMATION;

typedef VOID (VXA_MSABI *VXA_AP_PROCEDURE)(VOID *ProcedureArgument);

typedef struct VXA_MP_SERVICES VXA_MP_SERVICES;
struct VXA_MP_SERVICES {
    EFI_STATUS (VXA_MSABI *GetNumberOfProcessors)(VXA_MP_SERVICES *This, UINTN *NumberOfProcessors,
                                                  UINTN *NumberOfEnabledProcessors);
    EFI_STATUS (VXA_MSABI *GetProcessorInfo)(VXA_MP_SERVICES *This, UINTN ProcessorNumber,
                                             VXA_PROCESSOR_INFORMATION *ProcessorInfoBuffer);
    EFI_STATUS (VXA_MSABI *StartupAllAPs)(VXA_MP_SERVICES *This, VXA_AP_PROCEDURE Procedure,
                                          BOOLEAN SingleThread, EFI_EVENT WaitEvent,
                                          UINTN TimeoutInMicroSeconds, VOID *ProcedureArgument,
                                          UINTN **FailedCpuList);
    /* WaitEvent NULL: blocking; Timeout 0: no limit */
    EFI_STATUS (VXA_MSABI *StartupThisAP)(VXA_MP_SERVICES *This, VXA_AP_PROCEDURE Procedure,
                                          UINTN ProcessorNumber, EFI_EVENT WaitEvent,
                                          UINTN TimeoutInMicroseconds, VOID *ProcedureArgument,
                                          BOOLEAN *Finished);
    EFI_STATUS (VXA_MSABI *SwitchBSP)(VXA_MP_SERVICES *This, UINTN ProcessorNumber, BOOLEAN EnableOldBSP);
    EFI_STATUS (VXA_MSABI *EnableDisableAP)(VXA_MP_SERVICES *This, UINTN ProcessorNumber,
                                            BOOLEAN EnableAP, UINT32 *HealthFlag);
    EFI_STATUS (VXA_MSABI *WhoAmI)(VXA_MP_SERVICES *This, UINTN *ProcessorNumber);
};

#endif
