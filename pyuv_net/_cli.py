"""`python -m pyuv_net` / `pyuv-net`: echo (a server), cat (netcat-like) and bench (a
load generator for any echo server), each a small program on pyuv_net itself.

Addresses: `HOST:PORT`, `[IPv6]:PORT`, a bare `PORT`, or anything else as a local
socket path.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
from typing import Any, Dict, List, Optional, Sequence, Set

from . import _loop
from ._server import Server, create_server
from ._socket import Socket, connect
from ._timers import Timer, set_interval, set_timeout

_TCP = re.compile(r"^(?:\[([^\]]*)\]|([^:\[\]]*)):(\d+)$")


def parse_address(text: str, default_host: str) -> Dict[str, Any]:
    """`connect`/`listen` options for an address given on the command line."""
    match = _TCP.match(text)
    if match:
        return {"host": match.group(1) or match.group(2) or default_host, "port": int(match.group(3))}
    if text.isdigit():
        return {"host": default_host, "port": int(text)}
    return {"path": text}


def describe_address(server: Server) -> str:
    address = server.address()
    if isinstance(address, dict):
        host = address["address"]
        return "%s:%d" % ("[%s]" % host if ":" in host else host, address["port"])
    return str(address)


def _stop_on_signals(stop: Any) -> None:
    """SIGINT and SIGTERM end the program cleanly (the loop wakes for them)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop())


# -- echo ---------------------------------------------------------------------------

def run_echo(args: argparse.Namespace) -> int:
    connections: Set[Socket] = set()

    def on_connection(sock: Socket) -> None:
        connections.add(sock)
        sock.on("close", lambda _had_error: connections.discard(sock))
        sock.on("error", lambda err: None)  # a peer that resets is that peer's business
        sock.pipe(sock)

    server = create_server(on_connection)
    options = {"path": args.path} if args.path else {"host": args.host, "port": args.port}
    server.on("listening", lambda: print("echo: listening on " + describe_address(server), flush=True))

    def stop() -> None:
        server.close()
        for sock in list(connections):
            sock.destroy()

    _stop_on_signals(stop)
    server.listen(options)
    _loop.run()
    return 0


# -- cat ----------------------------------------------------------------------------

class _StdinPump:
    """Copies stdin into the socket from a thread (stdin may be a terminal, a file or a
    pipe; none of them is put into non-blocking mode). The thread waits while the
    socket's buffer is full, and half-closes the socket at end of input."""

    def __init__(self, sock: Socket, loop: _loop.Loop) -> None:
        self.sock = sock
        self.loop = loop
        self.may_send = threading.Event()
        self.may_send.set()
        self.thread = threading.Thread(target=self._pump, name="pyuv-net cat stdin", daemon=True)
        # The thread is invisible to the loop, which would otherwise end as soon as the
        # socket has nothing to do (a half-open socket waiting for our input, say):
        # this timer keeps it running until the input has ended, as Node's stdin would.
        self.keep_alive: Optional[Timer] = None

    def start(self) -> None:
        self.keep_alive = set_interval(_nothing, 3_600_000, loop=self.loop)
        self.thread.start()

    def _pump(self) -> None:
        # os.read, not sys.stdin: a daemon thread blocked in a buffered read holds its
        # lock, and the interpreter aborts when it meets that lock at exit.
        fd = sys.stdin.fileno()
        try:
            while True:
                self.may_send.wait()
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.may_send.clear()
                self.loop.call_soon_threadsafe(self._send, chunk)
            self.loop.call_soon_threadsafe(self._end)
        except RuntimeError:  # the loop closed: the socket is gone
            pass

    def _send(self, chunk: bytes) -> None:
        if self.sock.destroyed:
            return
        if self.sock.write(chunk):
            self.may_send.set()
        else:
            self.sock.once("drain", self.may_send.set)

    def _end(self) -> None:
        if self.keep_alive is not None:
            self.keep_alive.close()
        if not self.sock.destroyed:
            self.sock.end()


def _nothing() -> None:
    pass


def report(err: BaseException) -> None:
    """An error as Node prints its message: 'connect ECONNREFUSED 127.0.0.1:1'."""
    print("cat: %s" % (getattr(err, "message", None) or err,), file=sys.stderr, flush=True)


def _cat_over(sock: Socket, loop: _loop.Loop, status: List[int]) -> None:
    out = sys.stdout.buffer

    def on_data(data: bytes) -> None:
        out.write(data)
        out.flush()

    def on_error(err: BaseException) -> None:
        report(err)
        status[0] = 1

    sock.on("data", on_data)
    sock.on("error", on_error)
    # Half-open both ways (as nc): each side ends its half at the end of its input, and
    # the connection closes once both have; so the peer ending first cuts nothing short.
    sock.on("close", lambda _had_error: loop.stop())  # the stdin thread may still wait
    _StdinPump(sock, loop).start()


def run_cat(args: argparse.Namespace) -> int:
    loop = _loop.get_loop()
    status = [0]
    if args.listen:
        options = parse_address(args.address, "127.0.0.1")

        def on_connection(sock: Socket) -> None:
            server.close()  # one peer, as `nc -l`
            _cat_over(sock, loop, status)

        server = create_server(on_connection, allow_half_open=True)
        server.on("listening", lambda: print("cat: listening on " + describe_address(server),
                                              file=sys.stderr, flush=True))
        def on_server_error(err: BaseException) -> None:
            report(err)
            status[0] = 1

        server.on("error", on_server_error)
        server.listen(options)
    else:
        sock = connect(dict(parse_address(args.address, "localhost"), allow_half_open=True))
        _cat_over(sock, loop, status)
    _stop_on_signals(loop.stop)
    loop.run()
    return status[0]


# -- bench --------------------------------------------------------------------------

class _Client:
    """One connection's ping-pong: send `size` bytes, wait for all of them back, compare,
    repeat."""

    __slots__ = ("bench", "sock", "payload", "got", "requests", "bytes_verified")

    def __init__(self, bench: "_Bench", index: int) -> None:
        self.bench = bench
        size = bench.size
        self.payload = bytes((i * 7 + index) & 0xFF for i in range(size))
        self.got = 0
        self.requests = 0
        self.bytes_verified = 0
        self.sock = connect(bench.target, self._send)
        self.sock.on("data", self._on_data)
        self.sock.on("error", bench.failed)

    def _send(self) -> None:
        if self.bench.running:
            self.got = 0
            self.sock.write(self.payload)

    def _on_data(self, data: bytes) -> None:
        end = self.got + len(data)
        if end > len(self.payload) or self.payload[self.got:end] != data:
            self.bench.mismatch()
            return
        self.got = end
        self.bytes_verified += len(data)
        if end == len(self.payload):
            self.requests += 1
            self._send()


class _Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.target = parse_address(args.address, "127.0.0.1")
        self.size = args.size
        self.seconds = args.seconds
        self.running = True
        self.errors: List[str] = []
        self.clients = [_Client(self, i) for i in range(args.conns)]
        self.elapsed = 0
        self.last = 0
        self.ticker = set_interval(self._progress, 1000)
        set_timeout(self.finish, int(self.seconds * 1000))

    def requests(self) -> int:
        return sum(c.requests for c in self.clients)

    def _progress(self) -> None:
        self.elapsed += 1
        total = self.requests()
        done, self.last = total - self.last, total
        print("%3ds  %10d req/s  %8.2f MB/s" % (self.elapsed, done, done * self.size * 2 / 1e6), flush=True)

    def failed(self, err: BaseException) -> None:
        self.errors.append(str(err))
        self.finish()

    def mismatch(self) -> None:
        self.errors.append("an echoed byte differs from what was sent")
        self.finish()

    def finish(self) -> None:
        if not self.running:
            return
        self.running = False
        self.ticker.close()
        for client in self.clients:
            client.sock.destroy()

    def report(self) -> int:
        total = self.requests()
        verified = sum(c.bytes_verified for c in self.clients)
        rate = total / self.seconds
        rows = [("connections", str(len(self.clients))), ("message size", "%d B" % self.size),
                ("seconds", "%g" % self.seconds), ("requests", str(total)),
                ("req/s", "%.0f" % rate), ("MB/s (both ways)", "%.2f" % (rate * self.size * 2 / 1e6)),
                ("bytes verified", "%d%s" % (verified, "" if self.errors else " (all echoed correctly)"))]
        width = max(len(name) for name, _ in rows)
        print("-" * (width + 24))
        for name, value in rows:
            print("%-*s  %s" % (width, name, value))
        print("-" * (width + 24), flush=True)
        for message in sorted(set(self.errors)):
            print("bench: error: " + message, file=sys.stderr)
        return 1 if self.errors else 0


def run_bench(args: argparse.Namespace) -> int:
    bench = _Bench(args)
    _stop_on_signals(bench.finish)
    _loop.run()
    return bench.report()


# -- the command line ---------------------------------------------------------------

def _positive(kind: Any) -> Any:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError("must be > 0")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pyuv-net", description="Node's net module for Python: small tools.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    echo = commands.add_parser("echo", help="an echo server (until Ctrl-C or SIGTERM)")
    echo.add_argument("--port", type=int, default=8124, help="TCP port (0: any free port; default 8124)")
    echo.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    echo.add_argument("--path", help="listen on this local socket path instead of TCP")
    echo.set_defaults(run=run_echo)

    cat = commands.add_parser("cat", help="netcat: stdin to the socket, the socket to stdout")
    cat.add_argument("address", help="HOST:PORT, PORT or a local socket path")
    cat.add_argument("-l", "--listen", action="store_true", help="accept one connection instead of connecting")
    cat.set_defaults(run=run_cat)

    bench = commands.add_parser("bench", help="ping-pong load against an echo server; checks every byte")
    bench.add_argument("address", help="HOST:PORT, PORT or a local socket path")
    bench.add_argument("--conns", type=_positive(int), default=10, help="connections (default 10)")
    bench.add_argument("--size", type=_positive(int), default=1024, help="bytes per message (default 1024)")
    bench.add_argument("--seconds", type=_positive(float), default=5.0, help="duration (default 5)")
    bench.set_defaults(run=run_bench)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status
