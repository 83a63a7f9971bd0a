"""Running pyuv_net inside an asyncio program (the stdlib loop or uvloop).

    import asyncio
    import pyuv_net as net

    async def main() -> None:
        server = net.create_server(lambda sock: sock.pipe(sock))
        await server.listen_async(0, "127.0.0.1")
        sock = await net.connect_async(server.address()["port"], "127.0.0.1")
        sock.write(b"hello")
        await sock.drain()
        async for chunk in sock:
            ...

    asyncio.run(main())

How the two loops meet. libuv's backend descriptor (epoll on Linux, kqueue on macOS)
becomes readable when libuv has I/O to handle; asyncio watches it with add_reader and
runs the libuv loop with UV_RUN_NOWAIT (which never blocks) when it is readable, when
libuv's next timer is due, and as soon as pyuv_net work is queued from asyncio code (a
next tick, a timer). A check every `check_interval` seconds catches the rest that code
outside pyuv_net's callbacks can start without telling anyone (the tail of a large
write, a shutdown): at worst it starts that much later. Where there is no backend
descriptor (Windows), the libuv loop is run every `poll_interval` seconds instead.

Errors. Under `net.run()` an exception raised by a callback stops the loop and comes out
of run(). asyncio has no run() of ours to raise from, so it goes where asyncio sends an
exception raised by a callback: the loop's exception handler (logged by default; set one
with `loop.set_exception_handler` to make it fatal), and both loops go on. An 'error'
that an awaitable below is waiting for fails that awaitable instead.

The awaitables attach the loop by themselves; `attach()` is for code that only uses
callbacks (a 'data' handler may start asyncio tasks: it runs inside the asyncio loop).
"""
from __future__ import annotations

import asyncio
import sys
from typing import Any, AsyncIterator, Callable, List, Optional, Tuple

from ._errors import state_error
from ._events import EventEmitter
from ._loop import Loop, get_loop
from ._uv import lib

__all__ = ["Driver", "attach", "detach"]

CHECK_INTERVAL = 0.05
POLL_INTERVAL = 0.005


class Driver:
    """Runs one pyuv_net Loop from one asyncio loop (made by attach())."""

    def __init__(self, loop: Loop, aloop: asyncio.AbstractEventLoop, use_backend_fd: bool = True,
                 check_interval: float = CHECK_INTERVAL, poll_interval: float = POLL_INTERVAL) -> None:
        if loop._ptr is None:
            raise state_error("ERR_LOOP_CLOSED", "the loop is closed")
        self.loop = loop
        self.aloop = aloop
        fd = lib.pn_loop_backend_fd(loop._ptr) if use_backend_fd and sys.platform != "win32" else -1
        self._fd = fd
        self._interval = check_interval if fd >= 0 else poll_interval
        self._soon: Optional[asyncio.Handle] = None
        self._later: Optional[asyncio.TimerHandle] = None
        if fd >= 0:
            aloop.add_reader(fd, self._run)
        # The asyncio loop decides how long the program lives, so libuv's loop stays
        # alive while attached: uv_run does nothing at all on a loop with nothing
        # referenced, and an unref'd socket's events would wait (with the descriptor
        # readable, asyncio would call us again and again). The loop's own wake-up
        # handle, referenced, keeps it alive without waking it.
        lib.pn_handle_ref(loop._async._handle)
        loop._set_embedder(self)
        self.wake()

    @property
    def uses_backend_fd(self) -> bool:
        return self._fd >= 0

    def wake(self) -> None:
        """Runs the pyuv_net loop on the asyncio loop's next iteration."""
        if self._soon is not None:
            return
        if self.aloop.is_closed():
            self.detach()
            return
        self._soon = self.aloop.call_soon(self._run)

    def detach(self) -> None:
        """Stops driving the loop (idempotent); the loop can then run by itself again."""
        if self.loop._embedder is self:
            self.loop._set_embedder(None)
            if self.loop._ptr is not None:
                lib.pn_handle_unref(self.loop._async._handle)
        for handle in (self._soon, self._later):
            if handle is not None:
                handle.cancel()
        self._soon = self._later = None
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            if not self.aloop.is_closed():
                self.aloop.remove_reader(fd)

    def _run(self) -> None:
        self._soon = None
        loop = self.loop
        if loop._ptr is None or loop._embedder is not self:
            self.detach()
            return
        if not loop._running:  # a callback of ours that calls net.run() itself: let it
            try:
                loop.run("nowait")
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:
                self.aloop.call_exception_handler({
                    "message": "Exception in a pyuv_net callback", "exception": exc, "pyuv_net_loop": loop})
        self._schedule()

    def _schedule(self) -> None:
        """Asks asyncio to run the loop again when libuv needs it: now, when its next
        timer is due, or at the next periodic check, whichever is first."""
        loop = self.loop
        if loop._ptr is None or self.aloop.is_closed():
            return
        ms = 0 if loop._ticks else lib.pn_loop_backend_timeout(loop._ptr)
        if ms == 0:
            self.wake()
            return
        delay = self._interval if ms < 0 else min(ms / 1000.0, self._interval)
        if self._later is not None:
            self._later.cancel()
        self._later = self.aloop.call_later(delay, self._run)


def attach(loop: Optional[Loop] = None, *, use_backend_fd: bool = True,
           check_interval: float = CHECK_INTERVAL, poll_interval: float = POLL_INTERVAL) -> Driver:
    """Drives `loop` (default: the thread's default loop) from the running asyncio
    loop; returns its Driver (the same one when already attached to this asyncio loop).
    `use_backend_fd=False` forces the polling fallback (what Windows gets)."""
    aloop = asyncio.get_running_loop()
    target = loop if loop is not None else get_loop()
    current = target._embedder
    if isinstance(current, Driver):
        if current.aloop is aloop and current.uses_backend_fd == (use_backend_fd and sys.platform != "win32"):
            return current
        current.detach()
    return Driver(target, aloop, use_backend_fd, check_interval, poll_interval)


def detach(loop: Optional[Loop] = None) -> None:
    """Stops driving `loop` from asyncio (nothing happens when it is not attached)."""
    target = loop if loop is not None else get_loop()
    if isinstance(target._embedder, Driver):
        target._embedder.detach()


def _driver(loop: Loop) -> Driver:
    current = loop._embedder
    if isinstance(current, Driver) and current.aloop is asyncio.get_running_loop():
        current.wake()  # work queued from asyncio code since the last run
        return current
    return attach(loop)


def _settle(future: "asyncio.Future[Any]", error: Optional[BaseException], value: Any) -> None:
    if future.done():  # cancelled meanwhile, or settled already
        return
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)


def _settled_by(emitter: EventEmitter, loop: Loop, event: str,
                closed_error: Callable[[], BaseException]) -> "asyncio.Future[Tuple[Any, ...]]":
    """A future for `event` on `emitter`: its arguments, or the 'error', or
    closed_error() if 'close' comes first. Our listeners go when it settles."""
    future: "asyncio.Future[Tuple[Any, ...]]" = _driver(loop).aloop.create_future()
    listeners: List[Tuple[str, Callable[..., None]]] = []

    def settle(error: Optional[BaseException], value: Tuple[Any, ...] = ()) -> None:
        for name, fn in listeners:
            emitter.remove_listener(name, fn)
        _settle(future, error, value)

    listeners.append((event, lambda *args: settle(None, args)))
    listeners.append(("error", settle))
    listeners.append(("close", lambda *args: settle(closed_error())))
    for name, fn in listeners:
        emitter.on(name, fn)
    future.add_done_callback(lambda _: settle(None))  # cancelled: our listeners go too
    return future


# -- the awaitables (reached as net.connect_async, Socket.drain, Server.listen_async, ...) --

async def connected(sock: Any) -> Any:
    """The socket once 'connect' has fired; its 'error' is raised. Cancelling the wait
    destroys the socket."""
    try:
        await _settled_by(sock, sock._loop, "connect",
                          lambda: state_error("ERR_SOCKET_CLOSED", "Socket closed before it connected"))
    except BaseException:
        sock.destroy()
        raise
    return sock


async def drained(sock: Any) -> None:
    """Returns at once while the socket's write buffer is under its high-water mark,
    otherwise at 'drain'; raises the socket's error, or ERR_STREAM_DESTROYED when it
    closes first."""
    if sock.errored is not None:
        raise sock.errored
    if sock.destroyed:
        raise state_error("ERR_STREAM_DESTROYED", "Cannot call drain after a stream was destroyed")
    if not sock.writable_need_drain:
        _driver(sock._loop)
        return
    await _settled_by(sock, sock._loop, "drain",
                      lambda: state_error("ERR_STREAM_DESTROYED", "The stream was destroyed before it drained"))


async def chunks(sock: Any) -> AsyncIterator[Any]:
    """`async for chunk in sock`: bytes (str after set_encoding) until 'end'; raises the
    socket's error. Reads in paused mode, so the socket stops reading from the kernel
    while high_water_mark bytes wait for this loop (backpressure), as Node's async
    iterator does."""
    driver = _driver(sock._loop)
    waiter: List["asyncio.Future[None]"] = []

    def wake(*_: Any) -> None:
        while waiter:
            future = waiter.pop()
            if not future.done():
                future.set_result(None)

    listeners = (("readable", wake), ("end", wake), ("error", wake), ("close", wake))
    for name, fn in listeners:
        sock.on(name, fn)
    try:
        while True:
            chunk = sock.read()
            if chunk is not None:
                yield chunk
                continue
            if sock.errored is not None:
                raise sock.errored
            if sock.readable_ended or sock.destroyed:
                return
            future = driver.aloop.create_future()
            waiter.append(future)
            driver.wake()
            await future
    finally:
        for name, fn in listeners:
            sock.remove_listener(name, fn)


async def listening(server: Any, *args: Any, **kwargs: Any) -> None:
    """server.listen(...), returning once 'listening'; its 'error' is raised."""
    server.listen(*args, **kwargs)
    await _settled_by(server, server._loop, "listening",
                      lambda: state_error("ERR_SERVER_NOT_RUNNING", "Server closed before it was listening"))


async def server_closed(server: Any) -> None:
    """server.close() and its completion (every connection ended); raises
    ERR_SERVER_NOT_RUNNING when it was not listening, as promisified close in Node."""
    future: "asyncio.Future[None]" = _driver(server._loop).aloop.create_future()
    server.close(lambda err: _settle(future, err, None))
    await future
