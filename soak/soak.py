"""Load and soak runs (issue 6): many connections at once, a long run of short
connections, and a large transfer through pipe() to a slow reader.

    python soak/soak.py                       # full scale (the README's figures)
    python soak/soak.py --scale ci            # the short run CI makes
    python soak/soak.py --only cycles --cycles 200000

Scenarios
  connections  N connections to one echo server (a child process), all open at once;
               each echoes twice (once while the others are still connecting, once
               when all are up), every byte compared; the server's live handle count
               is N while they are held and 0 after they close.
  cycles       M connect-echo-close cycles by W concurrent clients; the server's RSS
               after a warm-up and at the end (growth must stay under 10 MB) and its
               live handle count at the end (must be 0).
  pipe         B bytes from a producer through relay_in.pipe(relay_out) to a reader
               that pauses now and then; every byte checked by a running hash. Run
               twice: with pipe() in C (the fast path; the bound shows as flat RSS) and
               with a second 'data' listener, which keeps pipe() in Python, where the
               destination's writable_length must stay within high_water_mark + one
               read (up to 256 KiB: reads grow while they fill their buffer).

Each prints its figures as it goes and one JSON line at the end; the exit status is
1 if any check failed. Every scenario has a deadline and stops by itself.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List

import pyuv_net as net
from pyuv_net._uv import lib

HOST = "127.0.0.1"
READ_CHUNK = lib.pn_read_max()  # the most one read (one 'data' event) carries
SCALES = {
    "full": {"connections": 10_000, "cycles": 1_000_000, "pipe_bytes": 1 << 30},
    "ci": {"connections": 10_000, "cycles": 50_000, "pipe_bytes": 128 << 20},
}


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Failed(Exception):
    pass


def run_with_deadline(seconds: float, what: str) -> None:
    """Runs the default loop; a thread stops it (and the scenario fails) after `seconds`."""
    loop = net.get_loop()
    state = {"running": True, "late": False}

    def expire() -> None:
        if state["running"]:
            state["late"] = True
            loop.stop()

    timer = threading.Timer(seconds, lambda: net.call_soon_threadsafe(expire, loop=loop))
    timer.daemon = True
    timer.start()
    try:
        loop.run()
    finally:
        state["running"] = False
        timer.cancel()
    if state["late"]:
        raise Failed("%s: still running after %.0f s" % (what, seconds))


# -- the echo server (a child process) ------------------------------------------------

def serve() -> None:
    """An echo server on a random port. Prints 'LISTENING <port>'; each line on stdin
    is answered with one JSON line of figures; 'quit' closes it."""
    raise_nofile()
    loop = net.get_loop()
    counts = {"accepted": 0, "errors": 0}

    def on_connection(sock: Any) -> None:
        counts["accepted"] += 1
        sock.on("error", lambda err: counts.__setitem__("errors", counts["errors"] + 1))
        sock.pipe(sock)

    server = net.create_server(on_connection)
    server.listen(0, HOST, 4096)

    def report() -> None:
        figures = dict(counts, rss_kib=rss_kib(), connection_handles=net.active_handles() - server.listening)
        print(json.dumps(figures), flush=True)

    def commands() -> None:
        for line in sys.stdin:
            net.call_soon_threadsafe(server.close if line.strip() == "quit" else report, loop=loop)
        net.call_soon_threadsafe(server.close, loop=loop)

    threading.Thread(target=commands, daemon=True).start()
    print("LISTENING %d" % server.address()["port"], flush=True)
    net.run()


class ServerProcess:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("LISTENING "):
            raise Failed("the echo server did not start: %r" % line)
        self.port = int(line.split()[1])

    def figures(self) -> Dict[str, int]:
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def handles_settled(self, expected: int, seconds: float = 30.0) -> Dict[str, int]:
        """The figures once the server's connection count reached `expected` (closes
        travel through the kernel, so the last few can lag the client's 'close')."""
        deadline = time.monotonic() + seconds
        figures = self.figures()
        while figures["connection_handles"] != expected and time.monotonic() < deadline:
            time.sleep(0.05)
            figures = self.figures()
        return figures

    def stop(self) -> int:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failed("the echo server did not exit after quit")


def payload(i: int, round_: int, size: int) -> bytes:
    stamp = b"%d:%d;" % (i, round_)
    return (stamp * (size // len(stamp) + 1))[:size]


# -- connections: N at once -----------------------------------------------------------

def scenario_connections(n: int) -> Dict[str, Any]:
    server = ServerProcess()
    size = 512
    connecting_at_once = 256
    socks: List[Any] = []
    got: List[bytearray] = [bytearray() for _ in range(n)]
    state = {"next": 0, "round": 0, "verified": 0, "echoes": 0, "closed": 0, "bad": 0}
    errors: List[str] = []
    t0 = time.monotonic()
    figures_held: Dict[str, int] = {}

    def open_next() -> None:
        i = state["next"]
        if i >= n:
            return
        state["next"] += 1
        sock = net.connect(server.port, HOST)
        socks.append(sock)
        sock.on("connect", lambda: on_connect(i, sock))
        sock.on("data", lambda chunk: on_data(i, sock, chunk))
        sock.on("error", lambda err: errors.append("%d: %r" % (i, err)))
        sock.on("close", lambda had_error: on_close())

    def on_connect(i: int, sock: Any) -> None:
        sock.write(payload(i, 0, size))
        open_next()

    def on_data(i: int, sock: Any, chunk: bytes) -> None:
        buf = got[i]
        buf += chunk
        if len(buf) < size:
            return
        if bytes(buf) != payload(i, state["round"], size):
            state["bad"] += 1
        del buf[:]
        state["echoes"] += 1
        state["verified"] += 1
        if state["verified"] == n:
            all_verified()

    def all_verified() -> None:
        state["verified"] = 0
        if state["round"] == 0:  # every connection is open and has echoed: all at once now
            figures_held.update(server.figures())
            state["round"] = 1
            for i, sock in enumerate(socks):
                sock.write(payload(i, 1, size))
        else:
            for sock in socks:
                sock.end()

    def on_close() -> None:
        state["closed"] += 1

    for _ in range(connecting_at_once):
        open_next()
    run_with_deadline(300, "connections")
    elapsed = time.monotonic() - t0
    after = server.handles_settled(0)
    server.stop()
    result = {
        "connections": n, "held_at_once_by_server": figures_held.get("connection_handles"),
        "echoes_verified": state["echoes"],
        "wrong_echoes": state["bad"], "socket_errors": len(errors) + after["errors"],
        "server_handles_after_close": after["connection_handles"], "seconds": round(elapsed, 1),
        "server_rss_held_mib": round(figures_held.get("rss_kib", 0) / 1024, 1),
    }
    check(result, figures_held.get("connection_handles") == n, "the server did not hold all %d at once" % n)
    check(result, state["echoes"] == 2 * n and state["bad"] == 0 and not errors and state["closed"] == n, "echoes or closes went wrong: %s" % errors[:3])
    check(result, after["connection_handles"] == 0, "the server still has connection handles")
    return result


# -- cycles: M connect-echo-close ----------------------------------------------------

def scenario_cycles(total: int, workers: int, sources: int) -> Dict[str, Any]:
    server = ServerProcess()
    size = 64
    warmup = min(max(total // 10, 1000), 100_000)
    state = {"started": 0, "done": 0, "bad": 0, "errors": 0}
    samples: List[Dict[str, Any]] = []
    t0 = time.monotonic()
    every = max(total // 10, 1)

    def start() -> None:
        if state["started"] >= total:
            return
        i = state["started"]
        state["started"] += 1
        options = {"port": server.port, "host": HOST}
        if sources > 1:  # spread TIME_WAIT entries over several loopback addresses
            options["local_address"] = "127.0.0.%d" % (2 + i % sources)
        sock = net.connect(options)
        buf = bytearray()
        expected = payload(i, 0, size)

        def on_data(chunk: bytes) -> None:
            buf.extend(chunk)
            if len(buf) >= size:
                if bytes(buf) != expected:
                    state["bad"] += 1
                sock.end()

        def on_close(had_error: bool) -> None:
            state["done"] += 1
            done = state["done"]
            if done == warmup or done % every == 0:
                figures = server.figures()
                samples.append({"cycles": done, "rss_kib": figures["rss_kib"],
                                "seconds": round(time.monotonic() - t0, 1)})
                print("  cycles %d: server RSS %.1f MiB, %.0f cycles/s" % (
                    done, figures["rss_kib"] / 1024, done / (time.monotonic() - t0)), flush=True)
            start()

        sock.on("connect", lambda: sock.write(expected))
        sock.on("data", on_data)
        sock.on("error", lambda err: state.__setitem__("errors", state["errors"] + 1))
        sock.on("close", on_close)

    for _ in range(workers):
        start()
    run_with_deadline(max(600, total / 200), "cycles")
    elapsed = time.monotonic() - t0
    after = server.handles_settled(0)
    server.stop()
    base = next(s["rss_kib"] for s in samples if s["cycles"] >= warmup)
    growth_mib = (after["rss_kib"] - base) / 1024
    result = {
        "cycles": state["done"], "wrong_echoes": state["bad"], "client_errors": state["errors"],
        "server_errors": after["errors"], "server_accepted": after["accepted"], "warmup_cycles": warmup,
        "server_rss_after_warmup_mib": round(base / 1024, 1), "server_rss_end_mib": round(after["rss_kib"] / 1024, 1),
        "server_rss_growth_mib": round(growth_mib, 2), "server_handles_after": after["connection_handles"],
        "cycles_per_second": round(state["done"] / elapsed), "seconds": round(elapsed, 1), "samples": samples,
    }
    check(result, state["done"] == total and after["accepted"] == total, "not every cycle completed")
    check(result, state["bad"] == 0 and state["errors"] == 0 and after["errors"] == 0, "wrong echoes or errors")
    check(result, growth_mib < 10, "server RSS grew by %.1f MiB after warm-up" % growth_mib)
    check(result, after["connection_handles"] == 0, "the server still has connection handles")
    return result


# -- pipe: B bytes to a slow reader ---------------------------------------------------

class Producer:
    """Writes `total` bytes of a seeded pattern, honouring write()'s backpressure."""

    def __init__(self, sock: Any, total: int) -> None:
        self.sock, self.left, self.hash = sock, total, hashlib.sha1()
        block = hashlib.sha256(b"pyuv_net soak").digest() * 2048  # 64 KiB
        self.blocks = [block[i:] + block[:i] for i in (0, 7, 13, 101)]
        self.n = 0
        sock.on("drain", self.fill)

    def fill(self) -> None:
        while self.left > 0:
            chunk = self.blocks[self.n % len(self.blocks)][:self.left]
            self.n += 1
            self.left -= len(chunk)
            self.hash.update(chunk)
            if not self.sock.write(chunk):
                return
        self.sock.end()


def scenario_pipe(total: int, in_python: bool) -> Dict[str, Any]:
    loop = net.get_loop()
    hwm = 16384
    relay: Dict[str, Any] = {}
    seen = {"max_writable_length": 0, "received": 0, "pauses": 0}
    received_hash = hashlib.sha1()
    rss_before = rss_kib()
    rss_max = [rss_before]
    t0 = time.monotonic()

    def on_relay_in(sock_in: Any) -> None:  # producer -> relay_in
        relay["in"] = sock_in
        relay["out"] = out = net.connect(out_server.address()["port"], HOST)
        sock_in.pipe(out)
        if in_python:  # a second reader keeps pipe() in Python, where writable_length counts
            sock_in.on("data", lambda chunk: watch(out))
        in_server.close()

    def watch(out: Any) -> None:
        if out.writable_length > seen["max_writable_length"]:
            seen["max_writable_length"] = out.writable_length

    def on_reader(reader: Any) -> None:  # relay_out -> the slow reader
        out_server.close()
        mark = {"next": 4 << 20}

        def on_data(chunk: bytes) -> None:
            received_hash.update(chunk)
            seen["received"] += len(chunk)
            if seen["received"] >= mark["next"]:  # pause for a while every 4 MiB
                mark["next"] += 4 << 20
                seen["pauses"] += 1
                rss_max[0] = max(rss_max[0], rss_kib())
                reader.pause()
                net.set_timeout(reader.resume, 5)

        reader.on("data", on_data)

    in_server = net.create_server(on_relay_in)
    in_server.listen(0, HOST)
    out_server = net.create_server(on_reader)
    out_server.listen(0, HOST)
    producer_sock = net.connect(in_server.address()["port"], HOST)
    producer = Producer(producer_sock, total)
    producer_sock.on("connect", producer.fill)
    run_with_deadline(900, "pipe")
    elapsed = time.monotonic() - t0
    bound = hwm + READ_CHUNK
    result = {
        "mode": "Python (second data listener)" if in_python else "C (pipe fast path)",
        "bytes": total, "received": seen["received"], "hash_equal": received_hash.digest() == producer.hash.digest(),
        "reader_pauses": seen["pauses"], "max_writable_length": seen["max_writable_length"],
        "writable_length_bound": bound, "rss_growth_mib": round((rss_max[0] - rss_before) / 1024, 1),
        "mib_per_second": round(total / elapsed / (1 << 20)), "seconds": round(elapsed, 1),
    }
    check(result, seen["received"] == total and result["hash_equal"], "bytes lost or changed")
    check(result, seen["max_writable_length"] <= bound, "the relay buffered more than hwm + one read")
    if in_python:
        check(result, seen["max_writable_length"] > 0, "writable_length never moved: pipe() was not in Python")
    check(result, rss_max[0] - rss_before < 64 * 1024, "RSS grew by more than 64 MiB")
    check(result, net.active_handles() == 0, "handles left open")
    return result


def check(result: Dict[str, Any], ok: bool, message: str) -> None:
    if not ok:
        result.setdefault("failures", []).append(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("SOAK_SCALE", "full"))
    parser.add_argument("--only", default="connections,cycles,pipe")
    parser.add_argument("--connections", type=int)
    parser.add_argument("--cycles", type=int)
    parser.add_argument("--pipe-bytes", type=int)
    parser.add_argument("--workers", type=int, default=64, help="concurrent clients in the cycles run")
    parser.add_argument("--sources", type=int, default=8, help="loopback source addresses in the cycles run")
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    scale = dict(SCALES[args.scale])
    for key in ("connections", "cycles", "pipe_bytes"):
        if getattr(args, key) is not None:
            scale[key] = getattr(args, key)
    raise_nofile()
    runs: List[Callable[[], Dict[str, Any]]] = []
    only = args.only.split(",")
    if "connections" in only:
        runs.append(lambda: scenario_connections(scale["connections"]))
    if "cycles" in only:
        runs.append(lambda: scenario_cycles(scale["cycles"], args.workers, args.sources))
    if "pipe" in only:
        runs.append(lambda: scenario_pipe(scale["pipe_bytes"], in_python=False))
        runs.append(lambda: scenario_pipe(scale["pipe_bytes"], in_python=True))
    results = []
    for run in runs:
        try:
            result = run()
        except Failed as exc:
            result = {"failures": [str(exc)]}
        print(json.dumps({k: v for k, v in result.items() if k != "samples"}), flush=True)
        results.append(result)
        net.get_loop().close()  # a fresh loop for the next scenario, whatever happened
    failed = [f for r in results for f in r.get("failures", [])]
    summary = {"scale": args.scale, "ok": not failed, "failures": failed,
                                         "python": sys.version.split()[0]}
    print("SOAK " + json.dumps(summary), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
