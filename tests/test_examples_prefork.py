"""examples/prefork.py end to end: start it with 2 workers on port 0, read the port
from its 'listening' line, talk to it with many clients (each greeted by the pid of
the worker that took it, then echoed), stop it with SIGINT / SIGTERM / a Ctrl-C to the
whole process group, and check the parent exits 0 with every worker reaped."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import child_env

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="examples/prefork.py forks its workers (POSIX)"),
]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "prefork.py"
HOST = "127.0.0.1"
START_TIMEOUT = 30
EXIT_TIMEOUT = 20

LISTENING = re.compile(r"^prefork: listening host=(\S+) port=(\d+) workers=(\d+) mode=(\S+) "
                       r"pids=([\d,]+)$")
GREETING = re.compile(rb"^hello from worker (\d+)\r\n")

needs_reuse_port = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="SO_REUSEPORT spreads connections over the workers on Linux only")


def _env():
    return child_env(PYTHONUNBUFFERED="1")


class Prefork:
    """The example running as a subprocess, with its output collected by a thread."""

    def __init__(self, *args, new_session=False):
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE), "--workers", "2", "--port", "0", "--grace", "1"]
            + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_env(), cwd=str(ROOT),
            start_new_session=new_session)
        self.lines = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = None
        self.pids = None
        self.mode = None

    def _read(self):
        for raw in self.proc.stdout:
            with self._cond:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                self._cond.notify_all()
        with self._cond:
            self.lines.append(None)  # EOF
            self._cond.notify_all()

    def output(self):
        with self._cond:
            return "\n".join(line for line in self.lines if line is not None)

    def wait_listening(self, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines:
                    m = line is not None and LISTENING.match(line)
                    if m:
                        assert m.group(1) == HOST
                        self.port = int(m.group(2))
                        assert int(m.group(3)) == 2
                        self.mode = m.group(4)
                        self.pids = sorted(int(p) for p in m.group(5).split(","))
                        assert 0 < self.port < 65536
                        return
                if None in self.lines:
                    raise AssertionError("prefork exited before listening (rc %s):\n%s"
                                         % (self.proc.poll(), self.output()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no 'prefork: listening' line within %d s:\n%s"
                                         % (timeout, self.output()))
                self._cond.wait(left)

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("prefork did not exit within %d s:\n%s" % (timeout, self.output()))
        self._reader.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (OSError, PermissionError):
                self.proc.kill()
            self.proc.wait(10)
        for pid in self.pids or ():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture
def started():
    runs = []

    def start(*args, **kwargs):
        p = Prefork(*args, **kwargs)
        runs.append(p)
        p.wait_listening()
        return p
    yield start
    for p in runs:  # whatever happened, leave nothing running
        p.kill()
        p.proc.stdout.close()


def talk(port, payload):
    """One client: reads the greeting, sends `payload`, half-closes, reads the echo.
    Returns (worker pid, echoed bytes)."""
    with socket.create_connection((HOST, port), timeout=10) as c:
        buf = b""
        while b"\r\n" not in buf:
            chunk = c.recv(65536)
            assert chunk, "connection closed before the greeting: %r" % buf
            buf += chunk
        m = GREETING.match(buf)
        assert m, "unexpected greeting %r" % buf
        rest = buf[m.end():]
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        chunks = [rest]
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
        return int(m.group(1)), b"".join(chunks)


def many_clients(port, count, concurrency=16):
    payloads = [("client %d " % i).encode() * (1 + i * 37) for i in range(count)]
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda p: talk(port, p), payloads))
    for payload, (pid, echoed) in zip(payloads, results):
        assert echoed == payload
    return [pid for pid, _ in results]


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # pragma: no cover - reused by someone else's process
        return True
    # still exists: maybe a zombie nobody reaped (then it is not ours to reap: not gone)
    return False


def assert_stopped_cleanly(p, rc):
    out = p.output()
    assert rc == 0, "prefork exited with %s:\n%s" % (rc, out)
    assert "prefork: all workers stopped" in out.splitlines(), out
    deadline = time.monotonic() + 5
    while not all(gone(pid) for pid in p.pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(gone(pid) for pid in p.pids), "workers left behind: %s\n%s" % (p.pids, out)


# -- shared listening socket (the default) -------------------------------------------

def test_prefork_shared_fd_echoes_and_stops_on_sigint(started):
    p = started()
    assert p.mode == "shared-fd"
    assert len(p.pids) == 2 and os.getpid() not in p.pids
    pids = many_clients(p.port, 40)
    assert set(pids) <= set(p.pids)
    # both workers accept from the one queue; with 40 clients in parallel (done in
    # rounds to give the scheduler a chance) more than one of them serves
    rounds = 0
    while len(set(pids)) < 2 and rounds < 5:
        pids += many_clients(p.port, 40, concurrency=40)
        rounds += 1
    assert len(set(pids)) == 2, "only worker %s served %d connections" % (set(pids), len(pids))
    p.proc.send_signal(signal.SIGINT)
    assert_stopped_cleanly(p, p.wait_exit())
    # the port is free again: nobody is listening
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, p.port), timeout=5).close()


def test_prefork_stops_on_sigterm(started):
    p = started()
    many_clients(p.port, 6)
    p.proc.send_signal(signal.SIGTERM)
    rc = p.wait_exit()
    assert_stopped_cleanly(p, rc)
    assert "prefork: SIGTERM: stopping 2 worker(s)" in p.output().splitlines()


def test_prefork_ctrl_c_to_the_process_group(started):
    # a Ctrl-C in a terminal reaches the parent and every worker at once
    p = started(new_session=True)
    many_clients(p.port, 6)
    os.killpg(p.proc.pid, signal.SIGINT)
    assert_stopped_cleanly(p, p.wait_exit())


def test_prefork_stops_with_an_idle_client_connected(started):
    # a client that never closes does not keep a worker alive: it is ended, then
    # destroyed after the grace period
    p = started()
    idle = socket.create_connection((HOST, p.port), timeout=10)
    try:
        greeting = idle.recv(100)
        assert GREETING.match(greeting)
        t0 = time.monotonic()
        p.proc.send_signal(signal.SIGINT)
        rc = p.wait_exit()
        assert_stopped_cleanly(p, rc)
        assert time.monotonic() - t0 < EXIT_TIMEOUT
        # the worker ended our connection: we see EOF (or a reset once destroyed)
        idle.settimeout(5)
        try:
            assert idle.recv(100) == b""
        except ConnectionResetError:
            pass
    finally:
        idle.close()


def test_prefork_worker_pid_in_greeting_is_one_of_the_workers(started):
    p = started()
    pid, echoed = talk(p.port, b"x" * 200000)
    assert pid in p.pids and echoed == b"x" * 200000
    p.proc.send_signal(signal.SIGINT)
    assert_stopped_cleanly(p, p.wait_exit())


# -- reuse_port: every worker binds the port itself -----------------------------------

@needs_reuse_port
def test_prefork_reuse_port_spreads_connections_and_stops_cleanly(started):
    p = started("--reuse-port")
    assert p.mode == "reuse-port"
    pids = many_clients(p.port, 40)
    assert set(pids) <= set(p.pids)
    # the kernel hashes each connection to one of the two listening sockets
    assert len(set(pids)) == 2, "only worker %s served %d connections" % (set(pids), len(pids))
    p.proc.send_signal(signal.SIGINT)
    assert_stopped_cleanly(p, p.wait_exit())


def test_prefork_rejects_bad_arguments():
    proc = subprocess.run([sys.executable, str(EXAMPLE), "--workers", "0"], env=_env(),
                          cwd=str(ROOT), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "--workers must be at least 1" in proc.stderr
