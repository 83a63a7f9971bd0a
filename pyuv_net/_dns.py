"""Host name resolution on libuv's thread pool (uv_getaddrinfo), with the calling
convention of Node's dns.lookup: callback(err, address, family) or, with
options['all'], callback(err, [{'address': a, 'family': f}, ...])."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from . import _dispatch
from ._addresses import is_ip
from ._errors import describe, dns_error, type_error, value_error
from ._loop import Loop, get_loop
from ._uv import lib

__all__ = ["lookup"]


def _host_bytes(hostname: str) -> bytes:
    try:
        return hostname.encode("idna")
    except UnicodeError:
        return hostname.encode("utf8", "surrogateescape")


class _Lookup:
    """One getaddrinfo request: alive (in the dispatch table) until it answers."""

    __slots__ = ("_loop", "_hostname", "_all", "_callback")

    def __init__(self, loop: Loop, hostname: str, all_: bool, callback: Callable[..., Any]) -> None:
        self._loop = loop
        self._hostname = hostname
        self._all = all_
        self._callback = callback

    def _on_resolved(self, status: int, answers: str) -> None:
        found = [(int(line[0]), line[2:]) for line in answers.splitlines() if line]
        if status == 0 and not found:
            status = -3008  # EAI_NONAME: answered, but nothing we can connect to
        if status:
            err = dns_error(status, "getaddrinfo", self._hostname)
            if self._all:
                self._callback(err, None)
            else:
                self._callback(err, None, None)
            return
        unique: List[Dict[str, Any]] = []
        for family, address in found:
            entry = {"address": address, "family": family}
            if entry not in unique:
                unique.append(entry)
        if self._all:
            self._callback(None, unique)
        else:
            self._callback(None, unique[0]["address"], unique[0]["family"])


def lookup(hostname: str, options: Optional[Dict[str, Any]] = None,
           callback: Optional[Callable[..., Any]] = None, *, loop: Optional[Loop] = None) -> None:
    """dns.lookup: resolves `hostname`; options `family` (0, 4, 6), `hints`, `all`."""
    if callable(options) and callback is None:
        options, callback = None, options
    if not callable(callback):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "callback" argument must be callable')
    if not isinstance(hostname, str):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "hostname" argument must be of type str')
    options = options or {}
    family = options.get("family") or 0
    if family not in (0, 4, 6) or isinstance(family, bool):
        raise value_error("ERR_INVALID_ARG_VALUE",
                          "The property 'options.family' must be one of: 0, 4, 6. Received %r" % (family,))
    hints = options.get("hints") or 0
    if isinstance(hints, bool) or not isinstance(hints, int):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "options.hints" property must be of type int. Received '
                         + describe(hints))
    all_ = bool(options.get("all"))
    loop = loop or get_loop()
    literal = is_ip(hostname)
    if not hostname or literal:
        fam = literal or (6 if family == 6 else 4)
        address = hostname or None
        answer = ((None, [{"address": address, "family": fam}] if address else []) if all_
                  else (None, address, fam))
        loop.next_tick(callback, *answer)
        return
    request = _Lookup(loop, hostname, all_, callback)
    slot = _dispatch.register(request)
    err = lib.pn_getaddrinfo(loop._ptr, slot, _host_bytes(hostname), family, hints)
    if err:
        _dispatch.release(slot)
        loop.next_tick(request._on_resolved, err, "")
