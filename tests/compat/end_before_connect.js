'use strict';
// write() and end() called before the connection is established are
// queued and carried out once connected; state while connecting.
const { net, setup, rec, guard } = require('./_common');
setup('client', 'server');
guard();

const server = net.createServer((s) => {
  let got = '';
  s.on('data', (d) => { got += d.toString(); });
  s.on('end', () => rec('server', 'end', got));
  s.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  rec('client', 'write returns', c.write('early '));
  c.end('bird', () => rec('client', 'end cb'));
  rec('client', 'queued', c.connecting, c.pending, c.readyState, c.writableLength);
  c.on('connect', () => rec('client', 'connect'));
  c.on('finish', () => rec('client', 'finish', c.bytesWritten));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
