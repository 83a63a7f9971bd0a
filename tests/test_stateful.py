"""Random sequences of socket operations on a connected pair (Hypothesis): no crash,
no hang, and when neither side destroyed, each side receives exactly the bytes the
other wrote, in order.

Each rule is one call on one side (`a` or `b`) followed by a short turn of the loop
(run('nowait')), so calls interleave with I/O. At teardown both sides end (or have
been destroyed) and the loop runs to completion under the watchdog; that is where a
lost byte, a hang or a missing 'close' would show.
"""
from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule  # noqa: E402

import pyuv_net as net  # noqa: E402

from conftest import HOST, run_loop  # noqa: E402

SIDES = st.sampled_from(["a", "b"])


class Side:
    """One end of the pair: what it was asked to send and what it received."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.sent = bytearray()
        self.received = bytearray()
        self.ended = False
        self.destroyed = False
        self.closed = False
        self.errors = []
        sock.on("data", self.received.extend)
        sock.on("error", self.errors.append)
        sock.on("close", self._on_close)

    def _on_close(self, had_error: bool) -> None:
        self.closed = True


class SocketPair(RuleBasedStateMachine):
    @initialize()
    def connect_pair(self) -> None:
        self.sides = {}
        self.counter = 0
        server = net.create_server(allow_half_open=True)
        server.on("connection", lambda sock: (self.sides.__setitem__("b", Side(sock)), server.close()))
        server.listen(0, HOST)
        self.sides["a"] = Side(net.connect(server.address()["port"], HOST, allow_half_open=True))
        while "b" not in self.sides or self.sides["a"].sock.connecting:
            net.run("once")

    def _turn(self) -> None:
        net.run("nowait")

    def _side(self, name: str) -> Side:
        return self.sides[name]

    @rule(name=SIDES, size=st.integers(1, 200000), as_text=st.booleans())
    def write(self, name: str, size: int, as_text: bool) -> None:
        side = self._side(name)
        if side.ended or side.destroyed:
            return
        self.counter += 1
        data = (b"%s%d." % (name.encode(), self.counter) * (size // 4 + 1))[:size]
        side.sock.write(data.decode("ascii") if as_text else data)
        side.sent += data
        self._turn()

    @rule(name=SIDES)
    def end(self, name: str) -> None:
        side = self._side(name)
        if side.destroyed:
            return
        side.sock.end()
        side.ended = True
        self._turn()

    @rule(name=SIDES)
    def destroy(self, name: str) -> None:
        side = self._side(name)
        side.sock.destroy()
        side.destroyed = True
        self._turn()

    @rule(name=SIDES)
    def pause(self, name: str) -> None:
        self._side(name).sock.pause()
        self._turn()

    @rule(name=SIDES)
    def resume(self, name: str) -> None:
        self._side(name).sock.resume()
        self._turn()

    @rule(name=SIDES, ms=st.sampled_from([0, 1, 5, 1000]))
    def set_timeout(self, name: str, ms: int) -> None:
        self._side(name).sock.set_timeout(ms)
        self._turn()

    @rule(name=SIDES)
    def cork(self, name: str) -> None:
        self._side(name).sock.cork()
        self._turn()

    @rule(name=SIDES)
    def uncork(self, name: str) -> None:
        self._side(name).sock.uncork()
        self._turn()

    @invariant()
    def received_is_a_prefix_of_sent(self) -> None:
        a, b = self.sides.get("a"), self.sides.get("b")
        if a is None or b is None:
            return
        assert bytes(a.sent[:len(b.received)]) == bytes(b.received)
        assert bytes(b.sent[:len(a.received)]) == bytes(a.received)

    def teardown(self) -> None:
        a, b = self.sides["a"], self.sides["b"]
        for side in (a, b):
            if not side.destroyed:
                side.sock.uncork()
                side.sock.resume()  # a paused side would hold the other's bytes forever
                side.sock.end()
        run_loop(timeout=30)
        assert a.closed and b.closed
        if not (a.destroyed or b.destroyed):
            assert bytes(b.received) == bytes(a.sent)
            assert bytes(a.received) == bytes(b.sent)
            assert a.errors == [] and b.errors == []
        assert net.active_handles() == 0


TestSocketPair = SocketPair.TestCase
TestSocketPair.settings = settings(max_examples=60, stateful_step_count=25, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow])
