'use strict';
// Server errors: listen on a port in use -> 'error' EADDRINUSE listen (with
// address and port), no 'close', not listening; close() on a server that
// is not listening -> callback gets ERR_SERVER_NOT_RUNNING and 'close' is
// still emitted; listen() twice -> ERR_SERVER_ALREADY_LISTEN thrown; bad
// ports -> ERR_SOCKET_BAD_PORT thrown by listen() and connect().
const { net, setup, rec, ecode, guard } = require('./_common');
setup('s1', 's2', 's3', 'args');
guard();

function tryCall(label, fn) {
  try {
    fn();
    rec('args', label, 'no throw');
  } catch (e) {
    rec('args', label, 'throws', ecode(e));
  }
}

const s1 = net.createServer();
s1.on('close', () => rec('s1', 'close'));
s1.listen(0, '127.0.0.1', () => {
  const port = s1.address().port;
  tryCall('listen again', () => s1.listen(0, '127.0.0.1'));
  tryCall('listen port 65536', () => net.createServer().listen(65536));
  tryCall('listen port -1', () => net.createServer().listen(-1));
  tryCall('connect port 65536', () => net.connect(65536, '127.0.0.1'));
  tryCall('connect port -1', () => net.connect({ port: -1, host: '127.0.0.1' }));

  const s2 = net.createServer();
  s2.on('listening', () => rec('s2', 'listening'));
  s2.on('close', () => rec('s2', 'close'));
  s2.on('error', (e) => {
    rec('s2', 'error', ecode(e), e.address, e.port === port, s2.listening);
    setTimeout(() => {
      rec('s2', 'later', s2.listening, s2.address() === null);
      s2.close((err) => {
        rec('s2', 'close cb', ecode(err));
        s1.close();
      });
    }, 50);
  });
  s2.listen(port, '127.0.0.1');
  rec('s2', 'after listen()', s2.listening);

  const s3 = net.createServer();
  s3.on('close', () => rec('s3', 'close'));
  const r = s3.close((err) => rec('s3', 'close cb', ecode(err)));
  rec('s3', 'close() returns server', r === s3);
});
