"""Shared helpers for the core TCP tests (test_loop, test_timers, test_server,
test_socket, test_stream, test_errors).

Every test of those modules runs on the thread's default loop; afterwards the
`_clean_loop` fixture asserts that no socket, server or timer was left open
(`net.active_handles() == 0`) and closes the default loop, so the next test starts
on a fresh one whatever happened.

`run_loop()` runs the loop under a watchdog that stops the loop and fails the test,
so a hang is a failure rather than a stuck test run.
"""
from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest

import pyuv_net as net

# The modules whose tests get the per-test loop check (the others are owned elsewhere).
_CORE_MODULES = {"test_loop", "test_timers", "test_server", "test_socket", "test_stream",
                 "test_errors", "test_faults", "test_bad_input", "test_stateful", "test_node_parallel"}

HOST = "127.0.0.1"


def _ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


HAS_IPV6 = _ipv6_loopback()
needs_ipv6 = pytest.mark.skipif(not HAS_IPV6, reason="cannot bind ::1 (no IPv6 loopback here)")


def _libuv_version():
    from pyuv_net._uv import lib
    packed = lib.uv_version()
    return (packed >> 16) & 0xff, (packed >> 8) & 0xff, packed & 0xff


LIBUV_VERSION = _libuv_version()


def pytest_report_header(config):
    # Which build is under test (the repository's, or an installed wheel or sdist) and on
    # which libuv: some behaviour differs between libuv releases.
    return ["pyuv_net under test: %s" % Path(net.__file__).resolve().parent,
            "libuv: %d.%d.%d" % LIBUV_VERSION]


class LoopTimeout(AssertionError):
    pass


def run_loop(timeout: float = 5.0, loop=None, mode: str = "default"):
    """Runs `loop` (default: the thread's default loop) until nothing referenced is
    left; fails the test if it is still running after `timeout` seconds.

    The watchdog is a thread that asks the loop to stop (call_soon_threadsafe), so it
    adds no handle of its own that a test could see."""
    target = loop if loop is not None else net.get_loop()
    state = {"running": True, "fired": False}

    def stop_if_still_running():
        if state["running"]:
            state["fired"] = True
            target.stop()

    def watchdog():
        try:
            net.call_soon_threadsafe(stop_if_still_running, loop=target)
        except Exception:  # the loop was closed meanwhile
            pass

    timer = threading.Timer(timeout, watchdog)
    timer.daemon = True
    timer.start()
    try:
        result = target.run(mode)
    finally:
        state["running"] = False
        timer.cancel()
    if state["fired"]:
        raise LoopTimeout("the loop was still running after %.1f s (hang?)" % timeout)
    return result


def listen_server(on_connection=None, host: str = HOST, **options):
    """A server listening on a random port of `host`; returns (server, port)."""
    server = net.create_server(on_connection, **options)
    server.listen(0, host)
    return server, server.address()["port"]


def errcode(err):
    return getattr(err, "code", None)


def child_env(**extra):
    """os.environ for a child Python that must import the pyuv_net under test (the
    installed wheel, the sanitizer build or the repository's), with `extra` set."""
    paths = [str(Path(net.__file__).resolve().parent.parent)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    env.update(extra)
    return env


def foreign_env():
    """os.environ for a program that is not ours (node, curl): without the sanitizer
    runtime `make asan` preloads for Python processes (curl hangs with it)."""
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    return env


@pytest.fixture
def loop():
    """The thread's default loop (fresh for every core test)."""
    return net.get_loop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item._core_call_failed = report.failed


@pytest.fixture(autouse=True)
def _clean_loop(request):
    module = request.module.__name__.rpartition(".")[2]
    if module not in _CORE_MODULES:
        yield
        return
    yield
    leaked = net.active_handles()
    default = net.get_loop()
    try:
        default.close()
    except Exception:  # pragma: no cover - reported by the leak check below
        pass
    # A test that already failed is not reported twice for what it left open.
    if leaked and not getattr(request.node, "_core_call_failed", False):
        pytest.fail("%d handle(s) still open after the test" % leaked, pytrace=False)


@pytest.fixture
def unraisable():
    """Collects what reaches sys.unraisablehook during the test."""
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda args: seen.append(args)
    try:
        yield seen
    finally:
        sys.unraisablehook = old
