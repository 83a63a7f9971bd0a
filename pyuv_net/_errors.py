"""Errors with Node's `code`, in Python's classes.

Node's TypeError codes become TypeError, bad values and ranges ValueError, calls at the
wrong time RuntimeError; system errors are the matching OSError subclass (Python picks
it from errno) with Node's fields `code`, `syscall`, `address`, `port`.
"""
from __future__ import annotations

import errno as _errno
import os
import socket as _socket
from typing import Any, Optional, Type, TypeVar

from ._uv import ffi, lib

__all__ = [
    "type_error", "value_error", "state_error", "uv_error", "dns_error", "describe",
]


_E = TypeVar("_E", bound=Exception)


def _coded(cls: Type[_E], code: str, message: str) -> _E:
    err = cls(message)
    err.code = code  # type: ignore[attr-defined]
    return err


def type_error(code: str, message: str) -> TypeError:
    return _coded(TypeError, code, message)


def value_error(code: str, message: str) -> ValueError:
    return _coded(ValueError, code, message)


def state_error(code: str, message: str) -> RuntimeError:
    return _coded(RuntimeError, code, message)


def describe(value: Any) -> str:
    """How Node's messages show a received value."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "type bool (%r)" % value
    if isinstance(value, (int, float)):
        return "type %s (%r)" % (type(value).__name__, value)
    if isinstance(value, str):
        return "type str (%r)" % (value if len(value) < 28 else value[:25] + "...")
    return "an instance of %s" % type(value).__name__


def check_callable(value: Any, name: str = "callback") -> None:
    """TypeError ERR_INVALID_ARG_TYPE unless `value` can be called."""
    if not callable(value):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "%s" argument must be callable. Received %s'
                         % (name, describe(value)))


def err_name(err: int) -> str:
    return ffi.string(lib.pn_err_name(err)).decode()


UV_EOF = -4095  # libuv's end of stream, the same on every platform (uv/errno.h)


def uv_error(err: int, syscall: str, address: Optional[str] = None,
             port: Optional[int] = None, described: bool = False) -> OSError:
    """An OSError for libuv error `err` (negative), as Node's errors with a host and
    port: its message 'connect ECONNREFUSED 127.0.0.1:80', or with `described` (Node's
    UVExceptionWithHostPort, which listen() uses) 'listen EADDRINUSE: address already
    in use 127.0.0.1:80'."""
    code = err_name(err)
    strerror = ffi.string(lib.pn_strerror(err)).decode()
    if code.startswith("EAI_"):
        return dns_error(err, syscall, address or "")
    errno = getattr(_errno, code, None)
    message = "%s %s: %s" % (syscall, code, strerror) if described else "%s %s" % (syscall, code)
    if port is not None and port > 0:
        message += " %s:%s" % (address, port)
    elif address:
        message += " " + address
    exc = OSError(errno, strerror) if errno is not None else OSError(strerror)
    exc.code = code  # type: ignore[attr-defined]
    exc.syscall = syscall  # type: ignore[attr-defined]
    exc.message = message  # type: ignore[attr-defined]
    if address is not None:
        exc.address = address  # type: ignore[attr-defined]
    if port is not None:
        exc.port = port  # type: ignore[attr-defined]
    return exc


_EAI_NOT_FOUND = ("EAI_NONAME", "EAI_NODATA")


def dns_error(err: int, syscall: str, hostname: str) -> OSError:
    """A socket.gaierror for a failed lookup, with Node's `code` (ENOTFOUND, ...)."""
    name = err_name(err)
    code = "ENOTFOUND" if name in _EAI_NOT_FOUND else name
    eai = getattr(_socket, name, None)
    exc = _socket.gaierror(eai if eai is not None else err, "%s %s %s" % (syscall, code, hostname))
    exc.code = code  # type: ignore[attr-defined]
    exc.syscall = syscall  # type: ignore[attr-defined]
    exc.hostname = hostname  # type: ignore[attr-defined]
    return exc


def check_local_path(path: str, syscall: str) -> bytes:
    """The bytes of a local-socket path, or the error Node would give: a NUL inside
    (Linux's abstract names are not supported yet) or a path the platform cannot hold
    (raised, never truncated)."""
    if "\0" in path:
        raise value_error("ERR_INVALID_ARG_VALUE",
                          "A local socket path may not contain NUL bytes (abstract names are not supported). "
                          "Received %r" % (path,))
    raw = os.fsencode(path)
    err = lib.pn_pipe_check_path(raw)
    if err:
        raise uv_error(err, syscall, path)
    return raw
