'use strict';
// resume() with no 'data' listener reads and discards: 'end' still comes,
// bytesRead counts everything. A socket nobody reads still gets 'end' on
// FIN when nothing is buffered (server side here).
const { net, setup, rec, guard } = require('./_common');
setup('client', 'server');
guard();

const server = net.createServer((s) => {
  // never read on this side; the client sends nothing
  s.end(Buffer.alloc(50000, 'z'));
  s.on('finish', () => rec('server', 'finish'));
  s.on('end', () => rec('server', 'end'));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    rec('client', 'connect');
    c.resume();
  });
  c.on('end', () => rec('client', 'end', c.bytesRead));
  c.on('close', (had) => rec('client', 'close', had));
});
