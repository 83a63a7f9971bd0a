"""A chat server: every line a client sends goes to every other client.

Run:       python examples/chat_server.py --port 8124     (then: pyuv-net cat 8124)
Self-test: python examples/chat_server.py --self-test      (three clients chat; exits)
"""
from __future__ import annotations

import argparse
import sys
from typing import Dict, List

import pyuv_net as net


class Chat:
    def __init__(self) -> None:
        self.members: Dict[net.Socket, str] = {}
        self.server = net.create_server(self.join)

    def join(self, sock: net.Socket) -> None:
        name = "%s:%s" % (sock.remote_address, sock.remote_port)
        self.members[sock] = name
        sock.set_encoding("utf8")
        pending = [""]

        def on_data(text: str) -> None:
            lines = (pending[0] + text).split("\n")
            pending[0] = lines.pop()
            for line in lines:
                self.say(sock, line.rstrip("\r"))

        sock.on("data", on_data)
        sock.on("error", lambda err: None)  # the 'close' that follows says goodbye
        sock.on("close", lambda _had_error: self.leave(sock))
        sock.write("welcome, %s (%d here)\n" % (name, len(self.members)))

    def say(self, sender: net.Socket, line: str) -> None:
        if line.startswith("/nick "):
            self.members[sender] = line[6:].strip() or self.members[sender]
            return
        for member in self.members:
            if member is not sender:
                member.write("%s: %s\n" % (self.members[sender], line))

    def leave(self, sock: net.Socket) -> None:
        name = self.members.pop(sock, None)
        for member in self.members:
            member.write("* %s left\n" % name)


def self_test() -> int:
    """Alice, Bob and Carol join; each says one line; each must hear the other two."""
    chat = Chat()
    heard: Dict[str, List[str]] = {"alice": [], "bob": [], "carol": []}
    clients: Dict[str, net.Socket] = {}

    def expect_done() -> None:
        if all(len([l for l in lines if ": " in l]) == 2 for lines in heard.values()):
            for sock in clients.values():
                sock.end()
            chat.server.close()

    def start(port: int, name: str) -> None:
        sock = net.connect(port, "127.0.0.1")
        sock.set_encoding("utf8")
        clients[name] = sock
        buffer = [""]

        def on_data(text: str) -> None:
            lines = (buffer[0] + text).split("\n")
            buffer[0] = lines.pop()
            for line in lines:
                if line.startswith("welcome"):
                    sock.write("/nick %s\n" % name)
                    joined.append(name)
                    if len(joined) == len(heard):  # everyone is in: talk
                        for who, other in clients.items():
                            other.write("hello from %s\n" % who)
                else:
                    heard[name].append(line)
            expect_done()

        sock.on("data", on_data)

    joined: List[str] = []

    def on_listening() -> None:
        port = chat.server.address()["port"]
        for name in heard:
            start(port, name)

    chat.server.listen(0, "127.0.0.1", callback=on_listening)
    net.set_timeout(lambda: sys.exit("self-test: timed out"), 10000).unref()
    net.run()
    for name, lines in heard.items():
        said = sorted(l for l in lines if ": " in l)
        others = sorted("%s: hello from %s" % (o, o) for o in heard if o != name)
        if said != others:
            print("self-test FAILED: %s heard %r" % (name, lines))
            return 1
        print("%s heard: %s" % (name, "; ".join(said)))
    print("self-test passed")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    chat = Chat()
    chat.server.listen(args.port, args.host,
                       callback=lambda: print("chat: listening on %(address)s:%(port)d" % chat.server.address(), flush=True))
    net.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
