"""The event loop: a libuv loop plus Node's tick queue, immediates and error routing.

A loop belongs to the thread that made it; every handle checks that it is called from
there (ERR_WRONG_THREAD otherwise) and `call_soon_threadsafe` is the way in from others.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import traceback
import weakref
from collections import deque
from typing import Any, Callable, Deque, Optional, Tuple

from . import _dispatch
from ._errors import check_callable, state_error, value_error
from ._uv import ffi, lib

__all__ = ["Loop", "get_loop", "run", "stop", "call_soon_threadsafe", "next_tick", "active_handles"]

_get_ident = threading.get_ident
_SECOND_ERROR = "Exception in a pyuv_net callback while another was pending"
_MODES = {"default": lib.PN_RUN_DEFAULT, "once": lib.PN_RUN_ONCE, "nowait": lib.PN_RUN_NOWAIT}


class _Internal:
    """A handle the loop keeps for itself (immediates, thread wake-ups, signals)."""

    __slots__ = ("_loop", "_handle", "_callback", "__weakref__")

    def __init__(self, loop: "Loop", kind: int, callback: Callable[..., None], fd: int = -1) -> None:
        self._loop = loop
        self._callback = callback
        slot = _dispatch.register(self)
        ptr = lib.pn_poll_new(loop._ptr, slot, fd) if kind == lib.PN_POLL else lib.pn_handle_new(loop._ptr, kind, slot)
        if ptr == ffi.NULL:
            _dispatch.release(slot)
            raise MemoryError("libuv handle")
        self._handle = ptr
        lib.pn_handle_unref(ptr)

    def close(self) -> None:
        if self._handle is not None:
            lib.pn_handle_close(self._handle)
            self._handle = None

    def _on_check(self) -> None:
        self._callback()

    _on_async = _on_check

    def _on_poll(self, status: int) -> None:
        self._callback()

    def _on_closed(self) -> None:
        pass


class Loop:
    """A libuv event loop. `run()` returns when nothing referenced is left."""

    def __init__(self) -> None:
        self._ptr = lib.pn_loop_new()
        if self._ptr == ffi.NULL:
            raise MemoryError("uv_loop_init failed")
        self._thread = _get_ident()
        self._ticks: Deque[Tuple[Callable[..., Any], Tuple[Any, ...]]] = deque()
        loop_ref = weakref.ref(self)  # alive until C holds its own reference
        if not (_dispatch.ACCEL and lib.pn_loop_accelerate(self._ptr, id(self._ticks), id(loop_ref)) == 0):
            # Reads reach Python in batches (_dispatch.pn_py_reads), which reads these.
            self._slab = ffi.buffer(lib.pn_loop_slab(self._ptr), lib.pn_slab_size())
            reads = ffi.buffer(lib.pn_loop_reads(self._ptr), 3 * lib.PN_MAX_READS * ffi.sizeof("int"))
            self._reads = memoryview(reads).cast("i")
        self._error: Optional[BaseException] = None
        self._running = False
        self._closing = False
        self._immediates: Deque[Any] = deque()
        self._immediate_refs = 0
        self._check: Optional[_Internal] = None
        self._idle: Optional[_Internal] = None
        self._threadsafe: Deque[Tuple[Callable[..., Any], Tuple[Any, ...]]] = deque()
        self._async = _Internal(self, lib.PN_ASYNC, self._run_threadsafe)
        self._wakeup: Optional[Tuple[_Internal, socket.socket, socket.socket]] = None
        # Set while another event loop runs this one (pyuv_net.asyncio's driver): work
        # queued from outside run() must ask it for a run (_set_embedder).
        self._embedder: Optional[Any] = None
        # Queues one tick, `_tick((fn, args))`: the deque's own append, so the streams'
        # per-connection ticks cost no Python frame; _tick_and_wake while embedded.
        self._tick: Callable[[Tuple[Callable[..., Any], Tuple[Any, ...]]], None] = self._ticks.append

    # -- running ------------------------------------------------------------------

    def check_thread(self) -> None:
        if _get_ident() != self._thread:
            raise state_error("ERR_WRONG_THREAD",
                              "pyuv_net handles belong to the thread of their loop; "
                              "use call_soon_threadsafe() from other threads")

    def run(self, mode: str = "default") -> bool:
        """Runs the loop; returns whether handles are still alive (as uv_run).
        An exception raised by a callback stops the loop and is raised here."""
        self.check_thread()
        if self._ptr is None:
            raise state_error("ERR_LOOP_CLOSED", "the loop is closed")
        if self._running:
            raise state_error("ERR_LOOP_RUNNING", "the loop is already running")
        try:
            uv_mode = _MODES[mode]
        except (KeyError, TypeError):
            raise value_error("ERR_INVALID_ARG_VALUE", "mode must be 'default', 'once' or 'nowait'") from None
        self._running = True
        outer, _dispatch.running.loop = _dispatch.running.loop, self
        # A nowait run never blocks, so signals need no wake-up (and an embedding loop
        # keeps its own wake-up fd).
        restore = self._watch_signals() if uv_mode != lib.PN_RUN_NOWAIT else None
        try:
            self.run_ticks()
            alive = lib.pn_loop_run(self._ptr, uv_mode)
        finally:
            self._running = False
            _dispatch.running.loop = outer
            if restore is not None:
                restore()
        error, self._error = self._error, None
        if error is not None:
            raise error
        return bool(alive)

    def stop(self) -> None:
        if self._ptr is not None:
            lib.pn_loop_stop(self._ptr)

    def alive(self) -> bool:
        return self._ptr is not None and bool(lib.pn_loop_alive(self._ptr)) or bool(self._ticks)

    def now(self) -> int:
        """The loop's cached time in milliseconds (libuv's uv_now)."""
        return int(lib.pn_loop_now(self._ptr))

    def close(self) -> None:
        """Closes every handle (no events are emitted) and frees the loop."""
        self.check_thread()
        if self._ptr is None:
            return
        if self._running:
            raise state_error("ERR_LOOP_RUNNING", "cannot close a running loop")
        self._closing = True
        if self._embedder is not None:
            self._embedder.detach()
        if self._wakeup is not None:
            self._wakeup[1].close()
            self._wakeup[2].close()
        if lib.pn_loop_close(self._ptr) == 0:
            self._ptr = None
        self._closing = False
        if _default.loop is self:
            _default.loop = None

    def fail(self, exc: BaseException) -> None:
        """Routes an exception raised by a callback: the first stops the loop and comes
        out of run(); later ones, before run() returns, go to sys.unraisablehook."""
        if self._error is None:
            self._error = exc
            self.stop()
        elif sys.unraisablehook is sys.__unraisablehook__:
            # CPython's own hook takes only its own argument type, which Python code
            # cannot make: print the report it would print
            print("%s:" % _SECOND_ERROR, file=sys.stderr)
            traceback.print_exception(type(exc), exc, exc.__traceback__)
        else:
            hook_args = type("UnraisableHookArgs", (), {
                "exc_type": type(exc), "exc_value": exc, "exc_traceback": exc.__traceback__,
                "err_msg": _SECOND_ERROR, "object": None})
            sys.unraisablehook(hook_args)  # type: ignore[arg-type]

    # -- Node's process.nextTick --------------------------------------------------

    def next_tick(self, fn: Callable[..., Any], *args: Any) -> None:
        self._tick((fn, args))

    def _set_embedder(self, embedder: Optional[Any]) -> None:
        """`embedder` (with a wake() method) runs this loop from now on; None: nobody."""
        self._embedder = embedder
        self._tick = self._ticks.append if embedder is None else self._tick_and_wake

    def _tick_and_wake(self, tick: Tuple[Callable[..., Any], Tuple[Any, ...]]) -> None:
        self._ticks.append(tick)
        if not self._running and self._embedder is not None:
            self._embedder.wake()

    def work_queued(self) -> None:
        """Tells an embedding loop that libuv has new work (a timer, a shutdown, a close)
        queued from outside run()."""
        if not self._running and self._embedder is not None:
            self._embedder.wake()

    def run_ticks(self) -> None:
        ticks = self._ticks
        while ticks:
            fn, args = ticks.popleft()
            fn(*args)

    # -- immediates (check phase) -------------------------------------------------

    def add_immediate(self, immediate: Any) -> None:
        if self._check is None:
            self._check = _Internal(self, lib.PN_CHECK, self._run_immediates)
            self._idle = _Internal(self, lib.PN_IDLE, lambda: None)
        if not self._immediates:
            lib.pn_check_start(self._check._handle)
        self._immediates.append(immediate)
        if immediate._ref:
            self.immediate_ref(1)

    def immediate_ref(self, delta: int) -> None:
        """Counts the referenced immediates; an idle handle keeps the loop from blocking
        (and alive) while any is pending, as Node's refed immediates do."""
        before = self._immediate_refs
        self._immediate_refs += delta
        assert self._idle is not None
        if before == 0 and self._immediate_refs > 0:
            lib.pn_idle_start(self._idle._handle)
            lib.pn_handle_ref(self._idle._handle)
        elif before > 0 and self._immediate_refs == 0:
            lib.pn_idle_stop(self._idle._handle)
            lib.pn_handle_unref(self._idle._handle)

    def _run_immediates(self) -> None:
        # Immediates queued while these run wait for the next iteration, as Node; one
        # cleared by an earlier one is skipped (its _fire does nothing).
        batch = list(self._immediates)
        self._immediates.clear()
        done = 0
        try:
            for immediate in batch:
                done += 1
                immediate._fire()
                if self._ticks:
                    self.run_ticks()
                if self._error is not None:
                    break
        finally:  # after an exception, the rest run on the next run()
            self._immediates.extendleft(reversed(batch[done:]))
        if not self._immediates and self._check is not None and self._check._handle is not None:
            lib.pn_check_stop(self._check._handle)

    def remove_immediate(self, immediate: Any) -> None:
        try:
            self._immediates.remove(immediate)
        except ValueError:
            pass

    # -- other threads ------------------------------------------------------------

    def call_soon_threadsafe(self, fn: Callable[..., Any], *args: Any) -> None:
        check_callable(fn)
        if self._ptr is None:
            raise state_error("ERR_LOOP_CLOSED", "the loop is closed")
        self._threadsafe.append((fn, args))
        lib.pn_async_send(self._async._handle)

    def _run_threadsafe(self) -> None:
        queue = self._threadsafe
        while queue:
            fn, args = queue.popleft()
            fn(*args)
            if self._ticks:
                self.run_ticks()

    # -- signals ------------------------------------------------------------------

    def _watch_signals(self) -> Optional[Callable[[], object]]:
        """While the loop waits in C, Python's signal handlers (Ctrl-C, SIGTERM) cannot
        run. Python writes each signal's number to the wakeup fd; libuv polls its other
        end and the (empty) callback lets the interpreter run the handlers at once."""
        if threading.current_thread() is not threading.main_thread():
            return None
        if self._wakeup is None:
            rsock, wsock = socket.socketpair()
            rsock.setblocking(False)
            wsock.setblocking(False)
            poll = _Internal(self, lib.PN_POLL, lambda: self._drain_wakeup(rsock), fd=rsock.fileno())
            lib.pn_poll_start(poll._handle)
            self._wakeup = (poll, rsock, wsock)
        try:
            old = signal.set_wakeup_fd(self._wakeup[2].fileno(), warn_on_full_buffer=False)
        except (ValueError, OSError):
            return None
        return lambda: signal.set_wakeup_fd(old)

    @staticmethod
    def _drain_wakeup(rsock: socket.socket) -> None:
        try:
            while rsock.recv(512):
                pass
        except OSError:
            pass

    def _after_fork(self) -> None:
        lib.pn_loop_fork(self._ptr)
        self._thread = _get_ident()
        if self._wakeup is not None:  # the socketpair is shared with the parent
            poll, rsock, wsock = self._wakeup
            poll.close()
            rsock.close()
            wsock.close()
            self._wakeup = None


class _Default(threading.local):
    loop: Optional[Loop] = None


_default = _Default()
_main_loop: Optional[Loop] = None


def get_loop() -> Loop:
    """The calling thread's default loop (made on first use)."""
    global _main_loop
    loop = _default.loop
    if loop is None:
        loop = _default.loop = Loop()
        if threading.current_thread() is threading.main_thread():
            _main_loop = loop
    return loop


def run(mode: str = "default") -> bool:
    return get_loop().run(mode)


def stop() -> None:
    get_loop().stop()


def call_soon_threadsafe(fn: Callable[..., Any], *args: Any, loop: Optional[Loop] = None) -> None:
    """Schedules fn(*args) on `loop` from any thread; by default on the main thread's
    default loop (which must exist: it is made by the main thread's first use)."""
    if loop is None:
        loop = _main_loop
        if loop is None or loop._ptr is None:
            raise state_error("ERR_LOOP_CLOSED", "the main thread has no loop; pass loop=")
    loop.call_soon_threadsafe(fn, *args)


def next_tick(fn: Callable[..., Any], *args: Any, loop: Optional[Loop] = None) -> None:
    check_callable(fn)  # here, not in Loop.next_tick: the streams' own ticks are known good
    (loop or get_loop()).next_tick(fn, *args)


def active_handles(loop: Optional[Loop] = None) -> int:
    """How many sockets, servers and timers are open (a leak check). One being closed
    is not: its slot goes when libuv's close callback comes, which can be after run()
    returns (libuv >= 1.45 runs timers after the closing phase)."""
    return sum(1 for o in _dispatch.live_objects()
               if not isinstance(o, _Internal) and (loop is None or o._loop is loop)
               and getattr(o, "_handle", None) is not None)


def _after_fork_in_child() -> None:
    loop = _default.loop
    if loop is not None and loop._ptr is not None:
        loop._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
