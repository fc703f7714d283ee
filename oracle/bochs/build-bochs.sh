#!/usr/bin/env bash
# Build a headless Bochs with VMX from Debian's source package, for the Bochs oracle.
#
#   oracle/bochs/build-bochs.sh [VERSION]      VERSION: 3.0 (Debian trixie, default) or 3.1 (sid)
#
# Prints the binary's path on stdout (everything else goes to stderr), e.g.
#   VXA_BOCHS=$(oracle/bochs/build-bochs.sh 3.0) vmxaudit oracle probe --backend bochs --cpu sapphire_rapids
#
# Where: ${VXA_BOCHS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmxaudit}/bochs-VERSION/bin/bochs, with
# build-info beside it (source package, tarball checksums, compiler, configure options, build time).
# A cached binary that runs is reused; a lock makes concurrent callers wait for one build.
#
# The source comes from the Debian registry only: a private apt configuration (nothing in the
# system's apt sources changes) with one deb-src entry for the suite, `apt-get source
# --download-only`, which fetches the .orig and .debian tarballs; the registry refuses the .dsc,
# so apt-get exits non-zero — tolerated: each tarball is checked against the SHA-256 in the
# suite's signed Sources index (`apt-get indextargets` / the index itself) and unpacked directly.
# Debian 12's Bochs 2.7 is the `bochs` package (apt-get install bochs bochs-term bochsbios vgabios);
# the BIOS images of bochsbios/vgabios serve every version.
set -euo pipefail

ver=${1:-3.0}
case $ver in
  3.0) suite=trixie ;;
  3.1) suite=sid ;;
  *) echo "build-bochs.sh: unknown Bochs version '$ver' (3.0 or 3.1)" >&2; exit 2 ;;
esac

cache=${VXA_BOCHS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmxaudit}
prefix=$cache/bochs-$ver
bin=$prefix/bin/bochs
jobs=${JOBS:-2}
log() { echo "build-bochs.sh: $*" >&2; }

# The headless configuration the oracle needs: term display, x86-64 with VMX (EPT, unrestricted
# guest ...), the CPU features of the newest models, and the debugger (`-rc` needs it).
configure_opts=(--with-term --without-x11 --without-wx --without-sdl2 --disable-readline
  --enable-x86-64 --enable-vmx=2 --enable-cpu-level=6 --enable-avx --enable-evex --enable-amx
  --enable-cet --enable-protection-keys --enable-uintr --enable-debugger --enable-disasm)

# The banner Bochs prints at start names its version ("Bochs x86 Emulator 3.0").
works() { [ -x "$1" ] && timeout 10 "$1" -n -q </dev/null 2>&1 | grep -aq "Bochs x86 Emulator $ver\$"; }

mkdir -p "$cache"
exec 9>"$cache/bochs-$ver.lock"
flock 9
if works "$bin"; then
  log "reusing $bin"
  echo "$bin"; exit 0
fi

need=(apt-get apt-cache g++ make xz tar sha256sum)
for t in "${need[@]}"; do command -v "$t" >/dev/null || { log "needs $t (apt-get install build-essential xz-utils)"; exit 3; }; done
dpkg -s libncurses-dev >/dev/null 2>&1 || { log "needs libncurses-dev (the term display)"; exit 3; }

# Private apt state: only the deb-src line of the suite.
apt=$cache/apt-$suite
mkdir -p "$apt/lists/partial" "$apt/archives/partial"
: >"$apt/status"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" >"$apt/sources.list"
aptopts=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$apt/lists" -o Dir::State::Status="$apt/status"
  -o Dir::Cache="$apt" -o Dir::Cache::archives="$apt/archives" -o APT::Sandbox::User=root
  -o Acquire::Languages=none)
log "apt-get update ($suite deb-src)"
apt-get "${aptopts[@]}" -qq update >&2

# The Sources stanza of bochs: version, tarball names and SHA-256s.
stanza=$(apt-cache "${aptopts[@]}" showsrc bochs 2>/dev/null | awk -v RS= '!done && /^Package: bochs\n/ {print; done=1}')
[ -n "$stanza" ] || { log "no bochs source package in $suite"; exit 3; }
debver=$(sed -n 's/^Version: //p' <<<"$stanza")
case $debver in "$ver"*) ;; *) log "$suite has bochs $debver, not $ver"; exit 3 ;; esac
mapfile -t sums < <(awk '/^Checksums-Sha256:/ {on=1; next} /^[^ ]/ {on=0} on && $3 ~ /\.tar\./ {print $1 "  " $3}' <<<"$stanza")
[ ${#sums[@]} -ge 1 ] || { log "no tarball checksums for bochs $debver in the $suite Sources index"; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/vxa-bochs-$ver.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
log "apt-get source --download-only bochs=$debver (the registry refuses the .dsc: tolerated)"
apt-get "${aptopts[@]}" -qq source --download-only "bochs=$debver" >&2 2>&1 || true
missing=0
for s in "${sums[@]}"; do
  f=${s#*  }
  [ -f "$f" ] || { log "$f was not downloaded from the registry"; missing=1; }
done
[ $missing = 0 ] || { log "bochs $debver ($suite): tarballs not available; not building"; exit 3; }
printf '%s\n' "${sums[@]}" | sha256sum --quiet -c - >&2 || { log "checksum mismatch against the $suite Sources index"; exit 3; }
log "tarballs verified against the $suite Sources index"

orig=$(printf '%s\n' "${sums[@]}" | sed -n 's/^.*  \(.*\.orig\.tar\..*\)$/\1/p')
deb=$(printf '%s\n' "${sums[@]}" | sed -n 's/^.*  \(.*\.debian\.tar\..*\)$/\1/p')
mkdir src
tar -xf "$orig" -C src --strip-components=1
[ -z "$deb" ] || tar -xf "$deb" -C src
cd src
# Debian's patches (build fixes, the dfsg changes), in series order; none is required by the oracle.
if [ -f debian/patches/series ]; then
  while read -r p _; do
    case $p in ''|\#*) continue ;; esac
    patch -p1 -s --forward <"debian/patches/$p" >&2 || log "Debian patch $p did not apply: skipped"
  done <debian/patches/series
fi

start=$(date +%s)
log "configure ${configure_opts[*]}"
./configure --prefix="$prefix" "${configure_opts[@]}" >configure.log 2>&1 || { tail -n 30 configure.log >&2; log "configure failed"; exit 4; }
log "make -j$jobs (a few minutes)"
make -j"$jobs" >make.log 2>&1 || { tail -n 40 make.log >&2; log "make failed"; exit 4; }
secs=$(( $(date +%s) - start ))

mkdir -p "$prefix/bin"
install -m 755 bochs "$bin.new"
mv "$bin.new" "$bin"
{
  echo "Bochs $ver built by oracle/bochs/build-bochs.sh"
  echo "source: Debian $suite bochs $debver"
  printf 'sha256: %s\n' "${sums[@]}"
  echo "compiler: $(g++ --version | head -n 1)"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $secs s"
  echo "configure: ${configure_opts[*]}"
} >"$prefix/build-info"
works "$bin" || { log "the built binary does not run"; exit 4; }
log "built in $secs s: $bin"
echo "$bin"
