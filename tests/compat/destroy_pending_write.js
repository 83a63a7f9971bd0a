'use strict';
// destroy() while a large write is still queued (the peer does not read):
// what happens to the pending write's callback, and no 'drain'/'finish'.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('client', 'server');
guard();

const server = net.createServer((s) => {
  // do not read for a while
  s.pause();
  s.on('error', (e) => rec('server', 'error', ecode(e)));
  s.on('close', (had) => {
    rec('server', 'close');
    server.close();
  });
  setTimeout(() => s.resume(), 200);
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    const r = c.write(Buffer.alloc(16 * 1024 * 1024), (err) => {
      rec('client', 'write cb', ecode(err), c.destroyed);
    });
    rec('client', 'write returns', r);
    setTimeout(() => {
      rec('client', 'destroying', c.writableLength > 0);
      c.destroy();
    }, 50);
  });
  c.on('drain', () => rec('client', 'drain'));
  c.on('finish', () => rec('client', 'finish'));
  c.on('error', (e) => rec('client', 'error', ecode(e)));
  c.on('close', (had) => rec('client', 'close', had));
});
