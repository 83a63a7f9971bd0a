'use strict';
// allowHalfOpen false (default): the client ends; the server socket gets
// 'end', ends itself automatically ('finish'), then closes. readyState at
// each step on both sides.
const { net, setup, rec, guard } = require('./_common');
setup('server', 'client');
guard();

const server = net.createServer((s) => {
  rec('server', 'connection');
  s.on('data', (d) => rec('server', 'data', d.toString()));
  s.on('end', () => rec('server', 'end', s.readyState, s.readable, s.writable));
  s.on('finish', () => rec('server', 'finish', s.readyState, s.writable));
  s.on('close', (had) => {
    rec('server', 'close', had, s.readyState, s.destroyed);
    server.close(() => rec('server', 'closed'));
  });
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  c.on('connect', () => {
    rec('client', 'connect');
    c.end('abc');
    rec('client', 'after end', c.readyState, c.writable);
  });
  c.on('data', (d) => rec('client', 'data', d.toString()));
  c.on('finish', () => rec('client', 'finish', c.readyState));
  c.on('end', () => rec('client', 'end', c.readyState));
  c.on('close', (had) => rec('client', 'close', had, c.readyState));
});
