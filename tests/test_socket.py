"""net.Socket and net.connect: connect forms, lookup, local address, errors,
events, properties through the socket's life, options, fd sockets, aliases.

Expectations checked with node 20 (JS quoted where it helps)."""
from __future__ import annotations

import socket

import pytest

import pyuv_net as net

from conftest import HOST, errcode, listen_server, needs_ipv6, run_loop

pytestmark = pytest.mark.timeout(10)


def free_port(host=HOST):
    probe = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    probe.bind((host, 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def echo_server():
    return listen_server(lambda s: s.pipe(s))


def talk(client, server, payload=b"hello"):
    """Sends `payload` over `client` to an echo server, ends, closes the server when
    the client closes; returns the list the echoed chunks land in."""
    got = []
    client.on("data", got.append)
    client.on("close", lambda had_error: server.close())
    client.end(payload)
    return got


# -- connect forms ----------------------------------------------------------------

def test_connect_port_and_host():
    server, port = echo_server()
    client = net.connect(port, HOST)
    assert isinstance(client, net.Socket)
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"


def test_connect_port_only_defaults_to_localhost():
    server, port = echo_server()
    log = []
    client = net.connect(port)
    client.on("lookup", lambda err, address, family, host: log.append((err, address, family, host)))
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"
    assert log and log[0][0] is None and log[0][3] == "localhost"
    assert all(isinstance(entry[2], int) and entry[2] in (4, 6) for entry in log)


@pytest.mark.parametrize("port_form", [str, lambda p: " %d " % p])
def test_connect_string_port(port_form):
    server, port = echo_server()
    client = net.connect(port_form(port), HOST)
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"


@pytest.mark.parametrize("make_options", [
    lambda p: {"port": p, "host": HOST},
    lambda p: {"port": str(p), "host": HOST},
    lambda p: {"port": p, "host": HOST, "localAddress": HOST, "allowHalfOpen": False, "noDelay": True,
               "keepAlive": True, "keepAliveInitialDelay": 1000},
    lambda p: {"port": p, "host": HOST, "local_address": HOST, "allow_half_open": False,
               "no_delay": True, "keep_alive": True},
], ids=["dict", "dict-str-port", "dict-camel", "dict-snake"])
def test_connect_dict_forms(make_options):
    server, port = echo_server()
    client = net.connect(make_options(port))
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"


def test_connect_kwargs_form():
    server, port = echo_server()
    client = net.connect(port=port, host=HOST, no_delay=True, keep_alive=True, timeout=5000)
    assert client.timeout == 5000
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"


def test_create_connection_is_connect():
    assert net.create_connection is net.connect
    assert net.createConnection is net.connect


@pytest.mark.parametrize("form", ["positional", "after-dict", "keyword", "kwargs-keyword"])
def test_connect_callback_forms(form):
    server, port = echo_server()
    log = []
    cb = lambda: log.append("connected")  # noqa: E731
    if form == "positional":
        client = net.connect(port, HOST, cb)
    elif form == "after-dict":
        client = net.connect({"port": port, "host": HOST}, cb)
    elif form == "keyword":
        client = net.connect(port, HOST, connect_listener=cb)
    else:
        client = net.connect(port=port, host=HOST, connect_listener=cb)
    talk(client, server)
    run_loop()
    assert log == ["connected"]


def test_socket_connect_method_returns_the_socket():
    server, port = echo_server()
    client = net.Socket()
    log = []
    assert client.connect(port, HOST, lambda: log.append("cb")) is client
    got = talk(client, server)
    run_loop()
    assert log == ["cb"]
    assert b"".join(got) == b"hello"


@needs_ipv6
def test_connect_ipv6_loopback():
    server, port = listen_server(lambda s: s.pipe(s), host="::1")
    client = net.connect(port, "::1")
    info = []
    client.on("connect", lambda: info.append((client.remote_address, client.remote_family,
                                              client.local_family)))
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"
    assert info == [("::1", "IPv6", "IPv6")]


# -- lookup --------------------------------------------------------------------

def test_lookup_event_for_localhost_with_family_4():
    server, port = echo_server()
    log = []
    client = net.connect(port, "localhost", family=4)
    client.on("lookup", lambda *a: log.append(("lookup",) + a))
    client.on("connect", lambda: log.append("connect"))
    talk(client, server)
    run_loop()
    assert log == [("lookup", None, "127.0.0.1", 4, "localhost"), "connect"]


def test_no_lookup_event_for_ip_literal():
    # node: an IP literal host skips dns.lookup, no 'lookup' event
    server, port = echo_server()
    log = []
    client = net.connect(port, HOST)
    client.on("lookup", lambda *a: log.append("lookup"))
    client.on("connect", lambda: log.append("connect"))
    talk(client, server)
    run_loop()
    assert log == ["connect"]


def test_custom_lookup_single_answer():
    server, port = echo_server()
    calls = []

    def my_lookup(host, options, cb):
        calls.append((host, dict(options)))
        net.set_timeout(cb, 1, None, "127.0.0.1", 4)  # answers asynchronously

    log = []
    client = net.connect(port=port, host="my.example", family=4, lookup=my_lookup)
    client.on("lookup", lambda *a: log.append(a))
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"
    assert len(calls) == 1
    host, options = calls[0]
    assert host == "my.example"
    assert options["family"] == 4
    assert not options.get("all")
    assert log == [(None, "127.0.0.1", 4, "my.example")]


def test_custom_lookup_all_answer():
    server, port = echo_server()
    calls = []

    def my_lookup(host, options, cb):
        calls.append(dict(options))
        assert options["all"]
        net.set_immediate(cb, None, [{"address": "127.0.0.1", "family": 4}])

    log = []
    client = net.connect(port=port, host="my.example", lookup=my_lookup)  # auto_select_family
    client.on("lookup", lambda *a: log.append(a))
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"
    assert calls and calls[0]["all"]
    assert log == [(None, "127.0.0.1", 4, "my.example")]


@needs_ipv6
def test_custom_lookup_family_6():
    server, port = listen_server(lambda s: s.pipe(s), host="::1")
    seen = []

    def my_lookup(host, options, cb):
        seen.append(options["family"])
        net.set_immediate(cb, None, "::1", 6)

    client = net.connect(port=port, host="six.example", family=6, lookup=my_lookup)
    fam = []
    client.on("connect", lambda: fam.append(client.remote_family))
    got = talk(client, server)
    run_loop()
    assert seen == [6]
    assert fam == ["IPv6"]
    assert b"".join(got) == b"hello"


def test_custom_lookup_error_destroys_with_it():
    errors = []
    failure = OSError("no such host")
    failure.code = "ENOTFOUND"

    def my_lookup(host, options, cb):
        net.set_immediate(cb, failure, None, None)

    client = net.connect(port=80, host="x.example", family=4, lookup=my_lookup)
    log = []
    client.on("lookup", lambda err, *rest: log.append(("lookup", err is failure)))
    client.on("error", errors.append)
    client.on("close", lambda had_error: log.append(("close", had_error)))
    run_loop()
    assert errors == [failure]
    assert log == [("lookup", True), ("close", True)]


def test_family_4_with_localhost():
    server, port = echo_server()
    client = net.connect(port=port, host="localhost", family=4)
    fam = []
    client.on("connect", lambda: fam.append(client.remote_family))
    talk(client, server)
    run_loop()
    assert fam == ["IPv4"]


# -- local address ----------------------------------------------------------------

def test_local_address_and_local_port():
    server, port = echo_server()
    lport = free_port()
    client = net.connect(port=port, host=HOST, local_address=HOST, local_port=lport)
    seen = []
    server.on("connection", lambda s: seen.append((s.remote_address, s.remote_port)))
    client.on("connect", lambda: seen.append((client.local_address, client.local_port)))
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"
    assert (HOST, lport) in seen
    assert seen.count((HOST, lport)) == 2


def test_local_address_camel_case_dict():
    server, port = echo_server()
    client = net.connect({"port": port, "host": HOST, "localAddress": HOST})
    seen = []
    client.on("connect", lambda: seen.append(client.local_address))
    talk(client, server)
    run_loop()
    assert seen == [HOST]


# -- connect errors ---------------------------------------------------------------

def test_econnrefused():
    port = free_port()
    log = []
    client = net.connect(port, HOST)
    client.on("connect", lambda: log.append("connect"))
    client.on("error", lambda err: log.append(err))
    client.on("close", lambda had_error: log.append(("close", had_error)))
    run_loop()
    err = log[0]
    assert isinstance(err, ConnectionRefusedError)
    assert err.code == "ECONNREFUSED"
    assert err.syscall == "connect"
    assert err.address == HOST
    assert err.port == port
    assert err.errno > 0 and isinstance(err.strerror, str)
    assert log[1:] == [("close", True)]
    assert client.destroyed


def test_econnrefused_without_error_listener_comes_out_of_run():
    net.connect(free_port(), HOST)
    with pytest.raises(ConnectionRefusedError):
        run_loop()
    run_loop()


def test_enotfound_is_gaierror_with_hostname():
    log = []
    client = net.connect(80, "nonexistent.invalid")
    client.on("lookup", lambda err, *rest: log.append(("lookup", errcode(err))))
    client.on("error", lambda err: log.append(err))
    client.on("close", lambda had_error: log.append(("close", had_error)))
    run_loop(timeout=8)
    errs = [e for e in log if isinstance(e, BaseException)]
    assert len(errs) == 1
    err = errs[0]
    assert isinstance(err, socket.gaierror)
    assert isinstance(err, OSError)
    assert err.code == "ENOTFOUND"
    assert err.syscall == "getaddrinfo"
    assert err.hostname == "nonexistent.invalid"
    assert ("lookup", "ENOTFOUND") in log
    assert log[-1] == ("close", True)


# -- events ------------------------------------------------------------------------

def test_connect_then_ready():
    server, port = echo_server()
    log = []
    client = net.connect(port, HOST, lambda: log.append("cb"))
    client.on("connect", lambda: log.append("connect"))
    client.on("ready", lambda: log.append("ready"))
    talk(client, server)
    run_loop()
    assert log == ["cb", "connect", "ready"]


def test_close_false_after_clean_exchange_and_end_finish():
    server, port = echo_server()
    log = []
    client = net.connect(port, HOST)
    for ev in ("end", "finish"):
        client.on(ev, lambda ev=ev: log.append(ev))
    client.on("close", lambda had_error: log.append(("close", had_error)))
    talk(client, server)
    run_loop()
    assert sorted(log[:2]) == ["end", "finish"]
    assert log[2:] == [("close", False)]


# -- properties over the life of a socket --------------------------------------------

def test_properties_of_a_new_socket():
    # node: new net.Socket(): connecting false, pending true, readyState 'open',
    # remote*/local* undefined, bytes 0, timeout undefined, readable/writable true,
    # address() {}
    s = net.Socket()
    assert s.connecting is False
    assert s.pending is True
    assert s.ready_state == "open"
    assert s.remote_address is None and s.remote_port is None and s.remote_family is None
    assert s.local_address is None and s.local_port is None and s.local_family is None
    assert s.bytes_read == 0 and s.bytes_written == 0
    assert s.timeout is None
    assert s.readable is True and s.writable is True
    assert s.destroyed is False
    assert s.address() == {}
    assert s.fileno() == -1
    s.destroy()
    run_loop()


def test_properties_while_connecting_connected_and_after_destroy():
    server, port = listen_server(lambda s: (s.resume(), s.on("end", lambda: s.end(b"0123456789"))))
    client = net.connect(port, HOST)
    snap = {}

    def take(tag):
        s = client
        snap[tag] = dict(connecting=s.connecting, pending=s.pending, ready_state=s.ready_state,
                         remote=(s.remote_address, s.remote_port, s.remote_family),
                         local=(s.local_address, s.local_port, s.local_family),
                         bytes=(s.bytes_read, s.bytes_written), readable=s.readable,
                         writable=s.writable, destroyed=s.destroyed, address=s.address())

    take("connecting")

    def on_connect():
        take("connected")
        client.write(b"abcde")
        take("written")
        client.end()

    client.on("connect", on_connect)
    client.on("ready", lambda: take("ready"))
    client.on("data", lambda d: None)
    client.on("end", lambda: take("end"))

    def on_close(had_error):
        take("close")
        server.close()

    client.on("close", on_close)
    run_loop()

    c = snap["connecting"]
    assert c["connecting"] is True and c["pending"] is True and c["ready_state"] == "opening"
    assert c["remote"] == (None, None, None)
    assert c["bytes"] == (0, 0) and c["destroyed"] is False

    k = snap["connected"]
    assert k["connecting"] is False and k["pending"] is False and k["ready_state"] == "open"
    assert k["remote"] == (HOST, port, "IPv4")
    assert k["local"][0] == HOST and isinstance(k["local"][1], int) and k["local"][2] == "IPv4"
    assert k["address"] == {"address": HOST, "family": "IPv4", "port": k["local"][1]}
    assert k["readable"] and k["writable"]

    assert snap["written"]["bytes"] == (0, 5)
    # node: end() was called before 'ready' -> readOnly
    assert snap["ready"]["ready_state"] == "readOnly"
    assert snap["ready"]["writable"] is False
    e = snap["end"]
    assert e["bytes"] == (10, 5) and e["readable"] is False and e["ready_state"] == "closed"

    z = snap["close"]
    assert z["destroyed"] is True and z["pending"] is True and z["ready_state"] == "closed"
    assert z["readable"] is False and z["writable"] is False
    assert z["bytes"] == (10, 5)
    assert z["remote"] == (HOST, port, "IPv4")  # node keeps the peer name
    assert client.fileno() == -1


def test_local_name_forgotten_after_destroy():
    # node: Socket._destroy() sets this._sockname = null, so after 'close' (even when
    # localAddress was read while connected) localAddress/localPort/localFamily are
    # undefined and address() is {}; the peer name, once read, is kept (_peername).
    server, port = echo_server()
    client = net.connect(port, HOST)
    seen = {}
    client.on("connect", lambda: seen.update(connected=(client.local_address, client.local_port,
                                                        client.remote_address)))
    client.on("close", lambda had_error: seen.update(
        closed=(client.local_address, client.local_port, client.local_family, client.address()),
        remote=client.remote_address))
    talk(client, server)
    run_loop()
    assert seen["connected"][0] == HOST
    assert seen["remote"] == HOST
    assert seen["closed"] == (None, None, None, {})


def test_timeout_property():
    s = net.Socket()
    assert s.timeout is None
    assert s.set_timeout(5000) is s
    assert s.timeout == 5000
    s.destroy()
    run_loop()


def test_setters_return_the_socket():
    server, port = echo_server()
    client = net.connect(port, HOST)
    assert client.set_no_delay() is client
    assert client.set_no_delay(False) is client
    assert client.set_keep_alive(True, 1000) is client
    assert client.set_keep_alive() is client
    assert client.unref() is client
    assert client.ref() is client
    assert client.set_timeout(0) is client

    def on_connect():
        assert client.set_no_delay(True) is client
        assert client.set_keep_alive(True, 500) is client
        assert client.setNoDelay(False) is client
        assert client.setKeepAlive(False) is client

    client.on("connect", on_connect)
    talk(client, server)
    run_loop()


def test_fileno():
    server, port = echo_server()
    client = net.connect(port, HOST)
    fds = []
    client.on("connect", lambda: fds.append(client.fileno()))
    talk(client, server)
    run_loop()
    assert fds and fds[0] >= 0
    assert client.fileno() == -1


def test_unrefd_socket_lets_run_return():
    # the accepted socket is referenced too (as in node), so unref it as well
    server, port = listen_server(lambda s: (s.resume(), s.unref()))
    server.unref()
    client = net.connect(port, HOST)
    client.unref()
    run_loop(timeout=3)
    client.ref()
    client.on("close", lambda e: server.close())
    client.end()
    run_loop()


# -- ending and destroying --------------------------------------------------------

def test_reset_and_destroy_peer_sees_econnreset():
    log = []

    def on_connection(sock):
        sock.resume()
        sock.on("error", lambda err: log.append(("server error", err)))
        sock.on("close", lambda had_error: (log.append(("server close", had_error)), server.close()))

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    ret = []
    client.on("connect", lambda: ret.append(client.reset_and_destroy()))
    client.on("close", lambda had_error: log.append(("client close", had_error)))
    run_loop()
    assert ret == [client]
    assert ("client close", False) in log
    errs = [e for e in log if e[0] == "server error"]
    assert len(errs) == 1
    err = errs[0][1]
    assert isinstance(err, ConnectionResetError)
    assert err.code == "ECONNRESET"
    assert err.syscall == "read"
    assert ("server close", True) in log


def test_reset_and_destroy_while_connecting_waits_for_connect():
    log = []

    def on_connection(sock):
        sock.resume()
        sock.on("error", lambda err: log.append(err.code))
        sock.on("close", lambda e: server.close())

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    client.reset_and_destroy()
    client.on("close", lambda had_error: log.append(("client close", had_error)))
    run_loop()
    assert "ECONNRESET" in log
    assert ("client close", False) in log


def test_destroy_during_connect_ip_literal():
    server, port = echo_server()
    log = []
    client = net.connect(port, HOST)
    client.on("connect", lambda: log.append("connect"))
    client.on("close", lambda had_error: log.append(("close", had_error)))
    assert client.destroy() is client
    assert client.connecting is False
    assert client.destroyed is True
    server.close()
    run_loop()
    assert log == [("close", False)]


def test_destroy_during_lookup():
    # node: destroy() from the 'lookup' listener -> 'close'(false), no 'connect'
    server, port = echo_server()
    log = []
    client = net.connect(port, "localhost", family=4)
    client.on("lookup", lambda *a: (log.append("lookup"), client.destroy()))
    client.on("connect", lambda: log.append("connect"))
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    run_loop()
    assert log == ["lookup", ("close", False)]


def test_destroy_with_error_emits_error_then_close_true():
    server, port = echo_server()
    log = []
    mine = ValueError("mine")
    client = net.connect(port, HOST)
    client.on("error", lambda err: log.append(("error", err)))
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    client.destroy(mine)
    run_loop()
    assert log == [("error", mine), ("close", True)]


def test_destroy_connected_with_error():
    server, port = echo_server()
    log = []
    mine = RuntimeError("oops")
    client = net.connect(port, HOST)
    client.on("connect", lambda: client.destroy(mine))
    client.on("error", lambda err: log.append(("error", err)))
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    run_loop()
    assert log == [("error", mine), ("close", True)]
    assert client.destroyed


def test_destroy_twice_and_close_once():
    server, port = echo_server()
    log = []
    client = net.connect(port, HOST)
    client.on("close", lambda e: log.append(e))
    client.on("connect", lambda: (client.destroy(), client.destroy(), server.close()))
    run_loop()
    assert log == [False]


def test_destroy_soon_sends_everything_first():
    received = []

    def on_connection(sock):
        sock.on("data", received.append)
        sock.on("end", lambda: (sock.end(), server.close()))

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    payload = bytes(range(256)) * 4096  # 1 MiB
    client.write(payload)
    log = []
    client.on("finish", lambda: log.append("finish"))
    client.on("close", lambda had_error: log.append(("close", had_error)))
    client.destroy_soon()
    run_loop()
    assert b"".join(received) == payload
    assert log == ["finish", ("close", False)]


# -- sockets from descriptors ----------------------------------------------------

def test_socket_from_fd_socketpair():
    a, b = socket.socketpair()
    left = net.Socket(fd=a.detach())
    right = net.Socket(fd=b)  # a socket.socket is accepted (and detached)
    assert b.fileno() == -1
    assert left.readable and left.writable
    got = []
    right.on("data", got.append)
    right.on("end", right.end)
    left.on("end", lambda: None)
    left.resume()
    closed = []
    left.on("close", closed.append)
    right.on("close", closed.append)
    left.end(b"over the pair")
    run_loop()
    assert b"".join(got) == b"over the pair"
    assert closed == [False, False]


def test_socket_from_tcp_socket_object():
    server, port = echo_server()
    raw = socket.create_connection((HOST, port))
    client = net.Socket(fd=raw)
    assert raw.fileno() == -1
    assert client.remote_address == HOST and client.remote_port == port
    got = talk(client, server)
    run_loop()
    assert b"".join(got) == b"hello"


def test_socket_options_dict_with_fd():
    a, b = socket.socketpair()
    left = net.Socket({"fd": a.detach(), "allowHalfOpen": True})
    assert left.allow_half_open is True
    right = net.Socket(fd=b.detach())
    got = []
    right.on("data", got.append)
    right.on("end", right.end)
    left.resume()
    left.end(b"x")
    run_loop()
    assert got == [b"x"]


def test_connect_with_fd_option():
    a, b = socket.socketpair()
    left = net.connect(fd=a.detach())
    right = net.Socket(fd=b.detach())
    got = []
    right.on("data", got.append)
    right.on("end", right.end)
    left.resume()
    left.end(b"via connect(fd=)")
    run_loop()
    assert b"".join(got) == b"via connect(fd=)"


# -- context manager, aliases --------------------------------------------------------

def test_context_manager_destroys_on_exit():
    server, port = echo_server()
    log = []
    with net.connect(port, HOST) as client:
        client.on("close", lambda had_error: (log.append(had_error), server.close()))
        assert not client.destroyed
    assert client.destroyed
    run_loop()
    assert log == [False]


def test_camel_case_aliases_are_the_same_objects():
    S = net.Socket
    pairs = [
        ("setNoDelay", "set_no_delay"), ("setKeepAlive", "set_keep_alive"),
        ("setTimeout", "set_timeout"), ("setEncoding", "set_encoding"),
        ("destroySoon", "destroy_soon"), ("resetAndDestroy", "reset_and_destroy"),
        ("isPaused", "is_paused"), ("bytesRead", "bytes_read"), ("bytesWritten", "bytes_written"),
        ("bufferSize", "buffer_size"), ("writableLength", "writable_length"),
        ("remoteAddress", "remote_address"), ("remotePort", "remote_port"),
        ("remoteFamily", "remote_family"), ("localAddress", "local_address"),
        ("localPort", "local_port"), ("localFamily", "local_family"), ("readyState", "ready_state"),
    ]
    for camel, snake in pairs:
        assert getattr(S, camel) is getattr(S, snake), camel
    assert net.Stream is net.Socket


def test_camel_case_property_values_match():
    s = net.Socket()
    assert s.bytesRead == s.bytes_read == 0
    assert s.readyState == s.ready_state
    s.destroy()
    run_loop()


def test_socket_is_an_event_emitter():
    s = net.Socket()
    assert isinstance(s, net.EventEmitter)
    s.destroy()
    run_loop()
