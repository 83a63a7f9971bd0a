'use strict';
// Stream behaviour over a local socket (half-open server): pauseOnConnect (no 'data' until
// resume()), setEncoding with a multi-byte character split across writes,
// write callbacks in order, an idle 'timeout' while the server holds back,
// cork/uncork, and the byte counters at the end.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
const sockPath = path.join(dir, 'st.sock');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const snow = Buffer.from('\u2603', 'utf8'); // 3 bytes
const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => {
  rec('server', 'connection', s.isPaused());
  s.setEncoding('utf8');
  let got = '';
  s.on('data', (d) => {
    got += d;
  });
  setTimeout(() => {
    rec('server', 'resume', got.length);
    s.resume();
  }, 100);
  s.on('end', () => {
    rec('server', 'end', got, s.bytesRead);
    setTimeout(() => {
      s.cork();
      s.write('RE');
      s.write('PLY');
      s.uncork();
      s.end(' ' + got.toUpperCase());
    }, 150);
  });
  s.on('finish', () => rec('server', 'finish', s.bytesWritten));
  s.on('close', (had) => {
    rec('server', 'close', had);
    server.close(() => rec('server', 'closed'));
  });
});

server.listen(sockPath, () => {
  const c = net.connect({ path: sockPath, allowHalfOpen: true, timeout: 80 });
  c.on('connect', () => {
    rec('client', 'connect', c.timeout);
    rec('client', 'write1', c.write('snow ', () => rec('client', 'cb1')));
    rec('client', 'write2', c.write(snow.subarray(0, 1), () => rec('client', 'cb2')));
    rec('client', 'write3', c.write(snow.subarray(1), () => rec('client', 'cb3')));
    c.end(' man', () => rec('client', 'end cb'));
  });
  let timeouts = 0;
  c.on('timeout', () => {
    timeouts += 1;
    rec('client', 'timeout', timeouts, c.destroyed);
  });
  c.on('finish', () => rec('client', 'finish'));
  c.setEncoding('utf8');
  let reply = '';
  c.on('data', (d) => { reply += d; });
  c.on('end', () => rec('client', 'end', reply, c.bytesRead, c.bytesWritten));
  c.on('close', (had) => rec('client', 'close', had, timeouts));
});
