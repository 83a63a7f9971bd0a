"""net.Server: the listen forms, address(), errors, close(), connection counting,
max_connections and 'drop', ref/unref, server options, context manager, aliases.

Expectations checked with node 20 (JS quoted where it helps)."""
from __future__ import annotations

import os
import socket

import pytest

import pyuv_net as net

from conftest import HAS_IPV6, HOST, errcode, listen_server, needs_ipv6, run_loop

pytestmark = pytest.mark.timeout(10)


def roundtrip(port, host=HOST, payload=b"ping"):
    """Connects a client to an echo server at host:port, sends `payload`, ends,
    and returns what came back (the caller runs the loop)."""
    got = []
    client = net.connect(port, host)
    client.on("data", got.append)
    client.end(payload)
    return client, got


def echo(sock):
    sock.pipe(sock)


def test_create_server_returns_a_server_not_listening():
    server = net.create_server()
    assert isinstance(server, net.Server)
    assert server.listening is False
    assert server.address() is None
    assert server.max_connections is None


def test_create_server_forms():
    listener = lambda s: None  # noqa: E731
    a = net.create_server(listener)
    assert a.listeners("connection") == [listener]
    b = net.create_server({"allowHalfOpen": True}, listener)
    assert b.listeners("connection") == [listener]
    c = net.create_server(listener, allow_half_open=True, pause_on_connect=True, no_delay=True,
                          keep_alive=True, keep_alive_initial_delay=1000, high_water_mark=1024)
    assert c.listeners("connection") == [listener]
    d = net.create_server(connection_listener=listener)
    assert d.listeners("connection") == [listener]


# -- listen forms ------------------------------------------------------------------

def test_listen_port_and_host_positional():
    log = []
    server = net.create_server(echo)
    assert server.listen(0, HOST) is server
    assert server.listening is True  # bound synchronously for an IP literal
    addr = server.address()
    assert addr["address"] == HOST and addr["family"] == "IPv4"
    assert isinstance(addr["port"], int) and 0 < addr["port"] < 65536
    server.on("listening", lambda: log.append("listening"))
    client, got = roundtrip(addr["port"])
    client.on("close", lambda e: server.close())
    run_loop()
    assert log == ["listening"]
    assert b"".join(got) == b"ping"


def test_listen_emits_listening_asynchronously():
    log = []
    server = net.create_server()
    server.listen(0, HOST, callback=lambda: log.append("cb"))
    server.on("listening", lambda: (log.append("event"), server.close()))
    assert log == []
    run_loop()
    assert log == ["cb", "event"]


def test_close_before_listening_event_suppresses_it():
    # node: emitListeningNT returns early when the handle is gone
    log = []
    server = net.create_server()
    server.listen(0, HOST, callback=lambda: log.append("cb"))
    server.on("listening", lambda: log.append("event"))
    server.close()
    run_loop()
    assert log == []


def test_listen_callback_positional_and_keyword():
    log = []
    a = net.create_server()
    a.listen(0, HOST, lambda: log.append("positional"))
    b = net.create_server()
    b.listen(0, HOST, callback=lambda: log.append("keyword"))
    c = net.create_server()
    c.listen(0, lambda: log.append("port+cb"))
    d = net.create_server()
    d.listen(lambda: log.append("cb only"))
    for s in (a, b, c, d):
        s.on("listening", lambda s=s: s.close())
    run_loop()
    assert sorted(log) == ["cb only", "keyword", "port+cb", "positional"]


def test_listen_with_backlog_positional_and_keyword():
    log = []
    a = net.create_server()
    a.listen(0, HOST, 5, lambda: log.append("a"))
    b = net.create_server()
    b.listen(port=0, host=HOST, backlog=1, callback=lambda: log.append("b"))
    c = net.create_server()
    c.listen({"port": 0, "host": HOST, "backlog": 7}, lambda: log.append("c"))
    for s in (a, b, c):
        assert s.address()["address"] == HOST
        s.on("listening", lambda s=s: s.close())
    run_loop()
    assert sorted(log) == ["a", "b", "c"]


def test_listen_no_arguments_binds_random_port_dual_stack():
    server = net.create_server(echo)
    server.listen()
    addr = server.address()
    assert addr["port"] > 0
    if HAS_IPV6:
        assert addr == {"address": "::", "family": "IPv6", "port": addr["port"]}
    client, got = roundtrip(addr["port"], "127.0.0.1")  # reachable over IPv4 too
    client.on("close", lambda e: server.close())
    run_loop()
    assert b"".join(got) == b"ping"


def test_listen_string_zero():
    server = net.create_server()
    server.listen("0", lambda: server.close())
    assert server.address()["port"] > 0
    run_loop()


@pytest.mark.parametrize("port", ["0", " 0 ", 0])
def test_listen_string_port_and_host(port):
    server = net.create_server()
    server.listen(port, HOST)
    assert server.address()["address"] == HOST
    server.close()
    run_loop()


def test_listen_string_port_number_is_that_port():
    # pick a free port, then listen on it given as a string of digits
    probe = socket.socket()
    probe.bind((HOST, 0))
    port = probe.getsockname()[1]
    probe.close()
    server = net.create_server()
    server.listen(str(port), HOST)
    assert server.address()["port"] == port
    server.close()
    run_loop()


@needs_ipv6
def test_listen_keyword_host_ipv6_random_port():
    server = net.create_server(echo)
    server.listen(host="::1")
    addr = server.address()
    assert addr["address"] == "::1" and addr["family"] == "IPv6" and addr["port"] > 0
    client, got = roundtrip(addr["port"], "::1")
    client.on("close", lambda e: server.close())
    run_loop()
    assert b"".join(got) == b"ping"
    assert client.remote_family is None or client.remote_family == "IPv6"


@needs_ipv6
def test_listen_ipv6_positional():
    server = net.create_server()
    server.listen(0, "::1")
    assert server.address()["family"] == "IPv6"
    server.close()
    run_loop()


def test_listen_dict_form_snake_and_camel():
    log = []
    a = net.create_server()
    a.listen({"port": 0, "host": HOST}, lambda: log.append("a"))
    b = net.create_server()
    b.listen({"port": 0, "host": HOST, "exclusive": True}, callback=lambda: log.append("b"))
    c = net.create_server()
    c.listen({"port": "0", "host": HOST})
    for s in (a, b, c):
        assert s.address()["address"] == HOST
        s.on("listening", lambda s=s: s.close())
    run_loop()
    assert sorted(log) == ["a", "b"]


def test_listen_kwargs_form():
    server = net.create_server()
    server.listen(port=0, host=HOST, backlog=10, exclusive=True)
    assert server.address()["address"] == HOST
    server.close()
    run_loop()


def test_listen_host_localhost_is_resolved():
    log = []
    server = net.create_server()
    server.listen(0, "localhost", callback=lambda: (log.append(server.address()), server.close()))
    run_loop()
    assert len(log) == 1
    assert log[0]["address"] in ("127.0.0.1", "::1") and log[0]["port"] > 0


def test_listen_fd_dict_form():
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.bind((HOST, 0))
    port = raw.getsockname()[1]
    fd = raw.detach()
    log = []
    server = net.create_server(echo)
    assert server.listen({"fd": fd}, lambda: log.append("listening")) is server
    assert server.address() == {"address": HOST, "family": "IPv4", "port": port}
    client, got = roundtrip(port)
    client.on("close", lambda e: server.close())
    run_loop()
    assert log == ["listening"]
    assert b"".join(got) == b"ping"


def test_listen_on_another_servers_handle():
    # node: b.listen(a) listens on a's socket: same address; connections reach one
    accepted = []
    a, port = listen_server(lambda s: (accepted.append("a"), s.end()))
    b = net.create_server(lambda s: (accepted.append("b"), s.end()))
    log = []
    assert b.listen(a, 10, lambda: log.append("b listening")) is b
    assert b.address() == a.address()
    client = net.connect(port, HOST)
    client.resume()
    client.on("close", lambda e: (a.close(), b.close()))
    run_loop()
    assert log == ["b listening"]
    assert len(accepted) == 1


@needs_ipv6
def test_ipv6_only_refuses_ipv4():
    server = net.create_server()
    server.listen({"port": 0, "host": "::", "ipv6Only": True})
    port = server.address()["port"]
    errors = []
    client = net.connect(port, "127.0.0.1")
    client.on("error", errors.append)
    client.on("close", lambda e: server.close())
    run_loop()
    assert errcode(errors[0]) == "ECONNREFUSED"


def test_address_shapes():
    server = net.create_server()
    assert server.address() is None
    server.listen(0, HOST)
    addr = server.address()
    assert set(addr) == {"address", "family", "port"}
    server.close()
    assert server.address() is None
    run_loop()
    assert server.address() is None


# -- listen errors ---------------------------------------------------------------

def test_eaddrinuse_via_error_event_and_no_close():
    first, port = listen_server()
    second = net.create_server()
    log = []
    second.on("error", lambda err: log.append(("error", err)))
    second.on("close", lambda: log.append("close"))
    second.on("listening", lambda: log.append("listening"))
    assert second.listen(port, HOST) is second
    assert log == []  # asynchronous, as node
    first.close()
    run_loop()
    assert [e[0] if isinstance(e, tuple) else e for e in log] == ["error"]
    err = log[0][1]
    assert isinstance(err, OSError)
    assert err.code == "EADDRINUSE"
    assert err.syscall == "listen"
    assert err.address == HOST
    assert err.port == port
    assert err.errno == 98 or err.errno > 0
    assert isinstance(err.strerror, str) and err.strerror
    assert second.listening is False
    assert second.address() is None


def test_listen_again_after_eaddrinuse():
    first, port = listen_server()
    second = net.create_server()
    log = []

    def on_error(err):
        log.append(err.code)
        second.listen(0, HOST, lambda: (log.append("relisten"), second.close(), first.close()))

    second.on("error", on_error)
    second.listen(port, HOST)
    run_loop()
    assert log == ["EADDRINUSE", "relisten"]


def test_eaddrinuse_without_error_listener_comes_out_of_run():
    first, port = listen_server()
    second = net.create_server()
    second.listen(port, HOST)
    with pytest.raises(OSError) as info:
        run_loop()
    assert info.value.code == "EADDRINUSE"
    first.close()
    run_loop()


def test_listen_twice_raises_err_server_already_listen():
    server, _ = listen_server()
    with pytest.raises(RuntimeError) as info:
        server.listen(0, HOST)
    assert errcode(info.value) == "ERR_SERVER_ALREADY_LISTEN"
    server.close()
    run_loop()


def test_listen_after_close_is_allowed():
    server, _ = listen_server()
    server.close()
    server.listen(0, HOST, lambda: server.close())
    run_loop()


# -- close -----------------------------------------------------------------------

def test_close_callback_and_event_once():
    log = []
    server, _ = listen_server()
    server.on("close", lambda: log.append("event"))
    assert server.close(lambda err: log.append(("cb", err))) is server
    assert server.listening is False
    run_loop()
    assert log == ["event", ("cb", None)]  # node: cb is a once('close') added by close()


def test_close_when_not_running_gives_err_server_not_running_and_close():
    # node: createServer().close(cb): 'close' emitted, cb(ERR_SERVER_NOT_RUNNING)
    log = []
    server = net.create_server()
    server.on("close", lambda: log.append("close"))
    server.close(lambda err: log.append(err))
    run_loop()
    assert log[0] == "close"
    err = log[1]
    assert isinstance(err, RuntimeError)
    assert err.code == "ERR_SERVER_NOT_RUNNING"


def test_close_twice_second_callback_gets_not_running():
    log = []
    server, _ = listen_server()
    server.close(lambda err: log.append(("first", errcode(err))))
    server.close(lambda err: log.append(("second", errcode(err))))
    run_loop()
    assert ("first", None) in log
    assert ("second", "ERR_SERVER_NOT_RUNNING") in log


def test_close_waits_for_the_last_connection():
    log = []
    conns = []

    def on_connection(sock):
        conns.append(sock)
        sock.on("end", lambda: log.append("server side end"))
        sock.on("close", lambda e: log.append("server side closed"))
        server.close(lambda err: log.append(("close cb", err)))
        # the server stops accepting at once
        late = net.connect(port, HOST)
        late.on("error", lambda err: log.append(("late", err.code)))
        late.on("close", lambda e: client.end())

    server, port = listen_server(on_connection)
    server.on("close", lambda: log.append("close"))
    client = net.connect(port, HOST)
    client.on("end", lambda: log.append("client end"))
    run_loop()
    # node: [late ECONNREFUSED, server side end, close, close cb, server side closed,
    # client end] -- the server's 'close' follows the end of its last connection
    # (node counts the connection gone at destroy(), before the socket's own 'close').
    assert log[0] == ("late", "ECONNREFUSED")
    assert log.index("server side end") < log.index("close") < log.index(("close cb", None))
    assert log.count("close") == 1
    assert "server side closed" in log and "client end" in log


def test_close_with_idle_connection_not_ending_keeps_waiting():
    # The server closes only when the client's connection ends: stop the loop from a
    # timer to check 'close' has not come, then end the client.
    log = []
    server, port = listen_server(lambda s: server.close())
    server.on("close", lambda: log.append("close"))
    client = net.connect(port, HOST)
    client.on("connect", lambda: net.set_timeout(lambda: (log.append("checkpoint"), client.end()), 30))
    run_loop()
    assert log == ["checkpoint", "close"]


# -- connections, max_connections, drop --------------------------------------------

def test_get_connections_and_connections_property():
    log = []
    sockets = []

    def on_connection(sock):
        sockets.append(sock)
        if len(sockets) == 2:
            log.append(("prop", server.connections))
            assert server.get_connections(lambda err, n: on_count(err, n)) is server

    def on_count(err, n):
        log.append(("count", err, n))
        for c in clients:
            c.end()
        server.close()

    server, port = listen_server(on_connection)
    clients = [net.connect(port, HOST) for _ in range(2)]
    run_loop()
    assert log == [("prop", 2), ("count", None, 2)]
    assert server.connections == 0


def test_max_connections_drop_event():
    log = []
    server, port = listen_server(lambda s: log.append("connection"))
    server.max_connections = 1
    assert server.maxConnections == 1

    def on_drop(info):
        log.append(("drop", info))

    server.on("drop", on_drop)
    first = net.connect(port, HOST)
    ports = []

    def connect_second():
        c2 = net.connect(port, HOST)
        c2.on("connect", lambda: ports.append(c2.local_port))
        c2.on("error", lambda err: log.append(("c2 error", err.code)))
        c2.on("close", lambda e: (first.end(), server.close()))

    first.on("connect", connect_second)
    run_loop()
    assert log[0] == "connection"
    drops = [e for e in log if isinstance(e, tuple) and e[0] == "drop"]
    assert len(drops) == 1
    info = drops[0][1]
    assert set(info) == {"local_address", "local_port", "local_family", "remote_address",
                         "remote_port", "remote_family"}
    assert info["local_address"] == HOST and info["local_port"] == port
    assert info["local_family"] == "IPv4" and info["remote_family"] == "IPv4"
    assert info["remote_address"] == HOST
    assert info["remote_port"] == ports[0]
    assert log.count("connection") == 1


def test_max_connections_zero_refuses_every_connection():
    # API.md: current Node's behaviour (node 20 still let them in)
    log = []
    server, port = listen_server(lambda s: log.append("connection"))
    server.max_connections = 0
    server.on("drop", lambda info: log.append("drop"))
    done = []

    def closed(e):
        done.append(1)
        if len(done) == 2:
            server.close()

    for _ in range(2):
        c = net.connect(port, HOST)
        c.on("error", lambda err: None)
        c.on("close", closed)
    run_loop()
    assert log == ["drop", "drop"]


def test_max_connections_none_is_unlimited():
    server = net.create_server()
    server.max_connections = 5
    server.max_connections = None
    assert server.max_connections is None


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_max_connections_bad_values(bad):
    server = net.create_server()
    with pytest.raises((TypeError, ValueError)) as info:
        server.max_connections = bad
    assert errcode(info.value) in ("ERR_OUT_OF_RANGE", "ERR_INVALID_ARG_TYPE", "ERR_INVALID_ARG_VALUE")


# -- ref / unref -------------------------------------------------------------------

def test_unrefd_listening_server_lets_run_return():
    server, _ = listen_server()
    assert server.unref() is server
    run_loop(timeout=3)
    assert server.listening
    assert server.ref() is server
    server.close()
    run_loop()


def test_unref_before_listen_applies_after():
    server = net.create_server()
    server.unref()
    server.listen(0, HOST)
    run_loop(timeout=3)
    assert server.listening
    server.close()
    run_loop()


def test_unrefd_server_still_accepts_while_loop_runs():
    log = []
    server, port = listen_server(lambda s: (log.append("connection"), s.end()))
    server.unref()
    client = net.connect(port, HOST)
    client.on("end", lambda: log.append("client end"))
    client.resume()
    run_loop()
    assert log[:1] == ["connection"]
    server.close()
    run_loop()


# -- options -----------------------------------------------------------------------

def test_pause_on_connect():
    log = []

    def on_connection(sock):
        log.append(("paused", sock.is_paused()))
        sock.on("data", lambda d: log.append(("data", d)))
        net.set_timeout(lambda: (log.append("resume"), sock.resume()), 30)
        sock.on("end", lambda: (sock.end(), server.close()))

    server, port = listen_server(on_connection, pause_on_connect=True)
    client = net.connect(port, HOST)
    client.end(b"hi")
    run_loop()
    assert log == [("paused", True), "resume", ("data", b"hi")]


def test_allow_half_open_server_can_write_after_client_ends():
    log = []

    def on_connection(sock):
        def on_end():
            log.append(("server writable after end", sock.writable))
            sock.write(b"late reply")
            net.set_timeout(lambda: sock.end(b" done"), 5)
        sock.on("end", on_end)
        sock.resume()

    server, port = listen_server(on_connection, allow_half_open=True)
    client = net.connect(port, HOST, allow_half_open=True)
    got = []
    client.on("data", got.append)
    client.on("close", lambda e: server.close())
    client.end(b"bye")
    run_loop()
    assert log == [("server writable after end", True)]
    assert b"".join(got) == b"late reply done"


def test_without_allow_half_open_server_socket_ends_automatically():
    log = []

    def on_connection(sock):
        sock.on("end", lambda: log.append("server end"))
        sock.on("finish", lambda: log.append("server finish"))
        sock.on("close", lambda e: log.append("server close"))
        sock.resume()

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST, allow_half_open=True)
    client.on("end", lambda: (log.append("client end"), server.close()))
    client.end()
    client.resume()
    run_loop()
    assert "server end" in log and "server finish" in log and "client end" in log


def test_no_delay_and_keep_alive_options_accepted():
    def on_connection(sock):
        sock.end(b"ok")

    server, port = listen_server(on_connection, no_delay=True, keep_alive=True,
                                 keep_alive_initial_delay=1000)
    client, got = roundtrip(port, payload=b"")
    client.on("close", lambda e: server.close())
    run_loop()
    assert b"".join(got) == b"ok"


def _accepted_options(n, **options):
    """(TCP_NODELAY, SO_KEEPALIVE) of each of n connections the server accepts,
    read from the kernel."""
    seen = []

    def on_connection(sock):
        with socket.socket(fileno=os.dup(sock.fileno())) as raw:
            seen.append((raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
                         raw.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0))
        sock.end()
        if len(seen) == n:
            server.close()

    server, port = listen_server(on_connection, **options)
    for _ in range(n):
        net.connect(port, HOST).resume()
    run_loop()
    return seen


@pytest.mark.parametrize("no_delay", [True, False])
def test_no_delay_reaches_every_accepted_socket(no_delay):
    # The first accepted socket is checked, the rest rely on what it showed (pn_accept).
    assert _accepted_options(4, no_delay=no_delay) == [(no_delay, False)] * 4


def test_keep_alive_reaches_every_accepted_socket():
    assert _accepted_options(3, keep_alive=True) == [(False, True)] * 3


def test_high_water_mark_option_reaches_accepted_sockets():
    seen = []

    def on_connection(sock):
        seen.append((sock.writable_high_water_mark, sock.readable_high_water_mark))
        sock.end()

    server, port = listen_server(on_connection, high_water_mark=1234)
    client = net.connect(port, HOST)
    client.resume()
    client.on("close", lambda e: server.close())
    run_loop()
    assert seen == [(1234, 1234)]


def test_accepted_sockets_are_independent_fresh_sockets():
    # Accepted sockets start as copies of one never-opened socket (Socket._fresh_copy):
    # each must have its own listeners and state, whatever the earlier ones did.
    def state(sock):
        return (sock.listener_count("data"), sock.listener_count("end"), sock.readable_flowing,
                sock.bytes_read, sock.writable_length, sock.timeout, sock.allow_half_open,
                sock.readable_high_water_mark, sock.destroyed, sock.closed)

    fresh = net.Socket(allow_half_open=True, high_water_mark=99)
    expected = (0, 0, None, 0, 0, None, True, 99, False, False)
    assert state(fresh) == expected
    seen, got = [], []

    def on_connection(sock):
        seen.append(state(sock))
        sock.on("data", got.append)  # only this socket's listener
        sock.on("end", sock.end)
        sock.set_timeout(5000)
        if len(seen) == 3:
            server.close()

    server, port = listen_server(on_connection, allow_half_open=True, high_water_mark=99)
    clients = []
    for i in range(3):
        client = net.connect(port, HOST)
        client.end(b"%d" % i)
        client.resume()
        clients.append(client)
    run_loop()
    assert seen == [expected] * 3
    assert sorted(got) == [b"0", b"1", b"2"]
    assert state(server._fresh_socket) == expected  # the prototype itself is untouched


def test_accepted_socket_addresses():
    seen = []

    def on_connection(sock):
        seen.append((sock.remote_address, sock.remote_port, sock.remote_family,
                     sock.local_address, sock.local_port, sock.local_family))
        sock.end()

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    client.resume()
    ports = []
    client.on("connect", lambda: ports.append(client.local_port))
    client.on("close", lambda e: server.close())
    run_loop()
    assert seen == [(HOST, ports[0], "IPv4", HOST, port, "IPv4")]


# -- context manager, aliases --------------------------------------------------------

def test_context_manager_closes_on_exit():
    log = []
    with net.create_server() as server:
        server.listen(0, HOST)
        server.on("close", lambda: log.append("close"))
        assert server.listening
    assert not server.listening
    run_loop()
    assert log == ["close"]


def test_context_manager_not_listening_is_fine():
    with net.create_server() as server:
        pass
    run_loop()
    assert server.listening is False


def test_camel_case_aliases_are_the_same_objects():
    assert net.createServer is net.create_server
    assert net.Server.getConnections is net.Server.get_connections
    assert net.Server.maxConnections is net.Server.max_connections
    server = net.create_server()
    server.maxConnections = 3
    assert server.max_connections == 3


def test_server_is_an_event_emitter():
    assert isinstance(net.create_server(), net.EventEmitter)
