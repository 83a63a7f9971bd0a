#!/usr/bin/env bash
# Runs soak/valgrind_scenario.py under valgrind memcheck (PYTHONMALLOC=malloc, so every
# Python allocation is visible) and fails on any invalid read, write or free anywhere,
# and on any other error (a definite leak, a use of an uninitialised value) whose
# innermost frame is in our extension or in libuv. CPython and cffi keep some memory
# for the life of the process by design, and CPython reads some bytes memcheck cannot
# follow; those reports start in their code, not ours, and are counted but allowed.
# Usage: scripts/valgrind.sh [PYTHON]
set -euo pipefail
PYTHON=${1:-python3}
cd "$(dirname "$0")/.."
scripts/bootstrap.sh "$PYTHON" .venv
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (apt-get install valgrind)" >&2; exit 1; }
mkdir -p build
xml=build/valgrind.xml
status=0
PYTHONMALLOC=malloc VALGRIND_ROUNDS=${VALGRIND_ROUNDS:-20} timeout 600 valgrind --tool=memcheck \
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --xml=yes --xml-file="$xml" --log-file=build/valgrind.log .venv/bin/python soak/valgrind_scenario.py || status=$?
.venv/bin/python - "$xml" "$status" <<'PY'
import sys
import xml.etree.ElementTree as ET

xml_path, status = sys.argv[1], int(sys.argv[2])
OURS = ("/_uv.", "libuv")  # our extension's object file and the libuv it links
ALWAYS = ("InvalidRead", "InvalidWrite", "InvalidFree", "MismatchedFree", "InvalidJump", "Overlap")
counted, ours = 0, []
for error in ET.parse(xml_path).getroot().iter("error"):
    kind = error.findtext("kind")
    counted += 1
    stack = error.find("stack")  # the first stack: where it happened (or was allocated)
    frames = [(f.findtext("obj") or "") + " " + (f.findtext("fn") or "") for f in stack.iter("frame")]
    inner = next((f for f in frames if "vgpreload" not in f), "")  # past malloc itself
    if kind in ALWAYS or any(mark in inner for mark in OURS):
        what = error.findtext("what") or (error.find("xwhat").findtext("text") if error.find("xwhat") is not None else kind)
        ours.append("%s: %s\n    %s" % (kind, what, "\n    ".join(frames[:12])))
print("valgrind: %d error record(s) in all (CPython's and cffi's included), %d that are ours "
      "(an invalid access anywhere, or a leak or uninitialised use starting in pyuv_net/libuv)" % (counted, len(ours)))
for entry in ours:
    print(entry)
if status not in (0, 1) and not ours:  # 1: the scenario's own verdict, checked below
    print("valgrind: the run failed with status %d (see build/valgrind.log)" % status)
    sys.exit(1)
sys.exit(1 if ours else 0)
PY
exit $status  # the scenario's own checks must hold under valgrind too
