"""Median cost of `import pyuv_net` in a fresh interpreter, over N runs.

Reports two figures: the cumulative time of pyuv_net in `-X importtime` (pyuv_net and
every module it imports first, typing and re included; CPython only), and the wall time
of `python -c "import pyuv_net"` minus that of `python -c pass`.
Usage: python scripts/import_time.py [PYTHON] [N]   (run it outside the source tree)
"""
import statistics
import subprocess
import sys
import time

python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 21


def importtime_us():
    err = subprocess.run([python, "-X", "importtime", "-c", "import pyuv_net"],
                         capture_output=True, text=True, check=True).stderr
    for line in err.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == "pyuv_net":
            return int(parts[1])
    return None  # PyPy has no -X importtime


def wall_ms(code):
    start = time.perf_counter()
    subprocess.run([python, "-c", code], check=True)
    return (time.perf_counter() - start) * 1000


wall_ms("import pyuv_net")  # compiles the .pyc files once
with_import = statistics.median(wall_ms("import pyuv_net") for _ in range(runs))
bare = statistics.median(wall_ms("pass") for _ in range(runs))
report = "import pyuv_net, median of %d runs: %.1f ms wall over a bare interpreter (%.1f vs %.1f ms)" % (
    runs, with_import - bare, with_import, bare)
if importtime_us() is not None:
    cumulative = statistics.median(importtime_us() for _ in range(runs)) / 1000
    report += "; %.1f ms in -X importtime (cumulative)" % cumulative
print(report)
