'use strict';
// The server writes several chunks and ends; the client pauses as soon as it
// connects (with a 'data' listener attached), sees no 'data' while paused,
// resumes after 200 ms and gets everything, in order.
const { net, setup, rec, guard } = require('./_common');
setup('client', 'server');
guard();

const server = net.createServer((s) => {
  s.write('one-');
  s.write('two-');
  s.write('three-');
  s.end('four');
  s.on('end', () => rec('server', 'end'));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let got = '';
  let resumed = false;
  c.on('connect', () => {
    rec('client', 'connect', c.isPaused());
    c.on('data', (d) => {
      if (!resumed) rec('client', 'data while paused');
      got += d.toString();
    });
    const r = c.pause();
    rec('client', 'pause', r === c, c.isPaused());
    setTimeout(() => {
      rec('client', 'resuming', got.length, c.isPaused());
      resumed = true;
      const r2 = c.resume();
      rec('client', 'resume', r2 === c, c.isPaused());
    }, 200);
  });
  c.on('end', () => rec('client', 'end', got, c.bytesRead));
  c.on('close', (had) => rec('client', 'close', had));
});
