"""pyuv_net.asyncio: the libuv loop driven from a running asyncio loop (the stdlib one
and uvloop), and the awaitables on top of it, over real loopback sockets."""
from __future__ import annotations

import asyncio
import platform
import sys
from typing import Any, Awaitable, Callable, Iterator, List

import pytest

import pyuv_net as net
import pyuv_net.asyncio as net_asyncio

HOST = "127.0.0.1"
IS_PYPY = platform.python_implementation() == "PyPy"

pytestmark = pytest.mark.timeout(30)


def _new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        import uvloop  # a test dependency on CPython (pyproject.toml, scripts/bootstrap.sh)
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


Runner = Callable[[Callable[[], Awaitable[Any]]], Any]


@pytest.fixture(params=["asyncio", pytest.param("uvloop", marks=pytest.mark.skipif(
    IS_PYPY, reason="uvloop is built for CPython only (no PyPy wheels or source build)"))])
def run(request: Any) -> Iterator[Runner]:
    """Runs a coroutine function on a fresh asyncio loop of the parametrized kind, with
    a 10 s bound; afterwards nothing of pyuv_net may be left open."""
    aloop = _new_loop(request.param)

    def runner(main: Callable[[], Awaitable[Any]]) -> Any:
        return aloop.run_until_complete(asyncio.wait_for(main(), 10))

    try:
        yield runner
        assert net.active_handles() == 0, "handles left open"
    finally:
        net_asyncio.detach()
        aloop.close()
        net.get_loop().close()


async def echo_server(**options: Any) -> "tuple[net.Server, int]":
    server = net.create_server(lambda sock: sock.pipe(sock), **options)
    await server.listen_async(0, HOST)
    return server, server.address()["port"]


def test_echo_round_trip_with_the_awaitables(run: Runner) -> None:
    async def main() -> bytes:
        server, port = await echo_server()
        sock = await net.connect_async(port, HOST)
        assert sock.remote_port == port
        sock.write(b"hello ")
        sock.write("world")
        await sock.drain()
        sock.end()
        got = b"".join([chunk async for chunk in sock])
        await server.close_async()
        return got

    assert run(main) == b"hello world"


def test_async_for_gives_str_after_set_encoding(run: Runner) -> None:
    async def main() -> List[Any]:
        server, port = await echo_server()
        sock = await net.connect_async(port, HOST)
        sock.set_encoding("utf8")
        sock.end("h\u00e9llo".encode("utf8"))
        got = [chunk async for chunk in sock]
        await server.close_async()
        return got

    got = run(main)
    assert all(isinstance(c, str) for c in got) and "".join(got) == "h\u00e9llo"


def test_callbacks_run_inside_asyncio_and_may_start_tasks(run: Runner) -> None:
    async def main() -> bytes:
        async def answer(sock: net.Socket, data: bytes) -> None:
            await asyncio.sleep(0)
            sock.end(b"task saw " + data)

        def on_connection(sock: net.Socket) -> None:
            sock.on("data", lambda data: asyncio.get_running_loop().create_task(answer(sock, data)))

        server = net.create_server(on_connection)
        await server.listen_async(0, HOST)
        sock = await net.connect_async(port=server.address()["port"], host=HOST)
        sock.write(b"ping")
        got = b"".join([chunk async for chunk in sock])
        await server.close_async()
        return got

    assert run(main) == b"task saw ping"


def test_connect_async_raises_the_connection_error(run: Runner) -> None:
    async def main() -> BaseException:
        server, port = await echo_server()
        await server.close_async()
        with pytest.raises(ConnectionRefusedError) as info:
            await net.connect_async(port, HOST)
        return info.value

    err = run(main)
    assert err.code == "ECONNREFUSED" and err.syscall == "connect"  # type: ignore[attr-defined]


def test_connect_async_over_a_local_path(run: Runner, tmp_path: Any) -> None:
    path = str(tmp_path / "s.sock")

    async def main() -> bytes:
        server = net.create_server(lambda sock: sock.end(b"local"))
        await server.listen_async(path)
        sock = await net.connect_async(path)
        got = b"".join([chunk async for chunk in sock])
        await server.close_async()
        return got

    assert run(main) == b"local"


def test_cancelling_connect_async_destroys_the_socket(run: Runner) -> None:
    async def main() -> None:
        server, port = await echo_server()
        task = asyncio.ensure_future(net.connect_async(port, HOST))
        await asyncio.sleep(0)  # the task now waits for 'connect'
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await server.close_async()  # returns only once no connection is left

    run(main)


def test_listen_async_raises_eaddrinuse(run: Runner) -> None:
    async def main() -> BaseException:
        server, port = await echo_server()
        other = net.create_server()
        with pytest.raises(OSError) as info:
            await other.listen_async(port, HOST)
        await server.close_async()
        return info.value

    assert run(main).code == "EADDRINUSE"  # type: ignore[attr-defined]


def test_close_async_on_a_server_not_listening_raises(run: Runner) -> None:
    async def main() -> BaseException:
        with pytest.raises(RuntimeError) as info:
            await net.create_server().close_async()
        return info.value

    assert run(main).code == "ERR_SERVER_NOT_RUNNING"  # type: ignore[attr-defined]


def test_drain_waits_for_the_peer_to_read(run: Runner) -> None:
    payload = b"x" * (8 << 20)  # more than the kernel buffers on loopback

    async def main() -> "tuple[bool, bool, int]":
        received: List[int] = []
        peers: List[net.Socket] = []
        done = asyncio.get_running_loop().create_future()

        def on_connection(sock: net.Socket) -> None:
            sock.pause()  # reads nothing until the writer waits in drain()
            peers.append(sock)
            sock.on("data", lambda data: received.append(len(data)))
            sock.on("end", lambda: done.set_result(sum(received)))

        server = net.create_server(on_connection)
        await server.listen_async(0, HOST)
        sock = await net.connect_async(server.address()["port"], HOST)
        accepted = sock.write(payload)
        needed = sock.writable_need_drain
        drain = asyncio.ensure_future(sock.drain())
        await asyncio.sleep(0)
        still_waiting = not drain.done()
        peers[0].resume()
        await drain
        sock.end()
        total = await done
        await server.close_async()
        return (not accepted and needed, still_waiting, total)

    wrote_false, waited, total = run(main)
    assert wrote_false and waited and total == len(payload)


def test_drain_raises_when_the_socket_is_destroyed_first(run: Runner) -> None:
    async def main() -> BaseException:
        peers: List[net.Socket] = []
        server = net.create_server(lambda sock: peers.append(sock.pause()))
        await server.listen_async(0, HOST)
        sock = await net.connect_async(server.address()["port"], HOST)
        sock.write(b"y" * (8 << 20))
        drain = asyncio.ensure_future(sock.drain())
        await asyncio.sleep(0)
        sock.destroy()
        with pytest.raises(RuntimeError) as info:
            await drain
        peers[0].destroy()
        await server.close_async()
        return info.value

    assert run(main).code == "ERR_STREAM_DESTROYED"  # type: ignore[attr-defined]


def test_async_for_applies_backpressure(run: Runner) -> None:
    """While the consumer does not ask for more, the socket stops reading: the
    sender's buffer fills (write() says False) and the reader holds at most its
    high-water mark plus one read."""
    payload = bytes(range(256)) * (16 << 10)  # 4 MiB

    async def main() -> "tuple[int, int, bytes]":
        writer_full = asyncio.get_running_loop().create_future()

        def on_connection(sock: net.Socket) -> None:
            if not sock.write(payload):
                sock.once("drain", lambda: None)
                writer_full.set_result(None)
            sock.end()

        server = net.create_server(on_connection)
        await server.listen_async(0, HOST)
        sock = await net.connect_async(server.address()["port"], HOST)
        chunks = sock.__aiter__()
        first = await chunks.__anext__()
        await writer_full  # the sender is blocked: we stopped reading
        held = sock.readable_length
        rest = b"".join([chunk async for chunk in chunks])
        await server.close_async()
        return held, sock.readable_high_water_mark, first + rest

    held, hwm, got = run(main)
    assert held <= hwm + 256 * 1024  # one read more than the mark at most (the slab)
    assert got == payload


def test_async_for_raises_the_socket_error(run: Runner) -> None:
    async def main() -> BaseException:
        server = net.create_server(lambda sock: sock.on("data", lambda _: sock.reset_and_destroy()))
        await server.listen_async(0, HOST)
        sock = await net.connect_async(server.address()["port"], HOST)
        sock.write(b"please reset")
        with pytest.raises(OSError) as info:
            async for _ in sock:
                pass
        await server.close_async()
        return info.value

    assert run(main).code == "ECONNRESET"  # type: ignore[attr-defined]


def test_an_exception_in_a_callback_goes_to_the_exception_handler(run: Runner) -> None:
    async def main() -> "tuple[List[Any], bytes]":
        seen: List[Any] = []
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: seen.append(context))

        def on_connection(sock: net.Socket) -> None:
            sock.pipe(sock)
            raise ZeroDivisionError("from a listener")

        server = net.create_server(on_connection)
        await server.listen_async(0, HOST)
        sock = await net.connect_async(server.address()["port"], HOST)
        sock.end(b"still served")
        got = b"".join([chunk async for chunk in sock])
        await server.close_async()
        return seen, got

    seen, got = run(main)
    assert got == b"still served"
    assert [type(c["exception"]) for c in seen] == [ZeroDivisionError]
    assert "pyuv_net" in seen[0]["message"]


def test_timers_and_next_ticks_started_from_asyncio_code_run(run: Runner) -> None:
    async def main() -> List[str]:
        order: List[str] = []
        fired = asyncio.get_running_loop().create_future()
        net_asyncio.attach()
        net.next_tick(order.append, "tick")
        net.set_immediate(order.append, "immediate")
        net.set_timeout(lambda: fired.set_result(None), 5)
        await fired
        return order

    assert run(main) == ["tick", "immediate"]


def test_an_unrefd_server_still_serves_under_asyncio(run: Runner) -> None:
    async def main() -> bytes:
        server, port = await echo_server()
        server.unref()
        sock = await net.connect_async(port, HOST)
        sock.unref()
        sock.end(b"unref")
        got = b"".join([chunk async for chunk in sock])
        await server.close_async()
        return got

    assert run(main) == b"unref"


def test_the_polling_fallback_serves_too(run: Runner) -> None:
    async def main() -> "tuple[bool, bytes]":
        driver = net_asyncio.attach(use_backend_fd=False)
        server, port = await echo_server()
        sock = await net.connect_async(port, HOST)
        sock.end(b"polled")
        got = b"".join([chunk async for chunk in sock])
        await server.close_async()
        return driver.uses_backend_fd, got

    assert run(main) == (False, b"polled")


def test_a_big_write_from_asyncio_code_completes_without_drain(run: Runner) -> None:
    payload = b"z" * (8 << 20)

    async def main() -> int:
        total = asyncio.get_running_loop().create_future()
        received: List[int] = []

        def on_connection(sock: net.Socket) -> None:
            sock.on("data", lambda data: received.append(len(data)))
            sock.on("end", lambda: total.set_result(sum(received)))

        server = net.create_server(on_connection)
        await server.listen_async(0, HOST)
        sock = await net.connect_async(server.address()["port"], HOST)
        sock.end(payload)  # the tail waits in libuv, registered only at its next run
        got = await total
        await server.close_async()
        return got

    assert run(main) == len(payload)


def test_after_asyncio_the_loop_runs_by_itself_again() -> None:
    aloop = asyncio.new_event_loop()
    try:
        aloop.run_until_complete(_attach_and_return())
    finally:
        aloop.close()
    fired: List[bool] = []
    try:
        net.set_timeout(lambda: fired.append(True), 1)
        assert net.run() is False  # returns: nothing keeps it alive once detached
        assert fired == [True]
    finally:
        net.get_loop().close()


async def _attach_and_return() -> None:
    net_asyncio.attach()


def test_closing_the_loop_detaches_it(run: Runner) -> None:
    async def main() -> bool:
        loop = net.Loop()
        driver = net_asyncio.attach(loop)
        loop.close()
        return loop._embedder is None and not driver.uses_backend_fd

    assert run(main) is True


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no backend descriptor")
def test_uses_the_backend_descriptor_where_there_is_one(run: Runner) -> None:
    async def main() -> bool:
        return net_asyncio.attach().uses_backend_fd

    assert run(main) is True


def test_a_write_callback_queued_from_asyncio_code_wakes_the_driver(run: Runner) -> None:
    """A write the kernel takes at once queues its callback as a tick. From asyncio code
    (outside the libuv loop's run) that tick must wake the driver: nothing else would
    here (the peer is a plain socket, outside the loop, and the periodic check is an
    hour away)."""
    import socket

    async def main() -> "tuple[Any, bool]":
        driver = net_asyncio.attach(check_interval=3600)
        with socket.create_server((HOST, 0)) as listener:
            sock = await net.connect_async(listener.getsockname()[1], HOST)
            peer, _ = listener.accept()  # (queued by the kernel already: no wait)
            with peer:
                while driver._soon is not None:  # until the driver has no run pending
                    await asyncio.sleep(0)
                written = asyncio.get_running_loop().create_future()
                sock.write(b"x", lambda err: written.set_result(err))
                err = await written
                closed = asyncio.get_running_loop().create_future()
                sock.on("close", closed.set_result)
                sock.destroy()
                had_error = await closed
        return err, had_error

    assert run(main) == (None, False)
