'use strict';
// resetAndDestroy(): the connection is closed with a TCP RST; the peer gets
// 'error' ECONNRESET read and 'close' true, the resetting side 'close'
// false and no 'error'.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer((s) => {
  rec('server', 'connection');
  s.on('data', (d) => {
    rec('server', 'data', d.toString());
    const r = s.resetAndDestroy();
    rec('server', 'resetAndDestroy returns socket', r === s, s.destroyed);
  });
  s.on('end', () => rec('server', 'end'));
  s.on('error', (e) => rec('server', 'error', ecode(e)));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    rec('client', 'connect');
    c.write('hi');
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('finish', () => rec('client', 'finish'));
  c.on('error', (e) => rec('client', 'error', ecode(e), c.destroyed));
  c.on('close', (had) => rec('client', 'close', had));
});
