'use strict';
// destroy(err): 'error' with that very error, then 'close' true; once on a
// connected socket (the peer sees a clean end) and once before connecting.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'a', 'b');
guard();

const server = net.createServer((s) => {
  rec('server', 'connection');
  s.on('data', (d) => rec('server', 'data', d.toString()));
  s.on('end', () => rec('server', 'end'));
  s.on('error', (e) => rec('server', 'error', e.code));
  s.on('close', (had) => rec('server', 'close', had));
});

function watch(name, c, boom, next) {
  for (const ev of ['lookup', 'data', 'end', 'finish', 'timeout']) {
    c.on(ev, () => rec(name, ev));
  }
  c.on('error', (e) => rec(name, 'error', e.message, e === boom, c.destroyed));
  c.on('close', (had) => {
    rec(name, 'close', had, c.destroyed);
    next();
  });
}

server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1');
  const boomA = new Error('boom');
  a.on('connect', () => rec('a', 'connect'));
  a.on('ready', () => {
    rec('a', 'ready');
    a.destroy(boomA);
    rec('a', 'after destroy', a.destroyed);
  });
  watch('a', a, boomA, () => {
    const b = net.connect(port, '127.0.0.1');
    const boomB = new Error('bang');
    b.on('connect', () => rec('b', 'connect'));
    b.on('ready', () => rec('b', 'ready'));
    watch('b', b, boomB, () => server.close());
    b.destroy(boomB);
    rec('b', 'after destroy', b.destroyed);
  });
});
