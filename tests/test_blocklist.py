"""net.BlockList and net.SocketAddress beyond the node comparison
(tests/compat/blocklist_socketaddress.*): Python's error classes, aliases, forms."""
import pytest

import pyuv_net as net


def test_aliases_are_the_same_objects() -> None:
    assert net.BlockList.addAddress is net.BlockList.add_address
    assert net.BlockList.addRange is net.BlockList.add_range
    assert net.BlockList.addSubnet is net.BlockList.add_subnet
    assert net.SocketAddress.toJSON is net.SocketAddress.to_json


def test_error_classes_follow_the_api_rules() -> None:
    blocks = net.BlockList()
    with pytest.raises(TypeError):
        blocks.add_address(1)
    with pytest.raises(ValueError) as info:
        blocks.add_address("nope")
    assert info.value.code == "ERR_INVALID_ADDRESS"  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        blocks.add_subnet("1.2.3.0", 33)
    with pytest.raises(ValueError):
        net.SocketAddress(port=65536)


def test_socket_address_forms_and_read_only_fields() -> None:
    by_keywords = net.SocketAddress(address="::1", family="ipv6", port="8080", flowlabel=1)
    by_dict = net.SocketAddress({"address": "::1", "family": "IPv6", "port": 8080, "flowlabel": 1})
    assert by_keywords.to_json() == by_dict.to_json() == {
        "address": "::1", "port": 8080, "family": "ipv6", "flowlabel": 1}
    with pytest.raises(AttributeError):
        by_keywords.port = 1  # type: ignore[misc]


def test_rules_are_newest_first_and_checks_take_socket_addresses() -> None:
    blocks = net.BlockList()
    blocks.add_address("10.0.0.1")
    blocks.add_subnet("fe80::", 10, "ipv6")
    assert blocks.rules == ["Subnet: IPv6 fe80::/10", "Address: IPv4 10.0.0.1"]
    assert blocks.check(net.SocketAddress(address="fe80::1", family="ipv6"))
    assert not blocks.check("fec0::1", "ipv6")
