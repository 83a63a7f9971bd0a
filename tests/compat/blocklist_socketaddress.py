# net.BlockList and net.SocketAddress: rules, checks (IPv4 and IPv4-mapped IPv6 are
# one address both ways), and the errors bad arguments raise.
import json

from _common import net, setup, rec

setup('blocklist', 'address', 'errors')

b = net.BlockList()
b.addAddress('123.123.123.123')
b.add_range('10.0.0.1', '10.0.0.10')
b.add_subnet('8592:757c:efae:4e45::', 64, 'ipv6')
b.add_address('::ffff:1.2.3.4', 'ipv6')
b.add_subnet(net.SocketAddress({'address': '192.168.0.0'}), 16)
b.addRange(net.SocketAddress(address='::1', family='ipv6'), net.SocketAddress(address='::5', family='ipv6'))
rec('blocklist', 'rules', ' | '.join(b.rules))
for case in [('123.123.123.123',), ('10.0.0.3',), ('10.0.0.11',), ('222.111.111.222',),
             ('8592:757c:efae:4e45::f', 'IPv6'), ('8592:757c:efae:4e46::', 'ipv6'),
             ('::ffff:7b7b:7b7b', 'ipv6'), ('::ffff:123.123.123.123', 'ipv6'), ('1.2.3.4',),
             ('::ffff:10.0.0.5', 'ipv6'), ('192.168.200.1',), ('::3', 'ipv6'), ('::3',),
             ('not an address',), ('1.2.3.4', 'ipv7')]:
    rec('blocklist', 'check', case[0], case[1] if len(case) > 1 else '-', b.check(*case))
rec('blocklist', 'check SocketAddress', b.check(net.SocketAddress(address='10.0.0.1')))
everything = net.BlockList()
everything.add_subnet('::', 0, 'ipv6')
rec('blocklist', 'everything', everything.check('9.9.9.9'), everything.check('1::1', 'ipv6'))

s = net.SocketAddress({'address': '::1', 'family': 'ipv6', 'port': 80, 'flowlabel': 5})
rec('address', s.address, s.port, s.family, s.flowlabel, json.dumps(s.toJSON(), separators=(',', ':')))
d = net.SocketAddress()
rec('address', 'default', d.address, d.port, d.family, d.flowlabel)
rec('address', 'default ipv6', net.SocketAddress(family='IPv6').address)
rec('address', 'mapped', net.SocketAddress(address='::ffff:1.2.3.4', family='ipv6').address)


def attempt(label, f):
    try:
        f()
        rec('errors', label, 'no error')
    except Exception as e:
        rec('errors', label, getattr(e, 'code', repr(e)))


attempt('addAddress number', lambda: b.add_address(1))
attempt('addAddress bad family', lambda: b.add_address('1.2.3.4', 'ipv5'))
attempt('addAddress family number', lambda: b.add_address('1.2.3.4', 5))
attempt('addAddress not an address', lambda: b.add_address('nope'))
attempt('addRange reversed', lambda: b.add_range('10.0.0.10', '10.0.0.1'))
attempt('addRange mixed', lambda: b.add_range('1.2.3.4', '::1'))
attempt('addSubnet 33', lambda: b.add_subnet('1.2.3.0', 33))
attempt('addSubnet -1', lambda: b.add_subnet('1.2.3.0', -1))
attempt('addSubnet 129', lambda: b.add_subnet('1::', 129, 'ipv6'))
attempt('addSubnet string', lambda: b.add_subnet('1.2.3.0', '8'))
attempt('addSubnet 8.5', lambda: b.add_subnet('1.2.3.0', 8.5))
attempt('check number', lambda: b.check(1))
attempt('SocketAddress port', lambda: net.SocketAddress(address='1.2.3.4', port=70000))
attempt('SocketAddress port -1', lambda: net.SocketAddress(address='1.2.3.4', port=-1))
attempt('SocketAddress v6 as v4', lambda: net.SocketAddress(address='::1'))
attempt('SocketAddress v4 as v6', lambda: net.SocketAddress(address='1.2.3.4', family='ipv6'))
attempt('SocketAddress family', lambda: net.SocketAddress(family='ipv5'))
attempt('SocketAddress address number', lambda: net.SocketAddress(address=5))
attempt('SocketAddress flowlabel', lambda: net.SocketAddress(flowlabel=-1))
attempt('SocketAddress options', lambda: net.SocketAddress(5))
attempt('SocketAddress bogus', lambda: net.SocketAddress(address='bogus'))
