"""AbortController / AbortSignal and signal= for listen() and connect() (the node
comparison is tests/compat/abort_signal.*)."""
from typing import Any, Iterator, List

import pytest

import pyuv_net as net
from conftest import run_loop


@pytest.fixture(autouse=True)
def fresh_loop() -> Iterator[None]:
    yield
    assert net.active_handles() == 0
    net.get_loop().close()


def test_abort_emits_once_and_keeps_the_first_reason() -> None:
    controller = net.AbortController()
    seen: List[Any] = []
    controller.signal.on("abort", lambda: seen.append(controller.signal.reason))
    controller.abort("first")
    controller.abort("second")
    assert seen == ["first"] and controller.signal.aborted
    with pytest.raises(TypeError):  # a str reason is raised as given: Python refuses it
        controller.signal.throw_if_aborted()
    default = net.AbortSignal.abort()
    assert isinstance(default.reason, net.AbortError) and default.reason.code == "ABORT_ERR"
    with pytest.raises(net.AbortError):
        default.throwIfAborted()


def test_a_signal_must_be_an_abort_signal() -> None:
    with pytest.raises(TypeError) as info:
        net.create_server().listen(0, signal="nope")
    assert info.value.code == "ERR_INVALID_ARG_TYPE"  # type: ignore[attr-defined]


def test_connect_with_an_aborted_signal_never_connects() -> None:
    server = net.create_server()
    server.listen(0, "127.0.0.1")
    events: List[str] = []
    sock = net.connect(port=server.address()["port"], host="127.0.0.1", signal=net.AbortSignal.abort())
    sock.on("connect", lambda: events.append("connect"))
    sock.on("error", lambda err: events.append("error " + err.code))
    sock.on("close", lambda had_error: (events.append("close"), server.close()))
    run_loop()
    assert events == ["error ABORT_ERR", "close"]


def test_aborting_a_connected_socket_destroys_it() -> None:
    controller = net.AbortController()
    server = net.create_server(lambda peer: peer.on("end", server.close))
    server.listen(0, "127.0.0.1")
    errors: List[BaseException] = []
    sock = net.connect(port=server.address()["port"], host="127.0.0.1", signal=controller.signal)
    sock.on("connect", lambda: controller.abort())
    sock.on("error", errors.append)
    run_loop()
    assert sock.destroyed and [type(e) for e in errors] == [net.AbortError]


def test_aborting_a_listening_server_closes_it() -> None:
    controller = net.AbortController()
    server = net.create_server()
    closed: List[bool] = []
    server.on("close", lambda: closed.append(server.listening))
    server.listen(0, "127.0.0.1", signal=controller.signal, callback=controller.abort)
    run_loop()
    assert closed == [False]
