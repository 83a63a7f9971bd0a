"""`python -m pyuv_net` end to end: every command runs as its own process over real
loopback and local sockets."""
from __future__ import annotations

import os
import signal
import socketserver
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

import pyuv_net
from _child import DEADLINE, child_env, listening_on, read_line

pytestmark = pytest.mark.timeout(60)
ROOT = str(Path(pyuv_net.__file__).resolve().parent.parent)


def cli(*args: str, **popen: Any) -> "subprocess.Popen[bytes]":
    return subprocess.Popen([sys.executable, "-m", "pyuv_net", *args], env=child_env(), **popen)


def run_cli(*args: str, data: bytes = b"") -> "subprocess.CompletedProcess[bytes]":
    return subprocess.run([sys.executable, "-m", "pyuv_net", *args], env=child_env(), input=data,
                          capture_output=True, timeout=DEADLINE)


@pytest.fixture
def echo_server() -> Iterator[str]:
    proc = cli("echo", "--port", "0", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield listening_on(read_line(proc.stdout))  # type: ignore[arg-type]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 0


def test_cat_round_trip_through_the_echo_server(echo_server: str) -> None:
    data = os.urandom(1 << 20) + b"\x00end"
    done = run_cli("cat", echo_server, data=data)
    assert done.returncode == 0, done.stderr
    assert done.stdout == data  # cat half-closed at the end of stdin; echo ended after it


def test_cat_with_a_bare_port(echo_server: str) -> None:
    port = echo_server.rsplit(":", 1)[1]
    done = run_cli("cat", port, data=b"bare port\n")
    assert (done.returncode, done.stdout) == (0, b"bare port\n")


def test_echo_and_cat_over_a_local_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "echo.sock")
    proc = cli("echo", "--path", path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert listening_on(read_line(proc.stdout)) == path  # type: ignore[arg-type]
        done = run_cli("cat", path, data=b"over a path")
        assert (done.returncode, done.stdout) == (0, b"over a path")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=DEADLINE)
    assert proc.returncode == 0


def test_cat_listen_and_cat_connect_talk_both_ways() -> None:
    listener = cli("cat", "--listen", "0", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    try:
        address = listening_on(read_line(listener.stderr))  # type: ignore[arg-type]
        assert listener.stdin is not None
        listener.stdin.write(b"from the listener")
        listener.stdin.close()
        client = run_cli("cat", address, data=b"from the client")
        listener.wait(timeout=DEADLINE)
    finally:
        if listener.poll() is None:
            listener.kill()
    assert listener.stdout is not None and listener.stderr is not None
    out, err = listener.stdout.read(), listener.stderr.read()
    assert (client.returncode, client.stdout) == (0, b"from the listener")
    assert (listener.returncode, out) == (0, b"from the client"), err


def test_cat_reports_a_refused_connection() -> None:
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as probe:
        port = probe.server_address[1]
    done = run_cli("cat", "127.0.0.1:%d" % port)
    assert done.returncode == 1
    assert b"ECONNREFUSED" in done.stderr


def test_bench_prints_progress_and_a_verified_table(echo_server: str) -> None:
    done = run_cli("bench", echo_server, "--conns", "4", "--size", "512", "--seconds", "1.5")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert " req/s " in out.splitlines()[0]  # a progress line each second
    for row in ("connections       4", "message size      512 B", "req/s", "MB/s (both ways)"):
        assert row in out
    assert "(all echoed correctly)" in out


class _CorruptingEcho(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while True:
            data = self.request.recv(65536)
            if not data:
                return
            self.request.sendall(data[:-1] + bytes([data[-1] ^ 0xFF]))


def test_bench_fails_when_the_echo_is_wrong() -> None:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _CorruptingEcho) as server:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            done = run_cli("bench", "127.0.0.1:%d" % server.server_address[1], "--conns", "2",
                           "--seconds", "5")
        finally:
            server.shutdown()
    assert done.returncode == 1
    assert b"differs from what was sent" in done.stderr
    assert "(all echoed correctly)" not in done.stdout.decode()


def test_no_command_is_a_usage_error() -> None:
    done = run_cli()
    assert done.returncode == 2
    assert b"usage: pyuv-net" in done.stderr


def test_the_console_script_runs() -> None:
    script = Path(sys.executable).parent / "pyuv-net"
    if not script.exists():
        pytest.skip("pyuv_net is not installed in this interpreter's environment (no pyuv-net script)")
    done = subprocess.run([str(script), "bench", "--help"], capture_output=True, timeout=DEADLINE)
    assert done.returncode == 0
    assert b"--conns" in done.stdout
