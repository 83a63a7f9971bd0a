"""The examples beyond echo: each runs as its own process, in its --self-test mode and
in its real mode against a real client (curl for the HTTP server when installed)."""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator, List

import pytest

from _child import DEADLINE, child_env, listening_on, read_line
from conftest import foreign_env

pytestmark = pytest.mark.timeout(60)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str, *args: str) -> "subprocess.Popen[bytes]":
    return subprocess.Popen([sys.executable, str(EXAMPLES / name), *args], env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("name", ["chat_server.py", "tcp_proxy.py", "kv_store.py", "http_hello.py",
                                  "local_socket.py"])
def test_self_test_passes(name: str) -> None:
    done = subprocess.run([sys.executable, str(EXAMPLES / name), "--self-test"], env=child_env(),
                          capture_output=True, timeout=DEADLINE * 2)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.decode().rstrip().endswith("self-test passed")


@pytest.fixture
def terminate_after() -> Iterator[List["subprocess.Popen[bytes]"]]:
    procs: List["subprocess.Popen[bytes]"] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=DEADLINE)


def talk(port: int, data: bytes) -> bytes:
    """Sends `data`, half-closes, and returns everything until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        parts = []
        while True:
            part = conn.recv(65536)
            if not part:
                return b"".join(parts)
            parts.append(part)


def test_http_hello_keeps_the_connection_alive_for_curl(terminate_after: List["subprocess.Popen[bytes]"]) -> None:
    server = example("http_hello.py", "--port", "0", "--max-requests", "3")
    terminate_after.append(server)
    url = listening_on(read_line(server.stdout))  # type: ignore[arg-type]
    curl = shutil.which("curl")
    if curl is not None:
        done = subprocess.run([curl, "-sv", url, url + "again", "--next", "-X", "POST", "-d", "x", url + "post"],
                              capture_output=True, timeout=DEADLINE, env=foreign_env())
        assert done.returncode == 0, done.stderr
        assert done.stdout == b"Hello, world!\nHello, world!\nGET or HEAD only\n"
        assert done.stderr.count(b"Re-using existing connection") == 2  # one connection for all three
    else:  # the same three requests on one raw connection
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        answer = talk(port, b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /again HTTP/1.1\r\nHost: a\r\n\r\n"
                            b"POST /post HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx")
        assert answer.count(b"HTTP/1.1 200 OK") == 2 and answer.endswith(b"GET or HEAD only\n")
    assert server.wait(timeout=DEADLINE) == 0  # --max-requests: it exits by itself


def test_http_hello_answers_http_1_0_and_closes(terminate_after: List["subprocess.Popen[bytes]"]) -> None:
    server = example("http_hello.py", "--port", "0")
    terminate_after.append(server)
    port = int(listening_on(read_line(server.stdout)).rstrip("/").rsplit(":", 1)[1])  # type: ignore[arg-type]
    answer = talk(port, b"GET / HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b"Connection: close" in answer
    assert talk(port, b"NOT HTTP\r\n\r\n").startswith(b"HTTP/1.1 400 Bad Request")


def test_kv_store_over_a_real_connection(terminate_after: List["subprocess.Popen[bytes]"]) -> None:
    server = example("kv_store.py", "--port", "0")
    terminate_after.append(server)
    port = int(listening_on(read_line(server.stdout)).rsplit(":", 1)[1])  # type: ignore[arg-type]
    assert talk(port, b"SET a 1\nGET a\nGET b\nQUIT\n") == b"OK\nVALUE 1\nNOT_FOUND\nBYE\n"


def test_local_socket_client_and_server_processes(tmp_path: Path,
                                                  terminate_after: List["subprocess.Popen[bytes]"]) -> None:
    path = str(tmp_path / "upper.sock")
    server = example("local_socket.py", "server", path)
    terminate_after.append(server)
    assert listening_on(read_line(server.stdout)) == path  # type: ignore[arg-type]
    client = subprocess.run([sys.executable, str(EXAMPLES / "local_socket.py"), "client", path, "a", "b"],
                            env=child_env(), capture_output=True, timeout=DEADLINE)
    assert (client.returncode, client.stdout) == (0, b"A\nB\n")
