"""Faults (issue 6): what a peer, the kernel or the user's own code can do to a
connection, one test each. Node 20 is the oracle for every event order asserted here
(each scenario was run in JavaScript first; the outcome is quoted beside the test).

Exceptions raised in connection, data, close, write-callback, lookup and timer
callbacks are in test_loop.py; the kinds it does not cover are here. As for every
core test module, conftest checks that no handle is left open after each test.
"""
from __future__ import annotations

import gc
import os
import resource
import signal
import socket
import subprocess
import sys
import textwrap
import weakref

import pytest

import pyuv_net as net

from conftest import HOST, errcode, listen_server, run_loop

pytestmark = pytest.mark.timeout(30)


class Boom(Exception):
    pass


def echo_round_trip(port: int, message: bytes = b"still serving") -> bytes:
    """One fresh connection: sends `message`, returns what came back (the echo).
    The loop stops when that connection closes (the server keeps listening)."""
    got = []
    client = net.connect(port, HOST)
    client.on("data", got.append)
    client.on("close", lambda had_error: net.stop())
    client.end(message)
    run_loop()
    return b"".join(got)


def boom(what):
    def raiser(*args):
        raise Boom(what)
    return raiser


def echo(sock):
    sock.pipe(sock)


# -- the peer ---------------------------------------------------------------------

def test_peer_reset_mid_stream_is_error_econnreset_then_close_true():
    # node: ["error ECONNRESET read", "close true"]; no 'end'
    def on_connection(sock):
        sock.write(b"x" * 100000)
        sock.once("data", lambda chunk: sock.reset_and_destroy())

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    log = []
    received = []

    def on_data(chunk):
        if not received:
            client.write(b"go")
        received.append(len(chunk))

    client.on("data", on_data)
    client.on("end", lambda: log.append("end"))
    client.on("error", lambda err: log.append(("error", errcode(err), err.syscall)))
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    run_loop()
    assert log == [("error", "ECONNRESET", "read"), ("close", True)]
    assert received  # it was mid-stream
    assert client.destroyed


def test_peer_half_close_both_ways_with_allow_half_open():
    # Each side ends its writing first in turn and keeps receiving after its own FIN,
    # then keeps writing after the other's FIN. node: everything arrives, close(false).
    log = []

    def on_connection(sock):
        received = []
        sock.on("data", received.append)

        def on_end():  # the client has half-closed; the server still writes
            log.append(("server end", b"".join(received)))
            sock.write(b"reply after your FIN")
            sock.end(b" / server done")

        sock.on("end", on_end)
        sock.on("close", lambda had_error: log.append(("server close", had_error)))

    server, port = listen_server(on_connection, allow_half_open=True)
    client = net.connect(port, HOST, allow_half_open=True)
    replies = []
    client.on("data", replies.append)
    client.on("end", lambda: log.append(("client end", b"".join(replies))))
    client.on("close", lambda had_error: (log.append(("client close", had_error)), server.close()))
    client.end(b"request")
    run_loop()
    assert ("server end", b"request") in log
    assert ("client end", b"reply after your FIN / server done") in log
    assert ("client close", False) in log and ("server close", False) in log

    # and the other way: the server half-closes first, the client answers after it
    def on_connection_2(sock):
        got = []
        sock.on("data", got.append)
        sock.on("end", lambda: log.append(("server got", b"".join(got))))
        sock.end(b"server first")

    server2, port2 = listen_server(on_connection_2, allow_half_open=True)
    client2 = net.connect(port2, HOST, allow_half_open=True)
    heard = []
    client2.on("data", heard.append)

    def client2_end():
        assert client2.writable
        client2.end(b"client after server FIN")

    client2.on("end", client2_end)
    client2.on("close", lambda had_error: (log.append(("client2 close", had_error)), server2.close()))
    run_loop()
    assert b"".join(heard) == b"server first"
    assert ("server got", b"client after server FIN") in log
    assert ("client2 close", False) in log


def test_write_to_a_closed_peer_is_epipe():
    # node (allowHalfOpen, the peer destroyed its socket): ["end", "cb null",
    # "cb EPIPE", "error EPIPE write", "close true"] - the first write is accepted by
    # the kernel and answered with a RST; the next fails.
    server, port = listen_server(lambda sock: sock.destroy())
    client = net.connect(port, HOST, allow_half_open=True)
    log = []

    def write_again(err=None):
        log.append(("cb", errcode(err)))
        if err is None and len(log) < 100:  # bounded: the RST comes after the first write
            net.set_immediate(lambda: client.write(b"x" * 1000, callback=write_again))

    def on_end():
        log.append("end")
        client.write(b"x" * 1000, callback=write_again)

    client.on("end", on_end)
    client.on("error", lambda err: log.append(("error", errcode(err), err.syscall)))
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    client.resume()
    run_loop()
    assert log[0] == "end"
    assert log[1] == ("cb", None)
    assert log[-3:] == [("cb", "EPIPE"), ("error", "EPIPE", "write"), ("close", True)]


_KILLED_CLIENT = textwrap.dedent("""
    import sys
    import pyuv_net as net
    sock = net.connect(int(sys.argv[1]), "127.0.0.1")
    def flood():
        while sock.write(b"y" * 65536):
            pass
    sock.on("drain", flood)
    sock.on("connect", lambda: (flood(), print("WRITING", flush=True)))
    net.run()
""")


def test_client_killed_with_sigkill_mid_stream():
    # The kernel closes a killed process's sockets: the server sees 'end' (or a reset
    # when data was unread) and 'close', and keeps serving.
    log = []
    fresh = []

    def on_killed_connection(sock):
        sock.once("data", lambda chunk: proc.send_signal(signal.SIGKILL))
        sock.on("end", lambda: log.append("end"))
        sock.on("error", lambda err: log.append(("error", errcode(err))))
        sock.on("close", lambda had_error: (log.append(("close", had_error)), connect_again()))

    def connect_again():  # the server still serves
        client = net.connect(port, HOST)
        client.on("data", fresh.append)
        client.on("close", lambda had_error: server.close())
        client.end(b"still serving")

    def on_connection(sock):
        if not log:
            on_killed_connection(sock)
            log.append("killed client")
        else:
            echo(sock)

    server, port = listen_server(on_connection)
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_CLIENT, str(port)], stdout=subprocess.PIPE)
    try:
        run_loop(timeout=20)
    finally:
        proc.kill()
        proc.wait(10)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert log in (["killed client", "end", ("close", False)],
                   ["killed client", ("error", "ECONNRESET"), ("close", True)])
    assert b"".join(fresh) == b"still serving"


_EMFILE_SERVER = textwrap.dedent("""
    import os, sys, threading
    import pyuv_net as net
    held = []
    def on_connection(sock):
        print("connection", flush=True)
        sock.pipe(sock)
        sock.on("end", lambda: server.close())
    def fill():
        try:
            while True:
                held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError as exc:
            print("filled", exc.errno == 24, flush=True)
        print("PORT", server.address()["port"], flush=True)
    def free():
        for fd in held:
            os.close(fd)
        print("FREED", flush=True)
    server = net.create_server(on_connection)
    server.on("error", lambda err: print("server error", err.code, flush=True))
    server.listen(0, "127.0.0.1", callback=fill)
    threading.Thread(target=lambda: (sys.stdin.readline(), net.call_soon_threadsafe(free)), daemon=True).start()
    net.run()
    print("EXIT", flush=True)
""")


def test_emfile_on_accept_drops_the_connection_and_serves_once_descriptors_free():
    # node 20 (same script, ulimit -n 64): no 'error'; libuv's reserve descriptor lets
    # it accept and close the connection that arrived while full (the client sees
    # EOF); after descriptors are freed the next connection is served.
    import socket

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    proc = subprocess.Popen([sys.executable, "-c", _EMFILE_SERVER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, preexec_fn=low_limit)
    try:
        assert proc.stdout.readline().split() == ["filled", "True"]
        port = int(proc.stdout.readline().split()[1])
        with socket.create_connection((HOST, port), timeout=10) as refused:
            assert refused.recv(10) == b""  # dropped while the server had no descriptor
        proc.stdin.write("free\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "FREED"
        with socket.create_connection((HOST, port), timeout=10) as served:
            served.sendall(b"ping")
            assert served.recv(10) == b"ping"
            served.shutdown(socket.SHUT_WR)
            assert served.recv(10) == b""
        rest, _ = proc.communicate(timeout=10)
    finally:
        proc.kill()
        proc.wait(10)
    assert rest.split("\n")[:2] == ["connection", "EXIT"]
    assert "server error" not in rest
    assert proc.returncode == 0


# -- exceptions in callbacks (the kinds test_loop.py does not cover) --------------

def _raise_in_end(server, port, client):
    client.on("end", boom("end"))
    client.resume()  # 'end' comes once the echoed bytes are consumed
    client.end(b"bye")


def _raise_in_timeout(server, port, client):
    client.set_timeout(10, boom("timeout"))


def _raise_in_connect(server, port, client):
    client.on("connect", boom("connect"))


def _raise_in_finish(server, port, client):
    client.on("finish", boom("finish"))
    client.end()


def _raise_in_drain(server, port, client):
    client.on("drain", boom("drain"))
    client.resume()  # read (and drop) the echo, or the echo server would stall the writes
    while client.write(b"z" * 65536):
        pass


def _raise_in_error(server, port, client):
    failing = net.connect(1, HOST)  # nothing listens on port 1: ECONNREFUSED
    failing.on("error", boom("error"))


def _raise_in_listening(server, port, client):
    other = net.create_server()
    other.listen(0, HOST, callback=lambda: (other.close(), boom("listening")()))


def _raise_in_next_tick(server, port, client):
    net.next_tick(boom("next_tick"))


def _raise_in_server_close(server, port, client):
    spare = net.create_server()
    spare.listen(0, HOST)
    spare.close(boom("server close callback"))


def _raise_in_get_connections(server, port, client):
    server.get_connections(boom("get_connections"))


def _raise_in_dns_lookup(server, port, client):
    net.lookup("localhost", boom("lookup"))


def _raise_in_end_callback(server, port, client):
    client.end(b"x", callback=boom("end callback"))


RAISERS = [_raise_in_end, _raise_in_timeout, _raise_in_connect, _raise_in_finish, _raise_in_drain,
           _raise_in_error, _raise_in_listening, _raise_in_next_tick, _raise_in_server_close,
           _raise_in_get_connections, _raise_in_dns_lookup, _raise_in_end_callback]


@pytest.mark.parametrize("raiser", RAISERS, ids=[r.__name__[len("_raise_in_"):] for r in RAISERS])
def test_exception_in_callback_comes_out_of_run_and_the_loop_keeps_serving(raiser):
    server, port = listen_server(echo)
    client = net.connect(port, HOST)
    client.on("error", lambda err: None)
    baseline = net.active_handles()
    raiser(server, port, client)
    with pytest.raises(Boom):
        run_loop()
    # the next run() still works: a fresh connection is echoed
    assert echo_round_trip(port) == b"still serving"
    client.destroy()
    server.close()
    run_loop()
    assert baseline == 2 and net.active_handles() == 0


# -- the user's own code ----------------------------------------------------------

def test_destroy_inside_data_stops_further_data():
    # node: one 'data', then 'close' false; no 'end', no 'error'
    def on_connection(sock):
        for _ in range(20):
            sock.write(b"q" * 65536)
        sock.on("error", lambda err: None)

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    log = []

    def on_data(chunk):
        log.append("data")
        client.destroy()
        assert client.destroyed

    client.on("data", on_data)
    client.on("end", lambda: log.append("end"))
    client.on("error", lambda err: log.append("error"))
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    run_loop()
    assert log == ["data", ("close", False)]


def test_destroy_of_another_socket_inside_data_stops_its_data_and_ticks_run_between():
    # Two peers send at once, so their reads usually reach Python in one batch: the
    # first 'data' destroys the other socket, which then gets nothing (no 'data', no
    # 'end'), and a nextTick queued by the listener runs before any other event.
    log = []
    accepted = []

    def on_connection(sock):
        accepted.append(sock)
        sock.on("error", lambda err: log.append(("error", errcode(err))))

        def on_data(chunk):
            log.append(("data", sock is accepted[0]))
            net.next_tick(log.append, "tick")
            for other in accepted:
                if other is not sock:
                    other.destroy()
            sock.destroy()
            server.close()

        sock.on("data", on_data)
        sock.on("end", lambda: log.append("end"))

    server, port = listen_server(on_connection)
    peers = [socket.create_connection((HOST, port)) for _ in range(2)]
    for peer in peers:
        peer.sendall(b"x" * 100)
    run_loop()
    for peer in peers:
        peer.close()
    assert len(log) == 2 and log[0][0] == "data" and log[1] == "tick", log


def test_a_data_listener_is_released_once_removed_or_its_socket_is_gone():
    # The 'data' listener is referenced from C while reads go straight to it: it must
    # be let go when it is removed, and when its socket closes.
    refs = {}

    class Sink:
        def __init__(self):
            self.got = 0

        def on_data(self, chunk):
            self.got += len(chunk)

    class Checker(Sink):
        def on_data(self, chunk):  # runs after the swap: the removed one must be gone
            gc.collect()
            refs.setdefault("removed_alive_while_open", refs["removed"]() is not None)

    def on_connection(sock):
        removed, kept = Sink(), Checker()
        refs["removed"], refs["kept"] = weakref.ref(removed), weakref.ref(kept)
        sock.on("data", removed.on_data)

        def swap(chunk):
            sock.remove_listener("data", removed.on_data)
            sock.on("data", kept.on_data)

        sock.once("data", swap)
        sock.on("end", lambda: (sock.end(), server.close()))

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    client.on("connect", lambda: client.write(b"a" * 1000))
    net.set_timeout(lambda: client.end(b"b" * 1000), 50)  # after the swap
    run_loop()
    assert refs["removed_alive_while_open"] is False
    gc.collect()
    assert refs["kept"]() is None


def test_a_data_listener_is_released_when_the_loop_closes_under_its_socket():
    # Loop.close() frees handles whose listeners Python never took back.
    refs = {}

    class Sink:
        def on_data(self, chunk):
            net.get_loop().stop()  # the sockets stay open, listening

    def on_connection(sock):
        sink = Sink()
        refs["sink"] = weakref.ref(sink)
        sock.on("data", sink.on_data)

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    client.on("connect", lambda: client.write(b"ping"))
    run_loop()
    assert refs["sink"]() is not None  # the open socket's listener
    net.get_loop().close()
    del server, client
    gc.collect()
    assert refs["sink"]() is None


def test_server_close_inside_connection_keeps_that_connection():
    # node: the accepted socket still echoes; 'close' on the server once it ends; a
    # new connection is refused.
    log = []

    def on_connection(sock):
        server.close(lambda err: log.append(("server closed", err)))
        echo(sock)

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    got = []
    client.on("data", lambda chunk: (got.append(chunk), client.end()))
    client.on("close", lambda had_error: log.append(("client close", had_error)))
    client.write(b"hello")
    run_loop()
    assert b"".join(got) == b"hello"
    assert sorted(log, key=repr) == [("client close", False), ("server closed", None)]
    refused = net.connect(port, HOST)
    refused.on("error", lambda err: log.append(errcode(err)))
    run_loop()
    assert log[-1] == "ECONNREFUSED"


def test_socket_without_user_references_keeps_working_until_closed_then_is_collected():
    state = {"alive_mid_stream": None, "received": 0}

    def on_connection(sock):
        def on_data(chunk):
            state["received"] += len(chunk)
            gc.collect()
            state["alive_mid_stream"] = client_ref() is not None
        sock.on("data", on_data)
        sock.on("end", lambda: server.close())

    server, port = listen_server(on_connection)

    def start_client():
        client = net.connect(port, HOST)
        me = weakref.ref(client)
        # the listeners hold only a weak reference: nothing of the user's keeps it
        client.on("connect", lambda: me().end(b"z" * 200000))
        return me

    client_ref = start_client()
    gc.collect()
    assert client_ref() is not None  # connecting: libuv still owns it
    run_loop()
    assert state["received"] == 200000
    assert state["alive_mid_stream"] is True
    gc.collect()
    assert client_ref() is None


_EXIT_WITH_OPEN_HANDLES = textwrap.dedent("""
    import sys
    import pyuv_net as net
    server = net.create_server(lambda sock: sock.pipe(sock))
    server.listen(0, "127.0.0.1")
    client = net.connect(server.address()["port"], "127.0.0.1")
    client.write(b"hello")
    net.set_timeout(lambda: None, 60000)
    net.set_interval(lambda: None, 1000)
    net.set_immediate(lambda: None)
    if sys.argv[1] == "exit-in-callback":
        client.on("data", lambda chunk: sys.exit(0))
        net.run()
    else:
        for _ in range(5):
            net.run("nowait")
    print("LEAVING", flush=True)
""")


@pytest.mark.parametrize("how", ["fall-off-the-end", "exit-in-callback"])
def test_interpreter_exit_with_open_handles(how):
    done = subprocess.run([sys.executable, "-c", _EXIT_WITH_OPEN_HANDLES, how], capture_output=True,
                          text=True, timeout=30, env=dict(os.environ, PYTHONFAULTHANDLER="1"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == ("LEAVING\n" if how == "fall-off-the-end" else "")


def test_second_exception_with_the_default_unraisablehook_is_reported():
    # test_loop.py checks a custom sys.unraisablehook gets it; CPython's default hook
    # refuses any argument Python code can make, which used to bury the report under
    # "TypeError: sys.unraisablehook argument type must be UnraisableHookArgs".
    script = textwrap.dedent("""
        import pyuv_net as net
        def first():
            raise ValueError("first")
        def second():
            raise KeyError("second")
        net.set_timeout(first, 5)
        net.set_timeout(second, 5)
        try:
            net.run()
        except ValueError:
            print("first came out of run()")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0
    assert done.stdout == "first came out of run()\n"
    assert "Exception in a pyuv_net callback while another was pending" in done.stderr
    assert "KeyError: 'second'" in done.stderr
    assert "UnraisableHookArgs" not in done.stderr
