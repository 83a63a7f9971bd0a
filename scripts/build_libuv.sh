#!/usr/bin/env bash
# Builds libuv from a pinned release as a static, position-independent library:
#   build/libuv/prefix/include/uv.h   build/libuv/prefix/lib/libuv.a (libuv.lib on Windows)
# For wheels: point PYUV_NET_LIBUV_PREFIX at the prefix and the extension carries libuv.
# A finished build of the same tarball is reused; the last line printed is the prefix.
#
# Where it runs: Linux (cibuildwheel's manylinux/musllinux containers and `make wheel`),
# macOS, and Windows under Git Bash with cmake driving MSVC (no vcpkg). It needs curl,
# tar, cmake and a C compiler.
# Usage: scripts/build_libuv.sh [WORK_DIR]   (default: build/libuv in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.50.0
# The same release from three places, each with its own checksum: the tarballs differ
# (top directory, packing) though the sources are the same. Tried in this order.
SOURCES=(
  "https://dist.libuv.org/dist/v$VERSION/libuv-v$VERSION.tar.gz 6dc2b39aa7fa66c04e2e015bf47738b84e1c6b86b8987d57dd432d149d77ee25"
  "https://github.com/libuv/libuv/archive/refs/tags/v$VERSION.tar.gz b1ec56444ee3f1e10c8bd3eed16ba47016ed0b94fe42137435aaf2e0bd574579"
  "https://deb.debian.org/debian/pool/main/libu/libuv1/libuv1_$VERSION.orig.tar.gz ec9de6ecf2a780fd2afb3b007947d2cd57c3bb17f3b9e721a66774980d35cd4d"
)

WORK=${1:-build/libuv}
PREFIX=$WORK/prefix
STAMP=$PREFIX/.built-from

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# cmake on Windows is a native program: give it C:/... paths, not Git Bash's /c/...
native_path() {
  if command -v cygpath >/dev/null 2>&1; then cygpath -m "$1"; else echo "$1"; fi
}

# Reuse a build only if it came from one of the pinned tarballs.
for source in "${SOURCES[@]}"; do
  if [ -f "$STAMP" ] && [ -f "$PREFIX/include/uv.h" ] && grep -qF "sha256:${source#* }" "$STAMP"; then
    echo "libuv: reusing $PREFIX ($(cat "$STAMP"))" >&2
    echo "$PREFIX"
    exit 0
  fi
done

mkdir -p "$WORK"
tarball=$WORK/libuv-$VERSION.tar.gz
verified=""
for source in "${SOURCES[@]}"; do
  url=${source% *}
  sum=${source#* }
  if [ ! -f "$tarball" ] || [ "$(sha256_of "$tarball")" != "$sum" ]; then
    echo "libuv: fetching $url" >&2
    curl -fsSL --retry 2 --connect-timeout 20 -o "$tarball.part" "$url" || { echo "libuv: $url unreachable" >&2; continue; }
    mv "$tarball.part" "$tarball"
  fi
  got=$(sha256_of "$tarball")
  if [ "$got" = "$sum" ]; then
    verified="$url sha256:$sum"
    break
  fi
  echo "libuv: checksum mismatch for $url: got $got, want $sum" >&2
  rm -f "$tarball"
done
[ -n "$verified" ] || { echo "libuv: no source gave libuv $VERSION with a known checksum" >&2; exit 1; }

src=$WORK/src
build=$WORK/cmake-build
rm -rf "$src" "$build" "$PREFIX"
mkdir -p "$src"
tar -xzf "$tarball" -C "$src" --strip-components=1

# Static only, PIC so it can go into the extension (a shared object). LIBDIR is pinned
# to lib: GNUInstallDirs would pick lib64 on the RHEL-based manylinux images.
cmake -S "$(native_path "$src")" -B "$(native_path "$build")" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DLIBUV_BUILD_SHARED=OFF -DLIBUV_BUILD_TESTS=OFF -DLIBUV_BUILD_BENCH=OFF \
  -DCMAKE_INSTALL_PREFIX="$(native_path "$PREFIX")" -DCMAKE_INSTALL_LIBDIR=lib >&2
cmake --build "$(native_path "$build")" --config Release --parallel 2 >&2
cmake --install "$(native_path "$build")" --config Release >&2
echo "$verified" >"$STAMP"
echo "libuv: built $VERSION into $PREFIX" >&2
echo "$PREFIX"
