'use strict';
// highWaterMark on the client (4 bytes): a write that goes out at once
// returns true, whatever its size, and no 'drain' follows (node 20 returns
// the state after the attempt); while corked, writes queue up and write()
// returns false once the queued bytes reach the mark; after uncork()
// flushes them, 'drain' comes.
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
  const c = net.connect({ port: server.address().port, host: '127.0.0.1',
                          highWaterMark: 4 });
  c.on('connect', () => {
    rec('client', 'write 1', c.write('hello'),
        c.writableLength);
    c.cork();
    rec('client', 'write 2', c.write('abc'),
        c.writableLength);
    rec('client', 'write 3', c.write('de'),
        c.writableLength);
    c.uncork();
    rec('client', 'uncorked', c.writableLength);
  });
  c.on('drain', () => {
    rec('client', 'drain', c.writableLength);
    c.end('!');
  });
  c.on('finish', () => rec('client', 'finish'));
  c.on('close', (had) => rec('client', 'close', had));
});
