'use strict';
// write() after end(): returns false, the write callback gets
// ERR_STREAM_WRITE_AFTER_END, then 'error' with the same code, then 'close'
// true. write() after destroy(): only the callback hears about it
// (ERR_STREAM_DESTROYED), no 'error'.
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 'a', 'b');
guard();

let closed = 0;
const server = net.createServer((s) => {
  let got = '';
  s.on('data', (d) => { got += d.toString(); });
  s.on('error', (e) => rec('server', 'error', ecode(e)));
  s.on('close', () => {
    closed += 1;
    if (closed === 2) server.close();
  });
});

function watch(name, c) {
  for (const ev of ['data', 'end', 'finish', 'drain']) {
    c.on(ev, () => rec(name, ev));
  }
  c.on('error', (e) => rec(name, 'error', ecode(e), c.destroyed));
  c.on('close', (had) => rec(name, 'close', had));
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1');
  watch('a', a);
  a.on('ready', () => {
    a.end('a');
    const r = a.write('b', (err) => rec('a', 'write cb', ecode(err)));
    rec('a', 'write returns', r);
  });
  const b = net.connect(port, '127.0.0.1');
  watch('b', b);
  b.on('ready', () => {
    b.destroy();
    const r = b.write('b', (err) => rec('b', 'write cb', ecode(err)));
    rec('b', 'write returns', r);
  });
});
