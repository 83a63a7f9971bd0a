"""The event loop: run/stop, Loop objects, exceptions raised by callbacks, signals,
threads and fork.

Node is the model for what "uncaught" means: an exception a callback raises is the
process's uncaught exception; here it comes out of run() and run() may be called again
(API.md, Running)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import pyuv_net as net

from conftest import HOST, child_env, errcode, listen_server, run_loop


class Boom(Exception):
    pass


# -- run / stop ------------------------------------------------------------------

@pytest.mark.timeout(10)
def test_run_with_nothing_returns_at_once(loop):
    assert net.run() is False
    assert loop.alive() is False


@pytest.mark.timeout(10)
def test_run_returns_when_last_timer_fired():
    log = []
    net.set_timeout(log.append, 5, "a")
    net.set_timeout(log.append, 10, "b")
    run_loop()
    assert log == ["a", "b"]
    assert net.active_handles() == 0


@pytest.mark.timeout(10)
def test_stop_makes_run_return_early_and_run_continues():
    ticks = []

    def tick():
        ticks.append(len(ticks))
        if len(ticks) == 3:
            net.stop()
        if len(ticks) == 5:
            net.clear_interval(interval)

    interval = net.set_interval(tick, 1)
    run_loop()
    assert ticks == [0, 1, 2]  # stopped after the third, interval still alive
    assert net.get_loop().alive()
    run_loop()
    assert ticks == [0, 1, 2, 3, 4]
    assert not net.get_loop().alive()


@pytest.mark.timeout(10)
def test_unrefd_handles_do_not_keep_run_going():
    fired = []
    t = net.set_timeout(fired.append, 5000, "never").unref()
    server, _ = listen_server()
    server.unref()
    run_loop(timeout=4)
    assert fired == []
    t.close()
    server.close()
    run_loop()


@pytest.mark.timeout(10)
def test_get_loop_is_the_default_and_run_uses_it():
    a = net.get_loop()
    assert net.get_loop() is a
    assert isinstance(a, net.Loop)
    other = net.Loop()
    try:
        assert other is not a
    finally:
        other.close()


@pytest.mark.timeout(10)
def test_explicit_loop_runs_its_own_handles_only():
    own = net.Loop()
    try:
        log = []
        net.set_timeout(log.append, 1, "own", loop=own)
        net.set_timeout(log.append, 1, "default")
        assert own.alive()
        run_loop(loop=own)
        assert log == ["own"]
        assert not own.alive()
        run_loop()
        assert log == ["own", "default"]
    finally:
        own.close()


@pytest.mark.timeout(10)
def test_explicit_loop_echo_server_and_client():
    own = net.Loop()
    try:
        got = []

        def on_connection(sock):
            sock.pipe(sock)

        server = net.create_server(on_connection, loop=own)
        server.listen(0, HOST)
        port = server.address()["port"]
        client = net.connect(port, HOST, loop=own)
        client.on("data", got.append)
        client.on("end", lambda: server.close())
        client.end(b"hello loop")
        assert not net.get_loop().alive()
        run_loop(loop=own)
        assert b"".join(got) == b"hello loop"
        assert net.active_handles(own) == 0
    finally:
        own.close()


@pytest.mark.timeout(10)
def test_loop_run_modes():
    own = net.Loop()
    try:
        log = []
        net.set_timeout(log.append, 30, "late", loop=own)
        assert own.run("nowait") is True  # timer not due: returns at once, still alive
        assert log == []
        while log == []:
            own.run("once")
        assert log == ["late"]
        assert own.run("nowait") is False
        with pytest.raises(ValueError) as info:
            own.run("sometimes")
        assert errcode(info.value) == "ERR_INVALID_ARG_VALUE"
    finally:
        own.close()


@pytest.mark.timeout(10)
def test_loop_close_closes_its_handles_and_is_idempotent():
    own = net.Loop()
    server = net.create_server(loop=own)
    server.listen(0, HOST)
    net.set_timeout(lambda: None, 10000, loop=own)
    assert own.alive()
    own.close()
    own.close()
    assert net.active_handles(own) == 0


@pytest.mark.timeout(10)
def test_handles_used_after_their_loop_closed_touch_no_freed_memory():
    # Loop.close() frees every handle; the Python objects live on. Using them must not
    # reach freed memory (make asan would abort): they act as closed.
    own = net.Loop()
    accepted = []
    server = net.create_server(accepted.append, loop=own)
    server.listen(0, HOST)
    client = net.connect(server.address()["port"], HOST, loop=own)
    timer = net.set_timeout(lambda: None, 10000, loop=own)
    while not accepted or client.connecting:
        own.run("once")
    client.on("data", lambda chunk: None)
    own.close()
    errors = []
    for sock in (client, accepted[0]):
        sock.on("error", errors.append)
        sock.set_no_delay(True)
        sock.set_keep_alive(True, 1000)
        sock.set_timeout(1000)
        sock.pause()
        sock.resume()
        sock.write(b"after close")
        sock.remove_all_listeners("data")
        sock.destroy()
    server.close(lambda err=None: errors.append(err))
    net.clear_timeout(timer)
    assert client.destroyed and accepted[0].destroyed
    with pytest.raises(RuntimeError) as info:  # a new handle on a closed loop
        net.connect(1, HOST, loop=own)
    assert errcode(info.value) == "ERR_LOOP_CLOSED"


@pytest.mark.timeout(10)
def test_run_inside_a_callback_is_refused():
    errors = []

    def nested():
        try:
            net.run()
        except RuntimeError as exc:
            errors.append(exc)

    net.set_timeout(nested, 1)
    run_loop()
    assert len(errors) == 1


# -- exceptions in callbacks -----------------------------------------------------

@pytest.mark.timeout(10)
def test_exception_in_timer_comes_out_of_run_and_run_continues():
    log = []

    def boom():
        raise Boom("timer")

    net.set_timeout(boom, 1)
    net.set_timeout(log.append, 30, "after")
    with pytest.raises(Boom, match="timer"):
        run_loop()
    assert log == []
    run_loop()
    assert log == ["after"]


@pytest.mark.timeout(10)
def test_exception_in_interval_keeps_the_interval():
    count = []

    def tick():
        count.append(1)
        if len(count) == 1:
            raise Boom("first tick")
        if len(count) == 3:
            net.clear_interval(interval)

    interval = net.set_interval(tick, 1)
    with pytest.raises(Boom):
        run_loop()
    run_loop()
    assert len(count) == 3


@pytest.mark.timeout(10)
def test_exception_in_immediate_comes_out_of_run():
    log = []

    def boom():
        raise Boom("immediate")

    net.set_immediate(boom)
    net.set_immediate(log.append, "second")
    with pytest.raises(Boom):
        run_loop()
    run_loop()
    assert log == ["second"]


@pytest.mark.timeout(10)
def test_exception_in_data_listener_then_connection_keeps_working():
    received = []
    first = []

    def on_connection(sock):
        def on_data(chunk):
            received.append(chunk)
            if not first:
                first.append(chunk)
                raise Boom("data")
        sock.on("data", on_data)
        sock.on("end", lambda: sock.end(b"bye"))

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    replies = []
    client.on("data", replies.append)
    client.on("close", lambda had_error: server.close())
    client.write(b"one")
    with pytest.raises(Boom, match="data"):
        run_loop()
    assert received == [b"one"]
    client.end(b"two")
    run_loop()
    assert b"".join(received) == b"onetwo"
    assert b"".join(replies) == b"bye"


@pytest.mark.timeout(10)
def test_exception_in_connection_listener_keeps_the_socket():
    accepted = []

    def on_connection(sock):
        accepted.append(sock)
        raise Boom("connection")

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)
    got = []
    client.on("data", got.append)
    client.on("end", client.end)
    with pytest.raises(Boom, match="connection"):
        run_loop()
    assert len(accepted) == 1
    accepted[0].end(b"still here")
    server.close()
    run_loop()
    assert b"".join(got) == b"still here"


@pytest.mark.timeout(10)
def test_exception_in_close_listener():
    log = []

    def on_connection(sock):
        sock.on("end", sock.end)

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)

    def on_close(had_error):
        log.append(("close", had_error))
        raise Boom("close")

    client.on("close", on_close)
    client.end()
    with pytest.raises(Boom, match="close"):
        run_loop()
    assert log == [("close", False)]
    server.close(lambda err: log.append(("server closed", err)))
    run_loop()
    assert log[-1] == ("server closed", None)


@pytest.mark.timeout(10)
def test_exception_in_write_callback():
    got = []

    def on_connection(sock):
        sock.on("data", got.append)
        sock.on("end", lambda: server.close())

    server, port = listen_server(on_connection)
    client = net.connect(port, HOST)

    def written(err):
        raise Boom("write cb %r" % (err,))

    client.write(b"abc", callback=written)
    with pytest.raises(Boom, match="write cb None"):
        run_loop()
    client.end(b"def")
    run_loop()
    assert b"".join(got) == b"abcdef"


@pytest.mark.timeout(10)
def test_exception_in_lookup_listener():
    # node (with an uncaughtException handler): the throw aborts the rest of the
    # lookup callback, so the socket stays connecting; it is still a valid socket.
    log = []
    server, port = listen_server()
    client = net.connect(port, "localhost", family=4)

    def on_lookup(err, address, family, host):
        log.append((err, address, family, host))
        raise Boom("lookup")

    client.on("lookup", on_lookup)
    client.on("close", lambda had_error: (log.append(("close", had_error)), server.close()))
    with pytest.raises(Boom, match="lookup"):
        run_loop()
    assert log == [(None, "127.0.0.1", 4, "localhost")]
    assert client.connecting is True
    assert client.destroyed is False
    client.destroy()
    run_loop()
    assert log[-1] == ("close", False)


@pytest.mark.timeout(10)
def test_exception_in_custom_lookup_raises_from_connect():
    server, port = listen_server()
    server.on("connection", lambda s: s.end())

    def my_lookup(host, options, cb):
        raise Boom("custom lookup")

    client = net.Socket()
    with pytest.raises(Boom):
        # node: connect() calls a custom lookup synchronously, so it throws there.
        client.connect(port=port, host="example.invalid", lookup=my_lookup, family=4)
    client.destroy()
    server.close()
    run_loop()


@pytest.mark.timeout(10)
def test_second_exception_before_run_returns_goes_to_unraisablehook(unraisable):
    def first():
        raise Boom("first")

    def second():
        raise KeyError("second")

    # Two timers due at the same time run in the same loop iteration: the first stops
    # the loop, the second still runs before run() returns.
    net.set_timeout(first, 5)
    net.set_timeout(second, 5)
    with pytest.raises(Boom, match="first"):
        run_loop()
    assert len(unraisable) == 1
    assert unraisable[0].exc_type is KeyError
    assert isinstance(unraisable[0].exc_value, KeyError)
    run_loop()  # nothing left over
    assert len(unraisable) == 1


@pytest.mark.timeout(10)
def test_base_exception_systemexit_comes_out_of_run():
    net.set_timeout(sys.exit, 1, 3)
    with pytest.raises(SystemExit) as info:
        run_loop()
    assert info.value.code == 3
    run_loop()  # the timer may still be closing (next test)


@pytest.mark.timeout(10)
def test_a_fired_timer_whose_callback_raised_is_closed_when_run_returns():
    net.set_timeout(sys.exit, 1, 3)
    with pytest.raises(SystemExit):
        run_loop()
    try:
        assert net.active_handles() == 0
    finally:
        run_loop()  # lets a pending close finish, so the leak check sees the bug only here


@pytest.mark.timeout(10)
def test_keyboard_interrupt_raised_in_a_callback_comes_out_of_run():
    log = []

    def interrupt():
        raise KeyboardInterrupt

    net.set_timeout(interrupt, 1)
    net.set_timeout(log.append, 20, "later")
    with pytest.raises(KeyboardInterrupt):
        run_loop()
    run_loop()
    assert log == ["later"]


# -- signals (in a child process that blocks in run()) --------------------------

def _spawn(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env(PYTHONUNBUFFERED="1"), text=True)


def _wait_ready(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline()
    assert line.startswith("ready"), (line, proc.stderr.read() if proc.poll() is not None else "")
    return line


def _finish(proc: subprocess.Popen, bound: float = 10.0):
    try:
        out, err = proc.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail("child did not exit within %s s after the signal; stderr: %s" % (bound, err))
    return proc.returncode, out, err


CHILD_SERVER = """
    import pyuv_net as net
    server = net.create_server(lambda s: None)
    server.listen(0, '127.0.0.1', callback=lambda: print('ready', server.address()['port'], flush=True))
"""


@pytest.mark.timeout(40)
def test_sigint_while_blocked_in_run_raises_keyboard_interrupt():
    proc = _spawn(CHILD_SERVER + """
    try:
        net.run()
        print('run returned')
    except KeyboardInterrupt:
        print('interrupted', server.listening, flush=True)
        server.close(lambda err: print('closed', err))
        net.run()
        print('clean', net.active_handles())
    """)
    _wait_ready(proc)
    time.sleep(0.2)  # let it block in run()
    proc.send_signal(signal.SIGINT)
    rc, out, err = _finish(proc)
    assert rc == 0, err
    assert out.splitlines() == ["interrupted True", "closed None", "clean 0"], (out, err)


@pytest.mark.timeout(40)
def test_sigterm_python_handler_runs_promptly_and_closes_server():
    proc = _spawn(CHILD_SERVER + """
    import signal
    def on_term(signum, frame):
        print('term', signum == signal.SIGTERM, flush=True)
        server.close(lambda err: print('closed', err, flush=True))
    signal.signal(signal.SIGTERM, on_term)
    net.run()
    print('run returned', net.active_handles())
    """)
    _wait_ready(proc)
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    rc, out, err = _finish(proc)
    assert rc == 0, err
    assert out.splitlines() == ["term True", "closed None", "run returned 0"], (out, err)


@pytest.mark.timeout(40)
def test_sigint_with_active_connection_in_child():
    proc = _spawn("""
    import pyuv_net as net
    def on_conn(s):
        s.on('data', lambda d: None)
    server = net.create_server(on_conn)
    def ready():
        client = net.connect(server.address()['port'], '127.0.0.1')
        client.on('connect', lambda: print('ready', flush=True))
    server.listen(0, '127.0.0.1', callback=ready)
    try:
        net.run()
    except KeyboardInterrupt:
        print('interrupted', flush=True)
    """)
    _wait_ready(proc)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    rc, out, err = _finish(proc)
    assert rc == 0, err
    assert out.splitlines() == ["interrupted"], (out, err)


# -- threads ---------------------------------------------------------------------

@pytest.mark.timeout(10)
def test_call_soon_threadsafe_runs_on_the_loop_thread(loop):
    calls = []
    keepalive = net.set_timeout(lambda: calls.append("keepalive fired"), 8000)

    def on_loop(a, b):
        calls.append((threading.get_ident(), a, b))
        net.clear_timeout(keepalive)

    def worker():
        time.sleep(0.05)
        net.call_soon_threadsafe(on_loop, 1, "two")

    t = threading.Thread(target=worker)
    t.start()
    run_loop()
    t.join()
    assert calls == [(threading.get_ident(), 1, "two")]


@pytest.mark.timeout(10)
def test_call_soon_threadsafe_many_calls_all_run_in_order(loop):
    got = []
    keepalive = net.set_timeout(lambda: None, 8000)

    def on_loop(i):
        got.append(i)
        if len(got) == 200:
            net.clear_timeout(keepalive)

    def worker():
        for i in range(200):
            net.call_soon_threadsafe(on_loop, i)

    t = threading.Thread(target=worker)
    t.start()
    run_loop()
    t.join()
    assert got == list(range(200))


@pytest.mark.timeout(10)
def test_call_soon_threadsafe_with_explicit_loop():
    own = net.Loop()
    try:
        got = []
        keepalive = net.set_timeout(lambda: None, 8000, loop=own)

        def on_loop(x):
            got.append((threading.get_ident(), x))
            keepalive.close()

        t = threading.Thread(target=lambda: net.call_soon_threadsafe(on_loop, "x", loop=own))
        t.start()
        run_loop(loop=own)
        t.join()
        assert got == [(threading.get_ident(), "x")]
    finally:
        own.close()


@pytest.mark.timeout(10)
def test_methods_from_another_thread_raise_err_wrong_thread():
    server, port = listen_server()
    client = net.connect(port, HOST)
    errors = {}

    def attempt(name, fn):
        try:
            fn()
        except RuntimeError as exc:
            errors[name] = exc
        except BaseException as exc:  # pragma: no cover - reported below
            errors[name] = exc
        else:
            errors[name] = None

    calls = {
        "server.close": lambda: server.close(),
        "server.listen": lambda: server.listen(0),
        "server.ref": lambda: server.ref(),
        "server.unref": lambda: server.unref(),
        "socket.write": lambda: client.write(b"x"),
        "socket.write_str": lambda: client.write("x"),
        "socket.end": lambda: client.end(),
        "socket.destroy": lambda: client.destroy(),
        "socket.pause": lambda: client.pause(),
        "socket.resume": lambda: client.resume(),
        "socket.set_timeout": lambda: client.set_timeout(10),
        "socket.set_no_delay": lambda: client.set_no_delay(True),
        "socket.ref": lambda: client.ref(),
        "socket.unref": lambda: client.unref(),
        "timer": lambda: net.set_timeout(lambda: None, 1, loop=main_loop),
        "loop.run": lambda: main_loop.run(),
    }
    main_loop = net.get_loop()

    def worker():
        for name, fn in calls.items():
            attempt(name, fn)

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    for name in calls:
        exc = errors[name]
        assert isinstance(exc, RuntimeError), (name, exc)
        assert errcode(exc) == "ERR_WRONG_THREAD", (name, exc)
    # Everything still works from the owning thread.
    assert server.listening
    assert not client.destroyed
    server.on("connection", lambda s: s.pipe(s))
    got = []
    client.on("data", got.append)
    client.on("end", lambda: server.close())
    client.end(b"ping")
    run_loop()
    assert b"".join(got) == b"ping"


@pytest.mark.timeout(10)
def test_each_thread_has_its_own_default_loop():
    results = []

    def worker():
        try:
            mine = net.get_loop()
            log = []
            net.set_timeout(log.append, 1, "thread timer")
            server = net.create_server(lambda s: s.end(b"from thread"))
            server.listen(0, HOST)
            client = net.connect(server.address()["port"], HOST)
            got = []
            client.on("data", got.append)
            client.on("close", lambda e: server.close())
            net.run()
            results.append((mine is not main, log, b"".join(got), net.active_handles(mine)))
            mine.close()
        except BaseException as exc:  # pragma: no cover - reported below
            results.append(exc)

    main = net.get_loop()
    t = threading.Thread(target=worker)
    t.start()
    t.join(8)
    assert results == [(True, ["thread timer"], b"from thread", 0)]


# -- fork --------------------------------------------------------------------------

def _wait_child(pid: int, bound: float = 20.0) -> int:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("forked child hung")


def _in_child(body) -> int:
    """Forks; the child runs body() and exits with its return value (99 on error)."""
    pid = os.fork()
    if pid == 0:  # child
        status = 99
        try:
            status = body()
        except BaseException:  # pragma: no cover - the child's failure is its status
            import traceback
            traceback.print_exc()
        finally:
            os._exit(status)
    return _wait_child(pid)


needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


@needs_fork
@pytest.mark.timeout(30)
def test_fork_child_runs_timers_and_owns_a_server():
    # The parent has used its default loop before forking.
    net.set_timeout(lambda: None, 1)
    run_loop()

    def child():
        log = []
        net.set_timeout(log.append, 5, "timer")
        server = net.create_server(lambda s: s.pipe(s))
        server.listen(0, HOST)
        client = net.connect(server.address()["port"], HOST)
        got = []
        client.on("data", got.append)
        client.on("end", lambda: server.close())
        client.end(b"echo from child")
        net.run()
        ok = log == ["timer"] and b"".join(got) == b"echo from child" and net.active_handles() == 0
        return 0 if ok else 1

    assert _in_child(child) == 0
    # The parent's loop is unaffected.
    log = []
    net.set_timeout(log.append, 1, "parent")
    run_loop()
    assert log == ["parent"]


@needs_fork
@pytest.mark.timeout(30)
def test_fork_child_inherits_pending_timer_and_listening_server():
    log = []
    net.set_timeout(log.append, 20, "inherited timer")
    server, port = listen_server(lambda s: s.end(b"inherited server"))

    def child():
        client = net.connect(port, HOST)
        got = []
        client.on("data", got.append)
        client.on("close", lambda e: server.close())
        net.run()
        return 0 if log == ["inherited timer"] and b"".join(got) == b"inherited server" else 1

    assert _in_child(child) == 0
    assert log == []  # the parent has not run its loop since
    server.close()
    run_loop()
    assert log == ["inherited timer"]
