"""readable.pipe(destination): Node's Readable.prototype.pipe over our EventEmitters.

Data read from the source is written to the destination; when write() returns False
the source pauses until the destination's 'drain'. The source's 'end' ends the
destination (unless end=False); the destination's 'close', 'finish' or 'error'
unpipes it.
"""
from __future__ import annotations

from typing import Any

from ._errors import describe, type_error
from ._uv import lib


class PipeFlow:
    """One source -> destination pipe and the listeners that make it work."""

    __slots__ = ("source", "destination", "_end", "_awaiting_drain", "_draining", "_cleaned", "_linked")

    def __init__(self, source: Any, destination: Any, end: bool) -> None:
        self.source = source
        self.destination = destination
        self._end = end
        self._awaiting_drain = False
        self._draining = False
        self._cleaned = False
        self._linked = False

    def start(self) -> None:
        src, dest = self.source, self.destination
        src._pipes += (self,)
        if src._end_emitted:
            src._loop.next_tick(self._on_source_end)
        else:
            src.once("end", self._on_source_end)
        dest.on("unpipe", self._on_unpipe)
        src.on("data", self._on_data)
        dest.prepend_listener("error", self._on_dest_error)
        dest.once("close", self._on_dest_close)
        dest.once("finish", self._on_dest_finish)
        dest.emit("pipe", src)
        if getattr(dest, "writable_need_drain", False):
            self._pause()
        elif not src._flowing:
            src.resume()
        self._link_in_c()

    def _link_in_c(self) -> None:
        """Between two of our streams, with nothing else watching the data, the
        bytes go from one handle to the other in C, with no Python call per chunk.
        Anything that needs Python to see the data (pause, a second 'data' listener,
        set_encoding, cork, unpipe) unlinks it again."""
        src, dest = self.source, self.destination
        if (getattr(dest, "_pipes", None) is None or src._handle is None or dest._handle is None
                or src._connecting or dest._connecting or src._decoder is not None or src._rlen
                or src.listener_count("data") != 1 or dest._corked or dest._ending or dest._wbuf
                or not src._flowing):
            return
        self._linked = lib.pn_pipe_start(src._handle, dest._handle, dest._whwm) == 0

    def _on_data(self, chunk: Any) -> None:
        if self.destination.write(chunk) is False:
            self._pause()

    def _pause(self) -> None:
        if not self._cleaned:
            self._awaiting_drain = True
            self.source.pause()
        if not self._draining:
            self._draining = True
            self.destination.on("drain", self._on_drain)

    def _on_drain(self, *args: Any) -> None:
        self._awaiting_drain = False
        if self.source.listener_count("data"):
            self.source.resume()

    def _on_source_end(self, *args: Any) -> None:
        if self._end:
            self.destination.end()
        else:
            self.stop()

    def _on_dest_error(self, err: BaseException) -> None:
        self.stop()
        self.destination.remove_listener("error", self._on_dest_error)
        if not self.destination.listener_count("error"):
            destroy = getattr(self.destination, "destroy", None)
            if destroy is not None and not getattr(self.destination, "_error_emitted", True):
                destroy(err)
            else:
                self.destination.emit("error", err)

    def _on_dest_close(self, *args: Any) -> None:
        self.destination.remove_listener("finish", self._on_dest_finish)
        self.stop()

    def _on_dest_finish(self, *args: Any) -> None:
        self.destination.remove_listener("close", self._on_dest_close)
        self.stop()

    def stop(self) -> None:
        """Node's src.unpipe(dest)."""
        src = self.source
        if self not in src._pipes:
            return
        self._unlink()
        src._pipes = tuple(flow for flow in src._pipes if flow is not self)
        if not src._pipes:
            src.pause()
        self.destination.emit("unpipe", src)

    def _unlink(self) -> None:
        if self._linked:
            self._linked = False
            if self.source._handle is not None:
                lib.pn_pipe_stop(self.source._handle)

    def _on_unpipe(self, source: Any, *info: Any) -> None:
        if source is self.source and not self._cleaned:
            self._cleanup()

    def _cleanup(self) -> None:
        src, dest = self.source, self.destination
        self._unlink()
        dest.remove_listener("close", self._on_dest_close)
        dest.remove_listener("finish", self._on_dest_finish)
        if self._draining:
            dest.remove_listener("drain", self._on_drain)
        dest.remove_listener("error", self._on_dest_error)
        dest.remove_listener("unpipe", self._on_unpipe)
        src.remove_listener("end", self._on_source_end)
        src.remove_listener("data", self._on_data)
        self._cleaned = True
        if self._draining and self._awaiting_drain and getattr(dest, "writable_need_drain", True):
            self._on_drain()


def connect_pipe(source: Any, destination: Any, end: bool) -> None:
    if not (callable(getattr(destination, "write", None)) and callable(getattr(destination, "on", None))):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "destination" argument must be a writable stream. Received '
                         + describe(destination))
    PipeFlow(source, destination, end).start()
