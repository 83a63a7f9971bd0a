'use strict';
// cork(): writes are held (writableLength counts them, bytesWritten counts
// what has been handed to write()) until uncork(); the peer receives all of
// it in order.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('client', 'server');
guard();

const server = net.createServer((s) => {
  let got = Buffer.alloc(0);
  s.on('data', (d) => { got = Buffer.concat([got, d]); });
  s.on('end', () => rec('server', 'end', got.toString('hex'), s.bytesRead));
  s.on('close', () => server.close());
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('ready', () => {
    c.cork();
    rec('client', 'write 1', c.write('ab', (err) => rec('client', 'cb 1', ecode(err))));
    rec('client', 'write 2', c.write(Buffer.from('\u20ac'), (err) => rec('client', 'cb 2', ecode(err))));
    rec('client', 'corked', c.writableLength, c.bytesWritten);
    c.uncork();
    rec('client', 'uncorked', c.writableLength, c.bytesWritten);
    c.end(Buffer.from([0, 255]));
  });
  c.on('finish', () => rec('client', 'finish', c.writableLength, c.bytesWritten));
  c.on('close', (had) => rec('client', 'close', had));
});
