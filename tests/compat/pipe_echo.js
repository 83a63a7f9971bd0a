'use strict';
// An echo server built with sock.pipe(sock): the client writes two chunks
// and ends; it gets everything back, then 'end' and 'close'. pipe() returns
// its destination.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer((s) => {
  const r = s.pipe(s);
  rec('server', 'pipe returns dest', r === s);
  s.on('end', () => rec('server', 'end'));
  s.on('finish', () => rec('server', 'finish'));
  s.on('close', (had) => {
    rec('server', 'close', had, s.bytesRead, s.bytesWritten);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let got = '';
  c.on('connect', () => {
    c.write('hello ');
    c.write(Buffer.from('wor'));
    c.end('ld');
  });
  c.on('data', (d) => { got += d.toString(); });
  c.on('finish', () => rec('client', 'finish'));
  c.on('end', () => rec('client', 'end', got));
  c.on('close', (had) => rec('client', 'close', had, c.bytesRead, c.bytesWritten));
});
