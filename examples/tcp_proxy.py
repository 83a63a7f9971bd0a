"""A TCP proxy: each connection to --port is joined to a new connection to --target;
bytes flow both ways with pipe() (in C, with backpressure), and either side ending or
failing ends the other.

Run:       python examples/tcp_proxy.py --port 8125 --target 127.0.0.1:8124
Self-test: python examples/tcp_proxy.py --self-test   (an echo server behind the proxy; exits)
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict, List

import pyuv_net as net


def proxy(target: Dict[str, Any]) -> net.Server:
    def on_connection(client: net.Socket) -> None:
        client.pause()  # nothing is read until the far side is connected
        upstream = net.connect(target, allow_half_open=True)
        upstream.on("connect", lambda: (client.pipe(upstream), upstream.pipe(client), client.resume()))
        # pipe() ends the other side on 'end'; an error destroys both.
        upstream.on("error", lambda err: client.destroy())
        client.on("error", lambda err: upstream.destroy())
        client.on("close", lambda _had_error: upstream.destroy())
        upstream.on("close", lambda _had_error: client.destroy())

    # Half-open on both sides: a client that has sent everything (FIN) still gets
    # the whole answer; each direction ends on its own.
    return net.create_server(on_connection, allow_half_open=True)


def parse_target(text: str) -> Dict[str, Any]:
    host, _, port = text.rpartition(":")
    return {"host": host.strip("[]") or "127.0.0.1", "port": int(port)}


def self_test() -> int:
    """2 MiB of random bytes, in each of 3 connections, through the proxy to an echo
    server and back: every byte must return in order."""
    payload = os.urandom(2 << 20)
    echo = net.create_server(lambda sock: sock.pipe(sock))
    results: List[bytes] = []
    servers: List[net.Server] = [echo]

    def start_clients(port: int) -> None:
        for _ in range(3):
            start_client(port)

    def start_client(port: int) -> None:
        sock = net.connect(port, "127.0.0.1")
        got: List[bytes] = []
        sock.on("data", got.append)
        sock.on("end", lambda: finished(b"".join(got)))
        sock.end(payload)

    def finished(data: bytes) -> None:
        results.append(data)
        if len(results) == 3:
            for server in servers:
                server.close()

    def on_echo_listening() -> None:
        front = proxy({"host": "127.0.0.1", "port": echo.address()["port"]})
        servers.append(front)
        front.listen(0, "127.0.0.1", callback=lambda: start_clients(front.address()["port"]))

    echo.listen(0, "127.0.0.1", callback=on_echo_listening)
    net.set_timeout(lambda: sys.exit("self-test: timed out"), 20000).unref()
    net.run()
    ok = len(results) == 3 and all(r == payload for r in results)
    print("3 connections x %d bytes through the proxy: %s" % (len(payload), "identical" if ok else "DIFFERENT"))
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8125)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--target", default="127.0.0.1:8124", help="HOST:PORT to forward to")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    server = proxy(parse_target(args.target))
    server.listen(args.port, args.host,
                  callback=lambda: print("proxy: listening on %(address)s:%(port)d" % server.address(), flush=True))
    net.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
