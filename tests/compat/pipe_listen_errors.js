'use strict';
// Local-socket errors, one after the other: listen on an existing regular
// file -> EADDRINUSE and the file is kept as it was; on a directory ->
// EADDRINUSE; in a missing directory -> EACCES (libuv's mapping of ENOENT);
// no 'listening' or 'close' in any of them. connect to a missing path ->
// ENOENT, to a regular file -> ECONNREFUSED. Bad path values throw. After an
// error the same server listens fine on a good path.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, ecode, guard } = require('./_common');
setup('file', 'dir', 'nodir', 'missing', 'plain', 'args', 'good');
guard();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const filePath = path.join(dir, 'file');
fs.writeFileSync(filePath, 'keep me');

const steps = [];
function next() {
  const step = steps.shift();
  if (step) step();
}

function tryListen(actor, p, then) {
  const s = net.createServer();
  s.on('listening', () => rec(actor, 'listening'));
  s.on('close', () => rec(actor, 'close'));
  s.on('error', (e) => {
    rec(actor, 'error', ecode(e), e.address === p, e instanceof Error, s.listening);
    setTimeout(() => then(s), 20);
  });
  const r = s.listen(p);
  rec(actor, 'listen returned', r === s, s.listening);
}

steps.push(() => tryListen('file', filePath, () => {
  rec('file', 'kept', fs.readFileSync(filePath, 'utf8'));
  next();
}));
steps.push(() => tryListen('dir', dir, () => next()));
steps.push(() => tryListen('nodir', path.join(dir, 'nodir', 'x.sock'), () => next()));

function tryConnect(actor, p) {
  const c = net.connect(p, () => rec(actor, 'connect cb'));
  c.on('connect', () => rec(actor, 'connect'));
  c.on('error', (e) => rec(actor, 'error', ecode(e), e.address === p, c.destroyed));
  c.on('close', (had) => {
    rec(actor, 'close', had);
    next();
  });
}
steps.push(() => tryConnect('missing', path.join(dir, 'nobody.sock')));
steps.push(() => tryConnect('plain', filePath));

steps.push(() => {
  for (const v of [123, true]) {
    try {
      net.createServer().listen({ path: v });
      rec('args', 'listen no throw', v);
    } catch (e) {
      rec('args', 'listen throws', v, e.code);
    }
    try {
      net.connect({ path: v });
      rec('args', 'connect no throw', v);
    } catch (e) {
      rec('args', 'connect throws', v, e.code);
    }
  }
  next();
});

steps.push(() => {
  const s = net.createServer((conn) => conn.end('fine'));
  s.on('error', (e) => {
    rec('good', 'error', ecode(e));
    const good = path.join(dir, 'good.sock');
    s.listen(good, () => {
      rec('good', 'listening', s.listening, s.address() === good);
      const c = net.connect(good);
      c.on('data', (d) => rec('good', 'data', d.toString()));
      c.on('close', (had) => {
        rec('good', 'client close', had);
        s.close(() => rec('good', 'closed'));
      });
    });
  });
  s.listen(filePath);
});
next();
