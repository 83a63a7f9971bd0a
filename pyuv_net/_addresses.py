"""``net.isIP`` / ``net.isIPv4`` / ``net.isIPv6`` with node 20's answers.

The textual forms accepted are node's (not those of Python's ``ipaddress``):

* IPv4: exactly four dot-separated decimal numbers 0-255, written without
  leading zeros (``'127.000.000.001'`` is not an address).
* IPv6: eight groups of one to four hex digits separated by ``':'``; one
  ``'::'`` may stand for one or more zero groups (then at most seven groups
  are written); the last two groups may be written as an IPv4 address (the
  strict form above); a zone id may follow after ``'%'``: one or more of
  ``[0-9A-Za-z.:-]``.

Only ``str`` is examined (other values give 0 / False); nothing raises.
"""

from __future__ import annotations

from typing import Any

__all__ = ['is_ip', 'is_ipv4', 'is_ipv6', 'isIP', 'isIPv4', 'isIPv6']

_OCTETS = frozenset(str(i) for i in range(256))
_HEX_DIGITS = '0123456789abcdefABCDEF'
_ZONE_CHARS = frozenset('0123456789abcdefghijklmnopqrstuvwxyz'
                        'ABCDEFGHIJKLMNOPQRSTUVWXYZ.:-')


def _v4(s: str) -> bool:
    parts = s.split('.')
    return (len(parts) == 4 and parts[0] in _OCTETS and parts[1] in _OCTETS
            and parts[2] in _OCTETS and parts[3] in _OCTETS)


def _hex_groups(text: str) -> int:
    """Number of ':'-separated hex groups in ``text`` ('' has none), or -1
    if one of them is not 1 to 4 hex digits."""
    if not text:
        return 0
    groups = text.split(':')
    for g in groups:
        if not 0 < len(g) <= 4 or g.strip(_HEX_DIGITS):
            return -1
    return len(groups)


def _v6(s: str) -> bool:
    pct = s.find('%')
    if pct >= 0:
        zone = s[pct + 1:]
        if not zone or not _ZONE_CHARS.issuperset(zone):
            return False
        s = s[:pct]
    extra = 0
    if '.' in s:
        # An IPv4 tail stands for the last two groups.
        colon = s.rfind(':')
        if colon < 0 or not _v4(s[colon + 1:]):
            return False
        extra = 2
        # Drop the tail; keep a '::' that ends right before it.
        s = s[:colon + 1] if s.endswith('::', 0, colon + 1) else s[:colon]
    halves = s.split('::')
    if len(halves) == 1:
        n = _hex_groups(s)
        return n >= 0 and n + extra == 8
    if len(halves) != 2:
        return False
    left = _hex_groups(halves[0])
    if left < 0:
        return False
    right = _hex_groups(halves[1])
    if right < 0:
        return False
    return left + right + extra <= 7


def is_ipv4(s: Any) -> bool:
    """True if ``s`` is an IPv4 address in dotted-decimal form."""
    if type(s) is not str:
        if not isinstance(s, str):
            return False
        s = str(s)
    return _v4(s)


def is_ipv6(s: Any) -> bool:
    """True if ``s`` is an IPv6 address (zone id allowed)."""
    if type(s) is not str:
        if not isinstance(s, str):
            return False
        s = str(s)
    return _v6(s)


def is_ip(s: Any) -> int:
    """4 for an IPv4 address, 6 for an IPv6 address, else 0."""
    if type(s) is not str:
        if not isinstance(s, str):
            return 0
        s = str(s)
    if _v4(s):
        return 4
    if _v6(s):
        return 6
    return 0


isIP = is_ip
isIPv4 = is_ipv4
isIPv6 = is_ipv6
