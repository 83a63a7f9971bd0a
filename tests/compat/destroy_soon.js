'use strict';
// destroySoon(): ends the writable side, and destroys the socket once the
// pending data is flushed ('finish'), without waiting for the peer's FIN.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer((s) => {
  let got = 0;
  s.on('data', (d) => { got += d.length; });
  s.on('end', () => rec('server', 'end', got));
  s.on('error', (e) => rec('server', 'error', e.code));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    c.write(Buffer.alloc(100000, 'q'));
    c.destroySoon();
    rec('client', 'after destroySoon', c.destroyed, c.writable);
  });
  c.on('finish', () => rec('client', 'finish'));
  c.on('end', () => rec('client', 'end'));
  c.on('close', (had) => rec('client', 'close', had, c.destroyed, c.bytesWritten));
});
