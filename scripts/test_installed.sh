#!/usr/bin/env bash
# Installs a built wheel or sdist into a FRESH venv and runs a test suite (TESTS, a
# tests/ directory) against it, from a scratch directory so that `import pyuv_net`
# cannot find a source tree; fails unless the suite reports testing the venv's copy.
# Usage: scripts/test_installed.sh PYTHON VENV ARTIFACT TESTS [PYTEST ARGS...]
set -euo pipefail
PYTHON=$1 VENV=$2 ARTIFACT=$3 TESTS=$(cd "$4" && pwd)
shift 4

rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
VENV=$(cd "$VENV" && pwd)
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
echo "== installing $ARTIFACT into $VENV"
# with its `test` extra: the tools the suite needs, as pyproject.toml lists them
"$VENV/bin/python" -m pip install -q "$ARTIFACT[test]"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
log=$scratch/pytest.log
set +e
"$VENV/bin/python" -m pytest -p no:cacheprovider "$@" "$TESTS" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if ! grep -q "^pyuv_net under test: $VENV/" "$log"; then
  echo "test_installed: the suite did not test the copy installed in $VENV" >&2
  exit 1
fi
exit "$status"
