/* wdk_stubs.h — prototypes that mimic the Windows Driver Kit API the example uses, so that
 * windows_driver_example.c can be compile-checked with mingw-w64 freestanding
 * (tests/amalgamation.sh).  Not the WDK: names and signatures as documented for wdm.h/ntddk.h
 * and the MSVC intrinsics (intrin.h: __vmx_vmread, __readmsr, __cpuidex); the real build uses
 * the WDK with MSVC.  Structured exception handling (__try/__except) has no gcc equivalent:
 * here it compiles as a plain block, so the compile check does not check the #GP path. */
#ifndef VXA_WDK_STUBS_H
#define VXA_WDK_STUBS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef long NTSTATUS;
typedef unsigned long ULONG;
typedef uint64_t ULONG64;
typedef int64_t LONGLONG;
typedef unsigned char BOOLEAN;
typedef void *PVOID;
typedef union _LARGE_INTEGER { LONGLONG QuadPart; } PHYSICAL_ADDRESS;
typedef struct _DRIVER_OBJECT { void (*DriverUnload)(struct _DRIVER_OBJECT *); } DRIVER_OBJECT, *PDRIVER_OBJECT;
typedef struct _UNICODE_STRING { unsigned short Length, MaximumLength; wchar_t *Buffer; } UNICODE_STRING, *PUNICODE_STRING;
#define STATUS_SUCCESS ((NTSTATUS)0)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)
#define ALL_PROCESSOR_GROUPS 0xffff
#define POOL_FLAG_NON_PAGED 0x40ull
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_ERROR_LEVEL 0
#define PAGE_SIZE 0x1000
#define EXCEPTION_EXECUTE_HANDLER 1
#define __try if (1)
#define __except(filter) else
#define UNREFERENCED_PARAMETER(p) (void)(p)
#define _Use_decl_annotations_

unsigned char __vmx_vmread(size_t Field, size_t *FieldValue);   /* 0 ok, 1 VMfailValid, 2 invalid */
unsigned char __vmx_vmlaunch(void);
unsigned char __vmx_vmresume(void);
uint64_t __readmsr(unsigned long Register);
void __cpuidex(int cpuInfo[4], int function_id, int subfunction_id);
ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, const char *Format, ...);
ULONG KeQueryActiveProcessorCountEx(unsigned short GroupNumber);
ULONG KeGetCurrentProcessorNumberEx(void *ProcNumber);
PVOID ExAllocatePool2(uint64_t Flags, size_t NumberOfBytes, ULONG Tag);
void ExFreePoolWithTag(PVOID P, ULONG Tag);
PVOID MmGetVirtualForPhysical(PHYSICAL_ADDRESS PhysicalAddress);
BOOLEAN MmIsAddressValid(PVOID VirtualAddress);
void *memcpy(void *dst, const void *src, size_t n);
#endif
