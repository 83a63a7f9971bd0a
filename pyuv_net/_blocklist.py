"""net.SocketAddress and net.BlockList, as node 20.

An IPv4 address and its IPv4-mapped IPv6 form (::ffff:a.b.c.d) are the same address
to a BlockList, both ways, as in Node. Rules are listed newest first.
"""
from __future__ import annotations

import ipaddress
import math
from typing import Any, Dict, List, Optional, Tuple, Union

from ._errors import describe, type_error, value_error
from ._options import snake_keys, validate_port

__all__ = ["BlockList", "SocketAddress"]

_IP = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
_FAMILIES = {"ipv4": 4, "ipv6": 6}


def _check_str(value: Any, where: str) -> str:
    """BlockList's arguments: a str, else TypeError (Node's validateString)."""
    if not isinstance(value, str):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "%s" argument must be of type str. Received %s'
                         % (where, describe(value)))
    return value


def _family(value: Any) -> str:
    """SocketAddress's family: 'ipv4' or 'ipv6' in any case, else ValueError whatever
    its type (as Node)."""
    family = value.lower() if isinstance(value, str) else None
    if family not in _FAMILIES:
        raise value_error("ERR_INVALID_ARG_VALUE", "The property 'options.family' is invalid. Received %r" % (value,))
    return family


def _parse(address: str, family: str) -> Optional[_IP]:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    return ip if ip.version == _FAMILIES[family] else None


def _text(ip: _IP) -> str:
    """As inet_ntop writes it (Python writes ::ffff:1.2.3.4 as ::ffff:102:304)."""
    mapped = getattr(ip, "ipv4_mapped", None)
    return "::ffff:%s" % mapped if mapped is not None else str(ip)


def _invalid_address() -> ValueError:
    return value_error("ERR_INVALID_ADDRESS", "Invalid socket address")


class SocketAddress:
    """Node's net.SocketAddress: an address, port, family ('ipv4'/'ipv6') and IPv6
    flow label, checked when made."""

    __slots__ = ("_address", "_port", "_family", "_flowlabel", "_ip")

    def __init__(self, options: Optional[Dict[str, Any]] = None, *, address: Optional[str] = None,
                 port: Any = 0, family: str = "ipv4", flowlabel: int = 0) -> None:
        if options is not None:
            if not isinstance(options, dict):
                raise type_error("ERR_INVALID_ARG_TYPE", 'The "options" argument must be a dict. Received '
                                 + describe(options))
            opts = snake_keys(options)
            address = opts.get("address", address)
            port = opts.get("port", port)
            family = opts.get("family", family)
            flowlabel = opts.get("flowlabel", flowlabel)
        family = _family(family)
        if address is None:
            address = "127.0.0.1" if family == "ipv4" else "::"
        elif not isinstance(address, str):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "options.address" property must be of type str. Received '
                             + describe(address))
        port = validate_port(port, "options.port")
        if isinstance(flowlabel, bool) or not isinstance(flowlabel, int) or not 0 <= flowlabel <= 0xFFFFFFFF:
            raise value_error("ERR_OUT_OF_RANGE", 'The value of "options.flowlabel" is out of range. '
                              "It must be >= 0 && <= 4294967295. Received %r" % (flowlabel,))
        ip = _parse(address, family)
        if ip is None:
            raise _invalid_address()
        self._ip = ip
        self._address = _text(ip)
        self._port: int = port
        self._family = family
        self._flowlabel = flowlabel

    @property
    def address(self) -> str:
        return self._address

    @property
    def port(self) -> int:
        return self._port

    @property
    def family(self) -> str:
        return self._family

    @property
    def flowlabel(self) -> int:
        return self._flowlabel

    def to_json(self) -> Dict[str, Any]:
        return {"address": self._address, "port": self._port, "family": self._family, "flowlabel": self._flowlabel}

    def __repr__(self) -> str:
        return "SocketAddress(address=%r, port=%d, family=%r, flowlabel=%d)" % (
            self._address, self._port, self._family, self._flowlabel)


def _as_version(ip: _IP, version: int) -> Optional[_IP]:
    """`ip` in the other family where it has a form there (IPv4 <-> IPv4-mapped IPv6)."""
    if ip.version == version:
        return ip
    if isinstance(ip, ipaddress.IPv4Address):
        return ipaddress.IPv6Address(b"\0" * 10 + b"\xff\xff" + ip.packed)
    return ip.ipv4_mapped


def _socket_address(value: Any, family: Any, where: str) -> SocketAddress:
    if isinstance(value, SocketAddress):
        return value
    if not isinstance(value, str):
        raise type_error("ERR_INVALID_ARG_TYPE", 'The "%s" argument must be of type str or SocketAddress. '
                         "Received %s" % (where, describe(value)))
    return SocketAddress(address=value, family=_family(_check_str(family, "family")))


class BlockList:
    """Node's net.BlockList: rules by address, range or subnet; check() tells whether an
    address matches any of them."""

    __slots__ = ("_rules",)

    def __init__(self) -> None:
        # (kind, version, low, high, text): an address, range or subnet as an inclusive range.
        self._rules: List[Tuple[str, int, int, int, str]] = []

    def _add(self, kind: str, low: _IP, high: _IP, text: str) -> None:
        self._rules.insert(0, (kind, low.version, int(low), int(high), text))

    def add_address(self, address: Any, family: Any = "ipv4") -> None:
        sa = _socket_address(address, family, "address")
        self._add("Address", sa._ip, sa._ip, "IPv%d %s" % (sa._ip.version, sa.address))

    def add_range(self, start: Any, end: Any, family: Any = "ipv4") -> None:
        first = _socket_address(start, family, "start")
        last = _socket_address(end, family, "end")
        if first._ip.version != last._ip.version or int(first._ip) > int(last._ip):
            raise value_error("ERR_INVALID_ARG_VALUE", "The argument 'start' must come before end. Received %r" % first)
        self._add("Range", first._ip, last._ip, "IPv%d %s-%s" % (first._ip.version, first.address, last.address))

    def add_subnet(self, network: Any, prefix: Any, family: Any = "ipv4") -> None:
        sa = _socket_address(network, family, "network")
        bits = 32 if sa._ip.version == 4 else 128
        if isinstance(prefix, bool) or not isinstance(prefix, (int, float)):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "prefix" argument must be of type int. Received '
                             + describe(prefix))
        if not math.isfinite(prefix) or prefix != int(prefix):
            raise value_error("ERR_OUT_OF_RANGE", 'The value of "prefix" is out of range. It must be an integer. '
                              "Received %r" % (prefix,))
        if not 0 <= prefix <= bits:
            raise value_error("ERR_OUT_OF_RANGE", 'The value of "prefix" is out of range. It must be >= 0 && <= %d. '
                              "Received %r" % (bits, prefix))
        net = ipaddress.ip_network("%s/%d" % (sa._ip, prefix), strict=False)
        self._add("Subnet", net.network_address, net.broadcast_address,
                  "IPv%d %s/%d" % (sa._ip.version, sa.address, prefix))

    def check(self, address: Any, family: Any = "ipv4") -> bool:
        """Whether `address` matches a rule; an address that does not parse matches none."""
        if isinstance(address, SocketAddress):
            ip: Optional[_IP] = address._ip
        elif not isinstance(address, str):
            raise type_error("ERR_INVALID_ARG_TYPE", 'The "address" argument must be of type str or SocketAddress. '
                             "Received " + describe(address))
        else:
            family = _check_str(family, "family").lower()
            ip = _parse(address, family) if family in _FAMILIES else None
        if ip is None:
            return False
        for _kind, version, low, high, _text_ in self._rules:
            candidate = _as_version(ip, version)
            if candidate is not None and low <= int(candidate) <= high:
                return True
        return False

    @property
    def rules(self) -> List[str]:
        return ["%s: %s" % (kind, text) for kind, _v, _l, _h, text in self._rules]

    def __repr__(self) -> str:
        return "BlockList(rules=%r)" % (self.rules,)
