"""A local-socket (Unix domain socket; a named pipe on Windows) server and client: the
server answers each line in upper case.

Run:       python examples/local_socket.py server /tmp/upper.sock
           python examples/local_socket.py client /tmp/upper.sock hello world
Self-test: python examples/local_socket.py --self-test   (both ends in one process; exits)
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import Callable, List

import pyuv_net as net


def upper_server() -> net.Server:
    def on_connection(sock: net.Socket) -> None:
        sock.set_encoding("utf8")
        pending = [""]

        def on_data(text: str) -> None:
            lines = (pending[0] + text).split("\n")
            pending[0] = lines.pop()
            for line in lines:
                sock.write(line.upper() + "\n")

        sock.on("data", on_data)
        sock.on("error", lambda err: None)

    return net.create_server(on_connection)


def client(path: str, words: List[str], done: Callable[[str], None]) -> net.Socket:
    """Sends one line per word, half-closes, and hands everything answered to done()."""
    sock = net.connect(path)
    sock.set_encoding("utf8")
    answer: List[str] = []
    sock.on("data", answer.append)
    sock.on("end", lambda: done("".join(answer)))
    sock.end("".join(word + "\n" for word in words))
    return sock


def pipe_path(directory: str) -> str:
    if sys.platform == "win32":
        return r"\\.\pipe\pyuv_net-example-%d" % os.getpid()
    return os.path.join(directory, "upper.sock")


def self_test() -> int:
    answers: List[str] = []
    with tempfile.TemporaryDirectory() as directory:
        path = pipe_path(directory)
        server = upper_server()

        def on_answer(text: str) -> None:
            answers.append(text)
            server.close()

        server.listen(path, callback=lambda: client(path, ["hello", "local", "socket"], on_answer))
        net.set_timeout(lambda: sys.exit("self-test: timed out"), 10000).unref()
        net.run()
    print("server at %s answered: %r" % (path, answers))
    ok = answers == ["HELLO\nLOCAL\nSOCKET\n"]
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", choices=("server", "client"))
    parser.add_argument("path", nargs="?")
    parser.add_argument("words", nargs="*")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    if not args.role or not args.path:
        parser.error("give server PATH, client PATH WORDS..., or --self-test")
    if args.role == "server":
        server = upper_server()
        server.listen(args.path, callback=lambda: print("upper: listening on %s" % args.path, flush=True))
    else:
        client(args.path, args.words or ["hello"], lambda text: print(text, end="", flush=True))
    net.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
