'use strict';
// A 16 MiB write to a peer that is not reading yet returns false and stays
// buffered; when it completes, 'drain' comes before the write callback. A
// small write afterwards returns true and gets its callback (no 'drain').
const { net, setup, rec, ecode, guard } = require('./_common');
setup('client', 'server');
guard();

const BIG = 16 * 1024 * 1024;
const server = net.createServer((s) => {
  let total = 0;
  setTimeout(() => {
    s.on('data', (d) => { total += d.length; });
  }, 100);
  s.on('end', () => rec('server', 'end', total));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    rec('client', 'connect', c.writableLength);
    const r = c.write(Buffer.alloc(BIG, 'a'), (err) => {
      rec('client', 'big write cb', ecode(err), c.writableLength);
      const r2 = c.write('x', (err2) => {
        rec('client', 'small write cb', ecode(err2));
        c.end();
      });
      rec('client', 'small write returns', r2);
    });
    rec('client', 'big write returns', r, c.writableLength > 0, c.writableLength <= BIG);
  });
  c.on('drain', () => rec('client', 'drain', c.writableLength));
  c.on('finish', () => rec('client', 'finish', c.bytesWritten));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
