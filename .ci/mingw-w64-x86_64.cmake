# CMake toolchain file: cross-build for 64-bit Windows with Debian's mingw-w64
# (apt-get install gcc-mingw-w64-x86-64).  Used by .ci/windows.sh.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 $ENV{VXA_MINGW_PREFIX})   # + where windows.sh builds cJSON
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Run the target's programs (tests, generators) under Wine when asked to.
find_program(VXA_WINE NAMES wine64 wine)
if(VXA_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VXA_WINE})
endif()
# C99 printf (%zu, %llu) from mingw's own stdio rather than msvcrt's; GCC checks format
# attributes against msvcrt's printf on this target, so those checks stay with the native builds.
set(CMAKE_C_FLAGS_INIT "-D__USE_MINGW_ANSI_STDIO=1 -Wno-format")
