"""Instructions and allocations per request, counted by callgrind (not timed).

Each server runs under `valgrind --tool=callgrind` twice while the load generator does
ping-pong on 10 connections (1 KiB messages, or --size; or, with --mode connect, 10
workers connecting, echoing 64 bytes and closing: the cost is then per connection; or,
with --mode stream, 64 KiB chunks streamed on 4 connections: per MiB echoed), once for
a short and once for a longer load; the difference between the two runs, divided by
the difference in requests, is the cost of one request with start-up and shut-down
cancelled out. Instruction counts do not depend
on what else the machine is doing, so this is the figure to watch when changing the hot
path. (Kernel work, the syscalls themselves, is not counted.)

Printed per server: user-space instructions per request, split by where they run
(Python interpreter, cffi's runtime, our extension, libuv, libc), and calls per request
to CPython's object allocator (each Python object made) and to malloc.

Usage: python bench/count.py [--servers pyuv_net-data,uvloop-proto,...] [--short S --long S]
"""
import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH)
import run as bench  # noqa: E402  (the servers, the set-up and the loadgen build)

GROUPS = [  # (column, object-file name patterns)
    ("Python", ("libpython", "python3", "libpypy", "pypy")),
    ("cffi", ("_cffi_backend",)),
    ("pyuv_net C", ("_uv.",)),
    ("uvloop C", ("uvloop", "loop.cpython")),
    ("libuv", ("libuv", "uv_echo")),
    ("libc", ("libc.so", "ld-linux")),
]
ALLOCATORS = {"_PyObject_Malloc": "py_objects", "malloc": "malloc"}


def group_of(obj):
    name = os.path.basename(obj)
    for column, patterns in GROUPS:
        if any(p in name for p in patterns):
            return column
    return "other"


def parse(path):
    """Self cost per object file, call counts of the allocators, and self cost per
    function, from a callgrind output file (its name compression: 'ob=(n) name'
    once, then 'ob=(n)')."""
    names = {"ob": {}, "fn": {}}
    cost = collections.Counter()
    calls = collections.Counter()
    by_function = collections.Counter()
    ob = fn = "?"
    pending_call = None  # the callee of a 'calls=' line; its next line is inclusive cost
    for line in open(path, errors="replace"):
        m = re.match(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            kind, num, name = m.groups()
            table = names[kind.lstrip("c")]
            if name:
                table[num] = name
            if kind == "ob":
                ob = table.get(num, "?")
            elif kind == "fn":
                fn = table.get(num, "?")
            elif kind == "cfn":
                pending_call = table.get(num, "?")
            continue
        if line.startswith("calls="):
            n = int(line[6:].split()[0])
            if pending_call in ALLOCATORS:
                calls[ALLOCATORS[pending_call]] += n
            pending_call = "skip-next"
            continue
        if line[:1].isdigit() or line[:1] in "+-*":
            if pending_call == "skip-next":  # inclusive cost of the call just named
                pending_call = None
                continue
            parts = line.split()
            if len(parts) >= 2:
                cost[group_of(ob)] += int(parts[1])
                by_function[fn] += int(parts[1])
    return cost, calls, by_function


def one(server, seconds, outdir, tag, size=1024, mode="pingpong"):
    out = os.path.join(outdir, "%s.%s.out" % (server.key, tag))
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + server.argv
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("LISTENING"):
            raise RuntimeError("%s did not start under valgrind" % server.key)
        port = int(line.split()[1])
        shape = (["--conns", "4", "--chunk", "65536"] if mode == "stream"
                 else ["--conns", "10", "--size", str(size)])
        lg = subprocess.run([os.path.join(bench.BIN, "loadgen"), "--mode", mode, "--port", str(port)]
                            + shape + ["--seconds", str(seconds), "--warmup", "0"],
                            capture_output=True, text=True, timeout=seconds + 60)
        result = json.loads(lg.stdout.strip().splitlines()[-1])
    finally:
        # SIGTERM, not SIGINT: a shell starting us in the background makes its children
        # ignore SIGINT, and callgrind writes its counts when the process dies of TERM.
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if result.get("errors"):
        raise RuntimeError("%s: %d echo errors" % (server.key, result["errors"]))
    cost, calls, by_function = parse(out)
    units = {"pingpong": result["requests"], "connect": result["connections"],
             "stream": result["bytes_rx"] / (1 << 20)}
    return units[mode], cost, calls, by_function


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--servers", default="pyuv_net-data,pyuv_net-pipe,pyuv_net-data-pypy,"
                                          "uvloop-proto,libuv-c")
    ap.add_argument("--short", type=float, default=3.0, help="seconds of load, first run")
    ap.add_argument("--long", type=float, default=9.0, help="seconds of load, second run")
    ap.add_argument("--size", type=int, default=1024, help="ping-pong message size (bytes)")
    ap.add_argument("--top", type=int, default=0,
                    help="also list the N functions costing the most per request")
    ap.add_argument("--mode", choices=("pingpong", "connect", "stream"), default="pingpong",
                    help="connect: per connection (connect, 64-byte echo, close); "
                         "stream: per MiB echoed (64 KiB chunks, 4 connections)")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("count: valgrind is not installed (apt-get install valgrind)")
    bench.build_c()
    peers_reason = bench.setup_peers()
    want = args.servers.split(",")
    servers = [s for s in bench.servers() if s.key in want]
    pypy_reason = bench.setup_pypy() if any(s.needs_pypy for s in servers) else None
    columns = [c for c, _ in GROUPS] + ["other"]
    print("| server | instructions/request | " + " | ".join(columns)
          + " | Python objects/request | mallocs/request |")
    print("|---" * (len(columns) + 4) + "|")
    with tempfile.TemporaryDirectory(prefix="pyuv-count-") as outdir:
        for server in servers:
            reason = (peers_reason if server.needs_peers else
                      pypy_reason if server.needs_pypy else None)
            if reason:
                print("| %s | n/a: %s |" % (server.title, reason))
                continue
            n1, cost1, calls1, fns1 = one(server, args.short, outdir, "short", args.size, args.mode)
            n2, cost2, calls2, fns2 = one(server, args.long, outdir, "long", args.size, args.mode)
            requests = n2 - n1
            if requests <= 0:
                print("| %s | n/a: no more requests in the longer run |" % server.title)
                continue
            per = {c: (cost2[c] - cost1[c]) / requests for c in columns}
            objs = (calls2["py_objects"] - calls1["py_objects"]) / requests
            mallocs = (calls2["malloc"] - calls1["malloc"]) / requests
            pyobjs = ("-" if per["Python"] == 0 else "n/a (PyPy's GC)" if server.needs_pypy
                      else "%.2f" % objs)
            print("| %s | %.0f | %s | %s | %.2f |" % (
                server.title, sum(per.values()), " | ".join("%.0f" % per[c] for c in columns),
                pyobjs, mallocs), flush=True)
            if args.top:
                fns2.subtract(fns1)
                for name, n in fns2.most_common(args.top):
                    print("|   %s | %.0f |" % (name[:100], n / requests))


if __name__ == "__main__":
    main()
