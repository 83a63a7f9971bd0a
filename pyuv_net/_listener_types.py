"""The listener each event of Socket and Server takes, for type checkers.

Socket and Server declare their listener-adding methods (`on`, `once`, `prepend_listener`,
... and the camelCase twins) with these types; at run time the methods are
EventEmitter's. Each adder has both of EventEmitter's forms: `on(event, listener)`
returns the emitter, `on(event)` returns a decorator keeping the listener's type.

There is no catch-all overload for other names on purpose: `Literal['data']` is a `str`,
so a `str` catch-all would accept every mistake (a 'data' listener taking an int, a
misspelt event). An event of one's own is added through the untyped base:
`EventEmitter.on(sock, 'my-event', listener)`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Literal, Optional, Protocol, TypeVar, Union, overload

if TYPE_CHECKING:
    from ._server import Server
    from ._socket import Socket

# Listener shapes shared by both classes.
NoArgs = Callable[[], Any]
OnError = Callable[[BaseException], Any]
# 'newListener' / 'removeListener': the event and the listener.
OnListenerChange = Callable[[Any, Callable[..., Any]], Any]
ListenerEvents = Literal["newListener", "removeListener"]

# Socket's.
# bytes, or str once set_encoding() was called: a listener may take either or both.
OnData = Union[Callable[[bytes], Any], Callable[[str], Any]]
OnClose = Callable[[bool], Any]  # had_error
# err, address, family, host (address and family are None when err is set)
OnLookup = Callable[[Optional[BaseException], Optional[str], Optional[int], str], Any]
OnAttempt = Callable[[str, int, int], Any]  # address, port, family
OnAttemptFailed = Callable[[str, int, int, BaseException], Any]
OnPipe = Callable[["Socket"], Any]  # the source
SocketNoArgEvents = Literal["connect", "ready", "end", "finish", "prefinish", "drain", "timeout",
                            "readable", "pause", "resume"]
AttemptEvents = Literal["connectionAttempt", "connectionAttemptTimeout"]
PipeEvents = Literal["pipe", "unpipe"]

# Server's.
OnConnection = Callable[["Socket"], Any]
OnDrop = Callable[[Dict[str, Any]], Any]  # local_/remote_ address, port, family
ServerNoArgEvents = Literal["listening", "close"]

# The decorator form returns the function it is given, with its own type.
_NoArgs = TypeVar("_NoArgs", bound=NoArgs)
_OnError = TypeVar("_OnError", bound=OnError)
_OnListenerChange = TypeVar("_OnListenerChange", bound=OnListenerChange)
_OnData = TypeVar("_OnData", bound=OnData)
_OnClose = TypeVar("_OnClose", bound=OnClose)
_OnLookup = TypeVar("_OnLookup", bound=OnLookup)
_OnAttempt = TypeVar("_OnAttempt", bound=OnAttempt)
_OnAttemptFailed = TypeVar("_OnAttemptFailed", bound=OnAttemptFailed)
_OnPipe = TypeVar("_OnPipe", bound=OnPipe)
_OnConnection = TypeVar("_OnConnection", bound=OnConnection)
_OnDrop = TypeVar("_OnDrop", bound=OnDrop)


class SocketListenerAdder(Protocol):
    """`Socket.on` and its siblings."""

    @overload
    def __call__(self, event: Literal["data"], listener: OnData) -> Socket: ...
    @overload
    def __call__(self, event: Literal["data"]) -> Callable[[_OnData], _OnData]: ...
    @overload
    def __call__(self, event: SocketNoArgEvents, listener: NoArgs) -> Socket: ...
    @overload
    def __call__(self, event: SocketNoArgEvents) -> Callable[[_NoArgs], _NoArgs]: ...
    @overload
    def __call__(self, event: Literal["close"], listener: OnClose) -> Socket: ...
    @overload
    def __call__(self, event: Literal["close"]) -> Callable[[_OnClose], _OnClose]: ...
    @overload
    def __call__(self, event: Literal["error"], listener: OnError) -> Socket: ...
    @overload
    def __call__(self, event: Literal["error"]) -> Callable[[_OnError], _OnError]: ...
    @overload
    def __call__(self, event: Literal["lookup"], listener: OnLookup) -> Socket: ...
    @overload
    def __call__(self, event: Literal["lookup"]) -> Callable[[_OnLookup], _OnLookup]: ...
    @overload
    def __call__(self, event: AttemptEvents, listener: OnAttempt) -> Socket: ...
    @overload
    def __call__(self, event: AttemptEvents) -> Callable[[_OnAttempt], _OnAttempt]: ...
    @overload
    def __call__(self, event: Literal["connectionAttemptFailed"], listener: OnAttemptFailed) -> Socket: ...
    @overload
    def __call__(self, event: Literal["connectionAttemptFailed"]) -> Callable[[_OnAttemptFailed], _OnAttemptFailed]: ...
    @overload
    def __call__(self, event: PipeEvents, listener: OnPipe) -> Socket: ...
    @overload
    def __call__(self, event: PipeEvents) -> Callable[[_OnPipe], _OnPipe]: ...
    @overload
    def __call__(self, event: ListenerEvents, listener: OnListenerChange) -> Socket: ...
    @overload
    def __call__(self, event: ListenerEvents) -> Callable[[_OnListenerChange], _OnListenerChange]: ...


class ServerListenerAdder(Protocol):
    """`Server.on` and its siblings."""

    @overload
    def __call__(self, event: Literal["connection"], listener: OnConnection) -> Server: ...
    @overload
    def __call__(self, event: Literal["connection"]) -> Callable[[_OnConnection], _OnConnection]: ...
    @overload
    def __call__(self, event: ServerNoArgEvents, listener: NoArgs) -> Server: ...
    @overload
    def __call__(self, event: ServerNoArgEvents) -> Callable[[_NoArgs], _NoArgs]: ...
    @overload
    def __call__(self, event: Literal["error"], listener: OnError) -> Server: ...
    @overload
    def __call__(self, event: Literal["error"]) -> Callable[[_OnError], _OnError]: ...
    @overload
    def __call__(self, event: Literal["drop"], listener: OnDrop) -> Server: ...
    @overload
    def __call__(self, event: Literal["drop"]) -> Callable[[_OnDrop], _OnDrop]: ...
    @overload
    def __call__(self, event: ListenerEvents, listener: OnListenerChange) -> Server: ...
    @overload
    def __call__(self, event: ListenerEvents) -> Callable[[_OnListenerChange], _OnListenerChange]: ...
