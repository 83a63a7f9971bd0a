"""net.Socket: a Stream that connects (TCP by host and port, or a local path), with
Node's lookup and Happy Eyeballs, addresses, and the TCP options."""
from __future__ import annotations

import socket as _pysocket
import sys
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Dict, List, Optional, Tuple, TypedDict

from . import _dispatch
from ._abort import abort_error, watch_signal
from ._addresses import is_ip
from ._dns import lookup as _dns_lookup
from ._errors import check_local_path, describe, state_error, type_error, uv_error, value_error
from ._loop import Loop, get_loop
from ._options import (FAMILY_NAMES, check_connect_options, check_object_modes, keep_alive_delay, normalize_connect, snake_keys,
                       validate_attempt_timeout)
from ._stream import Stream, set_handle
from ._timers import Timer
from ._uv import ffi, lib

if TYPE_CHECKING:
    from ._listener_types import SocketListenerAdder

__all__ = ["Socket", "connect", "connect_async", "get_default_auto_select_family", "set_default_auto_select_family",
           "get_default_auto_select_family_attempt_timeout", "set_default_auto_select_family_attempt_timeout"]



class _Defaults(TypedDict):
    """What set_default_auto_select_family*() change."""
    auto_select_family: bool
    attempt_timeout: int


_defaults: _Defaults = {"auto_select_family": True, "attempt_timeout": 250}


def get_default_auto_select_family() -> bool:
    return _defaults["auto_select_family"]


def set_default_auto_select_family(value: bool) -> None:
    if not isinstance(value, bool):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "value" argument must be of type bool. Received ' + describe(value))
    _defaults["auto_select_family"] = value


def get_default_auto_select_family_attempt_timeout() -> int:
    return _defaults["attempt_timeout"]


def set_default_auto_select_family_attempt_timeout(value: int) -> None:
    _defaults["attempt_timeout"] = max(validate_attempt_timeout(value, "value"), 10)


def _sockname(handle: Any, peer: bool) -> Optional[Dict[str, Any]]:
    ip = ffi.new("char[64]")
    port = ffi.new("int *")
    family = ffi.new("int *")
    if lib.pn_tcp_sockname(handle, 1 if peer else 0, ip, port, family) != 0:
        return None
    return {"address": ffi.string(ip).decode(), "family": FAMILY_NAMES[family[0]], "port": port[0]}


def _pipe_name(handle: Any, peer: bool) -> Optional[str]:
    size = 4096
    buf = ffi.new("char[]", size)
    length = ffi.new("size_t *", size)
    if lib.pn_pipe_name(handle, 1 if peer else 0, buf, length) != 0:
        return None
    return ffi.unpack(buf, length[0]).decode("utf8", "surrogateescape")


class _Attempts:
    """Node's internalConnectMultiple: try each address in turn, giving each
    `timeout` ms before moving on; the first to connect wins."""

    __slots__ = ("socket", "addresses", "current", "port", "local_port", "timeout", "timer", "errors")

    def __init__(self, socket: "Socket", addresses: List[Dict[str, Any]], port: int,
                 local_port: Optional[int], timeout: int) -> None:
        self.socket = socket
        self.addresses = addresses
        self.current = 0
        self.port = port
        self.local_port = local_port
        self.timeout = timeout
        self.timer: Optional[Timer] = None
        self.errors: List[BaseException] = []


class Socket(Stream):
    """Node's net.Socket."""

    __slots__ = ("_kind", "_peername", "_sockname", "_no_delay", "_keep_alive", "_keep_alive_delay",
                 "_connect_target", "_attempts", "_attempted", "_path", "_unref_wanted")

    _listen_handle_source = True

    if TYPE_CHECKING:  # the events and their listeners' types; the methods are EventEmitter's
        on: SocketListenerAdder
        add_listener: SocketListenerAdder
        once: SocketListenerAdder
        prepend_listener: SocketListenerAdder
        prepend_once_listener: SocketListenerAdder
        addListener: SocketListenerAdder
        prependListener: SocketListenerAdder
        prependOnceListener: SocketListenerAdder

    def __init__(self, options: Optional[Dict[str, Any]] = None, *, fd: Any = None,
                 allow_half_open: bool = False, readable: Optional[bool] = None,
                 writable: Optional[bool] = None, high_water_mark: Optional[int] = None,
                 loop: Optional[Loop] = None) -> None:
        if options is not None:
            if not isinstance(options, dict):
                raise type_error("ERR_INVALID_ARG_TYPE", 'The "options" argument must be a dict. Received ' + describe(options))
            opts = snake_keys(options)
            check_object_modes(opts)
            fd = opts.get("fd", fd)
            allow_half_open = opts.get("allow_half_open", allow_half_open)
            readable = opts.get("readable", readable)
            writable = opts.get("writable", writable)
            high_water_mark = opts.get("high_water_mark", high_water_mark)
        if high_water_mark is not None and (isinstance(high_water_mark, bool) or not isinstance(high_water_mark, int) or high_water_mark < 0):
            raise value_error("ERR_INVALID_ARG_VALUE", "high_water_mark must be a non-negative int")
        Stream.__init__(self, loop or get_loop(), allow_half_open, high_water_mark,
                        readable is not False, writable is not False)
        self._kind = 0
        self._peername: Optional[Dict[str, Any]] = None
        self._sockname: Optional[Dict[str, Any]] = None
        self._no_delay = False
        self._keep_alive = False
        self._keep_alive_delay = 0
        self._connect_target: Tuple[Any, Any] = (None, None)
        self._attempts: Optional[_Attempts] = None
        self._attempted: Tuple[str, ...] = ()  # "address:port" of each attempt, kept after them
        self._path: Optional[str] = None
        self._unref_wanted = False
        if fd is not None:
            self._open_fd(fd)

    def _fresh_copy(self) -> "Socket":
        """A new socket in the state of this never-opened one (a Server makes one per
        accepted connection). On CPython, csrc/accel.c replaces this with a copy of the
        slots, all immutable values but the listeners' dict, which costs less than the
        constructors; PyPy's JIT makes the constructors the cheaper."""
        return Socket(allow_half_open=self._allow_half_open, high_water_mark=self._rhwm, loop=self._loop)

    # -- opening ----------------------------------------------------------------

    def _make_handle(self, kind: int) -> None:
        self._kind = kind
        self._new_handle(kind)
        if self._unref_wanted:
            lib.pn_handle_unref(self._handle)

    def _open_fd(self, fd: Any) -> None:
        if isinstance(fd, _pysocket.socket):
            fd = fd.detach()
        if isinstance(fd, bool) or not isinstance(fd, int):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "fd" option must be an int or a socket.socket. Received ' + describe(fd))
        if not 0 <= fd <= 0x7FFFFFFF:
            raise value_error("ERR_OUT_OF_RANGE", "fd must be >= 0 && <= 2147483647. Received %d" % fd)
        kind = lib.pn_guess_handle(fd)
        if kind == 0:
            raise value_error("ERR_INVALID_FD_TYPE", "Unsupported fd type: %d is not a TCP socket or a pipe" % fd)
        self._make_handle(kind)
        err = (lib.pn_tcp_open if kind == lib.PN_TCP else lib.pn_pipe_open)(self._handle, fd)
        if err:
            self._abandon_handle()
            raise uv_error(err, "open")
        self._opened()

    def _accepted(self, server: Any, handle: Any, slot: int, kind: int, pause: bool,
                  no_delay: bool) -> None:
        """Takes a connection a Server accepted (into a handle opened for this socket),
        with Nagle already off if `no_delay` and reading unless `pause` (pn_accept)."""
        self._kind = kind
        self._no_delay = no_delay
        # What _attach and _update_write_fast would do for a fresh copy, which has no
        # timeout, no 'data' listener and nothing to hold writes back.
        set_handle(self, handle)
        self._write_fast = self._address
        self._slot = slot
        self._server = server
        if pause:
            self._flowing = False
            self._paused = True
        else:
            self._reading = True

    def connect(self, *args: Any, **kwargs: Any) -> "Socket":
        """connect(port, host='localhost', cb) | connect(path, cb) | connect(options, cb)."""
        self._check_thread()
        options, callback = normalize_connect(args, kwargs)
        options.pop("loop", None)
        check_connect_options(options)
        signal = options.get("signal")
        if signal is not None:
            watch_signal(signal, self, self._loop, lambda: self.destroy(abort_error(signal)))
        if self._destroyed:
            self._undestroy()
            self._update_read_fast()  # destroy() dropped it; the handle made below takes it
            self._peername = self._sockname = None
        self._attempted = ()
        if "allow_half_open" in options:
            self._allow_half_open = bool(options["allow_half_open"])
        if callback is not None:
            self.once("connect", callback)
        path = options.get("path")
        raw_path = check_local_path(path, "connect") if path is not None else b""
        if self._handle is None:
            self._make_handle(lib.PN_PIPE if path is not None else lib.PN_TCP)
        if options.get("timeout"):
            self.set_timeout(options["timeout"])
        if options.get("no_delay"):
            self._no_delay = True
        if options.get("keep_alive"):
            self._keep_alive = True
            self._keep_alive_delay = keep_alive_delay(options.get("keep_alive_initial_delay"))
        self._connecting = True
        self._write_fast = False
        if path is not None:
            self._path = path
            self._connect_target = (path, None)
            err = lib.pn_pipe_connect(self._handle, raw_path)
            if err:
                self.destroy(uv_error(err, "connect", path))
        else:
            self._lookup_and_connect(options)
        return self

    def _lookup_and_connect(self, options: Dict[str, Any]) -> None:
        host = options.get("host") or "localhost"
        port = options["port"]
        family = options["family"]
        local_address = options.get("local_address")
        local_port = options.get("local_port")
        literal = is_ip(host)
        if literal:
            self._loop.next_tick(self._connect_if_still, host, port, literal, local_address, local_port)
            return
        hints = options["hints"]
        if not hints and family not in (4, 6) and sys.platform != "win32":
            hints = getattr(_pysocket, "AI_ADDRCONFIG", 0)
        auto = options.get("auto_select_family")
        if auto is None:
            auto = get_default_auto_select_family()
        many = family not in (4, 6) and local_address is None and bool(auto)
        lookup = options.get("lookup")
        dnsopts = {"family": family, "hints": hints, "all": many}
        if many:
            timeout = options.get("auto_select_family_attempt_timeout") or get_default_auto_select_family_attempt_timeout()

            def on_all(err: Optional[BaseException], addresses: Any = None, *rest: Any) -> None:
                self._looked_up_all(err, addresses, host, port, local_port, max(int(timeout), 10))
            callback: Callable[..., None] = on_all
        else:
            def on_one(err: Optional[BaseException], address: Any = None, fam: Any = None) -> None:
                self._looked_up(err, address, fam, host, port, local_address, local_port)
            callback = on_one
        if lookup is None:
            _dns_lookup(host, dnsopts, callback, loop=self._loop)
        else:
            lookup(host, dnsopts, callback)

    def _looked_up(self, err: Optional[BaseException], address: Any, family: Any, host: str,
                   port: int, local_address: Optional[str], local_port: Optional[int]) -> None:
        self.emit("lookup", err, address, family, host)
        if not self._connecting:
            return
        if err is not None:
            self._loop.next_tick(self.destroy, err)
        elif not is_ip(address):
            self._loop.next_tick(self.destroy, type_error("ERR_INVALID_IP_ADDRESS", "Invalid IP address: %s" % (address,)))
        elif family not in (4, 6):
            self._loop.next_tick(self.destroy, value_error(
                "ERR_INVALID_ADDRESS_FAMILY", "Invalid address family: %s %s:%s" % (family, host, port)))
        else:
            self._internal_connect(address, port, family, local_address, local_port)

    def _looked_up_all(self, err: Optional[BaseException], addresses: Any, host: str, port: int,
                       local_port: Optional[int], timeout: int) -> None:
        if not self._connecting:
            return
        if err is not None:
            self.emit("lookup", err, None, None, host)
            self._loop.next_tick(self.destroy, err)
            return
        groups: Tuple[List[Dict[str, Any]], List[Dict[str, Any]]] = ([], [])
        first_family = None
        for entry in addresses or []:
            ip, fam = entry.get("address"), entry.get("family")
            self.emit("lookup", None, ip, fam, host)
            if not self._connecting:
                return
            if is_ip(ip) and fam in (4, 6):
                first_family = first_family or fam
                group = groups[0 if fam == first_family else 1]
                if all(e["address"] != ip for e in group):
                    group.append({"address": ip, "family": fam})
        if not groups[0]:
            bad = (addresses or [{}])[0]
            self._loop.next_tick(self.destroy, type_error(
                "ERR_INVALID_IP_ADDRESS", "Invalid IP address: %s" % (bad.get("address"),)))
            return
        ordered: List[Dict[str, Any]] = []
        for i in range(max(len(groups[0]), len(groups[1]))):
            for group in groups:
                if i < len(group):
                    ordered.append(group[i])
        if len(ordered) == 1:
            self._internal_connect(ordered[0]["address"], port, ordered[0]["family"], None, local_port)
            return
        self._attempts = _Attempts(self, ordered, port, local_port, timeout)
        self._next_attempt()

    def _next_attempt(self) -> None:
        ctx = self._attempts
        assert ctx is not None
        if ctx.current > 0:  # a fresh handle for each new attempt
            self._abandon_handle()
            self._make_handle(lib.PN_TCP)
        entry = ctx.addresses[ctx.current]
        ctx.current += 1
        self._attempted += ("%s:%s" % (entry["address"], ctx.port),)
        self.emit("connectionAttempt", entry["address"], ctx.port, entry["family"])
        if not self._connecting:
            return
        if ctx.current < len(ctx.addresses):
            ctx.timer = Timer(self._loop, self._attempt_timed_out, ctx.timeout, (), False)
        self._internal_connect(entry["address"], ctx.port, entry["family"], None, ctx.local_port)

    def _attempt_timed_out(self) -> None:
        ctx = self._attempts
        if ctx is None or not self._connecting:
            return
        address, port = self._connect_target
        entry = ctx.addresses[ctx.current - 1]
        self.emit("connectionAttemptTimeout", address, port, entry["family"])
        self._next_attempt()

    def _abandon_handle(self) -> None:
        if self._handle is not None:
            handle = self._handle
            set_handle(self, None)
            _dispatch._objects[self._slot] = _dispatch.Ignored(self._loop)
            lib.pn_handle_close(handle)

    def _connect_if_still(self, address: str, port: int, family: int,
                          local_address: Optional[str], local_port: Optional[int]) -> None:
        if self._connecting:
            self._internal_connect(address, port, family, local_address, local_port)

    def _internal_connect(self, address: str, port: int, family: int,
                          local_address: Optional[str], local_port: Optional[int]) -> None:
        self._connect_target = (address, port)
        if local_address is not None or local_port:
            bind_address = local_address or ("::" if family == 6 else "0.0.0.0")
            err = lib.pn_tcp_bind(self._handle, bind_address.encode(), local_port or 0, 0)
            if err:
                self.destroy(uv_error(err, "bind", bind_address, local_port or 0))
                return
        err = lib.pn_tcp_connect(self._handle, address.encode(), port)
        if err:
            self._connect_failed(uv_error(err, "connect", address, port))

    def _on_connected(self, status: int) -> None:
        if self._destroyed:
            return
        if status:
            address, port = self._connect_target
            self._connect_failed(uv_error(status, "connect", address, port))
            return
        ctx, self._attempts = self._attempts, None
        if ctx is not None and ctx.timer is not None:
            ctx.timer.close()
        self._connecting = False
        self._sockname = None
        if self._kind == lib.PN_TCP:
            if self._no_delay:
                lib.pn_tcp_nodelay(self._handle, 1)
            if self._keep_alive:
                lib.pn_tcp_keepalive(self._handle, 1, self._keep_alive_delay // 1000)
        self._update_write_fast()
        self.emit("connect")
        if self._destroyed:
            return
        self._opened()
        self.emit("ready")

    def _connect_failed(self, err: BaseException) -> None:
        ctx = self._attempts
        if ctx is None:
            self.destroy(err)
            return
        if ctx.timer is not None:
            ctx.timer.close()
            ctx.timer = None
        ctx.errors.append(err)
        address, port = self._connect_target
        entry = ctx.addresses[ctx.current - 1]
        self.emit("connectionAttemptFailed", address, port, entry["family"], err)
        if not self._connecting:
            return
        if ctx.current < len(ctx.addresses):
            self._next_attempt()
            return
        self._attempts = None
        first = ctx.errors[0]
        first.errors = list(ctx.errors)  # type: ignore[attr-defined]
        self.destroy(first)

    def destroy(self, error: Optional[BaseException] = None) -> "Socket":
        ctx, self._attempts = self._attempts, None
        if ctx is not None and ctx.timer is not None and not self._destroyed:
            ctx.timer.close()
        Stream.destroy(self, error)
        self._sockname = None  # as Node; the peer's name stays known if it was read
        return self

    def reset_and_destroy(self) -> "Socket":
        """Closes with a TCP RST instead of a FIN."""
        self._check_thread()
        if self._handle is None:
            self.destroy(state_error("ERR_SOCKET_CLOSED", "Socket is closed"))
        elif self._kind != lib.PN_TCP:
            raise type_error("ERR_INVALID_HANDLE_TYPE", "This operation is only valid on TCP sockets")
        elif self._connecting:
            self.once("connect", self._reset)
        else:
            self._reset()
        return self

    def _reset(self) -> None:
        self._reset_on_destroy = True
        self.destroy()

    # -- options ----------------------------------------------------------------

    def set_no_delay(self, no_delay: bool = True) -> "Socket":
        self._check_thread()
        enable = bool(no_delay)
        if self._handle is None or self._connecting:
            self._no_delay = enable
        elif self._kind == lib.PN_TCP and enable != self._no_delay:
            self._no_delay = enable
            lib.pn_tcp_nodelay(self._handle, int(enable))
        return self

    def set_keep_alive(self, enable: bool = False, initial_delay: Any = 0) -> "Socket":
        self._check_thread()
        enable = bool(enable)
        delay = keep_alive_delay(initial_delay)
        if self._handle is None or self._connecting:
            self._keep_alive, self._keep_alive_delay = enable, delay
        elif self._kind == lib.PN_TCP and enable != self._keep_alive:
            self._keep_alive, self._keep_alive_delay = enable, delay
            lib.pn_tcp_keepalive(self._handle, int(enable), delay // 1000)
        return self

    def ref(self) -> "Socket":
        self._check_thread()
        self._unref_wanted = False
        if self._handle is not None:
            lib.pn_handle_ref(self._handle)
        return self

    def unref(self) -> "Socket":
        self._check_thread()
        self._unref_wanted = True
        if self._handle is not None:
            lib.pn_handle_unref(self._handle)
        return self

    def fileno(self) -> int:
        return lib.pn_handle_fileno(self._handle) if self._handle is not None else -1

    # -- addresses and state ----------------------------------------------------

    def _peer(self) -> Dict[str, Any]:
        if self._peername is None and self._handle is not None and not self._connecting:
            if self._kind == lib.PN_TCP:
                self._peername = _sockname(self._handle, True)
        return self._peername or {}

    def _local(self) -> Dict[str, Any]:
        if self._sockname is None and self._handle is not None and self._kind == lib.PN_TCP:
            self._sockname = _sockname(self._handle, False)
        return self._sockname or {}

    def address(self) -> Dict[str, Any]:
        """{'port', 'family', 'address'} of the local end (as Node, {} when unknown)."""
        return dict(self._local())

    @property
    def remote_address(self) -> Optional[str]:
        return self._peer().get("address")

    @property
    def remote_port(self) -> Optional[int]:
        return self._peer().get("port")

    @property
    def remote_family(self) -> Optional[str]:
        return self._peer().get("family")

    @property
    def local_address(self) -> Optional[str]:
        return self._local().get("address")

    @property
    def local_port(self) -> Optional[int]:
        return self._local().get("port")

    @property
    def local_family(self) -> Optional[str]:
        return self._local().get("family")

    @property
    def connecting(self) -> bool:
        return self._connecting

    @property
    def pending(self) -> bool:
        return self._handle is None or self._connecting

    @property
    def ready_state(self) -> str:
        if self._connecting:
            return "opening"
        readable, writable = self.readable, self.writable
        if readable and writable:
            return "open"
        if readable:
            return "readOnly"
        if writable:
            return "writeOnly"
        return "closed"

    @property
    def buffer_size(self) -> int:
        return self._wlen

    @property
    def auto_select_family_attempted_addresses(self) -> List[str]:
        return list(self._attempted)

    def __repr__(self) -> str:
        return "<Socket %s %s>" % (self.ready_state, self._peer() or self._path or "")

    # -- asyncio (pyuv_net/asyncio.py; imported on first use) ---------------------

    def __aiter__(self) -> AsyncIterator[Any]:
        from .asyncio import chunks
        return chunks(self)

    async def drain(self) -> None:
        """Waits while write() asks for it (the buffer is at its high-water mark)."""
        from .asyncio import drained
        await drained(self)


def connect(*args: Any, **kwargs: Any) -> Socket:
    """net.connect / net.createConnection: a new Socket, connecting."""
    options, callback = normalize_connect(args, kwargs)
    socket_keys = ("allow_half_open", "readable", "writable", "high_water_mark", "loop", "fd")
    socket_options = {k: options.pop(k) for k in socket_keys if k in options}
    fd = socket_options.pop("fd", None)
    sock = Socket(fd=fd, **socket_options)
    if fd is not None:
        return sock
    return sock.connect(options, callback) if callback is not None else sock.connect(options)


async def connect_async(*args: Any, **kwargs: Any) -> Socket:
    """`await net.connect_async(...)`: connect's arguments; the socket once connected
    (its connection error is raised). Runs under asyncio (pyuv_net/asyncio.py)."""
    from .asyncio import connected
    sock: Socket = await connected(connect(*args, **kwargs))
    return sock


if _dispatch.ACCEL:
    lib.pn_accel_install_fresh_copy(id(Socket))  # else Socket._fresh_copy above
