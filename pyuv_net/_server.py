"""net.Server: listens on TCP (host and port) or a local path, accepts connections
as Sockets, and closes once the last of them has ended."""
from __future__ import annotations

import os
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, TypedDict

from . import _dispatch
from ._abort import watch_signal
from ._addresses import is_ip
from ._dns import lookup as _dns_lookup
from ._errors import check_callable, check_local_path, describe, state_error, type_error, uv_error, value_error
from ._events import EventEmitter
from ._loop import Loop, get_loop
from ._options import keep_alive_delay, normalize_listen, snake_keys, validate_backlog, validate_port
from ._pipe_flow import PipeFlow
from ._socket import Socket, _pipe_name, _sockname
from ._stream import Stream, _Closing, set_handle
from ._uv import ffi, lib

if TYPE_CHECKING:
    from ._listener_types import ServerListenerAdder

__all__ = ["Server", "create_server"]

_UV_READABLE, _UV_WRITABLE = 1, 2  # uv_pipe_chmod flags
_SERVER_OPTIONS = ("allow_half_open", "pause_on_connect", "no_delay", "keep_alive",
                   "keep_alive_initial_delay", "high_water_mark")


class _ConnectionOptions(TypedDict):
    """What the server applies to each accepted socket once it is connected (the rest,
    allow_half_open and high_water_mark, its prototype socket carries)."""
    pause_on_connect: bool
    no_delay: bool
    keep_alive: bool
    keep_alive_initial_delay: int


class Server(EventEmitter):
    """Node's net.Server."""

    __slots__ = ("_loop", "_handle", "_address", "_slot", "_kind", "_connections", "_pipe_name", "_unref",
                 "_options", "_max_connections", "_listen_address", "_fresh_socket", "_listen_id", "__weakref__")

    _listen_handle_source = True
    _handle: Any  # (both set by set_handle)
    _address: int

    if TYPE_CHECKING:  # the events and their listeners' types; the methods are EventEmitter's
        on: ServerListenerAdder
        add_listener: ServerListenerAdder
        once: ServerListenerAdder
        prepend_listener: ServerListenerAdder
        prepend_once_listener: ServerListenerAdder
        addListener: ServerListenerAdder
        prependListener: ServerListenerAdder
        prependOnceListener: ServerListenerAdder

    def __init__(self, connection_listener: Optional[Callable[..., Any]] = None, *,
                 allow_half_open: bool = False, pause_on_connect: bool = False,
                 no_delay: bool = False, keep_alive: bool = False, keep_alive_initial_delay: int = 0,
                 high_water_mark: Optional[int] = None, loop: Optional[Loop] = None) -> None:
        EventEmitter.__init__(self)
        self._loop = loop or get_loop()
        self._loop.check_thread()
        set_handle(self, None)
        self._slot = -1
        self._kind = 0
        self._connections = 0
        self._pipe_name: Optional[str] = None
        self._unref = False
        self._listen_address: Optional[str] = None
        self._max_connections: Optional[int] = None
        self._listen_id = 0  # close() makes a listen() still looking up its host void
        # Each accepted socket starts as a copy of this one (Socket._fresh_copy), whose
        # constructor also checks high_water_mark.
        self._fresh_socket = Socket(allow_half_open=allow_half_open, high_water_mark=high_water_mark,
                                    loop=self._loop)
        self._options: _ConnectionOptions = {
            "pause_on_connect": bool(pause_on_connect), "no_delay": bool(no_delay),
            "keep_alive": bool(keep_alive), "keep_alive_initial_delay": keep_alive_delay(keep_alive_initial_delay),
        }
        if connection_listener is not None:
            self.on("connection", connection_listener)

    # -- listening --------------------------------------------------------------

    def listen(self, *args: Any, **kwargs: Any) -> "Server":
        """listen(port=0, host=None, backlog=511, callback) | listen(path, backlog, cb)
        | listen(handle, backlog, cb) | listen(options, cb) | listen(**options)."""
        self._loop.check_thread()
        options, callback = normalize_listen(args, kwargs)
        if self._handle is not None:
            raise state_error("ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.")
        backlog = validate_backlog(options.get("backlog"))
        if options.get("signal") is not None:
            watch_signal(options["signal"], self, self._loop, self.close)
        if callback is not None:
            self.once("listening", callback)
        handle = options.get("handle")
        fd = options.get("fd")
        if handle is not None:
            self._listen_fd(os.dup(_handle_fd(handle)), backlog)
        elif "fd" in options:
            if isinstance(fd, bool) or not isinstance(fd, int) or not 0 <= fd <= 0x7FFFFFFF:
                raise value_error("ERR_INVALID_ARG_VALUE", "The argument 'options.fd' is invalid. Received " + describe(fd))
            self._listen_fd(fd, backlog)
        elif options.get("path") is not None and "port" not in options:
            path = options["path"]
            if not isinstance(path, str) or not path:
                raise value_error("ERR_INVALID_ARG_VALUE", "The argument 'options' must have the property "
                                  '"port" or "path". Received path=' + describe(path))
            self._listen_pipe(path, backlog, bool(options.get("readable_all")), bool(options.get("writable_all")))
        else:
            port = options.get("port")
            port = 0 if port is None else validate_port(port, "options.port")
            host = options.get("host")
            if host is not None and not isinstance(host, str):
                raise type_error("ERR_INVALID_ARG_TYPE", 'The "options.host" property must be of type str. Received ' + describe(host))
            flags = (lib.PN_BIND_IPV6ONLY if options.get("ipv6_only") else 0) | \
                    (lib.PN_BIND_REUSEPORT if options.get("reuse_port") else 0)
            if host and not is_ip(host):
                listen_id = self._listen_id
                _dns_lookup(host, {}, lambda err, ip=None, fam=None: self._looked_up(listen_id, err, ip, port, backlog, flags),
                            loop=self._loop)
            else:
                self._listen_tcp(host or None, port, backlog, flags)
        return self

    def _looked_up(self, listen_id: int, err: Optional[BaseException], ip: Optional[str], port: int, backlog: int,
                   flags: int) -> None:
        if listen_id != self._listen_id:  # closed meanwhile
            return
        if err is not None:
            self.emit("error", err)
        else:
            self._listen_tcp(ip, port, backlog, flags)

    def _new_handle(self, kind: int) -> None:
        handle, self._slot = _dispatch.open_handle(self, self._loop, kind)
        set_handle(self, handle)
        self._kind = kind

    def _handle_freed(self) -> None:  # by Loop.close()
        set_handle(self, None)

    def _drop_handle(self) -> None:
        if self._handle is not None:
            lib.pn_handle_close(self._handle)
            set_handle(self, None)

    def _listen_tcp(self, address: Optional[str], port: int, backlog: int, flags: int) -> None:
        self._new_handle(lib.PN_TCP)
        if address is None:  # dual-stack '::', or '0.0.0.0' where there is no IPv6
            err = lib.pn_tcp_bind(self._handle, b"::", port, flags)
            address = "::"
            if err:
                self._drop_handle()
                self._new_handle(lib.PN_TCP)
                address = "0.0.0.0"
                err = lib.pn_tcp_bind(self._handle, b"0.0.0.0", port, flags)
        else:
            err = lib.pn_tcp_bind(self._handle, address.encode(), port, flags)
        self._start_listening(err, backlog, address, port)

    def _listen_pipe(self, path: str, backlog: int, readable_all: bool, writable_all: bool) -> None:
        raw = check_local_path(path, "listen")
        self._new_handle(lib.PN_PIPE)
        self._pipe_name = path
        err = lib.pn_pipe_bind(self._handle, raw)
        if not err and (readable_all or writable_all):
            self._start_listening(0, backlog, path, None)
            if self._handle is not None:
                mode = (_UV_READABLE if readable_all else 0) | (_UV_WRITABLE if writable_all else 0)
                err = lib.pn_pipe_chmod(self._handle, mode)
                if err:
                    self._drop_handle()
                    raise uv_error(err, "uv_pipe_chmod", path)
            return
        self._start_listening(err, backlog, path, None)

    def _listen_fd(self, fd: int, backlog: int) -> None:
        kind = lib.pn_guess_handle(fd)
        if kind == 0:  # as Node: not a socket (a file, a closed fd) fails listen()
            self._loop.next_tick(self._emit_error, uv_error(lib.pn_einval(), "listen", None, -1, described=True))
            return
        self._new_handle(kind)
        err = (lib.pn_tcp_open if kind == lib.PN_TCP else lib.pn_pipe_open)(self._handle, fd)
        if kind == lib.PN_PIPE and not err:
            self._pipe_name = _pipe_name(self._handle, False)
        self._start_listening(err, backlog, None, -1)

    def _start_listening(self, err: int, backlog: int, address: Optional[str], port: Optional[int]) -> None:
        if not err:
            if self._kind == lib.PN_TCP and self._options["no_delay"]:
                lib.pn_tcp_nodelay(self._handle, 1)  # for accepted sockets to inherit (pn_accept)
            err = lib.pn_listen(self._handle, backlog)
        if err:
            self._drop_handle()
            self._loop.next_tick(self._emit_error, uv_error(err, "listen", address, port, described=True))
            return
        self._listen_address = address
        if self._unref:
            lib.pn_handle_unref(self._handle)
        self._loop.next_tick(self._emit_listening)

    def _emit_listening(self) -> None:
        if self._handle is not None:
            self.emit("listening")

    def _emit_error(self, err: BaseException) -> None:
        self.emit("error", err)

    # -- connections ------------------------------------------------------------

    def _on_connection(self, status: int) -> None:
        if status < 0:
            self.emit("error", uv_error(status, "accept"))
            return
        if self._max_connections is not None and self._connections >= self._max_connections:
            self._drop()
            return
        opts = self._options
        sock = self._fresh_socket._fresh_copy()
        handle, slot = _dispatch.open_handle(sock, self._loop, self._kind)
        tcp = self._kind == lib.PN_TCP
        no_delay = tcp and opts["no_delay"]
        pause = opts["pause_on_connect"]
        err = lib.pn_accept(self._handle, handle, no_delay, not pause)  # (reading from the start)
        if err:  # the peer went away before we got to it (or reading could not start)
            _dispatch._objects[slot] = _dispatch.Ignored(self._loop)
            lib.pn_handle_close(handle)
            return
        sock._accepted(self, handle, slot, self._kind, pause, no_delay)
        if tcp and opts["keep_alive"]:
            sock.set_keep_alive(True, opts["keep_alive_initial_delay"])
        self._connections += 1
        self.emit("connection", sock)

    def _drop(self) -> None:
        handle, _ = _dispatch.open_handle(_dispatch.Ignored(self._loop), self._loop, self._kind)
        info: Dict[str, Any] = {}
        if lib.pn_accept(self._handle, handle, False, False) == 0 and self._kind == lib.PN_TCP:
            for prefix, peer in (("local", False), ("remote", True)):
                name = _sockname(handle, peer)
                if name is not None:
                    info[prefix + "_address"] = name["address"]
                    info[prefix + "_port"] = name["port"]
                    info[prefix + "_family"] = name["family"]
        lib.pn_handle_close(handle)
        self.emit("drop", info)

    def _connection_closed(self) -> None:
        self._connections -= 1
        if self._handle is None:  # (closed: 'close' may be due; a listening server goes on)
            self._emit_close_if_drained()

    def _on_closed(self) -> None:
        pass

    # -- closing and state ------------------------------------------------------

    def close(self, callback: Optional[Callable[..., Any]] = None) -> "Server":
        """Stops accepting; 'close' follows once every connection has ended. The
        callback gets None, or ERR_SERVER_NOT_RUNNING if the server was not listening."""
        self._loop.check_thread()
        if callback is not None:
            check_callable(callback)
            if self._handle is None:
                err = state_error("ERR_SERVER_NOT_RUNNING", "Server is not running.")
                self.once("close", lambda: callback(err))
            else:
                self.once("close", lambda: callback(None))
        self._drop_handle()
        self._listen_id += 1
        self._emit_close_if_drained()
        return self

    def _emit_close_if_drained(self) -> None:
        if self._handle is None and not self._connections:
            self._loop.next_tick(self.emit, "close")

    def address(self) -> Any:
        """{'port', 'family', 'address'} for TCP, the path for a local socket, None
        when not listening."""
        if self._kind == lib.PN_PIPE or self._handle is None:
            return self._pipe_name  # as Node, a local server keeps its path
        return _sockname(self._handle, False)

    def get_connections(self, callback: Callable[..., Any]) -> "Server":
        check_callable(callback)
        self._loop.next_tick(callback, None, self._connections)
        return self

    @property
    def max_connections(self) -> Optional[int]:
        """Connections beyond this many are refused ('drop'); None: no limit."""
        return self._max_connections

    @max_connections.setter
    def max_connections(self, value: Optional[int]) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise value_error("ERR_OUT_OF_RANGE", "max_connections must be None or an int >= 0. Received " + describe(value))
        self._max_connections = value

    @property
    def listening(self) -> bool:
        return self._handle is not None

    @property
    def connections(self) -> int:
        """Deprecated in Node: use get_connections()."""
        return self._connections

    def ref(self) -> "Server":
        self._loop.check_thread()
        self._unref = False
        if self._handle is not None:
            lib.pn_handle_ref(self._handle)
        return self

    def unref(self) -> "Server":
        self._loop.check_thread()
        self._unref = True
        if self._handle is not None:
            lib.pn_handle_unref(self._handle)
        return self

    def fileno(self) -> int:
        return lib.pn_handle_fileno(self._handle) if self._handle is not None else -1

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._handle is not None:
            self.close()

    def __repr__(self) -> str:
        return "<Server %s>" % (self.address() if self._handle is not None else "not listening")

    # -- asyncio (pyuv_net/asyncio.py; imported on first use) ---------------------

    async def listen_async(self, *args: Any, **kwargs: Any) -> "Server":
        """listen()'s arguments; returns once listening (a listen error is raised)."""
        from .asyncio import listening
        await listening(self, *args, **kwargs)
        return self

    async def close_async(self) -> None:
        """close(), returning once every connection has ended."""
        from .asyncio import server_closed
        await server_closed(self)


def _handle_fd(handle: Any) -> int:
    fileno = getattr(handle, "fileno", None)
    fd = fileno() if fileno is not None else -1
    if fd < 0:
        raise value_error("ERR_INVALID_ARG_VALUE", "The handle has no open descriptor: %r" % (handle,))
    return fd


def create_server(*args: Any, **kwargs: Any) -> Server:
    """createServer([options], [connection_listener]) or with keyword options."""
    listener = None
    options: Dict[str, Any] = {}
    for arg in args:
        if isinstance(arg, dict):
            options.update({k: v for k, v in snake_keys(arg).items() if k in _SERVER_OPTIONS})
        elif callable(arg):
            listener = arg
        elif arg is not None:
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "options" argument must be a dict. Received ' + describe(arg))
    listener = kwargs.pop("connection_listener", listener)
    options.update(kwargs)
    return Server(listener, **options)


# CPython: a connection's start (accepting it, its first 'data' listener, resume())
# and end (EOF, 'end', end(), the shutdown, 'finish', destroy(), 'close'), and pipe()
# from one Socket to another (its listeners, the source's end, the clean-up), in C for
# a plain Socket in the usual state, in the same steps and ticks
# (csrc/accel_lifecycle.c); the Python methods stay what C calls for everything else.
LIFECYCLE_PY: List[Callable[..., Any]] = [
    Server._on_connection, Stream._listeners_changed, Stream._resume_now, Stream._on_read_error,
    Stream._emit_end, Stream._end_after_fin, Stream._on_shutdown, Stream._finish, Stream._emit_close,
    _Closing._on_closed, Socket.destroy, Stream.end, Stream.pipe, PipeFlow._on_source_end,
    PipeFlow._on_dest_finish, PipeFlow._on_unpipe]
# What else those steps do without a call: C checks these are still the methods.
_LIFECYCLE_INLINED: List[Tuple[type, str, Any]] = [(Socket, name, getattr(Socket, name)) for name in (
    "_accepted", "resume", "_flow", "_update_read_fast", "_set_read_fast", "_end_soon", "_writable_now",
    "_end", "_maybe_finish", "_need_finish", "_final", "_check_thread", "pause", "_unlink_pipes",
    "listener_count", "writable_need_drain", "on", "once", "prepend_listener", "remove_listener", "emit",
    "write")]
_LIFECYCLE_INLINED.append((Stream, "destroy", Stream.destroy))
_LIFECYCLE_INLINED += [(PipeFlow, name, getattr(PipeFlow, name)) for name in (
    "__init__", "start", "_link_in_c", "stop", "_unlink", "_cleanup")]
_LIFECYCLE = {"Server": Server, "Stream": Stream, "Socket": Socket, "_Closing": _Closing, "PipeFlow": PipeFlow,
              "impls": LIFECYCLE_PY, "inlined": _LIFECYCLE_INLINED, "deque": deque, "Ignored": _dispatch.Ignored,
              "cast": ffi.cast, "handle_type": ffi.typeof("pn_handle_t *")}
LIFECYCLE_IN_C = _dispatch.ACCEL and lib.pn_accel_install_lifecycle(id(_LIFECYCLE)) == 0
