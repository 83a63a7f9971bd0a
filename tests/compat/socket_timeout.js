'use strict';
// setTimeout(100) on an idle socket: 'timeout' fires once per idle period
// (not repeatedly), the socket stays open, and activity re-arms it: first a
// write by the client, then data read from the server. The callback given to
// setTimeout() is a once-listener.
const { net, setup, rec, guard } = require('./_common');
setup('client', 'server');
guard();

const server = net.createServer((s) => {
  s.on('data', (d) => {
    rec('server', 'data', d.toString());
    setTimeout(() => s.write('y'), 400);
  });
  s.on('end', () => rec('server', 'end'));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let n = 0;
  c.on('connect', () => {
    c.on('timeout', () => {
      n += 1;
      rec('client', 'timeout', n, c.destroyed, c.readyState);
      if (n === 1) {
        setTimeout(() => {
          rec('client', 'still', n);
          rec('client', 'write', c.write('x'));
        }, 400);
      } else if (n === 3) {
        setTimeout(() => {
          rec('client', 'still', n);
          const r = c.setTimeout(0);
          rec('client', 'setTimeout(0)', r === c, c.timeout);
          c.end();
        }, 400);
      }
    });
    const r = c.setTimeout(100, () => rec('client', 'timeout callback'));
    rec('client', 'setTimeout returns socket', r === c, c.timeout);
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had, n));
});
