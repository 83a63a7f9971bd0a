'use strict';
// An exception thrown by a listener is "uncaught": it skips the remaining
// listeners of that emit, but the sockets stay usable and later events
// still arrive. (Node: process 'uncaughtException'; Python: the exception
// comes out of net.run(), and calling run() again continues.)
const { net, setup, rec, guard } = require('./_common');
setup('main', 'client', 'server');
guard();

process.on('uncaughtException', (e) => rec('main', 'uncaught', e.message));

const server = net.createServer((s) => {
  s.write('first');
  setTimeout(() => s.end('second'), 100);
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close(() => rec('server', 'closed'));
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let n = 0;
  c.on('data', (d) => {
    n += 1;
    rec('client', 'data', n, d.toString());
    if (n === 1) throw new Error('boom in data');
  });
  c.on('data', () => rec('client', 'second data listener', n));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
