'use strict';
// Local sockets and destroy: destroy(err) on a connected client gives 'error'
// with that very error then 'close' true (the server side sees a clean end);
// destroy(err) while connecting; a plain destroy() gives 'close' false with no
// 'error'; the server destroying its side makes the client see 'end'/'close';
// resetAndDestroy() is TCP only (ERR_INVALID_HANDLE_TYPE).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { net, setup, rec, ecode, guard } = require('./_common');
setup('server', 's1', 's2', 's3', 's4', 'a', 'b', 'c', 'd');
guard();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-'));
const sockPath = path.join(dir, 'd.sock');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
const server = net.createServer((s) => {
  n += 1;
  const id = n;
  // one actor per accepted connection: their relative order is not fixed
  const who = 's' + id;
  rec(who, 'connection');
  s.on('data', (d) => rec(who, 'data', d.toString()));
  s.on('end', () => rec(who, 'end'));
  s.on('error', (e) => rec(who, 'error', ecode(e)));
  s.on('close', (had) => rec(who, 'close', had));
  if (id === 4) {
    s.write('about to go', () => {
      rec(who, 'destroying');
      s.destroy();
    });
  }
});

function watch(name, c, boom, next) {
  for (const ev of ['lookup', 'end', 'finish', 'timeout']) {
    c.on(ev, () => rec(name, ev));
  }
  c.on('data', (d) => rec(name, 'data', d.toString()));
  c.on('error', (e) => rec(name, 'error', boom ? e === boom : ecode(e), e.message, c.destroyed));
  c.on('close', (had) => {
    rec(name, 'close', had, c.destroyed, c.readyState);
    next();
  });
}

server.listen(sockPath, () => {
  const a = net.connect(sockPath);
  const boomA = new Error('boom');
  a.on('connect', () => rec('a', 'connect'));
  a.on('ready', () => {
    rec('a', 'ready');
    a.write('before destroy');
    a.destroy(boomA);
    rec('a', 'after destroy', a.destroyed, a.readyState);
  });
  watch('a', a, boomA, stepB);
});

function stepB() {
  const b = net.connect(sockPath);
  const boomB = new Error('bang');
  b.on('connect', () => rec('b', 'connect'));
  watch('b', b, boomB, stepC);
  b.destroy(boomB);
  rec('b', 'after destroy', b.destroyed, b.connecting);
}

function stepC() {
  const c = net.connect(sockPath);
  c.on('connect', () => {
    rec('c', 'connect');
    let threw = 'no throw';
    try {
      c.resetAndDestroy();
    } catch (e) {
      threw = e.name + ' ' + e.code;
    }
    rec('c', 'resetAndDestroy', threw, c.destroyed);
    const r = c.destroy();
    rec('c', 'destroy returns', r === c, c.destroyed);
  });
  watch('c', c, null, stepD);
}

function stepD() {
  const d = net.connect(sockPath);
  d.on('connect', () => rec('d', 'connect'));
  watch('d', d, null, () => server.close(() => rec('server', 'closed')));
}
