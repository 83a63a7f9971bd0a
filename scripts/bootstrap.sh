#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu checkout: the system packages the build needs (when
# missing), a virtualenv in .venv, and pyuv_net built into it (editable).
# Usage: scripts/bootstrap.sh [PYTHON] [VENV]
set -euo pipefail
PYTHON=${1:-python3}
VENV=${2:-.venv}
cd "$(dirname "$0")/.."

missing=()
pkg-config --exists libuv 2>/dev/null || missing+=(libuv1-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
"$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
dev=python3-dev
"$PYTHON" -c 'import sys; sys.exit(0 if hasattr(sys, "pypy_version_info") else 1)' && dev=pypy3-dev
"$PYTHON" - <<'PY' >/dev/null 2>&1 || missing+=($dev)
import os, sys, sysconfig
inc = sysconfig.get_paths()["include"]
sys.exit(0 if os.path.exists(os.path.join(inc, "pyconfig.h")) else 1)
PY
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "bootstrap: installing ${missing[*]} (sudo)"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing ${missing[*]}; install them first, e.g. sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.pyuv_net-built"
deps="cffi>=1.15 setuptools wheel pytest pytest-timeout hypothesis"
# uvloop (the asyncio tests run under it too) has no PyPy build. mypy (make typecheck,
# tests/test_typing.py) checks the same sources whatever runs them: CPython >= 3.10 (what
# this mypy needs) does it, pinned so that a new mypy release cannot turn CI red.
if ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if hasattr(sys, "pypy_version_info") else 1)'; then
  deps="$deps uvloop"
  if "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
    deps="$deps mypy==2.4.1"
  fi
fi
if [ "$(cat "$VENV/.deps" 2>/dev/null)" != "$deps" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  # shellcheck disable=SC2086  # one word per requirement
  "$VENV/bin/python" -m pip install -q $deps
  echo "$deps" >"$VENV/.deps"
fi
# Rebuild only when the C side or the build changed (or the extension is gone).
if [ ! -f "$stamp" ] || ! ls pyuv_net/_uv.*so >/dev/null 2>&1 ||
   [ -n "$(find csrc build_ffi.py setup.py pyproject.toml -newer "$stamp" 2>/dev/null | head -1)" ]; then
  echo "bootstrap: building pyuv_net in $VENV"
  if ! "$VENV/bin/python" -m pip install -q --no-build-isolation -e . >"$VENV/build.log" 2>&1; then
    cat "$VENV/build.log" >&2
    exit 1
  fi
  touch "$stamp"
fi
