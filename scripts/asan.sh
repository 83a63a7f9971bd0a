#!/usr/bin/env bash
# Rebuilds the extension with AddressSanitizer + UndefinedBehaviorSanitizer into
# build/asan (the normal in-place build is left alone) and runs the whole test suite
# against it. CPython here is not built with ASan, so the runtime is preloaded into
# the Python processes only (node subprocesses get it removed by the tests).
set -euo pipefail
PYTHON=${1:-python3}
shift || true
cd "$(dirname "$0")/.."
scripts/bootstrap.sh "$PYTHON" .venv  # system packages and the test tools
venv=.venv-asan  # no editable install in it: pyuv_net comes from build/asan
if [ ! -x "$venv/bin/python" ]; then
  "$PYTHON" -m venv "$venv"
fi
deps=$(cat .venv/.deps)  # the test tools bootstrap.sh just installed into .venv
if [ "$(cat "$venv/.deps" 2>/dev/null)" != "$deps" ]; then
  # shellcheck disable=SC2086  # one word per requirement
  "$venv/bin/python" -m pip install -q $deps
  echo "$deps" >"$venv/.deps"
fi
out=build/asan
rm -rf "$out"
mkdir -p "$out"
PYUV_NET_SANITIZE=1 "$venv/bin/python" setup.py -q build_ext --build-lib "$out" --build-temp build/asan-tmp --force >build/asan.log 2>&1 || { cat build/asan.log; exit 1; }
cp pyuv_net/*.py pyuv_net/*.pyi pyuv_net/py.typed "$out/pyuv_net/"
libasan=$(gcc -print-file-name=libasan.so)
libubsan=$(gcc -print-file-name=libubsan.so)
export PYUV_NET_UNDER_ASAN=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1
# Python's own objects through malloc too (not pymalloc's arenas), so that ASan also
# sees C writing past a bytes object it reads into, or using a freed object.
export PYTHONMALLOC=malloc
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export PYTHONPATH="$PWD/$out"
(cd / && LD_PRELOAD="$libasan $libubsan" "$OLDPWD/$venv/bin/python" -c 'import pyuv_net, sys; assert "build/asan" in pyuv_net.__file__, pyuv_net.__file__')
LD_PRELOAD="$libasan $libubsan" "$venv/bin/pytest" -q -p no:cacheprovider --import-mode=append "${@:-tests}"
