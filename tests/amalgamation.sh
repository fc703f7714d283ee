#!/bin/sh
# amalgamation.sh — the single-file distribution (engine/amalgamate.sh) as a driver uses it:
#  1. vmxaudit.c builds freestanding (-ffreestanding -nostdinc, compiler headers only, kernel
#     flags) with gcc and clang, -Wall -Wextra -Werror, and needs no symbol beyond
#     memcpy/memset/memmove/memcmp (nm -u); its only global symbols are the VXA_API functions of
#     vmxaudit.h (the internals are static); vmxaudit.h compiles on its own;
#  2. worst-case stack of vxa_live_audit and vxa_audit from gcc's call graph (-fcallgraph-info=su;
#     no recursion, no unbounded frame), at most STACK_BOUND bytes at -O2 (engine/EMBEDDING.md);
#  3. the freestanding gcc and clang objects, symbols prefixed amalg_, linked into a hosted
#     program next to the library: identical reports on every bundled layout x profile x model;
#  4. the embedding examples (engine/examples) compile freestanding against the amalgamation and
#     stub kernel APIs: the Linux module with gcc -mcmodel=kernel, the Windows driver with
#     mingw-w64; each linked (ld -r) with the amalgamation needs nothing but its kernel API.
# usage: tests/amalgamation.sh SOURCE_DIR AMALGAMATION_DIR LIBVMXAUDIT.a [HOSTED_FLAGS]
#   HOSTED_FLAGS: what the library was built with that a program linking it needs (-fsanitize=...)
set -eu
src=$(cd "$1" && pwd) am=$(cd "$2" && pwd) lib=$3 hosted=${4:-}
STACK_BOUND=2048
# Bounded self-recursion, NAME:DEPTH: vxa_allowed() asks the word that advertises an MSR
# (VMFUNC -> PROCBASED_CTLS2 -> PROCBASED_CTLS), at most 3 frames deep.
RECURSION="vxa_allowed:3"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -f "$am/vmxaudit.c" ] && [ -f "$am/vmxaudit.h" ] || { echo "amalgamation: $am/vmxaudit.[ch] missing" >&2; exit 1; }

kflags="-std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -mno-red-zone \
  -mgeneral-regs-only -fno-stack-protector -fno-pic"
for cc in gcc clang; do
  command -v $cc >/dev/null || { echo "amalgamation: $cc not found" >&2; exit 1; }
  inc=$($cc -print-file-name=include)
  $cc $kflags -nostdinc -isystem "$inc" -c "$am/vmxaudit.c" -o "$out/am-$cc.o"
  printf '#include "vmxaudit.h"\nint vxa_header_alone(void) { return VMXAUDIT_API_VERSION; }\n' > "$out/h.c"
  $cc $kflags -pedantic -nostdinc -isystem "$inc" -I"$am" -c "$out/h.c" -o "$out/h-$cc.o"
  undefined=$(nm -u "$out/am-$cc.o" | awk '{print $2}' | grep -v -x -E 'memcpy|memset|memmove|memcmp' || true)
  if [ -n "$undefined" ]; then
    echo "amalgamation ($cc): needs symbols beyond memcpy/memset/memmove/memcmp: $undefined" >&2
    exit 1
  fi
  echo "amalgamation: $cc -ffreestanding -nostdinc -mno-red-zone -mgeneral-regs-only: ok; nm -u: $(nm -u "$out/am-$cc.o" | awk '{print $2}' | tr '\n' ' ')"
  # Its internals are static (VXA_PRIVATE, SQLite's pattern): the object defines as global
  # exactly the VXA_API declarations of vmxaudit.h.
  nm --defined-only -g "$out/am-$cc.o" | awk '{print $3}' | sort > "$out/global-$cc"
  awk '/^VXA_API / { s = $0; sub(/[(\[].*/, "", s); n = split(s, w, /[ *]+/); print w[n] }' "$am/vmxaudit.h" |
    sort > "$out/api"
  if ! cmp -s "$out/global-$cc" "$out/api"; then
    echo "amalgamation ($cc): global symbols differ from the VXA_API declarations (< global, > API):" >&2
    diff "$out/global-$cc" "$out/api" >&2 || true
    exit 1
  fi
  echo "amalgamation: $cc: $(wc -l < "$out/api") global symbols, all VXA_API; the rest static"
done

# 2. stack: the deepest path of the call graph (callback frames excluded: they are the caller's).
worst() {  # worst OPT ROOT...
  opt=$1
  shift
  inc=$(gcc -print-file-name=include)
  (cd "$out" && gcc $kflags $opt -nostdinc -isystem "$inc" -fcallgraph-info=su -c "$am/vmxaudit.c" -o cg.o)
  awk -v roots="$*" -v recursion="$RECURSION" '
    function q(s, key,   t) { t = s; sub(".*" key ": \"", "", t); sub(/".*/, "", t); return t }
    /^node:/ { t = q($0, "title"); size[t] = 0
               if (match($0, /[0-9]+ bytes/)) size[t] = substr($0, RSTART, RLENGTH) + 0
               if ($0 ~ /\(dynamic\)/) unbounded = unbounded " " t }
    /^edge:/ { adj[q($0, "sourcename"), ++n[q($0, "sourcename")]] = q($0, "targetname") }
    # Deepest path from v.  A cycle back into a node of the recursion list costs nothing here:
    # that node then counts DEPTH times its own deepest path (an upper bound); any other cycle
    # is an error.  Results that depended on such a back edge are not memoized.
    function depth(v,   i, d, m, saved, hb) {
      if (v in memo) return memo[v]
      if (v in on) { if (v in bound) { back = 1; return 0 } cycle = cycle " " v; return 0 }
      on[v] = 1; m = 0; saved = back; back = 0
      for (i = 1; i <= n[v]; i++) { d = depth(adj[v, i]); if (d > m) { m = d; next_[v] = adj[v, i] } }
      delete on[v]
      d = size[v] + m
      hb = back
      if (v in bound) { d *= bound[v]; hb = 0 }
      if (!hb) memo[v] = d
      back = saved || hb
      return d
    }
    BEGIN { k = split(recursion, rr, " "); for (i = 1; i <= k; i++) { split(rr[i], nb, ":"); bound[nb[1]] = nb[2] } }
    END {
      if (unbounded != "") { print "unbounded dynamic stack:" unbounded > "/dev/stderr"; exit 1 }
      k = split(roots, r, " ")
      for (i = 1; i <= k; i++) {
        total = depth(r[i]); path = ""
        for (v = r[i]; v != "" && !(v in shown); v = next_[v]) {
          shown[v] = 1; p = v; sub(/^[^:]*:/, "", p)
          path = path (path == "" ? "" : " > ") p " " size[v] ((v in bound) ? "x" bound[v] : "")
        }
        split("", shown)
        printf "%s %d %s\n", r[i], total, path
      }
      if (cycle != "") { print "recursion:" cycle > "/dev/stderr"; exit 1 }
    }' "$out/cg.ci"
}
for opt in -O2 -Os -O0; do
  worst $opt vxa_live_audit vxa_audit > "$out/stack$opt"
  while read -r fn bytes path; do
    echo "amalgamation: stack ($opt, gcc, callbacks excluded): $fn $bytes bytes: $path"
    if [ "$opt" = -O2 ] && [ "$bytes" -gt "$STACK_BOUND" ]; then
      echo "amalgamation: $fn needs $bytes bytes of stack, over the documented $STACK_BOUND" >&2
      exit 1
    fi
  done < "$out/stack$opt"
done

# 3. the freestanding objects in a hosted program, against the library.
cjson=$(pkg-config --libs libcjson)
hcc=${HOSTED_CC:-cc}   # the compiler the library was built with (its sanitizer runtime)
$hcc -std=c11 -O2 -Wall -Wextra -Werror $hosted -I"$src/engine/include" -c "$src/tests/amalgamation_main.c" \
  -o "$out/main.o"
for cc in gcc clang; do
  objcopy --prefix-symbols=amalg_ "$out/am-$cc.o" "$out/am-$cc-prefixed.o"
  $hcc $hosted -no-pie -o "$out/amalgamation_main" "$out/main.o" "$out/am-$cc-prefixed.o" "$lib" $cjson
  printf 'amalgamation (%s object): ' $cc
  VMXAUDIT_CORPUS=${VMXAUDIT_CORPUS:-$src/corpus} "$out/amalgamation_main"
done

# 4. the examples.
only_needs() {  # only_needs NM OBJECT WHAT ALLOWED...
  nm=$1 obj=$2 what=$3
  shift 3
  extra=$($nm -u "$obj" | awk '{print $2}' | while read -r sym; do
    ok=0; for a in "$@" memcpy memset memmove memcmp; do [ "$sym" = "$a" ] && ok=1; done
    [ $ok = 1 ] || echo "$sym"; done)
  if [ -n "$extra" ]; then echo "amalgamation: $what needs unexpected symbols: $extra" >&2; exit 1; fi
  echo "amalgamation: $what compiles freestanding; needs: $($nm -u "$obj" | awk '{print $2}' | tr '\n' ' ')"
}
inc=$(gcc -print-file-name=include)
kern="-O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -nostdinc -isystem $inc -mno-red-zone \
  -mgeneral-regs-only -fno-stack-protector -fno-pic -mcmodel=kernel"
gcc -std=c11 $kern -c "$am/vmxaudit.c" -o "$out/am-kernel.o"
gcc -std=gnu11 $kern -DVXA_EXAMPLE_STUBS -I"$src/engine/examples" -I"$am" \
  -c "$src/engine/examples/linux_kmod_example.c" -o "$out/kmod.o"
ld -r -o "$out/kmod-all.o" "$out/kmod.o" "$out/am-kernel.o"
only_needs nm "$out/kmod-all.o" "linux_kmod_example.c (gcc -mcmodel=kernel, stub kernel API)" \
  printk rdmsrl_safe cpuid_count pfn_valid phys_to_virt smp_processor_id nr_cpu_ids kvcalloc \
  kvfree my_hv_vmentry

mingw=x86_64-w64-mingw32-gcc
command -v $mingw >/dev/null || { echo "amalgamation: $mingw not found (Debian package gcc-mingw-w64-x86-64)" >&2; exit 1; }
# mingw's compiler <stddef.h>/<stdint.h> #include_next the mingw-w64 ones: no -nostdinc here;
# nm -u below is what shows that nothing of a C library is used.
win="-std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin -mno-red-zone \
  -mgeneral-regs-only -fno-stack-protector"
$mingw $win -c "$am/vmxaudit.c" -o "$out/am-win.o"
$mingw $win -DVXA_EXAMPLE_STUBS -I"$src/engine/examples" -I"$am" \
  -c "$src/engine/examples/windows_driver_example.c" -o "$out/drv.o"
x86_64-w64-mingw32-ld -r -o "$out/drv-all.o" "$out/drv.o" "$out/am-win.o"
only_needs x86_64-w64-mingw32-nm "$out/drv-all.o" "windows_driver_example.c (mingw-w64, stub WDK)" \
  __vmx_vmread __vmx_vmlaunch __vmx_vmresume __readmsr __cpuidex DbgPrintEx \
  KeQueryActiveProcessorCountEx KeGetCurrentProcessorNumberEx ExAllocatePool2 ExFreePoolWithTag \
  MmGetVirtualForPhysical MmIsAddressValid
