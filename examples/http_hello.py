"""A minimal HTTP/1.1 server that answers "Hello, world!" — enough HTTP for curl and
browsers: keep-alive (the HTTP/1.1 default; HTTP/1.0 only when asked), pipelined
requests, Content-Length bodies skipped, HEAD, 400/405/413 answers.

Run:       python examples/http_hello.py --port 8080    (then: curl -v http://127.0.0.1:8080/)
Bounded:   --max-requests N exits after answering N requests
Self-test: python examples/http_hello.py --self-test    (a raw-socket client; exits)
"""
from __future__ import annotations

import argparse
import sys
from typing import Callable, Dict, List, Optional, Tuple

import pyuv_net as net

MAX_HEAD = 16 * 1024
BODY = b"Hello, world!\n"


def parse_head(head: bytes) -> Optional[Tuple[str, str, str, Dict[str, str]]]:
    """(method, target, version, headers with lower-case names), or None if malformed."""
    try:
        lines = head.decode("latin1").split("\r\n")
        method, target, version = lines[0].split(" ")
    except ValueError:
        return None
    if not version.startswith("HTTP/1."):
        return None
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            return None
        headers[name.lower()] = value.strip()
    return method, target, version, headers


def response(status: str, body: bytes, keep_alive: bool, head_only: bool = False) -> bytes:
    head = ("HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n"
            "Connection: %s\r\n\r\n" % (status, len(body), "keep-alive" if keep_alive else "close"))
    return head.encode("latin1") + (b"" if head_only else body)


class Connection:
    """One client: requests are parsed from a byte buffer as they arrive."""

    def __init__(self, sock: net.Socket, served: Callable[[], bool]) -> None:
        self.sock = sock
        self.served = served  # called per answer; False: this was the last one
        self.buffer = b""
        self.body_left = 0
        sock.on("data", self.on_data)
        sock.on("error", lambda err: None)

    def on_data(self, data: bytes) -> None:
        self.buffer += data
        while not self.sock.writable_ended:
            if self.body_left:  # skip a request body
                skipped = min(self.body_left, len(self.buffer))
                self.buffer = self.buffer[skipped:]
                self.body_left -= skipped
                if self.body_left:
                    return
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.sock.end(response("413 Payload Too Large", b"", False))
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            self.answer(head)

    def answer(self, head: bytes) -> None:
        request = parse_head(head)
        if request is None:
            self.sock.end(response("400 Bad Request", b"bad request\n", False))
            return
        method, _target, version, headers = request
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        length = headers.get("content-length", "0")
        if not length.isdigit() or "transfer-encoding" in headers:
            self.sock.end(response("400 Bad Request", b"bodies need a Content-Length\n", False))
            return
        self.body_left = int(length)
        keep_alive = self.served() and keep_alive
        if method in ("GET", "HEAD"):
            reply = response("200 OK", BODY, keep_alive, head_only=method == "HEAD")
        else:
            reply = response("405 Method Not Allowed", b"GET or HEAD only\n", keep_alive)
        if keep_alive:
            self.sock.write(reply)
        else:
            self.sock.end(reply)


def http_server(max_requests: Optional[int] = None) -> net.Server:
    count = [0]

    def served() -> bool:
        count[0] += 1
        if max_requests is not None and count[0] >= max_requests:
            server.close()  # the last answer closes its connection; then we exit
            return False
        return True

    server = net.create_server(lambda sock: Connection(sock, served))
    return server


def self_test() -> int:
    """One connection, three pipelined requests (GET, HEAD, POST with a body) sent in
    small pieces, then a GET with Connection: close: four answers, then the close."""
    server = http_server()
    received: List[bytes] = []
    request = (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
               b"HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n"
               b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
               b"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    def on_listening() -> None:
        sock = net.connect(server.address()["port"], "127.0.0.1")
        sock.on("data", received.append)
        sock.on("close", lambda _had_error: server.close())
        for i in range(0, len(request), 10):
            sock.write(request[i:i + 10])

    server.listen(0, "127.0.0.1", callback=on_listening)
    net.set_timeout(lambda: sys.exit("self-test: timed out"), 10000).unref()
    net.run()
    got = b"".join(received)
    expected = (response("200 OK", BODY, True) + response("200 OK", BODY, True, head_only=True)
                + response("405 Method Not Allowed", b"GET or HEAD only\n", True)
                + response("200 OK", BODY, False))
    print(got.decode("latin1"))
    ok = got == expected
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--max-requests", type=int, help="exit after answering this many requests")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    server = http_server(args.max_requests)

    def on_listening() -> None:
        address = server.address()
        print("http: listening on http://%s:%d/" % (address["address"], address["port"]), flush=True)

    server.listen(args.port, args.host, callback=on_listening)
    net.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
