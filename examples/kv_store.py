"""A line-based protocol: a tiny key-value store.

Requests, one per line:  SET key value | GET key | DEL key | KEYS | QUIT
Answers, one per line:   OK | VALUE value | NOT_FOUND | KEYS k1 k2 ... | BYE | ERR message
Requests may arrive split across reads or several in one read (pipelining).

Run:       python examples/kv_store.py --port 8126        (then: pyuv-net cat 8126)
Self-test: python examples/kv_store.py --self-test        (a scripted client; exits)
"""
from __future__ import annotations

import argparse
import sys
from typing import Dict, List

import pyuv_net as net

MAX_LINE = 64 * 1024  # a client that never sends a newline is cut off here


def answer(store: Dict[str, str], line: str) -> str:
    command, _, rest = line.strip().partition(" ")
    command = command.upper()
    if command == "SET":
        key, _, value = rest.partition(" ")
        if not key:
            return "ERR usage: SET key value"
        store[key] = value
        return "OK"
    if command == "GET":
        return "VALUE " + store[rest] if rest in store else "NOT_FOUND"
    if command == "DEL":
        return "OK" if store.pop(rest, None) is not None else "NOT_FOUND"
    if command == "KEYS":
        return " ".join(["KEYS"] + sorted(store))
    if command == "QUIT":
        return "BYE"
    return "ERR unknown command %r" % command


def kv_server(store: Dict[str, str]) -> net.Server:
    def on_connection(sock: net.Socket) -> None:
        sock.set_encoding("utf8")
        pending = [""]

        def on_data(text: str) -> None:
            lines = (pending[0] + text).split("\n")
            pending[0] = lines.pop()
            if len(pending[0]) > MAX_LINE:
                sock.end("ERR line too long\n")
                return
            for line in lines:
                reply = answer(store, line)
                if reply == "BYE":
                    sock.end("BYE\n")
                    return
                sock.write(reply + "\n")

        sock.on("data", on_data)
        sock.on("error", lambda err: None)

    return net.create_server(on_connection)


SCRIPT = ("SET greeting hello world\nGET greeting\nSET n 1\nKEYS\nDEL n\nDEL n\nGET n\n"
          "FLY away\nSET\nQUIT\n")
EXPECTED = ["OK", "VALUE hello world", "OK", "KEYS greeting n", "OK", "NOT_FOUND", "NOT_FOUND",
            "ERR unknown command 'FLY'", "ERR usage: SET key value", "BYE"]


def self_test() -> int:
    """Sends SCRIPT a few bytes at a time (lines split across writes) and checks the
    answers line by line."""
    server = kv_server({})
    received: List[str] = []

    def on_listening() -> None:
        sock = net.connect(server.address()["port"], "127.0.0.1")
        sock.set_encoding("utf8")
        sock.on("data", received.append)
        sock.on("end", server.close)
        for i in range(0, len(SCRIPT), 7):
            sock.write(SCRIPT[i:i + 7])

    server.listen(0, "127.0.0.1", callback=on_listening)
    net.set_timeout(lambda: sys.exit("self-test: timed out"), 10000).unref()
    net.run()
    lines = "".join(received).splitlines()
    for request, reply in zip(SCRIPT.splitlines(), lines):
        print("%-26s -> %s" % (request, reply))
    ok = lines == EXPECTED
    print("self-test passed" if ok else "self-test FAILED: %r" % lines)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8126)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    server = kv_server({})
    server.listen(args.port, args.host,
                  callback=lambda: print("kv: listening on %(address)s:%(port)d" % server.address(), flush=True))
    net.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
