"""AbortController / AbortSignal: the Python twin of the web API Node takes as
`signal` in listen() and connect(). Aborting closes the server, or destroys the
socket with an AbortError (code 'ABORT_ERR'), as Node does."""
from __future__ import annotations

from typing import Any, Callable

from ._errors import describe, type_error
from ._events import EventEmitter

__all__ = ["AbortController", "AbortError", "AbortSignal", "abort_error", "watch_signal"]


class AbortError(Exception):
    """What an aborted operation fails with; `cause` is the signal's reason."""

    code = "ABORT_ERR"
    name = "AbortError"

    def __init__(self, message: str = "The operation was aborted", cause: Any = None) -> None:
        Exception.__init__(self, message)
        self.cause = cause


class AbortSignal(EventEmitter):
    """Emits 'abort' (once, synchronously) when its controller aborts."""

    def __init__(self) -> None:
        EventEmitter.__init__(self)
        self.aborted = False
        self.reason: Any = None

    def throw_if_aborted(self) -> None:
        if self.aborted:
            raise self.reason

    @staticmethod
    def abort(reason: Any = None) -> "AbortSignal":
        """A signal that is already aborted."""
        controller = AbortController()
        controller.abort(reason)
        return controller.signal

    def _abort(self, reason: Any) -> None:
        if self.aborted:
            return
        self.aborted = True
        self.reason = AbortError("This operation was aborted") if reason is None else reason
        self.emit("abort")


class AbortController:
    def __init__(self) -> None:
        self.signal = AbortSignal()

    def abort(self, reason: Any = None) -> None:
        """Aborts the signal (the first call only); `reason` defaults to an AbortError."""
        self.signal._abort(reason)


def watch_signal(signal: Any, owner: EventEmitter, loop: Any, on_abort: Callable[[], Any]) -> None:
    """Node's add*AbortSignalOption: on_abort() when `signal` aborts (on the next tick if
    it already has); the watch ends when `owner` emits 'close'."""
    if not isinstance(signal, AbortSignal):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "options.signal" property must be an instance of '
                         "AbortSignal. Received " + describe(signal))
    if signal.aborted:
        loop.next_tick(on_abort)
        return

    def aborted() -> None:
        on_abort()

    def closed(*_: Any) -> None:
        signal.remove_listener("abort", aborted)

    signal.once("abort", aborted)
    owner.once("close", closed)


def abort_error(signal: AbortSignal) -> AbortError:
    return AbortError(cause=signal.reason)


