'use strict';
// 8 MiB of patterned data through an echo server (pipe), client writing in
// 64 KiB chunks and honouring write()'s return value / 'drain'; the echo
// comes back complete and intact (md5 of what came back).
const crypto = require('crypto');
const { net, setup, rec, guard } = require('./_common');
setup('client', 'server');
guard();

const TOTAL = 8 * 1024 * 1024;
const CHUNK = 64 * 1024;
function block(i) {
  const b = Buffer.alloc(CHUNK);
  for (let j = 0; j < CHUNK; j += 4) b.writeUInt32BE((i * CHUNK + j) >>> 0, j);
  return b;
}
const sent = crypto.createHash('md5');
const back = crypto.createHash('md5');

const server = net.createServer((s) => {
  s.pipe(s);
  s.on('close', (had) => {
    rec('server', 'close', had, s.bytesRead, s.bytesWritten);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let i = 0;
  let received = 0;
  function pump() {
    while (i < TOTAL / CHUNK) {
      const b = block(i++);
      sent.update(b);
      if (!c.write(b)) {
        c.once('drain', pump);
        return;
      }
    }
    c.end();
  }
  c.on('connect', pump);
  c.on('data', (d) => {
    received += d.length;
    back.update(d);
  });
  c.on('end', () => {
    const a = sent.digest('hex');
    const b = back.digest('hex');
    rec('client', 'end', received, a === b);
  });
  c.on('close', (had) => rec('client', 'close', had, c.bytesRead, c.bytesWritten));
});
