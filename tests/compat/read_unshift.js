'use strict';
// Paused mode: 'readable', read(size), unshift(chunk) and read() without a
// size; 'end' after the last read() returns null.
const { net, setup, rec, guard } = require('./_common');
setup('client');
guard();

const server = net.createServer((s) => {
  s.write('hello');
  setTimeout(() => s.end('world'), 150);
  s.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let n = 0;
  c.on('readable', () => {
    n += 1;
    if (n === 1) {
      const a = c.read(2);
      rec('client', 'read(2)', a.toString());
      c.unshift(Buffer.from('HE'));
      const b = c.read();
      rec('client', 'read()', b.toString());
      rec('client', 'read() again', c.read());
    } else {
      let chunk;
      while ((chunk = c.read()) !== null) {
        rec('client', 'read', chunk.toString());
      }
      rec('client', 'read() null');
    }
  });
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had));
});
