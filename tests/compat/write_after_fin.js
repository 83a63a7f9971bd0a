'use strict';
// allowHalfOpen false: inside the 'end' listener the socket is still
// writable and a write there reaches the peer before the automatic end();
// on the next turn of the loop (after 'finish', the socket already being
// destroyed) a write returns false and fails with EPIPE through its callback
// only: no 'error', and 'close' is false.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer((s) => {
  s.resume();
  s.on('end', () => {
    rec('server', 'end', s.writable);
    const r = s.write('late', (err) => rec('server', 'write cb', ecode(err)));
    rec('server', 'write returns', r);
    setImmediate(() => {
      rec('server', 'immediate', s.writable);
      const r2 = s.write('later', (err) => rec('server', 'write 2 cb', ecode(err)));
      rec('server', 'write 2 returns', r2);
    });
  });
  s.on('finish', () => rec('server', 'finish'));
  s.on('error', (e) => rec('server', 'error', ecode(e)));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => c.end());
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('end', () => rec('client', 'end'));
  c.on('error', (e) => rec('client', 'error', ecode(e)));
  c.on('close', (had) => rec('client', 'close', had));
});
