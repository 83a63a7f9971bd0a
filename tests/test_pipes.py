"""Local sockets (uv_pipe_t): Unix domain sockets here, named pipes on Windows.

listen(path) and its forms, connect(path) and its forms, address(), the socket
file's life (mode bits with readable_all / writable_all, unlinked on close, an
existing path is EADDRINUSE and is left alone), connect errors, over-long paths
(ENAMETOOLONG, never truncation), and the stream semantics of TCP over a local
socket (echo, half-close, pipe(), pause/resume and backpressure, large transfers,
destroy, timeout).

Expected behaviour was checked against node 20 (the JS is quoted where it helps).
Tests that only make sense on one platform skip on the others with a reason.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import stat
import sys
import tempfile
import threading
import uuid

import pytest

import pyuv_net as net

from conftest import errcode, run_loop

pytestmark = pytest.mark.timeout(30)

IS_WINDOWS = sys.platform == "win32"
IS_LINUX = sys.platform.startswith("linux")
posix_only = pytest.mark.skipif(IS_WINDOWS, reason="Unix domain socket files (POSIX only)")
linux_only = pytest.mark.skipif(not IS_LINUX, reason="Linux-specific local-socket behaviour")
windows_only = pytest.mark.skipif(not IS_WINDOWS, reason="Windows named pipes")

# sizeof(sockaddr_un.sun_path) - 1 (the terminating NUL): the longest path libuv binds.
SUN_PATH_MAX = 107 if IS_LINUX else 103


@pytest.fixture(autouse=True)
def _pipes_clean_loop():
    """Every test runs on a fresh default loop and must leave no handle open."""
    yield
    leaked = net.active_handles()
    try:
        net.get_loop().close()
    except Exception:  # pragma: no cover
        pass
    assert leaked == 0, "%d handle(s) still open after the test" % leaked


@pytest.fixture
def pipe_dir():
    """A short fresh directory (pytest's tmp_path can exceed sun_path)."""
    d = tempfile.mkdtemp(prefix="pn-")
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def sock_path(pipe_dir):
    if IS_WINDOWS:
        return r"\\.\pipe\pyuv_net-test-" + uuid.uuid4().hex
    return os.path.join(pipe_dir, "s.sock")


def echo(sock):
    sock.pipe(sock)


def roundtrip(path, payload=b"ping", **connect_options):
    """A client that sends `payload`, ends and collects the reply (run the loop)."""
    got = []
    client = net.connect(path, **connect_options)
    client.on("data", got.append)
    client.end(payload)
    return client, got


def close_after(client, *servers):
    client.on("close", lambda had_error: [s.close() for s in servers])


# -- listen forms and address() --------------------------------------------------------

@pytest.mark.parametrize("form", ["positional", "positional-backlog-cb", "dict", "keyword",
                                  "dict-and-cb"])
def test_listen_forms(form, sock_path):
    log = []
    server = net.create_server(echo)
    cb = lambda: log.append("cb")  # noqa: E731
    if form == "positional":
        ret = server.listen(sock_path, callback=cb)
    elif form == "positional-backlog-cb":
        ret = server.listen(sock_path, 16, cb)
    elif form == "dict":
        ret = server.listen({"path": sock_path}, callback=cb)
    elif form == "keyword":
        ret = server.listen(path=sock_path, callback=cb)
    else:
        ret = server.listen({"path": sock_path, "backlog": 8}, cb)
    assert ret is server
    # node: listening and address() are set synchronously for a path
    assert server.listening is True
    assert server.address() == sock_path
    assert log == []  # 'listening' comes later
    client, got = roundtrip(sock_path)
    close_after(client, server)
    run_loop()
    assert log == ["cb"]
    assert b"".join(got) == b"ping"
    assert server.listening is False


@posix_only
def test_address_keeps_the_path_after_close_and_after_a_failed_listen(pipe_dir, sock_path):
    # node 20 keeps a local server's path (server._pipeName) once listen(path) was
    # called: address() still returns it after close() and after EADDRINUSE (a TCP
    # server's address() is null then).
    #   s.listen(p, () => s.close(() => s.address()))   // -> p
    #   e.on('error', () => e.address()); e.listen(dir) // -> dir
    log = []
    server = net.create_server()
    server.listen(sock_path, callback=lambda: server.close(
        lambda err: log.append(("after close", server.address(), server.listening))))
    busy = net.create_server()
    busy.on("error", lambda e: log.append(("after error", busy.address(), busy.listening)))
    busy.listen(pipe_dir)
    run_loop()
    assert sorted(log) == [("after close", sock_path, False), ("after error", pipe_dir, False)]


def test_listening_event_comes_after_listen_returns(sock_path):
    log = []
    server = net.create_server()
    server.on("listening", lambda: (log.append(("listening", server.address())), server.close()))
    server.listen(sock_path)
    log.append("returned")
    run_loop()
    assert log == ["returned", ("listening", sock_path)]


@pytest.mark.parametrize("form", ["positional", "positional-cb", "dict", "dict-cb", "keyword",
                                  "create_connection", "Socket.connect", "Socket.connect-dict",
                                  "createConnection-camel"])
def test_connect_forms(form, sock_path):
    server = net.create_server(echo)
    server.listen(sock_path)
    log = []
    cb = lambda: log.append("connect cb")  # noqa: E731
    if form == "positional":
        client = net.connect(sock_path)
    elif form == "positional-cb":
        client = net.connect(sock_path, cb)
    elif form == "dict":
        client = net.connect({"path": sock_path})
    elif form == "dict-cb":
        client = net.connect({"path": sock_path}, cb)
    elif form == "keyword":
        client = net.connect(path=sock_path)
    elif form == "create_connection":
        client = net.create_connection(sock_path, cb)
    elif form == "Socket.connect":
        client = net.Socket()
        assert client.connect(sock_path, cb) is client
    elif form == "Socket.connect-dict":
        client = net.Socket()
        assert client.connect({"path": sock_path}) is client
    else:
        client = net.createConnection({"path": sock_path}, cb)
    assert isinstance(client, net.Socket)
    client.on("connect", lambda: log.append("connect"))
    got = []
    client.on("data", got.append)
    client.end(b"form " + form.encode())
    close_after(client, server)
    run_loop()
    if form.endswith("cb") or form in ("create_connection", "Socket.connect",
                                       "createConnection-camel"):
        assert log == ["connect cb", "connect"]
    else:
        assert log == ["connect"]
    assert b"".join(got) == b"form " + form.encode()


def test_path_wins_over_port_in_connect_options(sock_path):
    # node: connect({path, port}) connects to the path
    server = net.create_server(echo)
    server.listen(sock_path)
    client, got = roundtrip({"path": sock_path, "port": 1})
    close_after(client, server)
    run_loop()
    assert b"".join(got) == b"ping"


def test_connection_state_and_addresses(sock_path):
    # node: remoteAddress / remotePort / remoteFamily / localAddress / localPort are
    # undefined on both ends of a local socket; address() is {}.
    seen = {}

    def on_connection(s):
        seen["server"] = (s.remote_address, s.remote_port, s.remote_family, s.local_address,
                          s.local_port, s.address(), s.ready_state)
        s.end()

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    seen["connecting"] = (client.connecting, client.pending, client.ready_state)

    def on_connect():
        seen["client"] = (client.remote_address, client.remote_port, client.remote_family,
                          client.local_address, client.local_port, client.address(),
                          client.ready_state, client.connecting, client.pending)
    client.on("connect", on_connect)
    client.resume()
    close_after(client, server)
    run_loop()
    assert seen["connecting"] == (True, True, "opening")
    assert seen["server"] == (None, None, None, None, None, {}, "open")
    assert seen["client"] == (None, None, None, None, None, {}, "open", False, False)


def test_fileno_of_local_server_and_sockets(sock_path):
    fds = {}

    def on_connection(s):
        fds["conn"] = s.fileno()
        s.end()

    server = net.create_server(on_connection)
    assert server.fileno() == -1
    server.listen(sock_path)
    fds["server"] = server.fileno()
    client = net.connect(sock_path)
    client.on("connect", lambda: fds.__setitem__("client", client.fileno()))
    client.resume()
    close_after(client, server)
    run_loop()
    assert all(isinstance(v, int) and v >= 0 for v in fds.values()), fds
    assert len(set(fds.values())) == 3
    assert server.fileno() == -1 and client.fileno() == -1


@posix_only
def test_relative_path_is_kept_as_given(pipe_dir, monkeypatch):
    monkeypatch.chdir(pipe_dir)
    server = net.create_server(echo)
    server.listen("rel.sock")
    assert server.address() == "rel.sock"
    assert stat.S_ISSOCK(os.stat(os.path.join(pipe_dir, "rel.sock")).st_mode)
    client, got = roundtrip("rel.sock")
    close_after(client, server)
    run_loop()
    assert b"".join(got) == b"ping"


@windows_only
def test_windows_named_pipe_echo():
    name = r"\\.\pipe\pyuv_net-test-" + uuid.uuid4().hex
    server = net.create_server(echo)
    server.listen(name)
    assert server.address() == name
    client, got = roundtrip(name)
    close_after(client, server)
    run_loop()
    assert b"".join(got) == b"ping"


# -- the socket file -----------------------------------------------------------------

@posix_only
def test_socket_file_exists_while_listening_and_is_removed_on_close(sock_path):
    log = []
    server = net.create_server()
    server.listen(sock_path)
    assert stat.S_ISSOCK(os.stat(sock_path).st_mode)
    server.close(lambda err: log.append(("closed", err, os.path.exists(sock_path))))
    run_loop()
    assert log == [("closed", None, False)]


@posix_only
def test_close_with_an_open_connection_unlinks_at_once(sock_path):
    # node: after server.close() the file is gone (setImmediate: exists false), a new
    # client gets ENOENT, the open connection still works; 'close' after it ended.
    log = []

    def on_connection(s):
        server.close(lambda err: log.append(("closed", err)))

        def later():
            log.append(("exists", os.path.exists(sock_path)))
            late = net.connect(sock_path)
            late.on("connect", lambda: log.append("late connect"))

            def on_late_error(e):
                log.append(("late error", errcode(e)))
                s.end(b"bye")
            late.on("error", on_late_error)
        net.set_immediate(later)

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    got = []
    client.on("data", got.append)
    client.on("end", lambda: log.append("client end"))
    run_loop()
    assert log == [("exists", False), ("late error", "ENOENT"), "client end", ("closed", None)]
    assert got == [b"bye"]


@posix_only
@pytest.mark.parametrize("options, expected", [
    ({}, 0o700),
    ({"readable_all": True}, 0o744),
    ({"writable_all": True}, 0o722),
    ({"readable_all": True, "writable_all": True}, 0o766),
    ({"readableAll": True, "writableAll": True}, 0o766),
    ({"readable_all": False, "writable_all": False}, 0o700),
])
def test_readable_all_writable_all_mode_bits(sock_path, options, expected):
    # node (umask 077): {} -> 700, readableAll -> 744, writableAll -> 722, both -> 766
    old = os.umask(0o077)
    try:
        server = net.create_server()
        server.listen(dict(options, path=sock_path))
        mode = stat.S_IMODE(os.stat(sock_path).st_mode)
    finally:
        os.umask(old)
    server.close()
    run_loop()
    assert oct(mode) == oct(expected)


@posix_only
def test_readable_writable_all_as_keywords(sock_path):
    old = os.umask(0o077)
    try:
        server = net.create_server(echo)
        server.listen(path=sock_path, readable_all=True, writable_all=True)
        mode = stat.S_IMODE(os.stat(sock_path).st_mode)
    finally:
        os.umask(old)
    client, got = roundtrip(sock_path)
    close_after(client, server)
    run_loop()
    assert oct(mode) == oct(0o766)
    assert b"".join(got) == b"ping"


# -- listen errors -------------------------------------------------------------------

def _listen_expecting_error(path):
    """Listens on `path`; returns (server, events) with the events it emitted."""
    events = []
    server = net.create_server()
    server.on("error", lambda e: events.append(("error", e)))
    server.on("listening", lambda: events.append(("listening",)))
    server.on("close", lambda: events.append(("close",)))
    assert server.listen(path) is server  # no exception: the error is an event
    return server, events


@posix_only
def test_existing_regular_file_is_eaddrinuse_and_left_alone(pipe_dir):
    # node: 'error' EADDRINUSE (syscall listen, address = the path), no 'close', no
    # 'listening', listening false; the file is neither unlinked nor changed.
    path = os.path.join(pipe_dir, "file")
    with open(path, "w") as f:
        f.write("keep me")
    server, events = _listen_expecting_error(path)
    assert server.listening is False
    run_loop()
    assert [e[0] for e in events] == ["error"]
    err = events[0][1]
    assert isinstance(err, OSError)
    assert err.code == "EADDRINUSE" and err.errno == errno.EADDRINUSE
    assert err.syscall == "listen" and err.address == path
    assert server.listening is False
    with open(path) as f:
        assert f.read() == "keep me"


@posix_only
def test_path_of_a_live_server_is_eaddrinuse_and_the_first_keeps_serving(sock_path):
    first = net.create_server(echo)
    first.listen(sock_path)
    dup, events = _listen_expecting_error(sock_path)
    result = {}

    def after_error():
        assert [e[0] for e in events] == ["error"]
        result["err"] = errcode(events[0][1])
        result["exists"] = os.path.exists(sock_path)
        client, got = roundtrip(sock_path, b"still there")
        result["got"] = got
        close_after(client, first)

    dup.on("error", lambda e: net.set_immediate(after_error))
    run_loop()
    assert result["err"] == "EADDRINUSE"
    assert result["exists"] is True
    assert b"".join(result["got"]) == b"still there"


@posix_only
def test_stale_socket_file_is_eaddrinuse(sock_path):
    # node does not unlink a socket file nobody listens on: EADDRINUSE
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.bind(sock_path)
    raw.close()
    server, events = _listen_expecting_error(sock_path)
    run_loop()
    assert [(e[0], errcode(e[1])) for e in events] == [("error", "EADDRINUSE")]
    assert os.path.exists(sock_path)


@posix_only
def test_listen_on_a_directory_is_eaddrinuse(pipe_dir):
    server, events = _listen_expecting_error(pipe_dir)
    run_loop()
    assert [(e[0], errcode(e[1]), e[1].syscall) for e in events] == [("error", "EADDRINUSE", "listen")]
    assert os.path.isdir(pipe_dir)


@posix_only
def test_listen_in_a_missing_directory(pipe_dir):
    # node (libuv turns bind's ENOENT into EACCES): 'error' EACCES listen
    server, events = _listen_expecting_error(os.path.join(pipe_dir, "nodir", "x.sock"))
    run_loop()
    assert [(e[0], errcode(e[1]), e[1].syscall) for e in events] == [("error", "EACCES", "listen")]
    assert isinstance(events[0][1], PermissionError)


@posix_only
def test_server_can_listen_again_after_eaddrinuse(pipe_dir):
    busy = os.path.join(pipe_dir, "busy")
    open(busy, "w").close()
    good = os.path.join(pipe_dir, "good.sock")
    server = net.create_server(echo)
    log = []

    def on_error(e):
        log.append(errcode(e))
        server.listen(good, callback=lambda: log.append(("listening", server.address())))
        client, got = roundtrip(good)
        log.append(got)
        close_after(client, server)

    server.on("error", on_error)
    server.listen(busy)
    run_loop()
    assert log[0] == "EADDRINUSE"
    assert log[2] == ("listening", good)
    assert b"".join(log[1]) == b"ping"


def test_listen_twice_on_paths_is_err_server_already_listen(pipe_dir, sock_path):
    server = net.create_server()
    server.listen(sock_path)
    with pytest.raises(RuntimeError) as info:
        server.listen(os.path.join(pipe_dir, "other.sock"))
    assert errcode(info.value) == "ERR_SERVER_ALREADY_LISTEN"
    server.close()
    run_loop()


# -- connect errors ------------------------------------------------------------------

def test_connect_to_missing_path_is_enoent(pipe_dir):
    # node: 'error' ENOENT connect (address = the path, errno -2), then 'close' true;
    # the connect listener never runs.
    path = os.path.join(pipe_dir, "nobody.sock") if not IS_WINDOWS else \
        r"\\.\pipe\pyuv_net-nobody-" + uuid.uuid4().hex
    log = []
    client = net.connect(path, lambda: log.append("connect cb"))
    client.on("connect", lambda: log.append("connect"))
    client.on("error", lambda e: log.append(("error", e)))
    client.on("close", lambda had: log.append(("close", had, client.destroyed)))
    run_loop()
    assert [entry[0] for entry in log] == ["error", "close"]
    err = log[0][1]
    assert isinstance(err, FileNotFoundError)
    assert err.code == "ENOENT" and err.errno == errno.ENOENT
    assert err.syscall == "connect" and err.address == path
    assert log[1] == ("close", True, True)


@posix_only
def test_connect_to_a_regular_file_is_econnrefused(pipe_dir):
    path = os.path.join(pipe_dir, "plain")
    open(path, "w").close()
    errors = []
    client = net.connect(path)
    client.on("error", errors.append)
    run_loop()
    assert [(errcode(e), e.syscall) for e in errors] == [("ECONNREFUSED", "connect")]
    assert isinstance(errors[0], ConnectionRefusedError)


@posix_only
def test_connect_to_a_stale_socket_file_is_econnrefused(sock_path):
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.bind(sock_path)
    raw.close()
    errors = []
    client = net.connect(sock_path)
    client.on("error", errors.append)
    run_loop()
    assert [errcode(e) for e in errors] == ["ECONNREFUSED"]


@posix_only
def test_connect_after_the_server_closed_is_enoent(sock_path):
    server = net.create_server()
    server.listen(sock_path)
    server.close()
    errors = []
    client = net.connect(sock_path)
    client.on("error", errors.append)
    run_loop()
    assert [errcode(e) for e in errors] == ["ENOENT"]


def test_connect_error_without_listener_comes_out_of_run(pipe_dir):
    client = net.connect(os.path.join(pipe_dir, "nobody.sock"))
    with pytest.raises(FileNotFoundError):
        run_loop()
    assert client.destroyed
    run_loop()


# -- over-long paths: ENAMETOOLONG, never truncation ------------------------------------

def _enametoolong(call):
    """Runs `call`; the ENAMETOOLONG may be raised by it or emitted as 'error'.
    Returns the error."""
    errors = []
    try:
        obj = call()
    except OSError as exc:
        errors.append(exc)
    else:
        obj.on("error", errors.append)
        run_loop()
    assert len(errors) == 1, errors
    return errors[0]


@posix_only
def test_listen_path_longer_than_sun_path_is_enametoolong(pipe_dir):
    path = os.path.join(pipe_dir, "x" * 200)
    before = set(os.listdir(pipe_dir))
    server = net.create_server()
    listening = []
    server.on("listening", lambda: listening.append(True))
    err = _enametoolong(lambda: server.listen(path))
    assert isinstance(err, OSError)
    assert errcode(err) == "ENAMETOOLONG" and err.errno == errno.ENAMETOOLONG
    run_loop()
    assert listening == [] and server.listening is False
    # nothing was bound at a truncated path
    assert set(os.listdir(pipe_dir)) == before


@posix_only
def test_connect_path_longer_than_sun_path_never_reaches_the_truncated_path(pipe_dir):
    long_path = os.path.join(pipe_dir, "y" * 200)
    truncated = os.fsencode(long_path)[:SUN_PATH_MAX]
    # someone listens at the path a truncation would produce
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.bind(truncated)
    raw.listen(1)
    raw.setblocking(False)
    try:
        connected = []
        errors = []

        def call():
            client = net.connect(long_path)
            client.on("connect", lambda: connected.append(True))
            return client
        errors.append(_enametoolong(call))
        err = errors[0]
        assert errcode(err) == "ENAMETOOLONG" and err.errno == errno.ENAMETOOLONG
        assert connected == []
        with pytest.raises(BlockingIOError):
            raw.accept()
    finally:
        raw.close()


@linux_only
def test_path_of_exactly_sun_path_max_bytes_works(pipe_dir):
    fill = SUN_PATH_MAX - len(os.fsencode(pipe_dir)) - 1
    path = os.path.join(pipe_dir, "z" * fill)
    assert len(os.fsencode(path)) == SUN_PATH_MAX
    server = net.create_server(echo)
    server.listen(path)
    assert server.address() == path
    assert os.path.exists(path)
    client, got = roundtrip(path)
    close_after(client, server)
    run_loop()
    assert b"".join(got) == b"ping"


# -- argument checking for paths -----------------------------------------------------

@pytest.mark.parametrize("value", [123, True, {}])
def test_listen_path_of_wrong_type(value):
    # node: server.listen({path: 123}) / {path: true} / {path: {}} throw
    # ERR_INVALID_ARG_VALUE (options must have the property "port" or "path")
    server = net.create_server()
    with pytest.raises(ValueError) as info:
        server.listen({"path": value})
    assert errcode(info.value) == "ERR_INVALID_ARG_VALUE"
    assert server.listening is False


@pytest.mark.parametrize("value", [None, ""])
def test_listen_empty_or_none_path_is_invalid(value):
    # node: server.listen({path: null}) and {path: ''} throw ERR_INVALID_ARG_VALUE
    # (and API.md: a dict without port or path raises it); nothing is bound.
    server = net.create_server()
    try:
        with pytest.raises(ValueError) as info:
            server.listen({"path": value})
        assert errcode(info.value) == "ERR_INVALID_ARG_VALUE"
        assert server.listening is False
    finally:
        server.close()
        run_loop()


def test_listen_empty_string_positional_is_bad_port():
    # node: server.listen('') throws ERR_SOCKET_BAD_PORT ('' is not a path)
    server = net.create_server()
    try:
        with pytest.raises(ValueError) as info:
            server.listen("")
        assert errcode(info.value) == "ERR_SOCKET_BAD_PORT"
        assert server.listening is False
    finally:
        server.close()
        run_loop()


def test_connect_empty_string_positional_is_bad_port():
    # node: net.connect('') throws ERR_SOCKET_BAD_PORT
    try:
        client = net.connect("")
    except ValueError as exc:
        assert errcode(exc) == "ERR_SOCKET_BAD_PORT"
    else:
        client.on("error", lambda e: None)
        client.destroy()
        run_loop()
        pytest.fail("net.connect('') did not raise ERR_SOCKET_BAD_PORT (it made %r)" % (client,))


@pytest.mark.parametrize("value", [123, True])
def test_connect_path_of_wrong_type(value):
    # node: net.connect({path: 123}) throws TypeError ERR_INVALID_ARG_TYPE
    with pytest.raises(TypeError) as info:
        net.connect({"path": value})
    assert errcode(info.value) == "ERR_INVALID_ARG_TYPE"
    run_loop()


@posix_only
def test_connect_empty_path_option_is_econnrefused():
    # node: net.connect({path: ''}) does not throw: 'error' ECONNREFUSED connect
    errors = []
    client = net.connect({"path": ""})
    client.on("error", errors.append)
    run_loop()
    assert [(errcode(e), e.syscall) for e in errors] == [("ECONNREFUSED", "connect")]


# -- stream semantics over a local socket -------------------------------------------

def test_echo_many_clients(sock_path):
    server = net.create_server(echo)
    server.listen(sock_path)
    results = {}
    remaining = [5]

    def one(i):
        client, got = roundtrip(sock_path, ("client %d" % i).encode() * 100)
        results[i] = got

        def on_close(had):
            remaining[0] -= 1
            if not remaining[0]:
                server.close()
        client.on("close", on_close)

    for i in range(5):
        one(i)
    run_loop()
    for i in range(5):
        assert b"".join(results[i]) == ("client %d" % i).encode() * 100


def test_large_transfer_is_byte_exact(sock_path):
    payload = os.urandom(4 * 1024 * 1024 + 123)
    counts = {}

    def on_connection(s):
        s.pipe(s)
        s.on("close", lambda had: counts.update(server_read=s.bytes_read,
                                                server_written=s.bytes_written))

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    h = hashlib.sha256()
    size = [0]

    def on_data(chunk):
        h.update(chunk)
        size[0] += len(chunk)
    client.on("data", on_data)
    chunk = 64 * 1024
    for i in range(0, len(payload), chunk):
        client.write(payload[i:i + chunk])
    client.end()
    close_after(client, server)
    run_loop(timeout=20)
    assert size[0] == len(payload)
    assert h.hexdigest() == hashlib.sha256(payload).hexdigest()
    assert client.bytes_written == len(payload) and client.bytes_read == len(payload)
    assert counts == {"server_read": len(payload), "server_written": len(payload)}


def test_half_close_with_allow_half_open(sock_path):
    # node: the server socket gets 'end', is still writable (readyState writeOnly),
    # replies and ends; the client receives the reply after its own 'finish'.
    log = []

    def on_connection(s):
        got = []
        s.on("data", got.append)

        def on_end():
            log.append(("server end", b"".join(got), s.ready_state, s.readable, s.writable))
            net.set_timeout(lambda: s.end(b"pong"), 20)
        s.on("end", on_end)
        s.on("close", lambda had: (log.append(("server close", had)), server.close()))

    server = net.create_server(on_connection, allow_half_open=True)
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.on("finish", lambda: log.append(("client finish", client.ready_state)))
    client.on("data", lambda d: log.append(("client data", d)))
    client.on("end", lambda: log.append(("client end", client.ready_state)))
    client.on("close", lambda had: log.append(("client close", had)))
    client.end(b"ping")
    run_loop()
    assert ("server end", b"ping", "writeOnly", False, True) in log
    client_log = [e for e in log if e[0].startswith("client")]
    assert client_log == [("client finish", "readOnly"), ("client data", b"pong"),
                          ("client end", "closed"), ("client close", False)]
    assert ("server close", False) in log


def test_half_close_without_allow_half_open_ends_automatically(sock_path):
    # node: without allowHalfOpen the server socket ends its side after 'end'
    # ('end' then 'finish'), so the client gets 'end' too; both close cleanly.
    log = []

    def on_connection(s):
        s.resume()
        s.on("end", lambda: log.append(("server end", s.writable)))
        s.on("finish", lambda: log.append("server finish"))
        s.on("close", lambda had: (log.append(("server close", had)), server.close()))

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.on("finish", lambda: log.append("client finish"))
    client.on("end", lambda: log.append("client end"))
    client.on("close", lambda had: log.append(("client close", had)))
    client.resume()
    client.end(b"bye")
    run_loop()
    server_log = [e for e in log if "server" in str(e)]
    client_log = [e for e in log if "client" in str(e)]
    assert server_log == [("server end", True), "server finish", ("server close", False)]
    assert client_log == ["client finish", "client end", ("client close", False)]


def test_client_allow_half_open_keeps_writing_after_end(sock_path):
    # the server ends first; a client with allow_half_open gets 'end' and can still
    # write until it ends itself
    log = []

    def on_connection(s):
        got = []
        s.on("data", got.append)
        s.on("end", lambda: log.append(("server got", b"".join(got))))
        s.end(b"server done")
        s.on("close", lambda had: server.close())

    server = net.create_server(on_connection, allow_half_open=True)
    server.listen(sock_path)
    client = net.connect(path=sock_path, allow_half_open=True)
    client.on("data", lambda d: log.append(("client data", d)))

    def on_end():
        log.append(("client end", client.ready_state, client.writable))
        client.write(b"after ")
        client.end(b"your end")
    client.on("end", on_end)
    client.on("close", lambda had: log.append(("client close", had)))
    run_loop()
    assert [e for e in log if e[0] != "server got"] == [
        ("client data", b"server done"), ("client end", "writeOnly", True), ("client close", False)]
    assert ("server got", b"after your end") in log


def test_pipe_through_a_local_proxy(pipe_dir):
    # client -> proxy (local socket) -> echo server (local socket) -> back
    backend_path = os.path.join(pipe_dir, "backend.sock")
    proxy_path = os.path.join(pipe_dir, "proxy.sock")
    if IS_WINDOWS:  # pragma: no cover
        backend_path = r"\\.\pipe\pyuv_net-backend-" + uuid.uuid4().hex
        proxy_path = r"\\.\pipe\pyuv_net-proxy-" + uuid.uuid4().hex
    backend = net.create_server(echo)
    backend.listen(backend_path)

    def on_proxy_connection(downstream):
        upstream = net.connect(backend_path)
        assert downstream.pipe(upstream) is upstream
        upstream.pipe(downstream)

    # allow_half_open: the client's FIN must not end the proxy's reply path (node
    # truncates the echo the same way without it: a proxy has to be half-open)
    proxy = net.create_server(on_proxy_connection, allow_half_open=True)
    proxy.listen(proxy_path)
    payload = os.urandom(300000)
    client, got = roundtrip(proxy_path, payload)
    close_after(client, proxy, backend)
    run_loop(timeout=10)
    assert b"".join(got) == payload


def test_pause_resume_and_backpressure(sock_path):
    # the server does not read for a while: the client's write() returns False,
    # 'drain' follows once the server resumes; nothing is lost or reordered
    payload = os.urandom(2 * 1024 * 1024)
    log = []
    received = []

    def on_connection(s):
        s.pause()
        assert s.is_paused()
        s.on("data", received.append)
        s.on("end", lambda: (log.append("server end"), s.end()))

        def resume():
            log.append("resume")
            s.resume()
        net.set_timeout(resume, 150)

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path, high_water_mark=16384)
    client.on("drain", lambda: log.append("drain"))
    client.resume()

    def on_connect():
        results = [client.write(payload[i:i + 65536]) for i in range(0, len(payload), 65536)]
        log.append(("all accepted", all(results)))
        # node emits 'drain' only while not ending: end() after it
        client.once("drain", client.end)
    client.on("connect", on_connect)
    close_after(client, server)
    run_loop(timeout=10)
    assert ("all accepted", False) in log
    assert log.index("resume") < log.index("drain")
    assert b"".join(received) == payload
    assert "server end" in log


def test_pause_on_connect_over_a_local_socket(sock_path):
    log = []

    def on_connection(s):
        log.append(("paused", s.is_paused()))
        s.on("data", lambda d: log.append(("data", d)))
        net.set_timeout(lambda: (log.append("resume"), s.resume()), 50)
        s.on("end", s.end)

    server = net.create_server(on_connection, pause_on_connect=True)
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.end(b"waited")
    client.resume()
    close_after(client, server)
    run_loop()
    assert log == [("paused", True), "resume", ("data", b"waited")]


def test_destroy_client_peer_sees_end_and_close(sock_path):
    log = []

    def on_connection(s):
        s.resume()
        s.on("end", lambda: log.append("server end"))
        s.on("error", lambda e: log.append(("server error", errcode(e))))
        s.on("close", lambda had: (log.append(("server close", had)), server.close()))

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.on("connect", lambda: (log.append(("destroy returns", client.destroy() is client)),
                                   log.append(("destroyed", client.destroyed))))
    client.on("error", lambda e: log.append(("client error", e)))
    client.on("close", lambda had: log.append(("client close", had)))
    run_loop()
    assert log[:3] == [("destroy returns", True), ("destroyed", True), ("client close", False)]
    assert log[3:] == ["server end", ("server close", False)]


def test_destroy_with_error_over_a_local_socket(sock_path):
    log = []
    boom = RuntimeError("boom")

    def on_connection(s):
        s.resume()
        s.on("close", lambda had: server.close())

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.on("connect", lambda: client.destroy(boom))
    client.on("error", lambda e: log.append(("error", e is boom)))
    client.on("close", lambda had: log.append(("close", had)))
    run_loop()
    assert log == [("error", True), ("close", True)]


def test_server_destroys_connection_while_client_writes(sock_path):
    # the client keeps writing into a local socket the server destroyed: it ends up
    # destroyed with an error (EPIPE or ECONNRESET), never hangs
    log = []

    def on_connection(s):
        s.destroy()
        server.close()

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)
    chunk = b"x" * 65536

    def pump():
        if not client.destroyed:
            client.write(chunk)
            net.set_timeout(pump, 1)
    client.on("connect", pump)
    client.on("error", lambda e: log.append(("error", errcode(e))))
    client.on("close", lambda had: log.append(("close", had)))
    run_loop(timeout=10)
    assert log[-1] == ("close", True)
    assert log[0][0] == "error" and log[0][1] in ("EPIPE", "ECONNRESET")


def test_reset_and_destroy_is_tcp_only(sock_path):
    # node: resetAndDestroy() on a pipe throws TypeError ERR_INVALID_HANDLE_TYPE
    log = []

    def on_connection(s):
        s.resume()
        s.on("close", lambda had: server.close())

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path)

    def on_connect():
        with pytest.raises(TypeError) as info:
            client.reset_and_destroy()
        log.append(errcode(info.value))
        client.destroy()
    client.on("connect", on_connect)
    run_loop()
    assert log == ["ERR_INVALID_HANDLE_TYPE"]


def test_no_delay_and_keep_alive_are_no_ops_on_a_local_socket(sock_path):
    # node: setNoDelay / setKeepAlive on a pipe do nothing and return the socket
    log = []
    server = net.create_server(lambda s: s.end(), no_delay=True, keep_alive=True)
    server.listen(sock_path)
    client = net.connect(sock_path, no_delay=True, keep_alive=True)

    def on_connect():
        log.append(client.set_no_delay(True) is client)
        log.append(client.set_keep_alive(True, 1000) is client)
    client.on("connect", on_connect)
    client.resume()
    close_after(client, server)
    run_loop()
    assert log == [True, True]


def test_idle_timeout_over_a_local_socket(sock_path):
    log = []

    def on_connection(s):
        s.resume()
        s.on("end", s.end)

    server = net.create_server(on_connection)
    server.listen(sock_path)
    client = net.connect(sock_path, timeout=60)
    client.on("timeout", lambda: (log.append(("timeout", client.destroyed, client.timeout)),
                                   net.set_timeout(client.end, 150)))
    client.resume()
    close_after(client, server)
    run_loop()
    # fired once per idle period, did not destroy the socket
    assert log == [("timeout", False, 60)]


def test_set_timeout_callback_over_a_local_socket(sock_path):
    log = []
    server = net.create_server(lambda s: (s.resume(), s.on("end", s.end)))
    server.listen(sock_path)
    client = net.connect(sock_path)

    def on_connect():
        assert client.set_timeout(40, lambda: (log.append("cb"), client.end())) is client
    client.on("connect", on_connect)
    client.on("timeout", lambda: log.append("event"))
    client.resume()
    close_after(client, server)
    run_loop()
    # node: the callback is a once('timeout') listener added after the 'timeout'
    # listener registered above, so it runs second
    assert log == ["event", "cb"]


def test_set_encoding_over_a_local_socket(sock_path):
    server = net.create_server(echo)
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.set_encoding("utf8")
    got = []
    client.on("data", got.append)
    text = "h\u00e9llo \u2603 \U0001f600"
    data = text.encode("utf-8")
    for i in range(len(data)):  # byte by byte: characters split across writes
        client.write(data[i:i + 1])
    client.end()
    close_after(client, server)
    run_loop()
    assert all(isinstance(g, str) for g in got)
    assert "".join(got) == text


def test_write_callbacks_and_finish_order(sock_path):
    log = []
    server = net.create_server(lambda s: (s.resume(), s.on("end", s.end)))
    server.listen(sock_path)
    client = net.connect(sock_path)
    client.write(b"a", callback=lambda err: log.append(("write cb", err)))
    client.end(b"b", callback=lambda err: log.append(("end cb", err)))
    client.on("finish", lambda: log.append("finish"))
    client.resume()
    close_after(client, server)
    run_loop()
    # node 20: end()'s callback runs just before 'finish'
    assert log == [("write cb", None), ("end cb", None), "finish"]


def test_get_connections_and_connection_count(sock_path):
    log = []
    sockets = []

    def on_connection(s):
        sockets.append(s)
        if len(sockets) == 3:
            server.get_connections(lambda err, n: (log.append((err, n, server.connections)),
                                                   [x.end() for x in sockets]))

    server = net.create_server(on_connection)
    server.listen(sock_path)
    pending = [3]

    def closed(had):
        pending[0] -= 1
        if not pending[0]:
            server.close(lambda err: log.append(("closed", err)))

    for _ in range(3):
        c = net.connect(sock_path)
        c.resume()
        c.on("close", closed)
    run_loop()
    assert log == [(None, 3, 3), ("closed", None)]


def test_max_connections_drops_extra_local_connections(sock_path):
    # node emits 'drop' for a pipe server too (with no argument: pipe handles have no
    # getsockname); the dropped client sees its connection closed.
    log = []
    kept = []

    def on_connection(s):
        kept.append(s)
        log.append("connection")

    server = net.create_server(on_connection)
    server.max_connections = 1
    server.listen(sock_path)

    def on_drop(*args):
        log.append("drop")
        assert args in ((), (None,), ({},)), args

    server.on("drop", on_drop)
    first = net.connect(sock_path)
    first.resume()

    def second_client():
        second = net.connect(sock_path)
        second.resume()

        def second_closed(had):
            log.append("second closed")
            kept[0].end()
            server.close()
        second.on("close", second_closed)
        second.on("error", lambda e: None)
    first.on("connect", lambda: net.set_timeout(second_client, 30))
    run_loop()
    assert log == ["connection", "drop", "second closed"]


def test_unrefd_local_server_lets_run_return(sock_path):
    server = net.create_server()
    server.listen(sock_path)
    assert server.unref() is server
    run_loop(timeout=3)
    assert server.listening
    assert server.ref() is server
    server.close()
    run_loop()


def test_server_context_manager_closes_the_local_server(sock_path):
    with net.create_server(echo) as server:
        server.listen(sock_path)
        assert server.listening
    assert not server.listening
    run_loop()
    if not IS_WINDOWS:
        assert not os.path.exists(sock_path)


# -- interoperability with the socket module ------------------------------------------

@posix_only
def test_stdlib_unix_client_talks_to_a_local_server(sock_path):
    server = net.create_server(echo)
    server.listen(sock_path)
    result = {}

    def client_thread():
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
                c.settimeout(5)
                c.connect(sock_path)
                c.sendall(b"from the socket module")
                c.shutdown(socket.SHUT_WR)
                chunks = []
                while True:
                    d = c.recv(65536)
                    if not d:
                        break
                    chunks.append(d)
                result["got"] = b"".join(chunks)
        except Exception as exc:  # pragma: no cover - reported below
            result["error"] = exc
        finally:
            net.call_soon_threadsafe(server.close)

    t = threading.Thread(target=client_thread)
    t.start()
    run_loop()
    t.join(5)
    assert result == {"got": b"from the socket module"}


@posix_only
def test_client_talks_to_a_stdlib_unix_server(sock_path):
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.bind(sock_path)
    raw.listen(1)
    result = {}

    def server_thread():
        try:
            raw.settimeout(5)
            conn, _ = raw.accept()
            with conn:
                conn.settimeout(5)
                chunks = []
                while True:
                    d = conn.recv(65536)
                    if not d:
                        break
                    chunks.append(d)
                conn.sendall(b"<" + b"".join(chunks) + b">")
        except Exception as exc:  # pragma: no cover - reported below
            result["error"] = exc
        finally:
            raw.close()

    t = threading.Thread(target=server_thread)
    t.start()
    client, got = roundtrip(sock_path, b"to the socket module")
    run_loop()
    t.join(5)
    assert "error" not in result
    assert b"".join(got) == b"<to the socket module>"


@pytest.mark.parametrize("call", ["listen", "connect"])
def test_path_with_nul_is_refused_not_bound_as_another_name(call):
    # Linux abstract names ('\0name') are not supported yet; binding them through a
    # C string would silently use the empty name, so they are refused at the call.
    with pytest.raises(ValueError) as info:
        if call == "listen":
            net.create_server().listen("\0pyuv_net-abstract")
        else:
            net.connect("\0pyuv_net-abstract")
    assert errcode(info.value) == "ERR_INVALID_ARG_VALUE"
    assert net.active_handles() == 0


@pytest.mark.parametrize("call", ["listen", "connect"])
def test_too_long_path_raises_enametoolong_at_the_call(tmp_path, call):
    path = str(tmp_path / ("x" * 200))
    with pytest.raises(OSError) as info:
        if call == "listen":
            net.create_server().listen(path)
        else:
            net.connect(path)
    assert errcode(info.value) == "ENAMETOOLONG"
    assert not os.path.exists(path[:107])
    assert net.active_handles() == 0
