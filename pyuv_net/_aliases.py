"""Node's camelCase names, each the same object as its snake_case twin. The whole
table is here, so code, docs and tests agree on it."""
from __future__ import annotations

from typing import Any, Dict, Iterable, Optional


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


SOCKET_NAMES = (
    "set_encoding", "set_no_delay", "set_keep_alive", "set_timeout", "destroy_soon",
    "reset_and_destroy", "is_paused", "bytes_read", "bytes_written", "buffer_size",
    "writable_length", "remote_address", "remote_port", "remote_family", "local_address",
    "local_port", "local_family", "ready_state", "readable_flowing", "readable_length",
    "readable_high_water_mark", "writable_high_water_mark", "writable_ended",
    "writable_finished", "writable_need_drain", "writable_corked", "readable_ended",
    "auto_select_family_attempted_addresses", "allow_half_open",
)
SERVER_NAMES = ("get_connections", "max_connections")
BLOCK_LIST_NAMES = ("add_address", "add_range", "add_subnet")
# Names Node spells otherwise than camel() would (acronyms in capitals), by class.
SOCKET_ADDRESS_SPECIAL = {"to_json": "toJSON"}
MODULE_NAMES = (
    "create_server", "create_connection", "set_timeout", "clear_timeout", "set_interval",
    "clear_interval", "set_immediate", "clear_immediate", "get_default_auto_select_family",
    "set_default_auto_select_family", "get_default_auto_select_family_attempt_timeout",
    "set_default_auto_select_family_attempt_timeout",
)
# Acronyms Node spells in capitals.
MODULE_SPECIAL = {"is_ip": "isIP", "is_ipv4": "isIPv4", "is_ipv6": "isIPv6"}


def alias_class(cls: type, names: Iterable[str], special: Optional[Dict[str, str]] = None) -> None:
    for name in names:
        setattr(cls, camel(name), getattr(cls, name))
    for name, node_name in (special or {}).items():
        setattr(cls, node_name, getattr(cls, name))


def alias_module(namespace: Dict[str, Any]) -> None:
    for name in MODULE_NAMES:
        namespace[camel(name)] = namespace[name]
    for name, node_name in MODULE_SPECIAL.items():
        namespace[node_name] = namespace[name]
