"""The server/client scenario `make valgrind` runs under memcheck: every kind of handle
and request the C layer owns, opened and closed through its normal and its error paths.

Echo over TCP (data and pipe() in C) and a Unix socket, writes queued past the
high-water mark, cork/uncork (writev), a reset, ECONNREFUSED, a lookup, destroy while
writes are pending, timers and immediates, a connection abandoned when the loop is
closed. Exits 0 when every exchange checked out.
"""
from __future__ import annotations

import os
import sys
import tempfile

import pyuv_net as net

HOST = "127.0.0.1"
ROUNDS = int(os.environ.get("VALGRIND_ROUNDS", "20"))
checks = {"echoed": 0, "refused": 0, "reset": 0, "looked_up": 0, "timers": 0, "destroyed": 0}
expected = {"echoed": 3 * ROUNDS, "refused": ROUNDS, "reset": ROUNDS, "looked_up": ROUNDS,
            "timers": ROUNDS, "destroyed": ROUNDS}
servers = []


def count(what, increment=1):
    """Counts a finished check; the servers close once every check is in (closing
    them earlier would reset connections still waiting to be accepted)."""
    checks[what] += increment
    if checks == expected:
        for server in servers:
            server.close()


def ignore(err):  # the server side of the destroyed and reset connections
    pass


def echo_data(sock):
    sock.on("error", ignore)
    sock.on("data", sock.write)
    sock.on("end", sock.end)


def echo_pipe(sock):
    sock.on("error", ignore)
    sock.pipe(sock)


def exchange(port_or_path, payload, cork=False):
    client = net.connect(port_or_path) if isinstance(port_or_path, str) else net.connect(port_or_path, HOST)
    got = []
    client.on("data", got.append)

    def on_close(had_error):
        assert not had_error and b"".join(got) == payload, (had_error, len(b"".join(got)))
        count("echoed")

    client.on("close", on_close)
    if cork:
        client.cork()
        for i in range(0, len(payload), 1000):
            client.write(payload[i:i + 1000])
        client.uncork()
        client.end()
    else:
        client.end(payload)


def main() -> int:
    tcp_data = net.create_server(echo_data)
    tcp_data.listen(0, HOST)
    tcp_pipe = net.create_server(echo_pipe)
    tcp_pipe.listen(0, HOST)
    path = os.path.join(tempfile.mkdtemp(), "echo.sock")
    local = net.create_server(echo_pipe)
    local.listen(path)
    resetter = net.create_server(lambda sock: (sock.on("error", ignore),
                                               sock.on("data", lambda chunk: sock.reset_and_destroy())))
    resetter.listen(0, HOST)
    servers.extend((tcp_data, tcp_pipe, local, resetter))
    payload = bytes(range(256)) * 1024  # 256 KiB: past the high-water mark, queued writes

    for i in range(ROUNDS):
        exchange(tcp_data.address()["port"], payload[: 1000 + i * 997])
        exchange(tcp_pipe.address()["port"], payload, cork=i % 2 == 0)
        exchange(path, payload[: 5000 + i])
        victim = net.connect(resetter.address()["port"], HOST)
        victim.on("error", lambda err: count("reset", err.code == "ECONNRESET"))
        victim.write(b"x")
        refused = net.connect(1, HOST)
        refused.on("error", lambda err: count("refused"))
        doomed = net.connect(tcp_data.address()["port"], HOST)
        doomed.on("connect", lambda d=doomed: (d.write(payload), d.write(payload), d.destroy(),
                                               count("destroyed")))
        net.lookup("localhost", lambda err, address, family: count("looked_up"))
        net.set_timeout(lambda: count("timers"), i)
        net.clear_timeout(net.set_timeout(lambda: None, 5))
        net.set_immediate(lambda: None)

    def give_up():  # a check that never came: stop anyway, the totals will say which
        for server in servers:
            server.close()

    net.set_timeout(give_up, 120000).unref()
    net.run()
    # a connection still open when its loop is closed: freed by Loop.close()
    leftover = net.create_server(echo_data)
    leftover.listen(0, HOST)
    net.connect(leftover.address()["port"], HOST).write(b"abandoned")
    net.run("nowait")
    net.get_loop().close()
    print("valgrind scenario:", checks)
    return 0 if checks == expected else 1


if __name__ == "__main__":
    sys.exit(main())
