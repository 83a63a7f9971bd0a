"""Argument forms of connect() and listen(), as Node's normalizeArgs, and validation
of ports and options. Options come as keywords (snake_case) or as a dict with Node's
camelCase or snake_case keys."""
from __future__ import annotations

import math
import re
import socket as _pysocket
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

from ._addresses import is_ip
from ._errors import describe, type_error, value_error

__all__ = ["normalize_connect", "normalize_listen", "validate_port", "is_port_string", "snake_keys"]

CONNECT_OPTIONS = frozenset((
    "port", "host", "path", "local_address", "local_port", "family", "hints", "lookup", "timeout",
    "no_delay", "keep_alive", "keep_alive_initial_delay", "allow_half_open", "auto_select_family",
    "auto_select_family_attempt_timeout", "fd", "readable", "writable", "high_water_mark", "loop",
    "signal", "object_mode", "readable_object_mode", "writable_object_mode",
))
# Node's streams take these (snake_case: Node's name); a socket carries bytes, so true
# is refused (false is fine).
_OBJECT_MODES = {"object_mode": "objectMode", "readable_object_mode": "readableObjectMode",
                 "writable_object_mode": "writableObjectMode"}
FAMILY_NAMES = {4: "IPv4", 6: "IPv6"}  # address()'s; connect() takes them, as dns.lookup does
_FAMILY_NUMBERS = {name: number for number, name in FAMILY_NAMES.items()}
LISTEN_OPTIONS = frozenset((
    "port", "host", "path", "backlog", "exclusive", "ipv6_only", "reuse_port", "readable_all",
    "writable_all", "fd", "handle", "signal",
))

# dns.lookup's hints: ADDRCONFIG, V4MAPPED and ALL, or 0
_VALID_HINTS = (getattr(_pysocket, "AI_ADDRCONFIG", 0) | getattr(_pysocket, "AI_V4MAPPED", 0)
                | getattr(_pysocket, "AI_ALL", 0))
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_DIGITS = re.compile(r"^[0-9]+$")


def snake_keys(options: Dict[Any, Any]) -> Dict[str, Any]:
    """Node's camelCase keys (localAddress, ipv6Only, ...) as snake_case."""
    out = {}
    for key, value in options.items():
        if isinstance(key, str):
            key = _CAMEL.sub(lambda m: "_" + m.group(1).lower(), key)
        out[key] = value
    return out


def is_port_string(value: Any) -> bool:
    return isinstance(value, str) and bool(_DIGITS.match(value.strip()))


def _is_path(value: Any) -> bool:
    """Node's isPipeName: a str that is not a number ('' and '  ' count as ports)."""
    return isinstance(value, str) and value.strip() != "" and not is_port_string(value)


def _bad_port(name: str, port: Any) -> ValueError:
    return value_error("ERR_SOCKET_BAD_PORT",
                       "%s should be >= 0 and < 65536. Received %s." % (name, describe(port)))


def validate_port(port: Any, name: str = "Port") -> int:
    """Node's validatePort: an int (or integral float) or a str of digits, 0..65535."""
    if isinstance(port, bool):
        raise _bad_port(name, port)
    if isinstance(port, str):
        if not is_port_string(port):
            raise _bad_port(name, port)
        value = int(port.strip())
    elif isinstance(port, int):
        value = port
    elif isinstance(port, float):
        if math.isnan(port) or math.isinf(port) or not port.is_integer():
            raise _bad_port(name, port)
        value = int(port)
    else:
        raise _bad_port(name, port)
    if not 0 <= value <= 0xFFFF:
        raise _bad_port(name, port)
    return value


def _merge(positional_options: Optional[Dict[Any, Any]], kwargs: Dict[str, Any],
           allowed: FrozenSet[str], what: str) -> Dict[str, Any]:
    for key in kwargs:
        if key not in allowed:
            raise TypeError("%s() got an unexpected keyword argument %r" % (what, key))
    options = snake_keys(positional_options) if positional_options else {}
    options.update(kwargs)
    return options


def _split_callback(args: Sequence[Any], kwargs: Dict[str, Any],
                    names: Tuple[str, ...]) -> Tuple[List[Any], Optional[Callable[..., Any]]]:
    """The positional arguments without the callback, and the callback: the last
    positional if callable, or a keyword among `names`."""
    callback = None
    for name in names:
        callback = kwargs.pop(name, None) or callback
    rest = list(args)
    if rest and callable(rest[-1]) and not isinstance(rest[-1], type):
        callback = callback or rest.pop()
    if callback is not None and not callable(callback):
        raise type_error("ERR_INVALID_ARG_TYPE", "the callback must be callable. Received " + describe(callback))
    return rest, callback


def normalize_connect(args: Sequence[Any], kwargs: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[Callable[..., Any]]]:
    """connect(port, host='localhost', cb) | connect(path, cb) | connect(options, cb)
    | connect(**options) -> (options, connect_listener)."""
    rest, callback = _split_callback(args, kwargs, ("connect_listener", "callback"))
    options: Dict[str, Any] = {}
    if rest:
        first = rest[0]
        if isinstance(first, dict):
            options = snake_keys(first)
        elif _is_path(first):
            options["path"] = first
        else:
            options["port"] = first
            if len(rest) > 1 and isinstance(rest[1], str):
                options["host"] = rest[1]
    options = _merge(options, kwargs, CONNECT_OPTIONS, "connect")
    return options, callback


def check_object_modes(options: Dict[str, Any]) -> None:
    for name, node_name in _OBJECT_MODES.items():
        if options.get(name):
            raise value_error("ERR_INVALID_ARG_VALUE", "The property 'options.%s' is not supported. Received %r"
                              % (node_name, options[name]))


def check_connect_options(options: Dict[str, Any]) -> None:
    """The checks Node makes before connecting (lookupAndConnect)."""
    check_object_modes(options)
    if options.get("port") is None and options.get("path") is None:
        raise type_error("ERR_MISSING_ARGS", 'The "options" or "port" or "path" argument must be specified')
    if options.get("path") is None:
        port = options["port"]
        if not isinstance(port, (int, float, str)) or isinstance(port, bool):
            raise type_error("ERR_INVALID_ARG_TYPE",
                             'The "options.port" property must be one of type int or str. Received '
                             + describe(port))
        options["port"] = validate_port(port, "Port")
        host = options.get("host")
        if host is not None and not isinstance(host, str):
            raise type_error("ERR_INVALID_ARG_TYPE",
                             'The "options.host" property must be of type str. Received ' + describe(host))
        family = options.get("family", 0)
        if family is None:
            family = 0
        family = _FAMILY_NUMBERS.get(family, family) if isinstance(family, str) else family
        if family not in (0, 4, 6) or isinstance(family, bool):
            raise value_error("ERR_INVALID_ARG_VALUE", "The property 'options.family' must be one of: "
                              "0, 4, 6, 'IPv4', 'IPv6'. Received %r" % (options.get("family"),))
        options["family"] = family
        hints = options.get("hints", 0) or 0
        if not isinstance(hints, int) or isinstance(hints, bool):
            raise type_error("ERR_INVALID_ARG_TYPE", "options.hints must be an int")
        if hints & ~_VALID_HINTS:
            raise value_error("ERR_INVALID_ARG_VALUE", "The argument 'hints' is invalid. Received %r" % (hints,))
        options["hints"] = hints
        lookup = options.get("lookup")
        if lookup is not None and not callable(lookup):
            raise type_error("ERR_INVALID_ARG_TYPE",
                             'The "options.lookup" property must be callable. Received ' + describe(lookup))
        local_address = options.get("local_address")
        if local_address is not None and not is_ip(local_address):
            raise type_error("ERR_INVALID_IP_ADDRESS", "Invalid IP address: %s" % (local_address,))
        local_port = options.get("local_port")
        if local_port is not None:
            if not isinstance(local_port, int) or isinstance(local_port, bool):
                raise type_error("ERR_INVALID_ARG_TYPE",
                                 'The "options.localPort" property must be of type int. Received '
                                 + describe(local_port))
            validate_port(local_port, "options.localPort")
        auto = options.get("auto_select_family")
        if auto is not None and not isinstance(auto, bool):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "options.autoSelectFamily" property must be of type bool. '
                             "Received " + describe(auto))
        attempt = options.get("auto_select_family_attempt_timeout")
        if attempt is not None:
            validate_attempt_timeout(attempt, "options.autoSelectFamilyAttemptTimeout")
    keep_alive_delay(options.get("keep_alive_initial_delay"))
    timeout = options.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "timeout" option must be of type number. Received ' + describe(timeout))
        if not 0 <= timeout < math.inf:
            raise value_error("ERR_OUT_OF_RANGE", 'The value of "timeout" is out of range. Received %r' % (timeout,))
    if options.get("path") is not None and not isinstance(options["path"], str):
        raise type_error("ERR_INVALID_ARG_TYPE",
                         'The "options.path" property must be of type str. Received ' + describe(options["path"]))


def keep_alive_delay(value: Any) -> int:
    """Milliseconds before the first keep-alive probe. Node takes any number and uses
    ~~(value / 1000) seconds, so NaN, infinities and negatives end up as 0."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "initialDelay" argument must be of type number. Received '
                         + describe(value))
    if not math.isfinite(value):
        return 0
    return min(max(int(value), 0), 0x7FFFFFFF)


def validate_attempt_timeout(value: Any, name: str) -> int:
    """Node's validateInt32(value, name, 1) for Happy Eyeballs' per-attempt timeout."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "%s" argument must be of type int. Received %s'
                         % (name, describe(value)))
    if not 1 <= value <= 0x7FFFFFFF:
        raise value_error("ERR_OUT_OF_RANGE", 'The value of "%s" is out of range. It must be >= 1 && <= 2147483647. '
                          "Received %d" % (name, value))
    return value


def normalize_listen(args: Sequence[Any], kwargs: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[Callable[..., Any]]]:
    """listen(port, host, backlog, cb) | listen(path, backlog, cb) | listen(handle,
    backlog, cb) | listen(options, cb) | listen(**options) -> (options, callback)."""
    rest, callback = _split_callback(args, kwargs, ("callback",))
    options: Dict[str, Any] = {}
    if rest:
        first = rest[0]
        if isinstance(first, dict):
            options = snake_keys(first)
            path = options.get("path")
            has_path = isinstance(path, str) and path != ""
            # (a 'port' of None is a port to pick, as Node's undefined or null)
            if "port" not in options and not has_path and "fd" not in options and "handle" not in options:
                raise value_error("ERR_INVALID_ARG_VALUE",
                                  "The argument 'options' must have the property \"port\" or \"path\". "
                                  "Received %r" % (first,))
        elif hasattr(first, "_listen_handle_source"):
            options["handle"] = first
            if len(rest) > 1:
                options["backlog"] = rest[1]
        elif _is_path(first):
            options["path"] = first
            if len(rest) > 1:
                options["backlog"] = rest[1]
        else:
            if isinstance(first, bool):
                raise value_error("ERR_INVALID_ARG_VALUE",
                                  "The argument 'options' is invalid. Received %r" % (first,))
            options["port"] = first
            later = rest[1:]
            if later and (isinstance(later[0], str) or later[0] is None):
                options["host"] = later.pop(0)
            if later:
                options["backlog"] = later[0]
    options = _merge(options, kwargs, LISTEN_OPTIONS, "listen")
    port = options.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, (int, float, str))):
        raise value_error("ERR_INVALID_ARG_VALUE", "The argument 'options' is invalid. Received port=%r"
                          % (options["port"],))
    if callback is not None and not callable(callback):
        raise type_error("ERR_INVALID_ARG_TYPE", "callback must be callable")
    return options, callback


def validate_backlog(backlog: Any) -> int:
    if backlog is None:
        return 511
    if isinstance(backlog, bool) or not isinstance(backlog, int):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "backlog" argument must be of type int. Received '
                         + describe(backlog))
    if backlog < 0:
        raise value_error("ERR_OUT_OF_RANGE", 'The value of "backlog" is out of range. It must be >= 0. '
                          "Received %d" % backlog)
    return min(backlog, 0x7FFFFFFF) or 511  # the kernel caps it far lower anyway
