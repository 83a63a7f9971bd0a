'use strict';
// listen() call forms: options object with port/host, string port, no
// port at all (random port, the default host); 'listening' before the
// callback; listen({}) without port or path throws ERR_INVALID_ARG_VALUE;
// listen(true) throws ERR_INVALID_ARG_VALUE too.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('opts', 'str', 'bare', 'args');
guard();

function tryCall(label, fn) {
  try {
    fn();
    rec('args', label, 'no throw');
  } catch (e) {
    rec('args', label, 'throws', ecode(e));
  }
}

tryCall('listen({})', () => net.createServer().listen({}));
tryCall('listen({host})', () => net.createServer().listen({ host: '127.0.0.1' }));
tryCall('listen(true)', () => net.createServer().listen(true));

const a = net.createServer();
a.on('listening', () => rec('opts', 'listening event'));
const ra = a.listen({ port: 0, host: '127.0.0.1' }, () => {
  rec('opts', 'callback', a.address().family, a.address().address);
  a.close(() => {
    const b = net.createServer();
    b.listen('0', '127.0.0.1', () => {
      rec('str', 'callback', b.address().family, b.address().port > 0);
      b.close(() => {
        const c = net.createServer();
        c.listen(() => {
          const addr = c.address();
          rec('bare', 'callback', addr.port > 0, typeof addr.address === 'string');
          // reachable on loopback
          const conn = net.connect(addr.port, '127.0.0.1');
          conn.on('connect', () => {
            rec('bare', 'reachable via 127.0.0.1');
            conn.destroy();
            c.close();
          });
          conn.on('error', (e) => {
            rec('bare', 'error', ecode(e));
            c.close();
          });
        });
      });
    });
  });
});
rec('opts', 'listen returns server', ra === a);
