'use strict';
// net.BlockList and net.SocketAddress: rules, checks (IPv4 and IPv4-mapped IPv6 are
// one address both ways), and the errors bad arguments raise.
const { net, setup, rec } = require('./_common');
setup('blocklist', 'address', 'errors');

const b = new net.BlockList();
b.addAddress('123.123.123.123');
b.addRange('10.0.0.1', '10.0.0.10');
b.addSubnet('8592:757c:efae:4e45::', 64, 'ipv6');
b.addAddress('::ffff:1.2.3.4', 'ipv6');
b.addSubnet(new net.SocketAddress({ address: '192.168.0.0' }), 16);
b.addRange(new net.SocketAddress({ address: '::1', family: 'ipv6' }),
           new net.SocketAddress({ address: '::5', family: 'ipv6' }));
rec('blocklist', 'rules', b.rules.join(' | '));
for (const [a, f] of [['123.123.123.123'], ['10.0.0.3'], ['10.0.0.11'], ['222.111.111.222'],
                      ['8592:757c:efae:4e45::f', 'IPv6'], ['8592:757c:efae:4e46::', 'ipv6'],
                      ['::ffff:7b7b:7b7b', 'ipv6'], ['::ffff:123.123.123.123', 'ipv6'], ['1.2.3.4'],
                      ['::ffff:10.0.0.5', 'ipv6'], ['192.168.200.1'], ['::3', 'ipv6'], ['::3'],
                      ['not an address'], ['1.2.3.4', 'ipv7']]) {
  rec('blocklist', 'check', a, f || '-', f === undefined ? b.check(a) : b.check(a, f));
}
rec('blocklist', 'check SocketAddress', b.check(new net.SocketAddress({ address: '10.0.0.1' })));
const all = new net.BlockList();
all.addSubnet('::', 0, 'ipv6');
rec('blocklist', 'everything', all.check('9.9.9.9'), all.check('1::1', 'ipv6'));

const s = new net.SocketAddress({ address: '::1', family: 'ipv6', port: 80, flowlabel: 5 });
rec('address', s.address, s.port, s.family, s.flowlabel, JSON.stringify(s.toJSON()));
const d = new net.SocketAddress();
rec('address', 'default', d.address, d.port, d.family, d.flowlabel);
rec('address', 'default ipv6', new net.SocketAddress({ family: 'IPv6' }).address);
rec('address', 'mapped', new net.SocketAddress({ address: '::ffff:1.2.3.4', family: 'ipv6' }).address);

function attempt(label, f) {
  try {
    f();
    rec('errors', label, 'no error');
  } catch (e) {
    rec('errors', label, e.code);
  }
}
attempt('addAddress number', () => b.addAddress(1));
attempt('addAddress bad family', () => b.addAddress('1.2.3.4', 'ipv5'));
attempt('addAddress family number', () => b.addAddress('1.2.3.4', 5));
attempt('addAddress not an address', () => b.addAddress('nope'));
attempt('addRange reversed', () => b.addRange('10.0.0.10', '10.0.0.1'));
attempt('addRange mixed', () => b.addRange('1.2.3.4', '::1'));
attempt('addSubnet 33', () => b.addSubnet('1.2.3.0', 33));
attempt('addSubnet -1', () => b.addSubnet('1.2.3.0', -1));
attempt('addSubnet 129', () => b.addSubnet('1::', 129, 'ipv6'));
attempt('addSubnet string', () => b.addSubnet('1.2.3.0', '8'));
attempt('addSubnet 8.5', () => b.addSubnet('1.2.3.0', 8.5));
attempt('check number', () => b.check(1));
attempt('SocketAddress port', () => new net.SocketAddress({ address: '1.2.3.4', port: 70000 }));
attempt('SocketAddress port -1', () => new net.SocketAddress({ address: '1.2.3.4', port: -1 }));
attempt('SocketAddress v6 as v4', () => new net.SocketAddress({ address: '::1' }));
attempt('SocketAddress v4 as v6', () => new net.SocketAddress({ address: '1.2.3.4', family: 'ipv6' }));
attempt('SocketAddress family', () => new net.SocketAddress({ family: 'ipv5' }));
attempt('SocketAddress address number', () => new net.SocketAddress({ address: 5 }));
attempt('SocketAddress flowlabel', () => new net.SocketAddress({ flowlabel: -1 }));
attempt('SocketAddress options', () => new net.SocketAddress(5));
attempt('SocketAddress bogus', () => new net.SocketAddress({ address: 'bogus' }));
