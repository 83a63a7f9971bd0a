"""pyuv_net: Node.js's `net` module for Python, on libuv.

    import pyuv_net as net

    server = net.create_server(lambda sock: sock.pipe(sock))
    server.listen(8124, "127.0.0.1")
    net.run()
"""
from __future__ import annotations

from ._abort import AbortController, AbortError, AbortSignal
from ._addresses import is_ip, is_ipv4, is_ipv6
from ._aliases import (BLOCK_LIST_NAMES, SERVER_NAMES, SOCKET_ADDRESS_SPECIAL, SOCKET_NAMES, alias_class,
                       alias_module)
from ._blocklist import BlockList, SocketAddress
from ._dns import lookup
from ._events import EventEmitter
from ._loop import Loop, active_handles, call_soon_threadsafe, get_loop, next_tick, run, stop
from ._server import Server, create_server
from ._socket import (Socket, connect, connect_async, get_default_auto_select_family,
                      get_default_auto_select_family_attempt_timeout, set_default_auto_select_family,
                      set_default_auto_select_family_attempt_timeout)
from ._timers import (Immediate, Timer, clear_immediate, clear_interval, clear_timeout, set_immediate,
                      set_interval, set_timeout)

__version__ = "0.1.0"

create_connection = connect
Stream = Socket  # Node: net.Stream is net.Socket

alias_class(Socket, SOCKET_NAMES)
alias_class(Server, SERVER_NAMES)
alias_class(BlockList, BLOCK_LIST_NAMES)
alias_class(SocketAddress, (), SOCKET_ADDRESS_SPECIAL)
alias_class(AbortSignal, ("throw_if_aborted",))
alias_module(globals())

__all__ = [
    "AbortController", "AbortError", "AbortSignal", "BlockList", "EventEmitter", "Immediate", "Loop", "Server", "Socket", "SocketAddress", "Stream", "Timer",
    "active_handles",
    "call_soon_threadsafe", "clear_immediate", "clear_interval", "clear_timeout", "connect", "connect_async",
    "create_connection", "create_server", "get_default_auto_select_family",
    "get_default_auto_select_family_attempt_timeout", "get_loop", "is_ip", "is_ipv4", "is_ipv6",
    "lookup", "next_tick", "run", "set_default_auto_select_family",
    "set_default_auto_select_family_attempt_timeout", "set_immediate", "set_interval", "set_timeout",
    "stop",
]
