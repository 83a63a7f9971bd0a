"""Node's Duplex stream semantics over a libuv stream handle (TCP or pipe).

`Stream` is the part of net.Socket that does not care how the connection was made:
reading (flowing and paused modes, backpressure at the high-water mark, 'end' on
FIN), writing (try-write first, writable_length, 'drain', cork/uncork coalesced with
writev, end() -> shutdown -> 'finish'), destroy ('error' before 'close'), timeouts
and pipe(). The event order follows Node's streams; where Node defers to
process.nextTick, this defers to the loop's tick queue.

Invariants:
- `_handle` is the live libuv handle or None; once destroy() hands it to libuv for
  closing, its slot is given to a `_Closing` that absorbs the handle's last callbacks.
- `_read_fast` is the single 'data' listener while reads can go straight to it
  (flowing, nothing buffered, no decoder); the dispatcher calls it without a frame of
  ours in between. `_write_fast` is true while write() may go straight to libuv.
"""
from __future__ import annotations

import errno
import threading
from collections import deque
from typing import Any, Callable, Deque, List, Optional, Tuple, TypeVar, Union

from . import _dispatch
from ._encoding import Decoder, encode, normalize_encoding
from ._errors import UV_EOF, check_callable, describe, err_name, state_error, type_error, uv_error, value_error
from ._events import EventEmitter, _OnceWrapper
from ._loop import Loop
from ._pipe_flow import connect_pipe
from ._timers import TIMEOUT_MAX, Timer
from ._uv import ffi, lib

__all__ = ["Stream", "DEFAULT_HIGH_WATER_MARK"]

DEFAULT_HIGH_WATER_MARK = 16384
_get_ident = threading.get_ident
_pn_write = lib.pn_write
# With csrc/accel.c, C holds its own reference to the 'data' listener: `_read_fast`
# is mirrored there.
_ACCEL = _dispatch.ACCEL
_set_listener = lib.pn_handle_set_listener
_new_cstrings = ffi.new
_Callback = Optional[Callable[[Optional[BaseException]], Any]]
_S = TypeVar("_S", bound="Stream")
_UINTPTR = ffi.typeof("uintptr_t")


def set_handle(owner: Any, handle: Any) -> None:
    """owner._handle = handle (or None), with its address in owner._address (0 for
    None): what `_write_fast` holds while writes may go straight out, and how
    csrc/accel.c and accel_lifecycle.c reach the handle. The two change here only."""
    owner._handle = handle
    owner._address = int(ffi.cast(_UINTPTR, handle)) if handle is not None else 0


def _timer_ms(ms: float) -> int:
    """A timeout for libuv's whole milliseconds: a fraction of one is one, as Node's
    timers make it."""
    return max(int(ms), 1) if ms else 0


def _to_bytes(data: Any, encoding: Optional[str]) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        return encode(data, normalize_encoding(encoding) if encoding is not None else "utf8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)  # a snapshot: later changes to the caller's buffer are not sent
    if data is None:
        raise type_error("ERR_STREAM_NULL_VALUES", "May not write null values to stream")
    raise type_error("ERR_INVALID_ARG_TYPE",
                     'The "chunk" argument must be of type str or a bytes-like object. Received '
                     + describe(data))


def _call_all(callbacks: List[_Callback]) -> Callable[[Optional[BaseException]], None]:
    def call(err: Optional[BaseException]) -> None:
        for cb in callbacks:
            if cb is not None:
                cb(err)
    return call


class _Closing:
    """Takes over a handle's slot after destroy(): the handle's remaining callbacks
    (cancelled writes, the close) land here, not on the stream, which may reconnect."""

    __slots__ = ("_loop", "_stream", "_inflight", "_had_error", "_read_fast")

    def __init__(self, stream: "Stream", had_error: bool) -> None:
        self._loop = stream._loop
        self._stream = stream
        self._inflight = stream._inflight
        self._had_error = had_error
        self._read_fast = None

    def _on_written(self, status: int) -> None:
        if self._inflight:
            cb = self._inflight.popleft()[1]
            if cb is not None:  # as Node: a write completed after destroy reports success
                cb(None)

    def _on_closed(self) -> None:
        self._stream._emit_close(self._had_error)

    def _on_data(self, chunk: bytes) -> None:
        pass

    def _on_read_error(self, nread: int) -> None:
        pass

    def _on_connected(self, status: int) -> None:
        pass

    def _on_shutdown(self, status: int) -> None:
        pass

    def _on_idle_timeout(self) -> None:
        pass


class Stream(EventEmitter):
    """A duplex byte stream over a libuv stream handle."""

    __slots__ = (
        "_loop", "_tid", "_handle", "_address", "_slot", "_read_fast", "_write_fast",
        # readable side
        "_flowing", "_paused", "_rbuf", "_rlen", "_rhwm", "_reading", "_r_ended", "_end_emitted",
        "_end_scheduled", "_decoder", "_ndata", "_resume_scheduled", "_readable_listening",
        "_need_readable", "_emitted_readable", "_readable_on", "_pipes", "_allow_half_open",
        # writable side
        "_whwm", "_wlen", "_need_drain", "_corked", "_wbuf", "_inflight", "_pending", "_ending",
        "_final_called", "_prefinished", "_finished", "_end_cbs", "_writable_on", "_after_fin",
        "_bytes_pending",
        # lifecycle
        "_destroyed", "_errored", "_error_emitted", "_close_emitted", "_reset_on_destroy",
        "_connecting", "_timeout_ms", "_handleless_timer", "_server", "_bytes_read", "_bytes_written",
        "__weakref__",
    )
    _hooked_events = frozenset(("data", "readable"))  # what _listeners_changed watches
    _handle: Any  # (both set by set_handle)
    _address: int

    def __init__(self, loop: Loop, allow_half_open: bool = False, high_water_mark: Optional[int] = None,
                 readable: bool = True, writable: bool = True) -> None:
        EventEmitter.__init__(self)
        loop.check_thread()
        self._loop = loop
        self._tid = loop._thread
        hwm = DEFAULT_HIGH_WATER_MARK if high_water_mark is None else high_water_mark
        self._whwm = hwm
        self._writable_on = writable
        self._rhwm = hwm
        self._readable_on = readable
        self._allow_half_open = bool(allow_half_open)
        self._timeout_ms: Optional[float] = None  # as Node: None until set_timeout()
        self._handleless_timer: Optional[Timer] = None  # set_timeout() before there is a handle
        set_handle(self, None)
        self._slot = -1
        self._server: Any = None
        self._pipes: Tuple[Any, ...] = ()  # its _PipeFlows (a tuple: rarely more than one)
        self._reset_state()

    def _reset_state(self) -> None:
        """The state of a stream that was never opened."""
        self._read_fast: Any = None
        self._write_fast: Union[int, bool] = False  # see _update_write_fast
        self._flowing: Optional[bool] = None
        self._paused = False
        # The read buffer and the queue of writes in libuv are made when first needed:
        # most sockets never buffer, and an idle connection should cost little.
        self._rbuf: Optional[Deque[Any]] = None
        self._rlen = 0
        self._decoder: Optional[Decoder] = None
        self._ndata = 0
        self._resume_scheduled = False
        self._readable_listening = False
        self._need_readable = False
        self._emitted_readable = False
        self._corked = 0
        self._bytes_read = 0
        self._bytes_written = 0
        self._undestroy()

    def _undestroy(self) -> None:
        """What connecting again after destroy() starts afresh (Node's _undestroy):
        the ends and the errors; what the user set up (flowing or paused, the
        encoding, cork, listeners) stays."""
        self._reading = False
        self._r_ended = False
        self._end_emitted = False
        self._end_scheduled = False
        self._wlen = 0
        self._need_drain = False
        # Writes held back, and end() callbacks: an empty tuple until the first (an
        # idle connection should not carry two empty lists).
        self._wbuf: Union[List[Tuple[bytes, _Callback]], Tuple[()]] = ()
        self._inflight: Optional[Deque[Tuple[int, _Callback]]] = None
        self._pending = 0
        self._ending = False
        self._final_called = False
        self._prefinished = False
        self._finished = False
        self._end_cbs: Union[List[_Callback], Tuple[()]] = ()
        self._after_fin = False
        self._bytes_pending = 0
        self._destroyed = False
        self._errored: Optional[BaseException] = None
        self._error_emitted = False
        self._close_emitted = False
        self._reset_on_destroy = False
        self._connecting = False
        if not self._readable_on:  # as Node's Duplex with readable: false
            self._r_ended = self._end_emitted = True
        if not self._writable_on:  # likewise writable: false
            self._ending = self._finished = True


    # -- the handle -------------------------------------------------------------

    def _check_thread(self) -> None:
        if _get_ident() != self._tid:
            self._loop.check_thread()

    def _new_handle(self, kind: int) -> None:
        self._attach(*_dispatch.open_handle(self, self._loop, kind))

    def _handle_freed(self) -> None:
        """Loop.close() freed the handle: from now on the stream acts as closed."""
        set_handle(self, None)
        self._write_fast = False
        self._read_fast = None  # C's reference went with the handle
        self._reading = False

    def _attach(self, handle: Any, slot: int) -> None:
        set_handle(self, handle)
        self._slot = slot
        if _ACCEL and self._read_fast is not None:
            _set_listener(handle, id(self._read_fast))
        if self._timeout_ms:
            lib.pn_stream_set_timeout(handle, _timer_ms(self._timeout_ms))
        if self._handleless_timer is not None:  # the handle's own timer takes over
            self._drop_handleless_timer()

    def _opened(self) -> None:
        """The handle is connected: pending writes go out, reading starts."""
        self._update_write_fast()
        if self._wbuf and not self._corked:
            self._flush_buffered()
        if self._ending:
            self._maybe_finish(False)
        if self._readable_on and not self._paused:
            self._start_reading()

    # -- reading ----------------------------------------------------------------

    def _start_reading(self) -> None:
        if (not self._reading and self._handle is not None and not self._connecting and not self._r_ended
                and self._readable_on):
            err = lib.pn_read_start(self._handle)
            if err:
                self.destroy(uv_error(err, "read"))
                return
            self._reading = True

    def _stop_reading(self) -> None:
        if self._reading:
            self._reading = False
            if self._handle is not None:
                lib.pn_read_stop(self._handle)

    def _set_read_fast(self, fast: Any) -> None:
        if fast is self._read_fast:
            return
        self._read_fast = fast
        if _ACCEL and self._handle is not None:
            _set_listener(self._handle, 0 if fast is None else id(fast))

    def _update_read_fast(self) -> None:
        fast = None
        if self._flowing and not self._rlen and self._decoder is None and not self._destroyed:
            listeners = self._events.get("data")
            if listeners is not None and len(listeners) == 1:
                fast = listeners[0]
        self._set_read_fast(fast)

    def _listeners_changed(self, event: Any) -> None:
        if event == "data":
            listeners = self._events.get("data")
            count = len(listeners) if listeners else 0
            added = count > self._ndata
            self._ndata = count
            if added and self._pipes:
                self._unlink_pipes()  # a new listener must see the data
            if added and self._flowing is None:
                self.resume()  # the tick it schedules (_resume_now) updates _read_fast
            else:
                self._update_read_fast()
        elif event == "readable":
            listeners = self._events.get("readable")
            if listeners and not self._readable_listening:
                self._readable_listening = True
                self._need_readable = True
                self._flowing = False
                self._emitted_readable = False
                self._update_read_fast()
                if self._rlen:
                    self._emit_readable_soon()
                else:
                    self._start_reading()
            elif not listeners and self._readable_listening:
                self._loop.next_tick(self._readable_listening_gone)

    def _readable_listening_gone(self) -> None:
        self._readable_listening = bool(self._events.get("readable"))
        if self._readable_listening:
            return
        if self._resume_scheduled and not self._paused:
            self._flowing = True
        elif self._events.get("data"):
            self.resume()
        else:
            self._flowing = None
        self._update_read_fast()

    def _on_data(self, chunk: Any) -> None:
        """Bytes from the kernel (the dispatcher calls `_read_fast` directly instead
        when it can)."""
        if self._decoder is not None:
            chunk = self._decoder.write(chunk)
            if not chunk:
                return
        if self._flowing and not self._rlen:
            self._emit_data(chunk)
            if self._need_readable:
                self._emit_readable_soon()
            return
        self._buffer(chunk)
        if self._rlen >= self._rhwm:
            self._stop_reading()  # backpressure: the kernel holds the rest
        if self._need_readable:
            self._emit_readable_soon()
        if self._flowing:
            self._flow()

    def _buffer(self, chunk: Any) -> None:
        if self._rbuf is None:
            self._rbuf = deque()
        self._rbuf.append(chunk)
        self._rlen += len(chunk)
        self._set_read_fast(None)

    def _emit_data(self, chunk: Any) -> None:
        self.emit("data", chunk)

    def _on_read_error(self, nread: int) -> None:
        self._reading = False
        if nread != UV_EOF:
            self.destroy(uv_error(nread, "read"))
            return
        self._r_ended = True
        if self._decoder is not None:
            tail = self._decoder.end()
            if tail:
                self._buffer(tail)
        if self._readable_listening:
            self._emit_readable_soon()
        if self._flowing and self._rlen:
            self._flow()
        if not self._rlen:
            self._end_soon()

    def _emit_readable_soon(self) -> None:
        self._need_readable = False
        if not self._emitted_readable:
            self._emitted_readable = True
            self._loop._tick((self._emit_readable, ()))

    def _emit_readable(self) -> None:
        if not self._destroyed and (self._rlen or self._r_ended):
            self.emit("readable")
            self._emitted_readable = False
        self._need_readable = not self._flowing and not self._r_ended and self._rlen <= self._rhwm
        self._flow()

    def _end_soon(self) -> None:
        if not self._end_scheduled and not self._end_emitted:
            self._end_scheduled = True
            self._loop._tick((self._emit_end, ()))

    def _emit_end(self) -> None:
        self._end_scheduled = False
        if self._errored is not None or self._close_emitted or self._end_emitted or self._rlen:
            return
        self._end_emitted = True
        if not self._allow_half_open:
            self._after_fin = True  # before 'end', as Node's own first 'end' listener does it
        if "end" in self._events:  # (most sockets have no listener: no call then)
            self.emit("end")
        if self._after_fin and self._writable_now():
            self._loop._tick((self._end_after_fin, ()))
            return
        if self._finished or not self._writable_on:
            self.destroy()

    def _end_after_fin(self) -> None:
        if self._writable_now():
            self._end()

    def _flow(self) -> None:
        while self._flowing and self._rbuf and not self._destroyed:
            chunk = self._rbuf.popleft()
            self._rlen -= len(chunk)
            self._emit_data(chunk)
        if not self._rlen:
            if self._r_ended:
                self._end_soon()
            elif not self._reading and (self._flowing is not False or self._readable_listening):
                self._start_reading()
            self._update_read_fast()
        elif self._rlen < self._rhwm:
            self._start_reading()

    def read(self, size: Optional[int] = None) -> Any:
        """Paused mode: returns buffered data (all of it, or `size` bytes), or None."""
        self._check_thread()
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise value_error("ERR_OUT_OF_RANGE", "size must be a non-negative int or None")
        if size == 0:
            if self._r_ended and not self._rlen:
                self._end_soon()
            elif self._rlen < self._rhwm:
                self._start_reading()
            return None
        self._emitted_readable = False
        if not self._rlen:
            if self._r_ended:
                self._end_soon()
            else:
                self._need_readable = True
                self._start_reading()
            return None
        if size is None or size >= self._rlen:
            if size is not None and size > self._rlen and not self._r_ended:
                self._need_readable = True
                self._start_reading()
                return None
            chunks = list(self._rbuf or ())
            self._rbuf = None
            self._rlen = 0
            out = chunks[0] if len(chunks) == 1 else chunks[0][:0].join(chunks)
        else:
            out = self._take(size)
        if self._rlen < self._rhwm and not self._r_ended:
            self._start_reading()
        if not self._rlen:
            if self._r_ended:
                self._end_soon()
            else:
                self._need_readable = True
        self.emit("data", out)
        return out

    def _take(self, size: int) -> Any:
        rbuf = self._rbuf
        assert rbuf is not None  # callers hold more than `size` bytes
        parts = []
        need = size
        while need:
            chunk = rbuf[0]
            if len(chunk) <= need:
                parts.append(rbuf.popleft())
                need -= len(chunk)
            else:
                parts.append(chunk[:need])
                rbuf[0] = chunk[need:]
                need = 0
        self._rlen -= size
        return parts[0] if len(parts) == 1 else parts[0][:0].join(parts)

    def unshift(self, chunk: Any) -> None:
        """Puts data back at the front of the read buffer."""
        self._check_thread()
        if chunk is None:
            return
        if self._decoder is not None and isinstance(chunk, (bytes, bytearray, memoryview)):
            one_off = Decoder(self._decoder.encoding)  # keep the stream's decoder state
            chunk = one_off.write(bytes(chunk)) + one_off.end()
        elif self._decoder is None and isinstance(chunk, str):
            chunk = chunk.encode("utf8")
        elif isinstance(chunk, (bytearray, memoryview)):
            chunk = bytes(chunk)
        elif not isinstance(chunk, (bytes, str)):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "chunk" argument must be of type string or an '
                             'instance of bytes, bytearray or memoryview. Received ' + describe(chunk))
        self._buffer(chunk)
        assert self._rbuf is not None
        self._rbuf.rotate(1)  # to the front
        if self._flowing:
            self._loop.next_tick(self._flow)

    def _unlink_pipes(self) -> None:
        for flow in self._pipes:
            flow._unlink()

    def pause(self) -> "Stream":
        self._check_thread()
        if self._pipes:
            self._unlink_pipes()
        if self._flowing is not False:
            self._flowing = False
            self._set_read_fast(None)
            if "pause" in self._events:
                self.emit("pause")
        self._paused = True
        return self

    def resume(self) -> "Stream":
        self._check_thread()
        if not self._flowing:
            # Flowing unless someone listens for 'readable' (then resume() only drains).
            self._flowing = not self._readable_listening
            if not self._resume_scheduled:
                self._resume_scheduled = True
                self._loop._tick((self._resume_now, ()))
        self._paused = False
        return self

    def _resume_now(self) -> None:
        self._resume_scheduled = False
        if self._destroyed:
            return
        if "resume" in self._events:
            self.emit("resume")
        self._flow()  # which also updates _read_fast
        if self._flowing and not self._events.get("data"):
            self._start_reading()  # with no 'data' listener this reads and discards, as Node

    def is_paused(self) -> bool:
        return self._paused or self._flowing is False

    def set_encoding(self, encoding: Any = "utf8") -> "Stream":
        self._check_thread()
        enc = normalize_encoding(encoding)
        self._unlink_pipes()
        self._decoder = Decoder(enc)
        if self._rbuf:
            text = "".join(self._decoder.write(c) if isinstance(c, bytes) else c for c in self._rbuf)
            self._rbuf = None
            self._rlen = 0
            if text:
                self._buffer(text)
        self._update_read_fast()
        return self

    def pipe(self, destination: Any, end: bool = True) -> Any:
        """Writes everything read to `destination`, pausing while it is full; ends it
        when this ends (unless end=False). Returns the destination."""
        self._check_thread()
        connect_pipe(self, destination, end)
        return destination

    def unpipe(self, destination: Any = None) -> "Stream":
        self._check_thread()
        for flow in list(self._pipes):
            if destination is None or flow.destination is destination:
                flow.stop()
        return self

    # -- writing ----------------------------------------------------------------

    def _update_write_fast(self) -> None:
        # The handle's address, which csrc/accel.c's write reads, or False.
        fast = (self._handle is not None and not self._connecting and not self._corked
                and not self._ending and not self._destroyed and not self._wbuf)
        self._write_fast = self._address if fast else False

    def write(self, data: Any, encoding: Any = None, callback: _Callback = None) -> bool:
        """Writes `data` (bytes-like or str); False when the buffer is at or over the
        high-water mark ('drain' follows once it empties)."""
        if self._write_fast and type(data) is bytes and encoding is None and callback is None:
            # pn_write checks the thread (PN_EWRONGTHREAD) so that this path need not.
            n = len(data)
            queued = _pn_write(self._handle, data, n)
            if queued == 0:
                # As node 20, the answer is computed after the write: a chunk the
                # kernel took at once does not count against the high-water mark
                # (nothing buffered is below any mark, 0 included).
                if self._wlen < self._whwm or not self._wlen:
                    return True
                self._need_drain = True
                return False
            return self._dispatched(n, queued, None)
        if callable(encoding) and callback is None:
            encoding, callback = None, encoding
        return self._write_slow(data, encoding, callback)

    def _write_slow(self, data: Any, encoding: Any, callback: _Callback) -> bool:
        self._check_thread()
        if callback is not None:
            check_callable(callback, "cb")
        chunk = _to_bytes(data, encoding)
        if self._after_fin and self._ending:
            return self._write_after_fin(callback)
        if self._handle is None and not self._connecting and not self._destroyed and not self._ending:
            err = state_error("ERR_SOCKET_CLOSED", "Socket is closed")
            self._pending += 1
            self._loop.next_tick(self._write_failed, err, callback)
            return False
        if self._ending:
            err = state_error("ERR_STREAM_WRITE_AFTER_END", "write after end")
            if callback is not None:
                self._loop.next_tick(callback, err)
            self._loop.next_tick(self._error_or_destroy, err)
            return False
        if self._destroyed:
            err = state_error("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed")
            if callback is not None:
                self._loop.next_tick(callback, err)
            return False
        if self._write_fast:
            n = len(chunk)
            return self._dispatched(n, _pn_write(self._handle, chunk, n), callback)
        # Connecting, corked, or earlier chunks still waiting: buffer in order.
        if self._wbuf:
            self._wbuf.append((chunk, callback))
        else:
            self._wbuf = [(chunk, callback)]
        self._bytes_pending += len(chunk)
        self._wlen += len(chunk)
        ok = self._wlen < self._whwm
        if not ok:
            self._need_drain = True
        return ok

    def _dispatched(self, n: int, queued: int, callback: _Callback) -> bool:
        """Accounts for a chunk handed to pn_write/pn_writev: sent (0), queued in libuv
        (> 0) or failed (< 0)."""
        if queued == lib.PN_EWRONGTHREAD:
            self._check_thread()  # raises
        self._pending += 1
        if queued == 0:
            self._loop._tick((self._after_write, (callback,)))
        elif queued > 0:
            self._wlen += n
            if self._inflight is None:
                self._inflight = deque()
            self._inflight.append((n, callback))
        else:
            err = uv_error(queued, "write")
            self._errored = self._errored or err
            self._loop.next_tick(self._write_failed, err, callback)
            return False
        ok = self._wlen < self._whwm
        if not ok:
            self._need_drain = True
        return ok

    def _flush_buffered(self) -> None:
        chunks, self._wbuf = self._wbuf, ()
        self._bytes_pending = 0
        self._update_write_fast()
        total = sum(len(c) for c, _ in chunks)
        self._wlen -= total
        if len(chunks) == 1:
            chunk, cb = chunks[0]
            self._dispatched(total, _pn_write(self._handle, chunk, total), cb)
            return
        bufs = _new_cstrings("char *[]", [ffi.from_buffer(c) for c, _ in chunks])
        lens = _new_cstrings("size_t[]", [len(c) for c, _ in chunks])
        queued = lib.pn_writev(self._handle, bufs, lens, len(chunks))
        callbacks = [cb for _, cb in chunks]
        self._dispatched(total, queued, _call_all(callbacks) if any(callbacks) else None)

    def _on_written(self, status: int) -> None:
        n, cb = self._inflight.popleft()  # type: ignore[union-attr]
        self._wlen -= n
        if status < 0:
            err = uv_error(status, "write")
            self._errored = self._errored or err
            self._write_failed(err, cb)
            return
        self._after_write(cb)

    def _after_write(self, cb: _Callback) -> None:
        self._pending -= 1
        if self._need_drain and not self._wlen and not self._ending and not self._destroyed:
            self._need_drain = False
            self.emit("drain")
        if cb is not None:
            cb(None)
        if self._destroyed:
            self._error_buffer()
        if self._ending:
            self._maybe_finish(False)

    def _write_failed(self, err: BaseException, cb: _Callback) -> None:
        self._pending -= 1
        if cb is not None:
            cb(err)
        self._error_buffer()
        self._error_or_destroy(err)

    def _write_after_fin(self, callback: _Callback) -> bool:
        # As Node's writeAfterFIN: the callback and 'error' hear of it (no 'error' if
        # the socket is destroyed already).
        err = OSError(errno.EPIPE, "This socket has been ended by the other party")
        err.code = "EPIPE"  # type: ignore[attr-defined]
        if callback is not None:
            self._loop.next_tick(callback, err)
        self.destroy(err)
        return False

    def _error_buffer(self, err: Optional[BaseException] = None) -> None:
        """Fails the chunks that never reached libuv and the end() callbacks."""
        if not self._wbuf and not self._end_cbs:
            return
        if err is None:
            err = state_error("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed")
        chunks, self._wbuf = self._wbuf, ()
        for chunk, cb in chunks:
            self._wlen -= len(chunk)
            if cb is not None:
                cb(err)
        callbacks, self._end_cbs = self._end_cbs, ()
        for cb in callbacks:
            if cb is not None:
                cb(err)

    def cork(self) -> None:
        self._check_thread()
        if self._handle is not None:
            lib.pn_pipe_stop(self._handle)  # corked data must not be overtaken
        self._corked += 1
        self._write_fast = False

    def uncork(self) -> None:
        self._check_thread()
        if self._corked:
            self._corked -= 1
            if not self._corked and self._wbuf and self._handle is not None and not self._connecting:
                self._flush_buffered()
            self._update_write_fast()

    def end(self: _S, data: Any = None, encoding: Any = None, callback: _Callback = None) -> _S:
        """Writes `data` if given, then half-closes (shutdown) once everything is sent;
        'finish' follows."""
        self._check_thread()
        if callable(data) and encoding is None and callback is None:
            data, callback = None, data
        elif callable(encoding) and callback is None:
            encoding, callback = None, encoding
        if callback is not None:  # as write()
            check_callable(callback, "cb")
        if data is not None:
            self.write(data, encoding)
        err = self._end()
        if callback is not None:
            if err is not None or self._finished:
                self._loop.next_tick(callback, err)
            else:
                self._end_cbs = [*self._end_cbs, callback]
        return self

    def _end(self) -> Optional[BaseException]:
        """end() without data or callback; returns what its callback would be told."""
        if self._corked:
            self._corked = 1
            self.uncork()
        if self._errored is None and not self._ending:
            self._ending = True
            self._write_fast = False
            self._maybe_finish(True)
            return None
        if self._finished:
            return state_error("ERR_STREAM_ALREADY_FINISHED", "Cannot call end after a stream was finished")
        if self._destroyed:
            return state_error("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed")
        return None

    def _need_finish(self) -> bool:
        return (self._ending and not self._destroyed and not self._wlen and not self._wbuf
                and self._errored is None and not self._finished and not self._inflight
                and not self._close_emitted)

    def _maybe_finish(self, sync: bool) -> None:
        if not self._need_finish():
            return
        if not self._final_called:
            self._final_called = True
            self._final()
            return
        if self._prefinished and self._pending == 0:
            self._pending += 1
            if sync:
                self._loop._tick((self._finish, ()))
            else:
                self._finish()

    def _final(self) -> None:
        """Node's net.Socket._final: shutdown(), after connect if still connecting."""
        if self._connecting:
            self._final_called = False  # retried by _opened()
            return
        if self._handle is None or not self._writable_on:
            self._final_done(0)
            return
        err = lib.pn_shutdown(self._handle)
        if err:
            self._final_done(0 if err_name(err) == "ENOTCONN" else err)
        else:
            if self._loop._embedder is not None:  # the shutdown waits in libuv for its next iteration
                self._loop.work_queued()

    def _final_done(self, err: int) -> None:
        if err:
            exc = uv_error(err, "shutdown")
            callbacks, self._end_cbs = self._end_cbs, ()
            for cb in callbacks:
                if cb is not None:
                    cb(exc)
            self._error_or_destroy(exc)
        else:
            self._on_shutdown(0)

    def _on_shutdown(self, status: int) -> None:
        # (as Node, the shutdown's own status is not an error)
        if self._need_finish():
            self._prefinished = True
            if "prefinish" in self._events:
                self.emit("prefinish")
            self._pending += 1
            self._loop._tick((self._finish, ()))

    def _finish(self) -> None:
        self._pending -= 1
        if not self._need_finish() or self._pending:
            return
        self._finished = True
        callbacks, self._end_cbs = self._end_cbs, ()
        for cb in callbacks:
            if cb is not None:
                cb(None)
        if "finish" in self._events:
            self.emit("finish")
        if self._end_emitted or not self._readable_on:
            self.destroy()

    # -- destroying -------------------------------------------------------------

    def _error_or_destroy(self, err: BaseException) -> None:
        if not self._destroyed:
            self.destroy(err)

    def destroy(self, error: Optional[BaseException] = None) -> "Stream":
        """Closes the handle at once; 'error' (if given) then 'close'(had_error)."""
        self._check_thread()
        if self._destroyed:
            return self
        if error is not None and not isinstance(error, BaseException):
            raise type_error("ERR_INVALID_ARG_TYPE", "destroy() takes an exception or None")
        self._destroyed = True
        if self._handleless_timer is not None:
            self._drop_handleless_timer()
        if error is not None and self._errored is None:
            self._errored = error
        if self._connecting and (self._wbuf or self._end_cbs):
            # As Node: what waited for the connection fails with this, not 'error'.
            self._error_buffer(state_error("ERR_SOCKET_CLOSED_BEFORE_CONNECTION",
                                           "Socket closed before the connection was established"))
        self._connecting = False
        self._write_fast = False
        # (C's reference to it goes with the handle, and C gives a closing handle's
        # reads to nobody)
        self._read_fast = None
        self._reading = False
        if self._wbuf or self._end_cbs:
            self._loop.next_tick(self._error_buffer)
        had_error = error is not None
        if self._handle is not None:
            handle = self._handle
            set_handle(self, None)
            self._bytes_read = lib.pn_stream_bytes_read(handle)  # the handle's counters go with it
            self._bytes_written = lib.pn_stream_bytes_written(handle)
            _dispatch._objects[self._slot] = _Closing(self, had_error)
            self._slot = -1
            if self._reset_on_destroy:
                err = lib.pn_tcp_close_reset(handle)
                if err:
                    lib.pn_handle_close(handle)
                    self._loop.next_tick(self.emit, "error", uv_error(err, "reset"))
            else:
                lib.pn_handle_close(handle)
            if self._loop._embedder is not None:  # the close completes in libuv's next iteration
                self._loop.work_queued()
            if error is not None:
                self._loop.next_tick(self._emit_error, error)
        else:
            if error is not None:
                self._loop.next_tick(self._emit_error, error)
            self._loop._tick((self._emit_close, (had_error,)))
        server, self._server = self._server, None
        if server is not None:
            server._connection_closed()
        return self

    def _emit_error(self, error: BaseException) -> None:
        if not self._error_emitted:
            self._error_emitted = True
            self.emit("error", error)

    def _emit_close(self, had_error: bool) -> None:
        self._close_emitted = True
        if "close" in self._events:
            self.emit("close", had_error)

    def destroy_soon(self) -> None:
        self._check_thread()
        if self.writable:
            self.end()
        if self._finished:
            self.destroy()
        else:
            self.once("finish", lambda: self.destroy())

    # -- timeouts ---------------------------------------------------------------

    def set_timeout(self, ms: Any, callback: Optional[Callable[[], Any]] = None) -> "Stream":
        """Emits 'timeout' after `ms` idle milliseconds (0 disables); every read and
        write pushes it back."""
        self._check_thread()
        if isinstance(ms, bool) or not isinstance(ms, (int, float)):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "msecs" argument must be of type number. Received ' + describe(ms))
        if ms != ms or ms < 0 or ms == float("inf"):
            raise value_error("ERR_OUT_OF_RANGE", 'The value of "msecs" is out of range. It must be a non-negative finite number. Received %r' % ms)
        self._timeout_ms = min(ms, TIMEOUT_MAX)  # clamped as Node does (it also warns)
        if self._handle is not None:
            lib.pn_stream_set_timeout(self._handle, _timer_ms(self._timeout_ms))
        else:
            self._time_out_without_handle()
        if callback is not None:
            check_callable(callback)
            if self._timeout_ms == 0:
                self.remove_listener("timeout", callback)
            else:
                self.once("timeout", callback)
        return self

    def _time_out_without_handle(self) -> None:
        """A socket with no handle yet (never connected) times out all the same, as
        Node's, by a timer of its own that holds no loop alive."""
        if self._handleless_timer is not None:
            self._drop_handleless_timer()
        if self._timeout_ms and not self._destroyed and self._loop._ptr is not None:  # (not on a closed loop)
            self._handleless_timer = Timer(self._loop, self._handleless_timeout, self._timeout_ms, (), False).unref()

    def _drop_handleless_timer(self) -> None:
        # (callers test for one first, no call then: destroy() and _attach() run per connection)
        timer, self._handleless_timer = self._handleless_timer, None
        if timer is not None:
            timer.close()

    def _handleless_timeout(self) -> None:
        self._handleless_timer = None
        if not self._destroyed:
            self.emit("timeout")

    def _on_idle_timeout(self) -> None:
        self.emit("timeout")

    # -- state ------------------------------------------------------------------

    @property
    def readable(self) -> bool:
        return (self._readable_on and not self._destroyed and not self._error_emitted
                and not self._end_emitted)

    @property
    def writable(self) -> bool:
        return self._writable_now()

    def _writable_now(self) -> bool:
        # (the property's body: a method call costs less than a property's on 3.11,
        # and the end of every connection asks twice)
        return (self._writable_on and not self._destroyed and self._errored is None
                and not self._ending)

    @property
    def allow_half_open(self) -> bool:
        return self._allow_half_open

    @property
    def destroyed(self) -> bool:
        return self._destroyed

    @property
    def writable_length(self) -> int:
        return self._wlen

    @property
    def writable_high_water_mark(self) -> int:
        return self._whwm

    @property
    def readable_length(self) -> int:
        return self._rlen

    @property
    def readable_high_water_mark(self) -> int:
        return self._rhwm

    @property
    def readable_flowing(self) -> Optional[bool]:
        return self._flowing

    @property
    def readable_ended(self) -> bool:
        return self._end_emitted

    @property
    def writable_ended(self) -> bool:
        return self._ending

    @property
    def writable_finished(self) -> bool:
        return self._finished

    @property
    def writable_need_drain(self) -> bool:
        return self._need_drain

    @property
    def writable_corked(self) -> int:
        return self._corked

    @property
    def errored(self) -> Optional[BaseException]:
        return self._errored

    @property
    def closed(self) -> bool:
        return self._close_emitted

    @property
    def bytes_read(self) -> int:
        if self._handle is not None:
            return int(lib.pn_stream_bytes_read(self._handle))
        return int(self._bytes_read)

    @property
    def bytes_written(self) -> int:
        """Bytes handed to the kernel or queued for it, as Node's bytesWritten."""
        base = lib.pn_stream_bytes_written(self._handle) if self._handle is not None else self._bytes_written
        return int(base) + self._bytes_pending

    @property
    def timeout(self) -> Optional[float]:
        return self._timeout_ms

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.destroy()


# CPython: write()'s fast path as a C method (csrc/accel.c); the Python write above
# stays what it calls for everything else.
WRITE_IN_C = _ACCEL and lib.pn_accel_install_write(id(Stream), id(Stream.write)) == 0
# Likewise, on every EventEmitter: emit, and adding (on, once, prepend_*) and removing
# listeners while no 'newListener' or 'removeListener' listener and no limit warning
# is involved: every accepted socket's on('data'), pipe()'s listeners and clean-up; a
# once() listener firing (_OnceWrapper.__call__); get_max_listeners, which adding asks.
EMITTER_PY = (EventEmitter.add_listener, EventEmitter.once, EventEmitter.prepend_listener,
              EventEmitter.prepend_once_listener, EventEmitter.remove_listener, EventEmitter.emit,
              _OnceWrapper.__call__, EventEmitter.get_max_listeners)
EMITTER_IN_C = _ACCEL and lib.pn_accel_install_emitter(id(EventEmitter), id(EMITTER_PY), id(_OnceWrapper)) == 0
