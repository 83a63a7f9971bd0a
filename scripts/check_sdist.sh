#!/usr/bin/env bash
# `make sdist`: the sdist (into dist/) builds and passes its own tests when installed
# from itself into a fresh venv. It builds as a user's install would: libuv from
# pkg-config (or PYUV_NET_LIBUV_PREFIX, if set).
# Usage: scripts/check_sdist.sh [PYTHON]
set -euo pipefail
PYTHON=${1:-python3}
cd "$(dirname "$0")/.."
TOOLS=.venv-tools
scripts/tools_venv.sh "$PYTHON" "$TOOLS"

rm -rf dist && mkdir -p build
echo "== python -m build --sdist"
"$TOOLS/bin/python" -m build --sdist --outdir dist . >build/sdist.log 2>&1 || { cat build/sdist.log >&2; exit 1; }
sdist=$(ls dist/*.tar.gz)
echo "== $sdist: $(tar -tzf "$sdist" | wc -l) entries"
rm -rf build/sdist-tree && mkdir -p build/sdist-tree
tar -xzf "$sdist" -C build/sdist-tree --strip-components=1
scripts/test_installed.sh "$PYTHON" build/sdist-venv "$sdist" build/sdist-tree/tests
