"""Bad input to every public function, constructor and method: a coded
TypeError/ValueError at the call (API.md, Errors), or acceptance where Node accepts;
never a crash, never an error deferred into run(), never a leaked handle.

`ROWS` is the table: each row is a Python call, the `code` it must raise (None: it
must be accepted), and the same call in JavaScript. `test_table_matches_node` runs
every JavaScript column through node 20 and checks node's code is the row's `code`,
or the row's `node_code` where pyuv_net is deliberately stricter than Node (Python
rejects a wrong type where JavaScript coerces it; each such row says why).
`test_junk_never_crashes` then calls every one-argument method with a list of junk
values and allows only coded TypeError/ValueError or acceptance.

test_errors.py holds the deeper per-area tables (ports, hosts, encodings, ...); rows
here take one representative value per argument so that every callable is covered.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
from typing import Any, Callable, NamedTuple, Optional

import pytest

import pyuv_net as net

from conftest import HOST, run_loop

pytestmark = pytest.mark.timeout(20)

NAN = float("nan")
INF = math.inf

# API.md: Node's TypeError codes -> TypeError; bad values and ranges -> ValueError.
CLASS_OF_CODE = {
    "ERR_INVALID_ARG_TYPE": TypeError, "ERR_MISSING_ARGS": TypeError, "ERR_INVALID_IP_ADDRESS": TypeError,
    "ERR_STREAM_NULL_VALUES": TypeError,
    "ERR_INVALID_ARG_VALUE": ValueError, "ERR_SOCKET_BAD_PORT": ValueError, "ERR_OUT_OF_RANGE": ValueError,
    "ERR_UNKNOWN_ENCODING": ValueError, "ERR_INVALID_FD_TYPE": ValueError,
    "ERR_UNHANDLED_ERROR": RuntimeError,
}

STRICTER = "Python rejects the wrong type; Node coerces it"


class Subjects:
    """What a row may call methods on: an unconnected socket, a server that is not
    listening and a bare EventEmitter (the JavaScript side has `s`, `srv`, `ee`)."""

    def __init__(self) -> None:
        self.s = net.Socket()
        self.s.on("error", lambda err: None)
        self.srv = net.create_server()
        self.srv.on("error", lambda err: None)
        self.ee = net.EventEmitter()

    def finish(self) -> None:
        self.s.destroy()
        if self.srv.listening:
            self.srv.close()


class Row(NamedTuple):
    id: str
    call: Callable[[Subjects], Any]
    code: Optional[str]
    js: Optional[str]  # None: no Node counterpart (a Python-only API)
    node_code: Any = "same"  # what node gives when it differs from `code`
    why: str = ""


def _noop(*args: Any) -> None:
    pass


ROWS = [
    # timers
    Row("set_timeout callback int", lambda t: net.set_timeout(5, 10), "ERR_INVALID_ARG_TYPE", "setTimeout(5, 10)"),
    Row("set_timeout ms str", lambda t: net.clear_timeout(net.set_timeout(_noop, "x")), None,
        "clearTimeout(setTimeout(() => {}, 'x'))"),
    Row("set_timeout ms negative", lambda t: net.clear_timeout(net.set_timeout(_noop, -5)), None,
        "clearTimeout(setTimeout(() => {}, -5))"),
    Row("set_timeout ms nan", lambda t: net.clear_timeout(net.set_timeout(_noop, NAN)), None,
        "clearTimeout(setTimeout(() => {}, NaN))"),
    Row("set_interval callback None", lambda t: net.set_interval(None, 1), "ERR_INVALID_ARG_TYPE",
        "setInterval(null, 1)"),
    Row("set_immediate callback str", lambda t: net.set_immediate("x"), "ERR_INVALID_ARG_TYPE", "setImmediate('x')"),
    Row("clear_timeout int", lambda t: net.clear_timeout(5), None, "clearTimeout(5)"),
    Row("clear_interval str", lambda t: net.clear_interval("x"), None, "clearInterval('x')"),
    Row("clear_immediate int", lambda t: net.clear_immediate(5), None, "clearImmediate(5)",
        node_code="", why="node 20 throws an uncoded TypeError from its internals; ignoring it is kinder"),
    Row("next_tick int", lambda t: net.next_tick(5), "ERR_INVALID_ARG_TYPE", "process.nextTick(5)"),
    Row("call_soon_threadsafe int", lambda t: net.call_soon_threadsafe(5, loop=net.get_loop()),
        "ERR_INVALID_ARG_TYPE", None),
    Row("Loop.run bad mode", lambda t: net.get_loop().run("forever"), "ERR_INVALID_ARG_VALUE", None),
    Row("run mode int", lambda t: net.run(5), "ERR_INVALID_ARG_VALUE", None),
    # EventEmitter
    Row("on listener int", lambda t: t.ee.on("x", 5), "ERR_INVALID_ARG_TYPE", "ee.on('x', 5)"),
    Row("once listener None", lambda t: t.ee.once("x", None), "ERR_INVALID_ARG_TYPE", "ee.once('x', null)"),
    Row("prepend_listener str", lambda t: t.ee.prepend_listener("x", "f"), "ERR_INVALID_ARG_TYPE",
        "ee.prependListener('x', 'f')"),
    Row("prepend_once_listener int", lambda t: t.ee.prepend_once_listener("x", 1), "ERR_INVALID_ARG_TYPE",
        "ee.prependOnceListener('x', 1)"),
    Row("off listener int", lambda t: t.ee.off("x", 5), "ERR_INVALID_ARG_TYPE", "ee.off('x', 5)"),
    Row("set_max_listeners -1", lambda t: t.ee.set_max_listeners(-1), "ERR_OUT_OF_RANGE", "ee.setMaxListeners(-1)"),
    Row("set_max_listeners str", lambda t: t.ee.set_max_listeners("x"), "ERR_INVALID_ARG_TYPE",
        "ee.setMaxListeners('x')"),
    Row("set_max_listeners nan", lambda t: t.ee.set_max_listeners(NAN), "ERR_OUT_OF_RANGE",
        "ee.setMaxListeners(NaN)"),
    Row("emit error non-exception", lambda t: t.ee.emit("error", 5), "ERR_UNHANDLED_ERROR", "ee.emit('error', 5)"),
    # Socket: construction
    Row("Socket options int", lambda t: net.Socket(5), "ERR_INVALID_ARG_TYPE", "new net.Socket(5)",
        node_code=None, why=STRICTER),
    Row("Socket fd -1", lambda t: net.Socket(fd=-1), "ERR_OUT_OF_RANGE", "new net.Socket({fd: -1})"),
    Row("Socket fd 2**40", lambda t: net.Socket(fd=2 ** 40), "ERR_OUT_OF_RANGE", "new net.Socket({fd: 2 ** 40})"),
    Row("Socket fd float", lambda t: net.Socket(fd=1.5), "ERR_INVALID_ARG_TYPE", "new net.Socket({fd: 1.5})",
        node_code="ERR_OUT_OF_RANGE", why="a float is a wrong type in Python (Node has one number type)"),
    Row("Socket fd str", lambda t: net.Socket({"fd": "3"}), "ERR_INVALID_ARG_TYPE", "new net.Socket({fd: '3'})"),
    Row("Socket fd not a socket", lambda t: net.Socket(fd=99999), "ERR_INVALID_FD_TYPE",
        "new net.Socket({fd: 99999})"),
    Row("Socket high_water_mark nan", lambda t: net.Socket(high_water_mark=NAN), "ERR_INVALID_ARG_VALUE",
        "new net.Socket({highWaterMark: NaN})"),
    Row("Socket high_water_mark -1", lambda t: net.Socket({"highWaterMark": -1}), "ERR_INVALID_ARG_VALUE",
        "new net.Socket({highWaterMark: -1})"),
    # Socket: connect
    Row("connect()", lambda t: net.connect(), "ERR_MISSING_ARGS", "net.connect()"),
    Row("connect None", lambda t: net.connect(None), "ERR_MISSING_ARGS", "net.connect(null)",
        node_code="ERR_INVALID_ARG_TYPE", why="API.md: connect(options_dict=None) - None is no options"),
    Row("connect port ''", lambda t: net.connect(""), "ERR_SOCKET_BAD_PORT", "net.connect('')"),
    Row("connect port 65536", lambda t: t.s.connect(65536, HOST), "ERR_SOCKET_BAD_PORT", "s.connect(65536, '127.0.0.1')"),
    Row("connect port nan", lambda t: t.s.connect({"port": NAN}), "ERR_SOCKET_BAD_PORT", "s.connect({port: NaN})"),
    Row("connect port True", lambda t: t.s.connect({"port": True}), "ERR_INVALID_ARG_TYPE", "s.connect({port: true})"),
    Row("connect port dict", lambda t: t.s.connect(port={}), "ERR_INVALID_ARG_TYPE", "s.connect({port: {}})"),
    Row("connect host int", lambda t: t.s.connect(port=80, host=5), "ERR_INVALID_ARG_TYPE",
        "s.connect({port: 80, host: 5})"),
    Row("connect host ''", lambda t: t.s.connect(port=80, host=""), None, "s.connect({port: 80, host: ''})"),
    Row("connect host with NUL", lambda t: t.s.connect(port=80, host="a\0b"), None,
        "s.connect({port: 80, host: 'a\\0b'})"),
    Row("connect path int", lambda t: t.s.connect(path=5), "ERR_INVALID_ARG_TYPE", "s.connect({path: 5})"),
    Row("connect path ''", lambda t: t.s.connect(path=""), None, "s.connect({path: ''})"),
    Row("connect family 5", lambda t: t.s.connect(port=80, host="localhost", family=5), "ERR_INVALID_ARG_VALUE",
        "s.connect({port: 80, host: 'localhost', family: 5})"),
    Row("connect hints str", lambda t: t.s.connect(port=80, host=HOST, hints="x"), "ERR_INVALID_ARG_TYPE",
        "s.connect({port: 80, host: '127.0.0.1', hints: 'x'})", node_code=None, why=STRICTER),
    Row("connect lookup int", lambda t: t.s.connect(port=80, host="localhost", lookup=5), "ERR_INVALID_ARG_TYPE",
        "s.connect({port: 80, host: 'localhost', lookup: 5})"),
    Row("connect local_address int", lambda t: t.s.connect(port=80, host=HOST, local_address=5),
        "ERR_INVALID_IP_ADDRESS", "s.connect({port: 80, host: '127.0.0.1', localAddress: 5})"),
    Row("connect local_port str", lambda t: t.s.connect(port=80, host=HOST, local_port="1"), "ERR_INVALID_ARG_TYPE",
        "s.connect({port: 80, host: '127.0.0.1', localPort: '1'})"),
    Row("connect local_port 70000", lambda t: t.s.connect(port=80, host=HOST, local_address=HOST, local_port=70000),
        "ERR_SOCKET_BAD_PORT", "s.connect({port: 80, host: '127.0.0.1', localAddress: '127.0.0.1', localPort: 70000})",
        node_code=None, why="node 20 binds the port modulo 65536; refusing it is what validatePort says"),
    Row("connect timeout str", lambda t: net.connect(port=80, host=HOST, timeout="x"), "ERR_INVALID_ARG_TYPE",
        "net.connect({port: 80, host: '127.0.0.1', timeout: 'x'})"),
    Row("connect timeout -1", lambda t: net.connect(port=80, host=HOST, timeout=-1), "ERR_OUT_OF_RANGE",
        "net.connect({port: 80, host: '127.0.0.1', timeout: -1})"),
    Row("connect keep_alive_initial_delay str",
        lambda t: t.s.connect(port=80, host=HOST, keep_alive=True, keep_alive_initial_delay="x"),
        "ERR_INVALID_ARG_TYPE", "s.connect({port: 80, host: '127.0.0.1', keepAlive: true, keepAliveInitialDelay: 'x'})",
        node_code=None, why=STRICTER + " (as its own createServer does)"),
    Row("connect auto_select_family str", lambda t: t.s.connect(port=80, host=HOST, auto_select_family="x"),
        "ERR_INVALID_ARG_TYPE", "s.connect({port: 80, host: '127.0.0.1', autoSelectFamily: 'x'})"),
    Row("connect attempt timeout -1",
        lambda t: t.s.connect(port=80, host="localhost", auto_select_family_attempt_timeout=-1), "ERR_OUT_OF_RANGE",
        "s.connect({port: 80, host: 'localhost', autoSelectFamilyAttemptTimeout: -1})"),
    Row("connect attempt timeout str",
        lambda t: t.s.connect(port=80, host="localhost", auto_select_family_attempt_timeout="x"),
        "ERR_INVALID_ARG_TYPE", "s.connect({port: 80, host: 'localhost', autoSelectFamilyAttemptTimeout: 'x'})"),
    Row("connect listener int", lambda t: t.s.connect(80, HOST, 5), None, "s.connect(80, '127.0.0.1', 5)"),
    # Socket: methods
    Row("write None", lambda t: t.s.write(None), "ERR_STREAM_NULL_VALUES", "s.write(null)"),
    Row("write int", lambda t: t.s.write(5), "ERR_INVALID_ARG_TYPE", "s.write(5)"),
    Row("write encoding int", lambda t: t.s.write("x", 5), "ERR_UNKNOWN_ENCODING", "s.write('x', 5)"),
    Row("write callback int", lambda t: t.s.write("x", "utf8", 5), "ERR_INVALID_ARG_TYPE",
        "s.write('x', 'utf8', 5)", node_code=None, why=STRICTER),
    Row("end encoding bogus", lambda t: t.s.end("x", "bogus"), "ERR_UNKNOWN_ENCODING", "s.end('x', 'bogus')"),
    Row("set_encoding int", lambda t: t.s.set_encoding(5), "ERR_UNKNOWN_ENCODING", "s.setEncoding(5)"),
    Row("set_timeout -1", lambda t: t.s.set_timeout(-1), "ERR_OUT_OF_RANGE", "s.setTimeout(-1)"),
    Row("set_timeout str", lambda t: t.s.set_timeout("10"), "ERR_INVALID_ARG_TYPE", "s.setTimeout('10')"),
    Row("set_timeout callback str", lambda t: t.s.set_timeout(10, "f"), "ERR_INVALID_ARG_TYPE",
        "s.setTimeout(10, 'f')"),
    Row("set_no_delay str", lambda t: t.s.set_no_delay("x"), None, "s.setNoDelay('x')"),
    Row("set_keep_alive delay -5", lambda t: t.s.set_keep_alive(True, -5), None, "s.setKeepAlive(true, -5)"),
    Row("set_keep_alive delay str", lambda t: t.s.set_keep_alive(True, "x"), "ERR_INVALID_ARG_TYPE",
        "s.setKeepAlive(true, 'x')", node_code=None, why=STRICTER),
    Row("pipe int", lambda t: t.s.pipe(5), "ERR_INVALID_ARG_TYPE", "s.pipe(5)",
        node_code="", why="node 20 fails inside pipe() with an uncoded 'dest.on is not a function'"),
    Row("read str", lambda t: t.s.read("x"), "ERR_OUT_OF_RANGE", "s.read('x')", node_code=None, why=STRICTER),
    Row("read -1", lambda t: t.s.read(-1), "ERR_OUT_OF_RANGE", None),
    Row("destroy str", lambda t: t.s.destroy("x"), "ERR_INVALID_ARG_TYPE", "s.destroy('x')", node_code=None,
        why="destroy(error) takes an exception in Python"),
    # Server
    Row("create_server options int", lambda t: net.create_server(5), "ERR_INVALID_ARG_TYPE", "net.createServer(5)"),
    Row("create_server listener int", lambda t: net.create_server({}, 5), "ERR_INVALID_ARG_TYPE",
        "net.createServer({}, 5)", node_code=None, why=STRICTER),
    Row("create_server keep_alive_initial_delay str", lambda t: net.create_server({"keepAliveInitialDelay": "x"}),
        "ERR_INVALID_ARG_TYPE", "net.createServer({keepAliveInitialDelay: 'x'})"),
    Row("create_server high_water_mark -1", lambda t: net.create_server(high_water_mark=-1), "ERR_INVALID_ARG_VALUE",
        "net.createServer({highWaterMark: -1})", node_code=None,
        why="node 20 accepts it for the server and fails later in each accepted socket"),
    Row("listen port -1", lambda t: t.srv.listen(-1, HOST), "ERR_SOCKET_BAD_PORT", "srv.listen(-1, '127.0.0.1')"),
    Row("listen port 'abc' option", lambda t: t.srv.listen(port="abc"), "ERR_SOCKET_BAD_PORT",
        "srv.listen({port: 'abc'})"),
    Row("listen port True", lambda t: t.srv.listen(True), "ERR_INVALID_ARG_VALUE", "srv.listen(true)"),
    Row("listen port dict", lambda t: t.srv.listen({"port": {}}), "ERR_INVALID_ARG_VALUE", "srv.listen({port: {}})"),
    Row("listen list", lambda t: t.srv.listen([]), "ERR_INVALID_ARG_VALUE", "srv.listen([])"),
    Row("listen {}", lambda t: t.srv.listen({}), "ERR_INVALID_ARG_VALUE", "srv.listen({})"),
    Row("listen host int", lambda t: t.srv.listen(port=0, host=5), "ERR_INVALID_ARG_TYPE",
        "srv.listen({port: 0, host: 5})"),
    Row("listen path int", lambda t: t.srv.listen({"path": 5}), "ERR_INVALID_ARG_VALUE", "srv.listen({path: 5})"),
    Row("listen path with NUL", lambda t: t.srv.listen("/tmp/a\0b"), "ERR_INVALID_ARG_VALUE", None),
    Row("listen fd -1", lambda t: t.srv.listen({"fd": -1}), "ERR_INVALID_ARG_VALUE", "srv.listen({fd: -1})"),
    Row("listen fd str", lambda t: t.srv.listen({"fd": "x"}), "ERR_INVALID_ARG_VALUE", "srv.listen({fd: 'x'})"),
    Row("listen handle dict", lambda t: t.srv.listen({"handle": {}}), "ERR_INVALID_ARG_VALUE",
        "srv.listen({handle: {}})"),
    Row("listen backlog str", lambda t: t.srv.listen(0, HOST, "x"), "ERR_INVALID_ARG_TYPE",
        "srv.listen(0, '127.0.0.1', 'x')", node_code=None, why=STRICTER),
    Row("listen backlog -1", lambda t: t.srv.listen(0, HOST, -1), "ERR_OUT_OF_RANGE",
        "srv.listen(0, '127.0.0.1', -1)", node_code=None, why="node 20 does not validate backlog"),
    Row("listen exclusive str", lambda t: t.srv.listen({"port": 0, "host": HOST, "exclusive": "x"}), None,
        "srv.listen({port: 0, host: '127.0.0.1', exclusive: 'x'})"),
    Row("close callback int", lambda t: t.srv.close(5), "ERR_INVALID_ARG_TYPE", "srv.close(5)", node_code=None,
        why=STRICTER),
    Row("get_connections None", lambda t: t.srv.get_connections(None), "ERR_INVALID_ARG_TYPE",
        "srv.getConnections(null)"),
    Row("max_connections str", lambda t: setattr(t.srv, "max_connections", "x"), "ERR_OUT_OF_RANGE",
        "srv.maxConnections = 'x'", node_code=None, why=STRICTER),
    # module functions
    Row("is_ip int", lambda t: net.is_ip(5), None, "net.isIP(5)"),
    Row("is_ipv4 None", lambda t: net.is_ipv4(None), None, "net.isIPv4(null)"),
    Row("is_ipv6 dict", lambda t: net.is_ipv6({}), None, "net.isIPv6({})"),
    Row("set_default_auto_select_family str", lambda t: net.set_default_auto_select_family("x"),
        "ERR_INVALID_ARG_TYPE", "net.setDefaultAutoSelectFamily('x')"),
    Row("set_default_auto_select_family_attempt_timeout str",
        lambda t: net.set_default_auto_select_family_attempt_timeout("x"), "ERR_INVALID_ARG_TYPE",
        "net.setDefaultAutoSelectFamilyAttemptTimeout('x')"),
    Row("set_default_auto_select_family_attempt_timeout -1",
        lambda t: net.set_default_auto_select_family_attempt_timeout(-1), "ERR_OUT_OF_RANGE",
        "net.setDefaultAutoSelectFamilyAttemptTimeout(-1)"),
    Row("lookup hostname int", lambda t: net.lookup(5, _noop), "ERR_INVALID_ARG_TYPE",
        "require('dns').lookup(5, () => {})"),
    Row("lookup callback None", lambda t: net.lookup("localhost", None), "ERR_INVALID_ARG_TYPE",
        "require('dns').lookup('localhost', null)"),
    Row("lookup family 5", lambda t: net.lookup("localhost", {"family": 5}, _noop), "ERR_INVALID_ARG_VALUE",
        "require('dns').lookup('localhost', {family: 5}, () => {})"),
    Row("lookup hints str", lambda t: net.lookup("localhost", {"hints": "x"}, _noop), "ERR_INVALID_ARG_TYPE",
        "require('dns').lookup('localhost', {hints: 'x'}, () => {})"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input_raises_coded_error_at_the_call(row):
    subjects = Subjects()
    try:
        if row.code is None:
            row.call(subjects)
        else:
            with pytest.raises(Exception) as info:
                row.call(subjects)
            assert isinstance(info.value, CLASS_OF_CODE[row.code]), info.value
            assert getattr(info.value, "code", None) == row.code, info.value
    finally:
        subjects.finish()
    run_loop()  # nothing was deferred into the loop (an error there would come out here)


_NODE_PROBE = r"""
const net = require('net');
const {EventEmitter} = require('events');
const rows = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {};
for (const [id, src] of rows) {
  const s = new net.Socket(); s.on('error', () => {});
  const srv = net.createServer(); srv.on('error', () => {});
  const ee = new EventEmitter();
  let code = null;
  try { eval(src); } catch (e) { code = e.code || ''; }
  s.destroy(); if (srv.listening) srv.close();
  out[id] = code;
}
console.log(JSON.stringify(out));
process.exit(0);
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_table_matches_node():
    rows = [r for r in ROWS if r.js is not None]
    done = subprocess.run(["node", "-e", _NODE_PROBE], input=json.dumps([[r.id, r.js] for r in rows]),
                          capture_output=True, text=True, timeout=30, check=True)
    node = json.loads(done.stdout)
    differ = []
    for r in rows:
        expected = r.code if r.node_code == "same" else r.node_code
        if node[r.id] != expected:
            differ.append((r.id, "node gives %r, the row says %r" % (node[r.id], expected)))
    assert not differ


def test_every_deliberate_difference_says_why():
    assert all(r.why for r in ROWS if r.node_code != "same")


# -- junk into every one-argument method ---------------------------------------------

JUNK = [None, True, -1, 2 ** 64, NAN, INF, 1.5, "", "\0", "x" * 10000, b"", [], {}, object(), _noop]


def _calls():
    """(name, fn(subjects, value)) for every public method that takes one argument."""
    yield "Socket(value)", lambda t, v: net.Socket(v)
    yield "Socket(fd=value)", lambda t, v: net.Socket(fd=v)
    yield "Socket(high_water_mark=value)", lambda t, v: net.Socket(high_water_mark=v)
    yield "create_server(value)", lambda t, v: net.create_server(v)
    yield "connect(value)", lambda t, v: t.s.connect(v)
    yield "connect(port=value)", lambda t, v: t.s.connect(port=v, host=HOST)
    yield "connect(host=value)", lambda t, v: t.s.connect(port=1, host=v)
    yield "connect(path=value)", lambda t, v: t.s.connect(path=v)
    yield "connect(timeout=value)", lambda t, v: t.s.connect(port=1, host=HOST, timeout=v)
    yield "connect(family=value)", lambda t, v: t.s.connect(port=1, host=HOST, family=v)
    yield "connect(keep_alive_initial_delay=value)", lambda t, v: t.s.connect(
        port=1, host=HOST, keep_alive=True, keep_alive_initial_delay=v)
    yield "create_server(keep_alive_initial_delay=value)", lambda t, v: net.create_server(keep_alive_initial_delay=v)
    yield "connect(local_address=value)", lambda t, v: t.s.connect(port=1, host=HOST, local_address=v)
    yield "listen(value)", lambda t, v: t.srv.listen(v)
    yield "listen(port=value)", lambda t, v: t.srv.listen(port=v, host=HOST)
    yield "listen(host=value)", lambda t, v: t.srv.listen(port=0, host=v)
    yield "listen(path=value)", lambda t, v: t.srv.listen(path=v)
    yield "listen(backlog=value)", lambda t, v: t.srv.listen(port=0, host=HOST, backlog=v)
    yield "listen(fd=value)", lambda t, v: t.srv.listen({"fd": v})
    yield "write(value)", lambda t, v: t.s.write(v)
    yield "write(str, encoding=value)", lambda t, v: t.s.write("x", v)
    yield "end(value)", lambda t, v: t.s.end(v)
    yield "end(str, 'utf8', value)", lambda t, v: t.s.end("x", "utf8", v)
    yield "unshift(value)", lambda t, v: t.s.unshift(v)
    yield "set_encoding(value)", lambda t, v: t.s.set_encoding(v)
    yield "set_timeout(value)", lambda t, v: t.s.set_timeout(v)
    yield "set_no_delay(value)", lambda t, v: t.s.set_no_delay(v)
    yield "set_keep_alive(True, value)", lambda t, v: t.s.set_keep_alive(True, v)
    yield "read(value)", lambda t, v: t.s.read(v)
    yield "pipe(value)", lambda t, v: t.s.pipe(v)
    yield "unpipe(value)", lambda t, v: t.s.unpipe(v)
    yield "destroy(value)", lambda t, v: t.s.destroy(v)
    yield "server.close(value)", lambda t, v: t.srv.close(v)
    yield "get_connections(value)", lambda t, v: t.srv.get_connections(v)
    yield "max_connections = value", lambda t, v: setattr(t.srv, "max_connections", v)
    yield "set_timeout(cb, value)", lambda t, v: net.clear_timeout(net.set_timeout(_noop, v))
    yield "set_immediate(value)", lambda t, v: net.clear_immediate(net.set_immediate(v))
    yield "next_tick(value)", lambda t, v: net.next_tick(v)
    yield "on('x', value)", lambda t, v: t.ee.on("x", v)
    yield "set_max_listeners(value)", lambda t, v: t.ee.set_max_listeners(v)
    yield "is_ip(value)", lambda t, v: net.is_ip(v)
    yield "lookup(value, cb)", lambda t, v: net.lookup(v, _noop)
    yield "lookup(host, {'family': value}, cb)", lambda t, v: net.lookup("localhost", {"family": v}, _noop)


@pytest.mark.parametrize("name,call", list(_calls()), ids=[name for name, _ in _calls()])
def test_junk_never_crashes(name, call):
    wrong = []
    for value in JUNK:
        subjects = Subjects()
        try:
            call(subjects, value)
        except (TypeError, ValueError) as exc:
            if getattr(exc, "code", None) is None:
                wrong.append((value, repr(exc)))
        except OSError as exc:  # a system error at the call (ENAMETOOLONG for a long path)
            if getattr(exc, "code", None) is None:
                wrong.append((value, repr(exc)))
        except Exception as exc:
            wrong.append((value, repr(exc)))
        finally:
            subjects.finish()
        try:
            run_loop()
        except Exception as exc:
            wrong.append((value, "deferred into run(): %r" % (exc,)))
    assert not wrong


def test_unshift_junk_is_a_coded_type_error():
    subjects = Subjects()
    try:
        with pytest.raises(TypeError) as info:
            subjects.s.unshift(5)
        assert getattr(info.value, "code", None) == "ERR_INVALID_ARG_TYPE"
    finally:
        subjects.finish()
    run_loop()


def test_end_with_non_callable_callback_raises_at_the_call():
    subjects = Subjects()
    try:
        with pytest.raises(TypeError) as info:
            subjects.s.end("x", "utf8", 5)
        assert getattr(info.value, "code", None) == "ERR_INVALID_ARG_TYPE"
    finally:
        subjects.finish()
    run_loop()


def test_set_timeout_huge_on_an_open_socket():
    server = net.create_server()
    server.listen(0, HOST)
    sock = net.connect(server.address()["port"], HOST)
    try:
        assert sock.set_timeout(2 ** 64) is sock
    finally:
        sock.destroy()
        server.close()
    run_loop()
