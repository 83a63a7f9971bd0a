"""The bridge from libuv callbacks to Python objects.

Every object that libuv holds a pointer for (a handle, or a getaddrinfo request) gets a
slot in `_objects`; C passes the slot number back in each callback. The table holds a
strong reference, so an object stays alive while libuv can still call it, whatever the
user does with their own references; the slot is released in the close (or request)
callback, never earlier.

Each callback below is one `@ffi.def_extern`, so one libuv event costs one C->Python
call. After the event, the loop's tick queue (Node's process.nextTick) is drained. An
exception escaping either is recorded on the loop, which stops; `Loop.run` re-raises.
On CPython, csrc/accel.c does the same from C (the object's method is then the only
Python called); these callbacks serve PyPy, DNS answers, a read arriving while a batch
is being delivered, and the close callbacks of Loop.close().
"""
from __future__ import annotations

import threading
from typing import Any, List, Optional, Tuple

from ._errors import state_error
from ._uv import ffi, lib

# CPython: reads reach streams' 'data' listeners from C and write() is a C method
# (csrc/accel.c); elsewhere (PyPy) every read goes through pn_py_reads below.
ACCEL = bool(lib.pn_accel_available())

_objects: List[Any] = []
_free_slots: List[int] = []
# CPython: C calls the objects' methods itself (see the module's docstring).
if ACCEL and lib.pn_accel_install_dispatch(id(_objects), id(_free_slots)) != 0:
    raise MemoryError("pyuv_net: installing the C dispatcher")


def register(obj: Any) -> int:
    if _free_slots:
        slot = _free_slots.pop()
        _objects[slot] = obj
    else:
        slot = len(_objects)
        _objects.append(obj)
    return slot


def release(slot: int) -> None:
    _objects[slot] = None
    _free_slots.append(slot)


class Ignored:
    """Owns a handle nobody listens to any more (a failed connection attempt, a
    connection refused by max_connections) until libuv has closed it."""

    __slots__ = ("_loop", "_read_fast")

    def __init__(self, loop: Any) -> None:
        self._loop = loop
        self._read_fast = None

    def _ignore(self, *args: Any) -> None:
        pass

    _on_connected = _on_closed = _on_written = _on_data = _on_read_error = _ignore
    _on_shutdown = _on_idle_timeout = _ignore


def open_handle(owner: Any, loop: Any, kind: int) -> Tuple[Any, int]:
    """A new libuv handle of `kind` on `loop` whose callbacks go to `owner`."""
    if loop._ptr is None:
        raise state_error("ERR_LOOP_CLOSED", "the loop is closed")
    slot = register(owner)
    handle = lib.pn_handle_new(loop._ptr, kind, slot)
    if handle == ffi.NULL:
        release(slot)
        raise MemoryError("libuv handle")
    return handle, slot


def live_objects() -> List[Any]:
    return [o for o in _objects if o is not None]


class _Running(threading.local):
    loop: Optional[Any] = None


running = _Running()  # the loop whose run() this thread is in


def _uncaught(exc_type: Any, exc_value: Optional[BaseException], traceback: Any) -> None:
    """cffi's last resort, for an exception raised before a callback's own `try`
    (a signal handler's KeyboardInterrupt runs at the callback's first line)."""
    loop = running.loop
    if loop is not None and exc_value is not None:
        loop.fail(exc_value)


@ffi.def_extern(onerror=_uncaught)
def pn_py_read(slot: int, nread: int, data: Any) -> None:
    """One read that arrived while Python was taking a batch (its bytes are not in
    the slab)."""
    obj = _objects[slot]
    try:
        if nread > 0:
            fast = obj._read_fast  # the single 'data' listener, when nothing is in between
            if fast is not None:
                fast(ffi.unpack(data, nread))
            else:
                obj._on_data(ffi.unpack(data, nread))
        else:
            obj._on_read_error(nread)
        if obj._loop._ticks:
            obj._loop.run_ticks()
    except BaseException as exc:
        obj._loop.fail(exc)


@ffi.def_extern(onerror=_uncaught)
def pn_py_reads(first: int, count: int) -> None:
    """The hot path where csrc/accel.c is not (PyPy): the reads of one loop
    iteration, in order, one Python call for all. Each is (slot, start, end) in the
    loop's list, the bytes being slab[start:end], or (slot, error, -1). A stream
    destroyed by an earlier listener gets nothing more: its slot belongs to a
    tombstone by then."""
    objects = _objects
    loop = objects[first]._loop
    reads = loop._reads
    slab = loop._slab
    for i in range(0, 3 * count, 3):
        obj = objects[reads[i]]
        end = reads[i + 2]
        try:
            if end >= 0:
                fast = obj._read_fast  # the single 'data' listener, when nothing is in between
                if fast is not None:
                    fast(slab[reads[i + 1]:end])
                else:
                    obj._on_data(slab[reads[i + 1]:end])
            else:
                obj._on_read_error(reads[i + 1])
            if loop._ticks:
                loop.run_ticks()
        except BaseException as exc:
            loop.fail(exc)


@ffi.def_extern(onerror=_uncaught)
def pn_py_written(slot: int, status: int) -> None:
    obj = _objects[slot]
    try:
        obj._on_written(status)
        if obj._loop._ticks:
            obj._loop.run_ticks()
    except BaseException as exc:
        obj._loop.fail(exc)


def _simple(method: str) -> Any:
    """A callback that calls obj.<method>(*args) and then drains the tick queue."""
    def callback(slot: int, *args: Any) -> None:
        obj = _objects[slot]
        try:
            getattr(obj, method)(*args)
            if obj._loop._ticks:
                obj._loop.run_ticks()
        except BaseException as exc:
            obj._loop.fail(exc)
    return callback


ffi.def_extern(onerror=_uncaught, name="pn_py_connected")(_simple("_on_connected"))
ffi.def_extern(onerror=_uncaught, name="pn_py_shut")(_simple("_on_shutdown"))
ffi.def_extern(onerror=_uncaught, name="pn_py_connection")(_simple("_on_connection"))
ffi.def_extern(onerror=_uncaught, name="pn_py_timer")(_simple("_on_timer"))
ffi.def_extern(onerror=_uncaught, name="pn_py_idle_timeout")(_simple("_on_idle_timeout"))
ffi.def_extern(onerror=_uncaught, name="pn_py_check")(_simple("_on_check"))
ffi.def_extern(onerror=_uncaught, name="pn_py_async")(_simple("_on_async"))
ffi.def_extern(onerror=_uncaught, name="pn_py_poll")(_simple("_on_poll"))


@ffi.def_extern(onerror=_uncaught)
def pn_py_closed(slot: int) -> None:
    obj = _objects[slot]
    release(slot)
    loop = obj._loop
    if loop._closing:  # Loop.close(): free everything, call nobody...
        freed = getattr(obj, "_handle_freed", None)
        if freed is not None:  # ...but tell the owner its handle is gone
            freed()
        return
    try:
        obj._on_closed()
        if loop._ticks:
            loop.run_ticks()
    except BaseException as exc:
        loop.fail(exc)


@ffi.def_extern(onerror=_uncaught)
def pn_py_resolved(slot: int, status: int, answers: Any) -> None:
    obj = _objects[slot]
    release(slot)
    loop = obj._loop
    if loop._closing:
        return
    try:
        obj._on_resolved(status, ffi.string(answers).decode())
        if loop._ticks:
            loop.run_ticks()
    except BaseException as exc:
        loop.fail(exc)
