'use strict';
// destroy() right after connect(): no 'connect', no 'ready', no 'error',
// just 'close' false; state right after destroy().
const { net, setup, rec, guard } = require('./_common');
setup('client');
guard();

const server = net.createServer((s) => {
  s.on('error', () => {});
  s.resume();
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  for (const ev of ['lookup', 'connect', 'ready', 'data', 'end', 'finish', 'timeout']) {
    c.on(ev, () => rec('client', ev));
  }
  c.on('error', (e) => rec('client', 'error', e.code));
  c.on('close', (had) => {
    rec('client', 'close', had, c.destroyed, c.connecting, c.readyState);
    server.close(() => rec('client', 'server closed'));
  });
  rec('client', 'connecting', c.connecting);
  const r = c.destroy();
  rec('client', 'destroy returns socket', r === c);
  rec('client', 'after destroy', c.destroyed, c.connecting, c.readyState);
});
