"""Node's Duplex stream semantics on net.Socket: flowing and paused modes,
backpressure on both sides, encodings, writes, cork, end/half-open, write errors,
pipe(), timeouts, and a large byte-exact transfer.

Expectations checked with node 20 (JS quoted where it helps). No test asserts a
duration; the few waits are checkpoints with wide margins."""
from __future__ import annotations

import base64
import gc
import hashlib
import platform
import random
import sys
import weakref

import pytest

import pyuv_net as net
from pyuv_net import _server as server_module
from pyuv_net._pipe_flow import PipeFlow
from pyuv_net._stream import Stream, _Closing
from pyuv_net._uv import lib

from conftest import HOST, errcode, listen_server, run_loop

pytestmark = pytest.mark.timeout(20)


def big_pattern(n):
    """n bytes that differ from chunk to chunk (so reordering would show)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(i.to_bytes(8, "big")).digest()
        i += 1
    return bytes(out[:n])


class Pair:
    """A server and one connected client; `server_sock` is the accepted socket.
    on_server(sock) runs at 'connection', on_client() at the client's 'connect'."""

    def __init__(self, on_server=None, on_client=None, server_options=None, client_options=None):
        self.server_sock = None
        self._on_server = on_server

        def on_connection(sock):
            self.server_sock = sock
            if self._on_server is not None:
                self._on_server(sock)

        self.server, self.port = listen_server(on_connection, **(server_options or {}))
        self.client = net.connect(self.port, HOST, **(client_options or {}))
        if on_client is not None:
            self.client.on("connect", on_client)

    def close_server_when_client_closes(self):
        self.client.on("close", lambda had_error: self.server.close())


# -- flowing mode -----------------------------------------------------------------

def test_flowing_starts_with_first_data_listener_and_nothing_is_lost():
    got = []
    log = []

    def on_server(sock):
        sock.write(b"early ")
        net.set_timeout(lambda: sock.end(b"late"), 20)

    pair = Pair(on_server)
    c = pair.client
    assert c.readable_flowing is None

    def attach():
        log.append(c.readable_flowing)
        c.on("data", got.append)
        log.append(c.readable_flowing)

    net.set_timeout(attach, 10)
    c.on("end", lambda: pair.server.close())
    run_loop()
    assert b"".join(got) == b"early late"
    assert log == [None, True]


def test_pause_resume_is_paused():
    events = []

    def on_server(sock):
        sock.write(b"one")
        sock.on("data", lambda d: (sock.write(b"two"), sock.end()) if d == b"go" else None)

    pair = Pair(on_server)
    c = pair.client
    got = []
    c.on("data", lambda d: (got.append(d), events.append("data")))
    assert c.is_paused() is False

    def on_first(d):
        if d == b"one":
            assert c.pause() is c
            events.append(("paused", c.is_paused(), c.readable_flowing))
            c.write(b"go")
            net.set_timeout(resume, 40)

    def resume():
        events.append(("resume", c.readable_length))
        assert c.resume() is c
        events.append(("resumed", c.is_paused()))

    c.on("data", on_first)
    c.on("end", lambda: (events.append("end"), c.end(), pair.server.close()))
    run_loop()
    assert b"".join(got) == b"onetwo"
    assert events[0] == "data"
    assert events[1] == ("paused", True, False)
    assert events[2] == ("resume", 3)  # "two" waited in the buffer
    assert events[3] == ("resumed", False)
    assert events[-1] == "end"


def test_paused_socket_buffers_to_high_water_mark_and_peer_backs_up():
    n = 16 * 1024 * 1024
    data = big_pattern(n)
    hwm = 16384
    checks = {}

    pair = Pair()
    c = pair.client

    def on_connect():
        checks["write returned"] = c.write(data)
        c.on("drain", lambda: (checks.setdefault("drain", True), c.end()))
        net.set_timeout(checkpoint, 200)

    def checkpoint():
        s = pair.server_sock
        checks["server readable_length"] = s.readable_length
        checks["server flowing"] = s.readable_flowing
        checks["client writable_length"] = c.writable_length
        received = []
        s.on("data", received.append)
        s.on("end", lambda: (checks.setdefault("received", b"".join(received)), s.end(),
                             pair.server.close()))

    c.on("connect", on_connect)
    run_loop(timeout=15)
    assert checks["write returned"] is False
    # node: server readableLength 65536 (one read), flowing null, client still backed up
    assert 0 < checks["server readable_length"] <= hwm + 65536
    assert checks["server flowing"] is None
    assert checks["client writable_length"] > 0
    assert checks.get("drain") is True
    assert len(checks["received"]) == n
    assert checks["received"] == data


def test_explicitly_paused_reader_backpressures_writer_and_resume_gets_everything():
    n = 8 * 1024 * 1024
    data = big_pattern(n)
    log = {}
    received = []

    def on_server(sock):
        sock.pause()
        sock.on("data", received.append)
        net.set_timeout(check, 200, sock)

    def check(sock):
        log["buffered"] = sock.readable_length
        log["writer backlog"] = pair.client.writable_length
        sock.resume()
        sock.on("end", lambda: (sock.end(), pair.server.close()))

    pair = Pair(on_server)
    c = pair.client
    results = []

    def write_all():
        chunk = 65536
        for i in range(0, n, chunk):
            results.append(c.write(data[i:i + chunk]))
        c.end()

    c.on("connect", write_all)
    run_loop(timeout=15)
    assert results[-1] is False
    assert log["buffered"] <= 16384 + 65536
    assert log["writer backlog"] > 0
    assert b"".join(received) == data


# -- paused mode: read(), 'readable', unshift ------------------------------------

def test_read_and_readable_in_paused_mode():
    log = []

    def on_server(sock):
        sock.write(b"0123456789")
        sock.on("data", lambda d: sock.end(b"ABC") if d == b"more" else None)

    pair = Pair(on_server)
    c = pair.client
    state = {"asked": False}

    def on_readable():
        if not state["asked"]:
            if c.readable_length < 10:
                return
            log.append(("read100", c.read(100)))  # more than buffered, not ended: None
            log.append(("read4", c.read(4)))
            log.append(("read()", c.read()))
            log.append(("again", c.read()))
            state["asked"] = True
            c.write(b"more")
        else:
            while True:
                chunk = c.read()
                if chunk is None:
                    break
                log.append(("tail", chunk))

    c.on("readable", on_readable)
    c.on("end", lambda: (log.append("end"), pair.server.close()))
    run_loop()
    assert log[:4] == [("read100", None), ("read4", b"0123"), ("read()", b"456789"), ("again", None)]
    assert b"".join(e[1] for e in log[4:] if isinstance(e, tuple)) == b"ABC"
    assert log[-1] == "end"


def test_read_size_at_end_returns_the_rest():
    log = []
    pair = Pair(lambda s: s.end(b"xyz"))
    c = pair.client

    def on_readable():
        chunk = c.read(100)
        log.append(chunk)

    c.on("readable", on_readable)
    c.on("end", lambda: pair.server.close())
    run_loop()
    assert b"".join(x for x in log if x is not None) == b"xyz"


def test_unshift_puts_data_back_in_front():
    log = []

    def on_server(sock):
        sock.end(b"HEADERbody")

    pair = Pair(on_server)
    c = pair.client
    done = []

    def on_readable():
        if done:
            while c.read() is not None:
                pass
            return
        if c.readable_length < 10:
            return
        head = c.read(6)
        log.append(head)
        c.unshift(b"XY")
        log.append(c.readable_length)
        log.append(c.read())
        done.append(True)

    c.on("readable", on_readable)
    c.on("end", lambda: pair.server.close())
    run_loop()
    assert log == [b"HEADER", 6, b"XYbody"]


def test_unshift_then_flowing_delivers_unshifted_first():
    got = []

    def on_server(sock):
        sock.end(b"world")

    pair = Pair(on_server)
    c = pair.client

    def on_readable():
        if c.readable_length < 5:
            return
        c.remove_listener("readable", on_readable)
        first = c.read()
        c.unshift(first)
        c.unshift(b"hello ")
        c.on("data", got.append)
        c.resume()

    c.on("readable", on_readable)
    c.on("end", lambda: pair.server.close())
    run_loop()
    assert b"".join(got) == b"hello world"


def test_resume_without_data_listener_discards_and_ends():
    log = []

    def on_server(sock):
        assert sock.resume() is sock
        sock.on("end", lambda: (log.append("server end"), pair.server.close()))

    pair = Pair(on_server)
    pair.client.end(b"x" * 100000)
    pair.client.resume()
    run_loop()
    assert log == ["server end"]


def test_fin_emits_end_without_any_reader():
    # API.md: with nothing buffered, a FIN emits 'end' even when nobody reads
    log = []

    def on_server(sock):
        sock.on("end", lambda: log.append("end"))
        sock.on("close", lambda e: (log.append("close"), pair.server.close()))

    pair = Pair(on_server)
    pair.client.end()
    pair.client.resume()
    run_loop()
    assert log == ["end", "close"]


# -- encodings ------------------------------------------------------------------------

PIECES = [b"\xe2", b"\x82", b"\xac\x41\xf0\x9f", b"\x98\x80"]  # "€A😀" cut mid-character


def send_pieces(sock):
    sock.set_no_delay(True)
    pieces = list(PIECES)

    def step():
        if pieces:
            sock.write(pieces.pop(0))
            net.set_timeout(step, 10)
        else:
            sock.end()

    step()


@pytest.mark.parametrize("encoding,expected", [
    ("utf8", "€A😀"),
    ("utf-8", "€A😀"),
    ("hex", b"".join(PIECES).hex()),
    ("base64", base64.b64encode(b"".join(PIECES)).decode()),
])
def test_set_encoding_decodes_characters_split_across_chunks(encoding, expected):
    # node: utf8 chunks ["€A","😀"]; hex per chunk; base64 "4oKsQfCf","mIA="
    pair = Pair(send_pieces)
    c = pair.client
    assert c.set_encoding(encoding) is c
    chunks = []
    c.on("data", chunks.append)
    c.on("end", lambda: pair.server.close())
    run_loop()
    assert all(isinstance(ch, str) for ch in chunks)
    assert "".join(chunks) == expected
    if encoding.startswith("utf"):
        assert "\ufffd" not in "".join(chunks)


def test_set_encoding_after_data_buffered():
    pair = Pair(lambda s: s.end("héllo".encode("utf8")))
    c = pair.client
    chunks = []

    def later():
        c.set_encoding("utf8")
        c.on("data", chunks.append)

    net.set_timeout(later, 30)
    c.on("end", lambda: pair.server.close())
    run_loop()
    assert "".join(chunks) == "héllo"


def test_set_encoding_latin1_and_base64url():
    data = bytes([0xff, 0xfe, 0x41, 0xe9])
    results = {}
    for enc in ("latin1", "base64url"):
        pair = Pair(lambda s: s.end(data))
        c = pair.client
        c.set_encoding(enc)
        chunks = []
        c.on("data", chunks.append)
        c.on("end", lambda chunks=chunks, enc=enc, pair=pair: (
            results.__setitem__(enc, "".join(chunks)), pair.server.close()))
    run_loop()
    assert results["latin1"] == data.decode("latin1")
    assert results["base64url"] == base64.urlsafe_b64encode(data).decode().rstrip("=")


# -- writing ----------------------------------------------------------------------------

def collecting_server(store):
    def on_server(sock):
        sock.on("data", store.append)
        sock.on("end", lambda: (sock.end(), None))
    return on_server


def test_write_accepts_str_bytes_bytearray_memoryview_and_encodings():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    assert c.write(b"b;") is True
    assert c.write(bytearray(b"ba;")) is True
    assert c.write(memoryview(b"xmvx")[1:3]) is True
    assert c.write("h\u00e9;") is True  # utf8 default
    assert c.write("\u00e9;", "latin1") is True
    assert c.write("68693b", "hex") is True
    assert c.write("aGk7", "base64") is True
    assert c.write("A;", "ascii") is True
    assert c.write("\u00e9", encoding="ucs2") is True
    c.end()
    run_loop()
    assert b"".join(received) == (b"b;ba;mv" + "h\u00e9;".encode() + b"\xe9;" + b"hi;" + b"hi;"
                                  + b"A;" + "\u00e9".encode("utf-16-le"))


def test_write_snapshots_bytearray_while_connecting_and_connected():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    buf = bytearray(b"first;")
    c.write(buf)  # still connecting: buffered
    buf[:] = b"XXXXXX"

    def on_connect():
        buf2 = bytearray(b"second;")
        c.write(buf2)
        buf2[:] = b"YYYYYYY"
        big = bytearray(b"z" * 4 * 1024 * 1024)
        c.write(big)  # too big to go out at once: queued
        big[:] = b"Q" * len(big)
        c.end()

    c.on("connect", on_connect)
    run_loop()
    data = b"".join(received)
    assert data == b"first;second;" + b"z" * 4 * 1024 * 1024


def test_connected_write_the_kernel_takes_at_once_is_true_even_at_high_water_mark_0():
    # node 20, connected, highWaterMark 0|1|4: write(1 byte) -> true, writableLength 0,
    # writableNeedDrain false; write(10 bytes) -> the same; no 'drain'
    received = {}
    results = {}
    for hwm in (0, 1, 4):
        received[hwm] = []
        pair = Pair(collecting_server(received[hwm]), client_options={"high_water_mark": hwm})
        c = pair.client
        pair.close_server_when_client_closes()
        c.resume()

        def on_connect(c=c, hwm=hwm):
            results[hwm] = [c.write(b"x"), c.writable_length, c.writable_need_drain,
                            c.write(b"0123456789"), c.writable_length, c.writable_need_drain]
            c.on("drain", lambda: results.setdefault("drain", hwm))
            c.end()

        c.on("connect", on_connect)
    run_loop()
    assert results == {hwm: [True, 0, False, True, 0, False] for hwm in (0, 1, 4)}
    assert {hwm: b"".join(chunks) for hwm, chunks in received.items()} == {
        hwm: b"x0123456789" for hwm in (0, 1, 4)}


def test_a_big_queued_bytes_write_arrives_whole_and_is_let_go_after():
    # On CPython a queued tail of a bytes chunk is sent from the object itself, kept
    # alive by the write: every byte must arrive and the reference must go afterwards.
    import sys
    received = []
    payload = bytes(random.Random(7).getrandbits(8) for _ in range(256)) * 16384  # 4 MiB
    counts = {}
    server, port = listen_server(lambda sock: (sock.on("data", received.append),
                                               sock.on("end", lambda: (sock.end(), server.close()))))
    c = net.connect(port, HOST)

    def on_connect():
        before = sys.getrefcount(payload) if hasattr(sys, "getrefcount") else 0
        assert c.write(payload) is False  # far over the high-water mark: queued
        counts["during"] = (sys.getrefcount(payload) if hasattr(sys, "getrefcount") else 1) - before
        c.end(lambda err=None: counts.setdefault("after", (sys.getrefcount(payload) if hasattr(sys, "getrefcount") else 0) - before))

    c.on("connect", on_connect)
    run_loop()
    assert b"".join(received) == payload
    assert counts["after"] == 0 and counts["during"] == 1  # held while queued (CPython)


def test_write_is_compiled_on_cpython():
    # The suite tests the write users get: on CPython the fast path is C
    # (csrc/accel.c), elsewhere the Python method.
    import platform
    kind = type(net.Socket.__dict__.get("write") or net.Socket.write).__name__
    expected = "method_descriptor" if platform.python_implementation() == "CPython" else "function"
    assert kind == expected


def test_write_returns_false_at_high_water_mark_then_drain():
    # node: new Socket({highWaterMark: 1024}) while connecting: write(1023) -> true,
    # write(1) -> false (writableLength 1024), then 'drain' with writableLength 0
    received = []
    pair = Pair(collecting_server(received), client_options={"high_water_mark": 1024})
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    log = []
    assert c.writable_high_water_mark == 1024
    log.append(c.write(b"a" * 1023))
    log.append(c.writable_length)
    log.append(c.write(b"b"))
    log.append(c.writable_length)
    log.append(c.writable_need_drain)
    c.on("drain", lambda: (log.append(("drain", c.writable_length)), c.end()))
    run_loop()
    assert log == [True, 1023, False, 1024, True, ("drain", 0)]
    assert b"".join(received) == b"a" * 1023 + b"b"


def test_write_over_high_water_mark_when_connected():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    log = []

    def on_connect():
        log.append(c.write(b"small"))
        # As node 20: a chunk the kernel takes at once leaves nothing buffered, so
        # even one at the mark returns True and no 'drain' follows.
        log.append(c.write(b"x" * 16384))
        log.append(c.writable_length)
        c.on("drain", lambda: log.append("drain"))
        c.end()

    c.on("connect", on_connect)
    run_loop()
    assert log == [True, True, 0]
    assert b"".join(received) == b"small" + b"x" * 16384


def test_writable_length_counts_pending_chunks():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    lengths = [c.writable_length]
    c.write(b"12345")
    lengths.append(c.writable_length)
    c.write("678")
    lengths.append(c.writable_length)
    done = []
    c.on("connect", lambda: lengths.append(("connected", c.writable_length)))
    c.end(callback=lambda err: (done.append(err), lengths.append(("finished", c.writable_length))))
    run_loop()
    assert lengths[:3] == [0, 5, 8]
    assert lengths[-1] == ("finished", 0)
    assert done == [None]
    assert b"".join(received) == b"12345678"


def test_write_callbacks_called_with_none_in_order():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    calls = []
    c.write(b"a", lambda err: calls.append(("a", err)))  # encoding position
    c.write(b"b", None, lambda err: calls.append(("b", err)))
    c.write("c", "utf8", lambda err: calls.append(("c", err)))

    def on_connect():
        c.write(b"d", callback=lambda err: calls.append(("d", err)))
        c.write(b"e" * 1000000, callback=lambda err: calls.append(("e", err)))
        c.end(b"f", callback=lambda err: calls.append(("end", err)))

    c.on("connect", on_connect)
    run_loop()
    assert calls == [("a", None), ("b", None), ("c", None), ("d", None), ("e", None), ("end", None)]
    assert b"".join(received) == b"abcd" + b"e" * 1000000 + b"f"


def test_cork_uncork():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    calls = []

    def on_connect():
        c.cork()
        assert c.writable_corked == 1
        c.write(b"one ", lambda err: calls.append(err))
        c.write(b"two ", lambda err: calls.append(err))
        c.cork()
        c.write("three", lambda err: calls.append(err))
        log.append(c.writable_length)
        c.uncork()
        log.append(c.writable_corked)
        c.uncork()
        log.append(c.writable_corked)
        c.end()

    log = []
    c.on("connect", on_connect)
    run_loop()
    assert b"".join(received) == b"one two three"
    assert calls == [None, None, None]
    assert log == [13, 1, 0]


def test_end_uncorks():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()

    def on_connect():
        c.cork()
        c.write(b"corked ")
        c.end(b"then ended")

    c.on("connect", on_connect)
    run_loop()
    assert b"".join(received) == b"corked then ended"


# -- end, finish, half-open ------------------------------------------------------------

def test_end_with_data_and_callback_then_finish_end_close():
    log = []

    def on_server(sock):
        sock.on("data", lambda d: log.append(("server data", d)))
        sock.on("end", lambda: log.append("server end"))

    pair = Pair(on_server)
    c = pair.client
    c.on("finish", lambda: log.append("finish"))
    c.on("end", lambda: log.append("end"))
    c.on("close", lambda had_error: (log.append(("close", had_error)), pair.server.close()))
    c.resume()
    ret = c.end(b"last words", callback=lambda err: log.append(("end cb", err)))
    assert ret is c
    run_loop()
    assert ("server data", b"last words") in log
    assert log.index(("end cb", None)) >= 0
    assert log.index("finish") < log.index(("close", False))
    assert log.index("end") < log.index(("close", False))
    assert log[-1] == ("close", False)
    assert c.writable_finished is True and c.writable_ended is True


def test_end_callback_only_form():
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    c.on("close", lambda e: pair.server.close())
    c.end(lambda err: log.append(err))
    run_loop()
    assert log == [None]


def test_end_with_str_and_encoding():
    received = []
    pair = Pair(collecting_server(received))
    c = pair.client
    pair.close_server_when_client_closes()
    c.resume()
    c.end("6869", "hex")
    run_loop()
    assert b"".join(received) == b"hi"


def test_half_open_off_socket_ends_after_peer_fin():
    log = []

    def on_server(sock):
        sock.end(b"server says bye")

    pair = Pair(on_server)
    c = pair.client
    c.on("data", lambda d: log.append("data"))
    c.on("end", lambda: log.append(("end", c.writable)))
    c.on("finish", lambda: log.append("finish"))
    c.on("close", lambda had_error: (log.append(("close", had_error)), pair.server.close()))
    run_loop()
    # node (allowHalfOpen false): 'end' then the socket ends itself: 'finish', 'close'
    assert log[0] == "data"
    assert log[1][0] == "end"
    assert log[2:] == ["finish", ("close", False)]


def test_half_open_on_socket_can_write_after_peer_fin():
    log = []
    received = []

    def on_server(sock):
        sock.on("data", received.append)
        sock.on("end", lambda: log.append("server end"))
        sock.end(b"bye from server")

    pair = Pair(on_server, client_options={"allow_half_open": True})
    c = pair.client
    assert c.allow_half_open is True
    c.on("data", lambda d: None)

    def on_end():
        log.append(("end", c.writable, c.ready_state))
        net.set_timeout(lambda: c.end(b"client still talking"), 10)

    c.on("end", on_end)
    c.on("finish", lambda: log.append("finish"))
    c.on("close", lambda had_error: (log.append(("close", had_error)), pair.server.close()))
    run_loop()
    assert log[0] == ("end", True, "writeOnly")
    assert "finish" in log and "server end" in log
    assert log[-1] == ("close", False)
    assert b"".join(received) == b"client still talking"


# -- write errors ----------------------------------------------------------------------

def test_write_after_end_errors_through_callback_and_error_event():
    # node: cb(ERR_STREAM_WRITE_AFTER_END), then 'error' with the same code, 'close'
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    c.on("error", lambda err: log.append(("error", type(err), errcode(err))))
    c.on("close", lambda had_error: (log.append(("close", had_error)), pair.server.close()))

    def on_connect():
        c.end()
        ret = c.write(b"too late", lambda err: log.append(("cb", type(err), errcode(err))))
        log.append(("returned", ret))

    c.on("connect", on_connect)
    run_loop()
    assert log[0] == ("returned", False)
    assert log[1] == ("cb", RuntimeError, "ERR_STREAM_WRITE_AFTER_END")
    assert log[2] == ("error", RuntimeError, "ERR_STREAM_WRITE_AFTER_END")
    assert log[-1] == ("close", True)


def test_write_after_destroy_only_reaches_the_callback():
    # node 20: cb(ERR_STREAM_DESTROYED), no 'error'
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.on("error", lambda err: log.append(("error", err)))
    c.on("close", lambda had_error: (log.append(("close", had_error)), pair.server.close()))

    def on_connect():
        c.destroy()
        ret = c.write(b"x", lambda err: log.append(("cb", type(err), errcode(err))))
        log.append(("returned", ret))

    c.on("connect", on_connect)
    run_loop()
    assert ("returned", False) in log
    assert ("cb", RuntimeError, "ERR_STREAM_DESTROYED") in log
    assert not any(e[0] == "error" for e in log)
    assert log[-1] == ("close", False)


def test_pending_writes_fail_when_destroyed_while_connecting():
    # node 20: write('one', cb1); write('two', cb2); end(cb3); destroy() while
    # connecting -> each callback gets ERR_SOCKET_CLOSED_BEFORE_CONNECTION, no 'error',
    # 'close'(false)
    log = []
    server, port = listen_server()
    c = net.connect(port, HOST)
    c.write(b"one", lambda err: log.append(("cb1", errcode(err))))
    c.write(b"two", lambda err: log.append(("cb2", errcode(err))))
    c.end(callback=lambda err: log.append(("end cb", errcode(err))))
    c.on("error", lambda err: log.append(("error", err)))
    c.on("close", lambda e: (log.append(("close", e)), server.close()))
    c.destroy()
    run_loop()
    assert log == [("cb1", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
                   ("cb2", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
                   ("end cb", "ERR_SOCKET_CLOSED_BEFORE_CONNECTION"),
                   ("close", False)]


def test_write_none_and_bad_types_raise():
    s = net.Socket()
    with pytest.raises(TypeError) as info:
        s.write(None)
    assert errcode(info.value) == "ERR_STREAM_NULL_VALUES"
    for bad in (123, 1.5, object(), ["a"]):
        with pytest.raises(TypeError) as info:
            s.write(bad)
        assert errcode(info.value) == "ERR_INVALID_ARG_TYPE"
    s.destroy()
    run_loop()


# -- pipe ---------------------------------------------------------------------------

def test_pipe_echo_with_end_propagation_and_backpressure():
    n = 8 * 1024 * 1024
    data = big_pattern(n)
    pipe_ret = []
    pair = Pair(lambda s: pipe_ret.append(s.pipe(s) is s))
    c = pair.client
    received = []
    log = []
    writes = []

    def on_connect():
        writes.append(c.write(data))
        c.end()
        c.pause()  # a slow reader: let the echo back up first
        net.set_timeout(lambda: (log.append(("echo backlog", pair.server_sock.writable_length)),
                                 c.on("data", received.append), c.resume()), 200)

    c.on("connect", on_connect)
    c.on("end", lambda: log.append("end"))
    c.on("close", lambda had_error: (log.append(("close", had_error)), pair.server.close()))
    run_loop(timeout=15)
    assert pipe_ret == [True]
    assert writes == [False]
    assert b"".join(received) == data
    assert log[-2:] == ["end", ("close", False)]


def test_pipe_between_two_connections_in_order():
    # client -> A (server) -pipe-> B (connection to a second server) -> sink
    n = 4 * 1024 * 1024
    data = big_pattern(n)
    sink = []
    done = []

    def on_sink(sock):
        sock.pause()
        sock.on("end", lambda: (done.append(True), sock.end(), sink_server.close()))
        net.set_timeout(lambda: (sock.on("data", sink.append), sock.resume()), 100)

    sink_server, sink_port = listen_server(on_sink)

    def on_a(sock):
        upstream = net.connect(sink_port, HOST)
        upstream.resume()
        sock.pipe(upstream)

    a_server, a_port = listen_server(on_a)
    client = net.connect(a_port, HOST)
    client.resume()
    client.on("close", lambda e: a_server.close())
    chunk = 100000
    for i in range(0, n, chunk):
        client.write(data[i:i + chunk])
    client.end()
    run_loop(timeout=15)
    assert done == [True]
    assert b"".join(sink) == data


def test_pipe_end_false_leaves_destination_open():
    log = []
    received = []

    def on_server(sock):
        sock.on("data", received.append)
        sock.on("end", lambda: log.append("server end"))

    pair = Pair(on_server)
    c = pair.client
    c.resume()

    def dest_still_open():
        log.append(("dest writable", c.writable))
        c.end(b" + own end")

    def on_src(src):
        src.pipe(c, end=False)
        src.on("end", lambda: net.set_timeout(dest_still_open, 5))
        src.on("close", lambda e: src_server.close())

    src_server, src_port = listen_server(on_src)
    feeder = net.connect(src_port, HOST)
    feeder.resume()
    feeder.end(b"piped")
    c.on("close", lambda e: pair.server.close())
    run_loop()
    assert ("dest writable", True) in log
    assert b"".join(received) == b"piped + own end"


def test_unpipe_stops_the_flow():
    # node: after src.unpipe(dest) the source is paused (readableFlowing false) and
    # nothing more reaches dest
    log = []
    dest_received = []

    def on_dest(sock):
        sock.on("data", dest_received.append)
        sock.on("end", lambda: (log.append("dest end"), sock.end()))

    dest_server, dest_port = listen_server(on_dest)
    dest = net.connect(dest_port, HOST)
    dest.resume()
    dest.on("close", lambda e: dest_server.close())

    def on_src(src):
        src.pipe(dest)

        def first(d):
            if d.startswith(b"first"):
                src.unpipe(dest)
                log.append(("after unpipe", src.readable_flowing, src.is_paused()))
                feeder.write(b"second")
                net.set_timeout(finish, 100, src)

        src.on("data", first)

    def finish(src):
        src.remove_all_listeners("data")
        log.append(("buffered in src", src.readable_length))
        dest.end()
        src.resume()
        src.on("end", lambda: src.end())

    src_server, src_port = listen_server(on_src)
    feeder = net.connect(src_port, HOST)
    feeder.resume()
    feeder.on("close", lambda e: src_server.close())
    feeder.write(b"first")
    net.set_timeout(lambda: feeder.end(), 300)
    run_loop()
    assert b"".join(dest_received) == b"first"
    assert ("after unpipe", False, True) in log
    assert ("buffered in src", 6) in log


EVENTS = ("data", "end", "unpipe", "error", "close", "finish", "drain")


@pytest.mark.parametrize("how", ["unpipe(dest)", "unpipe()"])
def test_unpipe_removes_the_pipe_listeners(how):
    # node: a.pipe(b); a.unpipe(b) leaves every listener count as before the pipe,
    # and a paused (readableFlowing false)
    a, b = net.Socket(), net.Socket()
    before = ({e: a.listener_count(e) for e in EVENTS}, {e: b.listener_count(e) for e in EVENTS})
    assert a.pipe(b) is b
    if how == "unpipe()":
        assert a.unpipe() is a
    else:
        assert a.unpipe(b) is a
    after = ({e: a.listener_count(e) for e in EVENTS}, {e: b.listener_count(e) for e in EVENTS})
    assert after == before
    assert a.is_paused() is True and a.readable_flowing is False
    a.destroy()
    b.destroy()
    run_loop()


def test_unpipe_all_without_argument():
    log = []
    pair = Pair(lambda s: (s.pipe(s), s.unpipe(), log.append(s.is_paused()),
                           s.on("end", lambda: s.end()), s.resume()))
    c = pair.client
    got = []
    c.on("data", got.append)
    c.on("close", lambda e: pair.server.close())
    c.end(b"not echoed")
    run_loop()
    assert got == []
    assert log == [True]


# -- set_timeout --------------------------------------------------------------------

def test_timeout_fires_once_per_idle_period():
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    assert c.set_timeout(20) is c
    c.on("timeout", lambda: log.append("timeout"))

    def finish():
        c.end()
        c.on("close", lambda e: pair.server.close())

    c.on("connect", lambda: net.set_timeout(finish, 300))
    run_loop()
    assert log == ["timeout"]  # 300 ms idle: still only one


def test_timeout_rearmed_after_activity():
    log = []

    def on_server(sock):
        sock.on("data", lambda d: log.append(("server got", d)))

    pair = Pair(on_server)
    c = pair.client
    c.resume()
    c.set_timeout(30)

    def on_timeout():
        log.append("timeout")
        if log.count("timeout") == 1:
            c.write(b"activity")  # re-arms
        else:
            c.end()
            c.on("close", lambda e: pair.server.close())

    c.on("timeout", on_timeout)
    run_loop()
    assert log.count("timeout") == 2
    assert ("server got", b"activity") in log


def every_10ms(action, log, done_label, times=20):
    """Calls action() every 10 ms, `times` times, then logs `done_label`."""
    count = [0]

    def tick():
        count[0] += 1
        if count[0] <= times:
            action()
        else:
            net.clear_interval(interval)
            log.append(done_label)

    interval = net.set_interval(tick, 10)
    return interval


def test_timeout_pushed_back_by_reads():
    # the peer talks every 10 ms for ~200 ms; a 500 ms timeout must not fire meanwhile
    log = []

    def on_server(sock):
        iv = every_10ms(lambda: sock.write(b"."), log, "peer stopped")
        sock.on("close", lambda e: net.clear_interval(iv))

    pair = Pair(on_server)
    c = pair.client
    c.on("data", lambda d: None)
    c.set_timeout(500)
    c.on("timeout", lambda: (log.append("timeout"), c.end(), pair.server.close()))
    run_loop()
    assert log == ["peer stopped", "timeout"]


def test_timeout_pushed_back_by_writes():
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    c.set_timeout(500)
    every_10ms(lambda: c.write(b"."), log, "stopped writing")
    c.on("timeout", lambda: (log.append("timeout"), c.end(), pair.server.close()))
    run_loop()
    assert log == ["stopped writing", "timeout"]


def test_set_timeout_zero_disables():
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    c.set_timeout(20)
    c.on("timeout", lambda: log.append("timeout"))
    assert c.set_timeout(0) is c
    # node: socket.timeout is 0 after setTimeout(0)
    log.append(("timeout prop", c.timeout))
    c.on("connect", lambda: net.set_timeout(lambda: (c.end(), pair.server.close()), 150))
    run_loop()
    assert log == [("timeout prop", 0)]


def test_set_timeout_callback_form():
    # node: setTimeout(ms, cb) adds cb as a once('timeout') listener
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    cb = lambda: (log.append("cb"), net.set_timeout(finish, 1))  # noqa: E731
    assert c.set_timeout(20, cb) is c
    assert c.listeners("timeout") == [cb]

    def finish():
        log.append(("listeners after firing", len(c.listeners("timeout"))))
        c.end()
        c.on("close", lambda e: pair.server.close())

    run_loop()
    assert log == ["cb", ("listeners after firing", 0)]


def test_set_timeout_zero_with_callback_removes_it():
    # node: setTimeout(0, cb) removes the listener cb
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    cb = lambda: log.append("cb")  # noqa: E731
    c.set_timeout(20, cb)
    c.set_timeout(0, cb)
    assert c.listeners("timeout") == []
    c.on("connect", lambda: net.set_timeout(lambda: (c.end(), pair.server.close()), 100))
    run_loop()
    assert log == []


def test_timeout_does_not_close_the_socket():
    log = []
    pair = Pair(lambda s: s.resume())
    c = pair.client
    c.resume()
    # (from 'connect' on: a timeout while connecting would find it 'opening', as a
    # slow run, under ASan, once did)
    c.on("connect", lambda: c.set_timeout(10))

    def on_timeout():
        log.append(("timeout", c.destroyed, c.ready_state))
        c.end()
        c.on("close", lambda e: pair.server.close())

    c.once("timeout", on_timeout)
    run_loop()
    assert log == [("timeout", False, "open")]


# -- large transfer -------------------------------------------------------------------

@pytest.mark.timeout(60)
def test_large_transfer_byte_exact_both_ways():
    n = 12 * 1024 * 1024 + 12345
    data = big_pattern(n)
    digest = hashlib.sha256(data).hexdigest()
    server_side = {"hash": hashlib.sha256(), "n": 0}

    def on_server(sock):
        def on_data(d):
            server_side["hash"].update(d)
            server_side["n"] += len(d)
        sock.on("data", on_data)
        sock.on("end", lambda: sock.end(data))  # and send it all back

    pair = Pair(on_server)
    c = pair.client
    back = {"hash": hashlib.sha256(), "n": 0}

    def on_back(d):
        back["hash"].update(d)
        back["n"] += len(d)

    c.on("data", on_back)
    c.on("close", lambda e: pair.server.close())
    rnd = random.Random(7)
    i = 0
    while i < n:
        size = rnd.choice((1, 100, 4096, 65536, 300000))
        c.write(data[i:i + size])
        i += size
    c.end()
    run_loop(timeout=50)
    assert server_side["n"] == n
    assert server_side["hash"].hexdigest() == digest
    assert back["n"] == n
    assert back["hash"].hexdigest() == digest
    assert c.bytes_written == n
    assert c.bytes_read == n


def assert_reads_grew(chunks):
    """A bulk transfer's reads grow from 64 KiB to 256 KiB on CPython; PyPy's stop at
    64 KiB, as Node's (csrc/internal.h, PN_READ_MAX)."""
    biggest = max(len(chunk) for chunk in chunks)
    if platform.python_implementation() == "PyPy":
        assert biggest == lib.pn_read_max() == 64 * 1024
    else:
        assert 128 * 1024 < biggest <= lib.pn_read_max() == 256 * 1024


@pytest.mark.timeout(60)
@pytest.mark.parametrize("listeners", [1, 2])
def test_big_reads_arrive_whole_and_every_chunk_kept_stays_intact(listeners):
    """A bulk transfer's reads grow to 256 KiB (CPython reads those straight into the
    bytes the listener gets, and reuses an object only if it never reached one): every
    chunk kept until the end is still what was sent, with one listener (called from C)
    or two (through the stream)."""
    n = 8 * 1024 * 1024 + 777
    data = big_pattern(n)
    kept = [[] for _ in range(listeners)]

    def on_server(sock):
        for chunks in kept:
            sock.on("data", chunks.append)
        sock.on("end", lambda: pair.server.close())

    pair = Pair(on_server)
    pair.client.end(data)
    run_loop(timeout=50)
    for chunks in kept:
        assert all(type(chunk) is bytes for chunk in chunks)
        assert b"".join(chunks) == data
        assert_reads_grew(chunks)


def chunk_recorder():
    """A 'data' listener recording a copy of each chunk and whether the chunk's hash is
    its content's, and keeping every third chunk with its copy; and those three lists."""
    copies, hashes_right, kept = [], [], []

    def record(chunk):
        copies.append(bytes(bytearray(chunk)))
        hashes_right.append(hash(chunk) == hash(copies[-1]))
        if len(copies) % 3 == 0:
            kept.append((chunk, copies[-1]))
    return record, copies, hashes_right, kept


@pytest.mark.timeout(30)
def test_a_chunk_let_go_may_carry_a_later_read_but_one_kept_never_changes():
    """CPython copies a slab read into the bytes object a listener let go of (nobody
    else holding it) when the read has its length. Ping-pong of equal-length, different
    messages: what the listener got is what was sent, each chunk's hash is its
    content's although the listener hashed the chunk before (the cached hash is reset),
    and every chunk kept is unchanged at the end."""
    messages = [bytes([i % 251]) * 1000 + i.to_bytes(4, "big") for i in range(300)]
    record, copies, hashes_right, kept = chunk_recorder()

    def on_server(sock):
        sock.on("data", lambda chunk: (record(chunk), sock.write(chunk)))

    pair = Pair(on_server)
    c = pair.client
    pair.close_server_when_client_closes()
    echoed = bytearray()
    sent = [0]

    def on_echo(chunk):
        echoed.extend(chunk)
        if len(echoed) == sent[0] * 1004:
            if sent[0] == len(messages):
                c.end()
            else:
                c.write(messages[sent[0]])
                sent[0] += 1
    c.on("data", on_echo)
    c.on("connect", lambda: on_echo(b""))
    run_loop(timeout=20)
    assert bytes(echoed) == b"".join(messages) == b"".join(copies)
    assert len(hashes_right) >= len(messages) / 2 and all(hashes_right)
    assert kept and all(chunk == copy for chunk, copy in kept)


@pytest.mark.timeout(60)
def test_a_big_read_let_go_may_take_a_later_read_but_one_kept_never_changes():
    """The same for big reads (256 KiB, read straight into their bytes object): one the
    listener let go of takes a later read; what the listener got, the hashes it
    computed and the chunks it kept all stay right."""
    n = 12 * 1024 * 1024 + 333
    data = big_pattern(n)
    record, copies, hashes_right, kept = chunk_recorder()

    def on_server(sock):
        sock.on("data", record)
        sock.on("end", lambda: pair.server.close())

    pair = Pair(on_server)
    pair.client.end(data)
    run_loop(timeout=50)
    assert b"".join(copies) == data and all(hashes_right)
    assert_reads_grew(copies)
    assert kept and all(chunk == copy for chunk, copy in kept)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("interrupt", ["none", "pause", "second_listener"])
def test_pipe_between_our_sockets_runs_in_c_with_backpressure(interrupt):
    """sock.pipe(sock) between two of our handles is linked in C; a slow reader makes
    the echo stop reading (bounded buffering) and every byte still arrives in order;
    pause() or a second 'data' listener hands the data back to Python mid-stream."""
    payload = big_pattern(6 * 1024 * 1024)
    received = []
    linked = []
    seen_by_listener = []

    def on_server(sock):
        sock.pipe(sock)
        linked.append(sock._pipes[0]._linked)

    def interrupt_server_once():
        sock = pair.server_sock
        if interrupt == "pause":
            sock.pause()
            net.set_timeout(sock.resume, 20)
        elif interrupt == "second_listener":
            sock.on("data", seen_by_listener.append)

    pair = Pair(on_server)
    c = pair.client
    pair.close_server_when_client_closes()
    state = {"got": 0}

    def on_data(chunk):
        received.append(chunk)
        before = state["got"]
        state["got"] += len(chunk)
        if before == 0:  # mid-stream for the server: most of the 6 MiB is still upstream
            interrupt_server_once()
        if state["got"] >= len(payload):
            c.end()
        elif len(received) % 8 == 0:  # a slow reader: stop now and then
            c.pause()
            net.set_timeout(c.resume, 2)

    c.on("data", on_data)
    c.on("connect", lambda: c.write(payload))
    run_loop(timeout=25)
    assert linked == [True]
    assert b"".join(received) == payload
    if interrupt == "second_listener":
        assert seen_by_listener  # the data reached Python again


# -- the end of a connection in C (CPython) ---------------------------------------
#
# csrc/accel_lifecycle.c does what the methods in pyuv_net._server.LIFECYCLE_PY do
# (accepting, the first 'data' listener, EOF to 'close'), for a plain Socket in the
# usual state, and calls those Python methods otherwise. These tests run each scenario
# with the C methods and again with the Python ones (PyPy runs only the latter) and
# compare what user code sees at every loop iteration, and that C really did the steps.

LIFECYCLE_C = platform.python_implementation() == "CPython"


def use_python_lifecycle(monkeypatch):
    owners = {"Stream": Stream, "Socket": net.Socket, "Server": net.Server, "_Closing": _Closing,
              "PipeFlow": PipeFlow}
    for fn in server_module.LIFECYCLE_PY:
        monkeypatch.setattr(owners[fn.__qualname__.split(".")[0]], fn.__name__, fn)


def state_of(sock):
    return (sock.readable, sock.writable, sock.destroyed, sock.readable_ended, sock.writable_ended,
            sock.writable_finished, sock.ready_state, sock.bytes_read, sock.bytes_written)


def trace_connection_end(setup, payload=b"x" * 100, server_options=None):
    """A client writes `payload` and ends: the accepted socket's state, sampled once
    per loop iteration (and at each of its events that `setup` listens to), until it
    closes; what the client got; and the Python methods of the server and of the
    accepted socket that ran."""
    trace, got, calls = [], [], []
    accepted = []

    def on_connection(sock):
        accepted.append(sock)
        closed = []

        def on_close(had_error):
            trace.append(("close", had_error, state_of(sock)))
            closed.append(True)
            server.close()
        sock.on("close", on_close)
        setup(sock, trace)

        def sample():  # (the kernel decides in which iteration data arrives: a state
            # is recorded when it differs from the last one)
            if trace[-1:] != [("tick", state_of(sock))]:
                trace.append(("tick", state_of(sock)))
            if not closed:
                net.set_immediate(sample)
        net.set_immediate(sample)

    server, port = listen_server(on_connection, **(server_options or {}))

    clients = []

    def profile(frame, event, arg):  # the server's, its sockets' and their pipes' (not the client's)
        owner = frame.f_locals.get("self")
        if event != "call":
            return
        if owner is server or isinstance(owner, net.Socket) and owner not in clients:
            calls.append(frame.f_code.co_name)
        elif isinstance(owner, PipeFlow) and getattr(owner, "source", None) not in clients:
            calls.append("PipeFlow." + frame.f_code.co_name)
    client = net.Socket()
    clients.append(client)
    sys.setprofile(profile)
    client.connect(port, HOST)
    client.on("data", got.append)
    client.on("end", lambda: got.append("end"))
    client.on("error", lambda err: got.append(errcode(err)))

    def on_connect():
        client.write(payload)
        client.end()
    client.on("connect", on_connect)
    try:
        run_loop()
    finally:
        sys.setprofile(None)
    return trace, got, calls


def compare_lifecycles(monkeypatch, setup, **kwargs):
    """The scenario's trace with the C steps and with the Python methods: equal."""
    with_c = trace_connection_end(setup, **kwargs)
    with monkeypatch.context() as m:
        use_python_lifecycle(m)
        with_python = trace_connection_end(setup, **kwargs)
    assert with_c[:2] == with_python[:2]
    assert [entry[:2] for entry in with_c[0] if entry[0] == "close"] == [("close", False)]
    return with_c, with_python


def echo(sock, trace):
    sock.on("data", sock.write)


STEPS_IN_PYTHON = {"_on_connection", "_accepted", "_listeners_changed", "resume", "_resume_now", "_flow",
                   "_update_read_fast", "_on_read_error", "_end_soon", "_emit_end", "_end_after_fin", "_end", "_maybe_finish",
                   "_need_finish", "_final", "_on_shutdown", "_finish", "destroy"}


def test_an_echo_connection_ends_alike_with_the_c_steps_and_the_python_methods(monkeypatch):
    (trace, got, calls), (_, _, python_calls) = compare_lifecycles(monkeypatch, echo)
    assert got == [b"x" * 100, "end"]
    assert STEPS_IN_PYTHON <= set(python_calls)
    if LIFECYCLE_C:  # none of the steps ran in Python
        assert not STEPS_IN_PYTHON & set(calls), calls


def test_listeners_on_the_way_are_called_at_the_same_steps(monkeypatch):
    def listening(sock, trace):
        sock.on("data", sock.write)
        for event in ("end", "prefinish", "finish"):
            sock.on(event, lambda event=event: trace.append((event, state_of(sock))))

    (trace, got, calls), _ = compare_lifecycles(monkeypatch, listening)
    assert [entry[0] for entry in trace if entry[0] != "tick"] == ["end", "prefinish", "finish", "close"]
    assert got == [b"x" * 100, "end"]
    if LIFECYCLE_C:  # the listeners were called from the C steps
        assert not STEPS_IN_PYTHON & set(calls), calls


def test_what_listeners_and_end_callbacks_do_is_read_after_them(monkeypatch):
    # A listener (or an end() callback) may change the stream; the step goes on from
    # what it left, as the Python method does, with the C steps as with the Python.
    def ends_itself_in_end(sock, trace):
        sock.on("data", sock.write)
        sock.on("end", lambda: (trace.append(("end", state_of(sock))), sock.end(b"!")))

    def destroys_in_finish(sock, trace):
        sock.on("data", sock.write)
        sock.on("finish", lambda: (trace.append(("finish", state_of(sock))), sock.destroy()))

    def end_callbacks(sock, trace):
        sock.on("data", lambda chunk: (sock.end(chunk, lambda err=None: trace.append(("cb1", err))),
                                       sock.end(lambda err=None: trace.append(("cb2", err)))))

    def half_open_prefinish(sock, trace):
        sock.resume()
        sock.on("end", lambda: sock.end(b"later"))
        sock.on("prefinish", lambda: trace.append(("prefinish", state_of(sock))))

    for setup, options in ((ends_itself_in_end, {}), (destroys_in_finish, {}), (end_callbacks, {}),
                           (half_open_prefinish, {"allow_half_open": True})):
        (trace, got, calls), _ = compare_lifecycles(monkeypatch, setup, server_options=options)
        assert got[-1] == "end", (setup.__name__, got)


def test_end_with_data_runs_in_c_and_stays_alike(monkeypatch):
    # end(chunk) from a 'data' listener: a request-reply server's usual last step.
    def replies_and_ends(sock, trace):
        sock.on("data", lambda chunk: sock.end(chunk.upper()))

    def ends_twice(sock, trace):  # the second end() finds it ending: its write fails
        sock.on("data", lambda chunk: (sock.end(chunk), sock.end(b"late")))
        sock.on("error", lambda err: trace.append(("error", errcode(err))))

    (trace, got, calls), _ = compare_lifecycles(monkeypatch, replies_and_ends)
    assert got == [b"X" * 100, "end"]
    if LIFECYCLE_C:
        assert not STEPS_IN_PYTHON & set(calls), calls
    with_c = trace_connection_end(ends_twice)
    with monkeypatch.context() as m:
        use_python_lifecycle(m)
        with_python = trace_connection_end(ends_twice)
    assert with_c[:2] == with_python[:2]
    assert ("error", "ERR_STREAM_WRITE_AFTER_END") in with_c[0]
    assert [entry[:2] for entry in with_c[0] if entry[0] == "close"] == [("close", True)]


def test_half_open_paused_and_callback_ends_stay_alike(monkeypatch):
    def half_open(sock, trace):
        sock.on("data", sock.write)
        sock.on("end", lambda: net.set_immediate(lambda: sock.end(b"bye", lambda err=None: trace.append(("cb", err)))))

    def paused_with_data(sock, trace):
        sock.pause()
        sock.on("readable", lambda: sock.remove_all_listeners("readable").on("data", sock.write))

    def destroyed_by_user(sock, trace):
        sock.on("data", lambda chunk: sock.destroy())

    def corked(sock, trace):
        sock.cork()
        sock.on("data", sock.write)

    for setup, options in ((half_open, {"allow_half_open": True}), (paused_with_data, {}),
                           (destroyed_by_user, {}), (corked, {})):
        with_c, _ = compare_lifecycles(monkeypatch, setup, server_options=options)
        assert with_c[1][-1] == "end" or setup is destroyed_by_user, (setup.__name__, with_c[1])


def echo_connections(count, setup):
    """`count` clients, one after the other, each writing 100 bytes, ending and awaiting
    the echo, to a server that calls `setup(sock)` on each connection; what each got."""
    got = []
    server, port = listen_server(setup)

    def next_client():
        if len(got) == count:
            server.close()
            return
        chunks = []
        got.append(chunks)
        client = net.connect(port, HOST)
        client.end(b"y" * 100)  # (written once connected; no listener refers to the client)
        client.on("data", chunks.append)
        client.on("close", lambda had_error: next_client())
    next_client()
    run_loop()
    return [b"".join(chunks) for chunks in got]


def closed_sockets():
    return [obj for obj in gc.get_objects() if type(obj) is net.Socket and obj.destroyed]


@pytest.mark.skipif(not LIFECYCLE_C, reason="reference counts: CPython's C steps")
def test_a_closed_echo_socket_nothing_else_holds_is_freed_without_the_collector():
    # sock.on('data', sock.write) is a cycle (socket, its listeners, its bound method);
    # once closed and referenced by nothing else, the socket lets its listeners go and
    # is freed then, not at a collection (none runs here).
    def setup(sock):
        sock.on("error", lambda err: None)
        sock.on("data", sock.write)

    gc.collect()
    gc.disable()
    try:
        assert closed_sockets() == []
        assert echo_connections(20, setup) == [b"y" * 100] * 20
        assert closed_sockets() == []
    finally:
        gc.enable()


# How a test keeps a closed socket reachable, and how it gets the socket back from that.
HOLDERS = {
    "reference": (lambda sock, write: sock, lambda held: held),
    "weak_reference": (lambda sock, write: weakref.ref(sock), lambda held: held()),
    "bound_method": (lambda sock, write: write, lambda held: held.__self__),
}


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_a_closed_socket_still_reachable_keeps_its_listeners(holder):
    # As Node: a socket's listeners stay after 'close'. One reachable from outside
    # (held, weakly referenced, or through its bound method kept) keeps them.
    hold, recover = HOLDERS[holder]
    held = []

    def setup(sock):
        write = sock.write
        sock.on("data", write)
        held.append(hold(sock, write))

    gc.disable()  # (a weakly referenced socket stays until a collection)
    try:
        assert echo_connections(3, setup) == [b"y" * 100] * 3
        socks = [recover(h) for h in held]
    finally:
        gc.enable()
    if not LIFECYCLE_C:  # (PyPy's gc.disable() leaves minor collections, which free the weakly held)
        socks = [sock for sock in socks if sock is not None]
    for sock in socks:
        assert sock.destroyed
        assert sock.listener_count("data") == 1


PIPE_STEPS_IN_PYTHON = {"pipe", "end", "pause", "PipeFlow.__init__", "PipeFlow.start", "PipeFlow._link_in_c",
                        "PipeFlow._on_source_end", "PipeFlow._on_dest_finish", "PipeFlow.stop", "PipeFlow._unlink",
                        "PipeFlow._on_unpipe", "PipeFlow._cleanup"}


def test_a_piped_connection_ends_alike_with_the_c_steps_and_the_python_methods(monkeypatch):
    # sock.pipe(sock): the flow's listeners, 'pipe', the link in C, the source's 'end'
    # ending the destination, 'finish' unpiping it (pause, 'unpipe', the clean-up).
    def piped(sock, trace):
        sock.pipe(sock)

    def listeners_of(sock):
        return tuple((event, sock.listener_count(event)) for event in
                     ("data", "end", "finish", "close", "error", "unpipe"))

    def watched(sock, trace):
        for event in ("pipe", "unpipe", "pause", "resume", "end", "finish"):
            sock.on(event, lambda *args, event=event: trace.append(
                (event, state_of(sock), sock.is_paused(), listeners_of(sock))))
        sock.pipe(sock)
        trace.append(("piped", listeners_of(sock)))

    (trace, got, calls), (_, _, python_calls) = compare_lifecycles(monkeypatch, piped)
    assert got == [b"x" * 100, "end"]
    assert PIPE_STEPS_IN_PYTHON <= set(python_calls)
    if LIFECYCLE_C:
        assert not (PIPE_STEPS_IN_PYTHON | STEPS_IN_PYTHON) & set(calls), calls
    (trace, got, calls), _ = compare_lifecycles(monkeypatch, watched)
    assert got == [b"x" * 100, "end"]
    events = [entry[0] for entry in trace if entry[0] != "tick"]
    assert events == ["pipe", "piped", "resume", "end", "finish", "pause", "unpipe", "close"], events
    piped_listeners = dict(trace[events.index("piped")][1])
    assert piped_listeners["data"] == 1 and piped_listeners["unpipe"] == 2
    assert dict(trace[events.index("unpipe")][3])["data"] == 1  # cleaned after 'unpipe''s listeners ran
    if LIFECYCLE_C:
        assert not PIPE_STEPS_IN_PYTHON & set(calls), calls


def test_a_proxy_piping_both_ways_ends_alike(monkeypatch):
    # The accepted socket piped to an upstream connection and back (Node's proxy),
    # the upstream an echo server's: pipe() from one socket to another, while the
    # destination still connects, and each side's end ending the other.
    def proxied(sock, trace):
        backend, port = listen_server(lambda s: s.pipe(s))
        upstream = net.connect(port, HOST, allow_half_open=True)
        sock.pipe(upstream)
        upstream.pipe(sock)
        upstream.on("close", lambda had_error: (trace.append(("upstream close", had_error)), backend.close()))

    (trace, got, calls), (_, _, python_calls) = compare_lifecycles(
        monkeypatch, proxied, server_options={"allow_half_open": True})
    assert got == [b"x" * 100, "end"]
    assert ("upstream close", False) in trace
    assert PIPE_STEPS_IN_PYTHON - {"pause"} <= set(python_calls)
    if LIFECYCLE_C:
        assert not PIPE_STEPS_IN_PYTHON & set(calls), calls


def test_unusual_pipes_stay_alike(monkeypatch):
    def paused_first(sock, trace):
        sock.pause()
        sock.pipe(sock)

    def without_end(sock, trace):  # the source's end unpipes; the user ends
        sock.pipe(sock, end=False)
        sock.on("end", lambda: (trace.append(("end", sock.listener_count("data"))), sock.end(b"bye")))

    def unpiped_by_user(sock, trace):
        sock.pipe(sock)
        sock.once("data", lambda chunk: (sock.unpipe(sock), sock.end(b"unpiped")))

    def corked_destination(sock, trace):
        sock.cork()
        sock.pipe(sock)
        net.set_immediate(sock.uncork)

    for setup in (paused_first, without_end, unpiped_by_user, corked_destination):
        with_c, _ = compare_lifecycles(monkeypatch, setup)
        assert with_c[1][-1] == "end", (setup.__name__, with_c[1])


def test_a_replaced_method_is_called_instead_of_the_c_step(monkeypatch):
    # C checks that the methods it stands for are still pyuv_net's; a class that
    # changes gets them called.
    finals = []
    original = Stream._final

    def final(self):
        finals.append(self)
        original(self)
    monkeypatch.setattr(Stream, "_final", final)
    trace, got, calls = trace_connection_end(echo)
    assert len(finals) == 2 and got == [b"x" * 100, "end"]  # the client's end() and the server's
    monkeypatch.undo()
    trace, got, calls = trace_connection_end(echo)
    assert len(finals) == 2 and got == [b"x" * 100, "end"]


def test_a_subclass_takes_the_python_methods():
    class Tracking(net.Socket):
        def destroy(self, error=None):
            closed.append(error)
            return super().destroy(error)

    closed = []
    got = []
    server, port = listen_server(lambda sock: sock.on("data", sock.write))
    client = Tracking()
    client.connect(port, HOST, lambda: (client.write(b"hi"), client.end()))
    client.on("data", got.append)
    client.on("close", lambda had_error: server.close())
    run_loop()
    assert got == [b"hi"] and closed == [None]
