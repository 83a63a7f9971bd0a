"""Node's timers: set_timeout / set_interval (one uv_timer_t each) and set_immediate
(a per-loop queue run in libuv's check phase)."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

from . import _dispatch
from ._errors import check_callable
from ._loop import Loop, get_loop
from ._uv import lib

__all__ = ["Timer", "Immediate", "set_timeout", "set_interval", "set_immediate",
           "clear_timeout", "clear_interval", "clear_immediate"]

TIMEOUT_MAX = 2 ** 31 - 1


def _delay(ms: Any) -> int:
    """Node's coercion: anything not a number in [1, TIMEOUT_MAX] becomes 1."""
    try:
        value = float(ms)
    except (TypeError, ValueError):
        return 1
    if math.isnan(value) or not 1 <= value <= TIMEOUT_MAX:
        return 1
    return int(value)


class Timer:
    """What set_timeout/set_interval return; Node's Timeout."""

    __slots__ = ("_loop", "_handle", "_callback", "_args", "_ms", "_repeat", "_ref", "_cleared", "__weakref__")

    def __init__(self, loop: Loop, callback: Callable[..., Any], ms: Any, args: Any, repeat: bool) -> None:
        check_callable(callback)
        loop.check_thread()
        self._loop = loop
        self._handle: Any = None
        self._callback = callback
        self._args = args
        self._ms = _delay(ms)
        self._repeat = repeat
        self._ref = True
        self._cleared = False
        self._start()

    def _start(self) -> None:
        if self._handle is None:
            self._handle = _dispatch.open_handle(self, self._loop, lib.PN_TIMER)[0]
            if not self._ref:
                lib.pn_handle_unref(self._handle)
        lib.pn_timer_start(self._handle, self._ms, self._ms if self._repeat else 0)
        if self._loop._embedder is not None:
            self._loop.work_queued()

    def _close_handle(self) -> None:
        if self._handle is not None:
            lib.pn_handle_close(self._handle)
            self._handle = None

    def _on_timer(self) -> None:
        if not self._repeat:
            self._close_handle()
        self._callback(*self._args)

    def _on_closed(self) -> None:
        pass

    def _handle_freed(self) -> None:  # by Loop.close()
        self._handle = None

    def ref(self) -> "Timer":
        self._ref = True
        if self._handle is not None:
            lib.pn_handle_ref(self._handle)
        return self

    def unref(self) -> "Timer":
        self._ref = False
        if self._handle is not None:
            lib.pn_handle_unref(self._handle)
        return self

    def has_ref(self) -> bool:
        return self._ref

    def refresh(self) -> "Timer":
        """Restarts the countdown from now (also re-arms a timeout that has fired)."""
        self._loop.check_thread()
        if not self._cleared:
            self._start()
        return self

    def close(self) -> "Timer":
        self._loop.check_thread()
        self._cleared = True
        self._close_handle()
        return self

    hasRef = has_ref

    def __repr__(self) -> str:
        state = "cleared" if self._cleared else "active" if self._handle is not None else "done"
        return "<Timer %s %dms%s>" % (state, self._ms, " repeat" if self._repeat else "")


class Immediate:
    """What set_immediate returns."""

    __slots__ = ("_loop", "_callback", "_args", "_ref", "_done")

    def __init__(self, loop: Loop, callback: Callable[..., Any], args: Any) -> None:
        check_callable(callback)
        loop.check_thread()
        self._loop = loop
        self._callback = callback
        self._args = args
        self._ref = True
        self._done = False
        loop.add_immediate(self)

    def _fire(self) -> None:
        if self._done:
            return
        self._finish()
        self._callback(*self._args)

    def _finish(self) -> None:
        self._done = True
        if self._ref:
            self._loop.immediate_ref(-1)

    def ref(self) -> "Immediate":
        if not self._ref and not self._done:
            self._loop.immediate_ref(1)
        self._ref = True
        return self

    def unref(self) -> "Immediate":
        if self._ref and not self._done:
            self._loop.immediate_ref(-1)
        self._ref = False
        return self

    def has_ref(self) -> bool:
        return self._ref

    hasRef = has_ref


def set_timeout(callback: Callable[..., Any], ms: Any = 1, *args: Any, loop: Optional[Loop] = None) -> Timer:
    return Timer(loop or get_loop(), callback, ms, args, False)


def set_interval(callback: Callable[..., Any], ms: Any = 1, *args: Any, loop: Optional[Loop] = None) -> Timer:
    return Timer(loop or get_loop(), callback, ms, args, True)


def set_immediate(callback: Callable[..., Any], *args: Any, loop: Optional[Loop] = None) -> Immediate:
    return Immediate(loop or get_loop(), callback, args)


def clear_timeout(timer: Any) -> None:
    if isinstance(timer, Timer):
        timer.close()


clear_interval = clear_timeout


def clear_immediate(immediate: Any) -> None:
    if isinstance(immediate, Immediate) and not immediate._done:
        immediate._loop.check_thread()
        immediate._finish()
        immediate._loop.remove_immediate(immediate)
